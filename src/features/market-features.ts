/**
 * Market features (DESIGN §3). Every value at bar i is computed from bars 0..i only, by one
 * incremental calculator per feature that takes one bar at a time (O(1) amortised; the rank costs
 * a short scan and one memmove of its sorted window); `computeMarketFeatures` runs them over a
 * whole table.
 *
 * - realizedVolatility: sample standard deviation of the last `volatilityWindow` one-bar log
 *   returns ln(close_i / close_{i−1}); NaN until that many returns exist (bar volatilityWindow).
 *   With volatilityWindow = 1 it is |r_i| (a one-value sample has no standard deviation).
 * - volatility ∈ [0, 1]: the percentile mid-rank of realizedVolatility among its last
 *   `volatilityRankWindow` values, itself included (all of them while fewer exist):
 *   (values below + ½ · values equal) / values. 0.5 while realizedVolatility is undefined.
 * - marketPressure ∈ [−1, 1]: Σ(buy − sell) / Σ(buy + sell) over the last `pressureWindow` bars
 *   (fewer at the start), 0 when the total is 0. Per-bar buy and sell volume come from, in order
 *   of preference: the trades (taker side +1 buy, −1 sell, 0 ignored); the kline taker-buy
 *   column when every bar has it (buy = takerBuy, sell = volume − takerBuy); else a body proxy,
 *   signed volume (close − open) / (high − low) × volume over total volume (0 when high = low).
 * - efficiency ∈ [0, 1]: Kaufman's efficiency ratio |close_i − close_{i−n}| / Σ|close_k − close_{k−1}|
 *   over n = `trendWindow` bars; 0 before bar n and when the price did not move.
 * - rangeBreak: +1 when the close is above the highest high of the prior `breakoutWindow` bars
 *   (i−w..i−1), −1 when below their lowest low, else 0; 0 before bar w.
 * - regime, first match wins:
 *     rangeBreak ≠ 0 and volatility ≥ breakoutVolatility  → BREAKOUT
 *     efficiency ≥ trendEfficiency                        → TREND
 *     volatility ≥ meanReversionVolatility                → MEAN_REVERSION
 *     otherwise                                           → RANGE
 *   The rule is applied at every bar, warm-up included (volatility is 0.5 there).
 */
import type { FeatureConfig } from '../config/run-config.js';
import { barTradeRanges, type BarTradeRanges } from '../data/bar-trades.js';
import { PRIVATE_COLUMNS, type CandleTable, type ColumnAllocator, type TradeTable } from '../data/columns.js';
import { REGIMES, type Regime } from '../data/generator.js';
import { LagBuffer, RankWindow, RollingExtreme, RollingStats } from './rolling.js';

export type PressureSource = 'trades' | 'taker-buy-column' | 'body-proxy';

export interface MarketFeatures {
  /** Sample std of one-bar log returns over `volatilityWindow`; NaN before it exists. */
  readonly realizedVolatility: Float64Array;
  /** Rolling percentile rank of realizedVolatility, in [0, 1]; 0.5 before it exists. */
  readonly volatility: Float64Array;
  /** (taker buy − taker sell) / total over `pressureWindow`, in [−1, 1]. */
  readonly marketPressure: Float64Array;
  /** Kaufman efficiency ratio over `trendWindow`, in [0, 1]; 0 before it exists. */
  readonly efficiency: Float64Array;
  /** +1 close above the prior `breakoutWindow` bars' highest high, −1 below their lowest low, else 0. */
  readonly rangeBreak: Int8Array;
  /** Index into `REGIMES`. */
  readonly regime: Uint8Array;
  readonly pressureSource: PressureSource;
  /** Bars before every feature comes from a full window (the longest lookback). */
  readonly warmupBars: number;
}

const TREND = REGIMES.indexOf('TREND');
const RANGE = REGIMES.indexOf('RANGE');
const BREAKOUT = REGIMES.indexOf('BREAKOUT');
const MEAN_REVERSION = REGIMES.indexOf('MEAN_REVERSION');

type RegimeThresholds = Pick<FeatureConfig, 'breakoutVolatility' | 'trendEfficiency' | 'meanReversionVolatility'>;

/** The regime rule of the header, as an index into `REGIMES`. */
export function classifyRegime(volatility: number, efficiency: number, rangeBreak: number, config: RegimeThresholds): number {
  if (rangeBreak !== 0 && volatility >= config.breakoutVolatility) return BREAKOUT;
  if (efficiency >= config.trendEfficiency) return TREND;
  if (volatility >= config.meanReversionVolatility) return MEAN_REVERSION;
  return RANGE;
}

