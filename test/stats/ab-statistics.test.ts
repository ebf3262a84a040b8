/** The A/B statistics against reference/statistics.md's vectors, and the bootstrap's behaviour. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/config/random.js';
import {
  bootstrapInterval,
  flatten,
  iqm,
  mean,
  median,
  pairedDifferences,
  probabilityOfImprovement,
  quantileSorted,
  resampleWithinTasks,
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
    expect(mean(flatten(X))).toBe(1.5);
    expect(median(flatten(X))).toBe(1.5);
    expect(iqm(flatten(X))).toBe(1.5);
    expect(iqm(flatten(Y))).toBe(2);
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
    const m = [
      [1, 10],
      [2, 20],
      [3, 30],
    ];
    for (let n = 0; n < 50; n++) {
      const r = resampleWithinTasks(m, rng);
      expect(r).toHaveLength(3);
      for (const row of r) {
        expect([1, 2, 3]).toContain(row[0]);
        expect([10, 20, 30]).toContain(row[1]);
      }
    }
  });

  it('is reproducible for a seed, and its CI holds the point estimate', () => {
    const ci = (seed: number) => bootstrapInterval([X, Y], probabilityOfImprovement, 2_000, new Rng(seed));
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
    const noise = () => Array.from({ length: 10 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const a = noise();
    const same = bootstrapInterval([a, a], (x, y) => probabilityOfImprovement(y!, x!), 2_000, new Rng(1));
    expect(same.point).toBe(0.5);
    expect(verdictOf(same)).toBe('inconclusive');
    const better = a.map((row) => row.map((v) => v + 3));
    const ci = bootstrapInterval([a, better], (x, y) => probabilityOfImprovement(y!, x!), 2_000, new Rng(1));
    expect(ci.low).toBeGreaterThan(0.5);
    expect(verdictOf(ci)).toBe('better');
    expect(verdictOf({ low: 0.1, high: 0.45 })).toBe('worse');
  });

  it('paired differences are B − A per run and task', () => {
    expect(pairedDifferences([[1, 2]], [[3, 1]])).toEqual([[2, -1]]);
    expect(() => pairedDifferences([[1]], [[1], [2]])).toThrow(/same runs and tasks/);
  });
});
