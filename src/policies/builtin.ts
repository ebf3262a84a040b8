/**
 * The built-in policies: `buy-and-hold`, `random` (seeded by the run) and `fixed` (one meta ×
 * sizing action, always the same: the baseline an RL agent must beat by choosing).
 */
import { z } from 'zod';
import { RlPolicy } from '../agents/rl-policy.js';
import { defaultConfig } from '../config/run-config.js';
import { InputError } from '../data/errors.js';
import { combinedScore, scoreDirection } from '../signals/combined-score.js';
import { STRATEGY_NAMES } from '../signals/strategies.js';
import { checkParams } from './params.js';
import type { OrderIntentInput, PolicyFactory, PolicyOutput } from './policy.js';

const sizing = {
  fraction: z.number().gt(0).max(1).default(1).describe('margin + fee as a fraction of equity'),
  leverage: z.number().min(1).max(125).default(1),
  stopLoss: z.number().gt(0).lt(1).optional(),
  takeProfit: z.number().gt(0).optional(),
  maxBars: z.number().int().min(1).optional(),
};

/** Buys at the first close with `fraction` of equity and holds to the end. */
export const buyAndHold: PolicyFactory = (params) => {
  const p = checkParams('buy-and-hold', { fraction: sizing.fraction, leverage: sizing.leverage }, params);
  let entered = false;
  return {
    name: 'buy-and-hold',
    onBar() {
      if (entered) return undefined;
      entered = true;
      return { type: 'open', side: 'long', fraction: p.fraction, leverage: p.leverage, decision: { tag: 'buy-and-hold' } };
    },
  };
};

/**
 * At each close, with probability `probability`: when flat, opens long or short at random;
 * when in a position, closes it. Every draw comes from the run's seeded stream.
 */
export const randomPolicy: PolicyFactory = (params) => {
  const p = checkParams('random', { probability: z.number().min(0).max(1).default(0.05), ...sizing }, params);
  return {
    name: 'random',
    onBar(ctx): PolicyOutput {
      if (ctx.rng.next() >= p.probability) return undefined;
      if (ctx.position !== undefined) return { type: 'close' };
      const side = ctx.rng.next() < 0.5 ? 'long' : 'short';
      return {
        type: 'open',
        side,
        fraction: p.fraction,
        leverage: p.leverage,
        stopLoss: p.stopLoss,
        takeProfit: p.takeProfit,
        maxBars: p.maxBars,
        decision: { tag: 'random' },
      };
    },
  };
};

/**
 * One action held fixed: score = weight · strategy signal + (1 − weight) · model score (model
 * `none`: the strategy alone). |score| ≥ threshold opens that side, reversing an opposite position.
 */
export const fixedAction: PolicyFactory = (params) => {
  const p = checkParams(
    'fixed',
    {
      strategy: z.enum(STRATEGY_NAMES).default('dual_momentum'),
      model: z.string().default('none'),
      weight: z.number().min(0).max(1).default(0.5),
      threshold: z.number().min(0).max(1).default(0.3),
      sizeMultiplier: z.number().gt(0).max(1).default(1),
      ...sizing,
    },
    params,
  );
  const weight = p.model === 'none' ? 1 : p.weight;
  return {
    name: 'fixed',
    onBar(ctx): PolicyOutput {
      const signal = ctx.strategy(p.strategy);
      const modelScore = p.model === 'none' ? 0 : ctx.model(p.model);
      const score = combinedScore(weight, signal.direction * signal.strength, modelScore);
      const direction = scoreDirection(score, p.threshold);
      if (direction === 0) return undefined;
      const side = direction === 1 ? 'long' : 'short';
      if (ctx.position?.side === side) return undefined;
      ctx.signal(p.strategy, direction, Math.min(1, Math.abs(score)), { model: p.model, weight, score });
      const open: OrderIntentInput = {
        type: 'open',
        side,
        fraction: p.fraction * p.sizeMultiplier,
        leverage: p.leverage,
        stopLoss: p.stopLoss,
        takeProfit: p.takeProfit,
        maxBars: p.maxBars,
        decision: { strategy: p.strategy, model: p.model, weight, sizeMultiplier: p.sizeMultiplier, leverage: p.leverage, score },
      };
      return ctx.position === undefined ? open : [{ type: 'close' }, open];
    },
  };
};

/** RL v1 / RL v2 (src/agents): every number comes from the config's `agents` section, not from --param. */
const rlPolicy =
  (variant: 'rl-v1' | 'rl-v2'): PolicyFactory =>
  (params, environment) => {
    const given = Object.keys(params);
    if (given.length > 0) {
      throw new InputError(`${variant} takes no --param (got ${given.join(', ')}): its numbers live in the config's agents section (see \`replaylab config defaults\`), given with --config FILE`);
    }
    return new RlPolicy(variant, environment.config ?? defaultConfig());
  };

export const BUILTIN_POLICIES: Readonly<Record<string, { factory: PolicyFactory; description: string }>> = {
  'buy-and-hold': { factory: buyAndHold, description: 'buy at the first close, hold to the end (params: fraction, leverage)' },
  random: {
    factory: randomPolicy,
    description: 'seeded coin flips: open long/short when flat, close when in (params: probability, fraction, leverage, stopLoss, takeProfit, maxBars)',
  },
  fixed: {
    factory: fixedAction,
    description: 'one strategy × model × weight action held fixed (params: strategy, model, weight, threshold, sizeMultiplier, fraction, leverage, …)',
  },
  'rl-v1': { factory: rlPolicy('rl-v1'), description: 'RL v1 baseline: Q-learning over model × weight on one strategy, static sizing (config: agents.v1)' },
  'rl-v2': {
    factory: rlPolicy('rl-v2'),
    description: 'RL v2: meta-strategy agent (strategy × model × weight) and position-sizing agent (size × leverage) (config: agents.v2)',
  },
};

