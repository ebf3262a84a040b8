/**
 * The simulated broker (DESIGN §5): market orders on one symbol, one position at a time, isolated
 * margin. All the accounting is here, in one place:
 *
 *   open   cash −= margin + entryFee          margin = qty · fillPrice / leverage
 *   mark   positionValue = margin + side · qty · (price − entryPrice);  equity = cash + positionValue
 *   close  cash += margin + grossPnl − exitFee  grossPnl = side · qty · (exitPrice − entryPrice)
 *   liquidation: the whole margin is lost (grossPnl = −margin, no exit fee); the maintenance margin
 *   left at the liquidation price goes to the insurance fund, as on Binance.
 *
 * Liquidation price (isolated, from margin + side·qty·(p − entry) = mmr·qty·p):
 *   long  entry · (1 − 1/L) / (1 − mmr)      short  entry · (1 + 1/L) / (1 + mmr)
 *
 * Fill prices: market orders (entries, signal, stop and time exits) pay slippage against them:
 * price · (1 ± (slippageBps/10⁴ + volumeImpact · min(1, qty / barVolume))). Take-profit exits are
 * resting limits: they fill at the target, or at the open when the bar gaps past it. Liquidations
 * fill at the liquidation price, or at the open when the bar gaps past it. End-of-data closes
 * fill at the last close with the fee and no slippage.
 */
import type { EngineConfig } from '../config/run-config.js';
import type { CandleTable } from '../data/columns.js';
import type { OpenIntent, OrderIntent, PositionView, TradeDecision } from '../policies/policy.js';
import type { ClosedTrade, EventBus, ExitReason, RejectReason } from './events.js';

/** A broken accounting invariant: a bug, never bad input. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

interface OpenPosition extends PositionView {
  readonly id: number;
  /** +1 long, −1 short. */
  readonly direction: 1 | -1;
  readonly entryTime: number;
  readonly entryFee: number;
  readonly entryEquity: number;
  /** Worst price against the position so far. */
  worstPrice: number;
  /** False when nothing can close it inside a bar (no stop, target, time limit or liquidation price). */
  readonly armed: boolean;
  /**
   * A bar whose low stays above `exitBelow`, whose high stays below `exitAbove` and that comes
   * before `timeExitBar` (the bar whose close is the time exit) cannot close the position (−∞, +∞
   * and +∞ when there is no such level or limit).
   */
  readonly exitBelow: number;
  readonly exitAbove: number;
  readonly timeExitBar: number;
  unrealizedPnl: number;
}

export interface PendingOrder {
  readonly id: number;
  readonly intent: OrderIntent;
  readonly submittedBar: number;
}

/** Margin plus entry fee per unit of quantity at `price`. */
function unitCost(price: number, leverage: number, feeRate: number): number {
  return price * (1 / leverage + feeRate);
}

/** Rounds down to a multiple of `step` (no rounding when step is 0), tolerant of float noise. */
export function roundDownToStep(quantity: number, step: number): number {
  if (step <= 0) return quantity;
  const units = Math.floor(quantity / step + 1e-9);
  return units * step;
}

/** Of two levels against a position on the `direction` side, the one a move against it meets first (NaN: none). */
function nearer(direction: 1 | -1, a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return direction === 1 ? Math.max(a, b) : Math.min(a, b);
}

/** `level`, or the infinity on its `sign` side when there is none (NaN). */
function orInfinity(level: number, sign: 1 | -1): number {
  return Number.isNaN(level) ? sign * Number.POSITIVE_INFINITY : level;
}

export function liquidationPrice(direction: 1 | -1, entryPrice: number, leverage: number, maintenanceMarginRate: number): number {
  return direction === 1
    ? (entryPrice * (1 - 1 / leverage)) / (1 - maintenanceMarginRate)
    : (entryPrice * (1 + 1 / leverage)) / (1 + maintenanceMarginRate);
}

export class Broker {
  cash: number;
  private open: OpenPosition | undefined;
  private nextTradeId = 1;
  private nextOrderId = 1;
  /**
   * The queue: its first `pendingCount` slots. Emptying it resets the count and keeps the array's
   * storage (`length = 0` would drop it, and the next order would allocate it again); the slots
   * past the count are stale and are overwritten by the next orders.
   */
  private readonly pending: PendingOrder[] = [];
  private pendingCount = 0;
  readonly closedTrades: ClosedTrade[] = [];
  liquidations = 0;
  rejections = 0;
  ordersSubmitted = 0;
  /** Rejected orders by reason. */
  readonly rejectedByReason: Partial<Record<RejectReason, number>> = {};
  /** Called with each closed trade before POSITION_CLOSED is published (the account trackers). */
  onTradeClosed: ((trade: ClosedTrade) => void) | undefined;
  feesPaid = 0;

