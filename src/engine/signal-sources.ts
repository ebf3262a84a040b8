/**
 * Market features and strategy signals of a dataset, computed once on first use and shared by
 * every run on the same data and config. They are causal columns (the value at bar i uses bars
 * ≤ i only), so computing them over the whole dataset up front sees nothing a bar-by-bar replay
 * would not; the look-ahead tests prove it.
 */
import type { RunConfig } from '../config/run-config.js';
import type { Rng } from '../config/random.js';
import { computeMarketFeatures, type MarketFeatures } from '../features/market-features.js';
import { computeStrategySignals, type StrategyName, type StrategySignals } from '../signals/strategies.js';
import { readPredictions, syntheticModelScores, type ModelScores } from '../signals/models.js';
import type { MarketData } from './replay.js';

export class SignalSources {
  private features: MarketFeatures | undefined;
  private strategies: Record<StrategyName, StrategySignals> | undefined;
  private predictions: ModelScores | undefined;

  constructor(
    readonly market: MarketData,
    readonly config: RunConfig,
  ) {}

  marketFeatures(): MarketFeatures {
    this.features ??= computeMarketFeatures(this.market.candles, this.market.trades, this.market.intervalMs, this.config.features);
    return this.features;
  }

  strategySignals(): Record<StrategyName, StrategySignals> {
    this.strategies ??= computeStrategySignals(this.market.candles, this.config.signals);
    return this.strategies;
  }

  /** Reads and checks predictions.csv now (bad files fail before the run, not at the policy's first use). */
  loadPredictions(): ModelScores | undefined {
    const { predictionsPath, candles, intervalMs } = this.market;
    if (predictionsPath === undefined) return undefined;
    this.predictions ??= readPredictions(predictionsPath, candles.columns.openTime, intervalMs, this.config.models.names);
    return this.predictions;
  }

  /** Scores from predictions.csv (shared), or synthetic ones drawn from the run's model stream. */
  modelScores(modelRng: Rng): ModelScores {
    const { predictionsPath, candles, intervalMs } = this.market;
    if (predictionsPath !== undefined) {
      this.predictions ??= readPredictions(predictionsPath, candles.columns.openTime, intervalMs, this.config.models.names);
      return this.predictions;
    }
    return syntheticModelScores(candles.columns.close, this.config.models, modelRng);
  }
}
