import { describe, expect, it } from 'vitest';
import { Rng, runStreams } from '../../src/config/random.js';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

describe('Rng', () => {
  it('gives the same sequence for the same seed', () => {
    expect(draws(new Rng(42), 100)).toEqual(draws(new Rng(42), 100));
    expect(draws(new Rng(-7), 10)).toEqual(draws(new Rng(-7), 10));
    const a = new Rng(3);
    const b = new Rng(3);
    expect([a.normal(), a.int(1, 6), a.exponential(2), a.poisson(4), a.poisson(50)]).toEqual([
      b.normal(),
      b.int(1, 6),
      b.exponential(2),
      b.poisson(4),
      b.poisson(50),
    ]);
  });

  it('gives different sequences for different seeds', () => {
    expect(draws(new Rng(1), 20)).not.toEqual(draws(new Rng(2), 20));
    expect(new Rng(5).seed).toBe(5);
  });

  it('draws next() in [0, 1) with a roughly uniform spread', () => {
    const rng = new Rng(11);
    const values = draws(rng, 20_000);
    for (const v of values) {
      if (!(v >= 0 && v < 1)) throw new Error(`out of range: ${v}`);
    }
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
    const deciles = new Array<number>(10).fill(0);
    for (const v of values) deciles[Math.floor(v * 10)]!++;
    for (const count of deciles) {
      expect(count).toBeGreaterThan(1_800);
      expect(count).toBeLessThan(2_200);
    }
  });

  it('spreads the first draws of neighbouring seeds over [0, 1)', () => {
    // Seeds 1, 2, 3… are what users pass; each should start an unrelated stream.
    const firsts = Array.from({ length: 200 }, (_, seed) => new Rng(seed + 1).next());
    const mean = firsts.reduce((s, v) => s + v, 0) / firsts.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.6);
    expect(firsts.filter((v) => v > 0.99).length).toBeLessThan(10);
    // Likewise the first draw of a fork, which is what generateMarket uses first.
    const forkFirsts = Array.from({ length: 200 }, (_, seed) => new Rng(seed + 1).fork().next());
    expect(forkFirsts.filter((v) => v > 0.99).length).toBeLessThan(10);
  });

  it('rejects a seed that is not an integer', () => {
    expect(() => new Rng(1.5)).toThrow(RangeError);
    expect(() => new Rng(Number.NaN)).toThrow(RangeError);
  });

  describe('fork()', () => {
    it('gives a stream that differs from the parent and from other forks', () => {
      const parent = new Rng(42);
      const a = parent.fork();
      const b = parent.fork();
      const fromA = draws(a, 50);
      const fromB = draws(b, 50);
      const fromParent = draws(parent, 50);
      expect(fromA).not.toEqual(fromB);
      expect(fromA).not.toEqual(fromParent);
      expect(fromB).not.toEqual(fromParent);
      // No value shared between the streams (53-bit values: a repeat would be a shared stream).
      const all = new Set([...fromA, ...fromB, ...fromParent]);
      expect(all.size).toBe(150);
    });

    it('is deterministic', () => {
      const run = (): number[][] => {
        const parent = new Rng(42);
        const a = parent.fork();
        const b = parent.fork();
        return [draws(a, 20), draws(b, 20), draws(parent, 20)];
      };
      expect(run()).toEqual(run());
    });

    it('keeps a fork unaffected by how much a sibling draws', () => {
      const quiet = new Rng(9);
      const quietA = quiet.fork();
      const quietB = quiet.fork();
      const busy = new Rng(9);
      const busyA = busy.fork();
      draws(busyA, 1_000);
      const busyB = busy.fork();
      expect(draws(busyB, 20)).toEqual(draws(quietB, 20));
      expect(draws(quietA, 5)).toEqual(draws(new Rng(9).fork(), 5));
    });
  });

  it('draws normal() with mean ≈ 0 and sd ≈ 1', () => {
    const rng = new Rng(2024);
    const n = 20_000;
    const values = Array.from({ length: n }, () => rng.normal());
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(sd).toBeGreaterThan(0.97);
    expect(sd).toBeLessThan(1.03);
    const within1 = values.filter((v) => Math.abs(v) < 1).length / n;
    expect(within1).toBeGreaterThan(0.66);
    expect(within1).toBeLessThan(0.70);
  });

  it('draws int(min, max) within the bounds, hitting both ends', () => {
    const rng = new Rng(5);
    const seen = new Map<number, number>();
    for (let i = 0; i < 6_000; i++) {
      const v = rng.int(1, 6);
      expect(Number.isInteger(v)).toBe(true);
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    for (const count of seen.values()) expect(count).toBeGreaterThan(850);
    const negative = new Rng(6);
    for (let i = 0; i < 1_000; i++) {
      const v = negative.int(-3, -1);
      expect(v >= -3 && v <= -1).toBe(true);
    }
    expect(new Rng(7).int(4, 4)).toBe(4);
  });

  it('draws exponential() and poisson() with the right means', () => {
    const rng = new Rng(77);
    const n = 20_000;
    let expSum = 0;
    let poissonSum = 0;
    let bigSum = 0;
    for (let i = 0; i < n; i++) {
      const e = rng.exponential(3);
      expect(e).toBeGreaterThanOrEqual(0);
      expSum += e;
      poissonSum += rng.poisson(4);
      bigSum += rng.poisson(100);
    }
    expect(expSum / n).toBeGreaterThan(2.9);
    expect(expSum / n).toBeLessThan(3.1);
    expect(poissonSum / n).toBeGreaterThan(3.9);
    expect(poissonSum / n).toBeLessThan(4.1);
    expect(bigSum / n).toBeGreaterThan(99);
    expect(bigSum / n).toBeLessThan(101);
  });

  it('fillNormal gives the values normal() would, in order, keeping the spare of a polar pair across calls', () => {
    for (const length of [0, 1, 2, 7, 1000]) {
      const one = new Rng(42);
      const batch = new Rng(42);
      one.normal(); // leave a spare behind in both
      batch.normal();
      const expected = Float64Array.from({ length }, () => one.normal());
      expect(batch.fillNormal(new Float64Array(length))).toEqual(expected);
      expect(batch.normal()).toBe(one.normal());
      expect(batch.next()).toBe(one.next());
    }
  });
});

describe('runStreams', () => {
  it('forks the policy stream, then the model stream, from the seed: the same streams on every call', () => {
    const root = new Rng(9);
    const policy = root.fork();
    const model = root.fork();
    const streams = runStreams(9);
    expect(draws(streams.policy, 5)).toEqual(draws(policy, 5));
    expect(draws(streams.model, 5)).toEqual(draws(model, 5));
    expect(draws(runStreams(9).model, 5)).toEqual(draws(runStreams(9).model, 5));
    expect(draws(runStreams(10).model, 5)).not.toEqual(draws(runStreams(9).model, 5));
  });
});
