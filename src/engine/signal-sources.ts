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
import { barTradeRanges, checkTradesAgainstCandles, type BarTradeRanges } from '../data/bar-trades.js';

export class SignalSources {
  private features: MarketFeatures | undefined;
  private strategies: Record<StrategyName, StrategySignals> | undefined;
  private predictions: ModelScores | undefined;
  private ranges: BarTradeRanges | undefined;

  constructor(
    readonly market: MarketData,
    readonly config: RunConfig,
  ) {}

  /**
   * Which trades fall in which bar, checked once against the candles (trades of another symbol or
   * source are refused); undefined without trade data.
   */
  tradeRanges(): BarTradeRanges | undefined {
    const { candles, trades, intervalMs } = this.market;
    if (trades === undefined || trades.rows === 0) return undefined;
    if (this.ranges === undefined) {
      const ranges = barTradeRanges(candles, trades, intervalMs);
      checkTradesAgainstCandles(candles, trades, ranges);
      this.ranges = ranges;
    }
    return this.ranges;
  }

  marketFeatures(): MarketFeatures {
    const { candles, trades, intervalMs } = this.market;
    this.features ??= computeMarketFeatures(candles, trades, intervalMs, this.config.features, this.tradeRanges());
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
    return this.loadPredictions() ?? syntheticModelScores(this.market.candles.columns.close, this.config.models, modelRng);
  }
}
