/** The replay loop: no look-ahead for any built-in policy, determinism, the context a policy sees. */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/config/random.js';
import { CANDLE_COLUMNS, allocateTable, type CandleTable } from '../../src/data/columns.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { positionQuantities, type MarketData } from '../../src/engine/replay.js';
import { BUILTIN_POLICIES } from '../../src/policies/builtin.js';
import type { Policy, PolicyContext, PolicyParamValue } from '../../src/policies/policy.js';
import smaCross from '../../examples/sma-cross.js';
import { MINUTE, T0, candles, config, market, replay, scripted } from './helpers.js';

/** A seeded random walk of `rows` one-minute candles with taker-buy volume. */
function walk(rows: number, seed: number): CandleTable {
  const rng = new Rng(seed);
  const table = allocateTable(CANDLE_COLUMNS, rows);
  const c = table.columns;
  let price = 100;
  for (let i = 0; i < rows; i++) {
    const open = price;
    const close = open * Math.exp(0.004 * rng.normal());
    c.openTime[i] = T0 + i * MINUTE;
    c.open[i] = open;
    c.close[i] = close;
    c.high[i] = Math.max(open, close) * (1 + 0.002 * rng.next());
    c.low[i] = Math.min(open, close) * (1 - 0.002 * rng.next());
    c.volume[i] = 100 + 50 * rng.next();
    c.takerBuyVolume[i] = c.volume[i]! * rng.next();
    c.closeTime[i] = T0 + (i + 1) * MINUTE - 1;
    price = close;
  }
  return table;
}

/** The same market with every bar after `i` replaced by another walk. */
function alteredAfter(table: CandleTable, i: number, seed: number): CandleTable {
  const other = walk(table.rows, seed);
  const copy = allocateTable(CANDLE_COLUMNS, table.rows);
  for (const name of CANDLE_COLUMNS) {
    copy.columns[name].set(table.columns[name]);
    if (name !== 'openTime' && name !== 'closeTime') copy.columns[name].set(other.columns[name].subarray(i + 1), i + 1);
  }
  return copy;
}

