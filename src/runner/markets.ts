/**
 * The datasets of a batch (ab, sweep), each loaded once: its columns live in SharedArrayBuffers
 * that every worker reads in place. A dataset is known to the runs by its key, the path as given.
 */
import { createHash } from 'node:crypto';
import { displayPath, formatIsoTime, loadDataset, type Dataset, type DataLoadOptions } from '../data/index.js';
import type { MarketData } from '../engine/replay.js';
import { periodGaps } from '../runs/replay-run.js';

/** A digest of the candles (times and OHLCV) and trades, so a run names exactly the data it saw. */
export function datasetFingerprint(dataset: Dataset): string {
  const hash = createHash('sha256');
  const c = dataset.candles.columns;
  for (const column of [c.openTime, c.open, c.high, c.low, c.close, c.volume]) {
    hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  }
  if (dataset.trades !== undefined) {
    const t = dataset.trades.columns;
    for (const column of [t.time, t.price, t.qty]) hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  }
  return `sha256:${hash.digest('hex')}`;
}

/** What a report says about a dataset. */
export interface DatasetInfo {
  readonly key: string;
  readonly name: string;
  readonly path: string;
  readonly symbol: string | null;
  readonly interval: string;
  readonly bars: number;
  readonly trades: number;
  readonly start: string;
  readonly end: string;
  readonly synthetic: boolean;
  readonly fingerprint: string;
  readonly gaps: { readonly count: number; readonly missingBars: number };
}

export interface LoadedMarket {
  readonly key: string;
  readonly dataset: Dataset;
  readonly market: MarketData;
  readonly info: DatasetInfo;
}

export function marketOf(dataset: Dataset): MarketData {
  return {
    name: dataset.name,
    symbol: dataset.symbol,
    intervalMs: dataset.interval.ms,
    candles: dataset.candles,
    trades: dataset.trades,
    predictionsPath: dataset.predictionsPath,
  };
}

export function datasetInfo(key: string, dataset: Dataset): DatasetInfo {
  const time = dataset.candles.columns.openTime;
  const rows = dataset.candles.rows;
  const gaps = periodGaps(time, { startIndex: 0, endIndex: rows }, dataset.interval.ms);
  return {
    key,
    name: dataset.name,
    path: displayPath(dataset.path),
    symbol: dataset.symbol ?? null,
    interval: dataset.interval.name,
    bars: rows,
    trades: dataset.trades?.rows ?? 0,
    start: formatIsoTime(time[0]!),
    end: formatIsoTime(time[rows - 1]! + dataset.interval.ms),
    synthetic: dataset.synthetic,
    fingerprint: datasetFingerprint(dataset),
    gaps: { count: gaps.count, missingBars: gaps.missingBars },
  };
}

/** Loads each path once (a path given twice is one dataset), in the order given. */
export async function loadMarkets(paths: readonly string[], options: DataLoadOptions = {}): Promise<LoadedMarket[]> {
  const loaded: LoadedMarket[] = [];
  for (const key of new Set(paths)) {
    const dataset = await loadDataset(key, options);
    loaded.push({ key, dataset, market: marketOf(dataset), info: datasetInfo(key, dataset) });
  }
  return loaded;
}
