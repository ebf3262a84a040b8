/**
 * Golden runs on the bundled dataset with fixed seeds: any change to the engine's semantics shows
 * up here first. Also the period selection.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/run-config.js';
import { loadDataset } from '../../src/data/dataset.js';
import type { MarketData } from '../../src/engine/replay.js';
import { BUILTIN_POLICIES } from '../../src/policies/builtin.js';
import type { Policy, PolicyParamValue } from '../../src/policies/policy.js';
import { executeReplay, periodGaps, selectPeriod } from '../../src/runs/replay-run.js';
import { REPO_ROOT } from '../cli/helpers.js';
import { expectAccountingInvariants } from '../engine/helpers.js';

let market: MarketData;
beforeAll(async () => {
  const d = await loadDataset(join(REPO_ROOT, 'datasets', 'synthetic-5m'), { cache: false });
  market = { name: d.name, symbol: d.symbol, intervalMs: d.interval.ms, candles: d.candles, trades: d.trades, predictionsPath: d.predictionsPath };
});

function run(name: string, params: Record<string, PolicyParamValue>, seed: number) {
  const policy = BUILTIN_POLICIES[name]!.factory(params, { seed, symbol: market.symbol, intervalMs: market.intervalMs }) as Policy;
  const output = executeReplay({ market, config: resolveConfig({}), policy, policyName: name, params, seed, period: { startIndex: 0, endIndex: market.candles.rows } });
  expectAccountingInvariants(output.result, market);
  const reasons: Record<string, number> = {};
  for (const t of output.result.trades) reasons[t.exitReason] = (reasons[t.exitReason] ?? 0) + 1;
  return { m: output.metrics, reasons, result: output.result };
}

describe('golden runs (bundled dataset, tick walk, default config)', () => {
  it('buy-and-hold', () => {
    const { m, reasons } = run('buy-and-hold', {}, 3);
    expect(m.finalEquity).toBeCloseTo(8585.290780740233, 6);
    expect(m.feesPaid).toBeCloseTo(9.292294036138813, 8);
    expect(m.maxDrawdownPct).toBeCloseTo(24.375535479773337, 8);
    expect(m.sharpe).toBeCloseTo(-0.9725517705940295, 8);
    expect(reasons).toEqual({ end_of_data: 1 });
  });

  it('random, seed 3, with stops, targets and leverage', () => {
    const { m, reasons } = run('random', { probability: 0.02, stopLoss: 0.01, takeProfit: 0.02, leverage: 3 }, 3);
    expect(m.trades).toBe(174);
    expect(m.finalEquity).toBeCloseTo(3296.156521324393, 6);
    expect(m.winRatePct).toBeCloseTo(39.08045977011494, 8);
    expect(m.feesPaid).toBeCloseTo(2644.5024979079685, 6);
    expect(reasons).toEqual({ signal: 107, stop_loss: 54, take_profit: 12, end_of_data: 1 });
  });

  it('fixed breakout × synthetic xgb, time exits', () => {
    const { m, reasons, result } = run('fixed', { model: 'xgb', strategy: 'breakout', maxBars: 48 }, 3);
    expect(m.trades).toBe(1151);
    expect(m.finalEquity).toBeCloseTo(5539.721512753461, 6);
    expect(reasons).toEqual({ signal: 1134, time_exit: 16, end_of_data: 1 });
    expect(result.modelSource).toBe('synthetic');
  });
});

describe('selectPeriod', () => {
  const times = Float64Array.from([0, 10, 20, 30, 40]);
  it('takes the bars whose open time is in [from, to)', () => {
    expect(selectPeriod(times, undefined, undefined)).toEqual({ startIndex: 0, endIndex: 5 });
    expect(selectPeriod(times, 10, 30)).toEqual({ startIndex: 1, endIndex: 3 });
    expect(selectPeriod(times, 11, 31)).toEqual({ startIndex: 2, endIndex: 4 });
  });
  it('refuses an empty period and says what the data covers', () => {
    expect(() => selectPeriod(times, 50, undefined)).toThrow(/no bars in the period .* the data covers 1970-01-01T00:00:00Z → 1970-01-01T00:00:00.040Z/);
    expect(() => selectPeriod(times, 30, 10)).toThrow(/is not before/);
  });
});

describe('periodGaps', () => {
  it('counts the missing bars inside the period and finds the largest gap', () => {
    const minute = 60_000;
    const t = (k: number) => k * minute;
    const openTime = Float64Array.from([0, 1, 2, 5, 6, 7, 20, 21].map(t));
    expect(periodGaps(openTime, { startIndex: 0, endIndex: 8 }, minute)).toEqual({ count: 2, missingBars: 2 + 12, largest: { fromMs: t(8), toMs: t(20), bars: 12 } });
    expect(periodGaps(openTime, { startIndex: 0, endIndex: 3 }, minute)).toEqual({ count: 0, missingBars: 0, largest: { fromMs: 0, toMs: 0, bars: 0 } });
    expect(periodGaps(openTime, { startIndex: 3, endIndex: 8 }, minute).count).toBe(1);
  });
});
