/**
 * The replay loop (DESIGN §5). Per bar i of the period:
 *   1. exits resting at the open (gaps through liquidation, stop, target) for a carried position,
 *      then the orders submitted at the close of bar i−1 fill at bar i's open, in submission order;
 *   2. liquidation, stop-loss and take-profit inside bar i (with trade data: tick by tick), then a
 *      time exit at the close;
 *   3. features at bar i's close (market features are causal columns computed once, account
 *      trackers are updated as the run goes);
 *   4. the policy acts on a context that ends at bar i; its intents are queued;
 *   5. mark to market at the close. At the last bar, queued orders are dropped and an open
 *      position is closed at the close (`end_of_data`).
 */
import type { RunConfig } from '../config/run-config.js';
import { runStreams } from '../config/random.js';
import type { CandleTable, TradeTable } from '../data/columns.js';
import { InputError } from '../data/errors.js';
import { formatIsoTime } from '../data/time.js';
import { WinRateTracker } from '../features/account-trackers.js';
import { CloseIntentSchema, OpenIntentSchema, OrderIntentSchema, type OrderIntent, type Policy, type PolicyOutput, type PolicyParamValue, type TradeDecision } from '../policies/policy.js';
import { Broker } from './broker.js';
import { PolicyError } from './policy-error.js';
import { EventBus, type ClosedTrade, type EventListener, type RejectReason } from './events.js';
import { ReplayContext } from './replay-context.js';
import { SignalSources } from './signal-sources.js';

/** The market a run replays: candles, optional trades, and where model scores come from. */
export interface MarketData {
  readonly name: string;
  readonly symbol: string | undefined;
  readonly intervalMs: number;
  readonly candles: CandleTable;
  readonly trades: TradeTable | undefined;
  /** predictions.csv; without it model scores are synthetic. */
  readonly predictionsPath: string | undefined;
}

export interface ReplayInput {
  readonly market: MarketData;
  readonly config: RunConfig;
  readonly policy: Policy;
  readonly policyName: string;
  /** `--param key=value` pairs, as the policy was built with them (also visible as ctx.params). */
  readonly params?: Readonly<Record<string, PolicyParamValue>>;
  readonly seed: number;
  /** First dataset index replayed (inclusive); earlier bars are history the policy may read. */
  readonly startIndex: number;
  /** One past the last dataset index replayed. */
  readonly endIndex: number;
  /** Receives every event after the policy and the recorder (e.g. the events.jsonl writer). */
  readonly onEvent?: EventListener;
  /** Shared, precomputed market features and strategy signals (a runner reuses them across runs). */
  readonly sources?: SignalSources;
}

export interface ReplayResult {
  readonly startIndex: number;
  readonly endIndex: number;
  /** Open time of each bar of the period: a view of the candles' `openTime` column, not a copy. */
  readonly time: Float64Array;
  /** Per bar of the period, at its close. */
  readonly equity: Float64Array;
  readonly cash: Float64Array;
  readonly trades: readonly ClosedTrade[];
  readonly startingCash: number;
  readonly finalEquity: number;
  readonly feesPaid: number;
  readonly liquidations: number;
  readonly ordersSubmitted: number;
  readonly ordersRejected: number;
  readonly rejectedByReason: Readonly<Partial<Record<RejectReason, number>>>;
  readonly signalsGenerated: number;
  /** Bars with a position open at the close. */
  readonly barsInMarket: number;
  /** Model scores the policy read, if any: synthetic ones use the future and every output says so. */
  readonly modelSource: 'predictions' | 'synthetic' | undefined;
  readonly tickWalk: boolean;
}


/**
 * The signed position size (+ long, − short) held at each bar's close, from the trades: the trade
 * filled at or before bar i and not closed by its close (an exit inside bar i, or at its close,
 * leaves the account flat at that close). Derived rather than recorded per bar: the loop keeps less.
 */
export function positionQuantities(result: Pick<ReplayResult, 'startIndex' | 'endIndex' | 'trades'>): Float64Array {
  const out = new Float64Array(result.endIndex - result.startIndex);
  for (const trade of result.trades) {
    const sign = trade.side === 'long' ? 1 : -1;
    for (let i = Math.max(trade.entryBar, result.startIndex); i < trade.exitBar && i < result.endIndex; i++) out[i - result.startIndex] = sign * trade.qty;
  }
  return out;
}

