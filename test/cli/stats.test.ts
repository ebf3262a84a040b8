/** `replaylab stats` end to end: the reference vectors of reference/statistics.md through the built CLI. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTmpDir, parseJson, removeTmpDirs, runCli } from './helpers.js';

interface StatsJson {
  column: string;
  returnFrequency: string;
  periods: number;
  periodsPerYear: number;
  sharpe: number;
  sortino: number | null;
  cagrPct: number;
  calmar: number | null;
  maxDrawdownPct: number;
  totalReturnPct: number;
  psr: number;
}

let dir: string;
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};
const stats = (args: string[]): StatsJson => {
  const result = runCli(['stats', ...args, '--json'], { cwd: dir });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return parseJson<StatsJson>(result.stdout);
};

beforeAll(() => {
  dir = makeTmpDir();
});
afterAll(removeTmpDirs);

describe('replaylab stats --returns reproduces empyrical (percent returns, A = 252) to 1e-9', () => {
  it('the mixed series', () => {
    const s = stats(['--returns', file('mixed.csv', 'return\n1\n10\n-4\n2\n3\n2\n1\n-10\n'), '--percent', '--periods-per-year', '252']);
    expect(s.periods).toBe(8);
    expect(Math.abs(s.sharpe - 1.7238613961706857)).toBeLessThan(1e-9);
    expect(Math.abs(s.sortino! - 2.6055312516736917)).toBeLessThan(1e-9);
    expect(Math.abs(s.cagrPct / 100 - 2.330292797300439)).toBeLessThan(1e-9);
    expect(Math.abs(s.calmar! - 23.3029279730044)).toBeLessThan(1e-9);
    expect(Math.abs(s.maxDrawdownPct - 10)).toBeLessThan(1e-9);
  });

  it('the positive series: no drawdown, so Calmar is null (undefined), not 0', () => {
    const s = stats(['--returns', file('positive.csv', '1\n2\n1\n1\n1\n1\n1\n1\n1\n'), '--percent', '--periods-per-year', '252']);
    expect(Math.abs(s.sharpe - 52.915026221291804)).toBeLessThan(1e-9);
    expect(s.maxDrawdownPct).toBe(0);
    expect(s.calmar).toBeNull();
  });

  it('the negative series, with a time column', () => {
    const rows = [0, -6, -7, -1, -9, -2, -6, -8, -5].map((r, i) => `2024-01-${String(i + 1).padStart(2, '0')},${r}`);
    const s = stats(['--returns', file('negative.csv', `date,returns\n${rows.join('\n')}\n`), '--percent', '--periods-per-year', '252']);
    expect(Math.abs(s.sharpe - -24.406808633910085)).toBeLessThan(1e-9);
    expect(Math.abs(s.sortino! - -13.532743075043401)).toBeLessThan(1e-9);
    expect(Math.abs(s.maxDrawdownPct / 100 - 0.365907303)).toBeLessThan(1e-9);
  });

  it('[10, −10, 10]: max drawdown 10%', () => {
    const s = stats(['--returns', file('ten.csv', 'r\n0.1\n-0.1\n0.1\n'), '--periods-per-year', '252']);
    expect(Math.abs(s.maxDrawdownPct - 10)).toBeLessThan(1e-9);
  });
});

describe('replaylab stats --equity', () => {
  it('resamples an intraday equity curve with times to daily returns, A = 365', () => {
    // The first row (100) is the base; day 1 closes at 110, day 2 at 99, day 3 at 108.9:
    // returns +10%, −10%, +10%. Drawdowns come from every row: 120 → 99 is −17.5%.
    const text = 'timestamp,equity\n2024-01-01T00:00:00Z,100\n2024-01-01T12:00:00Z,110\n2024-01-02T06:00:00Z,120\n2024-01-02T23:00:00Z,99\n2024-01-03T10:00:00Z,108.9\n';
    const s = stats(['--equity', file('equity.csv', text)]);
    expect(s.returnFrequency).toMatch(/^daily/);
    expect(s.periods).toBe(3);
    expect(s.periodsPerYear).toBe(365);
    expect(s.totalReturnPct).toBeCloseTo(8.9, 10);
    expect(s.maxDrawdownPct).toBeCloseTo(17.5, 10);
  });

  it('uses one return per row without times', () => {
    const s = stats(['--equity', file('rows.csv', 'value\n100\n110\n99\n'), '--periods-per-year', '12']);
    expect(s.returnFrequency).toBe('per row of the file');
    expect(s.periods).toBe(2);
    expect(s.totalReturnPct).toBeCloseTo(-1, 10);
  });
});

describe('replaylab stats: bad input', () => {
  const fails = (args: string[], pattern: RegExp): void => {
    const result = runCli(['stats', ...args], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(pattern);
  };
  it('a value that is not a number names file, line, column and value', () => {
    fails(['--returns', file('bad.csv', 'return\n0.01\nabc\n')], /^replaylab: bad\.csv:3:1 column 'return' value "abc": not a number/);
  });
  it('percent values read as fractions are caught', () => {
    fails(['--returns', file('pct.csv', 'return\n1\n-4\n')], /pct\.csv:3:1 .*a return below −100% \(are the values in percent\? use --percent\)/);
  });
  it('zero equity, too few values, a missing file, no input and both inputs', () => {
    fails(['--equity', file('zero.csv', 'equity\n100\n0\n')], /zero\.csv:3:1 column 'equity' value "0": equity must be above zero/);
    fails(['--equity', file('one.csv', 'equity\n100\n110\n')], /one\.csv: 1 return\(s\): need at least 2/);
    fails(['--returns', 'missing.csv'], /missing\.csv: no such file or folder/);
    fails([], /give --equity FILE or --returns FILE/);
    fails(['--equity', 'a.csv', '--returns', 'b.csv'], /mutually exclusive/);
  });
});
