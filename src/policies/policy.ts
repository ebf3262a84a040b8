/**
 * The Policy API (DESIGN §5): everything that trades is a `Policy`. `onBar(ctx)` runs at each bar's
 * close, sees only data up to that bar, and returns order intents, which fill at the next bar's
 * open in the order given; `onEvent(event)` hears every engine event.
 */
import { z } from 'zod';
import type { Rng } from '../config/random.js';
import type { RunConfig } from '../config/run-config.js';
import type { EngineEvent, PositionSide } from '../engine/events.js';

/** What opened a trade, carried to `trades.csv`: for RL policies the chosen action. */
export const TradeDecisionSchema = z.strictObject({
  strategy: z.string().optional(),
  model: z.string().optional(),
  weight: z.number().finite().optional(),
  sizeMultiplier: z.number().finite().optional(),
  leverage: z.number().finite().optional(),
  score: z.number().finite().optional(),
  tag: z.string().optional(),
});
export type TradeDecision = z.infer<typeof TradeDecisionSchema>;

export const OpenIntentSchema = z
  .strictObject({
    type: z.literal('open'),
    side: z.enum(['long', 'short']),
    fraction: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe('Margin (plus entry fee) as a fraction of equity at fill time; notional = margin × leverage.'),
    quantity: z.number().positive().finite().optional().describe('Size in base units, rounded down to engine.qtyStep.'),
    leverage: z.number().min(1).max(125).default(1),
    stopLoss: z.number().gt(0).lt(1).optional().describe('Stop distance from the fill price, as a fraction (0.02 = 2%).'),
    takeProfit: z.number().gt(0).optional().describe('Target distance from the fill price, as a fraction.'),
    maxBars: z.number().int().min(1).optional().describe('Close at the close of the maxBars-th bar held (time exit).'),
    decision: TradeDecisionSchema.optional(),
  })
  .refine((o) => (o.fraction === undefined) !== (o.quantity === undefined), {
    message: 'give exactly one of fraction (of equity) or quantity',
  });

export const CloseIntentSchema = z.strictObject({ type: z.literal('close') });

export const OrderIntentSchema = z.union([OpenIntentSchema, CloseIntentSchema]);
export type OrderIntent = z.output<typeof OrderIntentSchema>;
export type OrderIntentInput = z.input<typeof OrderIntentSchema>;
export type OpenIntent = Extract<OrderIntent, { type: 'open' }>;

/** The open position as a policy sees it. */
export interface PositionView {
  readonly side: PositionSide;
  readonly qty: number;
  readonly entryPrice: number;
  readonly entryBar: number;
  readonly leverage: number;
  readonly margin: number;
  readonly unrealizedPnl: number;
  readonly stopPrice: number;
  readonly takeProfitPrice: number;
  readonly liquidationPrice: number;
  readonly decision: TradeDecision | undefined;
}

/** The price history up to the current bar; asking for a later bar throws. */
export interface MarketHistory {
  /** Bars available: the current one and all before it. */
  readonly length: number;
  open(ago?: number): number;
  high(ago?: number): number;
  low(ago?: number): number;
  close(ago?: number): number;
  volume(ago?: number): number;
  openTime(ago?: number): number;
  /** The last `count` closes, oldest first, ending at the current bar (a view, not a copy). */
  closes(count: number): Float64Array;
}

export interface MarketFeaturesView {
  /** Realized volatility ranked into [0, 1]. */
  readonly volatility: number;
  readonly realizedVolatility: number;
  /** Taker buy minus sell volume over total, in [−1, 1]. */
  readonly marketPressure: number;
  readonly efficiency: number;
  readonly regime: 'TREND' | 'RANGE' | 'BREAKOUT' | 'MEAN_REVERSION';
  /** True while some feature's window is not yet full. */
  readonly warmingUp: boolean;
}

export interface StrategySignal {
  readonly direction: -1 | 0 | 1;
  readonly strength: number;
}

export interface AccountView {
  readonly equity: number;
  readonly cash: number;
  readonly peakEquity: number;
  /** Drawdown from the peak, a fraction ≥ 0. */
  readonly drawdown: number;
  /** Win rate of the last features.winRateTrades closed trades (0.5 before any). */
  readonly winRate: number;
  readonly equitySlope: number;
  readonly accountHealth: number;
  readonly closedTrades: number;
}

export interface PolicyContext {
  /** Dataset index of the current bar (its close has just happened). */
  readonly index: number;
  /** Bars since the replay started (0 at the first bar of the period). */
  readonly bar: number;
  /** Open time of the current bar (epoch ms). */
  readonly time: number;
  /** Its last millisecond (open + interval − 1), as Binance's close_time: when the policy acts. */
  readonly closeTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly history: MarketHistory;
  readonly position: PositionView | undefined;
  readonly account: AccountView;
  readonly features: MarketFeaturesView;
  /** The signal of a built-in strategy at this bar: dual_momentum, mean_reversion, breakout. */
  strategy(name: string): StrategySignal;
  /** The same signal as one number, direction · strength ∈ [−1, 1] (creates no object: for per-bar loops). */
  strategyScore(name: string): number;
  /** A model's score in [−1, 1] at this bar (predictions.csv, or synthetic). */
  model(name: string): number;
  readonly modelNames: readonly string[];
  /** The policy's own seeded random stream. */
  readonly rng: Rng;
  readonly params: Readonly<Record<string, PolicyParamValue>>;
  /** Publishes a SIGNAL_GENERATED event (for the event log and other listeners). */
  signal(source: string, direction: -1 | 0 | 1, strength: number, details?: Readonly<Record<string, string | number | boolean>>): void;
}

export type PolicyParamValue = string | number | boolean;

/** What `onBar` may return: nothing, one intent, or several (filled in that order). */
export type PolicyOutput = OrderIntentInput | readonly OrderIntentInput[] | undefined | void;

export interface Policy {
  readonly name?: string;
  onBar(ctx: PolicyContext): PolicyOutput;
  onEvent?(event: EngineEvent): void;
}

export interface PolicyEnvironment {
  readonly seed: number;
  readonly symbol: string | undefined;
  readonly intervalMs: number;
  /** The run's resolved configuration (absent: the defaults). */
  readonly config?: RunConfig;
}

/** A module's default export: builds the policy from `--param key=value` pairs. */
export type PolicyFactory = (params: Readonly<Record<string, PolicyParamValue>>, environment: PolicyEnvironment) => Policy | Promise<Policy>;