function describeBar(market: MarketData, index: number, startIndex?: number): string {
  const time = formatIsoTime(market.candles.columns.openTime[index]!);
  return startIndex === undefined ? `the bar at ${time}` : `bar ${index - startIndex} (${time})`;
}

export function runReplay(input: ReplayInput): ReplayResult {
  const { market, config, policy, startIndex, endIndex } = input;
  const { candles } = market;
  if (!(startIndex >= 0 && endIndex <= candles.rows && startIndex < endIndex)) {
    throw new InputError(`the period holds no bars (indices ${startIndex}…${endIndex} of ${candles.rows})`);
  }
  const policyRng = runStreams(input.seed).policy;
  const sources = input.sources ?? new SignalSources(market, config);
  const bus = new EventBus();
  const broker = new Broker(config.engine, bus, candles, market.intervalMs);
  const winRate = new WinRateTracker(config.features.winRateTrades);
  const ctx = new ReplayContext(market, sources, input.seed, policyRng, broker, config, input.policyName, bus, winRate, input.params);

  // The account's bookkeeping: the win rate hears every closed trade directly.
  broker.onTradeClosed = (trade) => winRate.record(trade.netPnl > 0);
  // Subscribers, in order: the policy, then the event log.
  if (policy.onEvent !== undefined) {
    const onEvent = policy.onEvent.bind(policy);
    bus.subscribe((event) => {
      try {
        onEvent(event);
      } catch (error) {
        throw policyFailure(input, `onEvent(${event.type})`, event.bar, error);
      }
    });
  }
  if (input.onEvent !== undefined) bus.subscribe(input.onEvent);

  const c = candles.columns;
  const openTime = c.openTime;
  const o = c.open;
  const h = c.high;
  const l = c.low;
  const cl = c.close;
  const tickWalk = config.engine.tickWalk && market.trades !== undefined && market.trades.rows > 0;
  const ranges = tickWalk ? sources.tradeRanges() : undefined;
  const tradePrice = market.trades?.columns.price;
  const tradeTime = market.trades?.columns.time;

  const bars = endIndex - startIndex;
  const time = openTime.subarray(startIndex, endIndex);
  const equity = new Float64Array(bars);
  const cash = new Float64Array(bars);
  let barsInMarket = 0;
  const account = ctx.account;
  account.curve = equity;
  account.peakEquity = config.engine.cash;

  // Calls made on every bar pass the bar's index, not its prices or times (the broker reads them):
  // V8 boxes a number handed to a call it does not inline, and a box needed on more than one path
  // through the loop is made on every bar.
  for (let i = startIndex; i < endIndex; i++) {
    const k = i - startIndex;
    const close = cl[i]!;
    if (!(o[i]! > 0 && close > 0 && h[i]! > 0 && l[i]! > 0)) {
      throw new InputError(`${market.name}: ${describeBar(market, i)} has a price that is not a positive number`);
    }
    // (1) and (2): fills and exits inside the bar.
    const held = broker.position;
    const first = ranges === undefined ? 0 : ranges.start[i]!;
    const last = ranges === undefined ? 0 : ranges.end[i]!;
    if (
      held !== undefined &&
      !broker.hasPendingOrders &&
      (!held.armed || (first === last && l[i]! > held.exitBelow && h[i]! < held.exitAbove && i < held.timeExitBar))
    ) {
      // Nothing can close this position inside the bar (no level in its range, no trade to walk):
      // only its adverse excursion moves.
      const adverse = held.direction === 1 ? l[i]! : h[i]!;
      if (held.direction * (adverse - held.worstPrice) < 0) held.worstPrice = adverse;
    } else if (held !== undefined || broker.hasPendingOrders) {
      if (first < last) {
        for (let t = first; t < last; t++) {
          const price = tradePrice![t]!;
          const ts = tradeTime![t]!;
          if (t === first) {
            broker.checkTick(price, true, i, ts);
            if (broker.hasPendingOrders) broker.fillPending(price, i, ts);
          } else if (broker.position !== undefined) {
            broker.checkTick(price, false, i, ts);
          } else break;
        }
      } else {
        broker.checkGapAtOpen(i);
        if (broker.hasPendingOrders) broker.fillPending(o[i]!, i, openTime[i]!);
        broker.checkBarRange(i);
      }
      broker.checkTimeExit(i);
    }
    // (3) account trackers at the close (market features are read lazily by the context).
    const markedEquity = broker.mark(close);
    if (markedEquity > account.peakEquity) account.peakEquity = markedEquity;
    // (4) the policy acts on what it can see.
    ctx.moveTo(i, k);
    account.equity = markedEquity;
    let output: PolicyOutput;
    try {
      output = policy.onBar(ctx);
    } catch (error) {
      throw policyFailure(input, 'onBar', i, error);
    }
    if (output !== undefined) submitIntents(input, broker, output, i);
    // (5) mark to market (the policy cannot change the account; only the last bar does); the last bar ends the run.
    let e = markedEquity;
    if (i === endIndex - 1) {
      broker.dropPending(i);
      broker.closeAtEnd(i);
      e = broker.mark(close);
    }
    if (!Number.isFinite(e)) throw new Error(`equity is ${e} at ${describeBar(market, i)}`);
    equity[k] = e;
    cash[k] = broker.cash;
    if (broker.position !== undefined) barsInMarket++; // (the position held at each close: positionQuantities())
  }
  const finalEquity = equity[bars - 1]!;
  const lastIndex = endIndex - 1;
  if (bus.active) bus.publish({ type: 'RUN_FINISHED', ts: broker.closeTime(lastIndex), bar: lastIndex, finalEquity, trades: broker.closedTrades.length });
  return {
    startIndex,
    endIndex,
    time,
    equity,
    cash,
    trades: broker.closedTrades,
    startingCash: config.engine.cash,
    finalEquity,
    feesPaid: broker.feesPaid,
    liquidations: broker.liquidations,
    ordersSubmitted: broker.ordersSubmitted,
    ordersRejected: broker.rejections,
    rejectedByReason: broker.rejectedByReason,
    signalsGenerated: ctx.signalsGenerated,
    barsInMarket,
    modelSource: ctx.modelSourceUsed,
    tickWalk,
  };
}

