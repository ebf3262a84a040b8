/**
 * The numbers of the team's "RL v2 Deployment & Operations Guide" (seeds/) that `replaylab monitor`
 * and `replaylab tune` apply, each with the guide's wording and the section it comes from. Where the
 * guide names a symptom but gives no number, the threshold below is replaylab's, and says so.
 */

// ---------------------------------------------------------------------------------------------
// Learning stages ("Hyperparameter Guidelines" table, and the "Health check" lines of the
// dashboard screens: "🌱 Early learning stage (< 100 updates)", "📚 Active learning (100-1000 updates)").

export type StageId = 'early' | 'active' | 'mature';

export interface Range {
  readonly low: number;
  readonly high: number;
}

export interface Stage {
  readonly id: StageId;
  /** The guide's column heading. */
  readonly name: string;
  /** The health-check line of the dashboard. */
  readonly healthLine: string;
  /** The guide's ranges for this stage ("Hyperparameter Guidelines"). */
  readonly alpha: Range;
  readonly gamma: Range;
  readonly epsilon: Range;
}

/** Below this many updates an agent is in its early learning stage. */
export const ACTIVE_FROM_UPDATES = 100;
/** Above this many updates an agent is mature ("Active learning (100-1000 updates)"). */
export const MATURE_ABOVE_UPDATES = 1000;

export const STAGES: Readonly<Record<StageId, Stage>> = {
  early: {
    id: 'early',
    name: 'Early Learning',
    healthLine: '🌱 Early learning stage (< 100 updates)',
    alpha: { low: 0.01, high: 0.02 },
    gamma: { low: 0.95, high: 0.99 },
    epsilon: { low: 0.2, high: 0.3 },
  },
  active: {
    id: 'active',
    name: 'Active Learning',
    healthLine: '📚 Active learning (100-1000 updates)',
    alpha: { low: 0.01, high: 0.015 },
    gamma: { low: 0.98, high: 0.99 },
    epsilon: { low: 0.1, high: 0.2 },
  },
  mature: {
    id: 'mature',
    name: 'Mature Agent',
    // The guide's screens show no line for this stage; worded after its table's column.
    healthLine: '🎓 Mature agent (> 1000 updates)',
    alpha: { low: 0.001, high: 0.005 },
    gamma: { low: 0.99, high: 0.999 },
    epsilon: { low: 0.01, high: 0.05 },
  },
};

export function stageOf(updates: number): Stage {
  if (updates < ACTIVE_FROM_UPDATES) return STAGES.early;
  if (updates <= MATURE_ABOVE_UPDATES) return STAGES.active;
  return STAGES.mature;
}

// ---------------------------------------------------------------------------------------------
// Health checks (the dashboard's "🏥 HEALTH CHECK" and "Troubleshooting").

/** "Q-Tables Too Large (> 10 MB): Q-table files exceed 10 MB, slow loading" (Troubleshooting). */
export const TABLE_TOO_LARGE_BYTES = 10 * 1024 * 1024;
/** 1 KB as the dashboard counts it ("Q-Table Size: 8.45 KB"). */
export const BYTES_PER_KB = 1024;

/** "Agent Not Exploiting (Always Exploring): Epsilon stays high (> 0.2)" (Troubleshooting). */
export const NOT_EXPLOITING_EPSILON = 0.2;
/** "Agent exploiting more than exploring (epsilon < 0.1)" (Success Criteria 5). */
export const EXPLOITING_EPSILON = 0.1;

/**
 * What ε says about an agent, after "Growth Expectations": Day 1 ε ~0.09 "High exploration",
 * Week 1 ~0.07-0.08 "Reduced exploration, forming preferences", Month 1 ~0.05-0.06 "Mostly
 * exploiting, occasional exploration", Month 3+ 0.01-0.05 "Highly exploitative, minimal
 * exploration". The bounds between them sit halfway between the guide's figures (0.085, 0.065);
 * above 0.2 the agent is not exploiting (Troubleshooting).
 */
export const EXPLORATION_LEVELS = [
  { above: NOT_EXPLOITING_EPSILON, status: 'warn', line: '⚠️  Agent not exploiting (ε > 0.2): always exploring' },
  { above: 0.085, status: 'info', line: '🔍 High exploration rate - still learning' },
  { above: 0.065, status: 'info', line: '🔍 Reduced exploration, forming preferences' },
  { above: 0.05, status: 'ok', line: '✅ Mostly exploiting, occasional exploration' },
  { above: Number.NEGATIVE_INFINITY, status: 'ok', line: '✅ Highly exploitative, minimal exploration' },
] as const;

export function explorationLevel(epsilon: number): (typeof EXPLORATION_LEVELS)[number] {
  return EXPLORATION_LEVELS.find((level) => epsilon > level.above)!;
}

// ---------------------------------------------------------------------------------------------
// Tuning tips ("Hyperparameter Guidelines" → "Tuning tips", and "Troubleshooting").

/** "High variance in rewards? → Lower gamma (0.95)"; also "High Q-Value Variance" solution 1. */
export const TIP_LOW_GAMMA = 0.95;
/** "Agent not learning? → Increase alpha (0.02)". */
export const TIP_HIGH_ALPHA = 0.02;
/** "Stuck in local optimum? → Increase epsilon (0.2)". */
export const TIP_HIGH_EPSILON = 0.2;
/** "Mature but unstable? → Lower alpha (0.005) and epsilon (0.01)"; α 0.005 is also "High Q-Value Variance" solution 2. */
export const TIP_STABLE_ALPHA = 0.005;
export const TIP_STABLE_EPSILON = 0.01;

/** "High Q-Value Variance: Q-values range from -10 to +10 (very wide)" (Troubleshooting): a range this wide. */
export const WIDE_Q_RANGE = 20;

/**
 * "High variance in rewards?" — the guide gives no number. replaylab calls the rewards' variance high
 * when the standard deviation of a discounted return of such rewards, σ_r / √(1 − γ²) (i.i.d.
 * rewards of standard deviation σ_r), exceeds 10: half the Q-value range the guide calls very wide
 * (−10 to +10), so that one standard deviation either side already spans it. Lowering γ shrinks it.
 */
export const HIGH_RETURN_STD = WIDE_Q_RANGE / 2;

/**
 * "Agent not learning?" — replaylab's measure: over the agent's training trades (in order), the
 * probability that a trade of the last third has a higher pnlPct (the main term of every reward)
 * than a trade of the first third. At or below 0.5 its trading did not get better while it learned.
 * Measured only with at least this many trades in each third.
 */
export const NOT_LEARNING_PROBABILITY = 0.5;
export const MIN_TRADES_PER_THIRD = 30;

/**
 * "Stuck in local optimum?" — replaylab's measure: in the states the agent chose in at least
 * `STUCK_MIN_VISITS` times, the share of those choices that went to each state's most-chosen action
 * (weighted by visits). At or above 0.8 while its mean reward is not above 0, it keeps repeating
 * actions that do not pay.
 */
export const STUCK_CONCENTRATION = 0.8;
export const STUCK_MIN_VISITS = 20;

/** Sections of the guide, as cited in rationales. */
export const GUIDE = 'RL v2 Deployment & Operations Guide';