  private readonly openTime: Float64Array;
  private readonly openPrice: Float64Array;
  private readonly highPrice: Float64Array;
  private readonly lowPrice: Float64Array;
  private readonly closePrice: Float64Array;
  private readonly volume: Float64Array;

  /**
   * Methods called on every bar take the bar's index and read its prices here: a number handed to
   * a call V8 does not inline is boxed on the heap, and the per-bar boxes were most of the loop's
   * garbage. Prices are passed only where they are not the bar's (a trade's, or the open on a fill).
   */
  constructor(
    private readonly config: EngineConfig,
    private readonly bus: EventBus,
    candles: CandleTable,
    private readonly intervalMs: number,
  ) {
    this.cash = config.cash;
    const c = candles.columns;
    this.openTime = c.openTime;
    this.openPrice = c.open;
    this.highPrice = c.high;
    this.lowPrice = c.low;
    this.closePrice = c.close;
    this.volume = c.volume;
  }

  /** The bar's last millisecond, as Binance's close_time: events at the close stay inside the bar's day. */
  closeTime(bar: number): number {
    return this.openTime[bar]! + this.intervalMs - 1;
  }

  get position(): OpenPosition | undefined {
    return this.open;
  }

  get hasPendingOrders(): boolean {
    return this.pendingCount > 0;
  }

  /** Margin plus unrealized PnL at `price` (0 when flat). */
  positionValue(price: number): number {
    const p = this.open;
    return p === undefined ? 0 : p.margin + p.direction * p.qty * (price - p.entryPrice);
  }

  equity(price: number): number {
    return this.cash + this.positionValue(price);
  }

  /** Queues an intent decided at the close of `bar`; queued intents fill at the next bar's open, in submission order. */
  submit(intent: OrderIntent, bar: number): void {
    const order = { id: this.nextOrderId++, intent, submittedBar: bar };
    this.pending[this.pendingCount++] = order;
    this.ordersSubmitted++;
    if (this.bus.active) this.bus.publish({ type: 'ORDER_SUBMITTED', ts: this.closeTime(bar), bar, orderId: order.id, intent });
  }

  /** Fills the queued orders at `price` (the bar's open or its first trade), at `ts`. */
  fillPending(price: number, bar: number, ts: number): void {
    // Orders are only submitted at a close, never while filling: the queue can be emptied in place.
    const orders = this.pending;
    for (let n = 0; n < this.pendingCount; n++) {
      const order = orders[n]!;
      const intent = order.intent;
      if (intent.type === 'close') {
        if (this.open === undefined) this.reject(order, 'no_position', 'no open position to close', bar, ts);
        else this.closeAt(this.slipped(price, -this.open.direction as 1 | -1, this.open.qty, bar), 'signal', bar, ts, order.id);
      } else {
        this.openPosition(order, intent, price, bar, ts);
      }
    }
    this.pendingCount = 0;
  }

  /** Orders still queued at the close of the last bar never fill. */
  dropPending(bar: number): void {
    for (let n = 0; n < this.pendingCount; n++) this.reject(this.pending[n]!, 'end_of_data', 'the data ended before the order could fill', bar, this.closeTime(bar));
    this.pendingCount = 0;
  }

  /** Price after slippage for an order of `qty` on the `direction` side (+1 buy, −1 sell) in `bar`. */
  private slipped(price: number, direction: 1 | -1, qty: number, bar: number): number {
    const { slippageBps, volumeImpact } = this.config;
    let slip = slippageBps / 10_000;
    if (volumeImpact > 0) {
      const barVolume = this.volume[bar]!;
      slip += volumeImpact * (barVolume > 0 ? Math.min(1, qty / barVolume) : 1);
    }
    return price * (1 + direction * slip);
  }

