/**
 * Benchmark (`npm run bench`), three sections:
 *
 * - data layer: first-parse throughput, cache-hit load time and peak RSS of a one-year 1-minute
 *   kline file (525,600 rows) and a 5,000,000-row aggTrades file;
 * - replay throughput: `runReplay` over all 525,600 bars of the kline file for buy-and-hold,
 *   random (default params) and examples/sma-cross (fast=10, slow=30), against a bare loop that
 *   reads every candle column once per row (the floor): median ms, bars/s, trades, and each
 *   policy's ratio to the bare loop;
 * - sweep throughput and memory: a batch of RunSpecs (rl-v2 and random, configs × seeds) on the
 *   kline file through the runner's pool with 1 and 2 workers, cold (pool start-up and compiling
 *   included) and then on the warm workers: runs/s (fastest round and median) and the 2-worker
 *   ratios, the target checked on the fastest rounds (the same work runs slower in a round the
 *   machine slows: the CPU time of identical batches varies), and each worker count's peak RSS
 *   (median) and what the second worker adds.
 *
 *   node dist/bench/main.js [--dir DIR] [--fresh] [--json] [--only data|replay|sweep]
 *                           [--klines-runs 3] [--trades-runs 2] [--hit-runs 5] [--replay-runs 5]
 *                           [--sweep-runs 3]
 *
 * The files are generated once into DIR (default `$TMPDIR/replaylab-bench`) and reused while the
 * generator parameters match; `--fresh` deletes and regenerates them (`--only replay` prepares the
 * kline file only). Every load runs in a fresh child process (`--child parse|miss|hit --file F
 * --cache-dir D`, internal) so its peak RSS is its own. The replay section runs in one child
 * (`--child replay --file F --replay-runs N`, internal) with replaylab's V8 flags, like the CLI:
 * it loads the file once, then runs the bare loop and each policy 2 times to warm up and N times
 * timed. The sweep section runs each worker count in a child of its own (`--child sweep --file F
 * --workers N`, internal: a cold and a warm batch), alternating 1 and 2 workers, so that each one's
 * peak RSS is its own. Progress goes to stderr,
 * figures to stdout (an aligned table, or one JSON object).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fixtureSpecs, prepareFixture, removeFixtures, type Fixture } from './fixtures.js';
import { CHILD_MODES, runChild, spawnChild, type ChildMode, type ChildResult } from './measure.js';
import {
  fileFigures,
  formatJson,
  formatText,
  ranOnBusyMachine,
  replayFigures,
  replayTargetsOf,
  sweepFigures,
  sweepTargetsOf,
  targetsOf,
  type BenchFigures,
  type FileFigures,
  type ReplayFigures,
  type SweepFigures,
} from './report.js';

const USAGE = `usage: node dist/bench/main.js [--dir DIR] [--fresh] [--json] [--only data|replay|sweep]
                         [--klines-runs N] [--trades-runs N] [--hit-runs N] [--replay-runs N]
                         [--sweep-runs N]

  --dir DIR          work folder for the generated files and the cache (default: ${join(tmpdir(), 'replaylab-bench')})
  --fresh            delete the bench's files in DIR and generate them again
  --json             print the figures as one JSON object instead of a table
  --only SECTION     run one section: data (data-layer loads), replay (replay throughput) or sweep
                     (sweep throughput and peak RSS with 1 and 2 workers); replay and sweep prepare
                     the kline file only; default all three
  --klines-runs N    first-parse runs of the kline file (default 3)
  --trades-runs N    first-parse runs of the aggTrades file (default 2)
  --hit-runs N       cache-hit runs per file (default 5)
  --replay-runs N    timed replay runs of the bare loop and of each policy, after 2 warm-up runs (default 5)
  --sweep-runs N     rounds of the sweep section: per worker count a child process running a cold and a
                     warm batch (default 3; up to N − 1 more rounds while other processes keep the
                     machine busy)
`;

type Section = 'data' | 'replay' | 'sweep';
const SECTIONS: readonly Section[] = ['data', 'replay', 'sweep'];

const progress = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number above 0, got '${text}'`);
  return n;
}

class UsageError extends Error {}

function cacheFiles(dir: string): Map<string, number> {
  const sizes = new Map<string, number>();
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return sizes;
  }
  for (const entry of entries) if (entry.endsWith('.bin')) sizes.set(entry, statSync(join(dir, entry)).size);
  return sizes;
}

async function repeat(times: number, script: string, mode: ChildMode, fixture: Fixture, cacheDir: string): Promise<ChildResult[]> {
  const results: ChildResult[] = [];
  for (let i = 0; i < times; i++) {
    const result = await spawnChild(script, mode, fixture.path, cacheDir);
    if (result.rows !== fixture.rows) throw new Error(`${fixture.path}: loaded ${result.rows} rows, expected ${fixture.rows}`);
    progress(`${fixture.spec.label}: ${mode} ${i + 1}/${times}: ${result.ms.toFixed(1)} ms, peak RSS ${((result.peakRssKB * 1024) / 1e6).toFixed(1)} MB`);
    results.push(result);
  }
  return results;
}

async function benchFile(fixture: Fixture, runs: number, hitRuns: number, script: string, cacheDir: string): Promise<FileFigures> {
  const parse = await repeat(runs, script, 'parse', fixture, cacheDir);
  const before = cacheFiles(cacheDir);
  const miss = await repeat(1, script, 'miss', fixture, cacheDir);
  let cacheFileBytes = 0;
  for (const [name, size] of cacheFiles(cacheDir)) if (!before.has(name)) cacheFileBytes += size;
  const hit = await repeat(hitRuns, script, 'hit', fixture, cacheDir);
  const defaults = await spawnChild(script, 'parse', fixture.path, cacheDir, []);
  progress(`${fixture.spec.label}: parse with Node's default V8 flags: ${defaults.ms.toFixed(1)} ms, peak RSS ${((defaults.peakRssKB * 1024) / 1e6).toFixed(1)} MB`);
  return fileFigures(fixture, parse, miss, hit, cacheFileBytes, defaults);
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      dir: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'klines-runs': { type: 'string' },
      'trades-runs': { type: 'string' },
      'hit-runs': { type: 'string' },
      'replay-runs': { type: 'string' },
      'sweep-runs': { type: 'string' },
      workers: { type: 'string' },
      only: { type: 'string' },
      child: { type: 'string' },
      file: { type: 'string' },
      'cache-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }

  if (values.child === 'replay') {
    if (values.file === undefined) throw new UsageError('--child needs --file');
    // Imported here only: the engine, the policies and zod would add to every data child's RSS.
    const { runReplayChild } = await import('./replay.js');
    const result = await runReplayChild(values.file, positiveInt('replay-runs', values['replay-runs'], 5));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  if (values.child === 'sweep') {
    if (values.file === undefined) throw new UsageError('--child sweep needs --file');
    // Imported here only, like the replay child's modules.
    const { runSweepChild } = await import('./sweep.js');
    const result = await runSweepChild(values.file, positiveInt('workers', values.workers, 1));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  if (values.child !== undefined) {
    const mode = values.child as ChildMode;
    if (!CHILD_MODES.includes(mode)) throw new UsageError(`--child must be one of ${[...CHILD_MODES, 'replay', 'sweep'].join(', ')}, got '${values.child}'`);
    if (values.file === undefined) throw new UsageError('--child needs --file');
    const result = await runChild(mode, values.file, values['cache-dir']);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }

  const started = performance.now();
  const klinesRuns = positiveInt('klines-runs', values['klines-runs'], 3);
  const tradesRuns = positiveInt('trades-runs', values['trades-runs'], 2);
  const hitRuns = positiveInt('hit-runs', values['hit-runs'], 5);
  const replayRuns = positiveInt('replay-runs', values['replay-runs'], 5);
  const sweepRuns = positiveInt('sweep-runs', values['sweep-runs'], 3);
  if (values.only !== undefined && !SECTIONS.includes(values.only as Section)) {
    throw new UsageError(`--only must be one of ${SECTIONS.join(', ')}, got '${values.only}'`);
  }
  const sections: readonly Section[] = values.only === undefined ? SECTIONS : [values.only as Section];
  const workDir = resolve(values.dir ?? join(tmpdir(), 'replaylab-bench'));
  const cacheDir = join(workDir, 'cache');
  const script = fileURLToPath(import.meta.url);

  const cpuList = cpus();
  const environment = {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    platform: `${process.platform} ${process.arch} (${release()})`,
    totalMemoryBytes: totalmem(),
  };
  progress(`node ${environment.node} · ${environment.cpu} · ${environment.cores} cores · work dir ${workDir}`);

  if (values.fresh) {
    progress('--fresh: deleting the bench files in the work dir');
    removeFixtures(workDir, cacheDir);
  }
  const fixtures: Fixture[] = [];
  // The replay and sweep sections need the kline file only; the aggTrades file takes long to generate.
  const specs = sections.includes('data') ? fixtureSpecs() : fixtureSpecs().filter((spec) => spec.key === 'klines');
  for (const spec of specs) fixtures.push(await prepareFixture(workDir, spec));

  const files: FileFigures[] = [];
  if (sections.includes('data')) {
    // Every run starts from an empty cache folder, so the miss run writes the cache the hits read.
    rmSync(cacheDir, { recursive: true, force: true });
    for (const fixture of fixtures) {
      const runs = fixture.spec.key === 'klines' ? klinesRuns : tradesRuns;
      progress(`${fixture.spec.label}: ${fixture.path} (${(fixture.bytes / 1e6).toFixed(1)} MB, ${fixture.rows.toLocaleString('en-US')} rows)`);
      files.push(await benchFile(fixture, runs, hitRuns, script, cacheDir));
    }
  }

  let replay: ReplayFigures | null = null;
  if (sections.includes('replay')) {
    const klines = fixtures.find((f) => f.spec.key === 'klines');
    if (klines === undefined) throw new Error('the replay section needs the kline fixture');
    const { REPLAY_WARMUP_RUNS, spawnReplayChild } = await import('./replay.js');
    progress(`replay throughput on ${klines.path}: ${replayRuns} timed run${replayRuns === 1 ? '' : 's'} per loop after ${REPLAY_WARMUP_RUNS} warm-ups`);
    const child = await spawnReplayChild(script, klines.path, replayRuns);
    if (child.rows !== klines.rows) throw new Error(`${klines.path}: the replay child loaded ${child.rows} rows, expected ${klines.rows}`);
    replay = replayFigures(klines, child);
  }

  let sweep: SweepFigures | null = null;
  if (sections.includes('sweep')) {
    const klines = fixtures.find((f) => f.spec.key === 'klines');
    if (klines === undefined) throw new Error('the sweep section needs the kline fixture');
    const { SWEEP_WORKERS, spawnSweepChild } = await import('./sweep.js');
    progress(`sweep on ${klines.path}: ${sweepRuns} round${sweepRuns === 1 ? '' : 's'} of a cold and a warm batch with each of ${SWEEP_WORKERS.join(', ')} workers, each worker count in a child process of its own`);
    const children = [];
    // A round during which other processes kept the machine busy is run again, up to sweepRuns − 1 more rounds.
    let quietRounds = 0;
    for (let round = 0; quietRounds < sweepRuns && round < 2 * sweepRuns - 1; round++) {
      let quiet = true;
      for (const workers of SWEEP_WORKERS) {
        const child = await spawnSweepChild(script, klines.path, workers);
        if (child.rows !== klines.rows) throw new Error(`${klines.path}: the sweep child loaded ${child.rows} rows, expected ${klines.rows}`);
        if (ranOnBusyMachine(child)) {
          quiet = false;
          progress(`sweep: other processes took ${((child.othersCpuMs + child.cold.othersCpuMs) / 1000).toFixed(1)} s of CPU during those batches: the machine was busy`);
        }
        children.push(child);
      }
      if (quiet) quietRounds++;
    }
    sweep = sweepFigures(klines, children);
  }

  const figures: BenchFigures = {
    environment,
    sections,
    workDir,
    cacheDir,
    files,
    replay,
    sweep,
    targets: [...targetsOf(files), ...replayTargetsOf(replay), ...sweepTargetsOf(sweep)],
    benchSeconds: (performance.now() - started) / 1000,
  };
  process.stdout.write(values.json ? formatJson(figures) : formatText(figures));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