export function regimeName(index: number): Regime {
  const name = REGIMES[index];
  if (name === undefined) throw new RangeError(`no regime ${index}`);
  return name;
}

/** Bar index from which every feature comes from a full window. */
export function featureWarmupBars(config: FeatureConfig): number {
  return Math.max(
    config.volatilityWindow + config.volatilityRankWindow - 1, // the rank window full of full-window volatilities
    config.pressureWindow - 1,
    config.trendWindow,
    config.breakoutWindow,
  );
}

/** Sample std of the last `window` one-bar log returns (|r| when window = 1); NaN until that many exist. */
export class RealizedVolatility {
  private readonly returns: RollingStats;
  private previousClose = Number.NaN;

  constructor(readonly window: number) {
    this.returns = new RollingStats(window);
  }

  update(close: number): number {
    const previous = this.previousClose;
    this.previousClose = close;
    if (Number.isNaN(previous)) return Number.NaN;
    const logReturn = Math.log(close / previous);
    this.returns.push(logReturn);
    if (!this.returns.full) return Number.NaN;
    return this.window === 1 ? Math.abs(logReturn) : this.returns.sampleStd;
  }
}

/** The rolling percentile mid-rank of realized volatility; 0.5 while it is undefined (NaN). */
export class VolatilityRank {
  private readonly ranks: RankWindow;

  constructor(window: number) {
    this.ranks = new RankWindow(window);
  }

  update(realizedVolatility: number): number {
    return Number.isNaN(realizedVolatility) ? 0.5 : this.ranks.push(realizedVolatility);
  }
}

/** Σ(buy − sell) / Σ(buy + sell) over the last `window` bars, 0 when nothing traded. */
export class MarketPressure {
  private readonly net: RollingStats;
  private readonly total: RollingStats;

  constructor(window: number) {
    this.net = new RollingStats(window);
    this.total = new RollingStats(window);
  }

  update(netVolume: number, totalVolume: number): number {
    this.net.push(netVolume);
    this.total.push(totalVolume);
    const total = this.total.sum;
    return total > 0 ? clamp(this.net.sum / total, -1, 1) : 0;
  }
}

/** Kaufman's efficiency ratio over `window` bars; 0 before bar `window` and when the price did not move. */
export class EfficiencyRatio {
  private readonly closes: LagBuffer;
  private readonly path: RollingStats; // |close_k − close_{k−1}|

  constructor(readonly window: number) {
    this.closes = new LagBuffer(window + 1);
    this.path = new RollingStats(window);
  }

  update(close: number): number {
    if (this.closes.count > 0) this.path.push(Math.abs(close - this.closes.ago(0)));
    this.closes.push(close);
    if (this.closes.count <= this.window) return 0;
    const path = this.path.sum;
    return path > 0 ? clamp(Math.abs(close - this.closes.ago(this.window)) / path, 0, 1) : 0;
  }
}

/** +1 (−1) when the close leaves the prior `window` bars' range upwards (downwards), else 0. */
export class RangeBreak {
  private readonly priorHigh: RollingExtreme;
  private readonly priorLow: RollingExtreme;

  constructor(window: number) {
    this.priorHigh = new RollingExtreme(window, 'max');
    this.priorLow = new RollingExtreme(window, 'min');
  }

  update(high: number, low: number, close: number): number {
    // Compared before this bar joins the window: the range is bars i−w..i−1.
    let signal = 0;
    if (this.priorHigh.full) {
      if (close > this.priorHigh.value) signal = 1;
      else if (close < this.priorLow.value) signal = -1;
    }
    this.priorHigh.push(high);
    this.priorLow.push(low);
    return signal;
  }
}

export interface BarVolumeFlows {
  /** Taker buy minus taker sell volume per bar. */
  readonly net: Float64Array;
  /** Taker buy plus taker sell volume per bar. */
  readonly total: Float64Array;
  readonly source: PressureSource;
}

