/**
 * Per-trade metrics (DESIGN §7, reference/statistics.md), pure functions of the closed trades.
 * Undefined ratios are NaN, never a fake 0.
 */
export interface TradeRecord {
  /** PnL net of both fees, in quote currency. */
  readonly netPnl: number;
  /** netPnl as a percentage of the margin committed. */
  readonly returnPct: number;
  /** Bars held (1 = closed in the bar it opened). */
  readonly bars: number;
  readonly entryTime: number;
  readonly exitTime: number;
}

export interface TradeMetrics {
  readonly trades: number;
  readonly winRatePct: number;
  readonly bestTradePct: number;
  readonly worstTradePct: number;
  readonly avgTradePct: number;
  /** Gross profit / gross loss of net PnL; Infinity with profits and no loss; NaN with neither. */
  readonly profitFactor: number;
  /** Mean net PnL per trade, in quote currency. */
  readonly expectancy: number;
  /** System Quality Number: √n · mean(net PnL) / std(net PnL, ddof 1). */
  readonly sqn: number;
  /** Kelly fraction: W − (1 − W) / (avg win / avg loss). */
  readonly kelly: number;
  readonly avgTradeDurationBars: number;
  readonly maxTradeDurationBars: number;
  readonly avgTradeDurationHours: number;
  readonly maxTradeDurationHours: number;
}

export function tradeMetrics(trades: readonly TradeRecord[]): TradeMetrics {
  const n = trades.length;
  let wins = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let sumPnl = 0;
  let sumReturn = 0;
  let best = Number.NEGATIVE_INFINITY;
  let worst = Number.POSITIVE_INFINITY;
  let sumBars = 0;
  let maxBars = 0;
  let sumHours = 0;
  let maxHours = 0;
  let losses = 0;
  for (const trade of trades) {
    const pnl = trade.netPnl;
    sumPnl += pnl;
    sumReturn += trade.returnPct;
    if (pnl > 0) {
      wins++;
      grossProfit += pnl;
    } else if (pnl < 0) {
      losses++;
      grossLoss -= pnl;
    }
    best = Math.max(best, trade.returnPct);
    worst = Math.min(worst, trade.returnPct);
    sumBars += trade.bars;
    maxBars = Math.max(maxBars, trade.bars);
    const hours = (trade.exitTime - trade.entryTime) / 3_600_000;
    sumHours += hours;
    maxHours = Math.max(maxHours, hours);
  }
  const mean = n > 0 ? sumPnl / n : Number.NaN;
  let squares = 0;
  for (const trade of trades) squares += (trade.netPnl - mean) ** 2;
  const std = n > 1 ? Math.sqrt(squares / (n - 1)) : Number.NaN;
  const winRate = n > 0 ? wins / n : Number.NaN;
  const avgWin = wins > 0 ? grossProfit / wins : Number.NaN;
  const avgLoss = losses > 0 ? grossLoss / losses : Number.NaN;
  return {
    trades: n,
    winRatePct: winRate * 100,
    bestTradePct: n > 0 ? best : Number.NaN,
    worstTradePct: n > 0 ? worst : Number.NaN,
    avgTradePct: n > 0 ? sumReturn / n : Number.NaN,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : grossProfit > 0 ? Number.POSITIVE_INFINITY : Number.NaN,
    expectancy: mean,
    sqn: std > 0 ? (Math.sqrt(n) * mean) / std : Number.NaN,
    kelly: avgWin > 0 && avgLoss > 0 ? winRate - (1 - winRate) / (avgWin / avgLoss) : Number.NaN,
    avgTradeDurationBars: n > 0 ? sumBars / n : Number.NaN,
    maxTradeDurationBars: n > 0 ? maxBars : Number.NaN,
    avgTradeDurationHours: n > 0 ? sumHours / n : Number.NaN,
    maxTradeDurationHours: n > 0 ? maxHours : Number.NaN,
  };
}
