/** The Q-learning core: the TD update by hand, the ε schedule, masks, seeded tie-breaking, counts, discounted returns. */
import { describe, expect, it } from 'vitest';
import { LearningTrace, QLearner, discountedReturns, epsilonAfter, EpisodeTracker } from '../../src/agents/q-learning.js';
import { defaultConfig } from '../../src/config/run-config.js';
import { Rng } from '../../src/config/random.js';

const params = (over: Partial<{ alpha: number; gamma: number; epsilon: number; epsilonDecay: number; epsilonMin: number }> = {}) => ({
  alpha: 0.1,
  gamma: 0.9,
  epsilon: 0.1,
  epsilonDecay: 0.9995,
  epsilonMin: 0.01,
  ...over,
});
const all = (n: number) => new Uint8Array(n).fill(1);

describe('TD update', () => {
  it('matches Q ← Q + α(r + γ·max_a′ Q[s′][a′] − Q), the max over allowed next actions only', () => {
    const q = new QLearner(3, params());
    const next = q.row(7);
    next.q.set([1, 3, 2]);
    const allowed = Uint8Array.from([1, 0, 1]); // the 3 is masked: max = 2
    // target = 1 + 0.9 · 2 = 2.8; Q = 0 + 0.1 · 2.8
    expect(q.update(4, 1, 1, 7, allowed)).toBeCloseTo(2.8, 12);
    expect(q.value(4, 1)).toBeCloseTo(0.28, 12);
    // again: TD error 2.8 − 0.28 = 2.52 → Q = 0.28 + 0.252
    expect(q.update(4, 1, 1, 7, allowed)).toBeCloseTo(2.52, 12);
    expect(q.value(4, 1)).toBeCloseTo(0.532, 12);
    expect(q.row(4).updates[1]).toBe(2);
    expect(q.updates).toBe(2);
  });

  it('bootstraps 0 from a state never seen, and from a next state with nothing allowed', () => {
    const q = new QLearner(2, params({ alpha: 0.5, gamma: 0.99 }));
    q.update(0, 0, -2, 99, all(2)); // unseen s′: max = 0 → Q = 0.5 · (−2)
    expect(q.value(0, 0)).toBe(-1);
    q.row(5).q.set([4, 4]);
    q.update(1, 0, 1, 5, new Uint8Array(2)); // nothing allowed in s′: no bootstrap
    expect(q.value(1, 0)).toBe(0.5);
  });

  it('refuses a non-finite reward or an action outside the table', () => {
    const q = new QLearner(2, params());
    expect(() => q.update(0, 0, Number.NaN, 1, all(2))).toThrow(/reward must be finite/);
    expect(() => q.update(0, 2, 1, 1, all(2))).toThrow(/outside 0…1/);
  });
});

describe('ε schedule', () => {
  it('from 0.1 with the default decay, ε is near 0.09 after 200 updates and never below the floor', () => {
    const defaults = defaultConfig().agents.v2.meta;
    expect(defaults).toMatchObject({ alpha: 0.01, gamma: 0.99, epsilon: 0.1, epsilonMin: 0.01 });
    const q = new QLearner(4, defaults);
    for (let n = 0; n < 200; n++) q.update(0, n % 4, 0, 0, all(4));
    expect(q.epsilon).toBeGreaterThan(0.089);
    expect(q.epsilon).toBeLessThan(0.091);
    expect(q.epsilon).toBeCloseTo(epsilonAfter(0.1, 200, defaults), 12);
    for (let n = 0; n < 20_000; n++) {
      q.update(0, n % 4, 0, 0, all(4));
      expect(q.epsilon).toBeGreaterThanOrEqual(0.01);
    }
    expect(q.epsilon).toBe(0.01);
  });

  it('decays per update, not per decision', () => {
    const q = new QLearner(3, params());
    const rng = new Rng(1);
    for (let n = 0; n < 50; n++) q.choose(0, all(3), rng, true);
    expect(q.epsilon).toBe(0.1);
    expect(q.decisions).toBe(50);
    q.update(0, 0, 1, 0, all(3));
    expect(q.epsilon).toBeCloseTo(0.1 * 0.9995, 15);
  });
});

