/** `replaylab data inspect` end to end, on fixtures written here. */
import { appendFileSync, cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTmpDir, parseJson, removeTmpDirs, runCli, type DatasetJson, type InspectJson } from './helpers.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** One Binance kline row (12 columns, no quoting). */
function klineRow(openTime: number, closeTime: number, unit: 1 | 1000 = 1): string {
  return [
    openTime * unit,
    '41000.00',
    '41100.00',
    '40900.00',
    '41050.00',
    '12.50000',
    closeTime * unit + (unit - 1),
    '512500.00',
    '100',
    '6.25000',
    '256250.00',
    '0',
  ].join(',');
}

let work: string;
let cacheDir: string;
const env = (): Record<string, string> => ({ REPLAYLAB_CACHE_DIR: cacheDir });

/** Two monthly 1h files: 6 candles at the end of January, 8 in February with a gap and an off-grid candle. */
function writeBinanceMonths(dir: string): void {
  mkdirSync(dir);
  const january: string[] = [];
  for (let h = 18; h < 24; h++) {
    const t = Date.UTC(2022, 0, 31, h);
    january.push(klineRow(t, t + HOUR - 1));
  }
  writeFileSync(join(dir, 'BTCUSDT-1h-2022-01.csv'), `${january.join('\n')}\n`);
  const february: string[] = [];
  // 03:00 and 04:00 are missing (one gap of 2 bars); 06:30 is off the 1h grid (after maintenance)
  // and closes at 06:59:59.999, so it is also a short candle.
  for (const [h, m] of [
    [0, 0],
    [1, 0],
    [2, 0],
    [5, 0],
    [6, 0],
    [6, 30],
    [7, 0],
    [8, 0],
  ] as const) {
    const t = Date.UTC(2022, 1, 1, h, m);
    february.push(klineRow(t, m === 0 ? t + HOUR - 1 : Date.UTC(2022, 1, 1, h + 1) - 1));
  }
  writeFileSync(join(dir, 'BTCUSDT-1h-2022-02.csv'), `${february.join('\n')}\n`);
}

beforeAll(() => {
  work = makeTmpDir();
  cacheDir = join(work, 'cache');
  writeBinanceMonths(join(work, 'klines'));

  // Binance spot from 2025 on: open and close times in microseconds.
  const spot: string[] = [];
  for (let i = 0; i < 5; i++) {
    const t = Date.UTC(2026, 0, 1, 0, i);
    spot.push(klineRow(t, t + MINUTE - 1, 1000));
  }
  writeFileSync(join(work, 'BTCUSDT-1m-2026-01.csv'), `${spot.join('\n')}\n`);

  // backtesting.py / pandas: the index written as an unnamed first column; a weekend is a gap.
  writeFileSync(
    join(work, 'GOOG.csv'),
    [
      ',Open,High,Low,Close,Volume',
      '2013-02-25,396.63,400.74,395.33,395.33,2931100',
      '2013-02-26,396.97,399.14,391.31,395.52,2649400',
      '2013-02-27,396.25,403.12,394.54,400.04,3039500',
      '2013-02-28,401.12,403.55,399.52,400.56,2802000',
      '2013-03-01,399.70,403.22,397.17,403.04,2932500',
      '2013-03-04,403.29,412.27,402.35,411.74,3711700',
      '',
    ].join('\n'),
  );

  // freqtrade's trade CSV: buys 0.1 + 0.05 + 0.3 of 0.65 traded.
  writeFileSync(
    join(work, 'trades.csv'),
    [
      'timestamp,id,side,price,amount,cost',
      '1704067200000,3401,buy,42000.0,0.1,4200.0',
      '1704067215000,3402,sell,42010.0,0.2,8402.0',
      '1704067270000,3403,buy,41990.0,0.05,2099.5',
      '1704067330000,3404,buy,42020.0,0.3,12606.0',
      '',
    ].join('\n'),
  );

  // Ten hourly candles; line 4 has a close that is not a number, line 8 a low above the open.
  const rows = ['date,open,high,low,close,volume'];
  for (let i = 0; i < 10; i++) {
    const time = `2024-03-01 ${String(i).padStart(2, '0')}:00:00`;
    let row = `${time},100.0,101.0,99.0,100.5,7`;
    if (i === 2) row = `${time},100.0,101.0,99.0,n/a,7`;
    if (i === 6) row = `${time},100.0,101.0,100.2,100.5,7`;
    rows.push(row);
  }
  writeFileSync(join(work, 'skip.csv'), `${rows.join('\n')}\n`);
});

