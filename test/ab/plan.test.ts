/** The A/B plan: walk-forward folds with an embargo, and identical periods and seeds for both arms. */
import { describe, expect, it } from 'vitest';
import { planAb, walkForwardFolds } from '../../src/ab/plan.js';
import { dayLabels } from '../../src/ab/report.js';
import { resolveConfig } from '../../src/config/run-config.js';
import type { LoadedMarket } from '../../src/runner/markets.js';

describe('walk-forward folds', () => {
  it('cuts K + 1 blocks: fold k trains on blocks 1…k, skips the embargo, tests on block k + 1', () => {
    expect(walkForwardFolds({ startIndex: 0, endIndex: 1_000 }, 3, 50)).toEqual([
      { train: { startIndex: 0, endIndex: 250 }, test: { startIndex: 300, endIndex: 500 } },
      { train: { startIndex: 0, endIndex: 500 }, test: { startIndex: 550, endIndex: 750 } },
      { train: { startIndex: 0, endIndex: 750 }, test: { startIndex: 800, endIndex: 1_000 } },
    ]);
    // The last test block takes the remainder.
    expect(walkForwardFolds({ startIndex: 10, endIndex: 1_013 }, 1, 0).at(-1)!.test).toEqual({ startIndex: 511, endIndex: 1_013 });
  });

  it('never lets a test window start before its training ends plus the embargo', () => {
    for (const folds of [1, 2, 5, 9]) {
      for (const f of walkForwardFolds({ startIndex: 0, endIndex: 20_000 }, folds, 519)) {
        expect(f.test.startIndex - f.train.endIndex).toBe(519);
        expect(f.test.endIndex).toBeGreaterThan(f.test.startIndex);
      }
    }
  });

  it('refuses folds too short for the embargo, and a fold count that is not a whole number ≥ 1', () => {
    expect(() => walkForwardFolds({ startIndex: 0, endIndex: 1_000 }, 3, 250)).toThrow(/blocks of 250, too short for the embargo of 250 bars/);
    expect(() => walkForwardFolds({ startIndex: 0, endIndex: 1_000 }, 0, 10)).toThrow(/--folds must be a whole number/);
  });
});

function fakeMarket(key: string, name: string, bars: number): LoadedMarket {
  const openTime = Float64Array.from({ length: bars }, (_, i) => Date.UTC(2024, 0, 1) + i * 3_600_000);
  return {
    key,
    info: { name } as LoadedMarket['info'],
    market: { intervalMs: 3_600_000, candles: { rows: bars, columns: { openTime } } } as unknown as LoadedMarket['market'],
  } as LoadedMarket;
}

describe('planAb', () => {
  const config = resolveConfig({});
  const arms = {
    a: { label: 'rl-v1', policy: 'rl-v1', params: {}, config: {} },
    b: { label: 'rl-v2', policy: 'rl-v2', params: {}, config: { agents: { v2: { meta: { alpha: 0.05 } } } } },
  };

  it('gives both arms the same task periods and seeds; only the policy and its config differ', () => {
    const plan = planAb({ markets: [fakeMarket('x', 'btc', 4_000), fakeMarket('y', 'eth', 3_000)], arms, seeds: [1, 2], split: { kind: 'walk-forward', folds: 2 }, embargoConfig: config, embargoBars: 100 });
    expect(plan.tasks.map((t) => t.info.id)).toEqual(['btc/fold1', 'btc/fold2', 'eth/fold1', 'eth/fold2']);
    expect(plan.runs).toHaveLength(4 * 2 * 2);
    for (let k = 0; k < plan.runs.length; k += 2) {
      const [a, b] = [plan.runs[k]!, plan.runs[k + 1]!];
      expect([a.arm, b.arm]).toEqual(['a', 'b']);
      expect(b.spec.period).toEqual(a.spec.period);
      expect(b.spec.train).toEqual(a.spec.train);
      expect(b.spec.seed).toBe(a.spec.seed);
      expect(b.spec.dataset).toBe(a.spec.dataset);
      expect([a.spec.policy.name, b.spec.policy.name]).toEqual(['rl-v1', 'rl-v2']);
    }
    expect(plan.runs[0]!.spec.id).toBe('a:btc/fold1:s1');
    // btc: 4,000 hourly bars in blocks of 1,333; fold 2 tests from bar 2,666 + 100.
    expect(plan.tasks[1]!.info.test).toEqual({ start: new Date(Date.UTC(2024, 0, 1) + 2_766 * 3_600_000).toISOString().replace('.000', ''), end: '2024-06-15T16:00:00Z', bars: 4_000 - 2_766 });
  });

  it('one split with --train-frac, the whole period without a split; same-named datasets are told apart', () => {
    const frac = planAb({ markets: [fakeMarket('x', 'btc', 4_000)], arms, seeds: [1], split: { kind: 'train-frac', trainFrac: 0.5 }, embargoConfig: config, embargoBars: 0 });
    expect(frac.tasks[0]!.train).toEqual({ startIndex: 0, endIndex: 2_000 });
    expect(frac.tasks[0]!.test.startIndex).toBe(2_000 + 519);
    const none = planAb({ markets: [fakeMarket('x', 'btc', 100), fakeMarket('z', 'btc', 100)], arms, seeds: [1], split: { kind: 'none' }, embargoConfig: config, embargoBars: 0 });
    expect(none.tasks.map((t) => [t.info.id, t.train, t.test])).toEqual([
      ['btc#1', undefined, { startIndex: 0, endIndex: 100 }],
      ['btc#2', undefined, { startIndex: 0, endIndex: 100 }],
    ]);
  });
});

describe('dayLabels', () => {
  it('names the start day, then each UTC day whose last bar closes in the period', () => {
    const hour = 3_600_000;
    const openTime = Float64Array.from({ length: 50 }, (_, i) => Date.UTC(2024, 0, 1, 12) + i * hour);
    // Bars 0…49 open 2024-01-01 12:00 … 2024-01-03 13:00; the period is bars 0…40 (up to 2024-01-03 04:00).
    expect(dayLabels(openTime, hour, 0, 41)).toEqual(['2024-01-01', '2024-01-01', '2024-01-02', '2024-01-03']);
  });
});