describe('choosing actions', () => {
  it('never chooses a masked action, exploring or greedy', () => {
    const q = new QLearner(6, params({ epsilon: 0.5 }));
    q.row(0).q.set([9, 0, 0, 0, 0, 8]); // the best actions are masked
    const allowed = Uint8Array.from([0, 1, 1, 0, 1, 0]);
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let n = 0; n < 2_000; n++) seen.add(q.choose(0, allowed, rng, n % 2 === 0));
    expect([...seen].sort()).toEqual([1, 2, 4]);
    expect(q.choose(0, new Uint8Array(6), rng, true)).toBe(-1);
    expect(q.greedy(0, new Uint8Array(6), rng)).toBe(-1);
  });

  it('greedy takes the highest Q; ties are broken uniformly by the seeded stream', () => {
    const q = new QLearner(4, params({ epsilon: 0 }));
    q.row(1).q.set([0.5, 2, 2, -1]);
    const counts = [0, 0, 0, 0];
    const rng = new Rng(11);
    for (let n = 0; n < 4_000; n++) counts[q.choose(1, all(4), rng, true)]!++;
    expect(counts[0]).toBe(0);
    expect(counts[3]).toBe(0);
    expect(counts[1]! / 4_000).toBeGreaterThan(0.45);
    expect(counts[2]! / 4_000).toBeGreaterThan(0.45);
    const sequence = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 20 }, () => q.greedy(1, all(4), r));
    };
    expect(sequence(5)).toEqual(sequence(5));
    expect(sequence(5)).not.toEqual(sequence(6));
  });

  it('explores with probability ε: with ε = 1 every allowed action comes up about equally', () => {
    const q = new QLearner(5, params({ epsilon: 1 }));
    q.row(0).q.set([10, 0, 0, 0, 0]);
    const counts = [0, 0, 0, 0, 0];
    const rng = new Rng(2);
    for (let n = 0; n < 5_000; n++) counts[q.choose(0, all(5), rng, true)]!++;
    for (const c of counts) expect(c / 5_000).toBeCloseTo(0.2, 1);
  });

  it('counts visits when training, not in evaluation', () => {
    const q = new QLearner(2, params({ epsilon: 0 }));
    const rng = new Rng(1);
    q.row(0).q.set([1, 0]);
    q.choose(0, all(2), rng, true);
    q.choose(0, all(2), rng, true);
    q.choose(0, all(2), rng, false);
    expect(Array.from(q.row(0).visits)).toEqual([2, 0]);
    expect(q.decisions).toBe(2);
    expect(q.table.has(3)).toBe(false);
    q.choose(3, all(2), rng, false); // evaluation does not even add the state
    expect(q.table.has(3)).toBe(false);
  });
});

describe('episodes', () => {
  it('discounted returns R_t = Σ γ^k r_{t+k}', () => {
    expect(Array.from(discountedReturns([1, 2, 3], 0.5))).toEqual([2.75, 3.5, 3]);
    expect(Array.from(discountedReturns([], 0.9))).toEqual([]);
    const episode = new EpisodeTracker(0.99);
    for (const r of [1, -1, 2]) episode.step(r);
    expect(episode.summary()).toEqual({ steps: 3, totalReward: 2, meanReward: 2 / 3, discountedReturn: 1 - 0.99 + 2 * 0.99 ** 2 });
  });
});

describe('learning trace (the go-live convergence and growth criteria)', () => {
  it('splits a run into thirds: mean |ΔQ| and the states first seen in each', () => {
    const trace = new LearningTrace();
    trace.begin(2);
    // Nine updates: |ΔQ| 0.9, 0.8, …, 0.1; the table grows 3, 3, 4 | 4, 5, 5 | 6, 6, 6.
    const sizes = [3, 3, 4, 4, 5, 5, 6, 6, 6];
    sizes.forEach((size, k) => trace.record((9 - k) / 10, size));
    const thirds = trace.thirds()!;
    expect(thirds.first.updates).toBe(3);
    expect(thirds.first.meanAbsChange).toBeCloseTo(0.8, 12);
    expect(thirds.first.newStates).toBe(2);
    expect(thirds.last.meanAbsChange).toBeCloseTo(0.2, 12);
    expect(thirds.last.newStates).toBe(1);
    expect(new LearningTrace().thirds()).toBeNull();
  });

  it('is what an RL run reports per agent', () => {
    const learner = new QLearner(2, { ...defaultConfig().agents.v1.q, alpha: 0.5, gamma: 0 });
    const trace = new LearningTrace();
    trace.begin(learner.table.size);
    for (let k = 0; k < 6; k++) {
      const td = learner.update(k % 2, 0, 1, 0, Uint8Array.of(1, 1));
      trace.record(Math.abs(0.5 * td), learner.table.size);
    }
    // Q moves 0.5, 0.5, 0.25, 0.25, 0.125, 0.125 towards the reward of 1: converging.
    const thirds = trace.thirds()!;
    expect(thirds.first.meanAbsChange).toBeCloseTo(0.5, 12);
    expect(thirds.last.meanAbsChange).toBeCloseTo(0.125, 12);
    expect(thirds.first.newStates).toBe(2);
  });
});
