/**
 * Runs RunSpecs in a piscina pool (DESIGN §7). Each dataset is loaded once by the caller, into
 * SharedArrayBuffer columns that every worker reads in place; the signal sources derived from it
 * (market features, strategy signals, model scores) are computed once per batch, by the first run
 * that reads them, into shared memory too (shared-sources.ts).
 *
 * Runs are handed out one per free worker: the longest first (most bars replayed), those of one seed
 * together, and among those waiting, preferably one that needs no source another running run may be
 * computing right now (so that two workers do not wait on one computation). The order changes when
 * each run happens, not what it computes: outcomes come back in spec order and do not depend on the
 * number of workers. A run that throws, or whose worker dies, is recorded as failed with its error;
 * the others finish. Aborting (Ctrl-C) cancels the runs not yet finished and keeps the finished ones.
 * `runSpecs` runs one batch on a pool of its own; `createRunner` keeps a pool for several batches.
 *
 * Each worker costs ~45 MB of RSS idle (its V8 heap and modules; its young generation is 2 × 4 MB
 * semi-spaces, set process-wide by --max-semi-space-size, which then overrides resourceLimits) and
 * ~100–110 MB more while replaying a year of 1-minute bars (heap growth, per-run arrays not yet
 * collected, the sources of its run in flight); and ~1 s of CPU compiling the same code again (V8
 * compiles per isolate), on V8's background threads, which compete with the workers when they fill
 * every core. See config/runtime.ts for the V8 flags a batch runs with.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { resolveConfig, type RunConfig } from '../config/run-config.js';
import { SEMI_SPACE_MB } from '../config/runtime.js';
import type { MarketData } from '../engine/replay.js';
import { sourceKeys } from '../engine/signal-sources.js';
import type { RunOutcome, RunOutcomeOk } from './execute-spec.js';
import { RunSpecSchema, type RunSpecInput } from './run-spec.js';
import { SourceHub, sharedSourceKey } from './shared-sources.js';
import type { RunTask } from './worker.js';

export interface RunnerOptions {
  /** Worker threads (default: the number of cores). */
  readonly workers?: number;
  /** Called as each run ends (done counts finished and failed runs). */
  readonly onProgress?: (done: number, total: number, outcome: RunOutcome) => void;
  /** Stops handing out runs and cancels the running ones; finished ones are kept. */
  readonly signal?: AbortSignal;
  /**
   * Bytes of signal sources kept for later runs of the batch (default SHARED_SOURCES_BYTES). Past
   * it, the least recently used ones that no running run holds are dropped and computed again when
   * read: a smaller budget costs time, never changes results.
   */
  readonly sharedSourcesBytes?: number;
}

/**
 * Default budget of kept signal sources, 512 MB: a one-year 1-minute dataset's market features
 * and strategy signals take ~31 MB per config, its synthetic model scores ~17 MB per seed.
 */
export const SHARED_SOURCES_BYTES = 512e6;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** The worker module: compiled JavaScript beside this file, or the TypeScript source run through tsx (tests). */
function workerFile(): { filename: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { filename: here.replace(/pool\.ts$/, 'worker.ts'), execArgv: ['--import', 'tsx'] };
  return { filename: here.replace(/pool\.js$/, 'worker.js'), execArgv: [] };
}

/** What the runner knows of a spec before it runs: the hub's keys of the sources it may read, how many bars it replays, its seed. */
interface Plan {
  readonly mayRead: readonly string[];
  readonly bars: number;
  readonly seed: number;
}

/** A spec's plan. A spec that does not parse, or whose config does not resolve, fails before reading any source. */
function planOf(spec: RunSpecInput, market: MarketData, configs: Map<string, RunConfig | undefined>): Plan {
  const parsed = RunSpecSchema.safeParse(spec);
  if (!parsed.success) return { mayRead: [], bars: 0, seed: 0 };
  const { config: input, seed, period, train } = parsed.data;
  const bars = period.endIndex - period.startIndex + (train === undefined ? 0 : train.endIndex - train.startIndex);
  const text = JSON.stringify(input);
  if (!configs.has(text)) {
    try {
      configs.set(text, resolveConfig(input));
    } catch {
      configs.set(text, undefined);
    }
  }
  const config = configs.get(text);
  if (config === undefined) return { mayRead: [], bars, seed };
  const keys = sourceKeys(market, config, seed);
  const mayRead = [keys.tradeRanges, keys.marketFeatures, keys.strategySignals, keys.modelScores]
    .filter((key) => key !== undefined)
    .map((key) => sharedSourceKey(spec.dataset, key));
  return { mayRead, bars, seed };
}

/** How far down the waiting runs the runner looks for one that needs nothing being computed. */
const LOOKAHEAD = 64;

/** Options of one batch on a runner. */
export interface BatchOptions {
  /** Called as each run ends (done counts finished and failed runs). */
  readonly onProgress?: (done: number, total: number, outcome: RunOutcome) => void;
  /** Stops handing out runs and cancels the running ones; finished ones are kept. */
  readonly signal?: AbortSignal;
}

/**
 * A pool of worker threads that runs batches of specs, one batch at a time, until it is closed.
 * Each worker loads and compiles replaylab once, so a caller with several batches (the rounds of a
 * search, say) pays that once rather than per batch; `runSpecs` is one
 * batch on a runner of its own. The signal sources are shared within a batch, not across batches.
 */
