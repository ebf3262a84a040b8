/**
 * Sweep throughput and memory: one batch of RunSpecs (rl-v2 and random over a few configs × seeds,
 * on the one-year 1-minute kline file) run on the runner's piscina pool with 1 and with 2 worker
 * threads.
 *
 * Every measurement runs in a child process of its own (`--child sweep --file F --workers N`,
 * internal) started with replaylab's V8 flags, so that its peak RSS (`process.resourceUsage().maxRSS`,
 * which counts the worker threads) is its own. The child loads the file once into shared memory
 * (parse, cache off), creates a runner (`createRunner`) and runs two batches of the same shape on it:
 *
 * - the cold batch (other seeds) from the runner's creation: the pool's start-up, and each worker
 *   loading replaylab and compiling its hot code (V8 compiles per thread), are in its time, as in a
 *   user's one-off sweep;
 * - then the measured batch on the warm workers: the steady throughput a sweep of any length tends
 *   to, which the 2-worker target is checked on. Each batch computes its own signal sources.
 *
 * It prints one JSON line: both batches' wall and CPU time, the RSS before them and the peak RSS, and
 * digests of the outcomes (timings left out). The parent runs rounds of one child per worker count
 * (1, 2, 1, 2 …: a change in the machine's load hits both alike), takes medians, and checks that
 * every child produced the same digests: outcomes must not depend on the number of workers.
 *
 * This module pulls in the runner (and through it the engine, the policies and zod): main.ts
 * imports it only when the sweep section runs.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RUNTIME_NODE_FLAGS } from '../src/config/runtime.js';
import { loadMarkets } from '../src/runner/markets.js';
import { createRunner, type Runner } from '../src/runner/pool.js';
import type { MarketData } from '../src/engine/replay.js';
import type { RunOutcome } from '../src/runner/execute-spec.js';
import type { RunSpecInput } from '../src/runner/run-spec.js';

/** The worker counts compared (the targets are for a 2-core machine). */
export const SWEEP_WORKERS: readonly number[] = [1, 2];


/**
 * Configs of the batch. Each changes what the runs' market features or strategy signals are (the
 * data a worker derives from the dataset), as a sweep over feature and signal settings does; the
 * agents' settings change too, so that no two runs are the same.
 */
const SWEEP_CONFIGS: readonly { readonly key: string; readonly config: Record<string, unknown> }[] = [
  { key: 'defaults', config: {} },
  { key: 'slow', config: { features: { volatilityWindow: 30, trendWindow: 40 }, signals: { breakout: { window: 40 } } } },
  { key: 'fast', config: { features: { volatilityWindow: 10, breakoutWindow: 10 }, signals: { meanReversion: { window: 10 } }, agents: { v2: { meta: { alpha: 0.05 } } } } },
  { key: 'pressure', config: { features: { pressureWindow: 60, trendEfficiency: 0.4 }, signals: { dualMomentum: { shortLookback: 24, longLookback: 96 } }, agents: { v2: { sizing: { alpha: 0.05 } } } } },
];
const RL_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const RANDOM_SEEDS = [1, 2, 3, 4];
/** rl-v2 trains on the first three quarters of the year, then is evaluated frozen on the last quarter. */
const TRAIN_FRACTION = 0.75;

/** Added to the seeds of the cold batch: the same shape of batch, other runs. */
export const COLD_SEED_OFFSET = 1000;

/** The batch, in the order a sweep lists it: per config, the rl-v2 seeds, then the random seeds. */
export function sweepSpecs(dataset: string, rows: number, seedOffset = 0): RunSpecInput[] {
  const split = Math.floor(rows * TRAIN_FRACTION);
  const specs: RunSpecInput[] = [];
  for (const { key, config } of SWEEP_CONFIGS) {
    for (const seed of RL_SEEDS.map((s) => s + seedOffset)) {
      specs.push({
        id: `rl-v2/${key}/seed-${seed}`,
        dataset,
        policy: { name: 'rl-v2', params: {} },
        config,
        seed,
        train: { startIndex: 0, endIndex: split },
        period: { startIndex: split, endIndex: rows },
      });
    }
    for (const seed of RANDOM_SEEDS.map((s) => s + seedOffset)) {
      specs.push({
        id: `random/${key}/seed-${seed}`,
        dataset,
        policy: { name: 'random', params: {} },
        config,
        seed,
        period: { startIndex: split, endIndex: rows },
      });
    }
  }
  return specs;
}

/** One batch of a sweep child. */
export interface SweepBatchResult {
  /** Wall time: the cold batch's from the runner's creation (pool start-up included), the warm one's of the batch alone. */
  readonly ms: number;
  /** CPU time of the process meanwhile (user + system, every thread). */
  readonly cpuMs: number;
  /**
   * CPU time the machine's other processes used meanwhile (every core's busy time from /proc/stat
   * minus this process's; NaN where there is no /proc/stat): a busy machine slows the batch with 2
   * workers more than the batch with 1.
   */
  readonly othersCpuMs: number;
  /** Digest of the outcomes without their timings. */
  readonly digest: string;
}

