import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/config/random.js';
import { defaultConfig, type FeatureConfig } from '../../src/config/run-config.js';
import { TRADE_COLUMNS, allocateTable, type TradeTable } from '../../src/data/columns.js';
import { REGIMES } from '../../src/data/generator.js';
import {
  RealizedVolatility,
  barVolumeFlows,
  classifyRegime,
  computeMarketFeatures,
  featureWarmupBars,
  regimeName,
  type MarketFeatures,
} from '../../src/features/market-features.js';
import { LagBuffer, RankWindow, RollingExtreme, RollingStats } from '../../src/features/rolling.js';
import {
  MINUTE,
  START,
  alterFuture,
  candleTable,
  closesTable,
  expectSamePrefix,
  expectSomeDifferenceAfter,
  generatedMarket,
  truncateAfter,
  withoutTakerColumn,
  type Market,
} from './helpers.js';

const DEFAULTS = defaultConfig().features;
const config = (overrides: Partial<FeatureConfig>): FeatureConfig => ({ ...DEFAULTS, ...overrides });

function sampleStd(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
}

/** Trades `[minute offset from START, qty, side]`. */
function tradeTable(rows: readonly (readonly [number, number, number])[]): TradeTable {
  const table = allocateTable(TRADE_COLUMNS, rows.length);
  rows.forEach(([minute, qty, side], k) => {
    table.columns.time[k] = START + minute * MINUTE;
    table.columns.price[k] = 100;
    table.columns.qty[k] = qty;
    table.columns.side[k] = side;
    table.columns.id[k] = k;
  });
  return table;
}

describe('realized volatility', () => {
  const closes = [100, 101, 99, 102, 102, 90];
  const r = closes.slice(1).map((c, k) => Math.log(c / closes[k]!));

  it('is the sample std of the last volatilityWindow log returns, NaN before there are that many', () => {
    const f = computeMarketFeatures(closesTable(closes), undefined, MINUTE, config({ volatilityWindow: 3 }));
    expect(Array.from(f.realizedVolatility.subarray(0, 3))).toEqual([NaN, NaN, NaN]);
    expect(f.realizedVolatility[3]).toBeCloseTo(sampleStd([r[0]!, r[1]!, r[2]!]), 14);
    expect(f.realizedVolatility[4]).toBeCloseTo(sampleStd([r[1]!, r[2]!, r[3]!]), 14);
    expect(f.realizedVolatility[5]).toBeCloseTo(sampleStd([r[2]!, r[3]!, r[4]!]), 14);
  });

  it('is |r| with a one-bar window', () => {
    const calculator = new RealizedVolatility(1);
    const out = closes.map((c) => calculator.update(c));
    expect(out[0]).toBeNaN();
    out.slice(1).forEach((v, k) => expect(v).toBeCloseTo(Math.abs(r[k]!), 15));
  });

  it('is 0 for a flat price', () => {
    const f = computeMarketFeatures(closesTable([5, 5, 5, 5, 5]), undefined, MINUTE, config({ volatilityWindow: 2 }));
    expect(Array.from(f.realizedVolatility)).toEqual([NaN, NaN, 0, 0, 0]);
  });
});

describe('volatility (percentile rank of realized volatility)', () => {
  it('ranks each value among the window by (below + ½ equal) / count', () => {
    const window = new RankWindow(3);
    // windows: {3} {3,1} {3,1,2} {1,2,2} {2,2,5} {2,5,0}
    expect([3, 1, 2, 2, 5, 0].map((v) => window.push(v))).toEqual([0.5, 0.25, 0.5, 2 / 3, 2.5 / 3, 0.5 / 3]);
  });

  it('matches a brute-force count on a long series with many ties', () => {
    const rng = new Rng(3);
    for (const size of [1, 2, 7, 50, 300]) {
      const window = new RankWindow(size);
      const history: number[] = [];
      for (let t = 0; t < 3_000; t++) {
        // Mostly a slow walk (as a rolling statistic moves), sometimes a jump, often a repeat.
        const previous = history[history.length - 1] ?? 0;
        const value = rng.next() < 0.2 ? previous : rng.next() < 0.1 ? rng.int(0, 40) : previous + rng.int(-2, 2);
        history.push(value);
        const last = history.slice(-size);
        const expected = (last.filter((x) => x < value).length + 0.5 * last.filter((x) => x === value).length) / last.length;
        expect(window.push(value)).toBe(expected);
      }
    }
  });

  it('is 0.5 until realized volatility exists, then ranks over an expanding and then rolling window', () => {
    const closes = [100, 101, 103, 102, 106, 106.5, 99, 100];
    const f = computeMarketFeatures(closesTable(closes), undefined, MINUTE, config({ volatilityWindow: 2, volatilityRankWindow: 3 }));
    const rv = Array.from(f.realizedVolatility);
    expect(Array.from(f.volatility.subarray(0, 2))).toEqual([0.5, 0.5]);
    for (let i = 2; i < closes.length; i++) {
      const window = rv.slice(Math.max(2, i - 2), i + 1);
      const x = rv[i]!;
      const expected = (window.filter((v) => v < x).length + 0.5 * window.filter((v) => v === x).length) / window.length;
      expect(f.volatility[i], `bar ${i}`).toBe(expected);
    }
    expect(f.volatility[2]).toBe(0.5); // the first defined value is alone in its window
  });
});

