/**
 * A/B statistics across seeds and datasets (reference/statistics.md, after rliable, Agarwal et al.
 * 2021). Scores form a matrix S[run][task]: a task is a dataset (or dataset × test window), a run a
 * seed.
 *
 * - IQM: sort all scores, drop floor(0.25·n) from each end, mean of the rest (scipy trim_mean 0.25).
 * - P(X > Y) = mean over tasks of U / (n_x · n_y), U = Σᵢ Σⱼ [1(xᵢ > yⱼ) + ½·1(xᵢ = yⱼ)].
 * - Stratified bootstrap: resample runs with replacement within each task; percentile CIs from
 *   numpy's default (type-7) quantiles.
 * - Verdict: "better" only when the lower CI bound of P(B > A) exceeds 0.5, "worse" when the upper
 *   bound is below 0.5, otherwise "inconclusive".
 * Every resample draws from the seeded `Rng` it is given.
 */
import type { Rng } from '../config/random.js';

/** Scores by run (row) and task (column); every row has one score per task. */
export type ScoreMatrix = readonly (readonly number[])[];

export interface Interval {
  readonly point: number;
  readonly low: number;
  readonly high: number;
}

export type Verdict = 'better' | 'worse' | 'inconclusive';

const ascending = (a: number, b: number) => a - b;

function checkMatrix(matrix: ScoreMatrix, name: string): number {
  if (matrix.length === 0) throw new RangeError(`${name}: no runs`);
  const tasks = matrix[0]!.length;
  if (tasks === 0) throw new RangeError(`${name}: no tasks`);
  for (const row of matrix) if (row.length !== tasks) throw new RangeError(`${name}: every run needs a score for each of the ${tasks} tasks`);
  return tasks;
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** numpy's default quantile (type 7: linear between order statistics) of sorted values. */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function median(values: readonly number[]): number {
  return quantileSorted([...values].sort(ascending), 0.5);
}

/** Interquartile mean: the mean after dropping floor(0.25·n) values from each end. */
export function iqm(values: readonly number[]): number {
  const sorted = [...values].sort(ascending);
  const cut = Math.floor(0.25 * sorted.length);
  return mean(sorted.slice(cut, sorted.length - cut));
}

export const flatten = (matrix: ScoreMatrix): number[] => matrix.flat();

/** P(X > Y): per task the Mann–Whitney U over n_x·n_y (ties count half), averaged over tasks. */
export function probabilityOfImprovement(x: ScoreMatrix, y: ScoreMatrix): number {
  const tasks = checkMatrix(x, 'X');
  if (checkMatrix(y, 'Y') !== tasks) throw new RangeError(`X has ${tasks} tasks, Y has ${y[0]!.length}`);
  let total = 0;
  for (let t = 0; t < tasks; t++) {
    let u = 0;
    for (const xr of x) {
      for (const yr of y) {
        const a = xr[t]!;
        const b = yr[t]!;
        if (a > b) u += 1;
        else if (a === b) u += 0.5;
      }
    }
    total += u / (x.length * y.length);
  }
  return total / tasks;
}

/** One stratified resample: within each task, runs drawn with replacement (the run count kept). */
export function resampleWithinTasks(matrix: ScoreMatrix, rng: Rng): number[][] {
  const runs = matrix.length;
  const tasks = matrix[0]!.length;
  const out = Array.from({ length: runs }, () => new Array<number>(tasks));
  for (let t = 0; t < tasks; t++) {
    for (let r = 0; r < runs; r++) out[r]![t] = matrix[rng.int(0, runs - 1)]![t]!;
  }
  return out;
}

/**
 * A percentile bootstrap CI (95% by default) of a statistic of one or more score matrices, each
 * resampled within its tasks, independently, `reps` times.
 */
export function bootstrapInterval(
  matrices: readonly ScoreMatrix[],
  statistic: (...resampled: ScoreMatrix[]) => number,
  reps: number,
  rng: Rng,
  level = 0.95,
): Interval {
  matrices.forEach((m, k) => checkMatrix(m, `matrix ${k + 1}`));
  if (!Number.isInteger(reps) || reps < 1) throw new RangeError(`reps must be a whole number ≥ 1, got ${reps}`);
  const point = statistic(...matrices);
  const values = new Array<number>(reps);
  for (let n = 0; n < reps; n++) values[n] = statistic(...matrices.map((m) => resampleWithinTasks(m, rng)));
  const finite = values.filter(Number.isFinite).sort(ascending);
  const tail = (1 - level) / 2;
  return { point, low: quantileSorted(finite, tail), high: quantileSorted(finite, 1 - tail) };
}

/** better / worse / inconclusive from the CI of P(B > A). */
export function verdictOf(probabilityBOverA: Pick<Interval, 'low' | 'high'>): Verdict {
  if (probabilityBOverA.low > 0.5) return 'better';
  if (probabilityBOverA.high < 0.5) return 'worse';
  return 'inconclusive';
}

/** B − A for each run and task of two matrices of the same shape (paired: same seed, same task). */
export function pairedDifferences(a: ScoreMatrix, b: ScoreMatrix): number[][] {
  const tasks = checkMatrix(a, 'A');
  if (b.length !== a.length || checkMatrix(b, 'B') !== tasks) throw new RangeError('paired differences need the same runs and tasks in both arms');
  return a.map((row, r) => row.map((value, t) => b[r]![t]! - value));
}