  private openPosition(order: PendingOrder, intent: OpenIntent, reference: number, bar: number, ts: number): void {
    const cfg = this.config;
    if (this.open !== undefined) {
      this.reject(order, 'position_open', `a ${this.open.side} position is open; close it first`, bar, ts);
      return;
    }
    const leverage = intent.leverage;
    if (leverage > cfg.maxLeverage) {
      this.reject(order, 'leverage_limit', `leverage ${leverage} is above engine.maxLeverage ${cfg.maxLeverage}`, bar, ts);
      return;
    }
    const direction: 1 | -1 = intent.side === 'long' ? 1 : -1;
    const equity = this.cash; // flat: equity is cash
    const budgetFraction = intent.fraction ?? cfg.maxMarginFraction;
    if (budgetFraction > cfg.maxMarginFraction + 1e-12) {
      this.reject(order, 'exposure_limit', `fraction ${budgetFraction} is above engine.maxMarginFraction ${cfg.maxMarginFraction}`, bar, ts);
      return;
    }
    const budget = equity * budgetFraction;
    let price = this.slipped(reference, direction, 0, bar);
    let qty: number;
    if (intent.quantity !== undefined) {
      qty = roundDownToStep(intent.quantity, cfg.qtyStep);
      price = this.slipped(reference, direction, qty, bar);
    } else {
      qty = roundDownToStep(budget / unitCost(price, leverage, cfg.feeRate), cfg.qtyStep);
      if (cfg.volumeImpact > 0) {
        price = this.slipped(reference, direction, qty, bar);
        qty = roundDownToStep(budget / unitCost(price, leverage, cfg.feeRate), cfg.qtyStep);
        price = this.slipped(reference, direction, qty, bar);
      }
    }
    // Float noise in the rounding must never spend more than the budget.
    while (qty > 0 && qty * unitCost(price, leverage, cfg.feeRate) > budget * (1 + 1e-12) && intent.quantity === undefined) {
      qty = cfg.qtyStep > 0 ? qty - cfg.qtyStep : qty * (1 - 1e-12);
    }
    if (!(qty > 0)) {
      const reason = cfg.qtyStep > 0 ? 'below_quantity_step' : 'insufficient_equity';
      this.reject(order, reason, `the size rounds to 0 (budget ${budget.toFixed(2)}, price ${price}, qtyStep ${cfg.qtyStep})`, bar, ts);
      return;
    }
    const notional = qty * price;
    const margin = notional / leverage;
    const fee = notional * cfg.feeRate;
    if (margin + fee > budget * (1 + 1e-12)) {
      this.reject(order, 'insufficient_equity', `margin ${margin.toFixed(2)} + fee ${fee.toFixed(2)} exceeds ${budget.toFixed(2)}`, bar, ts);
      return;
    }
    if (notional > cfg.maxNotionalToEquity * equity * (1 + 1e-12)) {
      this.reject(order, 'notional_limit', `notional ${notional.toFixed(2)} is above ${cfg.maxNotionalToEquity} × equity`, bar, ts);
      return;
    }
    const liquidation = leverage > 1 || direction === -1 ? liquidationPrice(direction, price, leverage, cfg.maintenanceMarginRate) : 0;
    if (direction === 1 ? liquidation >= price : liquidation <= price) {
      this.reject(order, 'liquidation_at_entry', `leverage ${leverage} would be liquidated at entry`, bar, ts);
      return;
    }
    this.cash -= margin + fee;
    this.feesPaid += fee;
    const stopPrice = intent.stopLoss === undefined ? Number.NaN : price * (1 - direction * intent.stopLoss);
    const takeProfitPrice = intent.takeProfit === undefined ? Number.NaN : price * (1 + direction * intent.takeProfit);
    const maxBars = intent.maxBars ?? Number.POSITIVE_INFINITY;
    // The levels a bar must reach to close the position: the nearer of the stop and the liquidation
    // price against it, the target in its favour.
    const adverse = nearer(direction, stopPrice, liquidation > 0 ? liquidation : Number.NaN);
    const position: OpenPosition = {
      id: this.nextTradeId++,
      direction,
      side: intent.side,
      qty,
      entryPrice: price,
      entryBar: bar,
      entryTime: ts,
      leverage,
      margin,
      entryFee: fee,
      entryEquity: equity,
      unrealizedPnl: 0,
      stopPrice,
      takeProfitPrice,
      liquidationPrice: liquidation,
      armed: liquidation > 0 || !Number.isNaN(stopPrice) || !Number.isNaN(takeProfitPrice) || maxBars !== Number.POSITIVE_INFINITY,
      exitBelow: direction === 1 ? orInfinity(adverse, -1) : orInfinity(takeProfitPrice, -1),
      exitAbove: direction === 1 ? orInfinity(takeProfitPrice, 1) : orInfinity(adverse, 1),
      timeExitBar: bar + maxBars - 1,
      decision: intent.decision as TradeDecision | undefined,
      worstPrice: price,
    };
    this.open = position;
    if (!this.bus.active) return;
    this.bus.publish({
      type: 'TRADE_EXECUTED',
      ts,
      bar,
      orderId: order.id,
      tradeId: position.id,
      action: 'open',
      side: position.side,
      qty,
      price,
      fee,
      leverage,
      reason: undefined,
    });
  }

