/**
 * Runs RunSpecs in a piscina pool (DESIGN §7). Each dataset is loaded once by the caller, into
 * SharedArrayBuffer columns that every worker reads in place; specs go to the workers in order and
 * come back in spec order whatever the number of workers, so results do not depend on it. A run
 * that throws, or whose worker dies, is recorded as failed with its error; the others finish.
 * Aborting (Ctrl-C) cancels the runs not yet finished and keeps the finished ones.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { RUNTIME_NODE_FLAGS, SEMI_SPACE_MB } from '../config/runtime.js';
import type { MarketData } from '../engine/replay.js';
import type { RunOutcome, RunOutcomeOk } from './execute-spec.js';
import type { RunSpecInput } from './run-spec.js';
import type { RunTask } from './worker.js';

export interface RunnerOptions {
  /** Worker threads (default: the number of cores). */
  readonly workers?: number;
  /** Called as each run ends (done counts finished and failed runs). */
  readonly onProgress?: (done: number, total: number, outcome: RunOutcome) => void;
  /** Stops handing out runs and cancels the running ones; finished ones are kept. */
  readonly signal?: AbortSignal;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** The worker module: compiled JavaScript beside this file, or the TypeScript source run through tsx (tests). */
function workerFile(): { filename: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { filename: here.replace(/pool\.ts$/, 'worker.ts'), execArgv: ['--import', 'tsx'] };
  return { filename: here.replace(/pool\.js$/, 'worker.js'), execArgv: [] };
}

export async function runSpecs(specs: readonly RunSpecInput[], markets: ReadonlyMap<string, MarketData>, options: RunnerOptions = {}): Promise<RunOutcome[]> {
  for (const spec of specs) if (!markets.has(spec.dataset)) throw new Error(`run ${spec.id}: dataset ${spec.dataset} is not loaded`);
  const workers = Math.max(1, Math.min(options.workers ?? defaultWorkers(), specs.length));
  const { filename, execArgv } = workerFile();
  const pool = new Piscina<RunTask, RunOutcomeOk>({
    filename,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    execArgv: [...execArgv, ...RUNTIME_NODE_FLAGS.filter((flag) => !flag.startsWith('--max-semi-space-size'))],
    resourceLimits: { maxYoungGenerationSizeMb: 2 * SEMI_SPACE_MB },
  });
  // Every queued run listens to the one signal.
  if (options.signal !== undefined) setMaxListeners(specs.length + 16, options.signal);
  let done = 0;
  try {
    return await Promise.all(
      specs.map(async (spec): Promise<RunOutcome> => {
        let outcome: RunOutcome;
        try {
          outcome = await pool.run({ spec, market: markets.get(spec.dataset)! }, options.signal === undefined ? {} : { signal: options.signal });
        } catch (error) {
          outcome = { id: spec.id, status: 'failed', error: describeFailure(error) };
        }
        done++;
        options.onProgress?.(done, specs.length, outcome);
        return outcome;
      }),
    );
  } finally {
    await pool.destroy();
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'AbortError') return 'cancelled';
    return error.message;
  }
  return String(error);
}
