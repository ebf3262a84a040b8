/** The A/B statistics against reference/statistics.md's vectors, and the bootstrap's behaviour. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/config/random.js';
import {
  byTask,
  iqm,
  mean,
  median,
  pooledEstimates,
  probabilityOfImprovement,
  probabilityOfImprovementByTask,
  probabilityOfImprovementInterval,
  quantileSorted,
  resampleTasksInto,
  verdictOf,
} from '../../src/stats/ab-statistics.js';

const X = [
  [1, 2],
  [2, 2],
  [1, 1],
  [2, 1],
];
const Y = [
  [1, 1],
  [2, 2],
  [3, 3],
];

describe('reference vectors', () => {
  it('mean = median = IQM(X) = 1.5, IQM(Y) = 2, P(X > Y) = 1/3', () => {
    expect(mean(X.flat())).toBe(1.5);
    expect(median(X.flat())).toBe(1.5);
    expect(iqm(X.flat())).toBe(1.5);
    expect(iqm(Y.flat())).toBe(2);
    expect(probabilityOfImprovement(X, Y)).toBeCloseTo(1 / 3, 15);
    expect(probabilityOfImprovement(Y, X)).toBeCloseTo(2 / 3, 15);
  });

  it('IQM(0..9) = 4.5, IQM([1..9, 100]) = 5.5', () => {
    expect(iqm([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toBe(4.5);
    expect(iqm([1, 2, 3, 4, 5, 6, 7, 8, 9, 100])).toBe(5.5);
  });

  it('type-7 quantiles as numpy computes them', () => {
    const sorted = [1, 2, 3, 4];
    expect(quantileSorted(sorted, 0.025)).toBeCloseTo(1.075, 12); // numpy.quantile([1,2,3,4], 0.025)
    expect(quantileSorted(sorted, 0.975)).toBeCloseTo(3.925, 12);
    expect(quantileSorted(sorted, 0.5)).toBe(2.5);
  });
});

describe('stratified bootstrap', () => {
  it('resamples runs within each task, keeping the shape', () => {
    const rng = new Rng(1);
    const scores = [
      [1, 2, 3],
      [10, 20, 30],
    ];
    const out = scores.map((task) => new Float64Array(task.length));
    for (let n = 0; n < 50; n++) {
      const r = resampleTasksInto(scores, out, rng);
      expect(r.map((task) => task.length)).toEqual([3, 3]);
      for (const v of r[0]!) expect([1, 2, 3]).toContain(v);
      for (const v of r[1]!) expect([10, 20, 30]).toContain(v);
    }
  });

  it('is reproducible for a seed, and its CI holds the point estimate', () => {
    const ci = (seed: number) => probabilityOfImprovementInterval(byTask(X), byTask(Y), 2_000, new Rng(seed));
    expect(ci(3)).toEqual(ci(3));
    const { point, low, high } = ci(3);
    expect(point).toBeCloseTo(1 / 3, 15);
    expect(low).toBeLessThanOrEqual(point);
    expect(high).toBeGreaterThanOrEqual(point);
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThanOrEqual(1);
  });

  it('identical arms are inconclusive with P(B > A) near 0.5; a clearly better arm is better', () => {
    const rng = new Rng(7);
    const a = byTask(Array.from({ length: 10 }, () => [rng.normal(), rng.normal(), rng.normal()]));
    const same = probabilityOfImprovementInterval(a, a, 2_000, new Rng(1));
    expect(same.point).toBe(0.5);
    expect(verdictOf(same)).toBe('inconclusive');
    const better = a.map((task) => task.map((v) => v + 3));
    const ci = probabilityOfImprovementInterval(better, a, 2_000, new Rng(1));
    expect(ci.low).toBeGreaterThan(0.5);
    expect(verdictOf(ci)).toBe('better');
    expect(verdictOf({ low: 0.1, high: 0.45 })).toBe('worse');
  });
});

describe('pooled estimates over tasks of any size (failed runs left out)', () => {
  it('reproduces the reference vectors from task-major scores', () => {
    const x = byTask(X);
    const y = byTask(Y);
    expect(x).toEqual([
      [1, 2, 1, 2],
      [2, 2, 1, 1],
    ]);
    expect(probabilityOfImprovementByTask(x, y)).toBeCloseTo(1 / 3, 12);
    const ex = pooledEstimates(x, 200, new Rng(1));
    expect([ex.n, ex.iqm.point, ex.mean.point, ex.median.point]).toEqual([8, 1.5, 1.5, 1.5]);
    expect(pooledEstimates(y, 200, new Rng(1)).iqm.point).toBe(2);
    expect(pooledEstimates([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]], 10, new Rng(1)).iqm.point).toBe(4.5);
    expect(pooledEstimates([[1, 2, 3, 4, 5, 6, 7, 8, 9, 100]], 10, new Rng(1)).iqm.point).toBe(5.5);
  });

  it('gives CIs that hold the point, narrow with more runs, and repeat with the seed', () => {
    const rng = new Rng(7);
    const scores = (n: number) => [Array.from({ length: n }, () => rng.normal()), Array.from({ length: n }, () => 1 + rng.normal())];
    const small = pooledEstimates(scores(8), 4_000, new Rng(3));
    const large = pooledEstimates(scores(200), 4_000, new Rng(3));
    for (const e of [small, large]) for (const i of [e.iqm, e.mean, e.median]) expect(i.low <= i.point && i.point <= i.high).toBe(true);
    expect(large.mean.high - large.mean.low).toBeLessThan((small.mean.high - small.mean.low) / 3);
    const s = scores(8);
    expect(pooledEstimates(s, 500, new Rng(9))).toEqual(pooledEstimates(s, 500, new Rng(9)));
  });

  it('skips a task that has no runs in one arm, and is NaN when none has both', () => {
    expect(probabilityOfImprovementByTask([[2, 3], []], [[1, 1], [5]])).toBe(1);
    expect(Number.isNaN(probabilityOfImprovementByTask([[]], [[1]]))).toBe(true);
    const none = pooledEstimates([[], []], 10, new Rng(1));
    expect(none.n).toBe(0);
    expect(Number.isNaN(none.iqm.point)).toBe(true);
  });

  it('keeps an infinite score (a profit factor with no losing trade) without turning it into NaN', () => {
    expect(quantileSorted([1, Infinity, Infinity], 0.5)).toBe(Infinity);
    expect(quantileSorted([1, 2, Infinity], 0.5)).toBe(2);
    const e = pooledEstimates([[1, 2, Infinity, Infinity]], 100, new Rng(1));
    expect(e.median.point).toBe(Infinity);
    expect(e.iqm.point).toBe(Infinity);
    expect(e.mean.point).toBe(Infinity);
  });

  it('P(B better) has a CI around 0.5 for identical arms and above 0.5 for a shifted one', () => {
    const rng = new Rng(11);
    const a = [0, 1, 2].map(() => Array.from({ length: 10 }, () => rng.normal()));
    const same = probabilityOfImprovementInterval(a, a, 1_000, new Rng(2));
    expect(same.point).toBe(0.5);
    expect(verdictOf(same)).toBe('inconclusive');
    const shifted = probabilityOfImprovementInterval(a.map((t) => t.map((v) => v + 2)), a, 1_000, new Rng(2));
    expect(shifted.low).toBeGreaterThan(0.5);
    expect(verdictOf(shifted)).toBe('better');
  });
});
