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
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const x = sorted[lo]!;
  const y = sorted[hi]!;
  // Equal neighbours (or an exact order statistic) need no interpolation: Infinity stays Infinity.
  if (h === lo || x === y) return x;
  return x + (h - lo) * (y - x);
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

/** P(X > Y): per task the Mann–Whitney U over n_x·n_y (ties count half), averaged over tasks. */
export function probabilityOfImprovement(x: ScoreMatrix, y: ScoreMatrix): number {
  const tasks = checkMatrix(x, 'X');
  if (checkMatrix(y, 'Y') !== tasks) throw new RangeError(`X has ${tasks} tasks, Y has ${y[0]!.length}`);
  return probabilityOfImprovementByTask(byTask(x), byTask(y));
}

/** The scores of each task, as lists (task-major); a task may have any number of runs. */
export type TaskScores = readonly (ArrayLike<number>)[];

/** Run-major matrix → one list per task. */
export function byTask(matrix: ScoreMatrix): number[][] {
  const tasks = checkMatrix(matrix, 'scores');
  return Array.from({ length: tasks }, (_, t) => matrix.map((row) => row[t]!));
}

/**
 * P(X > Y) over tasks whose runs may differ in number (failed runs left out): per task U/(n_x·n_y),
 * averaged over the tasks where both have runs. NaN when no task has runs of both.
 */
export function probabilityOfImprovementByTask(x: TaskScores, y: TaskScores): number {
  if (x.length !== y.length) throw new RangeError(`X has ${x.length} tasks, Y has ${y.length}`);
  let total = 0;
  let tasks = 0;
  for (let t = 0; t < x.length; t++) {
    const xs = x[t]!;
    const ys = y[t]!;
    if (xs.length === 0 || ys.length === 0) continue;
    let u = 0;
    for (let i = 0; i < xs.length; i++) {
      const a = xs[i]!;
      for (let j = 0; j < ys.length; j++) {
        const b = ys[j]!;
        if (a > b) u += 1;
        else if (a === b) u += 0.5;
      }
    }
    total += u / (xs.length * ys.length);
    tasks++;
  }
  return tasks === 0 ? Number.NaN : total / tasks;
}

/** One stratified resample of task-major scores into `out` (same shape): each task's runs drawn with replacement. */
export function resampleTasksInto(scores: TaskScores, out: Float64Array[], rng: Rng): Float64Array[] {
  for (let t = 0; t < scores.length; t++) {
    const values = scores[t]!;
    const target = out[t]!;
    for (let r = 0; r < values.length; r++) target[r] = values[rng.int(0, values.length - 1)]!;
  }
  return out;
}

/** IQM, mean and median of pooled scores, each with a stratified-bootstrap percentile CI. */
export interface PooledEstimates {
  readonly n: number;
  readonly iqm: Interval;
  readonly mean: Interval;
  readonly median: Interval;
}

/** Mean, median and IQM of values sorted in place. */
function pooledStatistics(sorted: Float64Array): [number, number, number] {
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const cut = Math.floor(0.25 * n);
  let inner = 0;
  for (let i = cut; i < n - cut; i++) inner += sorted[i]!;
  return [inner / (n - 2 * cut), sum / n, quantileSorted(sorted, 0.5)];
}

/**
 * The three estimates of the scores pooled over tasks, with CIs from `reps` stratified resamples
 * (every estimate read off the same resample). Empty tasks are allowed; no scores → NaN.
 */
export function pooledEstimates(scores: TaskScores, reps: number, rng: Rng, level = 0.95): PooledEstimates {
  if (!Number.isInteger(reps) || reps < 1) throw new RangeError(`reps must be a whole number ≥ 1, got ${reps}`);
  const n = scores.reduce((total, values) => total + values.length, 0);
  const none: Interval = { point: Number.NaN, low: Number.NaN, high: Number.NaN };
  if (n === 0) return { n, iqm: none, mean: none, median: none };
  const pooled = new Float64Array(n);
  let k = 0;
  for (const values of scores) for (let r = 0; r < values.length; r++) pooled[k++] = values[r]!;
  const point = pooledStatistics(pooled.sort());
  const draws = [new Float64Array(reps), new Float64Array(reps), new Float64Array(reps)];
  const parts = scores.map((values) => new Float64Array(values.length));
  for (let rep = 0; rep < reps; rep++) {
    resampleTasksInto(scores, parts, rng);
    k = 0;
    for (const part of parts) {
      pooled.set(part, k);
      k += part.length;
    }
    const stats = pooledStatistics(pooled.sort());
    draws[0]![rep] = stats[0];
    draws[1]![rep] = stats[1];
    draws[2]![rep] = stats[2];
  }
  const interval = (estimate: number, values: Float64Array): Interval => {
    const finite = values.filter((v) => !Number.isNaN(v)).sort();
    const tail = (1 - level) / 2;
    return { point: estimate, low: quantileSorted(finite, tail), high: quantileSorted(finite, 1 - tail) };
  };
  return { n, iqm: interval(point[0], draws[0]!), mean: interval(point[1], draws[1]!), median: interval(point[2], draws[2]!) };
}

/** P(X > Y) with a CI from `reps` resamples of each side within its tasks (independently). */
export function probabilityOfImprovementInterval(x: TaskScores, y: TaskScores, reps: number, rng: Rng, level = 0.95): Interval {
  const point = probabilityOfImprovementByTask(x, y);
  if (Number.isNaN(point)) return { point, low: Number.NaN, high: Number.NaN };
  const xs = x.map((values) => new Float64Array(values.length));
  const ys = y.map((values) => new Float64Array(values.length));
  const draws = new Float64Array(reps);
  for (let rep = 0; rep < reps; rep++) draws[rep] = probabilityOfImprovementByTask(resampleTasksInto(x, xs, rng), resampleTasksInto(y, ys, rng));
  draws.sort();
  const tail = (1 - level) / 2;
  return { point, low: quantileSorted(draws, tail), high: quantileSorted(draws, 1 - tail) };
}

/** better / worse / inconclusive from the CI of P(B > A). */
export function verdictOf(probabilityBOverA: Pick<Interval, 'low' | 'high'>): Verdict {
  if (probabilityBOverA.low > 0.5) return 'better';
  if (probabilityBOverA.high < 0.5) return 'worse';
  return 'inconclusive';
}
