/**
 * α, γ and ε recommendations for one agent from the guide's "Hyperparameter Guidelines" and its
 * tuning tips, on the agent's table and what its run recorded (run-evidence.ts). In order, a later
 * rule taking precedence over an earlier one for the same parameter (a measured symptom over the
 * rule of thumb by update count, stability over speed):
 *
 *   1. the stage by updates (early < 100, active 100–1000, mature beyond): each parameter outside
 *      the guide's range for the stage moves to the range's nearest end; ε is the table's ε now;
 *   2. reward variance: the std of a discounted return of such rewards, σ_r / √(1 − γ²), above 10
 *      → γ 0.95 ("High variance in rewards? → Lower gamma (0.95)");
 *   3. agent not learning: its trades in the last third of training do not beat those of the
 *      first third, P ≤ 0.5 (at least 30 trades each) → α 0.02 ("Agent not learning? → Increase
 *      alpha (0.02)");
 *   4. stuck: ≥ 80% of the choices in its busy states on each state's top action while its mean
 *      reward is not above 0 → ε 0.2 ("Stuck in local optimum? → Increase epsilon (0.2)");
 *   5. Q-value variance: Q-values spanning 20 or more (the guide's "−10 to +10") → γ 0.95 and α at
 *      most 0.005 (Troubleshooting "High Q-Value Variance");
 *   6. mature but unstable: more than 1000 updates and the mean |ΔQ| per update of the last third
 *      of training not below the first third's → α 0.005 and ε 0.01 ("Mature but unstable?").
 *
 * Every rule says what it measured, its threshold, and what it did or why it did nothing.
 */
import type { AgentKind } from '../agents/qtable-file.js';
import { Rng } from '../config/random.js';
import { probabilityOfImprovementInterval, type Interval } from '../stats/ab-statistics.js';
import { AGENT_LABELS } from './agent-statistics.js';
import {
  HIGH_RETURN_STD,
  MIN_TRADES_PER_THIRD,
  NOT_EXPLOITING_EPSILON,
  NOT_LEARNING_PROBABILITY,
  STUCK_CONCENTRATION,
  STUCK_MIN_VISITS,
  TIP_HIGH_ALPHA,
  TIP_HIGH_EPSILON,
  TIP_LOW_GAMMA,
  TIP_STABLE_ALPHA,
  TIP_STABLE_EPSILON,
  WIDE_Q_RANGE,
  stageOf,
  type Range,
  type StageId,
} from './guide.js';
import type { AgentReading } from './qtable-folder.js';
import type { AgentTraining, LearningThirds } from './run-evidence.js';

export const PARAMETERS = ['alpha', 'gamma', 'epsilon'] as const;
export type ParameterKey = (typeof PARAMETERS)[number];

export const PARAMETER_NAMES: Readonly<Record<ParameterKey, string>> = { alpha: 'Alpha (α)', gamma: 'Gamma (γ)', epsilon: 'Epsilon (ε)' };
const SYMBOL: Readonly<Record<ParameterKey, string>> = { alpha: 'α', gamma: 'γ', epsilon: 'ε' };

/** Resamples of the CI of P(last third > first third). */
export const IMPROVEMENT_BOOTSTRAP_REPS = 2000;

export interface ParameterAdvice {
  readonly current: number;
  readonly recommended: number;
  readonly changed: boolean;
}

/** One measured symptom: its figure, whether it crossed its threshold (null: not measurable), and a sentence. */
export interface Finding {
  readonly id: 'stage' | 'exploration' | 'rewardVariance' | 'learning' | 'stuck' | 'qValueVariance' | 'convergence';
  readonly triggered: boolean | null;
  readonly detail: string;
}