  /**
   * Exits resting at the open of a bar for a position carried into it: a gap through the
   * liquidation price or the stop exits at the open; a gap through the target takes it at the open.
   * Returns true when the position closed.
   */
  checkGapAtOpen(bar: number): boolean {
    const p = this.open;
    if (p === undefined) return false;
    const open = this.openPrice[bar]!;
    const ts = this.openTime[bar]!;
    const d = p.direction;
    if (p.liquidationPrice > 0 && d * (open - p.liquidationPrice) <= 0) {
      this.liquidate(open, bar, ts);
      return true;
    }
    if (d * (open - p.stopPrice) <= 0) {
      this.closeAt(this.slipped(open, -d as 1 | -1, p.qty, bar), 'stop_loss', bar, ts, undefined, open);
      return true;
    }
    if (d * (open - p.takeProfitPrice) >= 0) {
      this.closeAt(open, 'take_profit', bar, ts, undefined, open);
      return true;
    }
    return false;
  }

  /**
   * Candle-only exits inside a bar after its open: the adverse levels first (the stop, or the
   * liquidation price when it is nearer), then the target. A bar that touches both the stop and
   * the target counts the stop. Returns true when the position closed.
   */
  checkBarRange(bar: number): boolean {
    const p = this.open;
    if (p === undefined) return false;
    const d = p.direction;
    const ts = this.openTime[bar]!;
    const adverse = d === 1 ? this.lowPrice[bar]! : this.highPrice[bar]!;
    const favourable = d === 1 ? this.highPrice[bar]! : this.lowPrice[bar]!;
    const stop = p.stopPrice;
    const liquidation = p.liquidationPrice > 0 ? p.liquidationPrice : Number.NaN;
    // The level met first on the way against the position: the one nearer to the entry.
    const stopFirst = !Number.isNaN(stop) && (Number.isNaN(liquidation) || d * (stop - liquidation) >= 0);
    if (stopFirst && d * (adverse - stop) <= 0) {
      this.closeAt(this.slipped(stop, -d as 1 | -1, p.qty, bar), 'stop_loss', bar, ts, undefined, stop);
      return true;
    }
    if (!Number.isNaN(liquidation) && d * (adverse - liquidation) <= 0) {
      this.liquidate(liquidation, bar, ts);
      return true;
    }
    if (d * (favourable - p.takeProfitPrice) >= 0) {
      this.closeAt(p.takeProfitPrice, 'take_profit', bar, ts, undefined, adverse);
      return true;
    }
    this.noteExcursion(adverse);
    return false;
  }

  /**
   * One trade of the tick walk. `first` marks the bar's first trade, where a target already
   * passed fills at the trade's price (a gap); later, a target fills at its own price. A stop
   * fills at the price of the trade that crossed it, with slippage. Returns true when closed.
   */
  checkTick(price: number, first: boolean, bar: number, ts: number): boolean {
    const p = this.open;
    if (p === undefined) return false;
    const d = p.direction;
    // A trade at or past the liquidation price liquidates, even when it also passed the stop.
    if (p.liquidationPrice > 0 && d * (price - p.liquidationPrice) <= 0) {
      this.liquidate(first ? price : p.liquidationPrice, bar, ts);
      return true;
    }
    if (d * (price - p.stopPrice) <= 0) {
      this.closeAt(this.slipped(price, -d as 1 | -1, p.qty, bar), 'stop_loss', bar, ts, undefined, price);
      return true;
    }
    if (d * (price - p.takeProfitPrice) >= 0) {
      this.closeAt(first ? price : p.takeProfitPrice, 'take_profit', bar, ts, undefined, price);
      return true;
    }
    this.noteExcursion(price);
    return false;
  }

  /** Closes at the bar's close when the position has been held `maxBars` bars. */
  checkTimeExit(bar: number): boolean {
    const p = this.open;
    if (p === undefined || bar < p.timeExitBar) return false;
    this.closeAt(this.slipped(this.closePrice[bar]!, -p.direction as 1 | -1, p.qty, bar), 'time_exit', bar, this.closeTime(bar));
    return true;
  }

