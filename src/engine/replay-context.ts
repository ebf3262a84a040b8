/**
 * What a policy sees at the close of bar i: prices up to i, its position and account, features,
 * strategy signals and model scores at i. One object is reused for every bar; every accessor reads
 * at the current index, and asking for a later bar throws.
 */
import type { RunConfig } from '../config/run-config.js';
import type { Rng } from '../config/random.js';
import { REGIMES } from '../data/generator.js';
import { accountHealth, drawdownFraction, equitySlope, type WinRateTracker } from '../features/account-trackers.js';
import type { MarketFeatures } from '../features/market-features.js';
import type {
  AccountView,
  MarketFeaturesView,
  MarketHistory,
  PolicyContext,
  PolicyParamValue,
  PositionView,
  StrategySignal,
} from '../policies/policy.js';
import type { ModelScores } from '../signals/models.js';
import { STRATEGY_NAMES, type StrategyName, type StrategySignals } from '../signals/strategies.js';
import type { Broker } from './broker.js';
import type { EventBus } from './events.js';
import type { MarketData } from './replay.js';
import { PolicyError } from './policy-error.js';
import type { SignalSources } from './signal-sources.js';

class History implements MarketHistory {
  index = 0;
  private readonly openColumn: Float64Array;
  private readonly highColumn: Float64Array;
  private readonly lowColumn: Float64Array;
  private readonly closeColumn: Float64Array;
  private readonly volumeColumn: Float64Array;
  private readonly timeColumn: Float64Array;
  constructor(market: MarketData) {
    const c = market.candles.columns;
    this.openColumn = c.open;
    this.highColumn = c.high;
    this.lowColumn = c.low;
    this.closeColumn = c.close;
    this.volumeColumn = c.volume;
    this.timeColumn = c.openTime;
  }

  get length(): number {
    return this.index + 1;
  }

  private at(column: Float64Array, ago: number): number {
    // (ago | 0) === ago: a whole number in int32 range, checked without a call.
    if (!(ago >= 0) || (ago | 0) !== ago) {
      throw new RangeError(`history: bars ago must be a whole number ≥ 0 (a policy sees no later bar), got ${ago}`);
    }
    const j = this.index - ago;
    return j >= 0 ? column[j]! : Number.NaN;
  }

  open(ago = 0): number {
    return this.at(this.openColumn, ago);
  }
  high(ago = 0): number {
    return this.at(this.highColumn, ago);
  }
  low(ago = 0): number {
    return this.at(this.lowColumn, ago);
  }
  close(ago = 0): number {
    return this.at(this.closeColumn, ago);
  }
  volume(ago = 0): number {
    return this.at(this.volumeColumn, ago);
  }
  openTime(ago = 0): number {
    return this.at(this.timeColumn, ago);
  }
  closes(count: number): Float64Array {
    const end = this.index + 1;
    return this.closeColumn.subarray(Math.max(0, end - count), end);
  }
}

class FeaturesView implements MarketFeaturesView {
  constructor(private readonly ctx: ReplayContext) {}
  private get columns(): MarketFeatures {
    return this.ctx.marketFeatures();
  }
  get volatility(): number {
    return this.columns.volatility[this.ctx.index]!;
  }
  get realizedVolatility(): number {
    return this.columns.realizedVolatility[this.ctx.index]!;
  }
  get marketPressure(): number {
    return this.columns.marketPressure[this.ctx.index]!;
  }
  get efficiency(): number {
    return this.columns.efficiency[this.ctx.index]!;
  }
  get regime(): MarketFeaturesView['regime'] {
    return REGIMES[this.columns.regime[this.ctx.index]!]!;
  }
  get warmingUp(): boolean {
    return this.ctx.index < this.columns.warmupBars;
  }
}

class Account implements AccountView {
  equity = 0;
  peakEquity = 0;
  /** Bars of the period so far, before the current one (their equity is in `curve`). */
  bar = 0;
  /** Equity at the close of each bar of the period, written by the loop. */
  curve: Float64Array = new Float64Array(0);
  constructor(
    private readonly broker: Broker,
    private readonly winRateTracker: WinRateTracker,
    private readonly config: RunConfig,
  ) {}
  get cash(): number {
    return this.broker.cash;
  }
  get drawdown(): number {
    return drawdownFraction(this.equity, this.peakEquity);
  }
  get winRate(): number {
    return this.winRateTracker.rate;
  }
  /** The equity slope over features.equitySlopeBars bars (the first bar's equity before that many have passed). */
  get equitySlope(): number {
    if (this.bar === 0) return 0;
    const past = this.curve[Math.max(0, this.bar - this.config.features.equitySlopeBars)]!;
    return equitySlope(this.equity, past, this.config.features.equitySlopeScale);
  }
  get accountHealth(): number {
    return accountHealth(this.drawdown, this.equitySlope, this.config.features);
  }
  get closedTrades(): number {
    return this.broker.closedTrades.length;
  }
}

