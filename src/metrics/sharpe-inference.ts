/**
 * How sure a Sharpe ratio is: the Probabilistic Sharpe Ratio, the minimum track record length and
 * the Deflated Sharpe Ratio (Bailey & López de Prado). Sharpe ratios here are per period, not
 * annualised; kurtosis is the plain (non-excess) one, 3 for a normal distribution.
 */
import { standardNormalCdf, standardNormalQuantile } from './normal.js';

const EULER_GAMMA = 0.5772156649015329;

export interface SharpeSample {
  /** Estimated per-period Sharpe ratio SR̂. */
  readonly sharpe: number;
  /** Number of returns T. */
  readonly observations: number;
  /** Skewness γ₃. */
  readonly skewness: number;
  /** Kurtosis γ₄ (non-excess: 3 for a normal). */
  readonly kurtosis: number;
}

function sharpeVariance({ sharpe, skewness, kurtosis }: SharpeSample): number {
  return 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe ** 2;
}

/** PSR(SR*) = Φ((SR̂ − SR*) · √(T − 1) / √(1 − γ₃·SR̂ + (γ₄ − 1)/4 · SR̂²)). */
export function probabilisticSharpeRatio(sample: SharpeSample, benchmarkSharpe = 0): number {
  const variance = sharpeVariance(sample);
  if (!(variance > 0) || sample.observations < 2) return Number.NaN;
  return standardNormalCdf(((sample.sharpe - benchmarkSharpe) * Math.sqrt(sample.observations - 1)) / Math.sqrt(variance));
}

/** MinTRL = 1 + (1 − γ₃·SR̂ + (γ₄ − 1)/4 · SR̂²) · (Φ⁻¹(1 − α) / (SR̂ − SR*))². */
export function minimumTrackRecordLength(sample: Omit<SharpeSample, 'observations'>, benchmarkSharpe = 0, alpha = 0.05): number {
  if (!(sample.sharpe > benchmarkSharpe)) return Number.NaN;
  const variance = sharpeVariance({ ...sample, observations: 0 });
  return 1 + variance * (standardNormalQuantile(1 - alpha) / (sample.sharpe - benchmarkSharpe)) ** 2;
}

/**
 * Expected maximum Sharpe of N independent trials with mean `meanSharpe` and variance
 * `varianceOfSharpes`: SR₀ = E[SR] + √V · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))).
 */
export function expectedMaxSharpe(trials: number, varianceOfSharpes: number, meanSharpe = 0): number {
  if (!(trials > 1)) return meanSharpe;
  return (
    meanSharpe +
    Math.sqrt(varianceOfSharpes) *
      ((1 - EULER_GAMMA) * standardNormalQuantile(1 - 1 / trials) + EULER_GAMMA * standardNormalQuantile(1 - 1 / (trials * Math.E)))
  );
}

/**
 * DSR = PSR(SR₀), SR₀ the expected maximum Sharpe of the trials (mean 0, variance of the trials'
 * Sharpes with ddof 0): the probability that the best of `trialSharpes` is skill, not selection.
 */
export function deflatedSharpeRatio(sample: SharpeSample, trialSharpes: readonly number[]): { benchmark: number; dsr: number } {
  const n = trialSharpes.length;
  const m = trialSharpes.reduce((a, b) => a + b, 0) / n;
  const variance = trialSharpes.reduce((a, b) => a + (b - m) ** 2, 0) / n;
  const benchmark = expectedMaxSharpe(n, variance);
  return { benchmark, dsr: probabilisticSharpeRatio(sample, benchmark) };
}

/** Sample skewness and non-excess kurtosis (population moments, as in the PSR papers). */
export function moments(values: ArrayLike<number>): { skewness: number; kurtosis: number } {
  const n = values.length;
  if (n < 3) return { skewness: Number.NaN, kurtosis: Number.NaN };
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i]!;
  m /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - m;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(m2 > 0)) return { skewness: Number.NaN, kurtosis: Number.NaN };
  return { skewness: m3 / m2 ** 1.5, kurtosis: m4 / m2 ** 2 };
}
