/** Run metrics: daily resampling with the starting cash as base, calendar-time drawdown durations, trade metrics. */
import { describe, expect, it } from 'vitest';
import { dailyEquity, drawdownDurationsDays, runMetrics } from '../../src/metrics/run-metrics.js';
import { tradeMetrics } from '../../src/metrics/trade-metrics.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

describe('drawdownDurationsDays', () => {
  it('measures calendar time from the peak to the recovery, or to the end', () => {
    // peak at day 0 (100), under water days 1–3 (a weekend gap in between), back at day 7; open drawdown from day 8
    const times = [0, 1, 2, 7, 8, 9].map((d) => T0 + d * DAY);
    const equity = [100, 90, 95, 100, 110, 105];
    const { max, average } = drawdownDurationsDays(times, equity);
    expect(max).toBe(7);
    expect(average).toBe((7 + 1) / 2);
  });

  it('with a start: the same as with the start prepended and the times shifted', () => {
    const times = [0, 1, 2, 7, 8, 9].map((d) => T0 + d * DAY);
    const equity = [90, 95, 100, 110, 105, 111];
    const shifted = times.map((t) => t + DAY / 2 - 1);
    const expected = drawdownDurationsDays([T0 - DAY, ...shifted], [100, ...equity]);
    expect(drawdownDurationsDays(times, equity, { equity: 100, time: T0 - DAY, timeShiftMs: DAY / 2 - 1 })).toEqual(expected);
    expect(expected.max).toBe((3.5 * DAY - 1) / DAY); // from the start (day −1) back at 100 at the last instant of day 2's bar
  });
});

describe('runMetrics', () => {
  // Four 12-hour bars over two days: 10000 → 10500 (day 1) → 9975 (day 2)
  const input = {
    time: Float64Array.from([0, 0.5, 1, 1.5].map((d) => T0 + d * DAY)),
    equity: Float64Array.from([10_200, 10_500, 9_800, 9_975]),
    intervalMs: DAY / 2,
    startingCash: 10_000,
    trades: [
      { netPnl: 500, returnPct: 5, bars: 2, entryTime: T0, exitTime: T0 + DAY },
      { netPnl: -525, returnPct: -5, bars: 2, entryTime: T0 + DAY, exitTime: T0 + 2 * DAY },
    ],
    feesPaid: 12,
    liquidations: 0,
    barsInMarket: 3,
    firstClose: 100,
    lastClose: 99,
    periodsPerYear: 365,
    riskFreeRate: 0,
  };

  it('resamples to daily equity with the starting cash first', () => {
    expect([...dailyEquity(input)]).toEqual([10_000, 10_500, 9_975]);
  });

  it('gives the figures by hand', () => {
    const m = runMetrics(input);
    expect(m.finalEquity).toBe(9_975);
    expect(m.returnPct).toBeCloseTo(-0.25, 12);
    // daily returns +5%, −5%: CAGR = (1.05 × 0.95)^(365/2) − 1
    expect(m.cagrPct).toBeCloseTo(((1.05 * 0.95) ** (365 / 2) - 1) * 100, 8);
    // bar curve 10000, 10200, 10500, 9800, 9975: max drawdown 9800 / 10500 − 1
    expect(m.maxDrawdownPct).toBeCloseTo((1 - 9_800 / 10_500) * 100, 12);
    expect(m.maxDrawdownDurationDays).toBeCloseTo((T0 + 2 * DAY - 1 - (T0 + DAY - 1)) / DAY, 12);
    expect(m.exposurePct).toBe(75);
    expect(m.buyAndHoldReturnPct).toBeCloseTo(-1, 12);
    expect(m.dailyReturns).toBe(2);
    expect(m.trades).toBe(2);
  });
});

describe('tradeMetrics', () => {
  it('win rate, profit factor, expectancy, SQN and Kelly by hand', () => {
    const trades = [100, -50, 200, -100].map((pnl, n) => ({ netPnl: pnl, returnPct: pnl / 10, bars: n + 1, entryTime: 0, exitTime: (n + 1) * 3_600_000 }));
    const m = tradeMetrics(trades);
    expect(m.winRatePct).toBe(50);
    expect(m.profitFactor).toBeCloseTo(300 / 150, 12);
    expect(m.expectancy).toBe(37.5);
    const std = Math.sqrt([100, -50, 200, -100].reduce((s, x) => s + (x - 37.5) ** 2, 0) / 3);
    expect(m.sqn).toBeCloseTo((2 * 37.5) / std, 12);
    expect(m.kelly).toBeCloseTo(0.5 - 0.5 / (150 / 75), 12);
    expect(m.bestTradePct).toBe(20);
    expect(m.worstTradePct).toBe(-10);
    expect(m.maxTradeDurationBars).toBe(4);
    expect(m.avgTradeDurationHours).toBe(2.5);
  });

  it('undefined ratios are NaN or Infinity, never a fake 0', () => {
    expect(Number.isNaN(tradeMetrics([]).winRatePct)).toBe(true);
    const wins = tradeMetrics([{ netPnl: 5, returnPct: 1, bars: 1, entryTime: 0, exitTime: 1 }]);
    expect(wins.profitFactor).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(wins.sqn)).toBe(true);
    expect(Number.isNaN(wins.kelly)).toBe(true);
  });
});
