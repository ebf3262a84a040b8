/**
 * A run's row of results.csv, from the runner's outcome: the metrics as the run measured them, and
 * the per-period figures of its daily returns (computed here, in the main thread, from the daily
 * equity the worker sent back): the daily Sharpe (not annualised, net of the per-day risk-free
 * rate), skewness, non-excess kurtosis and the number of daily returns T.
 */
import { returnsFromEquity, sharpeRatio } from '../metrics/performance.js';
import { moments } from '../metrics/sharpe-inference.js';
import type { RunOutcome } from '../runner/execute-spec.js';
import type { JsonValue } from './axes.js';
import { RESULT_METRICS, emptyNumbers, type ResultRow } from './results-csv.js';

/** Per-period Sharpe, moments and T of a daily equity curve (starting cash first). */
export function dailyFigures(dailyEquity: readonly number[], riskFreePerDay: number) {
  const returns = returnsFromEquity(dailyEquity);
  const { skewness, kurtosis } = moments(returns);
  return {
    dailySharpe: sharpeRatio(returns, { periodsPerYear: 1, riskFreePerPeriod: riskFreePerDay }),
    dailySkewness: skewness,
    dailyKurtosis: kurtosis,
    dailyReturns: returns.length,
  };
}

const asNumber = (value: unknown): number => (typeof value === 'number' ? value : Number.NaN);

export function outcomeRow(
  outcome: RunOutcome,
  run: { readonly cell: string; readonly values: Readonly<Record<string, JsonValue>>; readonly dataset: string; readonly seed: number },
): ResultRow {
  const numbers = emptyNumbers();
  if (outcome.status === 'failed') return { ...run, status: 'failed', error: outcome.error === '' ? 'failed' : outcome.error, numbers, modelSource: '' };
  const metrics = outcome.metrics as unknown as Record<string, unknown>;
  for (const { key } of RESULT_METRICS) numbers[key] = asNumber(metrics[key]);
  const riskFreePerDay = asNumber(metrics.riskFreeRate) / asNumber(metrics.periodsPerYear);
  Object.assign(numbers, dailyFigures(outcome.dailyEquity, Number.isFinite(riskFreePerDay) ? riskFreePerDay : 0));
  const source = metrics.modelSource;
  return { ...run, status: 'ok', error: '', numbers, modelSource: source === 'predictions' || source === 'synthetic' ? source : '' };
}
