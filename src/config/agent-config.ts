/**
 * The `agents` section of the run configuration (DESIGN §6): every number of RL v1 and RL v2 —
 * Q-learning hyperparameters, bin edges, action lists, masks, reward weights, sizing and risk — with
 * its default and description. `replaylab config defaults` prints it all.
 */
import { z } from 'zod';

/** The strategies and regimes, as the signals and features name them (a test keeps them in step). */
export const STRATEGY_IDS = ['dual_momentum', 'mean_reversion', 'breakout'] as const;
export const REGIME_IDS = ['TREND', 'RANGE', 'BREAKOUT', 'MEAN_REVERSION'] as const;

const strategyId = z.enum(STRATEGY_IDS);

export const QLearningConfigSchema = z.strictObject({
  alpha: z.number().gt(0).max(1).default(0.01).describe('Learning rate α of the TD update.'),
  gamma: z.number().min(0).lt(1).default(0.99).describe('Discount factor γ: weight of the next state’s best Q-value.'),
  epsilon: z.number().min(0).max(1).default(0.1).describe('Exploration rate ε of a new table (a warm-started table continues from its own ε).'),
  epsilonDecay: z
    .number()
    .gt(0)
    .max(1)
    .default(0.9995)
    .describe('ε is multiplied by this after every update (0.9995: 0.1 → ≈0.09 after 200 updates, ≈0.05 after 1,400).'),
  epsilonMin: z.number().min(0).max(1).default(0.01).describe('Floor below which ε never decays.'),
});
export type QLearningConfig = z.output<typeof QLearningConfigSchema>;

/** Bin edges of a continuous state feature: value < edges[0] → bin 0, …, ≥ edges[last] → bin edges.length. */
const edges = (description: string, fallback: number[]) => z.array(z.number().finite()).max(31).default(fallback).describe(description);

const exits = z.strictObject({
  stopLoss: z.number().gt(0).lt(1).nullable().default(0.02).describe('Stop-loss distance from the fill price (fraction); null: none.'),
  takeProfit: z.number().gt(0).nullable().default(0.04).describe('Take-profit distance from the fill price (fraction); null: none.'),
  maxBars: z.number().int().min(1).nullable().default(24).describe('Time exit: close at the close of the maxBars-th bar held; null: none.'),
});

const regimeTable = <T extends z.ZodType>(value: T, fallback: Record<(typeof REGIME_IDS)[number], z.input<T>>, description: string) =>
  z
    .strictObject({
      TREND: value.default(fallback.TREND as never),
      RANGE: value.default(fallback.RANGE as never),
      BREAKOUT: value.default(fallback.BREAKOUT as never),
      MEAN_REVERSION: value.default(fallback.MEAN_REVERSION as never),
    })
    .prefault({})
    .describe(description);

const alignment = z.strictObject({
  dual_momentum: z.number().min(-1).max(1),
  mean_reversion: z.number().min(-1).max(1),
  breakout: z.number().min(-1).max(1),
});