export interface AgentAdvice {
  readonly agent: AgentKind;
  readonly stage: StageId;
  readonly updates: number;
  readonly parameters: Readonly<Record<ParameterKey, ParameterAdvice>>;
  readonly findings: readonly Finding[];
  /** One line per rule that changed a parameter, or kept it, in the guide's "• [Agent] …" form. */
  readonly rationale: readonly string[];
  readonly changed: boolean;
  readonly measures: {
    readonly epsilonNow: number;
    readonly qRange: number | null;
    readonly qStd: number | null;
    readonly rewardStd: number | null;
    readonly returnStd: number | null;
    readonly improvement: Interval | null;
    readonly convergenceRatio: number | null;
    readonly choiceConcentration: number | null;
    readonly meanReward: number | null;
  };
}

/** What a run recorded that bears on this agent (null fields: not recorded). */
export interface AgentEvidence {
  readonly training: AgentTraining | null;
  /** The rewarded trades' pnlPct in closing order (shared by the agents of one run). */
  readonly tradePnlPct: readonly number[] | null;
  /** Where the evidence comes from, for the sentences ("training part of runs/x"). */
  readonly source: string | null;
  /** Why there is none, when there is none. */
  readonly missing: string | null;
}

const f = (value: number, digits = 4) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const short = (value: number) => String(Number(value.toPrecision(4)));
const rangeText = (range: Range) => `${short(range.low)}–${short(range.high)}`;
const whole = (n: number) => n.toLocaleString('en-US');

function sampleStd(values: readonly number[]): number {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
}

/** P(a trade of the last third beats one of the first third) with its bootstrap CI; null with too few trades. */
export function improvementOverTraining(pnlPct: readonly number[], rng = new Rng(1)): { interval: Interval; perThird: number } | null {
  const perThird = Math.floor(pnlPct.length / 3);
  if (perThird < MIN_TRADES_PER_THIRD) return null;
  const first = [pnlPct.slice(0, perThird)];
  const last = [pnlPct.slice(pnlPct.length - perThird)];
  return { interval: probabilityOfImprovementInterval(last, first, IMPROVEMENT_BOOTSTRAP_REPS, rng), perThird };
}

const convergenceRatio = (learning: LearningThirds | null) =>
  learning === null || !(learning.first.meanAbsChange > 0) ? null : learning.last.meanAbsChange / learning.first.meanAbsChange;

