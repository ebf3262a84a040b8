import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/config/random.js';
import { defaultConfig } from '../../src/config/run-config.js';
import { WinRateTracker, accountHealth, drawdownFraction, equitySlope } from '../../src/features/account-trackers.js';

describe('WinRateTracker', () => {
  it('is 0.5 before any trade, then wins over the last N trades', () => {
    const tracker = new WinRateTracker(3);
    expect(tracker.rate).toBe(0.5);
    const rates = [true, false, false, true, true, true].map((won) => {
      tracker.record(won);
      return tracker.rate;
    });
    // windows: [W] [W L] [W L L] [L L W] [L W W] [W W W]
    expect(rates).toEqual([1, 1 / 2, 1 / 3, 1 / 3, 2 / 3, 1]);
    expect(tracker.count).toBe(3);
  });

  it('rejects an empty window', () => {
    expect(() => new WinRateTracker(0)).toThrow(RangeError);
  });
});

describe('equitySlope', () => {
  it('is tanh(ln(equity / equity N bars back) / scale), from the oldest equity before N bars', () => {
    // N = 2 over the curve 100, 110, 121, 121, 100: the past point is the first value, then 2 back
    const curve = [100, 110, 121, 121, 100];
    const slopes = curve.map((equity, k) => equitySlope(equity, curve[Math.max(0, k - 2)]!, 0.1));
    expect(slopes[0]).toBe(0);
    expect(slopes[1]).toBeCloseTo(Math.tanh(Math.log(110 / 100) / 0.1), 15);
    expect(slopes[2]).toBeCloseTo(Math.tanh(Math.log(121 / 100) / 0.1), 15);
    expect(slopes[3]).toBeCloseTo(Math.tanh(Math.log(121 / 110) / 0.1), 15);
    expect(slopes[4]).toBeCloseTo(Math.tanh(Math.log(100 / 121) / 0.1), 15);
    expect(slopes[4]).toBeLessThan(0);
  });

  it('is −1 when equity is gone and +1 when it comes back from nothing', () => {
    expect(equitySlope(0, 100, 0.05)).toBe(-1);
    expect(equitySlope(100, 0, 0.05)).toBe(1);
    expect(equitySlope(0, 0, 0.05)).toBe(0);
  });
});

describe('drawdownFraction', () => {
  it('measures the fall from the highest equity so far as a fraction of it', () => {
    let peak = Number.NEGATIVE_INFINITY;
    const drawdowns = [100, 120, 90, 108, 130].map((equity) => {
      peak = Math.max(peak, equity);
      return drawdownFraction(equity, peak);
    });
    [0, 0, 0.25, 0.1, 0].forEach((expected, k) => expect(drawdowns[k]).toBeCloseTo(expected, 15));
    expect(peak).toBe(130);
  });
});

describe('accountHealth', () => {
  const config = defaultConfig().features; // healthDrawdownLimit 0.2, healthSlopeWeight 0.3

  it('weighs the drawdown part by 1 − w and the slope part by w', () => {
    expect(accountHealth(0, 0, config)).toBeCloseTo(0.7 * 1 + 0.3 * 0.5, 15);
    expect(accountHealth(0.1, 0.5, config)).toBeCloseTo(0.7 * 0.5 + 0.3 * 0.75, 15);
    expect(accountHealth(0.3, -1, config)).toBe(0);
    expect(accountHealth(0, 1, config)).toBe(1);
    expect(accountHealth(0.2, 1, config)).toBeCloseTo(0.3, 15);
  });

  it('follows the weight: all drawdown at w = 0, all slope at w = 1', () => {
    expect(accountHealth(0.05, -1, { healthDrawdownLimit: 0.1, healthSlopeWeight: 0 })).toBeCloseTo(0.5, 15);
    expect(accountHealth(0.05, -0.5, { healthDrawdownLimit: 0.1, healthSlopeWeight: 1 })).toBeCloseTo(0.25, 15);
  });

  it('stays in [0, 1] for any drawdown and slope', () => {
    const rng = new Rng(2);
    for (let k = 0; k < 1_000; k++) {
      const health = accountHealth(rng.next() * 1.5, rng.next() * 2 - 1, {
        healthDrawdownLimit: 0.01 + rng.next(),
        healthSlopeWeight: rng.next(),
      });
      expect(health).toBeGreaterThanOrEqual(0);
      expect(health).toBeLessThanOrEqual(1);
    }
  });
});
