/**
 * The metrics of a run (`metrics.json`): equity metrics from the equity curve resampled to daily
 * returns (UTC days, annualised by A), drawdowns from the bar-by-bar curve, trade metrics from the
 * closed trades. Units are in the names.
 */
import { dailyCloses } from '../data/series.js';
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

const YEAR_MS = 365.25 * 86_400_000;

/** Equity at the end of each UTC day, the starting cash first: the daily returns' base. */
export function dailyEquity(curve: EquityCurve): Float64Array {
  const closeTimes = curve.time.map((t) => t + curve.intervalMs - 1);
  const closes = dailyCloses(closeTimes, curve.equity);
  const series = new Float64Array(closes.length + 1);
  series[0] = curve.startingCash;
  series.set(closes, 1);
  return series;
}

export function runMetrics(input: RunMetricsInput): RunMetrics {
  const bars = input.equity.length;
  const finalEquity = input.equity[bars - 1]!;
  const daily = returnsFromEquity(dailyEquity(input));
  const summary = summarizeReturns(daily, { periodsPerYear: input.periodsPerYear, riskFreePerPeriod: input.riskFreeRate / input.periodsPerYear });
  const withStart = new Float64Array(bars + 1);
  withStart[0] = input.startingCash;
  withStart.set(input.equity, 1);
  const dd = drawdowns(withStart);
  const barDays = input.intervalMs / 86_400_000;
  const elapsedMs = input.time[bars - 1]! + input.intervalMs - input.time[0]!;
  const growth = finalEquity / input.startingCash;
  return {
    startingCash: input.startingCash,
    finalEquity,
    returnPct: (growth - 1) * 100,
    cagrPct: growth > 0 ? (growth ** (YEAR_MS / elapsedMs) - 1) * 100 : -100,
    annualVolatilityPct: summary.annualVolatilityPct,
    sharpe: summary.sharpe,
    sortino: summary.sortino,
    calmar: dd.maxDrawdown < 0 && growth > 0 ? (growth ** (YEAR_MS / elapsedMs) - 1) / -dd.maxDrawdown : Number.NaN,
    maxDrawdownPct: -dd.maxDrawdown * 100,
    avgDrawdownPct: -dd.averageDrawdown * 100,
    maxDrawdownDurationDays: dd.maxDrawdownPeriods * barDays,
    avgDrawdownDurationDays: dd.averageDrawdownPeriods * barDays,
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
