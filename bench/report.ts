/** Figures of a bench run: statistics, targets, and the aligned table / JSON printed on stdout. */
import { basename } from 'node:path';
import { RUNTIME_NODE_FLAGS } from '../src/config/runtime.js';
import type { Fixture } from './fixtures.js';
import type { ChildResult } from './measure.js';
import type { ReplayChildResult } from './replay.js';
import type { SweepChildResult } from './sweep.js';

export interface Environment {
  readonly node: string;
  readonly v8: string;
  readonly cpu: string;
  readonly cores: number;
  readonly platform: string;
  readonly totalMemoryBytes: number;
}

export interface RunSet {
  readonly runs: number;
  readonly ms: readonly number[];
  readonly medianMs: number;
  /** Highest peak RSS over the runs, bytes. */
  readonly peakRssBytes: number;
  /** Median RSS of the child just before its load, bytes. */
  readonly baselineRssBytes: number;
  /** Median RSS right after the load (the table alive), bytes. */
  readonly afterRssBytes: number;
  /** Largest shared buffer behind the loaded table, bytes (above column bytes: unused capacity). */
  readonly bufferBytes: number;
}

export interface FileFigures {
  readonly key: string;
  readonly label: string;
  readonly path: string;
  readonly prepared: Fixture['prepared'];
  readonly rows: number;
  readonly storeColumns: number;
  readonly fileBytes: number;
  /** rows × columns × 8. */
  readonly columnBytes: number;
  readonly parse: RunSet & { readonly mbPerSec: number; readonly rowsPerSec: number };
  readonly cacheMiss: RunSet & { readonly cacheFileBytes: number };
  readonly cacheHit: RunSet & { readonly speedup: number };
  /** Highest peak RSS of any load of this file (parse, miss or hit), bytes. */
  readonly peakRssBytes: number;
  readonly peakRssOverColumnBytes: number;
  /** (peak RSS − the child's RSS before the load) / column bytes, for the same load. */
  readonly loadRssOverColumnBytes: number;
  /** One first parse with Node's default V8 flags, for comparison with replaylab's flags. */
  readonly defaultFlagsParse: { readonly ms: number; readonly peakRssBytes: number };
}

export interface Target {
  readonly file: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly threshold: number;
  readonly pass: boolean;
}

/** Timed runs of one loop over the whole table (after untimed warm-up runs). */
export interface ReplayRunSet {
  readonly warmupMs: readonly number[];
  readonly runs: number;
  readonly ms: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Bars per second at the median, fastest (min ms) and slowest (max ms) run. */
  readonly barsPerSec: { readonly median: number; readonly best: number; readonly worst: number };
}

export interface ReplayPolicyFigures extends ReplayRunSet {
  readonly key: string;
  readonly label: string;
  readonly policyName: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly trades: number;
  readonly finalEquity: number;
  /** Policy median ms / bare-loop median ms. */
  readonly ratioToBareLoop: number;
}

/** The kline file a replay or sweep child ran on, and the V8 flags it ran with. */
export interface KlineRunFigures {
  readonly file: string;
  readonly label: string;
  readonly path: string;
  readonly prepared: Fixture['prepared'];
  readonly bars: number;
  readonly nodeFlags: readonly string[];
}

/** What a child that ran on a fixture reports of it: the file, its bars, replaylab's V8 flags. */
function klineRunFigures(fixture: Fixture, bars: number): KlineRunFigures {
  return { file: basename(fixture.path), label: fixture.spec.label, path: fixture.path, prepared: fixture.prepared, bars, nodeFlags: RUNTIME_NODE_FLAGS };
}

export interface ReplayFigures extends KlineRunFigures {
  /** Wall time of the one load (parse, cache off) in the replay child. */
  readonly loadMs: number;
  readonly warmupRuns: number;
  readonly runs: number;
  readonly seed: number;
  readonly bareLoop: ReplayRunSet & { readonly columns: readonly string[]; readonly checksum: number };
  readonly policies: readonly ReplayPolicyFigures[];
  /** Peak RSS of the replay child, bytes. */
  readonly peakRssBytes: number;
}