afterAll(removeTmpDirs);

function inspectJson(args: string[], extraEnv: Record<string, string> = env()): DatasetJson {
  const result = runCli(['data', 'inspect', ...args, '--json'], { cwd: work, env: extraEnv });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const json = parseJson<InspectJson>(result.stdout);
  expect(json.datasets).toHaveLength(1);
  return json.datasets[0]!;
}

describe('data inspect: a folder of Binance monthly kline files', () => {
  it('prints one JSON object with the joined candles, the gap, the off-grid candle and each file', () => {
    const result = runCli(['data', 'inspect', 'klines', '--json'], { cwd: work, env: env() });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const json = parseJson<InspectJson>(result.stdout);
    expect(Object.keys(json)).toEqual(['datasets']);
    expect(json.datasets).toHaveLength(1);
    const d = json.datasets[0]!;
    expect(d.path).toBe('klines');
    expect(d.symbol).toBe('BTCUSDT');
    expect(d.interval).toBe('1h');
    expect(d.synthetic).toBe(false);
    expect(d.candlesFromTrades).toBe(false);
    expect(d.trades).toBeNull();
    expect(d.badRows).toBe(0);
    expect(d.candles).toEqual({
      rows: 14,
      first: '2022-01-31T18:00:00Z',
      last: '2022-02-01T08:00:00Z',
      gaps: {
        count: 1,
        missingBars: 2,
        largest: { from: '2022-02-01T02:00:00Z', to: '2022-02-01T05:00:00Z', duration: '3h', durationMs: 3 * HOUR },
      },
      offGrid: 1,
      shortCandles: 1,
    });
    expect(d.files.map((f) => f.path)).toEqual([join('klines', 'BTCUSDT-1h-2022-01.csv'), join('klines', 'BTCUSDT-1h-2022-02.csv')]);
    const [january, february] = d.files;
    expect(january).toMatchObject({
      kind: 'candles',
      format: 'binance-klines',
      header: false,
      timeUnit: 'ms',
      symbol: 'BTCUSDT',
      interval: '1h',
      rows: 6,
      badRows: 0,
      badRowSamples: [],
      first: '2022-01-31T18:00:00Z',
      last: '2022-01-31T23:00:00Z',
      gaps: { count: 0, missingBars: 0, largest: null },
      offGrid: 0,
      shortCandles: 0,
    });
    expect(february).toMatchObject({
      kind: 'candles',
      format: 'binance-klines',
      header: false,
      timeUnit: 'ms',
      interval: '1h',
      rows: 8,
      badRows: 0,
      first: '2022-02-01T00:00:00Z',
      last: '2022-02-01T08:00:00Z',
      gaps: { count: 1, missingBars: 2, largest: { from: '2022-02-01T02:00:00Z', to: '2022-02-01T05:00:00Z' } },
      offGrid: 1,
      shortCandles: 1,
    });
  });

  it('prints the same figures for people', () => {
    const result = runCli(['data', 'inspect', 'klines'], { cwd: work, env: env() });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    expect(out).toMatch(/^dataset\s+klines$/m);
    expect(out).toMatch(/^symbol\s+BTCUSDT$/m);
    expect(out).toMatch(/^interval\s+1h$/m);
    expect(out).toMatch(/^candles\s+14$/m);
    expect(out).toMatch(/^from\s+2022-01-31T18:00:00Z$/m);
    expect(out).toMatch(/^to\s+2022-02-01T08:00:00Z$/m);
    expect(out).toMatch(/^gaps\s+1 \(2 bars missing\); longest 3h between the candles at 2022-02-01T02:00:00Z and 2022-02-01T05:00:00Z$/m);
    expect(out).toMatch(/^off-grid\s+1$/m);
    expect(out).toMatch(/^short candles\s+1$/m);
    expect(out).toMatch(/^bad rows\s+0$/m);
    const fileLine = (name: string): string => out.split('\n').find((line) => line.includes(name)) ?? '';
    // file, format, interval, rows, first, last, gaps, off-grid, bad, cache
    expect(fileLine('BTCUSDT-1h-2022-01.csv').split(/\s+/).slice(1, 9)).toEqual([
      'binance-klines',
      '1h',
      '6',
      '2022-01-31T18:00:00Z',
      '2022-01-31T23:00:00Z',
      '0',
      '0',
      '0',
    ]);
    expect(fileLine('BTCUSDT-1h-2022-02.csv').split(/\s+/).slice(1, 9)).toEqual([
      'binance-klines',
      '1h',
      '8',
      '2022-02-01T00:00:00Z',
      '2022-02-01T08:00:00Z',
      '1',
      '1',
      '0',
    ]);
  });

  it('reads the files from the cache on a second run, misses a changed file, and parses everything with --no-cache', () => {
    const folder = join(work, 'klines-cache');
    cpSync(join(work, 'klines'), folder, { recursive: true });
    const ownCache = { REPLAYLAB_CACHE_DIR: join(work, 'cache-of-klines') };
    const first = inspectJson([folder], ownCache);
    expect(first.files.map((f) => f.cache)).toEqual(['miss', 'miss']);
    expect(readdirSync(ownCache.REPLAYLAB_CACHE_DIR).length).toBeGreaterThan(0);

    const second = inspectJson([folder], ownCache);
    expect(second.files.map((f) => f.cache)).toEqual(['hit', 'hit']);
    // The cached figures are the parsed ones.
    expect(second.candles).toEqual(first.candles);
    expect(second.files.map((f) => [f.rows, f.first, f.last, f.format, f.timeUnit])).toEqual(
      first.files.map((f) => [f.rows, f.first, f.last, f.format, f.timeUnit]),
    );

    // A changed source file misses; the other still hits.
    const t = Date.UTC(2022, 1, 1, 9);
    appendFileSync(join(folder, 'BTCUSDT-1h-2022-02.csv'), `${klineRow(t, t + HOUR - 1)}\n`);
    const third = inspectJson([folder], ownCache);
    expect(third.files.map((f) => f.cache)).toEqual(['hit', 'miss']);
    expect(third.candles.rows).toBe(15);
    expect(third.candles.last).toBe('2022-02-01T09:00:00Z');

    const off = inspectJson([folder, '--no-cache'], ownCache);
    expect(off.files.map((f) => f.cache)).toEqual(['off', 'off']);
    expect(off.candles).toEqual(third.candles);
  });
});

