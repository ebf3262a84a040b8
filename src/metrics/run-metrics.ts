/**
 * The metrics of a run (`metrics.json`): equity metrics from the equity curve resampled to daily
 * returns (UTC days, annualised by A), drawdowns from the bar-by-bar curve, trade metrics from the
 * closed trades. Units are in the names.
 */
import { drawdowns, returnsFromEquity } from './performance.js';
import { summarizeReturns } from './summary.js';
import { tradeMetrics, type TradeMetrics, type TradeRecord } from './trade-metrics.js';

export interface EquityCurve {
  /** Bar open times (epoch ms), one per bar of the period. */
  readonly time: Float64Array;
  /** Equity at each bar's close. */
  readonly equity: Float64Array;
  readonly intervalMs: number;
  readonly startingCash: number;
}

export interface RunMetricsInput extends EquityCurve {
  readonly trades: readonly TradeRecord[];
  readonly feesPaid: number;
  readonly liquidations: number;
  readonly barsInMarket: number;
  /** Closes of the traded market over the period (buy-and-hold benchmark). */
  readonly firstClose: number;
  readonly lastClose: number;
  readonly periodsPerYear: number;
  /** Annual risk-free rate, a fraction. */
  readonly riskFreeRate: number;
}

export interface RunMetrics extends TradeMetrics {
  readonly startingCash: number;
  readonly finalEquity: number;
  readonly returnPct: number;
  readonly cagrPct: number;
  readonly annualVolatilityPct: number;
  readonly sharpe: number;
  readonly sortino: number;
  readonly calmar: number;
  readonly maxDrawdownPct: number;
  readonly avgDrawdownPct: number;
  readonly maxDrawdownDurationDays: number;
  readonly avgDrawdownDurationDays: number;
  readonly exposurePct: number;
  readonly feesPaid: number;
  readonly liquidations: number;
  readonly buyAndHoldReturnPct: number;
  /** Probability that the true Sharpe of the daily returns is above 0. */
  readonly psr: number;
  readonly bars: number;
  readonly dailyReturns: number;
  readonly returnFrequency: 'daily';
  readonly periodsPerYear: number;
  readonly riskFreeRate: number;
}


/**
 * Equity at the end of each UTC day, the starting cash first: the daily returns' base. A day's
 * equity is that of its last bar, the bar whose close instant (open time + intervalMs − 1) falls on
 * another UTC day than the next bar's (`dailyCloses` over the close instants, without an array of
 * them: every run of a sweep computes this for bars by the hundred thousand).
 */
export function dailyEquity(curve: EquityCurve): Float64Array {
  const { time, equity, intervalMs } = curve;
  const days: number[] = [curve.startingCash];
  for (let i = 0; i < equity.length; i++) {
    const day = Math.floor((time[i]! + intervalMs - 1) / 86_400_000);
    const nextDay = i + 1 < equity.length ? Math.floor((time[i + 1]! + intervalMs - 1) / 86_400_000) : Number.NaN;
    if (day !== nextDay) days.push(equity[i]!);
  }
  return Float64Array.from(days);
}

/**
 * Drawdown episodes of a timed equity curve: from the time of a peak until equity is back at it
 * (or the end), in days of calendar time, so gaps in the data (weekends of a stock) count as time.
 * With `start`, the curve is `start` followed by `equity` and `times`, each time shifted by
 * `start.timeShiftMs` (a bar-by-bar curve as close instants, from the cash at the first open,
 * without copying it).
 */
export function drawdownDurationsDays(
  times: ArrayLike<number>,
  equity: ArrayLike<number>,
  start?: { readonly equity: number; readonly time: number; readonly timeShiftMs: number },
): { max: number; average: number } {
  const offset = start === undefined ? 0 : 1;
  const shift = start?.timeShiftMs ?? 0;
  const n = equity.length + offset;
  let peak = Number.NEGATIVE_INFINITY;
  let peakTime = Number.NaN;
  let inDrawdown = false;
  let max = 0;
  let sum = 0;
  let episodes = 0;
  let time = Number.NaN;
  for (let i = 0; i < n; i++) {
    const value = i < offset ? start!.equity : equity[i - offset]!;
    time = i < offset ? start!.time : times[i - offset]! + shift;
    if (value >= peak) {
      if (inDrawdown) {
        const days = (time - peakTime) / 86_400_000;
        max = Math.max(max, days);
        sum += days;
        episodes++;
        inDrawdown = false;
      }
      peak = value;
      peakTime = time;
    } else inDrawdown = true;
  }
  if (inDrawdown) {
    const days = (time - peakTime) / 86_400_000;
    max = Math.max(max, days);
    sum += days;
    episodes++;
  }
  return { max, average: episodes > 0 ? sum / episodes : 0 };
}

export function runMetrics(input: RunMetricsInput): RunMetrics {
  const bars = input.equity.length;
  const finalEquity = input.equity[bars - 1]!;
  const daily = returnsFromEquity(dailyEquity(input));
  const summary = summarizeReturns(daily, { periodsPerYear: input.periodsPerYear, riskFreePerPeriod: input.riskFreeRate / input.periodsPerYear });
  // Drawdowns from the bar-by-bar curve (close instants), the starting cash at the first open counting as a peak.
  const dd = drawdowns(input.equity, input.startingCash);
  const durations = drawdownDurationsDays(input.time, input.equity, { equity: input.startingCash, time: input.time[0]!, timeShiftMs: input.intervalMs - 1 });
  const growth = finalEquity / input.startingCash;
  return {
    startingCash: input.startingCash,
    finalEquity,
    returnPct: (growth - 1) * 100,
    cagrPct: summary.cagrPct,
    annualVolatilityPct: summary.annualVolatilityPct,
    sharpe: summary.sharpe,
    sortino: summary.sortino,
    calmar: dd.maxDrawdown < 0 ? summary.cagrPct / 100 / -dd.maxDrawdown : Number.NaN,
    maxDrawdownPct: -dd.maxDrawdown * 100,
    avgDrawdownPct: -dd.averageDrawdown * 100,
    maxDrawdownDurationDays: durations.max,
    avgDrawdownDurationDays: durations.average,
    ...tradeMetrics(input.trades),
    exposurePct: (input.barsInMarket / bars) * 100,
    feesPaid: input.feesPaid,
    liquidations: input.liquidations,
    buyAndHoldReturnPct: (input.lastClose / input.firstClose - 1) * 100,
    psr: summary.psr,
    bars,
    dailyReturns: daily.length,
    returnFrequency: 'daily',
    periodsPerYear: input.periodsPerYear,
    riskFreeRate: input.riskFreeRate,
  };
}