/** One worker count of the sweep section: its batches, each in a child process of its own. */
export interface SweepWorkerFigures {
  readonly workers: number;
  /** Wall time of each child's warm batch (its workers started and compiled in the cold batch). */
  readonly ms: readonly number[];
  readonly medianMs: number;
  /** Runs per second at the median warm batch. */
  readonly runsPerSec: number;
  /** The fastest warm batch (of the quiet children): the one the machine disturbed least. */
  readonly bestMs: number;
  /** Runs per second at the fastest warm batch. */
  readonly bestRunsPerSec: number;
  /** Wall time of each child's cold batch (pool start-up, each worker's loading and compiling included). */
  readonly coldMs: readonly number[];
  readonly medianColdMs: number;
  /** Runs per second at the median cold batch. */
  readonly coldRunsPerSec: number;
  readonly bestColdMs: number;
  readonly bestColdRunsPerSec: number;
  /** CPU time of each batch (user + system, every thread of the child). */
  readonly cpuMs: readonly number[];
  readonly medianCpuMs: number;
  /**
   * Most CPU time a quiet child's warm batch took / least, − 1. The batches are the same work (the
   * same outcomes), so this is how much the cores' speed varied between children.
   */
  readonly cpuSpread: number;
  /** CPU time the machine's other processes used during each batch (NaN without /proc/stat): a busy machine slows 2 workers more than 1. */
  readonly othersCpuMs: readonly number[];
  /** Which batches ran on a busy machine (`ranOnBusyMachine`): the fastest and the medians leave them out while any other batch is left. */
  readonly busy: readonly boolean[];
  /** Peak RSS of each child (worker threads included), bytes. */
  readonly peakRssBytes: readonly number[];
  readonly medianPeakRssBytes: number;
  /** Median RSS of the children after the load, before the pool (the dataset in shared memory), bytes. */
  readonly baselineRssBytes: number;
}

export interface SweepFigures extends KlineRunFigures {
  /** Runs per batch. */
  readonly runs: number;
  /** Batches per worker count (busy ones included). */
  readonly batches: number;
  /** Digest of the outcomes (timings left out): the same for every batch of every worker count. */
  readonly digest: string;
  readonly workers: readonly SweepWorkerFigures[];
  /**
   * Runs/s with 2 workers / runs/s with 1, of each worker count's fastest warm batch: the target's
   * figure. Slower batches of the same work were slowed by the machine (see cpuSpread), and that
   * hits 2 workers, which need both cores, harder than 1.
   */
  readonly speedup: number;
  /** The same ratio of the median warm batches. */
  readonly medianSpeedup: number;
  /** The ratio of the fastest cold batches (start-up and compiling included), and of the median ones. */
  readonly coldSpeedup: number;
  readonly medianColdSpeedup: number;
  /** The largest cpuSpread of the worker counts. */
  readonly cpuSpread: number;
  /** Median peak RSS with 2 workers − with 1, bytes: what the second worker adds. */
  readonly addedRssBytes: number;
  /** addedRssBytes / median peak RSS with 1 worker. */
  readonly addedRssFraction: number;
}

