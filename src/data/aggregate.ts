/**
 * Trades to candles: buckets trades by `floor(time / interval)` and builds OHLCV, quote volume,
 * trade count and taker-buy volume per bucket. Buckets without trades produce no candle, as
 * Binance and freqtrade do; the caller sees them as gaps.
 */
import { CANDLE_COLUMNS, TableBuilder, type CandleTable, type TradeTable } from './columns.js';
import { InputError } from './errors.js';
import type { Interval } from './time.js';

export function aggregateTrades(trades: TradeTable, interval: Interval): CandleTable {
  if (interval.isMonthly) throw new InputError(`cannot aggregate trades into ${interval.name} candles: use an interval of at most 1w`);
  const { time, price, qty, side } = trades.columns;
  const step = interval.ms;
  const weekOffset = step % (7 * 86_400_000) === 0 ? 4 * 86_400_000 : 0; // weeks start on Monday
  const builder = new TableBuilder(CANDLE_COLUMNS, Math.min(trades.rows, 1024));
  let bucket = Number.NaN;
  let row = -1;
  let c = builder.columns;
  for (let i = 0; i < trades.rows; i++) {
    const t = time[i]!;
    const start = Math.floor((t - weekOffset) / step) * step + weekOffset;
    const p = price[i]!;
    const q = qty[i]!;
    if (start !== bucket) {
      builder.reserve();
      c = builder.columns;
      row = builder.rows++;
      bucket = start;
      c.openTime[row] = start;
      c.closeTime[row] = start + step - 1;
      c.open[row] = p;
      c.high[row] = p;
      c.low[row] = p;
      c.volume[row] = 0;
      c.quoteVolume[row] = 0;
      c.tradeCount[row] = 0;
      c.takerBuyVolume[row] = 0;
      c.takerBuyQuoteVolume[row] = 0;
    }
    if (p > c.high[row]!) c.high[row] = p;
    if (p < c.low[row]!) c.low[row] = p;
    c.close[row] = p;
    c.volume[row]! += q;
    c.quoteVolume[row]! += p * q;
    c.tradeCount[row]! += 1;
    if (side[i]! > 0) {
      c.takerBuyVolume[row]! += q;
      c.takerBuyQuoteVolume[row]! += p * q;
    }
  }
  return builder.finish();
}