export interface SweepChildResult extends SweepBatchResult {
  readonly mode: 'sweep';
  readonly file: string;
  readonly rows: number;
  readonly workers: number;
  /** Runs per batch. */
  readonly runs: number;
  /** Wall time of the load (parse, cache off). */
  readonly loadMs: number;
  /** The cold batch: the pool's start-up and each worker's first loading and compiling included. */
  readonly cold: SweepBatchResult;
  /** RSS after the load, before the pool (the dataset in shared memory, no worker yet), KB. */
  readonly baselineRssKB: number;
  /** Peak RSS of the child over both batches, worker threads included, KB. */
  readonly peakRssKB: number;
}

const progress = (message: string): void => void process.stderr.write(`[bench] sweep: ${message}\n`);

/** Busy time of all cores so far, ms (Linux: /proc/stat, in clock ticks of 10 ms); NaN elsewhere. */
function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return (user + nice + system + irq + softirq + steal) * 10;
  } catch {
    return Number.NaN;
  }
}

/** The outcomes without their timings, hashed: equal digests mean equal results. */
export function outcomesDigest(outcomes: readonly RunOutcome[]): string {
  const hash = createHash('sha256');
  for (const outcome of outcomes) hash.update(JSON.stringify(outcome.status === 'ok' ? { ...outcome, replayMs: 0 } : outcome));
  return `sha256:${hash.digest('hex')}`;
}

/** One batch on the runner `runner()` returns, timed from just before that call (for the cold batch, the call creates the runner). */
async function timedBatch(runner: () => Runner, specs: RunSpecInput[], markets: Map<string, MarketData>): Promise<SweepBatchResult> {
  const cpu = process.cpuUsage();
  const busy = machineBusyMs();
  const started = performance.now();
  const outcomes = await runner().run(specs, markets);
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  const cpuMs = (user + system) / 1000;
  const othersCpuMs = Math.max(0, machineBusyMs() - busy - cpuMs);
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length > 0) throw new Error(`${failed.length} run(s) failed, first: ${failed[0]!.id}: ${(failed[0] as { error: string }).error}`);
  return { ms, cpuMs, othersCpuMs, digest: outcomesDigest(outcomes) };
}

/** The child's side: load once, then the cold and the warm batch on one runner with `workers` worker threads. */
export async function runSweepChild(file: string, workers: number): Promise<SweepChildResult> {
  const loadStarted = performance.now();
  const [loaded] = await loadMarkets([file], { cache: false });
  const loadMs = performance.now() - loadStarted;
  const { key, market } = loaded!;
  const rows = market.candles.rows;
  const markets = new Map([[key, market]]);
  const specs = sweepSpecs(key, rows);
  const baselineRssKB = Math.round(process.memoryUsage().rss / 1024);

  let runner: Runner | undefined;
  try {
    // The runner is created inside the cold batch's time: its workers start and compile in it.
    const cold = await timedBatch(() => (runner = createRunner({ workers })), sweepSpecs(key, rows, COLD_SEED_OFFSET), markets);
    const warm = await timedBatch(() => runner!, specs, markets);
    const peakRssKB = process.resourceUsage().maxRSS;
    const rate = (batch: SweepBatchResult): string => `${(batch.ms / 1000).toFixed(2)} s (${(specs.length / (batch.ms / 1000)).toFixed(2)} runs/s, CPU ${(batch.cpuMs / 1000).toFixed(2)} s, other processes ${(batch.othersCpuMs / 1000).toFixed(2)} s)`;
    progress(`${workers} worker${workers === 1 ? '' : 's'}: ${specs.length} runs cold in ${rate(cold)}, warm in ${rate(warm)}; peak RSS ${((peakRssKB * 1024) / 1e6).toFixed(1)} MB`);
    return { mode: 'sweep', file, rows, workers, runs: specs.length, loadMs, ...warm, cold, baselineRssKB, peakRssKB };
  } finally {
    await runner?.close();
  }
}

/** The parent's side: one sweep child with replaylab's V8 flags; its progress is passed through to stderr. */
export function spawnSweepChild(script: string, file: string, workers: number, nodeFlags: readonly string[] = RUNTIME_NODE_FLAGS): Promise<SweepChildResult> {
  return new Promise((resolve, reject) => {
    const args = [...nodeFlags, script, '--child', 'sweep', '--file', file, '--workers', String(workers)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`child 'sweep' (${workers} workers) on ${file} failed (${signal ?? `exit ${code}`}); its messages are above`));
        return;
      }
      const text = Buffer.concat(out).toString('utf8').trim();
      const line = text.split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as SweepChildResult);
      } catch {
        reject(new Error(`child 'sweep' (${workers} workers) on ${file} printed no result:\n${text}`));
      }
    });
  });
}