export interface BenchFigures {
  readonly environment: Environment;
  /** Which parts ran: `--only data`, `--only replay`, `--only sweep`, or all three. */
  readonly sections: readonly ('data' | 'replay' | 'sweep')[];
  readonly workDir: string;
  readonly cacheDir: string;
  /** Data-layer figures (empty with `--only replay`). */
  readonly files: readonly FileFigures[];
  /** Replay throughput (null unless the replay section ran). */
  readonly replay: ReplayFigures | null;
  /** Sweep throughput and memory (null unless the sweep section ran). */
  readonly sweep: SweepFigures | null;
  readonly targets: readonly Target[];
  readonly benchSeconds: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const KB = 1024;
export const MB = 1_000_000;

export function runSet(results: readonly ChildResult[]): RunSet {
  return {
    runs: results.length,
    ms: results.map((r) => r.ms),
    medianMs: median(results.map((r) => r.ms)),
    peakRssBytes: Math.max(...results.map((r) => r.peakRssKB)) * KB,
    baselineRssBytes: median(results.map((r) => r.baselineRssKB)) * KB,
    afterRssBytes: median(results.map((r) => r.afterRssKB)) * KB,
    bufferBytes: Math.max(...results.map((r) => r.bufferBytes)),
  };
}

export function fileFigures(
  fixture: Fixture,
  parse: readonly ChildResult[],
  miss: readonly ChildResult[],
  hit: readonly ChildResult[],
  cacheFileBytes: number,
  defaultFlagsParse: ChildResult,
): FileFigures {
  const columnBytes = fixture.rows * fixture.spec.storeColumns * 8;
  const parseSet = runSet(parse);
  const missSet = runSet(miss);
  const hitSet = runSet(hit);
  const all = [...parse, ...miss, ...hit];
  const worst = all.reduce((a, b) => (b.peakRssKB > a.peakRssKB ? b : a));
  return {
    key: fixture.spec.key,
    label: fixture.spec.label,
    path: fixture.path,
    prepared: fixture.prepared,
    rows: fixture.rows,
    storeColumns: fixture.spec.storeColumns,
    fileBytes: fixture.bytes,
    columnBytes,
    parse: {
      ...parseSet,
      mbPerSec: fixture.bytes / MB / (parseSet.medianMs / 1000),
      rowsPerSec: fixture.rows / (parseSet.medianMs / 1000),
    },
    cacheMiss: { ...missSet, cacheFileBytes },
    cacheHit: { ...hitSet, speedup: parseSet.medianMs / hitSet.medianMs },
    peakRssBytes: worst.peakRssKB * KB,
    peakRssOverColumnBytes: (worst.peakRssKB * KB) / columnBytes,
    loadRssOverColumnBytes: ((worst.peakRssKB - worst.baselineRssKB) * KB) / columnBytes,
    defaultFlagsParse: { ms: defaultFlagsParse.ms, peakRssBytes: defaultFlagsParse.peakRssKB * KB },
  };
}

function replayRunSet(bars: number, warmupMs: readonly number[], ms: readonly number[]): ReplayRunSet {
  const medianMs = median(ms);
  const minMs = Math.min(...ms);
  const maxMs = Math.max(...ms);
  const perSec = (m: number): number => bars / (m / 1000);
  return { warmupMs, runs: ms.length, ms, medianMs, minMs, maxMs, barsPerSec: { median: perSec(medianMs), best: perSec(minMs), worst: perSec(maxMs) } };
}

export function replayFigures(fixture: Fixture, child: ReplayChildResult): ReplayFigures {
  const bare = replayRunSet(child.rows, child.bareLoop.warmupMs, child.bareLoop.ms);
  return {
    ...klineRunFigures(fixture, child.rows),
    loadMs: child.loadMs,
    warmupRuns: child.warmupRuns,
    runs: child.runs,
    seed: child.seed,
    bareLoop: { ...bare, columns: child.bareLoop.columns, checksum: child.bareLoop.checksum },
    policies: child.policies.map((p) => {
      const set = replayRunSet(child.rows, p.warmupMs, p.ms);
      return {
        key: p.key,
        label: p.label,
        policyName: p.policyName,
        params: p.params,
        trades: p.trades,
        finalEquity: p.finalEquity,
        ...set,
        ratioToBareLoop: set.medianMs / bare.medianMs,
      };
    }),
    peakRssBytes: child.peakRssKB * KB,
  };
}

/** sma-cross at least 2,000,000 bars/s (median); buy-and-hold, random and sma-cross within 10× the bare loop's median. */
export const REPLAY_SMA_CROSS_BARS_PER_SEC = 2_000_000;
export const REPLAY_MAX_RATIO = 10;
const RATIO_POLICIES = new Set(['buy-and-hold', 'random', 'sma-cross']);
/** RL v2 at least 1,000,000 bars/s (median), cold and with the dataset's features shared. */
export const REPLAY_RL_V2_BARS_PER_SEC = 1_000_000;

/** Throughput floors (bars/s, median) by the policy rows they apply to. */
const REPLAY_FLOORS: readonly { readonly applies: (key: string) => boolean; readonly barsPerSec: number }[] = [
  { applies: (key) => key === 'sma-cross', barsPerSec: REPLAY_SMA_CROSS_BARS_PER_SEC },
  { applies: (key) => key.startsWith('rl-v2'), barsPerSec: REPLAY_RL_V2_BARS_PER_SEC },
];

export function replayTargetsOf(replay: ReplayFigures | null): Target[] {
  if (replay === null) return [];
  const targets: Target[] = [];
  for (const floor of REPLAY_FLOORS) {
    for (const p of replay.policies.filter((policy) => floor.applies(policy.key))) {
      const value = p.barsPerSec.median;
      targets.push({
        file: replay.label,
        name: `replay ${p.key} ≥ ${int(floor.barsPerSec)} bars/s`,
        value,
        unit: 'bars/s',
        threshold: floor.barsPerSec,
        pass: value >= floor.barsPerSec,
      });
    }
  }
  for (const p of replay.policies) {
    if (!RATIO_POLICIES.has(p.key)) continue;
    targets.push({
      file: replay.label,
      name: `replay ${p.key} ≤ ${REPLAY_MAX_RATIO}× bare loop`,
      value: p.ratioToBareLoop,
      unit: '×',
      threshold: REPLAY_MAX_RATIO,
      pass: p.ratioToBareLoop <= REPLAY_MAX_RATIO,
    });
  }
  return targets;
}

/**
 * A batch during which the machine's other processes took more CPU time than this fraction of the
 * batch's own ran on a busy machine: its timing says little (2 workers lose more to a third process
 * than 1 does). The bench runs more rounds while it has fewer quiet ones than asked for.
 */
export const BUSY_MACHINE_FRACTION = 0.05;

export function ranOnBusyMachine(child: Pick<SweepChildResult, 'cpuMs' | 'othersCpuMs' | 'cold'>): boolean {
  return [child, child.cold].some((batch) => batch.othersCpuMs > BUSY_MACHINE_FRACTION * batch.cpuMs);
}

/** The sweep section's figures, once every child's outcomes are checked to be the same. */
export function sweepFigures(fixture: Fixture, children: readonly SweepChildResult[]): SweepFigures {
  const first = children[0];
  if (first === undefined) throw new Error('the sweep section ran no batch');
  for (const child of children) {
    if (child.digest !== first.digest || child.cold.digest !== first.cold.digest) {
      throw new Error(`sweep: a batch with ${child.workers} worker(s) gave other outcomes (${child.digest}, cold ${child.cold.digest}) than one with ${first.workers} (${first.digest}, cold ${first.cold.digest})`);
    }
  }
  const counts = [...new Set(children.map((c) => c.workers))].sort((a, b) => a - b);
  const workers = counts.map((count): SweepWorkerFigures => {
    const mine = children.filter((c) => c.workers === count);
    const quiet = mine.some((c) => !ranOnBusyMachine(c)) ? mine.filter((c) => !ranOnBusyMachine(c)) : mine;
    const medianMs = median(quiet.map((c) => c.ms));
    const medianColdMs = median(quiet.map((c) => c.cold.ms));
    const bestMs = Math.min(...quiet.map((c) => c.ms));
    const bestColdMs = Math.min(...quiet.map((c) => c.cold.ms));
    const cpu = quiet.map((c) => c.cpuMs);
    return {
      workers: count,
      ms: mine.map((c) => c.ms),
      medianMs,
      runsPerSec: first.runs / (medianMs / 1000),
      bestMs,
      bestRunsPerSec: first.runs / (bestMs / 1000),
      coldMs: mine.map((c) => c.cold.ms),
      medianColdMs,
      coldRunsPerSec: first.runs / (medianColdMs / 1000),
      bestColdMs,
      bestColdRunsPerSec: first.runs / (bestColdMs / 1000),
      cpuMs: mine.map((c) => c.cpuMs),
      medianCpuMs: median(cpu),
      cpuSpread: Math.max(...cpu) / Math.min(...cpu) - 1,
      othersCpuMs: mine.map((c) => c.othersCpuMs),
      busy: mine.map(ranOnBusyMachine),
      peakRssBytes: mine.map((c) => c.peakRssKB * KB),
      medianPeakRssBytes: median(quiet.map((c) => c.peakRssKB * KB)),
      baselineRssBytes: median(mine.map((c) => c.baselineRssKB * KB)),
    };
  });
  const one = workers.find((w) => w.workers === 1);
  const two = workers.find((w) => w.workers === 2);
  const addedRssBytes = one === undefined || two === undefined ? Number.NaN : two.medianPeakRssBytes - one.medianPeakRssBytes;
  return {
    ...klineRunFigures(fixture, first.rows),
    runs: first.runs,
    batches: Math.min(...workers.map((w) => w.ms.length)),
    digest: first.digest,
    workers,
    speedup: one === undefined || two === undefined ? Number.NaN : two.bestRunsPerSec / one.bestRunsPerSec,
    medianSpeedup: one === undefined || two === undefined ? Number.NaN : two.runsPerSec / one.runsPerSec,
    coldSpeedup: one === undefined || two === undefined ? Number.NaN : two.bestColdRunsPerSec / one.bestColdRunsPerSec,
    medianColdSpeedup: one === undefined || two === undefined ? Number.NaN : two.coldRunsPerSec / one.coldRunsPerSec,
    cpuSpread: Math.max(...workers.map((w) => w.cpuSpread)),
    addedRssBytes,
    addedRssFraction: one === undefined ? Number.NaN : addedRssBytes / one.medianPeakRssBytes,
  };
}

/**
 * On a 2-core machine, 2 workers at least 1.8× the runs/s of 1 (warm workers: the rate a sweep
 * tends to; the cold batch's ratio is printed beside it), of each worker count's fastest round (the
 * ratio of the medians is printed beside it); the second worker adds under 30% to the peak RSS.
 */
export const SWEEP_MIN_SPEEDUP = 1.8;
export const SWEEP_MAX_ADDED_RSS_PCT = 30;

export function sweepTargetsOf(sweep: SweepFigures | null): Target[] {
  if (sweep === null) return [];
  const addedPct = sweep.addedRssFraction * 100;
  return [
    {
      file: sweep.label,
      name: `sweep runs/s (warm workers, fastest round), 2 workers ≥ ${SWEEP_MIN_SPEEDUP}× 1 worker`,
      value: sweep.speedup,
      unit: '×',
      threshold: SWEEP_MIN_SPEEDUP,
      pass: sweep.speedup >= SWEEP_MIN_SPEEDUP,
    },
    {
      file: sweep.label,
      name: `sweep peak RSS, 2nd worker adds < ${SWEEP_MAX_ADDED_RSS_PCT}%`,
      value: addedPct,
      unit: '%',
      threshold: SWEEP_MAX_ADDED_RSS_PCT,
      pass: addedPct < SWEEP_MAX_ADDED_RSS_PCT,
    },
  ];
}

export function targetsOf(files: readonly FileFigures[]): Target[] {
  const targets: Target[] = [];
  for (const f of files) {
    if (f.key === 'klines') {
      targets.push({ file: f.label, name: 'first parse ≥ 60 MB/s', value: f.parse.mbPerSec, unit: 'MB/s', threshold: 60, pass: f.parse.mbPerSec >= 60 });
    }
  }
  for (const f of files) {
    targets.push({ file: f.label, name: 'cache hit ≥ 10× faster than first parse', value: f.cacheHit.speedup, unit: '×', threshold: 10, pass: f.cacheHit.speedup >= 10 });
  }
  for (const f of files) {
    targets.push({
      file: f.label,
      name: 'peak RSS < 3× column bytes',
      value: f.peakRssOverColumnBytes,
      unit: '×',
      threshold: 3,
      pass: f.peakRssOverColumnBytes < 3,
    });
  }
  return targets;
}

// ---- text -------------------------------------------------------------------------------------

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;
const times = (x: number): string => `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;

function duration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** Several durations in one unit: `771, 765, 749 ms` or `4.75, 4.71 s`. */
function durations(ms: readonly number[]): string {
  if (Math.max(...ms) >= 1000) return `${ms.map((m) => (m / 1000).toFixed(2)).join(', ')} s`;
  const digits = Math.max(...ms) >= 100 ? 0 : 1;
  return `${ms.map((m) => m.toFixed(digits)).join(', ')} ms`;
}

/** Lays rows out in columns: the first column left-aligned, the others left-aligned too. */
function table(rows: readonly (readonly string[])[], gap = 3): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length + gap)))
      .join('')
      .trimEnd(),
  );
}

function dataSection(files: readonly FileFigures[]): string[] {
  const lines = [
    'data layer',
    `each load runs in a fresh child process with replaylab's V8 flags (${RUNTIME_NODE_FLAGS.join(' ')}); the CSV is in the OS page cache; MB = 10^6 bytes`,
    '',
  ];
  const col = (get: (f: FileFigures) => string): string[] => files.map(get);
  const rows: string[][] = [
    ['', ...col((f) => f.label)],
    ['file', ...col((f) => basename(f.path))],
    ['rows', ...col((f) => int(f.rows))],
    ['file size', ...col((f) => mb(f.fileBytes))],
    ['first parse, --no-cache (median)', ...col((f) => `${duration(f.parse.medianMs)} (${f.parse.runs} run${f.parse.runs === 1 ? '' : 's'})`)],
    ['  runs', ...col((f) => durations(f.parse.ms))],
    ['  throughput', ...col((f) => `${f.parse.mbPerSec.toFixed(1)} MB/s`)],
    ['  rows/s', ...col((f) => int(f.parse.rowsPerSec))],
    ['cache miss (parse + cache write)', ...col((f) => duration(f.cacheMiss.medianMs))],
    ['cache file', ...col((f) => mb(f.cacheMiss.cacheFileBytes))],
    ['cache hit (median)', ...col((f) => `${duration(f.cacheHit.medianMs)} (${f.cacheHit.runs} runs)`)],
    ['  runs', ...col((f) => durations(f.cacheHit.ms))],
    ['  speed-up vs first parse', ...col((f) => times(f.cacheHit.speedup))],
    ['column bytes (rows × cols × 8)', ...col((f) => `${mb(f.columnBytes)} (${f.storeColumns} cols)`)],
    ['store buffer after parse (capacity)', ...col((f) => `${mb(f.parse.bufferBytes)} (${times(f.parse.bufferBytes / f.columnBytes)} column bytes)`)],
    ['child RSS before load (baseline)', ...col((f) => mb(f.parse.baselineRssBytes))],
    ['peak RSS, first parse (max)', ...col((f) => mb(f.parse.peakRssBytes))],
    ['peak RSS, cache miss', ...col((f) => mb(f.cacheMiss.peakRssBytes))],
    ['peak RSS, cache hit (max)', ...col((f) => mb(f.cacheHit.peakRssBytes))],
    ['RSS after parse, table alive', ...col((f) => mb(f.parse.afterRssBytes))],
    ['peak RSS / column bytes (worst load)', ...col((f) => times(f.peakRssOverColumnBytes))],
    ['(peak − baseline) / column bytes', ...col((f) => times(f.loadRssOverColumnBytes))],
    ['first parse with Node defaults: time', ...col((f) => `${duration(f.defaultFlagsParse.ms)} (${(f.fileBytes / MB / (f.defaultFlagsParse.ms / 1000)).toFixed(1)} MB/s)`)],
    ['  peak RSS (/ column bytes)', ...col((f) => `${mb(f.defaultFlagsParse.peakRssBytes)} (${times(f.defaultFlagsParse.peakRssBytes / f.columnBytes)})`)],
  ];
  return [...lines, ...table(rows)];
}