describe('market pressure', () => {
  it('uses the kline taker-buy column when every bar has it', () => {
    const candles = candleTable([
      { close: 100, volume: 10, takerBuyVolume: 7 },
      { close: 100, volume: 20, takerBuyVolume: 5 },
      { close: 100, volume: 10, takerBuyVolume: 10 },
    ]);
    const f = computeMarketFeatures(candles, undefined, MINUTE, config({ pressureWindow: 2 }));
    expect(f.pressureSource).toBe('taker-buy-column');
    // net volume per bar: 7−3 = 4, 5−15 = −10, 10−0 = 10
    expect(f.marketPressure[0]).toBeCloseTo(4 / 10, 15);
    expect(f.marketPressure[1]).toBeCloseTo(-6 / 30, 15);
    expect(f.marketPressure[2]).toBeCloseTo(0 / 30, 15);
  });

  it('falls back to the body proxy without the taker-buy column (or with a gap in it)', () => {
    const bars = [
      { open: 100, high: 110, low: 90, close: 105, volume: 10 }, // (105−100)/20 = 0.25 → +2.5
      { open: 100, high: 100, low: 100, close: 100, volume: 5 }, // high = low: 0
      { open: 104, high: 104, low: 96, close: 96, volume: 4, takerBuyVolume: 4 }, // −1 → −4
    ];
    const f = computeMarketFeatures(candleTable(bars), undefined, MINUTE, config({ pressureWindow: 2 }));
    expect(f.pressureSource).toBe('body-proxy');
    expect(f.marketPressure[0]).toBeCloseTo(0.25, 15);
    expect(f.marketPressure[1]).toBeCloseTo(2.5 / 15, 15);
    expect(f.marketPressure[2]).toBeCloseTo(-4 / 9, 15);
  });

  it('sums taker buys and sells from the trades when there are trades, ignoring unknown sides', () => {
    const candles = candleTable([
      { close: 100, volume: 99, takerBuyVolume: 99 },
      { close: 100, volume: 99, takerBuyVolume: 99 },
      { close: 100, volume: 99, takerBuyVolume: 99 },
    ]);
    const trades = tradeTable([
      [0, 2, 1],
      [0.5, 1, -1],
      [0.7, 5, 0],
      [1.2, 3, -1],
    ]);
    const f = computeMarketFeatures(candles, trades, MINUTE, config({ pressureWindow: 2 }));
    expect(f.pressureSource).toBe('trades');
    expect(f.marketPressure[0]).toBeCloseTo(1 / 3, 15);
    expect(f.marketPressure[1]).toBeCloseTo(-2 / 6, 15);
    expect(f.marketPressure[2]).toBe(-1); // the window holds bar 1 (−3 of 3) and bar 2 (none)
    expect(Array.from(barVolumeFlows(candles, trades, MINUTE).total)).toEqual([3, 3, 0]);
  });

  it('is 0 when nothing traded', () => {
    const f = computeMarketFeatures(candleTable([{ close: 1, volume: 0 }]), undefined, MINUTE, DEFAULTS);
    expect(f.marketPressure[0]).toBe(0);
  });
});