/** Per-bar buy − sell and buy + sell volume from the best source there is (see the header). */
export function barVolumeFlows(
  candles: CandleTable,
  trades: TradeTable | undefined,
  intervalMs: number,
  ranges: BarTradeRanges | undefined = trades === undefined ? undefined : barTradeRanges(candles, trades, intervalMs),
): BarVolumeFlows {
  const rows = candles.rows;
  const net = new Float64Array(rows);
  const total = new Float64Array(rows);
  const { open, high, low, close, volume, takerBuyVolume } = candles.columns;

  if (trades !== undefined && ranges !== undefined) {
    const { start, end } = ranges;
    const { qty, side } = trades.columns;
    for (let i = 0; i < rows; i++) {
      let buy = 0;
      let sell = 0;
      for (let t = start[i]!; t < end[i]!; t++) {
        const s = side[t]!;
        if (s > 0) buy += qty[t]!;
        else if (s < 0) sell += qty[t]!;
      }
      net[i] = buy - sell;
      total[i] = buy + sell;
    }
    return { net, total, source: 'trades' };
  }

  let takerColumn = rows > 0;
  for (let i = 0; i < rows && takerColumn; i++) takerColumn = Number.isFinite(takerBuyVolume[i]!);
  if (takerColumn) {
    for (let i = 0; i < rows; i++) {
      const v = volume[i]!;
      net[i] = clamp(2 * takerBuyVolume[i]! - v, -v, v);
      total[i] = v;
    }
    return { net, total, source: 'taker-buy-column' };
  }

  for (let i = 0; i < rows; i++) {
    const range = high[i]! - low[i]!;
    const v = volume[i]!;
    net[i] = range > 0 ? ((close[i]! - open[i]!) / range) * v : 0;
    total[i] = v;
  }
  return { net, total, source: 'body-proxy' };
}

/** Runs each feature's calculator over every bar of the table. */
export function computeMarketFeatures(
  candles: CandleTable,
  trades: TradeTable | undefined,
  intervalMs: number,
  config: FeatureConfig,
  /** Which trades fall in which bar, when the caller has them already. */
  ranges?: BarTradeRanges,
  /** Where the feature columns are allocated. */
  columns: ColumnAllocator = PRIVATE_COLUMNS,
): MarketFeatures {
  const { high, low, close } = candles.columns;
  const rows = close.length;
  const realizedVolatility = realizedVolatilityColumn(close, config.volatilityWindow, columns.float64(rows));
  const volatility = volatilityRankColumn(realizedVolatility, config.volatilityRankWindow, columns.float64(rows));
  const flows = barVolumeFlows(candles, trades, intervalMs, ranges);
  const marketPressure = marketPressureColumn(flows, config.pressureWindow, columns.float64(rows));
  const efficiency = efficiencyColumn(close, config.trendWindow, columns.float64(rows));
  const rangeBreak = rangeBreakColumn(high, low, close, config.breakoutWindow, columns.int8(rows));
  const regime = regimeColumn(volatility, efficiency, rangeBreak, config, columns.uint8(rows));
  return {
    realizedVolatility,
    volatility,
    marketPressure,
    efficiency,
    rangeBreak,
    regime,
    pressureSource: flows.source,
    warmupBars: featureWarmupBars(config),
  };
}

// One function per column, each filling the column it is given: V8 gives each compiled function its
// own inlining budget, and a loop whose calculator is inlined whole runs several times faster than
// one that calls it.

function realizedVolatilityColumn(close: Float64Array, window: number, out: Float64Array): Float64Array {
  const calculator = new RealizedVolatility(window);
  for (let i = 0; i < close.length; i++) out[i] = calculator.update(close[i]!);
  return out;
}

function volatilityRankColumn(realizedVolatility: Float64Array, window: number, out: Float64Array): Float64Array {
  const calculator = new VolatilityRank(window);
  for (let i = 0; i < realizedVolatility.length; i++) out[i] = calculator.update(realizedVolatility[i]!);
  return out;
}

function marketPressureColumn(flows: BarVolumeFlows, window: number, out: Float64Array): Float64Array {
  const { net, total } = flows;
  const calculator = new MarketPressure(window);
  for (let i = 0; i < net.length; i++) out[i] = calculator.update(net[i]!, total[i]!);
  return out;
}

function efficiencyColumn(close: Float64Array, window: number, out: Float64Array): Float64Array {
  const calculator = new EfficiencyRatio(window);
  for (let i = 0; i < close.length; i++) out[i] = calculator.update(close[i]!);
  return out;
}

function rangeBreakColumn(high: Float64Array, low: Float64Array, close: Float64Array, window: number, out: Int8Array): Int8Array {
  const calculator = new RangeBreak(window);
  for (let i = 0; i < close.length; i++) out[i] = calculator.update(high[i]!, low[i]!, close[i]!);
  return out;
}

function regimeColumn(volatility: Float64Array, efficiency: Float64Array, rangeBreak: Int8Array, config: FeatureConfig, out: Uint8Array): Uint8Array {
  const thresholds: RegimeThresholds = {
    breakoutVolatility: config.breakoutVolatility,
    trendEfficiency: config.trendEfficiency,
    meanReversionVolatility: config.meanReversionVolatility,
  };
  for (let i = 0; i < out.length; i++) out[i] = classifyRegime(volatility[i]!, efficiency[i]!, rangeBreak[i]!, thresholds);
  return out;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
