/**
 * RL v2 and the RL v1 baseline as policies (DESIGN §6), wired to the engine's events the way the
 * live system is:
 *
 *   at a bar's close, when flat:  the combined score of every allowed meta action is computed;
 *     if one crosses agents.entryThreshold a SIGNAL_GENERATED is published (direction and strength
 *     of the strongest) and the meta-strategy agent picks a strategy × model × weight among the
 *     actions that would trade; before the order, the position-sizing agent picks size × leverage
 *     among the actions the risk limits allow (RL v1: static sizing); the order opens at the next
 *     open with agents.exits (stop-loss, take-profit, time exit).
 *   TRADE_EXECUTED (open):  the decision is attached to the position.
 *   POSITION_CLOSED:  at that bar's close both agents get their rewards (rewards.ts) and one TD
 *     update each, the next state being the state at that close. A close at the end of the data
 *     (end_of_data) is not learned from: it is where the replay stopped, not an outcome.
 *   ORDER_REJECTED:  the decision is dropped (counted in metrics.json).
 *
 * States (state-space.ts bins, edges from agents.v2.metaBins / sizingBins / v1.bins):
 *   meta (v2):   regime, volatility, marketPressure, confidence, previousWinRate, accountHealth
 *   sizing (v2): signalConfidence, portfolioExposure, recentWinRate, volatility, equityCurveSlope
 *   RL v1:       volatility, confidence, recentWinRate (no regime; reward = pnlPct)
 * where confidence = the strongest |combined score| among the allowed meta actions (capped at 1),
 * signalConfidence = |combined score| of the chosen action (at an update's next state, when no
 * action is chosen yet: confidence), previousWinRate (v2) and RL v1's recentWinRate = the account's
 * rolling features.winRateTrades win rate, v2's recentWinRate = the agent's own last
 * v2.recentWinRateTrades trades, portfolioExposure = margin in open positions / equity.
 *
 * Modes: `train` (ε-greedy, TD updates) and `eval` (greedy, tables untouched, visits not counted).
 * No decision is taken while a feature is warming up.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REGIME_IDS, type AgentConfig } from '../config/agent-config.js';
import type { RunConfig } from '../config/run-config.js';
import { InputError } from '../data/errors.js';
import type { ClosedTrade, EngineEvent } from '../engine/events.js';
import type { OrderIntentInput, Policy, PolicyContext, PolicyOutput } from '../policies/policy.js';
import { metaActions, regimeMasks, riskMask, sizingActions, type MetaAction, type SizingAction } from './actions.js';
import { EpisodeTracker, LearningTrace, QLearner } from './q-learning.js';
import { AGENT_KINDS, loadQTableInto, readQTableFile, saveQTable, type AgentKind, type AgentTable } from './qtable-file.js';
import {
  effectiveLeverage,
  maxDrawdownPct,
  metaReward,
  pnlPct,
  riskPenalty,
  sharpeSignal,
  sizeReward,
  volatilityAdjustment,
  type MetaRewardTerms,
  type SizeRewardTerms,
} from './rewards.js';
import { binOf, checkedStateSpace, type StateFeature, type StateSpace } from './state-space.js';

export type AgentMode = 'train' | 'eval';
export type RlVariant = 'rl-v1' | 'rl-v2';

interface Decision {
  readonly metaState: number;
  readonly metaAction: number;
  readonly sizingState: number;
  readonly sizingAction: number;
  readonly regime: number;
  readonly volatility: number;
  readonly score: number;
}

/** Each reward term's running mean over a run, for metrics.json (the terms of one agent always have the same names). */
class TermMeans {
  private names: readonly string[] = [];
  private sums = new Float64Array(0);
  count = 0;
  add(terms: object, reward: number): void {
    const values = terms as Readonly<Record<string, number>>;
    if (this.count === 0) {
      this.names = [...Object.keys(terms), 'reward'];
      this.sums = new Float64Array(this.names.length);
    }
    this.count++;
    const last = this.names.length - 1;
    for (let k = 0; k < last; k++) this.sums[k]! += values[this.names[k]!]!;
    this.sums[last]! += reward;
  }
  means(): Record<string, number> {
    const out: Record<string, number> = {};
    this.names.forEach((name, k) => (out[name] = this.sums[k]! / this.count));
    return out;
  }
}

