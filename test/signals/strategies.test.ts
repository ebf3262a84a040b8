import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type SignalConfig } from '../../src/config/run-config.js';
import { STRATEGY_NAMES, computeStrategySignals, type StrategySignals } from '../../src/signals/strategies.js';
import {
  alterFuture,
  candleTable,
  closesTable,
  expectSamePrefix,
  expectSomeDifferenceAfter,
  generatedMarket,
  truncateAfter,
  type Market,
} from '../features/helpers.js';

const DEFAULTS = defaultConfig().signals;

function signals(overrides: Partial<{ [K in keyof SignalConfig]: Partial<SignalConfig[K]> }>): SignalConfig {
  return {
    dualMomentum: { ...DEFAULTS.dualMomentum, ...overrides.dualMomentum },
    meanReversion: { ...DEFAULTS.meanReversion, ...overrides.meanReversion },
    breakout: { ...DEFAULTS.breakout, ...overrides.breakout },
  };
}

describe('dual_momentum', () => {
  const config = signals({ dualMomentum: { shortLookback: 2, longLookback: 4, strengthScale: 0.02 } });

  it('goes with the sign of the short and long returns when both agree, strength tanh(|r_long| / scale)', () => {
    const closes = [100, 101, 102, 103, 104, 103, 90, 95];
    const { direction, strength } = computeStrategySignals(closesTable(closes), config).dual_momentum;
    expect(Array.from(direction)).toEqual([0, 0, 0, 0, 1, 0, -1, -1]);
    expect(Array.from(strength.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(strength[4]).toBeCloseTo(Math.tanh(0.04 / 0.02), 12); // r_s = 104/102 − 1 > 0, r_l = 104/100 − 1
    expect(strength[5]).toBe(0); // r_s = 103/103 − 1 = 0
    expect(strength[6]).toBeCloseTo(Math.tanh((1 - 90 / 102) / 0.02), 12); // r_s = 90/104 − 1, r_l = 90/102 − 1
    expect(strength[7]).toBeCloseTo(Math.tanh((1 - 95 / 103) / 0.02), 12); // r_s = 95/103 − 1 < 0 too
  });

  it('stays flat when the short and long returns disagree', () => {
    // bar 4: r_s = 105/80 − 1 > 0 and r_l = 105/100 − 1 > 0 agree; bar 5: r_s = 106/110 − 1 < 0 but r_l = 106/90 − 1 > 0
    const closes = [100, 90, 80, 110, 105, 106];
    expect(Array.from(computeStrategySignals(closesTable(closes), config).dual_momentum.direction)).toEqual([0, 0, 0, 0, 1, 0]);
    // bar 4: r_s = 105/130 − 1 < 0, r_l = 105/100 − 1 > 0
    const down = [100, 120, 130, 110, 105];
    expect(Array.from(computeStrategySignals(closesTable(down), config).dual_momentum.direction)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('mean_reversion', () => {
  const config = signals({ meanReversion: { window: 4, zEntry: 1.2 } });

  it('bets against a z-score beyond zEntry, strength 0.5 at the threshold rising to 1 at 1.5 × zEntry', () => {
    // bar 4: window 10, 10, 10, 14 → mean 11, sample std 2, z = 1.5; bar 8: 10, 10, 10, 6 → z = −1.5
    const closes = [10, 10, 10, 10, 14, 10, 10, 10, 6];
    const { direction, strength } = computeStrategySignals(closesTable(closes), config).mean_reversion;
    expect(direction[4]).toBe(-1);
    expect(strength[4]).toBeCloseTo(0.5 + (1.5 - 1.2) / 1.2, 12);
    expect(direction[8]).toBe(1);
    expect(strength[8]).toBeCloseTo(0.75, 12);
    expect(direction[3]).toBe(0); // full window but std 0
    expect(Array.from(direction.subarray(0, 3))).toEqual([0, 0, 0]);
  });

  it('stays flat inside ±zEntry and caps the strength at 1', () => {
    const inside = computeStrategySignals(closesTable([10, 11, 10, 11, 10.5]), config).mean_reversion;
    expect(Array.from(inside.direction)).toEqual([0, 0, 0, 0, 0]);
    const far = computeStrategySignals(closesTable([10, 10, 10, 10, 10, 10, 10, 10, 30]), signals({ meanReversion: { window: 9, zEntry: 1 } }));
    expect(far.mean_reversion.direction[8]).toBe(-1);
    expect(far.mean_reversion.strength[8]).toBe(1); // z = 2.67
  });
});

describe('breakout', () => {
  const config = signals({ breakout: { window: 3, strengthScale: 0.25 } });
  const bars = [
    { high: 10, low: 9, close: 9.5 },
    { high: 11, low: 9.5, close: 10 },
    { high: 10.5, low: 9.2, close: 10 },
    { high: 11.6, low: 11, close: 11.5 }, // prior range [9, 11]: 0.5 above, a quarter of the width
    { high: 11, low: 8.9, close: 9 }, // prior range [9.2, 11.6]: 0.2 below, 1/12 of the width
    { high: 10, low: 9, close: 10 }, // inside [8.9, 11.6]
  ];

  it('follows a close beyond the prior window’s range, strength tanh(distance in range widths / scale)', () => {
    const { direction, strength } = computeStrategySignals(candleTable(bars), config).breakout;
    expect(Array.from(direction)).toEqual([0, 0, 0, 1, -1, 0]);
    expect(strength[3]).toBeCloseTo(Math.tanh(0.5 / 2 / 0.25), 12);
    expect(strength[4]).toBeCloseTo(Math.tanh(0.2 / 2.4 / 0.25), 12);
    expect(strength[5]).toBe(0);
  });

  it('has strength 1 leaving a range of zero width', () => {
    const flat = [{ close: 5 }, { close: 5 }, { close: 5 }, { close: 5.1 }];
    const { direction, strength } = computeStrategySignals(candleTable(flat), config).breakout;
    expect(direction[3]).toBe(1);
    expect(strength[3]).toBe(1);
  });
});

describe('computeStrategySignals on a generated market', () => {
  let market: Market;
  let all: Record<string, StrategySignals>;
  beforeAll(async () => {
    market = await generatedMarket(3_000, 21);
    all = computeStrategySignals(market.candles, DEFAULTS);
  });

  it('gives every strategy directions in {−1, 0, 1} and strengths in [0, 1], 0 when flat', () => {
    expect(Object.keys(all)).toEqual([...STRATEGY_NAMES]);
    for (const name of STRATEGY_NAMES) {
      const { direction, strength } = all[name]!;
      expect(new Set(direction), name).toEqual(new Set([-1, 0, 1]));
      for (let i = 0; i < direction.length; i++) {
        expect(strength[i]).toBeGreaterThanOrEqual(0);
        expect(strength[i]).toBeLessThanOrEqual(1);
        if (direction[i] === 0) expect(strength[i]).toBe(0);
        else expect(strength[i]).toBeGreaterThan(0);
      }
    }
  });
});

describe('look-ahead: no signal at bar i changes when bars after i change', () => {
  let market: Market;
  beforeAll(async () => {
    market = await generatedMarket(1_500, 8);
  });

  const configs: Record<string, SignalConfig> = {
    defaults: DEFAULTS,
    'short lookbacks': signals({
      dualMomentum: { shortLookback: 3, longLookback: 7 },
      meanReversion: { window: 5, zEntry: 1 },
      breakout: { window: 4 },
    }),
  };

  for (const [configName, config] of Object.entries(configs)) {
    it(configName, () => {
      const full = computeStrategySignals(market.candles, config);
      for (const [k, last] of [0, 2, 19, 47, 48, 300, 901, 1_498].entries()) {
        const altered = computeStrategySignals(alterFuture(market, last, 200 + k).candles, config);
        const truncated = computeStrategySignals(truncateAfter(market, last).candles, config);
        for (const name of STRATEGY_NAMES) {
          for (const field of ['direction', 'strength'] as const) {
            expectSamePrefix(full[name][field], altered[name][field], last, `${name} ${field} up to bar ${last}, future altered`);
            expectSamePrefix(full[name][field], truncated[name][field], last, `${name} ${field} up to bar ${last}, future cut off`);
          }
          if (last < 1_000) {
            expectSomeDifferenceAfter(full[name].direction, altered[name].direction, last, `${name} direction after ${last}`);
          }
        }
      }
    });
  }
});
