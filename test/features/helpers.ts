/**
 * Helpers for the feature and signal tests: tiny candle tables written by hand, a generated market
 * (shared per test file), and the look-ahead machinery: copies of a market whose bars after i are
 * replaced by other random bars, or cut off after bar i.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { Rng } from '../../src/config/random.js';
import { CANDLE_COLUMNS, TRADE_COLUMNS, allocateTable, type CandleTable, type TradeTable } from '../../src/data/columns.js';
import { loadDataset } from '../../src/data/dataset.js';
import { GENERATOR_DEFAULTS, generateMarket } from '../../src/data/generator.js';
import { parseInterval } from '../../src/data/time.js';

export const MINUTE = 60_000;
/** 2024-01-01T00:00:00Z, the open of bar 0 in hand-written tables. */
export const START = Date.UTC(2024, 0, 1);

export interface BarInput {
  readonly open?: number;
  readonly high?: number;
  readonly low?: number;
  readonly close: number;
  readonly volume?: number;
  readonly takerBuyVolume?: number;
}

/**
 * One-minute candles from `START`. Open defaults to the previous close (the first bar's own close),
 * high and low to the larger and smaller of open and close, volume to 1; takerBuyVolume to NaN
 * (absent), as for a file without that column.
 */
export function candleTable(bars: readonly BarInput[]): CandleTable {
  const table = allocateTable(CANDLE_COLUMNS, bars.length);
  const c = table.columns;
  c.quoteVolume.fill(Number.NaN);
  c.tradeCount.fill(Number.NaN);
  c.takerBuyQuoteVolume.fill(Number.NaN);
  bars.forEach((bar, i) => {
    const open = bar.open ?? (i > 0 ? bars[i - 1]!.close : bar.close);
    c.openTime[i] = START + i * MINUTE;
    c.closeTime[i] = START + (i + 1) * MINUTE - 1;
    c.open[i] = open;
    c.high[i] = bar.high ?? Math.max(open, bar.close);
    c.low[i] = bar.low ?? Math.min(open, bar.close);
    c.close[i] = bar.close;
    c.volume[i] = bar.volume ?? 1;
    c.takerBuyVolume[i] = bar.takerBuyVolume ?? Number.NaN;
  });
  return table;
}

/** Candles whose closes are `closes` (see `candleTable` for the other fields). */
export function closesTable(closes: readonly number[]): CandleTable {
  return candleTable(closes.map((close) => ({ close })));
}

export interface Market {
  readonly candles: CandleTable;
  readonly trades: TradeTable;
  readonly intervalMs: number;
}

const root = mkdtempSync(join(tmpdir(), 'replaylab-features-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let marketCount = 0;

/** A generated one-minute market with trades (the synthetic generator, seeded). */
export async function generatedMarket(bars: number, seed: number): Promise<Market> {
  const dir = join(root, `market-${++marketCount}`);
  const interval = parseInterval('1m')!;
  await generateMarket(dir, { ...GENERATOR_DEFAULTS, bars, seed, interval, trades: true });
  const dataset = await loadDataset(dir, { cache: false });
  if (dataset.trades === undefined) throw new Error('the generated market has no trades');
  return { candles: dataset.candles, trades: dataset.trades, intervalMs: interval.ms };
}

/** A copy of the candles with the taker-buy column removed (all NaN), as in a plain OHLCV file. */
export function withoutTakerColumn(candles: CandleTable): CandleTable {
  const copy = copyCandles(candles, candles.rows);
  copy.columns.takerBuyVolume.fill(Number.NaN);
  return copy;
}

function copyCandles(candles: CandleTable, rows: number): CandleTable {
  const copy = allocateTable(CANDLE_COLUMNS, rows);
  for (const name of CANDLE_COLUMNS) copy.columns[name].set(candles.columns[name].subarray(0, rows));
  return copy;
}

function copyTrades(trades: TradeTable, rows: number): TradeTable {
  const copy = allocateTable(TRADE_COLUMNS, rows);
  for (const name of TRADE_COLUMNS) copy.columns[name].set(trades.columns[name].subarray(0, rows));
  return copy;
}

/**
 * The market with every bar after `last` replaced by a different random walk (prices, ranges,
 * volumes, taker volumes) and every trade after bar `last` given a random size and side. Times
 * stay the same, so the bar ↔ trade mapping is unchanged.
 */
export function alterFuture(market: Market, last: number, seed: number): Market {
  const rng = new Rng(seed);
  const candles = copyCandles(market.candles, market.candles.rows);
  const c = candles.columns;
  for (let i = last + 1; i < candles.rows; i++) {
    const open = c.close[i - 1]!;
    const close = open * Math.exp(0.03 * rng.normal());
    c.open[i] = open;
    c.close[i] = close;
    c.high[i] = Math.max(open, close) * (1 + 0.02 * rng.next());
    c.low[i] = Math.min(open, close) * (1 - 0.02 * rng.next());
    c.volume[i] = 1 + 100 * rng.next();
    c.takerBuyVolume[i] = c.volume[i]! * rng.next();
  }
  const trades = copyTrades(market.trades, market.trades.rows);
  const t = trades.columns;
  const cut = futureTradeStart(market, last);
  for (let k = cut; k < trades.rows; k++) {
    t.qty[k] = 10 * rng.next();
    t.side[k] = rng.int(-1, 1);
  }
  return { candles, trades, intervalMs: market.intervalMs };
}

/** The market cut off after bar `last` (its trades too). */
export function truncateAfter(market: Market, last: number): Market {
  return {
    candles: copyCandles(market.candles, last + 1),
    trades: copyTrades(market.trades, futureTradeStart(market, last)),
    intervalMs: market.intervalMs,
  };
}

/** Index of the first trade after bar `last`. */
function futureTradeStart(market: Market, last: number): number {
  const end = market.candles.columns.openTime[last]! + market.intervalMs;
  const time = market.trades.columns.time;
  let k = 0;
  while (k < market.trades.rows && time[k]! < end) k++;
  return k;
}

type NumericArray = Float64Array | Int8Array | Uint8Array;

/** Asserts that a[0..last] and b[0..last] are bit-identical (NaN included). */
export function expectSamePrefix(a: NumericArray, b: NumericArray, last: number, label: string): void {
  expect(b.length, label).toBeGreaterThan(last);
  const bytes = (array: NumericArray) => new Uint8Array(array.buffer, array.byteOffset, (last + 1) * array.BYTES_PER_ELEMENT);
  const left = bytes(a);
  const right = bytes(b);
  let firstDifference = -1;
  for (let k = 0; k < left.length && firstDifference < 0; k++) if (left[k] !== right[k]) firstDifference = k;
  expect(firstDifference < 0 ? 'identical' : `differs at index ${Math.floor(firstDifference / a.BYTES_PER_ELEMENT)}`, label).toBe('identical');
}

/** Asserts that some value after `last` differs, so that the alteration reached the output. */
export function expectSomeDifferenceAfter(a: NumericArray, b: NumericArray, last: number, label: string): void {
  let differs = false;
  for (let k = last + 1; k < Math.min(a.length, b.length) && !differs; k++) differs = !Object.is(a[k], b[k]);
  expect(differs, label).toBe(true);
}