/** Milliseconds: 2 decimals under 10 ms (the bare loop), 1 under 100, none above. */
function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function replaySection(replay: ReplayFigures): string[] {
  const lines = [
    `replay throughput: ${replay.label}, ${replay.file}, ${int(replay.bars)} bars`,
    `one child process with replaylab's V8 flags (${replay.nodeFlags.join(' ')}) loads the file once (${duration(replay.loadMs)}, cache off), then runs the bare loop and each policy over every bar:`,
    `${replay.warmupRuns} warm-up runs, then ${replay.runs} timed run${replay.runs === 1 ? '' : 's'} each; bars/s at the median; ratio = median / bare-loop median; seed ${replay.seed}; child peak RSS ${mb(replay.peakRssBytes)}`,
    `bare loop: reads all ${replay.bareLoop.columns.length} candle columns once per row into one sum (checksum ${replay.bareLoop.checksum.toExponential(6)})`,
    '',
  ];
  const row = (label: string, set: ReplayRunSet, ratio: string, trades: string): string[] => [
    label,
    `${ms(set.medianMs)} ms`,
    `${ms(set.minMs)} / ${ms(set.maxMs)} ms`,
    int(set.barsPerSec.median),
    ratio,
    trades,
    `${set.warmupMs.map(ms).join(', ')} ms`,
    `${set.ms.map(ms).join(', ')} ms`,
  ];
  const rows: string[][] = [
    ['', 'median', 'min / max', 'bars/s', 'ratio', 'trades', 'warm-up runs', 'timed runs'],
    row('bare loop (floor)', replay.bareLoop, '1×', '–'),
    ...replay.policies.map((p) => row(p.label, p, times(p.ratioToBareLoop), int(p.trades))),
  ];
  return [...lines, ...table(rows)];
}

