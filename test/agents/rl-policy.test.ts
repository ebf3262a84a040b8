/**
 * RL v1 and RL v2 as policies: they learn a known answer, keep their masks, compute their rewards
 * as written, and are reproducible.
 */
import { describe, expect, it } from 'vitest';
import { RlPolicy, type RlVariant } from '../../src/agents/rl-policy.js';
import { renderQTable } from '../../src/agents/qtable-file.js';
import { pnlPct, maxDrawdownPct } from '../../src/agents/rewards.js';
import { Rng } from '../../src/config/random.js';
import { resolveConfig, type RunConfig } from '../../src/config/run-config.js';
import type { MarketData } from '../../src/engine/replay.js';
import { SignalSources } from '../../src/engine/signal-sources.js';
import type { OrderIntentInput, Policy } from '../../src/policies/policy.js';
import { executeReplay, type Period } from '../../src/runs/replay-run.js';
import { splitPeriod } from '../../src/runs/train-split.js';
import { candles, market as marketOf } from '../engine/helpers.js';

const FIVE_MINUTES = 300_000;

/** A seeded geometric random walk: no strategy has an edge on it, only a skilled synthetic model can. */
function walk(bars: number, seed: number): MarketData {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  let price = 100;
  for (let i = 0; i < bars; i++) {
    const open = price;
    const close = open * Math.exp(0.002 * rng.normal());
    rows.push([open, Math.max(open, close) * (1 + 0.0005 * Math.abs(rng.normal())), Math.min(open, close) * (1 - 0.0005 * Math.abs(rng.normal())), close, 1_000]);
    price = close;
  }
  return marketOf(candles(rows, FIVE_MINUTES), undefined, FIVE_MINUTES);
}

function run(policy: Policy, market: MarketData, config: RunConfig, seed: number, period: Period, sources = new SignalSources(market, config)) {
  return executeReplay({ market, config, policy, policyName: policy.name ?? 'rl', params: {}, seed, period, sources });
}

describe('known answer: one skilled model among unskilled ones', () => {
  // xgb's scores carry an information coefficient of 0.3 with the 12-bar forward return; the others none.
  // Coarse states and a faster α let a 60k-bar run learn it in about a second (the defaults learn it too, over more data).
  const fast = { alpha: 0.05, gamma: 0.5, epsilon: 0.3, epsilonDecay: 0.9998, epsilonMin: 0.01 };
  const config = resolveConfig({
    models: { informationCoefficients: { xgb: 0.3, lgbm: 0, nhits: 0, lstm: 0 } },
    agents: {
      exits: { maxBars: 12 },
      v2: {
        meta: fast,
        sizing: fast,
        metaBins: { volatility: [], marketPressure: [], confidence: [], previousWinRate: [], accountHealth: [] },
        sizingBins: { signalConfidence: [], portfolioExposure: [], recentWinRate: [], volatility: [], equityCurveSlope: [] },
      },
      v1: { q: fast, bins: { volatility: [], confidence: [], recentWinRate: [] } },
    },
  });
  const bars = 60_000;

  for (const variant of ['rl-v2', 'rl-v1'] as const) {
    for (const seed of [1, 2, 3]) {
      it(`${variant}, seed ${seed}: trained then frozen, it picks xgb in a clear majority and earns more than untrained`, () => {
        const market = walk(bars, seed);
        const sources = new SignalSources(market, config);
        const split = splitPeriod({ startIndex: 0, endIndex: bars }, 0.7, config);
        const trained = new RlPolicy(variant, config);
        const training = run(trained, market, config, seed, split.train, sources);
        expect(training.metrics.trades).toBeGreaterThan(1_000);
        trained.mode = 'eval';
        const evaluated = run(trained, market, config, seed, split.evaluation, sources);
        const summary = trained.summary();
        const untrained = new RlPolicy(variant, config);
        untrained.mode = 'eval';
        const baseline = run(untrained, market, config, seed, split.evaluation, sources);
        const share = (summary.choices.byModel.xgb ?? 0) / summary.orders;
        const untrainedShare = (untrained.summary().choices.byModel.xgb ?? 0) / untrained.summary().orders;
        expect(summary.orders).toBeGreaterThan(300);
        expect(share).toBeGreaterThan(0.6);
        expect(untrainedShare).toBeLessThan(0.4); // empty tables: every choice is a tie broken at random
        expect(evaluated.metrics.returnPct).toBeGreaterThan(baseline.metrics.returnPct);
        expect(summary.agents.every((a) => a.updatesThisRun === 0)).toBe(true);
      });
    }
  }
});

