/**
 * Replay throughput: `runReplay` over every bar of the one-year 1-minute kline file, per policy,
 * against a floor: a bare loop that reads every candle column once per row.
 *
 * One child process (`--child replay --file F --replay-runs N`, internal) started with replaylab's
 * V8 flags loads the file once (parse, cache off), then for the bare loop and for each policy runs
 * REPLAY_WARMUP_RUNS untimed warm-up runs (V8 optimizes the loops during them: the first run is
 * much slower) and N timed runs, and prints one JSON line on stdout. Progress goes to stderr.
 *
 * This module pulls in the engine, the policies and zod: main.ts imports it only when the replay
 * section runs, so the data-layer children's baseline RSS stays what it was.
 */
import { spawn } from 'node:child_process';
import { resolveConfig } from '../src/config/run-config.js';
import { RUNTIME_NODE_FLAGS } from '../src/config/runtime.js';
import { CANDLE_COLUMNS, loadDataset, type CandleTable } from '../src/data/index.js';
import { runReplay, type MarketData } from '../src/engine/replay.js';
import { SignalSources } from '../src/engine/signal-sources.js';
import { BUILTIN_POLICIES } from '../src/policies/builtin.js';
import type { PolicyEnvironment, PolicyFactory, PolicyParamValue } from '../src/policies/policy.js';
import smaCross from '../examples/sma-cross.js';

/** Untimed runs before the timed ones, for the bare loop and for every policy. */
export const REPLAY_WARMUP_RUNS = 2;
/** The run's seed (the CLI's default): the random policy's draws come from it. */
export const REPLAY_SEED = 1;

export interface ReplayPolicySpec {
  readonly key: 'buy-and-hold' | 'random' | 'sma-cross' | 'rl-v1' | 'rl-v2' | 'rl-v1 prepared' | 'rl-v2 prepared';
  readonly label: string;
  readonly factory: PolicyFactory;
  readonly params: Readonly<Record<string, PolicyParamValue>>;
  /**
   * The dataset's market features, strategy signals and the seed's synthetic model scores computed
   * once, before the timed runs, and shared by them (as the runs of a sweep or an A/B on one dataset
   * share them; model scores with the runs of the same seed). Without it every run computes them itself.
   */
  readonly prepared?: boolean;
}

function builtin(name: string): PolicyFactory {
  const entry = BUILTIN_POLICIES[name];
  if (entry === undefined) throw new Error(`no built-in policy '${name}'`);
  return entry.factory;
}

export function replayPolicies(): readonly ReplayPolicySpec[] {
  return [
    { key: 'buy-and-hold', label: 'buy-and-hold', factory: builtin('buy-and-hold'), params: {} },
    { key: 'random', label: 'random (default params)', factory: builtin('random'), params: {} },
    { key: 'sma-cross', label: 'sma-cross fast=10 slow=30', factory: smaCross, params: { fast: 10, slow: 30 } },
    { key: 'rl-v1', label: 'rl-v1 (cold: features, signals, models in the run)', factory: builtin('rl-v1'), params: {} },
    { key: 'rl-v2', label: 'rl-v2 (cold: features, signals, models in the run)', factory: builtin('rl-v2'), params: {} },
    { key: 'rl-v1 prepared', label: 'rl-v1 (features, signals, models shared)', factory: builtin('rl-v1'), params: {}, prepared: true },
    { key: 'rl-v2 prepared', label: 'rl-v2 (features, signals, models shared)', factory: builtin('rl-v2'), params: {}, prepared: true },
  ];
}

export interface TimedRunsResult {
  /** Wall time of each warm-up run (not used in the statistics). */
  readonly warmupMs: readonly number[];
  /** Wall time of each timed run. */
  readonly ms: readonly number[];
}

export interface BareLoopResult extends TimedRunsResult {
  readonly columns: readonly string[];
  /** Sum of every value of every column read (the same on every run; printed so the loop stays). */
  readonly checksum: number;
}

export interface PolicyRunResult extends TimedRunsResult {
  readonly key: ReplayPolicySpec['key'];
  readonly label: string;
  /** The policy's own name (e.g. `sma-cross(10,30)`). */
  readonly policyName: string;
  readonly params: Readonly<Record<string, PolicyParamValue>>;
  /** Closed trades of a run (the same on every run). */
  readonly trades: number;
  readonly finalEquity: number;
}

export interface ReplayChildResult {
  readonly mode: 'replay';
  readonly file: string;
  readonly rows: number;
  readonly intervalMs: number;
  /** Wall time of `loadDataset` (parse, cache off). */
  readonly loadMs: number;
  readonly warmupRuns: number;
  readonly runs: number;
  readonly seed: number;
  readonly bareLoop: BareLoopResult;
  readonly policies: readonly PolicyRunResult[];
  /** Peak RSS of the child at the end, KB. */
  readonly peakRssKB: number;
}

const progress = (message: string): void => void process.stderr.write(`[bench] replay: ${message}\n`);

/** The columns `bareLoop` reads, in its order; checked against CANDLE_COLUMNS so none is missed. */
const BARE_LOOP_COLUMNS = [
  'openTime',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'closeTime',
  'quoteVolume',
  'tradeCount',
  'takerBuyVolume',
  'takerBuyQuoteVolume',
] as const;

function checkBareLoopColumns(): void {
  const wanted = [...CANDLE_COLUMNS].sort().join(',');
  const read = [...BARE_LOOP_COLUMNS].sort().join(',');
  if (wanted !== read) throw new Error(`the bare loop reads ${read}, but the candle columns are ${wanted}: update bench/replay.ts`);
}