function sweepSection(sweep: SweepFigures): string[] {
  const lines = [
    `sweep throughput and memory: ${sweep.label}, ${sweep.file}, ${int(sweep.bars)} bars; a batch of ${sweep.runs} runs on the runner's pool: rl-v2 trained on the first 3/4 and evaluated on the last 1/4, random on the last 1/4, over 4 configs × seeds`,
    `each measurement in a child process of its own with replaylab's V8 flags (${sweep.nodeFlags.join(' ')}): it loads the file into shared memory (cache off), creates a runner and runs two such batches on it:`,
    `cold = the first (other seeds), timed from the runner's creation: pool start-up and each worker's loading and compiling of replaylab included; warm = the second, on the same workers: the rate a longer sweep tends to;`,
    `${sweep.batches} round${sweep.batches === 1 ? '' : 's'} of one child per worker count, alternating; fastest = the quickest quiet child's batch, the one the machine slowed least; runs/s = fastest / median;`,
    `CPU = user + system time of every thread of the child (warm batch); others = CPU time the machine's other processes took meanwhile (/proc/stat);`,
    `* = the machine was busy during either batch (others > ${BUSY_MACHINE_FRACTION * 100}% of the batch's CPU): the fastest and the medians leave those children out while others are left; outcomes identical in every child (${sweep.digest.slice(0, 19)}…)`,
    '',
  ];
  const seconds = (values: readonly number[]): string => (values.some((v) => Number.isNaN(v)) ? '–' : `${values.map((v) => (v / 1000).toFixed(1)).join(', ')} s`);
  const marked = (w: SweepWorkerFigures, values: readonly string[]): string => values.map((v, i) => (w.busy[i] === true ? `${v}*` : v)).join(', ');
  const rows: string[][] = [
    ['workers', 'warm: fastest', 'median', 'runs/s', 'cold: fastest', 'median', 'runs/s', 'CPU (warm, median)', 'warm batches', 'cold batches', 'others (warm)', 'RSS after load', 'peak RSS (median)', 'peak RSS of each child'],
    ...sweep.workers.map((w) => [
      String(w.workers),
      duration(w.bestMs),
      duration(w.medianMs),
      `${w.bestRunsPerSec.toFixed(2)} / ${w.runsPerSec.toFixed(2)}`,
      duration(w.bestColdMs),
      duration(w.medianColdMs),
      `${w.bestColdRunsPerSec.toFixed(2)} / ${w.coldRunsPerSec.toFixed(2)}`,
      duration(w.medianCpuMs),
      `${marked(w, w.ms.map((m) => (m / 1000).toFixed(2)))} s`,
      `${marked(w, w.coldMs.map((m) => (m / 1000).toFixed(2)))} s`,
      seconds(w.othersCpuMs),
      mb(w.baselineRssBytes),
      mb(w.medianPeakRssBytes),
      `${marked(w, w.peakRssBytes.map((b) => (b / MB).toFixed(0)))} MB`,
    ]),
  ];
  const startUp = sweep.workers.map((w) => `${w.workers}: ${duration(w.medianColdMs - w.medianMs)}`).join(', ');
  const summary = [
    `2 workers / 1 worker: ${times(sweep.speedup)} the runs/s of the fastest warm batches (${times(sweep.medianSpeedup)} of the medians), ${times(sweep.coldSpeedup)} cold (${times(sweep.medianColdSpeedup)} of the medians; cold − warm, the start-up and compiling a batch pays once, by workers: ${startUp});`,
    `the same batch took up to ${(sweep.cpuSpread * 100).toFixed(0)}% more CPU time in one child than in another with as many workers: the machine ran the same work at varying speed between rounds, and a slowed round costs 2 workers, which need both cores, more than 1;`,
    `the second worker adds ${mb(sweep.addedRssBytes)} (${(sweep.addedRssFraction * 100).toFixed(1)}%) to the peak RSS`,
  ];
  if (sweep.workers.some((w) => w.busy.every(Boolean))) {
    summary.push(`note: other processes kept the machine busy during every batch with ${sweep.workers.filter((w) => w.busy.every(Boolean)).map((w) => w.workers).join(' and ')} worker(s): the runs/s say little`);
  }
  return [...lines, ...table(rows), '', ...summary];
}

