import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, InputError } from '../../src/data/errors.js';
import { loadDataset, loadFileSet, readManifest, type Dataset } from '../../src/data/dataset.js';
import { parseInterval } from '../../src/data/time.js';

const root = mkdtempSync(join(tmpdir(), 'replaylab-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HOUR = 3_600_000;
/** 2022-01-31T21:00:00Z */
const JAN_31_21H = Date.UTC(2022, 0, 31, 21);
const KLINE_HEADER =
  'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';
const AGG_HEADER = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker';

let folderCount = 0;
/** A new folder holding the given files (written in the order given). */
function folder(files: Record<string, string>): string {
  const dir = join(root, `ds-${++folderCount}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** 1h klines opening at the given times, with close = 100 + hour index so rows are recognisable. */
function klines(openTimes: readonly number[], header = true): string {
  const rows = openTimes.map((t) => {
    const close = 100 + (t - JAN_31_21H) / HOUR;
    return `${t},${close},${close + 1},${close - 1},${close},1.5,${t + HOUR - 1},150,3,0.5,50,0`;
  });
  return `${header ? `${KLINE_HEADER}\n` : ''}${rows.join('\n')}\n`;
}

/** aggTrades rows `[time, price, qty, isBuyerMaker]`. */
function aggTrades(rows: readonly (readonly [number, number, number, boolean])[], firstId = 1): string {
  const lines = rows.map(([t, p, q, m], i) => `${firstId + i},${p},${q},${firstId + i},${firstId + i},${t},${m}`);
  return `${AGG_HEADER}\n${lines.join('\n')}\n`;
}

const hours = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i * HOUR);

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('loadDataset: a folder of Binance files', () => {
  // Written February first: the folder listing, not the write order, and then the times decide.
  const dir = folder({
    'BTCUSDT-1h-2022-02.csv': klines(hours(JAN_31_21H + 3 * HOUR, 2)),
    'BTCUSDT-1h-2022-01.csv': klines(hours(JAN_31_21H, 3)),
    'BTCUSDT-aggTrades-2022-02.csv': aggTrades([
      [Date.UTC(2022, 1, 1, 0, 0, 1), 103, 1, false],
      [Date.UTC(2022, 1, 1, 0, 30), 104, 2, true],
    ]),
    'BTCUSDT-aggTrades-2022-01.csv': aggTrades(
      [
        [Date.UTC(2022, 0, 31, 23, 59), 102, 0.5, true],
        [Date.UTC(2022, 0, 31, 23, 59, 59), 102.5, 0.25, false],
      ],
      100,
    ),
    'predictions.csv': 'timestamp,prediction\n1643670000000,0.5\n',
    'notes.txt': 'not data',
  });
  let dataset: Dataset;
  beforeAll(async () => {
    dataset = await loadDataset(dir, { cache: false });
  });

  it('joins monthly candle files in time order', () => {
    expect(dataset.candles.rows).toBe(5);
    expect(Array.from(dataset.candles.columns.openTime)).toEqual(hours(JAN_31_21H, 5));
    expect(Array.from(dataset.candles.columns.close)).toEqual([100, 101, 102, 103, 104]);
    expect(Array.from(dataset.candles.columns.volume)).toEqual([1.5, 1.5, 1.5, 1.5, 1.5]);
    expect(dataset.candleFiles.map((f) => basename(f.parsed.file))).toEqual(['BTCUSDT-1h-2022-01.csv', 'BTCUSDT-1h-2022-02.csv']);
    expect(dataset.candleFiles.every((f) => f.cache === 'off')).toBe(true);
  });

  it('joins the aggTrades files in time order', () => {
    expect(dataset.trades?.rows).toBe(4);
    expect(Array.from(dataset.trades!.columns.time)).toEqual([
      Date.UTC(2022, 0, 31, 23, 59),
      Date.UTC(2022, 0, 31, 23, 59, 59),
      Date.UTC(2022, 1, 1, 0, 0, 1),
      Date.UTC(2022, 1, 1, 0, 30),
    ]);
    expect(Array.from(dataset.trades!.columns.price)).toEqual([102, 102.5, 103, 104]);
    expect(Array.from(dataset.trades!.columns.side)).toEqual([-1, 1, 1, -1]);
    expect(Array.from(dataset.trades!.columns.id)).toEqual([100, 101, 1, 2]);
  });

  it('takes symbol and interval from the file names and finds predictions.csv', () => {
    expect(dataset.name).toBe(basename(dir));
    expect(dataset.path).toBe(dir);
    expect(dataset.symbol).toBe('BTCUSDT');
    expect(dataset.interval).toEqual({ name: '1h', ms: HOUR, isMonthly: false });
    expect(dataset.market).toBe('spot');
    expect(dataset.synthetic).toBe(false);
    expect(dataset.manifest).toBeUndefined();
    expect(dataset.candlesFromTrades).toBe(false);
    expect(dataset.predictionsPath).toBe(join(dir, 'predictions.csv'));
    expect(dataset.badRows).toBe(0);
    expect(dataset.tradeFiles).toHaveLength(2);
  });
});

describe('loadDataset: dataset.json', () => {
  it('uses its globs, symbol, market and interval', async () => {
    const dir = folder({
      'dataset.json': JSON.stringify({
        name: 'my-set',
        symbol: 'BTCUSDT',
        market: 'usdm',
        interval: '1h',
        candles: ['BTCUSDT-1h-*.csv'],
        trades: ['BTCUSDT-aggTrades-*.csv'],
        synthetic: true,
        source: 'test',
      }),
      'BTCUSDT-1h-2022-02.csv': klines(hours(JAN_31_21H + 3 * HOUR, 2)),
      'BTCUSDT-1h-2022-01.csv': klines(hours(JAN_31_21H, 3)),
      'BTCUSDT-aggTrades-2022-02.csv': aggTrades([[Date.UTC(2022, 1, 1, 0, 0, 1), 103, 1, false]]),
      // Not listed by the manifest: left alone even though it would not load.
      'ETHUSDT-1h-2022-01.csv': 'garbage',
    });
    const dataset = await loadDataset(dir);
    expect(dataset.name).toBe('my-set');
    expect(dataset.symbol).toBe('BTCUSDT');
    expect(dataset.market).toBe('usdm');
    expect(dataset.synthetic).toBe(true);
    expect(dataset.interval.name).toBe('1h');
    expect(dataset.manifest?.source).toBe('test');
    expect(dataset.candles.rows).toBe(5);
    expect(Array.from(dataset.candles.columns.openTime)).toEqual(hours(JAN_31_21H, 5));
    expect(dataset.trades?.rows).toBe(1);
  });

  it('joins listed files by their times, not by the order of the list', async () => {
    const dir = folder({
      'dataset.json': JSON.stringify({ symbol: 'XYZ', candles: ['b-later.csv', 'a-earlier.csv'] }),
      // b holds the earlier candles, whatever the names say.
      'b-later.csv': klines(hours(JAN_31_21H, 2)),
      'a-earlier.csv': klines(hours(JAN_31_21H + 2 * HOUR, 2)),
    });
    const dataset = await loadDataset(dir);
    expect(Array.from(dataset.candles.columns.openTime)).toEqual(hours(JAN_31_21H, 4));
    expect(Array.from(dataset.candles.columns.close)).toEqual([100, 101, 102, 103]);
    expect(dataset.symbol).toBe('XYZ');
    // No name gives the interval: it is inferred from the candles.
    expect(dataset.interval.name).toBe('1h');
  });

  it('rejects a glob that matches nothing', async () => {
    const dir = folder({ 'dataset.json': JSON.stringify({ candles: ['*.csv'], trades: ['BTCUSDT-trades-*.csv'] }), 'a.csv': klines([JAN_31_21H, JAN_31_21H + HOUR]) });
    const error = await inputError(loadDataset(dir));
    expect(error.message).toContain(join(dir, 'dataset.json'));
    expect(error.message).toContain("'BTCUSDT-trades-*.csv' matches no file");
  });

  it('rejects a dataset.json that is not JSON, naming the file', async () => {
    const dir = folder({ 'dataset.json': '{ "symbol": "BTCUSDT", }', 'a.csv': klines([JAN_31_21H, JAN_31_21H + HOUR]) });
    const error = await inputError(loadDataset(dir));
    expect(error.message).toContain(join(dir, 'dataset.json'));
    expect(error.message).toMatch(/not valid JSON/);
    // readManifest on its own says the same (sync or async).
    await expect(Promise.resolve().then(() => readManifest(dir))).rejects.toThrow(InputError);
  });

  it('rejects an unknown field, naming the file and the field', async () => {
    const dir = folder({ 'dataset.json': JSON.stringify({ symbol: 'BTCUSDT', colour: 'blue' }), 'a.csv': klines([JAN_31_21H, JAN_31_21H + HOUR]) });
    const error = await inputError(loadDataset(dir));
    expect(error.message).toContain(join(dir, 'dataset.json'));
    expect(error.message).toContain('colour');
  });

  it('rejects a bad interval, naming the file and the field', async () => {
    const dir = folder({ 'dataset.json': JSON.stringify({ interval: '1 hour' }), 'a.csv': klines([JAN_31_21H, JAN_31_21H + HOUR]) });
    const error = await inputError(loadDataset(dir));
    expect(error.message).toContain(join(dir, 'dataset.json'));
    expect(error.message).toContain("field 'interval'");
  });

  it('rejects a field of the wrong type, naming the field', async () => {
    const dir = folder({ 'dataset.json': JSON.stringify({ synthetic: 'yes', market: 'spot' }) });
    const error = await inputError(loadDataset(dir));
    expect(error.message).toContain("field 'synthetic'");
    const market = folder({ 'dataset.json': JSON.stringify({ market: 'futures' }) });
    expect((await inputError(loadDataset(market))).message).toContain("field 'market'");
  });
});

describe('loadDataset: overlapping files', () => {
  const overlapping = (): string =>
    folder({
      'BTCUSDT-1h-2022-01.csv': klines(hours(JAN_31_21H, 3)),
      // Starts with the last candle of January again.
      'BTCUSDT-1h-2022-02.csv': klines(hours(JAN_31_21H + 2 * HOUR, 3)),
    });

  it('is an error naming the file, line and time', async () => {
    const dir = overlapping();
    let error: unknown;
    try {
      await loadDataset(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    const e = error as DataError;
    expect(e.location).toEqual({ file: join(dir, 'BTCUSDT-1h-2022-02.csv'), line: 2, value: '2022-01-31T23:00:00Z' });
    expect(e.reason).toBe('overlaps BTCUSDT-1h-2022-01.csv, which ends at 2022-01-31T23:00:00Z: remove the duplicate file or rows');
  });

  it("drops and counts the overlapping rows with onBadRow 'skip'", async () => {
    const dataset = await loadDataset(overlapping(), { onBadRow: 'skip' });
    expect(dataset.badRows).toBe(1);
    expect(Array.from(dataset.candles.columns.openTime)).toEqual(hours(JAN_31_21H, 5));
    expect(Array.from(dataset.candles.columns.close)).toEqual([100, 101, 102, 103, 104]);
  });

  it('drops a file entirely inside another one', async () => {
    const dir = folder({
      'BTCUSDT-1h-2022-01.csv': klines(hours(JAN_31_21H, 5)),
      'BTCUSDT-1h-2022-01-31.csv': klines(hours(JAN_31_21H + HOUR, 2)),
    });
    const dataset = await loadDataset(dir, { onBadRow: 'skip' });
    expect(dataset.badRows).toBe(2);
    expect(Array.from(dataset.candles.columns.openTime)).toEqual(hours(JAN_31_21H, 5));
  });

  it('lets trade files share a millisecond but not go back', async () => {
    const t = Date.UTC(2022, 1, 1);
    const same = folder({
      'BTCUSDT-aggTrades-2022-01.csv': aggTrades([[t - 1, 100, 1, false], [t, 100, 1, false]]),
      'BTCUSDT-aggTrades-2022-02.csv': aggTrades([[t, 101, 1, true], [t + 1, 101, 1, true]], 3),
    });
    const dataset = await loadDataset(same, { interval: parseInterval('1m')! });
    expect(dataset.trades?.rows).toBe(4);
    expect(dataset.badRows).toBe(0);
    const back = folder({
      'BTCUSDT-aggTrades-2022-01.csv': aggTrades([[t - 1, 100, 1, false], [t, 100, 1, false]]),
      'BTCUSDT-aggTrades-2022-02.csv': aggTrades([[t - 1, 101, 1, true], [t + 1, 101, 1, true]], 3),
    });
    await expect(loadDataset(back, { interval: parseInterval('1m')! })).rejects.toThrow(DataError);
    const skipped = await loadDataset(back, { interval: parseInterval('1m')!, onBadRow: 'skip' });
    expect(skipped.badRows).toBe(1);
    expect(Array.from(skipped.trades!.columns.time)).toEqual([t - 1, t, t + 1]);
  });
});

describe('loadDataset: trade-only data', () => {
  const t0 = Date.UTC(2022, 0, 1);
  const tradesOnly = (): string =>
    folder({
      'BTCUSDT-aggTrades-2022-01-01.csv': aggTrades([
        [t0 + 1_000, 100, 1, false],
        [t0 + 2_000, 102, 2, true],
        [t0 + 61_000, 101, 0.5, false],
        [t0 + 180_000, 99, 4, true],
      ]),
    });

  it('builds candles at the given interval', async () => {
    const dataset = await loadDataset(tradesOnly(), { interval: parseInterval('1m')! });
    expect(dataset.candlesFromTrades).toBe(true);
    expect(dataset.candleFiles).toHaveLength(0);
    expect(dataset.interval.name).toBe('1m');
    expect(dataset.symbol).toBe('BTCUSDT');
    const c = dataset.candles.columns;
    expect(Array.from(c.openTime)).toEqual([t0, t0 + 60_000, t0 + 180_000]);
    expect(Array.from(c.open)).toEqual([100, 101, 99]);
    expect(Array.from(c.high)).toEqual([102, 101, 99]);
    expect(Array.from(c.close)).toEqual([102, 101, 99]);
    expect(Array.from(c.volume)).toEqual([3, 0.5, 4]);
    expect(Array.from(c.takerBuyVolume)).toEqual([1, 0.5, 0]);
    expect(Array.from(c.tradeCount)).toEqual([2, 1, 1]);
  });

  it('takes the interval from dataset.json', async () => {
    const dir = tradesOnly();
    writeFileSync(join(dir, 'dataset.json'), JSON.stringify({ interval: '5m' }));
    const dataset = await loadDataset(dir);
    expect(dataset.interval.name).toBe('5m');
    expect(dataset.candles.rows).toBe(1);
    expect(dataset.candles.columns.volume[0]).toBe(7.5);
  });

  it('is an input error without an interval', async () => {
    const error = await inputError(loadDataset(tradesOnly()));
    expect(error).not.toBeInstanceOf(DataError);
    expect(error.message).toMatch(/only trades and no candle interval/);
  });

  it('prefers aggTrades over raw trades of the same folder, with a warning', async () => {
    const dir = tradesOnly();
    writeFileSync(join(dir, 'BTCUSDT-trades-2022-01-01.csv'), 'id,price,qty,quote_qty,time,is_buyer_maker\n1,100,1,100,1640995201000,false\n');
    const warnings: string[] = [];
    const dataset = await loadDataset(dir, { interval: parseInterval('1m')!, onWarning: (m) => warnings.push(m) });
    expect(dataset.tradeFiles.map((f) => basename(f.parsed.file))).toEqual(['BTCUSDT-aggTrades-2022-01-01.csv']);
    expect(dataset.ignoredFiles.map((f) => basename(f.path))).toEqual(['BTCUSDT-trades-2022-01-01.csv']);
    expect(warnings.some((w) => w.includes('BTCUSDT-trades-2022-01-01.csv'))).toBe(true);
  });
});

describe('loadDataset: other inputs', () => {
  it('rejects a folder holding two symbols', async () => {
    const dir = folder({
      'BTCUSDT-1h-2022-01.csv': klines(hours(JAN_31_21H, 2)),
      'ETHUSDT-1h-2022-01.csv': klines(hours(JAN_31_21H, 2)),
    });
    const error = await inputError(loadDataset(dir));
    expect(error.message).toContain('BTCUSDT');
    expect(error.message).toContain('ETHUSDT');
    expect(error.message).toMatch(/several symbols/);
  });

  it('rejects a folder mixing intervals', async () => {
    const dir = folder({
      'BTCUSDT-1h-2022-01.csv': klines(hours(JAN_31_21H, 2)),
      'BTCUSDT-4h-2022-02.csv': klines([JAN_31_21H + 3 * HOUR]),
    });
    expect((await inputError(loadDataset(dir))).message).toMatch(/several intervals \(1h, 4h\)/);
  });

  it('reads a single file as a dataset', async () => {
    const dir = folder({ 'BTCUSDT-1h-2022-01.csv': klines(hours(JAN_31_21H, 3), false) });
    const file = join(dir, 'BTCUSDT-1h-2022-01.csv');
    const dataset = await loadDataset(file);
    expect(dataset.name).toBe('BTCUSDT-1h-2022-01.csv');
    expect(dataset.path).toBe(file);
    expect(dataset.symbol).toBe('BTCUSDT');
    expect(dataset.interval.name).toBe('1h');
    expect(dataset.candles.rows).toBe(3);
    expect(Array.from(dataset.candles.columns.close)).toEqual([100, 101, 102]);
    expect(dataset.trades).toBeUndefined();
    expect(dataset.predictionsPath).toBeUndefined();
  });

  it('infers the interval of a file whose name does not say', async () => {
    const dir = folder({ 'prices.csv': 'date,open,high,low,close\n2024-01-01 00:00,1,2,0.5,1.5\n2024-01-01 00:05,1,2,0.5,1.5\n2024-01-01 00:15,1,2,0.5,1.5\n2024-01-01 00:20,1,2,0.5,1.5\n' });
    const dataset = await loadDataset(join(dir, 'prices.csv'));
    expect(dataset.interval.name).toBe('5m');
    expect(dataset.symbol).toBeUndefined();
  });

  it('needs --interval for a single candle without a named interval', async () => {
    const dir = folder({ 'prices.csv': 'date,open,high,low,close\n2024-01-01 00:00,1,2,0.5,1.5\n' });
    expect((await inputError(loadDataset(join(dir, 'prices.csv')))).message).toMatch(/cannot tell the candle interval/);
    const dataset = await loadDataset(join(dir, 'prices.csv'), { interval: parseInterval('1d')! });
    expect(dataset.interval.name).toBe('1d');
  });

  it('reports a missing path and an empty folder as input errors', async () => {
    expect((await inputError(loadDataset(join(root, 'missing')))).message).toMatch(/no such file/);
    expect((await inputError(loadDataset(folder({ 'readme.txt': 'x' })))).message).toMatch(/no candle or trade CSV files/);
  });

  it('loads files named directly with loadFileSet', async () => {
    const dir = folder({
      'BTCUSDT-1h-2022-02.csv': klines(hours(JAN_31_21H + 3 * HOUR, 2)),
      'BTCUSDT-1h-2022-01.csv': klines(hours(JAN_31_21H, 3)),
    });
    const dataset = await loadFileSet([join(dir, 'BTCUSDT-1h-2022-02.csv'), join(dir, 'BTCUSDT-1h-2022-01.csv')], []);
    expect(dataset.name).toBe('BTCUSDT-1h-2022-02');
    expect(Array.from(dataset.candles.columns.openTime)).toEqual(hours(JAN_31_21H, 5));
  });
});

describe('loadDataset: intervals that contradict the data', () => {
  const hourly = [JAN_31_21H, JAN_31_21H + HOUR, JAN_31_21H + 2 * HOUR, JAN_31_21H + 3 * HOUR];

  it('rejects a dataset.json interval the candles do not have', async () => {
    const dir = folder({ 'dataset.json': '{"interval":"5m"}', 'BTCUSDT-1h-2022-01.csv': klines(hourly) });
    await expect(loadDataset(dir)).rejects.toThrow(/dataset\.json says interval 5m, but the candles are 1h apart/);
  });

  it('rejects an --interval the file names contradict', async () => {
    const dir = folder({ 'BTCUSDT-1h-2022-01.csv': klines(hourly) });
    await expect(loadDataset(dir, { interval: parseInterval('5m')! })).rejects.toThrow(/--interval says interval 5m, but the candles are 1h apart/);
    const ok = await loadDataset(dir, { interval: parseInterval('1h')! });
    expect(ok.interval.name).toBe('1h');
  });

  it('names the intervals of unnamed files of different intervals in one folder', async () => {
    const daily = [0, 1, 2, 3].map((d) => `2024-01-0${d + 1},10,11,9,10,5`).join('\n');
    const hours = [0, 1, 2, 3].map((h) => `2024-01-01 0${h}:00:00,10,11,9,10,5`).join('\n');
    const dir = folder({ 'GOOG.csv': `,Open,High,Low,Close,Volume\n${daily}\n`, 'EURUSD.csv': `,Open,High,Low,Close,Volume\n${hours}\n` });
    await expect(loadDataset(dir)).rejects.toThrow(/files of several intervals \((1h, 1d|1d, 1h)\)/);
  });

  it('points at subfolders when a folder has no CSV files of its own', async () => {
    const dir = folder({});
    mkdirSync(join(dir, 'btc-1h'));
    await expect(loadDataset(dir)).rejects.toThrow(/no candle or trade CSV files in this folder \(it has subfolders: btc-1h; pass one of them\)/);
  });
});