describe('efficiency ratio', () => {
  it('is |net move| / path length over trendWindow bars, 0 before that', () => {
    const f = computeMarketFeatures(closesTable([10, 11, 10, 12, 15, 15, 15, 15]), undefined, MINUTE, config({ trendWindow: 3 }));
    expect(Array.from(f.efficiency.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(f.efficiency[3]).toBeCloseTo(2 / 4, 15); // |12−10| / (1 + 1 + 2)
    expect(f.efficiency[4]).toBeCloseTo(4 / 6, 15); // |15−11| / (1 + 2 + 3)
    expect(f.efficiency[5]).toBeCloseTo(1, 15); // |15−10| / (2 + 3 + 0)
    expect(f.efficiency[7]).toBe(0); // no movement at all
  });
});

describe('range break', () => {
  it('compares the close with the prior breakoutWindow bars, not including its own bar', () => {
    const bars = [
      { high: 10, low: 8, close: 9 },
      { high: 11, low: 9, close: 10 },
      { high: 12, low: 10.5, close: 11.5 }, // above max(10, 11) = 11
      { high: 12, low: 8.5, close: 8.8 }, // below min(9, 10.5) = 9
      { high: 12.5, low: 8, close: 12 }, // inside [8.5, 12]: not above 12
      { high: 13, low: 7, close: 7.5 }, // below min(8.5, 8) = 8
    ];
    const f = computeMarketFeatures(candleTable(bars), undefined, MINUTE, config({ breakoutWindow: 2 }));
    expect(Array.from(f.rangeBreak)).toEqual([0, 0, 1, -1, 0, -1]);
  });
});

describe('regime', () => {
  const thresholds = { breakoutVolatility: 0.6, trendEfficiency: 0.3, meanReversionVolatility: 0.5 };
  const name = (volatility: number, efficiency: number, rangeBreak: number) =>
    regimeName(classifyRegime(volatility, efficiency, rangeBreak, thresholds));

  it('is BREAKOUT on a range break with volatility at or above breakoutVolatility, trend or not', () => {
    expect(name(0.6, 0.1, 1)).toBe('BREAKOUT');
    expect(name(0.9, 0.9, -1)).toBe('BREAKOUT');
  });

  it('is TREND when efficient enough and not a breakout', () => {
    expect(name(0.59, 0.3, 1)).toBe('TREND');
    expect(name(0.9, 0.5, 0)).toBe('TREND');
  });

  it('is MEAN_REVERSION when trendless with volatility at or above meanReversionVolatility', () => {
    expect(name(0.5, 0.29, 0)).toBe('MEAN_REVERSION');
    expect(name(0.55, 0.1, 1)).toBe('MEAN_REVERSION');
  });

  it('is RANGE otherwise', () => {
    expect(name(0.49, 0.29, 0)).toBe('RANGE');
    expect(name(0.1, 0, -1)).toBe('RANGE');
  });

  it('indexes REGIMES', () => {
    expect(REGIMES.map((_, k) => regimeName(k))).toEqual([...REGIMES]);
    expect(() => regimeName(4)).toThrow(RangeError);
  });
});

describe('computeMarketFeatures on a generated market', () => {
  let market: Market;
  let features: MarketFeatures;
  beforeAll(async () => {
    market = await generatedMarket(3_000, 11);
    features = computeMarketFeatures(market.candles, market.trades, market.intervalMs, DEFAULTS);
  });

  it('keeps every feature in its range and every regime rule', () => {
    const f = features;
    expect(f.pressureSource).toBe('trades');
    for (let i = 0; i < market.candles.rows; i++) {
      expect(f.volatility[i]).toBeGreaterThan(0);
      expect(f.volatility[i]).toBeLessThan(1);
      expect(Math.abs(f.marketPressure[i]!)).toBeLessThanOrEqual(1);
      expect(f.efficiency[i]).toBeGreaterThanOrEqual(0);
      expect(f.efficiency[i]).toBeLessThanOrEqual(1);
      expect(f.regime[i]).toBe(classifyRegime(f.volatility[i]!, f.efficiency[i]!, f.rangeBreak[i]!, DEFAULTS));
      if (i >= DEFAULTS.volatilityWindow) expect(Number.isFinite(f.realizedVolatility[i])).toBe(true);
    }
  });

  it('visits every regime and both range breaks', () => {
    expect(new Set(features.regime).size).toBe(4);
    expect(new Set(features.rangeBreak)).toEqual(new Set([-1, 0, 1]));
  });

  it('names the warm-up: the longest lookback, the rank window full of full-window volatilities', () => {
    expect(features.warmupBars).toBe(20 + 500 - 1);
    expect(featureWarmupBars(config({ trendWindow: 900 }))).toBe(900);
    expect(featureWarmupBars(config({ volatilityWindow: 5, volatilityRankWindow: 10 }))).toBe(20);
  });

  it('gives the same values with and without the taker column when there are trades', () => {
    const withoutColumn = computeMarketFeatures(withoutTakerColumn(market.candles), market.trades, market.intervalMs, DEFAULTS);
    expectSamePrefix(features.marketPressure, withoutColumn.marketPressure, market.candles.rows - 1, 'marketPressure');
  });
});

describe('look-ahead: no feature at bar i changes when bars after i change', () => {
  const configs: Record<string, FeatureConfig> = {
    defaults: DEFAULTS,
    'short windows': config({ volatilityWindow: 5, volatilityRankWindow: 40, pressureWindow: 7, trendWindow: 9, breakoutWindow: 6 }),
  };
  const sources = ['trades', 'taker-buy-column', 'body-proxy'] as const;
  const columns = ['realizedVolatility', 'volatility', 'marketPressure', 'efficiency', 'rangeBreak', 'regime'] as const;
  let market: Market;
  beforeAll(async () => {
    market = await generatedMarket(1_500, 5);
  });

  function run(m: Market, source: (typeof sources)[number], featureConfig: FeatureConfig): MarketFeatures {
    if (source === 'trades') return computeMarketFeatures(m.candles, m.trades, m.intervalMs, featureConfig);
    const candles = source === 'taker-buy-column' ? m.candles : withoutTakerColumn(m.candles);
    return computeMarketFeatures(candles, undefined, m.intervalMs, featureConfig);
  }

  for (const [configName, featureConfig] of Object.entries(configs)) {
    for (const source of sources) {
      it(`${configName}, pressure from ${source}`, () => {
        const full = run(market, source, featureConfig);
        expect(full.pressureSource).toBe(source);
        for (const [k, last] of [0, 3, 25, 300, 518, 519, 777, 1_200, 1_498].entries()) {
          const altered = run(alterFuture(market, last, 100 + k), source, featureConfig);
          const truncated = run(truncateAfter(market, last), source, featureConfig);
          for (const column of columns) {
            expectSamePrefix(full[column], altered[column], last, `${column} up to bar ${last}, future altered`);
            expectSamePrefix(full[column], truncated[column], last, `${column} up to bar ${last}, future cut off`);
          }
          if (last < 1_000) {
            // The alteration is real: later values do change.
            expectSomeDifferenceAfter(full.realizedVolatility, altered.realizedVolatility, last, 'realizedVolatility after');
            expectSomeDifferenceAfter(full.marketPressure, altered.marketPressure, last, 'marketPressure after');
            expectSomeDifferenceAfter(full.efficiency, altered.efficiency, last, 'efficiency after');
          }
        }
      });
    }
  }
});

describe('rolling building blocks', () => {
  it('LagBuffer gives the value k pushes back, NaN when there is none', () => {
    const lag = new LagBuffer(3);
    expect(lag.ago(0)).toBeNaN();
    [1, 2, 3, 4].forEach((v) => lag.push(v));
    expect([lag.ago(0), lag.ago(1), lag.ago(2), lag.ago(3)]).toEqual([4, 3, 2, NaN]);
    expect(lag.oldest()).toBe(2);
    expect(lag.count).toBe(4);
  });

  it('RollingStats keeps sum, mean and sample std of the window exactly over a long run at price scale', () => {
    const rng = new Rng(9);
    const stats = new RollingStats(20);
    const values: number[] = [];
    for (let t = 0; t < 20_000; t++) {
      const value = 30_000 + 500 * Math.sin(t / 300) + rng.normal();
      values.push(value);
      stats.push(value);
    }
    const window = values.slice(-20);
    expect(stats.sum).toBeCloseTo(window.reduce((a, b) => a + b, 0), 6);
    expect(stats.mean).toBeCloseTo(window.reduce((a, b) => a + b, 0) / 20, 9);
    expect(stats.sampleStd).toBeCloseTo(sampleStd(window), 9);
  });

  it('RollingExtreme gives the max or min of the last window values', () => {
    const rng = new Rng(4);
    const values = Array.from({ length: 500 }, () => rng.int(0, 30));
    for (const window of [1, 2, 5, 17]) {
      const max = new RollingExtreme(window, 'max');
      const min = new RollingExtreme(window, 'min');
      values.forEach((v, t) => {
        max.push(v);
        min.push(v);
        const last = values.slice(Math.max(0, t - window + 1), t + 1);
        expect(max.value).toBe(Math.max(...last));
        expect(min.value).toBe(Math.min(...last));
        expect(max.full).toBe(t + 1 >= window);
      });
    }
  });

  it('rejects a window below 1 and a NaN to rank', () => {
    expect(() => new RollingStats(0)).toThrow(RangeError);
    expect(() => new RankWindow(3).push(Number.NaN)).toThrow(RangeError);
  });
});
