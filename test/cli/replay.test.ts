/** `replaylab replay` end to end through the built CLI: run folders, determinism, sma-cross by hand, bad input. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTmpDir, parseJson, readCsvRows, removeTmpDirs, runCli } from './helpers.js';

const BUNDLED = join(REPO_ROOT, 'datasets', 'synthetic-5m');
const SMA_CROSS = join(REPO_ROOT, 'examples', 'sma-cross.ts');

interface MetricsJson {
  policy: string;
  seed: number;
  finalEquity: number;
  returnPct: number;
  trades: number;
  sharpe: number | null;
  fillModel: string;
  syntheticModels: boolean;
  syntheticData: boolean;
  runFolder: string;
  buyAndHoldReturnPct: number;
}

let dir: string;
beforeAll(() => {
  dir = makeTmpDir();
});
afterAll(removeTmpDirs);

const runsIn = (cwd: string): string[] => (existsSync(join(cwd, 'runs')) ? readdirSync(join(cwd, 'runs')) : []);

function replay(args: string[], cwd = dir) {
  return runCli(['replay', ...args], { cwd });
}

describe('replay on the bundled dataset', () => {
  it('buy-and-hold writes a complete run folder and prints a summary', () => {
    const cwd = makeTmpDir();
    const result = replay(['--dataset', BUNDLED, '--policy', 'buy-and-hold'], cwd);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/final equity/);
    expect(result.stdout).toMatch(/SYNTHETIC dataset/);
    const runs = runsIn(cwd);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^\d{8}-\d{6}-buy-and-hold-s1$/);
    const folder = join(cwd, 'runs', runs[0]!);
    expect(readdirSync(folder).sort()).toEqual(['equity.csv', 'manifest.json', 'metrics.json', 'trades.csv']);
    const metrics = JSON.parse(readFileSync(join(folder, 'metrics.json'), 'utf8')) as MetricsJson;
    const equity = readCsvRows(join(folder, 'equity.csv'));
    const trades = readCsvRows(join(folder, 'trades.csv'));
    // header, the starting cash at the first open, then one row per bar at its close
    expect(equity).toHaveLength(1 + 1 + 12_960);
    expect(equity[1]).toEqual(['2024-01-01T00:00:00Z', '10000', '10000', '0', '0', '0']);
    expect(equity[2]![0]).toBe('2024-01-01T00:04:59.999Z');
    expect(+equity.at(-1)![1]!).toBe(metrics.finalEquity);
    expect(trades).toHaveLength(2);
    expect(trades[1]![trades[0]!.indexOf('exit_reason')]).toBe('end_of_data');
    expect(metrics.trades).toBe(1);
    expect(metrics.fillModel).toBe('tick-walk');
    expect(metrics.syntheticData).toBe(true);
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as {
      dataset: { fingerprint: string };
      config: { engine: { feeRate: number } };
      spec: { policy: { name: string } };
    };
    expect(manifest.dataset.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(manifest.config.engine.feeRate).toBe(0.0005);
    expect(manifest.spec.policy.name).toBe('buy-and-hold');
  });

  it('random: the same seed gives identical files, another seed different ones', () => {
    const run = (seed: number, out: string) => {
      const r = replay(['--dataset', BUNDLED, '--policy', 'random', '--seed', String(seed), '--out', join(dir, out), '--json']);
      expect(r.status).toBe(0);
      return parseJson<MetricsJson>(r.stdout);
    };
    const a = run(7, 'seed7a');
    run(7, 'seed7b');
    const c = run(8, 'seed8');
    expect(a.trades).toBeGreaterThan(50);
    for (const file of ['metrics.json', 'trades.csv', 'equity.csv']) {
      expect(readFileSync(join(dir, 'seed7a', file), 'utf8')).toBe(readFileSync(join(dir, 'seed7b', file), 'utf8'));
      expect(readFileSync(join(dir, 'seed7a', file), 'utf8')).not.toBe(readFileSync(join(dir, 'seed8', file), 'utf8'));
    }
    expect(c.finalEquity).not.toBe(a.finalEquity);
  });

  it('--events writes every event as JSON lines, ending with RUN_FINISHED', () => {
    const out = join(dir, 'with-events');
    const r = replay(['--dataset', BUNDLED, '--policy', 'fixed', '--param', 'model=xgb', '--events', '--out', out, '--to', '2024-01-05']);
    expect(r.status).toBe(0);
    const lines = readFileSync(join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    const types = new Set(lines.map((l) => l.type));
    for (const type of ['SIGNAL_GENERATED', 'ORDER_SUBMITTED', 'TRADE_EXECUTED', 'POSITION_CLOSED']) expect(types).toContain(type);
    expect(lines.at(-1)!.type).toBe('RUN_FINISHED');
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as MetricsJson;
    expect(metrics.syntheticModels).toBe(true);
    expect(r.stdout).toMatch(/SYNTHETIC: generated from future returns/);
    const trades = readCsvRows(join(out, 'trades.csv'));
    expect(trades[1]![trades[0]!.indexOf('model_source')]).toBe('synthetic');
    expect(trades[1]![trades[0]!.indexOf('model')]).toBe('xgb');
  });
});

describe('sma-cross example, checked against crossovers computed here', () => {
  it('reverses at the next open after each crossover with whole units and no fee', () => {
    // A daily series with a few clear swings, in pandas' CSV layout (unnamed date column).
    const closes: number[] = [];
    for (let i = 0; i < 200; i++) closes.push(100 + 20 * Math.sin(i / 12) + i * 0.05);
    const opens = closes.map((c, i) => (i === 0 ? c : closes[i - 1]! + 0.5));
    const lines = [',Open,High,Low,Close,Volume'];
    closes.forEach((c, i) => {
      const day = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      lines.push(`${day},${opens[i]},${Math.max(opens[i]!, c) + 1},${Math.min(opens[i]!, c) - 1},${c},1000000`);
    });
    const csv = join(dir, 'daily.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const out = join(dir, 'sma');
    const r = replay(['--candles', csv, '--policy', SMA_CROSS, '--param', 'fast=5', '--param', 'slow=20', '--cash', '10000', '--fee', '0', '--qty-step', '1', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // Crossovers by brute force: the SMA difference changes sign at the close of bar i.
    const sma = (i: number, n: number) => closes.slice(i - n + 1, i + 1).reduce((a, b) => a + b, 0) / n;
    const crosses: { bar: number; side: string }[] = [];
    let previous = Number.NaN;
    for (let i = 19; i < closes.length; i++) {
      const diff = sma(i, 5) - sma(i, 20);
      if (previous <= 0 && diff > 0) crosses.push({ bar: i, side: 'long' });
      if (previous >= 0 && diff < 0) crosses.push({ bar: i, side: 'short' });
      previous = diff;
    }
    const rows = readCsvRows(join(out, 'trades.csv'));
    const header = rows[0]!;
    const col = (row: string[], name: string) => row[header.indexOf(name)]!;
    const trades = rows.slice(1);
    const fillable = crosses.filter((c) => c.bar + 1 < closes.length);
    expect(trades).toHaveLength(fillable.length);
    let cash = 10_000;
    trades.forEach((trade, n) => {
      const cross = fillable[n]!;
      const entry = opens[cross.bar + 1]!;
      expect(col(trade, 'side')).toBe(cross.side);
      expect(+col(trade, 'entry_price')).toBe(entry);
      const qty = Math.floor(cash / entry);
      expect(+col(trade, 'qty')).toBe(qty);
      const next = fillable[n + 1];
      const exit = next === undefined ? closes.at(-1)! : opens[next.bar + 1]!;
      expect(+col(trade, 'exit_price')).toBe(exit);
      expect(col(trade, 'exit_reason')).toBe(next === undefined ? 'end_of_data' : 'signal');
      const pnl = (cross.side === 'long' ? 1 : -1) * qty * (exit - entry);
      expect(+col(trade, 'pnl')).toBeCloseTo(pnl, 8);
      cash += pnl;
    });
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as MetricsJson;
    expect(metrics.finalEquity).toBeCloseTo(cash, 6);
  });
});

describe('bad input: a clear message, exit 2, no run folder', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown policy name', ['--policy', 'buy-and-sell'], /unknown policy "buy-and-sell".*buy-and-hold, random, fixed/],
    ['a missing policy file', ['--policy', './nope.ts'], /policy file \.\/nope\.ts does not exist/],
    ['a policy file that throws', ['--policy', 'throws.ts'], /policy throws\.ts threw in onBar at bar 500 \(2024-01-02T17:40:00Z\): boom at 500/],
    ['a malformed order', ['--policy', 'malformed.ts'], /returned a malformed order at bar 3 \(2024-01-01T00:15:00Z\): \{"type":"open","side":"up","fraction":1\}: side: .*\(got "up"\)/],
    ['an async onBar', ['--policy', 'async.ts'], /onBar returned a Promise at bar 0 .*synchronously/],
    ['a module without a default export', ['--policy', 'nodefault.ts'], /the default export must be a function .*no default export/],
    ['predictions without a model column', ['--policy', 'buy-and-hold', '--predictions', 'predictions-xgb-only.csv'], /predictions-xgb-only\.csv.*lgbm/],
    ['a factory that returns no policy', ['--policy', 'empty.js'], /must return an object with an onBar/],
    ['a config that fails its schema', ['--policy', 'buy-and-hold', '--config', 'bad-config.json'], /engine\.feeRate: .*(too big|<=)/],
    ['a config with a syntax error', ['--policy', 'buy-and-hold', '--config', 'broken.json'], /broken\.json:3:\d+: /],
    ['--from after --to', ['--policy', 'buy-and-hold', '--from', '2024-02-01', '--to', '2024-01-01'], /--from 2024-02-01 is not before --to 2024-01-01/],
    ['a period with no data', ['--policy', 'buy-and-hold', '--from', '2030-01-01'], /no bars in the period 2030-01-01T00:00:00Z → the end; the data covers 2024-01-01T00:00:00Z → 2024-02-14T23:55:00Z/],
    ['a bad --param', ['--policy', 'random', '--param', 'probability=2'], /policy random: probability = 2/],
    ['an unknown --param of a built-in', ['--policy', 'random', '--param', 'speed=2'], /unknown parameter speed/],
  ];

  beforeAll(() => {
    writeFileSync(
      join(dir, 'throws.ts'),
      "export default () => ({ onBar(ctx: { bar: number }) { if (ctx.bar === 500) throw new Error('boom at ' + ctx.bar); } });\n",
    );
    writeFileSync(join(dir, 'malformed.ts'), "export default () => ({ onBar: (ctx: { bar: number }) => (ctx.bar === 3 ? { type: 'open', side: 'up', fraction: 1 } : undefined) });\n");
    writeFileSync(join(dir, 'empty.js'), 'export default () => 42;\n');
    writeFileSync(join(dir, 'async.ts'), 'export default () => ({ async onBar() { return undefined; } });\n');
    writeFileSync(join(dir, 'nodefault.ts'), 'export const policy = { onBar() {} };\n');
    writeFileSync(join(dir, 'predictions-xgb-only.csv'), 'timestamp,xgb\n2024-01-01T00:00:00Z,0.5\n');
    writeFileSync(join(dir, 'bad-config.json'), '{ "engine": { "feeRate": 5 } }\n');
    writeFileSync(join(dir, 'broken.json'), '{\n  "engine": {\n    "feeRate": 0.001 x\n  }\n}\n');
  });

  for (const [what, args, message] of cases) {
    it(what, () => {
      const cwd = dir;
      const before = runsIn(cwd).length;
      const r = replay(['--dataset', BUNDLED, ...args], cwd);
      expect(r.stderr).toMatch(message);
      expect(r.status).toBe(2);
      expect(runsIn(cwd)).toHaveLength(before);
      expect(r.stdout).toBe('');
    });
  }

  it('an --out folder that holds files is refused and left as it was', () => {
    const out = join(dir, 'occupied');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'mine.txt'), 'keep me');
    const r = replay(['--dataset', BUNDLED, '--policy', 'buy-and-hold', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/already holds files/);
    expect(readdirSync(out)).toEqual(['mine.txt']);
  });
});

describe('measured the same way', () => {
  it('replaylab stats on a run\'s equity.csv gives the run\'s own metrics', () => {
    const out = join(dir, 'for-stats');
    const r = replay(['--dataset', BUNDLED, '--policy', 'random', '--seed', '4', '--out', out, '--json']);
    expect(r.status).toBe(0);
    const metrics = parseJson<MetricsJson & { cagrPct: number; maxDrawdownPct: number; sortino: number; dailyReturns: number }>(r.stdout);
    const s = runCli(['stats', '--equity', join(out, 'equity.csv'), '--json']);
    expect(s.status).toBe(0);
    const stats = parseJson<{ sharpe: number; sortino: number; totalReturnPct: number; cagrPct: number; maxDrawdownPct: number; periods: number }>(s.stdout);
    expect(stats.periods).toBe(metrics.dailyReturns);
    expect(stats.sharpe).toBeCloseTo(metrics.sharpe!, 12);
    expect(stats.sortino).toBeCloseTo(metrics.sortino, 12);
    expect(stats.totalReturnPct).toBeCloseTo(metrics.returnPct, 9);
    expect(stats.cagrPct).toBeCloseTo(metrics.cagrPct, 9);
    expect(stats.maxDrawdownPct).toBeCloseTo(metrics.maxDrawdownPct, 9);
  });
});

describe('trade data that contradicts the candles', () => {
  it('is refused before any fill, naming the trade and the candle', () => {
    const candles = ['open_time,open,high,low,close,volume'];
    const trades = ['timestamp,price,amount'];
    for (let i = 0; i < 30; i++) {
      const t = Date.UTC(2024, 0, 1) + i * 60_000;
      candles.push(`${t},100,101,99,100,10`);
      trades.push(`${t + 1000},${i === 20 ? 200 : 100}.5,1`);
    }
    writeFileSync(join(dir, 'c.csv'), `${candles.join('\n')}\n`);
    writeFileSync(join(dir, 't.csv'), `${trades.join('\n')}\n`);
    const cwd = makeTmpDir();
    const r = replay(['--candles', join(dir, 'c.csv'), '--trades', join(dir, 't.csv'), '--policy', 'buy-and-hold'], cwd);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/trades and candles disagree: the trade at 2024-01-01T00:20:01Z \(price 200.5\) is outside the candle at 2024-01-01T00:20:00Z \(low 99, high 101\)/);
    expect(runsIn(cwd)).toHaveLength(0);
  });
});

describe('a run where every order is rejected', () => {
  it('says so on stderr and in the summary', () => {
    const r = replay(['--dataset', BUNDLED, '--policy', 'fixed', '--param', 'leverage=100', '--out', join(dir, 'rejected')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: no trade was made: all \d+ order\(s\) were rejected \(mostly leverage_limit\)/);
    expect(r.stdout).toMatch(/orders\s+[\d,]+ submitted, [\d,]+ rejected \(leverage_limit [\d,]+/);
  });
});

describe('config defaults', () => {
  it('prints every field with a comment, and the output is a valid --config file', () => {
    const r = runCli(['config', 'defaults']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\/\/ Fee per side as a fraction of notional/);
    const value = parseJsonc(r.stdout) as { engine: { feeRate: number }; features: object };
    expect(value.engine.feeRate).toBe(0.0005);
    const file = join(dir, 'defaults.jsonc');
    writeFileSync(file, r.stdout);
    const check = runCli(['config', 'check', file]);
    expect(check.status).toBe(0);
    expect(JSON.parse(check.stdout)).toEqual(JSON.parse(runCli(['config', 'defaults', '--json']).stdout));
    // Every leaf has a description line above it.
    const leaves = r.stdout.split('\n').filter((line) => /^\s+"[A-Za-z$]+": [^{]/.test(line));
    const lines = r.stdout.split('\n');
    for (const leaf of leaves) expect(lines[lines.indexOf(leaf) - 1]).toMatch(/^\s+\/\/ /);
  });

  it('accepts a subset, e.g. fewer models, without restating the other defaults', () => {
    const file = join(dir, 'two-models.json');
    writeFileSync(file, '{ "models": { "names": ["xgb", "lgbm"] } }\n');
    const check = runCli(['config', 'check', file]);
    expect(check.stderr).toBe('');
    expect(JSON.parse(check.stdout).models.names).toEqual(['xgb', 'lgbm']);
  });
});