export const RlV2ConfigSchema = z.strictObject({
  strategies: z.array(strategyId).min(1).default([...STRATEGY_IDS]).describe('Strategy axis of the meta action space.'),
  weights: z
    .array(z.number().min(0).max(1))
    .min(1)
    .default([0.3, 0.4, 0.5, 0.6, 0.7])
    .describe('Weight axis: combined score = weight · strategyScore + (1 − weight) · modelScore. The model axis is models.names.'),
  sizeMultipliers: z.array(z.number().gt(0).max(1)).min(1).default([0.2, 0.4, 0.6, 0.8, 1]).describe('Size axis of the sizing action space.'),
  leverages: z.array(z.number().min(1).max(125)).min(1).default([1, 3, 5, 8, 10, 15, 20, 25]).describe('Leverage axis of the sizing action space.'),
  meta: QLearningConfigSchema.prefault({}).describe('Q-learning of the meta-strategy agent.'),
  sizing: QLearningConfigSchema.prefault({}).describe('Q-learning of the position-sizing agent.'),
  metaBins: z
    .strictObject({
      volatility: edges('Edges of volatility (rank, 0…1).', [0.25, 0.5, 0.75]),
      marketPressure: edges('Edges of marketPressure (−1…1).', [-0.2, 0.2]),
      confidence: edges('Edges of confidence: the strongest |combined score| among the allowed meta actions, capped at 1 (≥ entryThreshold whenever the agent decides).', [0.33, 0.66]),
      previousWinRate: edges('Edges of previousWinRate: win rate of the last features.winRateTrades trades (0…1).', [0.4, 0.6]),
      accountHealth: edges('Edges of accountHealth (0…1).', [0.5, 0.8]),
    })
    .prefault({})
    .describe('Meta state: regime (4 categories) and these five binned features.'),
  sizingBins: z
    .strictObject({
      signalConfidence: edges('Edges of signalConfidence: |combined score| of the chosen meta action (0…1).', [0.33, 0.66]),
      portfolioExposure: edges('Edges of portfolioExposure: margin in open positions / equity (0…1; 0 at every decision while one position is held at a time).', [0.25, 0.5]),
      recentWinRate: edges('Edges of recentWinRate: win rate of the agent’s last recentWinRateTrades trades (0…1).', [0.4, 0.6]),
      volatility: edges('Edges of volatility (rank, 0…1).', [0.25, 0.5, 0.75]),
      equityCurveSlope: edges('Edges of equityCurveSlope (−1…1).', [-0.2, 0.2]),
    })
    .prefault({})
    .describe('Sizing state: five binned features.'),
  recentWinRateTrades: z.number().int().min(1).max(1000).default(5).describe('Trades in the sizing state’s recentWinRate.'),
  regimeMask: regimeTable(
    z.array(strategyId),
    { TREND: ['mean_reversion'], RANGE: ['breakout'], BREAKOUT: ['mean_reversion'], MEAN_REVERSION: ['dual_momentum'] },
    'Strategies the meta agent may not choose in each regime (masked actions are never chosen).',
  ),
  regimeAlignment: regimeTable(
    alignment,
    {
      TREND: { dual_momentum: 1, mean_reversion: -1, breakout: 0.5 },
      RANGE: { dual_momentum: -0.5, mean_reversion: 1, breakout: -1 },
      BREAKOUT: { dual_momentum: 0.5, mean_reversion: -1, breakout: 1 },
      MEAN_REVERSION: { dual_momentum: -1, mean_reversion: 1, breakout: -0.5 },
    },
    'regimeAlignment ∈ [−1, 1] of each strategy in each regime (the regime at entry), used by the meta reward.',
  ),
  metaReward: z
    .strictObject({
      pnl: z.number().default(1).describe('Weight of pnlPct: the trade’s net PnL as % of equity at entry.'),
      drawdown: z.number().default(0.5).describe('Weight of maxDrawdownPct (subtracted): the trade’s worst adverse excursion as % of equity at entry.'),
      sharpe: z.number().default(0.2).describe('Weight of sharpeSignal: mean / std of the agent’s last sharpeTrades trade pnlPct, clipped to ±sharpeClip.'),
      regime: z.number().default(0.15).describe('Weight of regimeAlignment of the chosen strategy in the regime at entry.'),
      sharpeTrades: z.number().int().min(2).max(1000).default(20).describe('Trades in sharpeSignal (this one included).'),
      sharpeClip: z.number().positive().default(3).describe('sharpeSignal is clipped to [−sharpeClip, sharpeClip].'),
    })
    .prefault({})
    .describe('meta = pnl·pnlPct − drawdown·maxDrawdownPct + sharpe·sharpeSignal + regime·regimeAlignment'),
  sizeReward: z
    .strictObject({
      pnl: z.number().default(1).describe('Weight of pnlPct.'),
      risk: z.number().default(0.4).describe('Weight of riskPenalty (subtracted): max(0, effectiveLeverage × volatility − riskBudget).'),
      volatility: z
        .number()
        .default(0.1)
        .describe('Weight of volatilityAdjustment = (1 − 2·volatility) · (2·sizeLevel − 1): + for a large size in calm markets or a small one in volatile ones.'),
      riskBudget: z.number().min(0).default(1).describe('Effective leverage × volatility rank allowed before riskPenalty starts.'),
    })
    .prefault({})
    .describe('size = pnl·pnlPct − risk·riskPenalty + volatility·volatilityAdjustment (effectiveLeverage = notional / equity at entry; sizeLevel = multiplier·leverage / (largest multiplier · largest leverage)).'),
});

