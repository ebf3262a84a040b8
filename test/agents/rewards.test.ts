/** Each reward term by hand, and the two rewards with the default weights. */
import { describe, expect, it } from 'vitest';
import {
  effectiveLeverage,
  maxDrawdownPct,
  metaReward,
  pnlPct,
  riskPenalty,
  sharpeSignal,
  sizeReward,
  volatilityAdjustment,
} from '../../src/agents/rewards.js';
import { defaultConfig } from '../../src/config/run-config.js';

describe('reward terms', () => {
  it('pnlPct: net PnL as % of equity at entry', () => {
    expect(pnlPct({ netPnl: 50, entryEquity: 10_000 })).toBeCloseTo(0.5, 12);
    expect(pnlPct({ netPnl: -250, entryEquity: 5_000 })).toBeCloseTo(-5, 12);
  });

  it('maxDrawdownPct: the adverse excursion as % of entry equity, never negative', () => {
    expect(maxDrawdownPct({ maeEquityPct: -1.2 })).toBeCloseTo(1.2, 12);
    expect(maxDrawdownPct({ maeEquityPct: 0 })).toBe(0);
  });

  it('sharpeSignal: mean / sample std of recent trade returns, clipped; 0 without two trades or dispersion', () => {
    expect(sharpeSignal([1, 2, 3], 3)).toBeCloseTo(2, 12); // mean 2, std 1
    expect(sharpeSignal([0.5, -0.5, 1.5, -1], 3)).toBeCloseTo(0.125 / Math.sqrt(1.229166666666667), 10);
    expect(sharpeSignal([10, 11, 12], 3)).toBe(3); // 11 / 1 → clipped
    expect(sharpeSignal([-10, -11, -12], 3)).toBe(-3);
    expect(sharpeSignal([2], 3)).toBe(0);
    expect(sharpeSignal([2, 2, 2], 3)).toBe(0);
    // over the last `count` values only: the same as over that slice
    expect(sharpeSignal([50, -40, 1, 2, 3], 3, 3)).toBe(sharpeSignal([1, 2, 3], 3));
    expect(sharpeSignal([50, 2], 3, 1)).toBe(0);
  });

  it('effectiveLeverage: notional over entry equity', () => {
    expect(effectiveLeverage({ qty: 0.5, entryPrice: 40_000, entryEquity: 10_000 })).toBe(2);
  });

  it('riskPenalty: effective leverage × volatility beyond the budget', () => {
    expect(riskPenalty(2.5, 0.6, 1)).toBeCloseTo(0.5, 12);
    expect(riskPenalty(1, 0.5, 1)).toBe(0);
    expect(riskPenalty(4, 1, 0)).toBe(4);
  });

  it('volatilityAdjustment: + for large size when calm or small size when volatile, − otherwise', () => {
    expect(volatilityAdjustment(0.1, 1)).toBeCloseTo(0.8, 12);
    expect(volatilityAdjustment(0.9, 0)).toBeCloseTo(0.8, 12);
    expect(volatilityAdjustment(0.9, 1)).toBeCloseTo(-0.8, 12);
    expect(volatilityAdjustment(0.1, 0.2)).toBeCloseTo(0.8 * -0.6, 12);
    expect(volatilityAdjustment(0.5, 1)).toBe(0);
  });
});

describe('rewards with the default weights', () => {
  const { metaReward: metaWeights, sizeReward: sizeWeights } = defaultConfig().agents.v2;

  it('meta = pnlPct − 0.5·maxDrawdownPct + 0.2·sharpeSignal + 0.15·regimeAlignment', () => {
    expect(metaWeights).toMatchObject({ pnl: 1, drawdown: 0.5, sharpe: 0.2, regime: 0.15 });
    const terms = { pnlPct: 0.5, maxDrawdownPct: 1.2, sharpeSignal: 2, regimeAlignment: 1 };
    expect(metaReward(terms, metaWeights)).toBeCloseTo(0.5 - 0.6 + 0.4 + 0.15, 12);
    expect(metaReward({ ...terms, regimeAlignment: -1 }, metaWeights)).toBeCloseTo(0.5 - 0.6 + 0.4 - 0.15, 12);
  });

  it('size = pnlPct − 0.4·riskPenalty + 0.1·volatilityAdjustment', () => {
    expect(sizeWeights).toMatchObject({ pnl: 1, risk: 0.4, volatility: 0.1 });
    expect(sizeReward({ pnlPct: 0.5, riskPenalty: 0.5, volatilityAdjustment: -0.8 }, sizeWeights)).toBeCloseTo(0.5 - 0.2 - 0.08, 12);
  });
});