export function formatText(figures: BenchFigures): string {
  const { environment: env, files, replay, sweep } = figures;
  const lines: string[] = [];
  lines.push(`replaylab bench (${figures.sections.join(' + ')})`);
  lines.push(`node ${env.node} (V8 ${env.v8}) · ${env.cpu} · ${env.cores} cores · ${env.platform} · ${(env.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB RAM`);
  const kline = replay ?? sweep;
  const prepared = files.length > 0 ? files.map((f) => `${f.label}: ${f.prepared}`) : kline === null ? [] : [`${kline.label}: ${kline.prepared}`];
  lines.push(`work dir ${figures.workDir} (${prepared.join(', ')})`);
  lines.push('');
  if (files.length > 0) lines.push(...dataSection(files), '');
  if (replay !== null) lines.push(...replaySection(replay), '');
  if (sweep !== null) lines.push(...sweepSection(sweep), '');

  const targetRows: string[][] = [['target', 'file', 'value', 'result']];
  for (const t of figures.targets) {
    const value = t.unit === '×' ? times(t.value) : t.unit === 'bars/s' ? `${int(t.value)} bars/s` : `${t.value.toFixed(1)} ${t.unit}`;
    targetRows.push([t.name, t.file, value, t.pass ? 'PASS' : 'MISS']);
  }
  lines.push(...table(targetRows));
  lines.push('');
  lines.push(`bench time ${figures.benchSeconds.toFixed(1)} s (preparing the files included)`);
  return `${lines.join('\n')}\n`;
}

export function formatJson(figures: BenchFigures): string {
  return `${JSON.stringify(figures, null, 2)}\n`;
}
