/**
 * Accounting with hand-computed expectations. Prices are chosen so the figures can be checked on
 * paper; each test states the arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { liquidationPrice, roundDownToStep } from '../../src/engine/broker.js';
import { MINUTE, T0, candles, config, market, replay, scripted, trades } from './helpers.js';

const flat = (price: number) => [price, price, price, price] as const;

describe('fills at the next open, fees on both sides, whole units', () => {
  it('long: decided at bar 0 close, filled at bar 1 open; closed at bar 2 open', () => {
    // qty = floor(10000 / (100 × 1.001)) = floor(99.9001) = 99; margin 9900, fee 9.9, cash 90.1
    // close at 110: gross 99 × 10 = 990, fee 99 × 110 × 0.001 = 10.89 → cash 90.1 + 9900 + 990 − 10.89
    const data = market(candles([flat(100), [100, 104, 99, 103], [110, 111, 109, 110], flat(112)]));
    const r = replay(data, scripted({ 0: { type: 'open', side: 'long', fraction: 1 }, 1: { type: 'close' } }), config({ engine: { feeRate: 0.001, qtyStep: 1 } }));
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    expect(t).toMatchObject({ side: 'long', qty: 99, entryPrice: 100, exitPrice: 110, entryBar: 1, exitBar: 2, exitReason: 'signal' });
    expect(t.entryTime).toBe(T0 + MINUTE);
    expect(t.exitTime).toBe(T0 + 2 * MINUTE);
    expect(t.entryFee).toBeCloseTo(9.9, 10);
    expect(t.exitFee).toBeCloseTo(10.89, 10);
    expect(t.netPnl).toBeCloseTo(969.21, 9);
    expect(r.cash[1]).toBeCloseTo(90.1, 9);
    expect(r.equity[1]).toBeCloseTo(90.1 + 9900 + 99 * 3, 9); // marked at bar 1 close 103
    expect(r.finalEquity).toBeCloseTo(10969.21, 9);
    expect(r.feesPaid).toBeCloseTo(20.79, 10);
  });

  it('short with 10 bps slippage against each fill', () => {
    // sell at 200 × 0.999 = 199.8, qty = floor(10000 / 199.8) = 50, margin 9990, cash 10
    // buy back at 180 × 1.001 = 180.18: gross = 50 × (199.8 − 180.18) = 981 → final 10981
    const data = market(candles([flat(200), flat(200), flat(180), flat(180)]));
    const r = replay(data, scripted({ 0: { type: 'open', side: 'short', fraction: 1 }, 1: { type: 'close' } }), config({ engine: { feeRate: 0, slippageBps: 10, qtyStep: 1 } }));
    const t = r.trades[0]!;
    expect(t.qty).toBe(50);
    expect(t.entryPrice).toBeCloseTo(199.8, 10);
    expect(t.exitPrice).toBeCloseTo(180.18, 10);
    expect(t.grossPnl).toBeCloseTo(981, 9);
    expect(r.finalEquity).toBeCloseTo(10981, 9);
  });

  it('leverage 10 with half the equity: margin, fee and liquidation price', () => {
    // budget 500; qty = floor_0.001(500 / (100 × (0.1 + 0.0005))) = floor_0.001(49.7512) = 49.751
    // margin 497.51, fee 4975.1 × 0.0005 = 2.48755; exit at 104: gross 199.004, fee 2.587052
    const data = market(candles([flat(100), flat(100), flat(104), flat(104)]));
    const r = replay(
      data,
      scripted({ 0: { type: 'open', side: 'long', fraction: 0.5, leverage: 10 }, 1: { type: 'close' } }),
      config({ engine: { cash: 1000, feeRate: 0.0005, qtyStep: 0.001 } }),
    );
    const t = r.trades[0]!;
    expect(t.qty).toBeCloseTo(49.751, 12);
    expect(t.margin).toBeCloseTo(497.51, 9);
    expect(t.entryFee).toBeCloseTo(2.48755, 10);
    expect(t.exitFee).toBeCloseTo(2.587052, 10);
    expect(r.finalEquity).toBeCloseTo(1000 - 497.51 - 2.48755 + 497.51 + 199.004 - 2.587052, 9);
    expect(t.returnPct).toBeCloseTo(((199.004 - 2.48755 - 2.587052) / 497.51) * 100, 9);
    // liquidation: long 100 × (1 − 1/10) / (1 − 0.004) = 90.36144578…; short 100 × 1.1 / 1.004
    expect(liquidationPrice(1, 100, 10, 0.004)).toBeCloseTo(90 / 0.996, 12);
    expect(liquidationPrice(-1, 100, 10, 0.004)).toBeCloseTo(110 / 1.004, 12);
  });

  it('a liquidation loses the whole margin and no more', () => {
    // long ×10 at 100 with all 1000: qty 100, margin 1000; liquidation at 90.3614; bar 2 low 90
    const data = market(candles([flat(100), flat(100), [99, 100, 90, 95], flat(95)]));
    const r = replay(data, scripted({ 0: { type: 'open', side: 'long', fraction: 1, leverage: 10 } }), config({ engine: { cash: 1000, feeRate: 0 } }));
    const t = r.trades[0]!;
    expect(t.exitReason).toBe('liquidation');
    expect(t.exitBar).toBe(2);
    expect(t.exitPrice).toBeCloseTo(90 / 0.996, 10);
    expect(t.netPnl).toBeCloseTo(-1000, 9);
    expect(r.finalEquity).toBeCloseTo(0, 9);
    expect(r.liquidations).toBe(1);
    expect(r.events.some((e) => e.type === 'LIQUIDATED' && e.lostMargin === 1000)).toBe(true);
  });

  it('a gap through the liquidation price still loses only the margin', () => {
    const data = market(candles([flat(100), flat(100), [80, 82, 79, 81], flat(81)]));
    const r = replay(data, scripted({ 0: { type: 'open', side: 'long', fraction: 1, leverage: 10 } }), config({ engine: { cash: 1000, feeRate: 0.001 } }));
    const t = r.trades[0]!;
    expect(t.exitReason).toBe('liquidation');
    expect(t.exitPrice).toBe(80);
    expect(t.grossPnl).toBeCloseTo(-t.margin, 9);
    expect(t.exitFee).toBe(0);
    expect(r.finalEquity).toBeCloseTo(1000 - t.margin - t.entryFee, 9);
  });
});

describe('exits inside a bar', () => {
  const bracket = { type: 'open', side: 'long', fraction: 1, stopLoss: 0.05, takeProfit: 0.05 } as const;

  it('a bar touching both stop (95) and target (105) counts the stop first', () => {
    const data = market(candles([flat(100), [100, 106, 94, 100], flat(100)]));
    const r = replay(data, scripted({ 0: bracket }), config({ engine: { feeRate: 0, qtyStep: 1 } }));
    expect(r.trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 95, entryBar: 1, exitBar: 1, qty: 100 });
    expect(r.finalEquity).toBeCloseTo(10000 - 500, 9);
  });

  it('with trade data the ticks decide: the target is reached first', () => {
    const data = market(
      candles([flat(100), [100, 106, 94, 100], flat(100)]),
      // bar 1 (60 000 … 119 999 ms): 100, 103, 105.5 (target), 94 (would stop)
      trades([[0, 100], [60_000, 100], [70_000, 103], [80_000, 105.5], [90_000, 94], [120_000, 100]]),
    );
    const r = replay(data, scripted({ 0: bracket }), config({ engine: { feeRate: 0, qtyStep: 1 } }));
    expect(r.tickWalk).toBe(true);
    expect(r.trades[0]).toMatchObject({ exitReason: 'take_profit', exitPrice: 105, exitBar: 1 });
    expect(r.trades[0]!.exitTime).toBe(T0 + 80_000);
    expect(r.finalEquity).toBeCloseTo(10500, 9);
  });

  it('tick walk fills at the first trade of the bar, not the candle open', () => {
    const data = market(candles([flat(100), [100, 102, 99, 101], flat(101)]), trades([[61_000, 100.5], [90_000, 101]]));
    const r = replay(data, scripted({ 0: { type: 'open', side: 'long', quantity: 10 } }), config({ engine: { feeRate: 0 } }));
    expect(r.trades[0]).toMatchObject({ entryPrice: 100.5, entryTime: T0 + 61_000, exitReason: 'end_of_data', exitPrice: 101 });
  });

  it('a gap through the stop fills at the open', () => {
    const data = market(candles([flat(100), flat(100), [90, 92, 88, 91], flat(91)]));
    const r = replay(data, scripted({ 0: bracket }), config({ engine: { feeRate: 0, qtyStep: 1 } }));
    expect(r.trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 90, exitBar: 2 });
    expect(r.finalEquity).toBeCloseTo(10000 - 100 * 10, 9);
  });

  it('a gap past the target takes the better open', () => {
    const data = market(candles([flat(100), flat(100), [108, 109, 107, 108], flat(108)]));
    const r = replay(data, scripted({ 0: bracket }), config({ engine: { feeRate: 0, qtyStep: 1 } }));
    expect(r.trades[0]).toMatchObject({ exitReason: 'take_profit', exitPrice: 108 });
  });

  it('short bracket: stop above, target below', () => {
    const data = market(candles([flat(100), flat(100), [100, 101, 94, 95], flat(95)]));
    const r = replay(data, scripted({ 0: { ...bracket, side: 'short' } }), config({ engine: { feeRate: 0, qtyStep: 1 } }));
    expect(r.trades[0]).toMatchObject({ side: 'short', exitReason: 'take_profit', exitPrice: 95 });
    expect(r.finalEquity).toBeCloseTo(10500, 9);
  });

  it('a time exit closes at the close of the maxBars-th bar held', () => {
    const data = market(candles([flat(100), [100, 101, 99, 101], [101, 103, 100, 102], flat(104)]));
    const r = replay(data, scripted({ 0: { type: 'open', side: 'long', quantity: 1, maxBars: 2 } }), config({ engine: { feeRate: 0 } }));
    expect(r.trades[0]).toMatchObject({ exitReason: 'time_exit', entryBar: 1, exitBar: 2, exitPrice: 102, bars: 2 });
    expect(r.trades[0]!.exitTime).toBe(T0 + 3 * MINUTE - 1);
  });

  it('bars that stay inside the stop and target are skipped; the first to touch a level exits', () => {
    // stop 95, target 105: bars 2 and 3 stay strictly inside (lows 96, 97); bar 4's low is exactly 95
    const data = market(candles([flat(100), flat(100), [100, 104, 96, 101], [101, 103, 97, 99], [99, 100, 95, 97], flat(97)]));
    const r = replay(data, scripted({ 0: bracket }), config({ engine: { feeRate: 0, qtyStep: 1 } }));
    expect(r.trades[0]).toMatchObject({ exitReason: 'stop_loss', exitPrice: 95, exitBar: 4, bars: 4 });
    expect(r.trades[0]!.maePct).toBeCloseTo(-5, 10);
  });

  it('the adverse excursion is the worst price seen against the trade', () => {
    const data = market(candles([flat(100), [100, 101, 96, 100], [100, 104, 98, 103], flat(103)]));
    const r = replay(data, scripted({ 0: { type: 'open', side: 'long', quantity: 10 } }), config({ engine: { feeRate: 0 } }));
    expect(r.trades[0]!.maePct).toBeCloseTo(-4, 10);
    expect(r.trades[0]!.maeEquityPct).toBeCloseTo((-4 * 10 * 100) / 10000, 10);
  });
});

describe('order handling', () => {
  it('close then open in one bar reverses at the same open, in submission order', () => {
    const data = market(candles([flat(100), flat(100), flat(110), flat(105), flat(105)]));
    const r = replay(
      data,
      scripted({ 0: { type: 'open', side: 'long', quantity: 10 }, 1: [{ type: 'close' }, { type: 'open', side: 'short', quantity: 10 }] }),
      config({ engine: { feeRate: 0 } }),
    );
    expect(r.trades.map((t) => [t.side, t.entryPrice, t.exitPrice, t.exitReason])).toEqual([
      ['long', 100, 110, 'signal'],
      ['short', 110, 105, 'end_of_data'],
    ]);
    expect(r.finalEquity).toBeCloseTo(10000 + 100 + 50, 9);
  });

  it('rejects what breaks the risk limits or the one-position rule, with a reason', () => {
    const data = market(candles([flat(100), flat(100), flat(100), flat(100)]));
    const r = replay(
      data,
      scripted({
        0: [{ type: 'open', side: 'long', fraction: 1, leverage: 50 }, { type: 'close' }],
        1: [{ type: 'open', side: 'long', quantity: 1 }, { type: 'open', side: 'short', quantity: 1 }],
      }),
    );
    const reasons = r.events.flatMap((e) => (e.type === 'ORDER_REJECTED' ? [e.reason] : []));
    expect(reasons).toEqual(['leverage_limit', 'no_position', 'position_open']);
    expect(r.ordersSubmitted).toBe(4);
    expect(r.ordersRejected).toBe(3);
  });

  it('a size that rounds below the quantity step is rejected, not filled at 0', () => {
    const data = market(candles([flat(50_000), flat(50_000), flat(50_000)]));
    const r = replay(data, scripted({ 0: { type: 'open', side: 'long', fraction: 0.001 } }), config({ engine: { qtyStep: 1 } }));
    expect(r.trades).toHaveLength(0);
    expect(r.events.find((e) => e.type === 'ORDER_REJECTED')).toMatchObject({ reason: 'below_quantity_step' });
  });

  it('an open position is closed at the last close (end_of_data) with the fee, and orders of the last bar never fill', () => {
    const data = market(candles([flat(100), flat(100), flat(120)]));
    const r = replay(
      data,
      scripted({ 0: { type: 'open', side: 'long', quantity: 10 }, 2: { type: 'open', side: 'short', quantity: 1 } }),
      config({ engine: { feeRate: 0.001 } }),
    );
    expect(r.trades[0]).toMatchObject({ exitReason: 'end_of_data', exitPrice: 120, exitBar: 2 });
    expect(r.trades[0]!.exitFee).toBeCloseTo(1.2, 12);
    expect(r.events.filter((e) => e.type === 'ORDER_REJECTED').map((e) => (e as { reason: string }).reason)).toEqual(['end_of_data']);
    expect(r.events.at(-1)).toMatchObject({ type: 'RUN_FINISHED', trades: 1 });
  });

  it('volume impact adds slippage by participation', () => {
    // qty 50 of a bar volume of 1000: 5% participation × 0.01 = 0.05% on top of 10 bps
    const data = market(candles([flat(100), [100, 100, 100, 100, 1000], flat(100)]));
    const r = replay(data, scripted({ 0: { type: 'open', side: 'long', quantity: 50 } }), config({ engine: { feeRate: 0, slippageBps: 10, volumeImpact: 0.01 } }));
    expect(r.trades[0]!.entryPrice).toBeCloseTo(100 * 1.0015, 10);
  });
});

describe('roundDownToStep', () => {
  it('rounds down to whole steps and tolerates float noise', () => {
    expect(roundDownToStep(99.9, 1)).toBe(99);
    expect(roundDownToStep(0.3, 0.1)).toBeCloseTo(0.3, 12);
    expect(roundDownToStep(0.29999999, 0.1)).toBeCloseTo(0.2, 12);
    expect(roundDownToStep(1.234, 0)).toBe(1.234);
  });
});