function policyFailure(input: ReplayInput, where: string, index: number, error: unknown): Error {
  if (error instanceof PolicyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const failure = new PolicyError(`policy ${input.policyName} threw in ${where} at ${describeBar(input.market, index, input.startIndex)}: ${message}`);
  (failure as { cause?: unknown }).cause = error;
  return failure;
}

/** The value as a policy author wrote it: NaN and Infinity shown, not turned into null. */
function showValue(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value === 'string' ? JSON.stringify(value) : String(value);
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `<${v}>` : v)).replace(/"<(-?Infinity|NaN)>"/g, '$1');
}

/** What is wrong with an intent, field by field (the union's own message only says "Invalid input"). */
function intentProblems(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'an order must be an object';
  const type = (value as { type?: unknown }).type;
  const schema = type === 'open' ? OpenIntentSchema : type === 'close' ? CloseIntentSchema : undefined;
  if (schema === undefined) return `type must be 'open' or 'close', got ${showValue(type)}`;
  const result = schema.safeParse(value);
  if (result.success) return 'not a valid order';
  return result.error.issues
    .map((issue) => {
      const path = issue.path.join('.');
      const got = issue.path.length > 0 ? ` (got ${showValue(issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], value))})` : '';
      const keys = issue.code === 'unrecognized_keys' ? ` ${issue.keys.join(', ')}` : '';
      return `${path === '' ? '' : `${path}: `}${issue.message}${keys}${got}`;
    })
    .join('; ');
}

/** Checks each intent and queues it; a malformed one stops the run before any of the bar's orders is queued. */
function submitIntents(input: ReplayInput, broker: Broker, output: PolicyOutput, index: number): void {
  if (!Array.isArray(output)) {
    broker.submit(checkIntent(input, output, index), index);
    return;
  }
  const list: readonly unknown[] = output;
  const intents = new Array<OrderIntent>(list.length);
  for (let n = 0; n < list.length; n++) intents[n] = checkIntent(input, list[n], index);
  for (let n = 0; n < intents.length; n++) broker.submit(intents[n]!, index);
}