/** The floor: every candle column read once per row, summed into one accumulator that is returned. */
export function bareLoop(candles: CandleTable): number {
  const { openTime, open, high, low, close, volume, closeTime, quoteVolume, tradeCount, takerBuyVolume, takerBuyQuoteVolume } = candles.columns;
  const rows = candles.rows;
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    sum +=
      openTime[i]! +
      open[i]! +
      high[i]! +
      low[i]! +
      close[i]! +
      volume[i]! +
      closeTime[i]! +
      quoteVolume[i]! +
      tradeCount[i]! +
      takerBuyVolume[i]! +
      takerBuyQuoteVolume[i]!;
  }
  return sum;
}

/**
 * `warmups` untimed then `runs` timed runs. `prepare` (not timed) returns the run; the run returns
 * a value that must be the same every time (it is kept, so the work cannot be dropped).
 */
async function timeRuns<T>(
  what: string,
  warmups: number,
  runs: number,
  prepare: () => Promise<() => T>,
  same: (a: T, b: T) => boolean,
): Promise<TimedRunsResult & { value: T }> {
  const warmupMs: number[] = [];
  const ms: number[] = [];
  let first: { value: T } | undefined;
  for (let n = 0; n < warmups + runs; n++) {
    const run = await prepare();
    const started = performance.now();
    const value = run();
    const elapsed = performance.now() - started;
    if (first === undefined) first = { value };
    else if (!same(first.value, value)) throw new Error(`${what}: run ${n + 1} gave a different result than run 1`);
    const warm = n < warmups;
    (warm ? warmupMs : ms).push(elapsed);
    progress(`${what}: ${warm ? `warm-up ${n + 1}/${warmups}` : `run ${n - warmups + 1}/${runs}`}: ${elapsed.toFixed(2)} ms`);
  }
  return { warmupMs, ms, value: first!.value };
}

/** The child's side: load once, then the bare loop and every policy, warmed up and timed. */
export async function runReplayChild(file: string, runs: number): Promise<ReplayChildResult> {
  checkBareLoopColumns();
  const loadStarted = performance.now();
  const dataset = await loadDataset(file, { cache: false });
  const loadMs = performance.now() - loadStarted;
  if (dataset.trades !== undefined) throw new Error(`${file}: expected candles only, the dataset has trades`);
  const market: MarketData = {
    name: dataset.name,
    symbol: dataset.symbol,
    intervalMs: dataset.interval.ms,
    candles: dataset.candles,
    trades: undefined,
    predictionsPath: undefined,
  };
  const rows = dataset.candles.rows;
  progress(`${file}: ${rows.toLocaleString('en-US')} bars (${dataset.interval.name}) loaded in ${loadMs.toFixed(0)} ms`);

  const bare = await timeRuns(
    'bare loop',
    REPLAY_WARMUP_RUNS,
    runs,
    () => Promise.resolve(() => bareLoop(market.candles)),
    (a, b) => Object.is(a, b),
  );
  if (!Number.isFinite(bare.value)) throw new Error(`bare loop: checksum ${bare.value} is not finite`);

  const config = resolveConfig({});
  const environment: PolicyEnvironment = { seed: REPLAY_SEED, symbol: dataset.symbol, intervalMs: dataset.interval.ms, config };
  const policies: PolicyRunResult[] = [];
  for (const spec of replayPolicies()) {
    let policyName = spec.key as string;
    let sources: SignalSources | undefined;
    if (spec.prepared === true) {
      sources = new SignalSources(market, config);
      sources.marketFeatures();
      sources.strategySignals();
      sources.modelScores(REPLAY_SEED);
    }
    // A fresh policy for every run (policies keep state); building it is not timed.
    const timed = await timeRuns(
      spec.label,
      REPLAY_WARMUP_RUNS,
      runs,
      async () => {
        const policy = await spec.factory(spec.params, environment);
        policyName = policy.name ?? spec.key;
        return () => {
          const result = runReplay({
            market,
            config,
            policy,
            policyName,
            params: spec.params,
            seed: REPLAY_SEED,
            startIndex: 0,
            endIndex: rows,
            ...(sources === undefined ? {} : { sources }),
          });
          return { trades: result.trades.length, finalEquity: result.finalEquity };
        };
      },
      (a, b) => a.trades === b.trades && Object.is(a.finalEquity, b.finalEquity),
    );
    policies.push({
      key: spec.key,
      label: spec.label,
      policyName,
      params: spec.params,
      warmupMs: timed.warmupMs,
      ms: timed.ms,
      trades: timed.value.trades,
      finalEquity: timed.value.finalEquity,
    });
  }

  return {
    mode: 'replay',
    file,
    rows,
    intervalMs: dataset.interval.ms,
    loadMs,
    warmupRuns: REPLAY_WARMUP_RUNS,
    runs,
    seed: REPLAY_SEED,
    bareLoop: { columns: [...BARE_LOOP_COLUMNS], warmupMs: bare.warmupMs, ms: bare.ms, checksum: bare.value },
    policies,
    peakRssKB: process.resourceUsage().maxRSS,
  };
}

/** The parent's side: one replay child with replaylab's V8 flags; its progress is passed through to stderr. */
export function spawnReplayChild(script: string, file: string, runs: number, nodeFlags: readonly string[] = RUNTIME_NODE_FLAGS): Promise<ReplayChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, script, '--child', 'replay', '--file', file, '--replay-runs', String(runs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`child 'replay' on ${file} failed (${signal ?? `exit ${code}`}); its messages are above`));
        return;
      }
      const text = Buffer.concat(out).toString('utf8').trim();
      const line = text.split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ReplayChildResult);
      } catch {
        reject(new Error(`child 'replay' on ${file} printed no result:\n${text}`));
      }
    });
  });
}