describe('data inspect: several paths', () => {
  it('reports each path given as its own dataset, in order', () => {
    const result = runCli(['data', 'inspect', 'BTCUSDT-1m-2026-01.csv', 'GOOG.csv', '--json'], { cwd: work, env: env() });
    expect(result.status).toBe(0);
    const json = parseJson<InspectJson>(result.stdout);
    expect(json.datasets.map((d) => [d.path, d.interval])).toEqual([
      ['BTCUSDT-1m-2026-01.csv', '1m'],
      ['GOOG.csv', '1d'],
    ]);
  });
});

describe('data inspect: other formats', () => {
  it('reads microsecond open times of a 2025+ Binance spot file as 2026, not the year 58000', () => {
    const d = inspectJson(['BTCUSDT-1m-2026-01.csv']);
    expect(d.interval).toBe('1m');
    expect(d.symbol).toBe('BTCUSDT');
    expect(d.candles).toMatchObject({
      rows: 5,
      first: '2026-01-01T00:00:00Z',
      last: '2026-01-01T00:04:00Z',
      gaps: { count: 0, missingBars: 0, largest: null },
      offGrid: 0,
    });
    expect(d.files[0]).toMatchObject({ format: 'binance-klines', header: false, timeUnit: 'us', rows: 5 });
  });

  it('does not count microsecond close times (open + 1m − 1 µs) as short candles', () => {
    // Binance spot closes a 1m candle opened at 1767225600000000 at 1767225659999999 (µs).
    const d = inspectJson(['BTCUSDT-1m-2026-01.csv']);
    expect(d.candles.shortCandles).toBe(0);
    expect(d.files[0]!.shortCandles).toBe(0);
  });

  it('reads a generic CSV whose time column is unnamed, as pandas and backtesting.py write it', () => {
    const d = inspectJson(['GOOG.csv']);
    expect(d.symbol).toBeNull();
    expect(d.interval).toBe('1d');
    expect(d.candles).toEqual({
      rows: 6,
      first: '2013-02-25T00:00:00Z',
      last: '2013-03-04T00:00:00Z',
      gaps: {
        count: 1,
        missingBars: 2,
        largest: { from: '2013-03-01T00:00:00Z', to: '2013-03-04T00:00:00Z', duration: '3d', durationMs: 3 * 24 * HOUR },
      },
      offGrid: 0,
      shortCandles: 0,
    });
    expect(d.files[0]).toMatchObject({ kind: 'candles', format: 'generic-candles', header: true, timeUnit: 'iso', rows: 6, badRows: 0 });
  });

  it('builds candles from a freqtrade-style trades CSV at --interval', () => {
    const d = inspectJson(['trades.csv', '--interval', '1m']);
    expect(d.candlesFromTrades).toBe(true);
    expect(d.interval).toBe('1m');
    expect(d.candles).toEqual({
      rows: 3,
      first: '2024-01-01T00:00:00Z',
      last: '2024-01-01T00:02:00Z',
      gaps: { count: 0, missingBars: 0, largest: null },
      offGrid: 0,
      shortCandles: 0,
    });
    expect(d.trades).not.toBeNull();
    expect(d.trades!.rows).toBe(4);
    expect(d.trades!.first).toBe('2024-01-01T00:00:00Z');
    expect(d.trades!.last).toBe('2024-01-01T00:02:10Z');
    expect(d.trades!.takerBuyShare).toBeCloseTo(0.45 / 0.65, 12);
    expect(d.files).toHaveLength(1);
    expect(d.files[0]).toMatchObject({ kind: 'trades', format: 'generic-trades', header: true, timeUnit: 'ms', rows: 4, interval: null });

    const human = runCli(['data', 'inspect', 'trades.csv', '--interval', '1m'], { cwd: work, env: env() });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^interval\s+1m \(candles built from trades\)$/m);
    expect(human.stdout).toMatch(/^trades\s+4 \(2024-01-01T00:00:00Z → 2024-01-01T00:02:10Z\)$/m);
  });

  it('builds the candles from trades at the interval --interval names', () => {
    const d = inspectJson(['trades.csv', '--interval', '5m']);
    expect(d.candlesFromTrades).toBe(true);
    expect(d.interval).toBe('5m');
    expect(d.candles).toMatchObject({ rows: 1, first: '2024-01-01T00:00:00Z', last: '2024-01-01T00:00:00Z' });
    expect(d.trades!.rows).toBe(4);
  });
});