export const RlV1ConfigSchema = z.strictObject({
  strategy: strategyId.default('dual_momentum').describe('The one strategy RL v1 trades (its actions are model × weight).'),
  weights: z.array(z.number().min(0).max(1)).min(1).default([0.3, 0.4, 0.5, 0.6, 0.7]).describe('Weight axis (with models.names: 4 × 5 = 20 actions).'),
  sizeMultiplier: z.number().gt(0).max(1).default(1).describe('Static sizing: margin = equity · baseRiskFraction · sizeMultiplier.'),
  leverage: z.number().min(1).max(125).default(5).describe('Static sizing: leverage of every trade.'),
  q: QLearningConfigSchema.prefault({}).describe('Q-learning of the RL v1 agent.'),
  bins: z
    .strictObject({
      volatility: edges('Edges of volatility (rank, 0…1).', [0.25, 0.5, 0.75]),
      confidence: edges('Edges of confidence: the strongest |combined score| among the 20 actions, capped at 1.', [0.33, 0.66]),
      recentWinRate: edges('Edges of the win rate of the last features.winRateTrades trades (0…1).', [0.4, 0.6]),
    })
    .prefault({})
    .describe('RL v1 state: three binned features, no regime. Reward = pnlPct.'),
});

export const AgentConfigSchema = z
  .strictObject({
    entryThreshold: z.number().min(0).max(1).default(0.3).describe('A meta action trades when |combined score| ≥ this; a signal is generated when some allowed action does.'),
    baseRiskFraction: z
      .number()
      .gt(0)
      .max(1)
      .default(0.1)
      .describe('Share of equity a trade commits at multiplier 1: margin plus entry fee = equity · baseRiskFraction · size multiplier; notional ≈ margin · leverage.'),
    exits: exits.prefault({}).describe('Exits of every RL trade (positions are opened when flat, one at a time).'),
    v2: RlV2ConfigSchema.prefault({}).describe('RL v2: meta-strategy agent (strategy × model × weight) and position-sizing agent (size × leverage).'),
    v1: RlV1ConfigSchema.prefault({}).describe('RL v1 baseline: model × weight on one strategy, static sizing.'),
  })
  .describe('Reinforcement-learning agents (DESIGN §6).');

export type AgentConfig = z.output<typeof AgentConfigSchema>;
export type RlV2Config = AgentConfig['v2'];
export type RlV1Config = AgentConfig['v1'];

/** The value range a state feature lives in; bin edges must lie strictly inside it. */
export const FEATURE_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  volatility: [0, 1],
  marketPressure: [-1, 1],
  confidence: [0, 1],
  previousWinRate: [0, 1],
  accountHealth: [0, 1],
  signalConfidence: [0, 1],
  portfolioExposure: [0, 1],
  recentWinRate: [0, 1],
  equityCurveSlope: [-1, 1],
};

/** Problems with one feature's bin edges, as messages (empty when they fit the feature). */
export function binEdgeProblems(feature: string, values: readonly number[]): string[] {
  const range = FEATURE_RANGES[feature];
  const problems: string[] = [];
  values.forEach((edge, n) => {
    if (n > 0 && !(edge > values[n - 1]!)) problems.push(`edges must be strictly increasing, got ${values[n - 1]} then ${edge}`);
    if (range !== undefined && !(edge > range[0] && edge < range[1])) {
      problems.push(`edge ${edge} is outside the feature's range (${range[0]}, ${range[1]}): that bin could never be reached`);
    }
  });
  return problems;
}