export function adviseAgent(reading: AgentReading, evidence: AgentEvidence): AgentAdvice {
  const { tag } = AGENT_LABELS[reading.kind];
  const stage = stageOf(reading.updates);
  const current: Record<ParameterKey, number> = { alpha: reading.hyperparameters.alpha, gamma: reading.hyperparameters.gamma, epsilon: reading.epsilon };
  const value = { ...current };
  const setBy = new Map<ParameterKey, string>();
  const rationale: string[] = [];
  const findings: Finding[] = [];
  const set = (key: ParameterKey, to: number, rule: string, why: string) => {
    const before = setBy.get(key);
    const from = value[key];
    value[key] = to;
    setBy.set(key, rule);
    const verb = to > from ? 'Raised' : to < from ? 'Reduced' : 'Kept';
    const over = before === undefined ? '' : ` (this takes precedence over ${before})`;
    rationale.push(`[${tag}] ${verb} ${SYMBOL[key]} ${verb === 'Kept' ? 'at' : `from ${short(from)} to`} ${short(to)}: ${why}${over}`);
  };

  // 1. The stage by update count ("Hyperparameter Guidelines").
  findings.push({ id: 'stage', triggered: true, detail: `${stage.name} (${whole(reading.updates)} updates)` });
  for (const key of PARAMETERS) {
    const range = stage[key];
    const now = value[key];
    const label = key === 'epsilon' ? `ε now ${f(now)} (the table's)` : `${SYMBOL[key]} ${short(now)}`;
    if (now >= range.low && now <= range.high) {
      rationale.push(`[${tag}] ${label} is within the guide's ${stage.name} range ${rangeText(range)}: kept`);
      continue;
    }
    const to = now < range.low ? range.low : range.high;
    const exploring = key === 'epsilon' && now > NOT_EXPLOITING_EPSILON ? `; above ${NOT_EXPLOITING_EPSILON} the agent is not exploiting (Troubleshooting)` : '';
    set(key, to, `the ${stage.name} range`, `${stage.name} (${whole(reading.updates)} updates): the guide's range is ${rangeText(range)}${exploring}`);
  }
  findings.push({
    id: 'exploration',
    triggered: reading.epsilon > NOT_EXPLOITING_EPSILON,
    detail: `ε now ${f(reading.epsilon)}${reading.epsilon > NOT_EXPLOITING_EPSILON ? ` > ${NOT_EXPLOITING_EPSILON}: not exploiting` : ''}`,
  });

  const training = evidence.training;
  const trades = evidence.tradePnlPct;
  const none = evidence.missing ?? 'not recorded';

  // 2. Reward variance ("High variance in rewards? → Lower gamma (0.95)").
  let rewardStd: number | null = null;
  let returnStd: number | null = null;
  if (trades === null || trades.length < 2) {
    findings.push({ id: 'rewardVariance', triggered: null, detail: `n/a: ${trades === null ? none : 'fewer than 2 rewarded trades'}` });
  } else {
    rewardStd = sampleStd(trades);
    returnStd = rewardStd / Math.sqrt(1 - current.gamma ** 2);
    const high = returnStd > HIGH_RETURN_STD;
    const detail = `std of the trades' pnlPct ${f(rewardStd, 3)} (${whole(trades.length)} trades) → std of a discounted return σ/√(1 − γ²) ${f(returnStd, 2)} at γ ${short(current.gamma)}`;
    findings.push({ id: 'rewardVariance', triggered: high, detail: `${detail} ${high ? '>' : '≤'} ${HIGH_RETURN_STD}${high ? ': high' : ''}` });
    if (high) {
      const after = rewardStd / Math.sqrt(1 - TIP_LOW_GAMMA ** 2);
      set('gamma', TIP_LOW_GAMMA, 'the reward-variance tip', `high variance in rewards: ${detail}, above ${HIGH_RETURN_STD} (half the Q-value range the guide calls very wide, −10 to +10); at γ ${TIP_LOW_GAMMA} it is ${f(after, 2)} ("High variance in rewards? → Lower gamma (0.95)")`);
    }
  }

  // 3. Agent not learning ("Agent not learning? → Increase alpha (0.02)").
  const improvement = trades === null ? null : improvementOverTraining(trades);
  if (improvement === null) {
    findings.push({
      id: 'learning',
      triggered: null,
      detail: `n/a: ${trades === null ? none : `${whole(trades.length)} rewarded trades, fewer than ${MIN_TRADES_PER_THIRD} in each third`}`,
    });
  } else {
    const p = improvement.interval;
    const stalled = p.point <= NOT_LEARNING_PROBABILITY;
    const detail = `P(a trade of the last third of training beats one of the first third, pnlPct) ${f(p.point, 3)} [${f(p.low, 3)}, ${f(p.high, 3)}] over ${whole(improvement.perThird)} trades each`;
    const verdict = stalled ? `: ≤ ${NOT_LEARNING_PROBABILITY}, not learning` : p.low > 0.5 ? ': improving' : ': better, though not established (the CI contains 0.5)';
    findings.push({ id: 'learning', triggered: stalled, detail: `${detail}${verdict}` });
    if (stalled) set('alpha', TIP_HIGH_ALPHA, 'the not-learning tip', `agent not learning: ${detail}, at or below ${NOT_LEARNING_PROBABILITY} ("Agent not learning? → Increase alpha (0.02)")`);
  }

  // 4. Stuck in a local optimum ("Stuck in local optimum? → Increase epsilon (0.2)").
  const concentration = reading.choiceConcentration;
  const meanReward = training?.meanReward ?? null;
  if (concentration === null) {
    findings.push({ id: 'stuck', triggered: null, detail: `n/a: no state chosen in ${STUCK_MIN_VISITS} times or more` });
  } else {
    const concentrated = concentration.share >= STUCK_CONCENTRATION;
    const detail = `${f(concentration.share * 100, 0)}% of the choices in its ${whole(concentration.states)} states chosen in ≥ ${STUCK_MIN_VISITS} times went to each state's most-chosen action`;
    if (!concentrated) findings.push({ id: 'stuck', triggered: false, detail: `${detail} (< ${STUCK_CONCENTRATION * 100}%): not stuck` });
    else if (meanReward === null) findings.push({ id: 'stuck', triggered: null, detail: `${detail}, but its mean reward is unknown (${none})` });
    else {
      const stuck = meanReward <= 0;
      findings.push({ id: 'stuck', triggered: stuck, detail: `${detail}; mean reward ${f(meanReward)}${stuck ? ': stuck' : ': a preference that pays'}` });
      if (stuck) set('epsilon', TIP_HIGH_EPSILON, 'the stuck tip', `stuck in a local optimum: ${detail} while its mean reward is ${f(meanReward)} ("Stuck in local optimum? → Increase epsilon (0.2)")`);
    }
  }

  // 5. Q-value variance (Troubleshooting "High Q-Value Variance").
  const qRange = reading.qMin === null || reading.qMax === null ? null : reading.qMax - reading.qMin;
  if (qRange === null) findings.push({ id: 'qValueVariance', triggered: null, detail: 'n/a: no pair updated yet' });
  else {
    const wide = qRange >= WIDE_Q_RANGE;
    const detail = `Q-values span [${f(reading.qMin!)}, ${f(reading.qMax!)}], a range of ${f(qRange, 3)} (std ${f(reading.qStd ?? Number.NaN)})`;
    findings.push({ id: 'qValueVariance', triggered: wide, detail: `${detail}${wide ? ` ≥ ${WIDE_Q_RANGE}: very wide` : ` < ${WIDE_Q_RANGE}`}` });
    if (wide) {
      const why = `high Q-value variance: ${detail}, as wide as the guide's −10 to +10 (Troubleshooting "High Q-Value Variance")`;
      set('gamma', TIP_LOW_GAMMA, 'the Q-value-variance fix', `${why}: lower gamma to 0.95 for short-term focus`);
      if (value.alpha > TIP_STABLE_ALPHA) set('alpha', TIP_STABLE_ALPHA, 'the Q-value-variance fix', `${why}: reduce alpha to 0.005 for stability`);
    }
  }

  // 6. Mature but unstable ("Mature but unstable? → Lower alpha (0.005) and epsilon (0.01)").
  const ratio = convergenceRatio(training?.learning ?? null);
  if (ratio === null) {
    findings.push({ id: 'convergence', triggered: null, detail: `n/a: ${training === null ? none : 'fewer than 3 updates in training'}` });
  } else {
    const learning = training!.learning!;
    const unstable = ratio >= 1;
    const detail = `mean |ΔQ| per update ${f(learning.first.meanAbsChange, 5)} → ${f(learning.last.meanAbsChange, 5)} (first → last third of the updates in ${evidence.source ?? 'training'})`;
    findings.push({ id: 'convergence', triggered: unstable, detail: `${detail}: ${unstable ? 'not converging' : 'converging'}` });
    if (unstable && stage.id === 'mature') {
      const why = `mature but unstable: ${detail}, not falling ("Mature but unstable? → Lower alpha (0.005) and epsilon (0.01)")`;
      set('alpha', TIP_STABLE_ALPHA, 'the mature-but-unstable tip', why);
      set('epsilon', TIP_STABLE_EPSILON, 'the mature-but-unstable tip', why);
    }
  }

  const parameters = Object.fromEntries(
    PARAMETERS.map((key) => [key, { current: current[key], recommended: value[key], changed: value[key] !== current[key] }]),
  ) as Record<ParameterKey, ParameterAdvice>;
  return {
    agent: reading.kind,
    stage: stage.id,
    updates: reading.updates,
    parameters,
    findings,
    rationale,
    changed: PARAMETERS.some((key) => parameters[key].changed),
    measures: {
      epsilonNow: reading.epsilon,
      qRange,
      qStd: reading.qStd,
      rewardStd,
      returnStd,
      improvement: improvement?.interval ?? null,
      convergenceRatio: ratio,
      choiceConcentration: concentration?.share ?? null,
      meanReward,
    },
  };
}