/** One agent: its learner, state space, actions, and what it did in this run. */
class Agent implements AgentTable {
  readonly learner: QLearner;
  episode: EpisodeTracker;
  updatesAtStart = 0;
  terms = new TermMeans();
  trace = new LearningTrace();
  constructor(
    readonly kind: AgentKind,
    readonly space: StateSpace,
    readonly actionNames: readonly string[],
    params: AgentConfig['v2']['meta'],
  ) {
    this.learner = new QLearner(actionNames.length, params);
    this.episode = new EpisodeTracker(params.gamma);
  }

  beginRun(): void {
    this.episode = new EpisodeTracker(this.learner.params.gamma);
    this.updatesAtStart = this.learner.updates;
    this.terms = new TermMeans();
    this.trace = new LearningTrace();
    this.trace.begin(this.learner.table.size);
  }

  /** One TD update, traced (how far Q moved, how many states the table holds after it). */
  learn(state: number, action: number, reward: number, nextState: number, nextAllowed: Uint8Array): void {
    const tdError = this.learner.update(state, action, reward, nextState, nextAllowed);
    this.trace.record(Math.abs(this.learner.params.alpha * tdError), this.learner.table.size);
  }

  summary() {
    const { learner } = this;
    let pairs = 0;
    let updatedPairs = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (const row of learner.table.values()) {
      for (let a = 0; a < learner.actionCount; a++) {
        if (row.visits[a] !== 0 || row.updates[a] !== 0) pairs++;
        if (row.updates[a] === 0) continue;
        updatedPairs++;
        const q = row.q[a]!;
        sum += q;
        if (q < min) min = q;
        if (q > max) max = q;
      }
    }
    return {
      agent: this.kind,
      states: learner.table.size,
      /** Pairs the table holds (chosen or updated at least once); Q-value figures are over the updated ones. */
      stateActionPairs: pairs,
      updatedPairs,
      updates: learner.updates,
      updatesThisRun: learner.updates - this.updatesAtStart,
      epsilon: learner.epsilon,
      qMin: updatedPairs === 0 ? null : min,
      qMax: updatedPairs === 0 ? null : max,
      qMean: updatedPairs === 0 ? null : sum / updatedPairs,
      episode: this.episode.summary(),
      meanRewardTerms: this.terms.means(),
      /** This run's updates in thirds: is Q still moving as much, are new states still appearing? */
      learning: this.trace.thirds(),
    };
  }
}

const edgesFeature = (name: string, edges: readonly number[]): StateFeature => ({ name, edges: [...edges] });

export class RlPolicy implements Policy {
  readonly name: RlVariant;
  mode: AgentMode = 'train';
  readonly meta: Agent;
  readonly sizing: Agent | undefined;
  readonly metaActionList: readonly MetaAction[];
  readonly sizingActionList: readonly SizingAction[];
  private readonly agents: AgentConfig;
  private readonly strategies: readonly string[];
  private readonly models: readonly string[];
  private readonly actionStrategy: Int32Array;
  private readonly actionModel: Int32Array;
  private readonly actionWeight: Float64Array;
  private readonly regimeAllowed: readonly Uint8Array[];
  private readonly flatRiskMask: Uint8Array;
  private readonly largestSize: number;
  // Per-bar scratch.
  private readonly strategyScores: Float64Array;
  private readonly modelScores: Float64Array;
  private readonly scores: Float64Array;
  private readonly actionable: Uint8Array;
  /** Bins of the state being coded (one agent at a time; `encode` reads only the agent's own count). */
  private readonly binScratch = new Int32Array(8);
  // Run state.
  private pending: Decision | undefined;
  private strongestDirection: -1 | 1 = 1;
  private warm = false;
  private held: Decision | undefined;
  private readonly closed: { decision: Decision; trade: ClosedTrade }[] = [];
  private recentPnl: number[] = [];
  private recentWins: boolean[] = [];
  private stats: ReturnType<RlPolicy['emptyStats']>;