function predictionsFile(rows: number): string {
  const rng = new Rng(99);
  const lines = ['timestamp,xgb,lgbm,nhits,lstm'];
  for (let i = 0; i < rows; i += 3) lines.push(`${T0 + i * MINUTE},${[0, 1, 2, 3].map(() => (2 * rng.next() - 1).toFixed(4)).join(',')}`);
  const file = join(mkdtempSync(join(tmpdir(), 'replaylab-pred-')), 'predictions.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

type PolicyCase = [string, () => Policy];
const policyParams: Record<string, Record<string, PolicyParamValue>> = {
  'buy-and-hold': {},
  random: { probability: 0.1, stopLoss: 0.01, takeProfit: 0.02 },
  fixed: { model: 'xgb', weight: 0.5, threshold: 0.2, stopLoss: 0.01, maxBars: 30 },
};
const environment = { seed: 1, symbol: 'TESTUSDT', intervalMs: MINUTE };
const POLICIES: PolicyCase[] = [
  ...Object.entries(BUILTIN_POLICIES).map(([name, { factory }]): PolicyCase => [name, () => factory(policyParams[name] ?? {}, environment) as Policy]),
  ['fixed (breakout, no model)', () => BUILTIN_POLICIES.fixed!.factory({ strategy: 'breakout', leverage: 3 }, environment) as Policy],
  ['fixed (mean_reversion, lgbm)', () => BUILTIN_POLICIES.fixed!.factory({ strategy: 'mean_reversion', model: 'lgbm', threshold: 0.1 }, environment) as Policy],
  ['sma-cross example', () => smaCross({ fast: 5, slow: 20 }, environment) as Policy],
];

const upTo = (events: readonly EngineEvent[], i: number) => events.filter((e) => e.bar <= i && e.type !== 'RUN_FINISHED');

describe('no look-ahead: altering every bar after i changes nothing at or before i', () => {
  const rows = 1500;
  const base = walk(rows, 1);
  const predictions = predictionsFile(rows);
  const withPredictions = (table: CandleTable): MarketData => ({ ...market(table), predictionsPath: predictions });

  for (const [name, build] of POLICIES) {
    it(name, () => {
      const original = replay(withPredictions(base), build(), config(), 5);
      expect(original.ordersSubmitted).toBeGreaterThan(0);
      for (const i of [30, 200, 777, 1400]) {
        const altered = replay(withPredictions(alteredAfter(base, i, 1000 + i)), build(), config(), 5);
        expect(upTo(altered.events, i)).toEqual(upTo(original.events, i));
        expect(altered.equity.subarray(0, i + 1)).toEqual(original.equity.subarray(0, i + 1));
        expect(positionQuantities(altered).subarray(0, i + 1)).toEqual(positionQuantities(original).subarray(0, i + 1));
      }
    });
  }

  it('the context refuses to show a later bar', () => {
    let seen: unknown;
    const probe: Policy = {
      onBar(ctx: PolicyContext) {
        if (ctx.bar === 5) {
          expect(ctx.history.length).toBe(6);
          expect(ctx.history.close(0)).toBe(ctx.close);
          expect(ctx.history.closes(100)).toHaveLength(6);
          try {
            ctx.history.close(-1);
          } catch (error) {
            seen = error;
          }
        }
      },
    };
    replay(market(base), probe);
    expect(String(seen)).toMatch(/a policy sees no later bar/);
  });
});

describe('determinism', () => {
  it('same data, config and seed give identical results; another seed differs', () => {
    const data = market(walk(3000, 2));
    const run = (seed: number) => replay(data, BUILTIN_POLICIES.random!.factory({ probability: 0.05 }, environment) as Policy, config(), seed);
    const a = run(11);
    const b = run(11);
    const c = run(12);
    expect(b.trades).toEqual(a.trades);
    expect(b.equity).toEqual(a.equity);
    expect(c.trades).not.toEqual(a.trades);
  });
});

describe('what the policy sees', () => {
  it('position, account and features at the close of each bar', () => {
    const data = market(candles([[100, 100, 100, 100], [100, 101, 99, 100], [100, 112, 100, 110], [110, 110, 110, 110], [110, 110, 95, 95]]));
    const seen: (string | number | undefined)[][] = [];
    const account: number[][] = [];
    const policy: Policy = {
      onBar(ctx) {
        seen.push([ctx.bar, ctx.position?.side, ctx.position?.unrealizedPnl, ctx.account.equity, ctx.account.cash]);
        account.push([ctx.account.drawdown, ctx.account.equitySlope, ctx.account.peakEquity]);
        return ctx.bar === 0 ? { type: 'open', side: 'long', quantity: 10 } : undefined;
      },
    };
    replay(data, policy, config({ engine: { feeRate: 0 } }));
    expect(seen).toEqual([
      [0, undefined, undefined, 10_000, 10_000],
      [1, 'long', 0, 10_000, 9_000],
      [2, 'long', 100, 10_100, 9_000],
      [3, 'long', 100, 10_100, 9_000],
      [4, 'long', -50, 9_950, 9_000],
    ]);
    // drawdown from the peak 10,100; slope against the first bar's equity (fewer than 50 bars so far)
    expect(account[2]).toEqual([0, Math.tanh(Math.log(10_100 / 10_000) / 0.05), 10_100]);
    expect(account[4]![0]).toBeCloseTo(1 - 9_950 / 10_100, 15);
    expect(account[4]![1]).toBeCloseTo(Math.tanh(Math.log(9_950 / 10_000) / 0.05), 15);
    expect(account[0]).toEqual([0, 0, 10_000]);
  });

  it('scripted orders submitted at a close are published with that close time', () => {
    const data = market(candles([[100, 100, 100, 100], [100, 100, 100, 100], [100, 100, 100, 100]]));
    const r = replay(data, scripted({ 0: { type: 'open', side: 'long', quantity: 1 } }));
    const submitted = r.events.find((e) => e.type === 'ORDER_SUBMITTED')!;
    const executed = r.events.find((e) => e.type === 'TRADE_EXECUTED')!;
    expect(submitted.ts).toBe(T0 + MINUTE - 1); // bar 0's last millisecond
    expect(executed.ts).toBe(T0 + MINUTE);
    expect(executed.bar).toBe(1);
  });
});
