/**
 * Market features, strategy signals and model scores of a dataset, computed on first use and
 * shared by every run on the same data and config. They are causal columns (the value at bar i
 * uses bars ≤ i only; synthetic model scores excepted, on purpose: see signals/models.ts), so
 * computing them over the whole dataset up front sees nothing a bar-by-bar replay would not; the
 * look-ahead tests prove it.
 *
 * Each source has a key naming exactly what it depends on (`sourceKeys`), and lives in a
 * `SourceStore`, which also says where its columns are allocated: by default this object keeps the
 * latest value of each kind, in this thread's memory; a runner's workers share one store across
 * threads instead, so that each source of a batch is computed once, by the first run that needs
 * it, into shared memory that the other runs read in place.
 */
import type { RunConfig } from '../config/run-config.js';
import { PRIVATE_COLUMNS, type ColumnAllocator } from '../data/columns.js';
import { runStreams } from '../config/random.js';
import { computeMarketFeatures, type MarketFeatures } from '../features/market-features.js';
import { computeStrategySignals, type StrategyName, type StrategySignals } from '../signals/strategies.js';
import { readPredictions, syntheticModelScores, type ModelScores } from '../signals/models.js';
import type { MarketData } from './replay.js';
import { barTradeRanges, checkTradesAgainstCandles, type BarTradeRanges } from '../data/bar-trades.js';

export type SourceKind = 'tradeRanges' | 'marketFeatures' | 'strategySignals' | 'predictions' | 'syntheticScores';

/** One source of one dataset: its kind, and what it depends on besides the dataset, as text. */
export interface SourceKey {
  readonly kind: SourceKind;
  readonly id: string;
}

/** Where sources are kept once computed. */
export interface SourceStore {
  /** Where the columns of the sources computed for this store are allocated. */
  readonly columns: ColumnAllocator;
  /** The value kept under `key`, or `compute()`'s (then kept). `compute` must be deterministic. */
  obtain<T>(key: SourceKey, compute: () => T): T;
}

/** The default store: the latest value of each kind (one config per SignalSources; model scores of the latest seed), in this thread's memory. */
export class LatestSourceStore implements SourceStore {
  readonly columns = PRIVATE_COLUMNS;
  private readonly kept = new Map<SourceKind, { id: string; value: unknown }>();

  obtain<T>(key: SourceKey, compute: () => T): T {
    const kept = this.kept.get(key.kind);
    if (kept !== undefined && kept.id === key.id) return kept.value as T;
    const value = compute();
    this.kept.set(key.kind, { id: key.id, value });
    return value;
  }
}

/**
 * The keys of the sources a run with this config and seed may read (which ones it does read is
 * up to its policy): the trade ranges with trade data, the market features, the strategy signals,
 * and the predictions, or without predictions.csv the synthetic model scores of the seed.
 */
export function sourceKeys(market: MarketData, config: RunConfig, seed: number): {
  readonly tradeRanges: SourceKey | undefined;
  readonly marketFeatures: SourceKey;
  readonly strategySignals: SourceKey;
  readonly modelScores: SourceKey;
} {
  const hasTrades = market.trades !== undefined && market.trades.rows > 0;
  return {
    tradeRanges: hasTrades ? { kind: 'tradeRanges', id: '' } : undefined,
    marketFeatures: { kind: 'marketFeatures', id: JSON.stringify(config.features) },
    strategySignals: { kind: 'strategySignals', id: JSON.stringify(config.signals) },
    modelScores:
      market.predictionsPath === undefined
        ? { kind: 'syntheticScores', id: JSON.stringify([config.models, seed]) }
        : { kind: 'predictions', id: JSON.stringify(config.models.names) },
  };
}

export class SignalSources {
  constructor(
    readonly market: MarketData,
    readonly config: RunConfig,
    private readonly store: SourceStore = new LatestSourceStore(),
  ) {}

  /**
   * Which trades fall in which bar, checked once against the candles (trades of another symbol or
   * source are refused); undefined without trade data.
   */
  tradeRanges(): BarTradeRanges | undefined {
    const { candles, trades, intervalMs } = this.market;
    const key = sourceKeys(this.market, this.config, 0).tradeRanges;
    if (trades === undefined || key === undefined) return undefined;
    return this.store.obtain(key, () => {
      const ranges = barTradeRanges(candles, trades, intervalMs, this.store.columns);
      checkTradesAgainstCandles(candles, trades, ranges);
      return ranges;
    });
  }

  marketFeatures(): MarketFeatures {
    const { candles, trades, intervalMs } = this.market;
    const key = sourceKeys(this.market, this.config, 0).marketFeatures;
    return this.store.obtain(key, () => computeMarketFeatures(candles, trades, intervalMs, this.config.features, this.tradeRanges(), this.store.columns));
  }

  strategySignals(): Record<StrategyName, StrategySignals> {
    const key = sourceKeys(this.market, this.config, 0).strategySignals;
    return this.store.obtain(key, () => computeStrategySignals(this.market.candles, this.config.signals, this.store.columns));
  }

  /** Reads and checks predictions.csv now (bad files fail before the run, not at the policy's first use). */
  loadPredictions(): ModelScores | undefined {
    const { predictionsPath, candles, intervalMs } = this.market;
    if (predictionsPath === undefined) return undefined;
    const key = sourceKeys(this.market, this.config, 0).modelScores;
    return this.store.obtain(key, () => readPredictions(predictionsPath, candles.columns.openTime, intervalMs, this.config.models.names, this.store.columns));
  }

  /**
   * Scores from predictions.csv, or synthetic ones drawn from the model stream of a run with this
   * seed (`runStreams(seed).model`): the same for every run with the seed, so they are shared too.
   */
  modelScores(seed: number): ModelScores {
    const predictions = this.loadPredictions();
    if (predictions !== undefined) return predictions;
    const key = sourceKeys(this.market, this.config, seed).modelScores;
    return this.store.obtain(key, () => syntheticModelScores(this.market.candles.columns.close, this.config.models, runStreams(seed).model, this.store.columns));
  }
}