describe('data inspect --on-bad-row', () => {
  it('stops at the first bad row by default', () => {
    const result = runCli(['data', 'inspect', 'skip.csv'], { cwd: work, env: env() });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`replaylab: skip.csv:4:5 column 'close' value "n/a": not a number\n`);
  });

  it('skip: leaves the 2 bad rows out, counts them and names their lines', () => {
    const d = inspectJson(['skip.csv', '--on-bad-row', 'skip']);
    expect(d.badRows).toBe(2);
    expect(d.interval).toBe('1h');
    // The two rows left out are two one-bar gaps.
    expect(d.candles).toMatchObject({
      rows: 8,
      first: '2024-03-01T00:00:00Z',
      last: '2024-03-01T09:00:00Z',
      gaps: { count: 2, missingBars: 2 },
    });
    const file = d.files[0]!;
    expect(file.badRows).toBe(2);
    expect(file.badRowSamples.map((s) => s.line)).toEqual([4, 8]);
    expect(file.badRowSamples[0]!.message).toBe(`skip.csv:4:5 column 'close' value "n/a": not a number`);
    expect(file.badRowSamples[1]!.message).toBe(`skip.csv:8:4 column 'low' value "100.2": low above open (100.0)`);

    const human = runCli(['data', 'inspect', 'skip.csv', '--on-bad-row', 'skip'], { cwd: work, env: env() });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^bad rows\s+2$/m);
    expect(human.stdout).toContain(`skipped skip.csv:4:5 column 'close' value "n/a": not a number`);
    expect(human.stdout).toContain(`skipped skip.csv:8:4 column 'low' value "100.2": low above open (100.0)`);
  });
});