  /** Closes whatever is open at the close of the last bar: fee, no slippage. */
  closeAtEnd(bar: number): void {
    if (this.open !== undefined) this.closeAt(this.closePrice[bar]!, 'end_of_data', bar, this.closeTime(bar));
  }

  /** Marks the open position at `price` and returns the equity. */
  mark(price: number): number {
    const p = this.open;
    if (p !== undefined) p.unrealizedPnl = p.direction * p.qty * (price - p.entryPrice);
    return this.cash + (p === undefined ? 0 : p.margin + p.unrealizedPnl);
  }

  noteExcursion(price: number): void {
    const p = this.open;
    if (p !== undefined && p.direction * (price - p.worstPrice) < 0) p.worstPrice = price;
  }

  private liquidate(price: number, bar: number, ts: number): void {
    const p = this.open!;
    this.noteExcursion(price);
    this.liquidations++;
    if (this.bus.active) this.bus.publish({ type: 'LIQUIDATED', ts, bar, tradeId: p.id, side: p.side, price, liquidationPrice: p.liquidationPrice, lostMargin: p.margin });
    this.finish(p, price, -p.margin, 0, 'liquidation', bar, ts, undefined);
  }

  private closeAt(price: number, reason: ExitReason, bar: number, ts: number, orderId?: number, worstSeen?: number): void {
    const p = this.open!;
    if (!(price > 0)) throw new InvariantError(`exit price ${price} of trade ${p.id} at bar ${bar}`);
    if (worstSeen !== undefined) this.noteExcursion(worstSeen);
    this.noteExcursion(price);
    let gross = p.direction * p.qty * (price - p.entryPrice);
    let fee = p.qty * price * this.config.feeRate;
    // Isolated margin: a position can lose its margin, never more.
    if (p.margin + gross - fee < 0) {
      gross = Math.max(gross, -p.margin);
      fee = Math.max(0, p.margin + gross);
    }
    this.finish(p, price, gross, fee, reason, bar, ts, orderId);
  }

  private finish(p: OpenPosition, price: number, gross: number, fee: number, reason: ExitReason, bar: number, ts: number, orderId: number | undefined): void {
    this.cash += p.margin + gross - fee;
    this.feesPaid += fee;
    if (this.cash < 0 && this.cash >= -1e-9 * this.config.cash) this.cash = 0; // float noise of a full-margin loss
    if (!(this.cash >= -1e-9 * this.config.cash)) throw new InvariantError(`cash ${this.cash} is negative after trade ${p.id} at bar ${bar}`);
    this.open = undefined;
    const bus = this.bus;
    if (bus.active) bus.publish({ type: 'TRADE_EXECUTED', ts, bar, orderId, tradeId: p.id, action: 'close', side: p.side, qty: p.qty, price, fee, leverage: p.leverage, reason });
    const net = gross - p.entryFee - fee;
    const excursion = p.direction * (p.worstPrice - p.entryPrice);
    const trade: ClosedTrade = {
      id: p.id,
      side: p.side,
      qty: p.qty,
      leverage: p.leverage,
      entryBar: p.entryBar,
      exitBar: bar,
      entryTime: p.entryTime,
      exitTime: ts,
      entryPrice: p.entryPrice,
      exitPrice: price,
      margin: p.margin,
      entryFee: p.entryFee,
      exitFee: fee,
      grossPnl: gross,
      netPnl: net,
      returnPct: (net / p.margin) * 100,
      exitReason: reason,
      maePct: Math.min(0, (excursion / p.entryPrice) * 100),
      maeEquityPct: Math.min(0, ((excursion * p.qty) / p.entryEquity) * 100),
      entryEquity: p.entryEquity,
      bars: bar - p.entryBar + 1,
      decision: p.decision,
    };
    this.closedTrades.push(trade);
    this.onTradeClosed?.(trade);
    if (bus.active) bus.publish({ type: 'POSITION_CLOSED', ts, bar, reason, trade });
  }

  private reject(order: PendingOrder, reason: RejectReason, message: string, bar: number, ts: number): void {
    this.rejections++;
    this.rejectedByReason[reason] = (this.rejectedByReason[reason] ?? 0) + 1;
    if (this.bus.active) this.bus.publish({ type: 'ORDER_REJECTED', ts, bar, orderId: order.id, reason, message, intent: order.intent });
  }
}

