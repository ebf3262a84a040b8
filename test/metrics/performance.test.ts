/** Per-period metrics pinned by empyrical's test vectors (reference/statistics.md; % returns, A = 252). */
import { describe, expect, it } from 'vitest';
import {
  annualReturn,
  annualVolatility,
  calmarRatio,
  downsideRisk,
  drawdowns,
  equityFromReturns,
  maxDrawdownOfReturns,
  returnsFromEquity,
  sharpeRatio,
  sortinoRatio,
} from '../../src/metrics/performance.js';

const A252 = { periodsPerYear: 252 };
const pct = (values: number[]): number[] => values.map((v) => v / 100);
const MIXED = pct([1, 10, -4, 2, 3, 2, 1, -10]);
const POSITIVE = pct([1, 2, 1, 1, 1, 1, 1, 1, 1]);
const NEGATIVE = pct([0, -6, -7, -1, -9, -2, -6, -8, -5]);

describe('empyrical reference vectors', () => {
  it('mixed series: Sharpe, Sortino, CAGR, Calmar, max drawdown', () => {
    expect(sharpeRatio(MIXED, A252)).toBeCloseTo(1.7238613961706857, 9);
    expect(sortinoRatio(MIXED, A252)).toBeCloseTo(2.6055312516736917, 9);
    expect(annualReturn(MIXED, A252)).toBeCloseTo(2.330292797300439, 9);
    expect(calmarRatio(MIXED, A252)).toBeCloseTo(23.3029279730044, 9);
    expect(maxDrawdownOfReturns(MIXED)).toBeCloseTo(-0.1, 12);
  });

  it('positive series: Sharpe, no drawdown, Calmar undefined', () => {
    expect(sharpeRatio(POSITIVE, A252)).toBeCloseTo(52.915026221291804, 9);
    expect(maxDrawdownOfReturns(POSITIVE)).toBe(0);
    expect(calmarRatio(POSITIVE, A252)).toBeNaN();
  });

  it('negative series: Sharpe, Sortino, max drawdown', () => {
    expect(sharpeRatio(NEGATIVE, A252)).toBeCloseTo(-24.406808633910085, 9);
    expect(sortinoRatio(NEGATIVE, A252)).toBeCloseTo(-13.532743075043401, 9);
    expect(maxDrawdownOfReturns(NEGATIVE)).toBeCloseTo(-0.365907303, 9);
  });

  it('[10, −10, 10]: max drawdown −10%', () => {
    expect(maxDrawdownOfReturns(pct([10, -10, 10]))).toBeCloseTo(-0.1, 12);
  });
});

describe('definitions', () => {
  it('Sharpe subtracts the risk-free rate and is NaN without variance', () => {
    const r = [0.01, 0.03, 0.02];
    // mean 0.02, std 0.01 → (0.02 − 0.01) / 0.01 · √365
    expect(sharpeRatio(r, { periodsPerYear: 365, riskFreePerPeriod: 0.01 })).toBeCloseTo(Math.sqrt(365), 12);
    expect(sharpeRatio([0.01, 0.01, 0.01], A252)).toBeNaN();
    expect(sharpeRatio([0.01], A252)).toBeNaN();
  });

  it('downside risk averages over all periods, and Sortino is NaN without losses', () => {
    // min(r, 0)² = [0, 0.0004, 0, 0.0001] → mean 0.000125 → √ · √4
    expect(downsideRisk([0.01, -0.02, 0.03, -0.01], { periodsPerYear: 4 })).toBeCloseTo(Math.sqrt(0.000125) * 2, 14);
    expect(sortinoRatio([0.01, 0.02], A252)).toBeNaN();
  });

  it('annual volatility is the sample std times √A', () => {
    expect(annualVolatility([0.01, 0.03, 0.02], { periodsPerYear: 365 })).toBeCloseTo(0.01 * Math.sqrt(365), 14);
  });

  it('returns and equity convert both ways', () => {
    const equity = equityFromReturns([0.1, -0.5, 1]);
    expect(Array.from(equity)).toEqual([1, 1.1, 0.55, 1.1]);
    const back = returnsFromEquity(equity);
    expect(back[0]).toBeCloseTo(0.1, 14);
    expect(back[1]).toBeCloseTo(-0.5, 14);
    expect(back[2]).toBeCloseTo(1, 14);
  });

  it('drawdowns: depth, average depth and durations of each episode', () => {
    // peaks 100 → 80 (−20%) → 100 (recovered after 2 periods) → 90 (−10%), not recovered by the end
    const summary = drawdowns([100, 80, 100, 110, 99, 105]);
    expect(summary.maxDrawdown).toBeCloseTo(-0.2, 14);
    expect(summary.averageDrawdown).toBeCloseTo((-0.2 + -0.1) / 2, 14);
    expect(summary.maxDrawdownPeriods).toBe(2);
    expect(summary.averageDrawdownPeriods).toBe(2);
    expect(drawdowns([1, 2, 3])).toEqual({ maxDrawdown: 0, averageDrawdown: 0, maxDrawdownPeriods: 0, averageDrawdownPeriods: 0 });
  });

  it('drawdowns with a start value: the same as with the value prepended', () => {
    const curve = [80, 100, 110, 99, 105, 90];
    expect(drawdowns(Float64Array.from(curve), 100)).toEqual(drawdowns([100, ...curve]));
    expect(drawdowns([], 100)).toEqual(drawdowns([100]));
  });
});
