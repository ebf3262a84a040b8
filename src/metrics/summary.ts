/** The metrics of a series of per-period returns, as `replaylab stats` and run summaries report them. */
import {
  annualReturn,
  annualVolatility,
  calmarRatio,
  drawdowns,
  equityFromReturns,
  sharpeRatio,
  sortinoRatio,
  type AnnualisationOptions,
} from './performance.js';
import { minimumTrackRecordLength, moments, probabilisticSharpeRatio } from './sharpe-inference.js';

export interface ReturnsSummary {
  readonly periods: number;
  readonly periodsPerYear: number;
  readonly riskFreePerPeriod: number;
  readonly totalReturnPct: number;
  readonly cagrPct: number;
  readonly annualVolatilityPct: number;
  readonly sharpe: number;
  readonly sortino: number;
  readonly calmar: number;
  readonly maxDrawdownPct: number;
  readonly averageDrawdownPct: number;
  readonly maxDrawdownPeriods: number;
  readonly averageDrawdownPeriods: number;
  readonly bestPeriodPct: number;
  readonly worstPeriodPct: number;
  readonly winningPeriodsPct: number;
  /** Per-period Sharpe (not annualised), as PSR uses it. */
  readonly sharpePerPeriod: number;
  readonly skewness: number;
  /** Non-excess kurtosis (3 for a normal distribution). */
  readonly kurtosis: number;
  /** Probability that the true Sharpe is above 0. */
  readonly psr: number;
  /** Periods needed for the Sharpe to be above 0 with 95% confidence. */
  readonly minTrackRecordPeriods: number;
}

export function summarizeReturns(returns: ArrayLike<number>, options: AnnualisationOptions): ReturnsSummary {
  const n = returns.length;
  const equity = equityFromReturns(returns);
  const dd = drawdowns(equity);
  const perPeriod = { periodsPerYear: 1, riskFreePerPeriod: options.riskFreePerPeriod ?? 0 };
  const sharpePerPeriod = sharpeRatio(returns, perPeriod);
  const { skewness, kurtosis } = moments(returns);
  let best = Number.NEGATIVE_INFINITY;
  let worst = Number.POSITIVE_INFINITY;
  let wins = 0;
  for (let i = 0; i < n; i++) {
    best = Math.max(best, returns[i]!);
    worst = Math.min(worst, returns[i]!);
    if (returns[i]! > 0) wins++;
  }
  const sample = { sharpe: sharpePerPeriod, observations: n, skewness, kurtosis };
  return {
    periods: n,
    periodsPerYear: options.periodsPerYear,
    riskFreePerPeriod: options.riskFreePerPeriod ?? 0,
    totalReturnPct: (equity[n]! - 1) * 100,
    cagrPct: annualReturn(returns, options) * 100,
    annualVolatilityPct: annualVolatility(returns, options) * 100,
    sharpe: sharpeRatio(returns, options),
    sortino: sortinoRatio(returns, options),
    calmar: calmarRatio(returns, options),
    maxDrawdownPct: -dd.maxDrawdown * 100,
    averageDrawdownPct: -dd.averageDrawdown * 100,
    maxDrawdownPeriods: dd.maxDrawdownPeriods,
    averageDrawdownPeriods: dd.averageDrawdownPeriods,
    bestPeriodPct: n > 0 ? best * 100 : Number.NaN,
    worstPeriodPct: n > 0 ? worst * 100 : Number.NaN,
    winningPeriodsPct: n > 0 ? (wins / n) * 100 : Number.NaN,
    sharpePerPeriod,
    skewness,
    kurtosis,
    psr: probabilisticSharpeRatio(sample),
    minTrackRecordPeriods: minimumTrackRecordLength(sample),
  };
}
