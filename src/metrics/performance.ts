/**
 * Per-period performance metrics, as empyrical defines them (`reference/statistics.md`). Returns
 * are simple per-period returns as fractions (0.01 = 1%); `periodsPerYear` is the annualisation
 * factor A (365 for daily crypto returns, 252 for daily equities). Undefined ratios are NaN.
 */

export interface AnnualisationOptions {
  /** A: periods per year. */
  readonly periodsPerYear: number;
  /** Risk-free rate (or minimum acceptable return) per period, as a fraction. */
  readonly riskFreePerPeriod?: number;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** Sample standard deviation (ddof 1) of `values − shift`. */
function sampleStd(values: ArrayLike<number>, shift = 0): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values) - shift;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - shift - m) ** 2;
  return Math.sqrt(squares / (n - 1));
}

/** Simple returns between consecutive equity values. */
export function returnsFromEquity(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, equity.length - 1));
  for (let i = 1; i < equity.length; i++) out[i - 1] = equity[i]! / equity[i - 1]! - 1;
  return out;
}

/** Sharpe = mean(r − rf) / std(r − rf, ddof 1) · √A. */
export function sharpeRatio(returns: ArrayLike<number>, options: AnnualisationOptions): number {
  const rf = options.riskFreePerPeriod ?? 0;
  const std = sampleStd(returns, rf);
  if (!(std > 0)) return Number.NaN;
  return ((mean(returns) - rf) / std) * Math.sqrt(options.periodsPerYear);
}

/** Downside risk = √(mean over all periods of min(r − MAR, 0)²) · √A. */
export function downsideRisk(returns: ArrayLike<number>, options: AnnualisationOptions): number {
  const mar = options.riskFreePerPeriod ?? 0;
  if (returns.length === 0) return Number.NaN;
  let squares = 0;
  for (let i = 0; i < returns.length; i++) squares += Math.min(returns[i]! - mar, 0) ** 2;
  return Math.sqrt(squares / returns.length) * Math.sqrt(options.periodsPerYear);
}

/** Sortino = mean(r − MAR) · A / downside risk. */
export function sortinoRatio(returns: ArrayLike<number>, options: AnnualisationOptions): number {
  const risk = downsideRisk(returns, options);
  if (!(risk > 0)) return Number.NaN;
  return ((mean(returns) - (options.riskFreePerPeriod ?? 0)) * options.periodsPerYear) / risk;
}

/** Annualised volatility = std(r, ddof 1) · √A. */
export function annualVolatility(returns: ArrayLike<number>, options: AnnualisationOptions): number {
  return sampleStd(returns) * Math.sqrt(options.periodsPerYear);
}

/** Compound annual growth rate = (Π(1 + r))^(A / T) − 1. */
export function annualReturn(returns: ArrayLike<number>, options: AnnualisationOptions): number {
  if (returns.length === 0) return Number.NaN;
  let growth = 1;
  for (let i = 0; i < returns.length; i++) growth *= 1 + returns[i]!;
  return growth ** (options.periodsPerYear / returns.length) - 1;
}

export interface DrawdownSummary {
  /** min_t (V_t / max_{s≤t} V_s − 1): zero or negative. */
  readonly maxDrawdown: number;
  /** Mean depth of the drawdown episodes (each episode's deepest point), zero or negative; 0 without any. */
  readonly averageDrawdown: number;
  /** Longest stretch, in periods, from a peak until equity is back at it (or the end). */
  readonly maxDrawdownPeriods: number;
  /** Mean length of the drawdown episodes, in periods. */
  readonly averageDrawdownPeriods: number;
}

/**
 * Drawdowns of an equity curve; the first value counts as a peak. With `start`, the curve is `start`
 * followed by `equity` (a bar-by-bar curve and the cash it started from, without copying it).
 */
export function drawdowns(equity: ArrayLike<number>, start?: number): DrawdownSummary {
  const offset = start === undefined ? 0 : 1;
  const n = equity.length + offset;
  let peak = Number.NEGATIVE_INFINITY;
  let maxDrawdown = 0;
  let episodeDepth = 0;
  let episodeStart = -1;
  // Episodes' depths and lengths as sums in episode order (their means equal those of the lists).
  let episodes = 0;
  let depthSum = 0;
  let lengthSum = 0;
  let longest = 0;
  // Variables a closure captured would be boxed on every write: the episode's end is written out twice.
  for (let i = 0; i < n; i++) {
    const value = i < offset ? start! : equity[i - offset]!;
    if (value >= peak) {
      if (episodeStart >= 0) {
        const length = i - episodeStart;
        episodes++;
        depthSum += episodeDepth;
        lengthSum += length;
        if (length > longest) longest = length;
        episodeStart = -1;
        episodeDepth = 0;
      }
      peak = value;
      continue;
    }
    const depth = value / peak - 1;
    if (episodeStart < 0) episodeStart = i - 1;
    episodeDepth = Math.min(episodeDepth, depth);
    maxDrawdown = Math.min(maxDrawdown, depth);
  }
  if (episodeStart >= 0) {
    const length = n - 1 - episodeStart;
    episodes++;
    depthSum += episodeDepth;
    lengthSum += length;
    if (length > longest) longest = length;
  }
  return {
    maxDrawdown,
    averageDrawdown: episodes === 0 ? 0 : depthSum / episodes,
    maxDrawdownPeriods: longest,
    averageDrawdownPeriods: episodes === 0 ? 0 : lengthSum / episodes,
  };
}

/** Equity of a unit start compounded by the returns, the start included (T + 1 values). */
export function equityFromReturns(returns: ArrayLike<number>): Float64Array {
  const equity = new Float64Array(returns.length + 1);
  equity[0] = 1;
  for (let i = 0; i < returns.length; i++) equity[i + 1] = equity[i]! * (1 + returns[i]!);
  return equity;
}

/** Max drawdown of returns, the starting equity counting as a peak. */
export function maxDrawdownOfReturns(returns: ArrayLike<number>): number {
  return drawdowns(equityFromReturns(returns)).maxDrawdown;
}

/** Calmar = CAGR / |max drawdown|; NaN without a drawdown. */
export function calmarRatio(returns: ArrayLike<number>, options: AnnualisationOptions): number {
  const drawdown = maxDrawdownOfReturns(returns);
  return drawdown < 0 ? annualReturn(returns, options) / -drawdown : Number.NaN;
}
