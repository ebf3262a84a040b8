/**
 * The engine's events: immutable, past tense, a closed union on `type`. Every event carries `ts`
 * (epoch ms of the moment it happened in market time) and `bar` (the dataset index of the bar).
 */
import type { OrderIntent, TradeDecision } from '../policies/policy.js';

export type PositionSide = 'long' | 'short';

export const EXIT_REASONS = ['signal', 'stop_loss', 'take_profit', 'time_exit', 'liquidation', 'end_of_data'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export const REJECT_REASONS = [
  'no_position',
  'position_open',
  'leverage_limit',
  'notional_limit',
  'exposure_limit',
  'insufficient_equity',
  'below_quantity_step',
  'liquidation_at_entry',
  'end_of_data',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** A round trip: what `trades.csv` holds, one row per trade. */
export interface ClosedTrade {
  readonly id: number;
  readonly side: PositionSide;
  readonly qty: number;
  readonly leverage: number;
  readonly entryBar: number;
  readonly exitBar: number;
  readonly entryTime: number;
  readonly exitTime: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  /** Margin locked by the position (entry notional / leverage). */
  readonly margin: number;
  readonly entryFee: number;
  readonly exitFee: number;
  /** Price PnL before fees: side · qty · (exit − entry), or −margin for a liquidation. */
  readonly grossPnl: number;
  /** grossPnl − entryFee − exitFee: what the trade added to equity. */
  readonly netPnl: number;
  /** netPnl as a percentage of the margin committed. */
  readonly returnPct: number;
  readonly exitReason: ExitReason;
  /** Maximum adverse excursion: the worst price against the trade, % of the entry price (≤ 0). */
  readonly maePct: number;
  /** The same excursion in money, % of equity at entry (≤ 0). */
  readonly maeEquityPct: number;
  readonly entryEquity: number;
  /** Bars the position was open (1 = closed in the bar it was filled). */
  readonly bars: number;
  readonly decision: TradeDecision | undefined;
}

interface EventBase {
  readonly ts: number;
  readonly bar: number;
}

export interface SignalGenerated extends EventBase {
  readonly type: 'SIGNAL_GENERATED';
  /** Who produced it: a strategy name, a model, or the policy. */
  readonly source: string;
  readonly direction: -1 | 0 | 1;
  readonly strength: number;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

export interface OrderSubmitted extends EventBase {
  readonly type: 'ORDER_SUBMITTED';
  readonly orderId: number;
  readonly intent: OrderIntent;
}

export interface TradeExecuted extends EventBase {
  readonly type: 'TRADE_EXECUTED';
  readonly orderId: number | undefined;
  readonly tradeId: number;
  readonly action: 'open' | 'close';
  readonly side: PositionSide;
  readonly qty: number;
  readonly price: number;
  readonly fee: number;
  readonly leverage: number;
  readonly reason: ExitReason | undefined;
}

export interface PositionClosed extends EventBase {
  readonly type: 'POSITION_CLOSED';
  readonly reason: ExitReason;
  readonly trade: ClosedTrade;
}

export interface OrderRejected extends EventBase {
  readonly type: 'ORDER_REJECTED';
  readonly orderId: number;
  readonly reason: RejectReason;
  readonly message: string;
  readonly intent: OrderIntent;
}

export interface Liquidated extends EventBase {
  readonly type: 'LIQUIDATED';
  readonly tradeId: number;
  readonly side: PositionSide;
  readonly price: number;
  readonly liquidationPrice: number;
  readonly lostMargin: number;
}

export interface RunFinished extends EventBase {
  readonly type: 'RUN_FINISHED';
  readonly finalEquity: number;
  readonly trades: number;
}

export type EngineEvent = SignalGenerated | OrderSubmitted | TradeExecuted | PositionClosed | OrderRejected | Liquidated | RunFinished;
export type EngineEventType = EngineEvent['type'];

export type EventListener = (event: EngineEvent) => void;

/**
 * A synchronous bus: `publish` hands the event to every subscriber in subscription order, then
 * returns. Publishers check `active` first, so a run nobody listens to builds no event objects
 * (the account's own bookkeeping does not go through the bus).
 */
export class EventBus {
  private readonly listeners: EventListener[] = [];
  active = false;

  subscribe(listener: EventListener): void {
    this.listeners.push(listener);
    this.active = true;
  }

  /** Events are readonly by type; they are not frozen at run time (a measured cost on the hot path). */
  publish(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
