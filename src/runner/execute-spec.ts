/**
 * One RunSpec, start to finish, in this thread: resolve the config, build the policy, replay
 * (training first when the spec has a training period), and return plain data: the metrics
 * document, the daily equity curve, the agents' summary and Q-tables. The runner's workers call it;
 * so can tests, without threads.
 */
import { isRlPolicy } from '../agents/rl-policy.js';
import { renderQTable } from '../agents/qtable-file.js';
import { resolveConfig, type RunConfig } from '../config/run-config.js';
import type { MarketData } from '../engine/replay.js';
import { SignalSources, type SourceStore } from '../engine/signal-sources.js';
import { dailyEquity } from '../metrics/run-metrics.js';
import { loadPolicy } from '../policies/load-policy.js';
import { phasedReplay, type PhaseResult } from '../runs/phased-replay.js';
import { RunSpecSchema, type RunSpec, type RunSpecInput } from './run-spec.js';

export interface RunOutcomeOk {
  readonly id: string;
  readonly status: 'ok';
  readonly metrics: PhaseResult['document'];
  readonly training: PhaseResult['document'] | null;
  /** Equity at each UTC day's last close of the measured period, the starting cash first. */
  readonly dailyEquity: number[];
  readonly qtables: Readonly<Record<string, string>>;
  readonly replayMs: number;
}

export interface RunOutcomeFailed {
  readonly id: string;
  readonly status: 'failed';
  readonly error: string;
}

export type RunOutcome = RunOutcomeOk | RunOutcomeFailed;

/**
 * Signal sources per dataset and config, kept in this thread for the next run on the same data when
 * the caller brings no store (a run in this thread; the runner's workers share their batch's store).
 * The data is recognised by its key, size and end points rather than by object identity: a market
 * object rebuilt over the same columns is the same data.
 */
const sourcesCache = new Map<string, SignalSources>();

function sourcesFor(key: string, market: MarketData, config: RunConfig): SignalSources {
  const { rows, columns } = market.candles;
  const data = [key, rows, columns.openTime[0], columns.openTime[rows - 1], columns.close[rows - 1], market.trades?.rows ?? 0, market.predictionsPath ?? ''];
  const cacheKey = JSON.stringify([data, config.features, config.signals, config.models, config.engine.tickWalk]);
  let sources = sourcesCache.get(cacheKey);
  if (sources === undefined) {
    sources = new SignalSources(market, config);
    sourcesCache.set(cacheKey, sources);
  }
  return sources;
}

export interface ExecuteOptions {
  /**
   * Where the run's signal sources are obtained and kept: the runner's workers pass a store shared
   * by every run of the batch. Without one, they are kept in this thread for the next run.
   */
  readonly sources?: SourceStore;
}

export async function executeSpec(input: RunSpecInput, market: MarketData, options: ExecuteOptions = {}): Promise<RunOutcomeOk> {
  const spec: RunSpec = RunSpecSchema.parse(input);
  const config = resolveConfig(spec.config, `run ${spec.id}: config`);
  const sources = options.sources === undefined ? sourcesFor(spec.dataset, market, config) : new SignalSources(market, config, options.sources);
  const environment = { seed: spec.seed, symbol: market.symbol, intervalMs: market.intervalMs, config };
  const loaded = await loadPolicy(spec.policy.name, spec.policy.params, environment);
  const rl = isRlPolicy(loaded.policy) ? loaded.policy : undefined;
  if (rl !== undefined) {
    rl.mode = spec.mode;
    if (spec.warmStart !== undefined) rl.warmStart(spec.warmStart);
  }
  const { training, evaluation } = await phasedReplay({
    market,
    config,
    sources,
    policy: loaded.policy,
    policyName: loaded.name,
    rebuild: async () => (await loadPolicy(spec.policy.name, spec.policy.params, environment)).policy,
    params: spec.policy.params,
    seed: spec.seed,
    syntheticData: false,
    // A policy that does not learn has nothing to train: only the measured period is replayed.
    ...(spec.train === undefined || rl === undefined ? {} : { train: spec.train }),
    period: spec.period,
  });
  const output = evaluation.output;
  const qtables: Record<string, string> = {};
  if (rl !== undefined) for (const table of rl.tables) qtables[table.kind] = renderQTable(table);
  return {
    id: spec.id,
    status: 'ok',
    metrics: evaluation.document,
    training: training?.document ?? null,
    dailyEquity: Array.from(dailyEquity({ time: output.result.time, equity: output.result.equity, intervalMs: market.intervalMs, startingCash: output.result.startingCash })),
    qtables,
    replayMs: output.replayMs,
  };
}
