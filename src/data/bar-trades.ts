/** Which trades fall inside which bar: a merge of two sorted time columns. */
import { PRIVATE_COLUMNS, type CandleTable, type ColumnAllocator, type TradeTable } from './columns.js';
import { InputError } from './errors.js';
import { formatIsoTime } from './time.js';

export interface BarTradeRanges {
  /** Index of the first trade of bar i. */
  readonly start: Float64Array;
  /** One past the last trade of bar i (`start[i] === end[i]` when the bar has none). */
  readonly end: Float64Array;
}

/**
 * Bar i holds the trades with `openTime[i] ≤ time < min(openTime[i] + intervalMs, openTime[i + 1])`;
 * trades in a gap between bars belong to none.
 */
export function barTradeRanges(candles: CandleTable, trades: TradeTable, intervalMs: number, columns: ColumnAllocator = PRIVATE_COLUMNS): BarTradeRanges {
  const openTime = candles.columns.openTime;
  const time = trades.columns.time;
  const rows = candles.rows;
  const start = columns.float64(rows);
  const end = columns.float64(rows);
  let t = 0;
  for (let i = 0; i < rows; i++) {
    const open = openTime[i]!;
    const close = Math.min(open + intervalMs, i + 1 < rows ? openTime[i + 1]! : Number.POSITIVE_INFINITY);
    while (t < trades.rows && time[t]! < open) t++;
    start[i] = t;
    while (t < trades.rows && time[t]! < close) t++;
    end[i] = t;
  }
  return { start, end };
}

/**
 * Trade data must describe the same market as the candles: some trades must fall inside the
 * candles, and every trade inside a bar must lie within that bar's low and high (a relative
 * tolerance of 1e-9). Trades of another symbol or source would otherwise fill orders at prices
 * the candles never showed. Throws an `InputError` naming the first trade that disagrees.
 */
export function checkTradesAgainstCandles(candles: CandleTable, trades: TradeTable, ranges: BarTradeRanges): void {
  const { low, high, openTime } = candles.columns;
  const price = trades.columns.price;
  const time = trades.columns.time;
  let inside = 0;
  for (let i = 0; i < candles.rows; i++) {
    const lo = low[i]! * (1 - 1e-9);
    const hi = high[i]! * (1 + 1e-9);
    const end = ranges.end[i]!;
    for (let t = ranges.start[i]!; t < end; t++) {
      const p = price[t]!;
      if (p < lo || p > hi) {
        throw new InputError(
          `trades and candles disagree: the trade at ${formatIsoTime(time[t]!)} (price ${p}) is outside the candle at ` +
            `${formatIsoTime(openTime[i]!)} (low ${low[i]}, high ${high[i]}); are they the same symbol and source?`,
        );
      }
    }
    inside += end - ranges.start[i]!;
  }
  if (inside === 0 && trades.rows > 0 && candles.rows > 0) {
    throw new InputError(
      `none of the ${trades.rows} trades falls inside a candle: trades cover ${formatIsoTime(time[0]!)} → ${formatIsoTime(time[trades.rows - 1]!)}, ` +
        `candles ${formatIsoTime(openTime[0]!)} → ${formatIsoTime(openTime[candles.rows - 1]!)}`,
    );
  }
}