describe('masks', () => {
  /** Wraps a policy and records each order it returns with the regime it was decided in. */
  function recording(policy: RlPolicy) {
    const orders: { regime: string; intent: OrderIntentInput }[] = [];
    const wrapper: Policy = {
      name: policy.name,
      onEvent: (event) => policy.onEvent(event),
      onBar(ctx) {
        const out = policy.onBar(ctx);
        if (out !== undefined) orders.push({ regime: ctx.features.regime, intent: out as OrderIntentInput });
        return out;
      },
    };
    return { wrapper, orders };
  }
  const market = walk(20_000, 7);
  const period = { startIndex: 0, endIndex: 20_000 };

  it('a strategy masked in a regime is never chosen there; one masked everywhere never at all', () => {
    const regimeMask: Record<string, ('dual_momentum' | 'mean_reversion' | 'breakout')[]> = {
      TREND: ['mean_reversion', 'breakout'],
      RANGE: ['dual_momentum'],
      BREAKOUT: ['dual_momentum', 'mean_reversion'],
      MEAN_REVERSION: ['breakout'],
    };
    const config = resolveConfig({ agents: { v2: { regimeMask, meta: { epsilon: 0.5 } } } });
    const { wrapper, orders } = recording(new RlPolicy('rl-v2', config));
    run(wrapper, market, config, 3, period);
    expect(orders.length).toBeGreaterThan(200);
    const regimes = new Set<string>();
    for (const { regime, intent } of orders) {
      regimes.add(regime);
      const strategy = (intent as { decision: { strategy: string } }).decision.strategy;
      expect(regimeMask[regime]).not.toContain(strategy);
    }
    expect(regimes.size).toBe(4);
  });

  it('sizes and leverages beyond the risk limits are never chosen, so nothing is rejected for them', () => {
    // margin 0.1 × multiplier; notional ≤ 0.2 × equity ⇒ multiplier × leverage ≤ 2; leverage ≤ 5
    const config = resolveConfig({ engine: { maxLeverage: 5, maxNotionalToEquity: 0.2 }, agents: { v2: { sizing: { epsilon: 1 } } } });
    const { wrapper, orders } = recording(new RlPolicy('rl-v2', config));
    const out = run(wrapper, market, config, 3, period);
    expect(orders.length).toBeGreaterThan(200);
    const chosen = new Set<string>();
    for (const { intent } of orders) {
      const { sizeMultiplier, leverage } = (intent as { decision: { sizeMultiplier: number; leverage: number } }).decision;
      chosen.add(`${sizeMultiplier}x@${leverage}`);
      expect(leverage).toBeLessThanOrEqual(5);
      expect(sizeMultiplier * leverage).toBeLessThanOrEqual(2 + 1e-12);
    }
    expect([...chosen].sort()).toEqual(['0.2x@1', '0.2x@3', '0.2x@5', '0.4x@1', '0.4x@3', '0.4x@5', '0.6x@1', '0.6x@3', '0.8x@1', '1x@1']);
    expect(out.result.ordersRejected).toBe(0);
  });
});

describe('rewards and determinism on a real replay', () => {
  const market = walk(15_000, 11);
  const period = { startIndex: 0, endIndex: 15_000 };
  const config = resolveConfig({});

  it('the reward terms are the trades’ own figures (pnlPct, maxDrawdownPct averaged over the trades learned from)', () => {
    const policy = new RlPolicy('rl-v2', config);
    const out = run(policy, market, config, 2, period);
    const learned = out.result.trades.filter((t) => t.exitReason !== 'end_of_data');
    const summary = policy.summary();
    expect(summary.tradesRewarded).toBe(learned.length);
    const [meta, sizing] = summary.agents;
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    expect(meta!.meanRewardTerms.pnlPct).toBeCloseTo(mean(learned.map(pnlPct)), 9);
    expect(meta!.meanRewardTerms.maxDrawdownPct).toBeCloseTo(mean(learned.map(maxDrawdownPct)), 9);
    const w = config.agents.v2.metaReward;
    const t = meta!.meanRewardTerms;
    expect(t.reward).toBeCloseTo(w.pnl * t.pnlPct! - w.drawdown * t.maxDrawdownPct! + w.sharpe * t.sharpeSignal! + w.regime * t.regimeAlignment!, 9);
    const s = sizing!.meanRewardTerms;
    expect(s.reward).toBeCloseTo(s.pnlPct! - 0.4 * s.riskPenalty! + 0.1 * s.volatilityAdjustment!, 9);
    expect(meta!.updates).toBe(learned.length);
    expect(sizing!.updates).toBe(learned.length);
    expect(meta!.epsilon).toBeCloseTo(0.1 * 0.9995 ** learned.length, 12);
    // every trade carries the decision that opened it
    for (const trade of out.result.trades) expect(trade.decision).toMatchObject({ strategy: expect.any(String), model: expect.any(String), leverage: trade.leverage });
  });

  for (const variant of ['rl-v1', 'rl-v2'] as RlVariant[]) {
    it(`${variant}: the same seed gives the same trades and table bytes; another seed does not`, () => {
      const once = (seed: number) => {
        const policy = new RlPolicy(variant, config);
        const out = run(policy, market, config, seed, period);
        return { trades: out.result.trades, tables: policy.tables.map(renderQTable) };
      };
      const a = once(4);
      const b = once(4);
      expect(b.trades).toEqual(a.trades);
      expect(b.tables).toEqual(a.tables);
      expect(once(5).tables).not.toEqual(a.tables);
    });
  }
});

describe('warm start folders', () => {
  it('says when the folder holds another policy’s tables, or when a file is given for the folder', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const config = resolveConfig({});
    const v1 = new RlPolicy('rl-v1', config);
    const dir = mkdtempSync(join(tmpdir(), 'replaylab-warm-'));
    const [file] = v1.saveTables(dir);
    expect(() => new RlPolicy('rl-v2', config).warmStart(dir)).toThrow(/no Q-table for rl-v2-meta, expected .*rl-v2-meta\.json \(it holds rl-v1\.json: tables of another policy\)/);
    expect(() => new RlPolicy('rl-v1', config).warmStart(file!)).toThrow(/is a file: give the folder that holds the tables/);
    expect(new RlPolicy('rl-v1', config).warmStart(dir)).toEqual([file]);
  });
});
