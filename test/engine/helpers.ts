/** Small markets and scripted policies for engine tests, and the accounting invariants every replay must keep. */
import { expect } from 'vitest';
import { Rng } from '../../src/config/random.js';
import { resolveConfig, type RunConfig, type RunConfigInput } from '../../src/config/run-config.js';
import { CANDLE_COLUMNS, TRADE_COLUMNS, allocateTable, type CandleTable, type TradeTable } from '../../src/data/columns.js';
import { runReplay, type MarketData, type ReplayResult } from '../../src/engine/replay.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { OrderIntentInput, Policy, PolicyContext } from '../../src/policies/policy.js';

export const MINUTE = 60_000;
export const T0 = Date.UTC(2024, 0, 1);

/** Candles from [open, high, low, close, volume?] rows, one minute apart from 2024-01-01. */
export function candles(rows: readonly (readonly number[])[], intervalMs = MINUTE): CandleTable {
  const table = allocateTable(CANDLE_COLUMNS, rows.length);
  const c = table.columns;
  rows.forEach(([o, h, l, cl, v], i) => {
    c.openTime[i] = T0 + i * intervalMs;
    c.open[i] = o!;
    c.high[i] = h!;
    c.low[i] = l!;
    c.close[i] = cl!;
    c.volume[i] = v ?? 1_000;
    c.closeTime[i] = T0 + (i + 1) * intervalMs - 1;
    c.takerBuyVolume[i] = Number.NaN;
  });
  return table;
}

/** Trades from [msAfterStart, price] pairs. */
export function trades(rows: readonly (readonly [number, number])[]): TradeTable {
  const table = allocateTable(TRADE_COLUMNS, rows.length);
  rows.forEach(([t, p], i) => {
    table.columns.time[i] = T0 + t;
    table.columns.price[i] = p;
    table.columns.qty[i] = 1;
    table.columns.side[i] = 0;
    table.columns.id[i] = i;
  });
  return table;
}

export function market(table: CandleTable, tradeTable?: TradeTable, intervalMs = MINUTE): MarketData {
  return { name: 'test', symbol: 'TESTUSDT', intervalMs, candles: table, trades: tradeTable, predictionsPath: undefined };
}

/** A policy that returns the given intents at the given bars (bars since the start). */
export function scripted(script: Readonly<Record<number, OrderIntentInput | readonly OrderIntentInput[]>>): Policy {
  return { name: 'scripted', onBar: (ctx: PolicyContext) => script[ctx.bar] };
}

export function config(input: RunConfigInput = {}): RunConfig {
  return resolveConfig(input);
}

export interface Replayed extends ReplayResult {
  readonly events: EngineEvent[];
}

/** Replays the whole table and checks the invariants. */
export function replay(data: MarketData, policy: Policy, cfg: RunConfig = config(), seed = 1): Replayed {
  const events: EngineEvent[] = [];
  const result = runReplay({
    market: data,
    config: cfg,
    policy,
    policyName: policy.name ?? 'test',
    seed,
    startIndex: 0,
    endIndex: data.candles.rows,
    onEvent: (e) => events.push(e),
  });
  expectAccountingInvariants(result, data);
  return { ...result, events };
}

/**
 * The accounting invariants, recomputed from the trade list alone: at every bar's close
 * cash + open position value = equity, cash = start + closed net PnL − (margin + entry fee) of the
 * open trade, and at the end Σ net PnL = final equity − starting cash.
 */
export function expectAccountingInvariants(result: ReplayResult, data: MarketData): void {
  const close = data.candles.columns.close;
  const tol = (x: number) => 1e-9 * Math.max(1, Math.abs(x));
  let sumNet = 0;
  for (const trade of result.trades) sumNet += trade.netPnl;
  expect(Math.abs(sumNet - (result.finalEquity - result.startingCash))).toBeLessThanOrEqual(tol(result.startingCash));
  for (let k = 0; k < result.equity.length; k++) {
    const i = result.startIndex + k;
    let cash = result.startingCash;
    let value = 0;
    for (const trade of result.trades) {
      if (trade.exitBar <= i) cash += trade.netPnl;
      else if (trade.entryBar <= i) {
        const direction = trade.side === 'long' ? 1 : -1;
        cash -= trade.margin + trade.entryFee;
        value = trade.margin + direction * trade.qty * (close[i]! - trade.entryPrice);
      }
    }
    expect(Math.abs(result.cash[k]! - cash)).toBeLessThanOrEqual(tol(cash));
    // equity − cash is the open position's value: margin plus unrealised PnL at the close
    expect(Math.abs(result.equity[k]! - result.cash[k]! - value)).toBeLessThanOrEqual(tol(Math.max(Math.abs(value), Math.abs(result.equity[k]!))));
  }
}

/** A seeded 5-minute geometric random walk (0.3% per bar, wicks of 0.1%): a market with no edge for runner and sweep tests. */
export function randomWalkMarket(bars: number, seed: number): MarketData {
  const fiveMinutes = 300_000;
  const rng = new Rng(seed);
  const rows: number[][] = [];
  let price = 100;
  for (let i = 0; i < bars; i++) {
    const open = price;
    const close = open * Math.exp(0.003 * rng.normal());
    rows.push([open, Math.max(open, close) * 1.001, Math.min(open, close) * 0.999, close, 1_000]);
    price = close;
  }
  return market(candles(rows, fiveMinutes), undefined, fiveMinutes);
}