function checkIntent(input: ReplayInput, value: unknown, index: number): OrderIntent {
  const quick = plainIntent(value);
  if (quick !== undefined) return quick;
  if (typeof (value as { then?: unknown } | undefined)?.then === 'function') {
    throw new PolicyError(`policy ${input.policyName}: onBar returned a Promise at ${describeBar(input.market, index, input.startIndex)}; onBar must return its orders synchronously (no async)`);
  }
  const result = OrderIntentSchema.safeParse(value);
  if (!result.success) {
    throw new PolicyError(
      `policy ${input.policyName} returned a malformed order at ${describeBar(input.market, index, input.startIndex)}: ${showValue(value)}: ${intentProblems(value)}. ` +
        `An order is {type: 'open', side: 'long'|'short', fraction | quantity, leverage?, stopLoss?, takeProfit?, maxBars?} or {type: 'close'}.`,
    );
  }
  return result.data;
}

const OPEN_KEYS = new Set(['type', 'side', 'fraction', 'quantity', 'leverage', 'stopLoss', 'takeProfit', 'maxBars', 'decision']);
const DECISION_TEXT = new Set(['strategy', 'model', 'tag']);
const DECISION_NUMBERS = new Set(['weight', 'sizeMultiplier', 'leverage', 'score']);
const CLOSE: OrderIntent = Object.freeze({ type: 'close' });

/** `Object.keys(o).length` without building the array. */
function ownKeyCount(o: object): number {
  let count = 0;
  for (const key in o) if (Object.hasOwn(o, key)) count++;
  return count;
}

const optionalIn = (value: unknown, low: number, high: number, lowInclusive: boolean): boolean =>
  value === undefined || (typeof value === 'number' && (lowInclusive ? value >= low : value > low) && value <= high);

/**
 * The common, well-formed intent checked by hand (a measured hot path: zod costs ~2 µs per order).
 * Anything unusual returns undefined and goes through `OrderIntentSchema`, which is the definition
 * and writes the error message; a test checks both agree.
 */
export function plainIntent(value: unknown): OrderIntent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  if (o.type === 'close') return ownKeyCount(o) === 1 ? CLOSE : undefined;
  if (o.type !== 'open' || (o.side !== 'long' && o.side !== 'short')) return undefined;
  for (const key in o) if (!OPEN_KEYS.has(key)) return undefined;
  const hasFraction = o.fraction !== undefined;
  if (hasFraction === (o.quantity !== undefined)) return undefined;
  if (!optionalIn(o.fraction, 0, 1, false) || !optionalIn(o.quantity, 0, Number.MAX_VALUE, false)) return undefined;
  if (!optionalIn(o.leverage, 1, 125, true) || !optionalIn(o.stopLoss, 0, 1, false) || o.stopLoss === 1) return undefined;
  if (!optionalIn(o.takeProfit, 0, Number.MAX_VALUE, false)) return undefined;
  if (o.maxBars !== undefined && !(Number.isInteger(o.maxBars) && (o.maxBars as number) >= 1)) return undefined;
  if (o.decision !== undefined) {
    if (typeof o.decision !== 'object' || o.decision === null) return undefined;
    const decision = o.decision as Record<string, unknown>;
    for (const key in decision) {
      const field = decision[key];
      if (field === undefined) continue;
      if (DECISION_TEXT.has(key) ? typeof field !== 'string' : !(DECISION_NUMBERS.has(key) && Number.isFinite(field))) return undefined;
    }
  }
  // A copy with one fixed shape: the policy may reuse or change its object after returning it.
  return {
    type: 'open',
    side: o.side,
    fraction: o.fraction as number | undefined,
    quantity: o.quantity as number | undefined,
    leverage: (o.leverage as number | undefined) ?? 1,
    stopLoss: o.stopLoss as number | undefined,
    takeProfit: o.takeProfit as number | undefined,
    maxBars: o.maxBars as number | undefined,
    decision: o.decision as TradeDecision | undefined,
  };
}
