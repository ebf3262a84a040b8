/** Which trades fall inside which bar: a merge of two sorted time columns. */
import type { CandleTable, TradeTable } from './columns.js';

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
export function barTradeRanges(candles: CandleTable, trades: TradeTable, intervalMs: number): BarTradeRanges {
  const openTime = candles.columns.openTime;
  const time = trades.columns.time;
  const rows = candles.rows;
  const start = new Float64Array(rows);
  const end = new Float64Array(rows);
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
