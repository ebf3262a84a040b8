/**
 * A replay with an optional training part first: train on one period, then evaluate on another
 * with the learning policy's tables frozen (a policy that does not learn is built afresh for the
 * evaluation, so none of its own state leaks across). `replaylab replay --train-frac` and the
 * runner's workers both go through here.
 */
import { isRlPolicy } from '../agents/rl-policy.js';
import type { RunConfig } from '../config/run-config.js';
import type { MarketData } from '../engine/replay.js';
import type { SignalSources } from '../engine/signal-sources.js';
import type { Policy, PolicyParamValue } from '../policies/policy.js';
import { executeReplay, metricsDocument, type Period, type ReplayRunOutput } from './replay-run.js';

export type Phase = 'training' | 'evaluation';

export interface PhasedReplayInput {
  readonly market: MarketData;
  readonly config: RunConfig;
  readonly sources: SignalSources;
  readonly policy: Policy;
  readonly policyName: string;
  /** Builds the policy again (the evaluation of a policy that does not learn). */
  readonly rebuild: () => Promise<Policy>;
  readonly params: Readonly<Record<string, PolicyParamValue>>;
  readonly seed: number;
  readonly syntheticData: boolean;
  /** Trained on first, when given; `period` is then evaluated frozen. */
  readonly train?: Period;
  readonly period: Period;
  /** Where each phase writes its events.jsonl, if anywhere. */
  readonly eventsFile?: (phase: Phase) => string | undefined;
}

export interface PhaseResult {
  readonly output: ReplayRunOutput;
  /** metrics.json of the phase: the metrics, plus the agents' summary for a learning policy. */
  readonly document: ReturnType<typeof metricsDocument> & { rl?: unknown };
}

export interface PhasedReplayResult {
  readonly training: PhaseResult | undefined;
  readonly evaluation: PhaseResult;
  /** A training part in which no agent made a single update (too short to learn anything). */
  readonly trainedNothing: boolean;
}

export async function phasedReplay(input: PhasedReplayInput): Promise<PhasedReplayResult> {
  const rl = isRlPolicy(input.policy) ? input.policy : undefined;
  const phase = (name: Phase, policy: Policy, period: Period): PhaseResult => {
    const eventsFile = input.eventsFile?.(name);
    const output = executeReplay({
      market: input.market,
      config: input.config,
      policy,
      policyName: input.policyName,
      params: input.params,
      seed: input.seed,
      period,
      sources: input.sources,
      ...(eventsFile === undefined ? {} : { eventsFile }),
    });
    const document = {
      ...metricsDocument(output, { policy: input.policyName, seed: input.seed, syntheticData: input.syntheticData }),
      ...(rl === undefined ? {} : { rl: rl.summary() }),
    };
    return { output, document };
  };

  let training: PhaseResult | undefined;
  let trainedNothing = false;
  let policy = input.policy;
  if (input.train !== undefined) {
    if (rl !== undefined) rl.mode = 'train';
    training = phase('training', policy, input.train);
    if (rl !== undefined) {
      trainedNothing = rl.summary().agents.every((agent) => agent.updatesThisRun === 0);
      rl.mode = 'eval';
    } else {
      policy = await input.rebuild();
    }
  }
  return { training, evaluation: phase('evaluation', policy, input.period), trainedNothing };
}
