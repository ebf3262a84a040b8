/**
 * Rule-based strategies (DESIGN §4). Each emits, at every bar close, a direction in {−1, 0, 1} and
 * a strength in [0, 1] (0 whenever the direction is 0), from bars 0..i only. Each has an
 * incremental class fed one bar at a time (O(1) amortised); `computeStrategySignals` runs them
 * over a whole table. Every direction is 0 until its lookback is filled.
 *
 * - dual_momentum: r_s = close_i / close_{i−short} − 1 and r_l = close_i / close_{i−long} − 1;
 *   the direction is their common sign when both are non-zero and agree, the strength
 *   tanh(|r_l| / strengthScale).
 * - mean_reversion: z = (close − SMA_w) / std_w, over the last w closes including this one (sample
 *   std; z = 0 when it is 0, and so always with w = 1); −1 when z ≥ zEntry, +1 when z ≤ −zEntry;
 *   strength min(1, 0.5 + (|z| − zEntry) / zEntry): 0.5 at the threshold, 1 at 1.5 × zEntry.
 * - breakout: H and L, the highest high and lowest low of the prior w bars (i−w..i−1); +1 when
 *   close > H, −1 when close < L; strength tanh(distance / (H − L) / strengthScale), the distance
 *   beyond the range in range widths (1 when H = L).
 */
import type { SignalConfig } from '../config/run-config.js';
import { PRIVATE_COLUMNS, type CandleTable, type ColumnAllocator } from '../data/columns.js';
import { LagBuffer, RollingExtreme, RollingStats } from '../features/rolling.js';

export const STRATEGY_NAMES = ['dual_momentum', 'mean_reversion', 'breakout'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface StrategySignals {
  /** −1, 0 or +1 per bar. */
  readonly direction: Int8Array;
  /** In [0, 1]; 0 when the direction is 0. */
  readonly strength: Float64Array;
}

/** A strategy fed one bar at a time; read `direction` and `strength` after each `update`. */
export interface IncrementalStrategy {
  update(high: number, low: number, close: number): void;
  readonly direction: number;
  readonly strength: number;
}

export class DualMomentumStrategy implements IncrementalStrategy {
  direction = 0;
  strength = 0;
  private readonly closes: LagBuffer;
  private readonly shortLookback: number;
  private readonly longLookback: number;
  private readonly strengthScale: number;

  constructor(config: SignalConfig['dualMomentum']) {
    this.shortLookback = config.shortLookback;
    this.longLookback = config.longLookback;
    this.strengthScale = config.strengthScale;
    this.closes = new LagBuffer(Math.max(config.shortLookback, config.longLookback) + 1);
  }

  update(_high: number, _low: number, close: number): void {
    this.closes.push(close);
    this.direction = 0;
    this.strength = 0;
    if (this.closes.count <= Math.max(this.shortLookback, this.longLookback)) return;
    const shortReturn = close / this.closes.ago(this.shortLookback) - 1;
    const longReturn = close / this.closes.ago(this.longLookback) - 1;
    const direction = Math.sign(longReturn);
    if (direction === 0 || Math.sign(shortReturn) !== direction) return;
    this.direction = direction;
    this.strength = Math.tanh(Math.abs(longReturn) / this.strengthScale);
  }
}

export class MeanReversionStrategy implements IncrementalStrategy {
  direction = 0;
  strength = 0;
  private readonly closes: RollingStats;
  private readonly zEntry: number;

  constructor(config: SignalConfig['meanReversion']) {
    this.closes = new RollingStats(config.window);
    this.zEntry = config.zEntry;
  }

  update(_high: number, _low: number, close: number): void {
    this.closes.push(close);
    this.direction = 0;
    this.strength = 0;
    if (!this.closes.full) return;
    const std = this.closes.sampleStd;
    if (!(std > 0)) return;
    const z = (close - this.closes.mean) / std;
    const entry = this.zEntry;
    if (z >= entry) this.direction = -1;
    else if (z <= -entry) this.direction = 1;
    else return;
    this.strength = Math.min(1, 0.5 + (Math.abs(z) - entry) / entry);
  }
}

export class BreakoutStrategy implements IncrementalStrategy {
  direction = 0;
  strength = 0;
  private readonly priorHigh: RollingExtreme;
  private readonly priorLow: RollingExtreme;
  private readonly strengthScale: number;

  constructor(config: SignalConfig['breakout']) {
    this.priorHigh = new RollingExtreme(config.window, 'max');
    this.priorLow = new RollingExtreme(config.window, 'min');
    this.strengthScale = config.strengthScale;
  }

  update(high: number, low: number, close: number): void {
    this.direction = 0;
    this.strength = 0;
    // Compared before this bar joins the window: the range is bars i−w..i−1.
    if (this.priorHigh.full) {
      const rangeHigh = this.priorHigh.value;
      const rangeLow = this.priorLow.value;
      const width = rangeHigh - rangeLow;
      let distance = 0;
      if (close > rangeHigh) {
        this.direction = 1;
        distance = close - rangeHigh;
      } else if (close < rangeLow) {
        this.direction = -1;
        distance = rangeLow - close;
      }
      if (this.direction !== 0) this.strength = width > 0 ? Math.tanh(distance / width / this.strengthScale) : 1;
    }
    this.priorHigh.push(high);
    this.priorLow.push(low);
  }
}

/** The incremental strategies for a config, by name. */
export function createStrategies(config: SignalConfig): Record<StrategyName, IncrementalStrategy> {
  return {
    dual_momentum: new DualMomentumStrategy(config.dualMomentum),
    mean_reversion: new MeanReversionStrategy(config.meanReversion),
    breakout: new BreakoutStrategy(config.breakout),
  };
}

/** Every strategy's direction and strength at every bar of the table (columns allocated by `columns`). */
export function computeStrategySignals(candles: CandleTable, config: SignalConfig, columns: ColumnAllocator = PRIVATE_COLUMNS): Record<StrategyName, StrategySignals> {
  const strategies = createStrategies(config);
  return {
    dual_momentum: runStrategy(strategies.dual_momentum, candles, columns),
    mean_reversion: runStrategy(strategies.mean_reversion, candles, columns),
    breakout: runStrategy(strategies.breakout, candles, columns),
  };
}

function runStrategy(strategy: IncrementalStrategy, candles: CandleTable, columns: ColumnAllocator): StrategySignals {
  const { high, low, close } = candles.columns;
  const rows = candles.rows;
  const direction = columns.int8(rows);
  const strength = columns.float64(rows);
  for (let i = 0; i < rows; i++) {
    strategy.update(high[i]!, low[i]!, close[i]!);
    direction[i] = strategy.direction;
    strength[i] = strategy.strength;
  }
  return { direction, strength };
}