  constructor(
    variant: RlVariant,
    private readonly config: RunConfig,
  ) {
    this.name = variant;
    this.agents = config.agents;
    const { v1, v2 } = config.agents;
    this.models = config.models.names;
    if (variant === 'rl-v2') {
      this.strategies = v2.strategies;
      this.metaActionList = metaActions(v2.strategies, this.models, v2.weights);
      this.sizingActionList = sizingActions(v2.sizeMultipliers, v2.leverages);
      const metaSpace = checkedStateSpace(
        [
          { name: 'regime', categories: [...REGIME_IDS] },
          edgesFeature('volatility', v2.metaBins.volatility),
          edgesFeature('marketPressure', v2.metaBins.marketPressure),
          edgesFeature('confidence', v2.metaBins.confidence),
          edgesFeature('previousWinRate', v2.metaBins.previousWinRate),
          edgesFeature('accountHealth', v2.metaBins.accountHealth),
        ],
        'rl-v2 meta agent',
      );
      const sizingSpace = checkedStateSpace(
        [
          edgesFeature('signalConfidence', v2.sizingBins.signalConfidence),
          edgesFeature('portfolioExposure', v2.sizingBins.portfolioExposure),
          edgesFeature('recentWinRate', v2.sizingBins.recentWinRate),
          edgesFeature('volatility', v2.sizingBins.volatility),
          edgesFeature('equityCurveSlope', v2.sizingBins.equityCurveSlope),
        ],
        'rl-v2 sizing agent',
      );
      this.meta = new Agent('rl-v2-meta', metaSpace, this.metaActionList.map((a) => a.name), v2.meta);
      this.sizing = new Agent('rl-v2-sizing', sizingSpace, this.sizingActionList.map((a) => a.name), v2.sizing);
      this.regimeAllowed = regimeMasks(this.metaActionList, v2.regimeMask);
    } else {
      this.strategies = [v1.strategy];
      this.metaActionList = metaActions([v1.strategy], this.models, v1.weights);
      this.sizingActionList = sizingActions([v1.sizeMultiplier], [v1.leverage]);
      const space = checkedStateSpace(
        [edgesFeature('volatility', v1.bins.volatility), edgesFeature('confidence', v1.bins.confidence), edgesFeature('recentWinRate', v1.bins.recentWinRate)],
        'rl-v1 agent',
      );
      this.meta = new Agent('rl-v1', space, this.metaActionList.map((a) => a.name), v1.q);
      this.sizing = undefined;
      this.regimeAllowed = regimeMasks(this.metaActionList, undefined);
    }
    const n = this.metaActionList.length;
    this.actionStrategy = Int32Array.from(this.metaActionList, (a) => this.strategies.indexOf(a.strategy));
    this.actionModel = Int32Array.from(this.metaActionList, (a) => this.models.indexOf(a.model));
    this.actionWeight = Float64Array.from(this.metaActionList, (a) => a.weight);
    this.flatRiskMask = riskMask(this.sizingActionList, config.agents.baseRiskFraction, 0, config.engine);
    this.largestSize = Math.max(...this.sizingActionList.map((a) => a.sizeMultiplier)) * Math.max(...this.sizingActionList.map((a) => a.leverage));
    this.strategyScores = new Float64Array(this.strategies.length);
    this.modelScores = new Float64Array(this.models.length);
    this.scores = new Float64Array(n);
    this.actionable = new Uint8Array(n);
    this.stats = this.emptyStats();
  }

  /** The agents whose tables a run saves, meta first. */
  get tables(): readonly AgentTable[] {
    return this.sizing === undefined ? [this.meta] : [this.meta, this.sizing];
  }

  private emptyStats() {
    return {
      signals: 0,
      decisions: 0,
      passed: 0,
      /** Per meta action: times chosen (orders and passes), times it led to an order; per sizing action: orders. */
      metaChoices: new Int32Array(this.metaActionList.length),
      metaOrders: new Int32Array(this.metaActionList.length),
      sizingOrders: new Int32Array(this.sizingActionList.length),
      rejected: 0,
      learnedTrades: 0,
      unlearnedTrades: 0,
    };
  }

  /** Clears what belongs to one replay (tables, ε and counts carry over). */
  beginRun(): void {
    this.warm = false;
    this.pending = undefined;
    this.held = undefined;
    this.closed.length = 0;
    this.recentPnl = [];
    this.recentWins = [];
    this.stats = this.emptyStats();
    for (const agent of this.tables) (agent as Agent).beginRun();
  }

  onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'TRADE_EXECUTED':
        if (event.action === 'open' && this.pending !== undefined) {
          this.held = this.pending;
          this.pending = undefined;
        }
        break;
      case 'ORDER_REJECTED':
        if (this.pending !== undefined) {
          this.pending = undefined;
          this.stats.rejected++;
        }
        break;
      case 'POSITION_CLOSED':
        if (this.held !== undefined) {
          if (event.reason === 'end_of_data') this.stats.unlearnedTrades++;
          else this.closed.push({ decision: this.held, trade: event.trade });
          this.held = undefined;
        }
        break;
      default:
        break;
    }
  }

  onBar(ctx: PolicyContext): PolicyOutput {
    if (ctx.bar === 0) this.beginRun();
    if (!this.warm) {
      if (ctx.features.warmingUp) return undefined;
      this.warm = true; // features stay warm once they are (their windows only fill)
    }
    if (this.closed.length > 0) {
      this.computeScores(ctx);
      for (const { decision, trade } of this.closed) this.learn(ctx, decision, trade);
      this.closed.length = 0;
    } else if (ctx.position !== undefined || this.pending !== undefined) {
      return undefined;
    } else {
      this.computeScores(ctx);
    }
    if (ctx.position !== undefined || this.pending !== undefined) return undefined;
    return this.decide(ctx);
  }

  /** Strategy and model scores at this bar (the combined scores follow in `confidence`). */
  private computeScores(ctx: PolicyContext): void {
    const { strategyScores, modelScores } = this;
    for (let s = 0; s < this.strategies.length; s++) {
      strategyScores[s] = ctx.strategyScore(this.strategies[s]!);
    }
    for (let m = 0; m < this.models.length; m++) modelScores[m] = ctx.model(this.models[m]!);
  }

  private regimeIndex(ctx: PolicyContext): number {
    return this.sizing === undefined ? 0 : REGIME_IDS.indexOf(ctx.features.regime);
  }

  /**
   * Each meta action's combined score, then the strongest |score| among the allowed actions, capped
   * at 1; marks `actionable` and keeps the strongest score's sign in `strongestDirection`.
   */
  private confidence(regime: number): number {
    const allowed = this.regimeAllowed[regime]!;
    const threshold = this.agents.entryThreshold;
    const { scores, actionable, strategyScores, modelScores, actionWeight, actionStrategy, actionModel } = this;
    let best = 0;
    let direction: -1 | 1 = 1;
    for (let a = 0; a < scores.length; a++) {
      const w = actionWeight[a]!;
      const score = w * strategyScores[actionStrategy[a]!]! + (1 - w) * modelScores[actionModel[a]!]!;
      scores[a] = score;
      const magnitude = Math.abs(score);
      const ok = allowed[a] === 1;
      actionable[a] = ok && magnitude >= threshold && magnitude > 0 ? 1 : 0;
      if (ok && magnitude > best) {
        best = magnitude;
        direction = score > 0 ? 1 : -1;
      }
    }
    this.strongestDirection = direction;
    return Math.min(1, best);
  }

  private metaState(ctx: PolicyContext, regime: number, confidence: number): number {
    const { meta } = this;
    if (this.sizing === undefined) {
      const bins = this.agents.v1.bins;
      const b = this.binScratch;
      b[0] = binOf(ctx.features.volatility, bins.volatility);
      b[1] = binOf(confidence, bins.confidence);
      b[2] = binOf(ctx.account.winRate, bins.recentWinRate);
      return meta.space.encode(b);
    }
    const bins = this.agents.v2.metaBins;
    const b = this.binScratch;
    b[0] = regime;
    b[1] = binOf(ctx.features.volatility, bins.volatility);
    b[2] = binOf(ctx.features.marketPressure, bins.marketPressure);
    b[3] = binOf(confidence, bins.confidence);
    b[4] = binOf(ctx.account.winRate, bins.previousWinRate);
    b[5] = binOf(ctx.account.accountHealth, bins.accountHealth);
    return meta.space.encode(b);
  }

  private exposure(ctx: PolicyContext): number {
    const position = ctx.position;
    return position === undefined || !(ctx.account.equity > 0) ? 0 : Math.min(1, position.margin / ctx.account.equity);
  }

  /** Win rate of the agent's last recentWinRateTrades trades (0.5 before any). */
  private recentWinRate(): number {
    const wins = this.recentWins;
    const count = Math.min(wins.length, this.agents.v2.recentWinRateTrades);
    if (count === 0) return 0.5;
    let won = 0;
    for (let k = wins.length - count; k < wins.length; k++) if (wins[k]) won++;
    return won / count;
  }

  private sizingState(ctx: PolicyContext, signalConfidence: number): number {
    const bins = this.agents.v2.sizingBins;
    const b = this.binScratch;
    b[0] = binOf(signalConfidence, bins.signalConfidence);
    b[1] = binOf(this.exposure(ctx), bins.portfolioExposure);
    b[2] = binOf(this.recentWinRate(), bins.recentWinRate);
    b[3] = binOf(ctx.features.volatility, bins.volatility);
    b[4] = binOf(ctx.account.equitySlope, bins.equityCurveSlope);
    return this.sizing!.space.encode(b);
  }

  private decide(ctx: PolicyContext): PolicyOutput {
    const regime = this.regimeIndex(ctx);
    const confidence = this.confidence(regime);
    if (confidence < this.agents.entryThreshold || confidence === 0) return undefined;
    const explore = this.mode === 'train';
    const metaState = this.metaState(ctx, regime, confidence);
    // The signal the agents answer: the strongest allowed combined score.
    this.stats.signals++;
    ctx.signal(this.name, this.strongestDirection, confidence);
    const metaAction = this.meta.learner.choose(metaState, this.regimeAllowed[regime]!, ctx.rng, explore);
    if (metaAction < 0) return undefined;
    const action = this.metaActionList[metaAction]!;
    const score = this.scores[metaAction]!;
    this.stats.metaChoices[metaAction]!++;
    if (this.actionable[metaAction] === 0) {
      this.stats.passed++; // the chosen action's own score does not cross the threshold: no trade
      return undefined;
    }
    let sizingState = 0;
    let sizingAction = 0;
    if (this.sizing !== undefined) {
      const exposure = this.exposure(ctx);
      const mask = exposure === 0 ? this.flatRiskMask : riskMask(this.sizingActionList, this.agents.baseRiskFraction, exposure, this.config.engine);
      sizingState = this.sizingState(ctx, Math.min(1, Math.abs(score)));
      sizingAction = this.sizing.learner.choose(sizingState, mask, ctx.rng, explore);
      if (sizingAction < 0) return undefined; // every size breaks a risk limit
    }
    const size = this.sizingActionList[sizingAction]!;
    this.pending = { metaState, metaAction, sizingState, sizingAction, regime, volatility: ctx.features.volatility, score };
    this.stats.decisions++;
    this.stats.metaOrders[metaAction]!++;
    this.stats.sizingOrders[sizingAction]!++;
    const { exits } = this.agents;
    const intent: OrderIntentInput = {
      type: 'open',
      side: score > 0 ? 'long' : 'short',
      fraction: this.agents.baseRiskFraction * size.sizeMultiplier,
      leverage: size.leverage,
      stopLoss: exits.stopLoss ?? undefined,
      takeProfit: exits.takeProfit ?? undefined,
      maxBars: exits.maxBars ?? undefined,
      decision: { strategy: action.strategy, model: action.model, weight: action.weight, sizeMultiplier: size.sizeMultiplier, leverage: size.leverage, score },
    };
    return intent;
  }

  /** Rewards of a closed trade and, when training, one TD update per agent (next state: this close). */
  private learn(ctx: PolicyContext, decision: Decision, trade: ClosedTrade): void {
    const pnl = pnlPct(trade);
    this.recentPnl.push(pnl);
    this.recentWins.push(trade.netPnl > 0);
    const keep = Math.max(this.agents.v2.metaReward.sharpeTrades, this.agents.v2.recentWinRateTrades);
    if (this.recentPnl.length > keep) {
      this.recentPnl.shift();
      this.recentWins.shift();
    }
    const train = this.mode === 'train';
    const regime = this.regimeIndex(ctx);
    const confidence = this.confidence(regime);
    const nextMeta = this.metaState(ctx, regime, confidence);
    this.stats.learnedTrades++;

    if (this.sizing === undefined) {
      const reward = pnl;
      this.meta.terms.add({ pnlPct: pnl }, reward);
      this.meta.episode.step(reward);
      if (train) this.meta.learn(decision.metaState, decision.metaAction, reward, nextMeta, this.regimeAllowed[regime]!);
      return;
    }
    const v2 = this.agents.v2;
    const action = this.metaActionList[decision.metaAction]!;
    const metaTerms: MetaRewardTerms = {
      pnlPct: pnl,
      maxDrawdownPct: maxDrawdownPct(trade),
      sharpeSignal: sharpeSignal(this.recentPnl, v2.metaReward.sharpeClip, v2.metaReward.sharpeTrades),
      regimeAlignment: v2.regimeAlignment[REGIME_IDS[decision.regime]!][action.strategy as keyof (typeof v2.regimeAlignment)['TREND']],
    };
    const size = this.sizingActionList[decision.sizingAction]!;
    const sizeTerms: SizeRewardTerms = {
      pnlPct: pnl,
      riskPenalty: riskPenalty(effectiveLeverage(trade), decision.volatility, v2.sizeReward.riskBudget),
      volatilityAdjustment: volatilityAdjustment(decision.volatility, (size.sizeMultiplier * size.leverage) / this.largestSize),
    };
    const rMeta = metaReward(metaTerms, v2.metaReward);
    const rSize = sizeReward(sizeTerms, v2.sizeReward);
    this.meta.terms.add(metaTerms, rMeta);
    this.sizing.terms.add(sizeTerms, rSize);
    this.meta.episode.step(rMeta);
    this.sizing.episode.step(rSize);
    if (!train) return;
    this.meta.learn(decision.metaState, decision.metaAction, rMeta, nextMeta, this.regimeAllowed[regime]!);
    const nextSizing = this.sizingState(ctx, confidence);
    const exposure = this.exposure(ctx);
    const nextMask = exposure === 0 ? this.flatRiskMask : riskMask(this.sizingActionList, this.agents.baseRiskFraction, exposure, this.config.engine);
    this.sizing.learn(decision.sizingState, decision.sizingAction, rSize, nextSizing, nextMask);
  }

  /** Counts per value of one field of the actions, from counts per action (keys in first-seen order). */
  private static tally<T>(actions: readonly T[], counts: Int32Array, key: (action: T) => string): Record<string, number> {
    const out: Record<string, number> = {};
    actions.forEach((action, a) => {
      if (counts[a]! > 0) out[key(action)] = (out[key(action)] ?? 0) + counts[a]!;
    });
    return out;
  }

  /** What metrics.json says about the agents of this run. */
  summary() {
    const { stats } = this;
    const meta = (counts: Int32Array, key: (a: MetaAction) => string) => RlPolicy.tally(this.metaActionList, counts, key);
    const sizing = (key: (a: SizingAction) => string) => RlPolicy.tally(this.sizingActionList, stats.sizingOrders, key);
    return {
      policy: this.name,
      mode: this.mode,
      signals: stats.signals,
      /** Models of every meta choice (orders and passes). */
      metaChoicesByModel: meta(stats.metaChoices, (a) => a.model),
      passed: stats.passed,
      /** Orders the agents sent (decisions that crossed the entry threshold and found an allowed size). */
      orders: stats.decisions,
      rejectedOrders: stats.rejected,
      /** Closed trades that earned rewards (and, in train mode, one update per agent). */
      tradesRewarded: stats.learnedTrades,
      /** Trades closed by the end of the data: no reward, no update. */
      tradesNotRewarded: stats.unlearnedTrades,
      choices: {
        byStrategy: meta(stats.metaOrders, (a) => a.strategy),
        byModel: meta(stats.metaOrders, (a) => a.model),
        byWeight: meta(stats.metaOrders, (a) => String(a.weight)),
        ...(this.sizing === undefined
          ? {}
          : { bySizeMultiplier: sizing((a) => String(a.sizeMultiplier)), byLeverage: sizing((a) => String(a.leverage)) }),
      },
      agents: this.tables.map((agent) => (agent as Agent).summary()),
    };
  }

  /** Loads each agent's table from DIR/qtables/<agent>.json or DIR/<agent>.json. */
  warmStart(dir: string): string[] {
    if (!existsSync(dir)) throw new InputError(`--warm-start ${dir}: no such folder (give a run folder or its qtables/ folder)`);
    if (!statSync(dir).isDirectory()) throw new InputError(`--warm-start ${dir} is a file: give the folder that holds the tables (a run folder or its qtables/)`);
    const base = existsSync(join(dir, 'qtables')) ? join(dir, 'qtables') : dir;
    return this.tables.map((agent) => {
      const file = join(base, `${agent.kind}.json`);
      if (!existsSync(file)) {
        const others = AGENT_KINDS.filter((kind) => existsSync(join(base, `${kind}.json`)));
        const found = others.length === 0 ? '' : ` (it holds ${others.map((kind) => `${kind}.json`).join(', ')}: tables of another policy)`;
        throw new InputError(`--warm-start ${dir}: no Q-table for ${agent.kind}, expected ${file}${found}`);
      }
      loadQTableInto(file, readQTableFile(file, agent.kind), agent);
      return file;
    });
  }

  /** Writes every agent's table into `dir` (created if needed), atomically per file. */
  saveTables(dir: string): string[] {
    mkdirSync(dir, { recursive: true });
    return this.tables.map((agent) => {
      const file = join(dir, `${agent.kind}.json`);
      saveQTable(file, agent);
      return file;
    });
  }
}

export function isRlPolicy(policy: Policy): policy is RlPolicy {
  return policy instanceof RlPolicy;
}
