/**
 * One replay from start to files: pick the period, run the loop, measure it, write the run folder.
 * Shared by `replaylab replay` and (later) the runner's workers: data in, result out.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { InputError } from '../data/errors.js';
import { formatIsoTime } from '../data/time.js';
import type { EngineEvent } from '../engine/events.js';
import { positionQuantities, runReplay, type MarketData, type ReplayResult } from '../engine/replay.js';
import type { SignalSources } from '../engine/signal-sources.js';
import { runMetrics, type RunMetrics } from '../metrics/run-metrics.js';
import type { Policy, PolicyParamValue } from '../policies/policy.js';
import { eventLine, renderEquityCsv, renderTradesCsv, toJson } from './run-files.js';

export interface Period {
  readonly startIndex: number;
  readonly endIndex: number;
}

/** Bars whose open time is in [from, to): `--to 2021-01-01` ends with the last bar of 2020. */
export function selectPeriod(openTime: Float64Array, from: number | undefined, to: number | undefined): Period {
  const rows = openTime.length;
  if (rows === 0) throw new InputError('the dataset holds no candles');
  if (from !== undefined && to !== undefined && !(from < to)) {
    throw new InputError(`--from ${formatIsoTime(from)} is not before --to ${formatIsoTime(to)}`);
  }
  const lowerBound = (t: number) => {
    let lo = 0;
    let hi = rows;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (openTime[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const startIndex = from === undefined ? 0 : lowerBound(from);
  const endIndex = to === undefined ? rows : lowerBound(to);
  if (endIndex <= startIndex) {
    const covers = `${formatIsoTime(openTime[0]!)} → ${formatIsoTime(openTime[rows - 1]!)}`;
    const asked = `${from === undefined ? 'the start' : formatIsoTime(from)} → ${to === undefined ? 'the end' : formatIsoTime(to)}`;
    throw new InputError(`no bars in the period ${asked}; the data covers ${covers}`);
  }
  return { startIndex, endIndex };
}

/** Missing bars inside the period: how many gaps, and the largest (a position held across one jumps to its far side). */
export function periodGaps(openTime: Float64Array, period: Period, intervalMs: number) {
  let count = 0;
  let missingBars = 0;
  let largest = { fromMs: 0, toMs: 0, bars: 0 };
  for (let i = period.startIndex + 1; i < period.endIndex; i++) {
    const step = openTime[i]! - openTime[i - 1]!;
    if (step <= intervalMs) continue;
    const bars = Math.round(step / intervalMs) - 1;
    count++;
    missingBars += bars;
    if (bars > largest.bars) largest = { fromMs: openTime[i - 1]! + intervalMs, toMs: openTime[i]!, bars };
  }
  return { count, missingBars, largest };
}

export interface ReplayRunInput {
  readonly market: MarketData;
  readonly config: RunConfig;
  readonly policy: Policy;
  readonly policyName: string;
  readonly params: Readonly<Record<string, PolicyParamValue>>;
  readonly seed: number;
  readonly period: Period;
  readonly sources?: SignalSources;
  /** Writes every event to this file as JSON lines. */
  readonly eventsFile?: string;
}

export interface ReplayRunOutput {
  readonly result: ReplayResult;
  readonly intervalMs: number;
  readonly metrics: RunMetrics;
  readonly replayMs: number;
}

/** An events.jsonl writer that buffers lines and writes them in blocks. */
class EventLog {
  private readonly fd: number;
  private lines: string[] = [];
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  write = (event: EngineEvent): void => {
    this.lines.push(eventLine(event));
    if (this.lines.length >= 4096) this.flush();
  };
  flush(): void {
    if (this.lines.length > 0) writeSync(this.fd, `${this.lines.join('\n')}\n`);
    this.lines = [];
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export function executeReplay(input: ReplayRunInput): ReplayRunOutput {
  const log = input.eventsFile === undefined ? undefined : new EventLog(input.eventsFile);
  const started = performance.now();
  let result: ReplayResult;
  try {
    result = runReplay({
      market: input.market,
      config: input.config,
      policy: input.policy,
      policyName: input.policyName,
      params: input.params,
      seed: input.seed,
      startIndex: input.period.startIndex,
      endIndex: input.period.endIndex,
      ...(log === undefined ? {} : { onEvent: log.write }),
      ...(input.sources === undefined ? {} : { sources: input.sources }),
    });
  } finally {
    log?.close();
  }
  const replayMs = performance.now() - started;
  const close = input.market.candles.columns.close;
  const metrics = runMetrics({
    time: result.time,
    equity: result.equity,
    intervalMs: input.market.intervalMs,
    startingCash: result.startingCash,
    trades: result.trades,
    feesPaid: result.feesPaid,
    liquidations: result.liquidations,
    barsInMarket: result.barsInMarket,
    firstClose: close[result.startIndex]!,
    lastClose: close[result.endIndex - 1]!,
    periodsPerYear: input.config.metrics.periodsPerYear,
    riskFreeRate: input.config.metrics.riskFreeRate,
  });
  return { result, metrics, replayMs, intervalMs: input.market.intervalMs };
}

/** metrics.json: the metrics plus what a reader needs to trust them (deterministic: no timings). */
export function metricsDocument(output: ReplayRunOutput, context: { policy: string; seed: number; syntheticData: boolean }) {
  const { result } = output;
  return {
    policy: context.policy,
    seed: context.seed,
    start: formatIsoTime(result.time[0]!),
    end: formatIsoTime(result.time[result.time.length - 1]!),
    ...output.metrics,
    ordersSubmitted: result.ordersSubmitted,
    ordersRejected: result.ordersRejected,
    rejectedByReason: result.rejectedByReason,
    signalsGenerated: result.signalsGenerated,
    fillModel: result.tickWalk ? 'tick-walk' : 'candles',
    modelSource: result.modelSource ?? null,
    syntheticModels: result.modelSource === 'synthetic',
    syntheticData: context.syntheticData,
  };
}

/** trades.csv, equity.csv and metrics.json; the manifest is written last, by the caller. */
export function writeRunFiles(folder: string, output: ReplayRunOutput, metrics: unknown): void {
  const { result } = output;
  writeFileSync(join(folder, 'trades.csv'), renderTradesCsv(result.trades, result.modelSource));
  writeFileSync(join(folder, 'equity.csv'), renderEquityCsv({ ...result, positionQty: positionQuantities(result) }, output.intervalMs));
  writeFileSync(join(folder, 'metrics.json'), toJson(metrics));
}