export class ReplayContext implements PolicyContext {
  index = 0;
  bar = 0;
  readonly history: History;
  readonly features: FeaturesView;
  readonly account: Account;
  readonly params: Readonly<Record<string, PolicyParamValue>>;
  private readonly columns;
  private strategyColumns: Record<StrategyName, StrategySignals> | undefined;
  private scores: ModelScores | undefined;
  private features_: MarketFeatures | undefined;

  constructor(
    private readonly market: MarketData,
    private readonly sources: SignalSources,
    /** The run's seed: synthetic model scores are drawn from its model stream. */
    private readonly seed: number,
    readonly rng: Rng,
    private readonly broker: Broker,
    config: RunConfig,
    private readonly policyName: string,
    private readonly bus: EventBus,
    winRate: WinRateTracker,
    params: Readonly<Record<string, PolicyParamValue>> = {},
  ) {
    this.history = new History(market);
    this.features = new FeaturesView(this);
    this.account = new Account(broker, winRate, config);
    this.columns = market.candles.columns;
    this.params = params;
    this.modelNames = config.models.names;
  }

  readonly modelNames: readonly string[];

  /** Moves to a bar (the loop sets `account.equity` and `account.peakEquity` itself: no doubles passed through calls). */
  moveTo(index: number, bar: number): void {
    this.index = index;
    this.bar = bar;
    this.history.index = index;
    this.account.bar = bar;
  }

  get time(): number {
    return this.columns.openTime[this.index]!;
  }
  get closeTime(): number {
    return this.columns.openTime[this.index]! + this.market.intervalMs - 1;
  }
  get open(): number {
    return this.columns.open[this.index]!;
  }
  get high(): number {
    return this.columns.high[this.index]!;
  }
  get low(): number {
    return this.columns.low[this.index]!;
  }
  get close(): number {
    return this.columns.close[this.index]!;
  }
  get volume(): number {
    return this.columns.volume[this.index]!;
  }
  get position(): PositionView | undefined {
    return this.broker.position;
  }

  marketFeatures(): MarketFeatures {
    this.features_ ??= this.sources.marketFeatures();
    return this.features_;
  }

  private strategyColumn(name: string): StrategySignals {
    this.strategyColumns ??= this.sources.strategySignals();
    const signals = this.strategyColumns[name as StrategyName] as StrategySignals | undefined;
    if (signals === undefined) throw new PolicyError(`unknown strategy "${name}"; the strategies are ${STRATEGY_NAMES.join(', ')}`);
    return signals;
  }

  strategy(name: string): StrategySignal {
    const signals = this.strategyColumn(name);
    return { direction: signals.direction[this.index]! as -1 | 0 | 1, strength: signals.strength[this.index]! };
  }

  strategyScore(name: string): number {
    const signals = this.strategyColumn(name);
    return signals.direction[this.index]! * signals.strength[this.index]!;
  }

  model(name: string): number {
    this.scores ??= this.sources.modelScores(this.seed);
    const column = this.scores.names.indexOf(name);
    if (column < 0) throw new PolicyError(`unknown model "${name}"; the models are ${this.scores.names.join(', ')} (config models.names)`);
    return this.scores.scores[column]![this.index]!;
  }

  /** Where the model scores the policy read came from, if it read any. */
  get modelSourceUsed(): 'predictions' | 'synthetic' | undefined {
    return this.scores?.source;
  }

  signalsGenerated = 0;

  signal(source: string, direction: -1 | 0 | 1, strength: number, details?: Readonly<Record<string, string | number | boolean>>): void {
    this.signalsGenerated++;
    if (!this.bus.active) return;
    const ts = this.closeTime;
    const bar = this.index;
    this.bus.publish(
      details === undefined
        ? { type: 'SIGNAL_GENERATED', ts, bar, source, direction, strength }
        : { type: 'SIGNAL_GENERATED', ts, bar, source, direction, strength, details },
    );
  }

  toString(): string {
    return `PolicyContext(${this.policyName} at bar ${this.index})`;
  }
}