export interface Runner {
  /** Worker threads of the pool. */
  readonly workers: number;
  /** One batch: the outcomes in spec order. A runner runs one batch at a time. */
  run(specs: readonly RunSpecInput[], markets: ReadonlyMap<string, MarketData>, options?: BatchOptions): Promise<RunOutcome[]>;
  /** Stops the workers; runs of a batch still in progress fail with the pool's error (cancel them with its signal first). */
  close(): Promise<void>;
}

export function createRunner(options: Pick<RunnerOptions, 'workers' | 'sharedSourcesBytes'> = {}): Runner {
  const workers = Math.max(1, options.workers ?? defaultWorkers());
  const budget = options.sharedSourcesBytes ?? SHARED_SOURCES_BYTES;
  const { filename, execArgv } = workerFile();
  const pool = new Piscina<RunTask, RunOutcomeOk>({
    filename,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    // V8 flags are the process's (RUNTIME_NODE_FLAGS, set when it started): a worker cannot take its own.
    execArgv,
    resourceLimits: { maxYoungGenerationSizeMb: 2 * SEMI_SPACE_MB },
  });
  let busy = false;
  let closed = false;
  return {
    workers,
    async run(specs, markets, batch = {}) {
      if (closed) throw new Error('this runner is closed');
      if (busy) throw new Error('a runner runs one batch at a time');
      busy = true;
      try {
        return await runBatch(pool, workers, budget, specs, markets, batch);
      } finally {
        busy = false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.destroy();
    },
  };
}

export async function runSpecs(specs: readonly RunSpecInput[], markets: ReadonlyMap<string, MarketData>, options: RunnerOptions = {}): Promise<RunOutcome[]> {
  const runner = createRunner({
    workers: Math.max(1, Math.min(options.workers ?? defaultWorkers(), specs.length)),
    ...(options.sharedSourcesBytes === undefined ? {} : { sharedSourcesBytes: options.sharedSourcesBytes }),
  });
  try {
    return await runner.run(specs, markets, options);
  } finally {
    await runner.close();
  }
}

async function runBatch(
  pool: Piscina<RunTask, RunOutcomeOk>,
  workers: number,
  budget: number,
  specs: readonly RunSpecInput[],
  markets: ReadonlyMap<string, MarketData>,
  options: BatchOptions,
): Promise<RunOutcome[]> {
  for (const spec of specs) if (!markets.has(spec.dataset)) throw new Error(`run ${spec.id}: dataset ${spec.dataset} is not loaded`);
  const hub = new SourceHub(budget);
  const configs = new Map<string, RunConfig | undefined>();
  const plans = specs.map((spec) => planOf(spec, markets.get(spec.dataset)!, configs));
  for (const plan of plans) hub.expect(plan.mayRead);

  const outcomes = new Array<RunOutcome>(specs.length);
  // Longest first (the last runs to end are short ones: the workers finish together); among runs as
  // long, those of one seed together (the synthetic model scores of a seed are shared by its runs
  // and dropped once they have all ended), then in spec order.
  const waiting = specs.map((_, index) => index).sort((a, b) => plans[b]!.bars - plans[a]!.bars || plans[a]!.seed - plans[b]!.seed || a - b);
  const running = new Set<number>();
  let done = 0;
  const settle = (index: number, outcome: RunOutcome): void => {
    outcomes[index] = outcome;
    done++;
    options.onProgress?.(done, specs.length, outcome);
  };

  /** The position in `waiting` of the next run to hand out. */
  const pick = (): number => {
    const computing = new Set<string>();
    for (const index of running) for (const key of plans[index]!.mayRead) if (!hub.has(key)) computing.add(key);
    const end = Math.min(waiting.length, LOOKAHEAD);
    for (let at = 0; at < end; at++) {
      if (plans[waiting[at]!]!.mayRead.every((key) => !computing.has(key))) return at;
    }
    return 0;
  };

  const execute = async (index: number): Promise<void> => {
    const spec = specs[index]!;
    const channel = hub.open(spec.dataset, plans[index]!.mayRead);
    let outcome: RunOutcome;
    try {
      const task: RunTask = { spec, market: markets.get(spec.dataset)!, sources: channel.link };
      outcome = await pool.run(task, { transferList: [channel.link.port], ...(options.signal === undefined ? {} : { signal: options.signal }) });
    } catch (error) {
      outcome = { id: spec.id, status: 'failed', error: describeFailure(error) };
    } finally {
      channel.end();
    }
    settle(index, outcome);
  };

  let handOut = (): void => {};
  try {
    await new Promise<void>((resolve, reject) => {
      handOut = (): void => {
        if (options.signal?.aborted === true) {
          for (const index of waiting.splice(0)) settle(index, { id: specs[index]!.id, status: 'failed', error: 'cancelled' });
        }
        while (running.size < workers && waiting.length > 0) {
          const index = waiting.splice(pick(), 1)[0]!;
          running.add(index);
          execute(index).then(() => {
            running.delete(index);
            handOut();
          }, reject); // onProgress threw
        }
        if (running.size === 0 && waiting.length === 0) resolve();
      };
      options.signal?.addEventListener('abort', handOut, { once: true });
      handOut();
    });
    return outcomes;
  } finally {
    options.signal?.removeEventListener('abort', handOut);
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'AbortError') return 'cancelled';
    return error.message;
  }
  return String(error);
}
