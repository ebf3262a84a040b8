import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetManifestSchema } from '../../src/config/dataset-manifest.js';
import { aggregateTrades } from '../../src/data/aggregate.js';
import { parseCsvFile } from '../../src/data/csv-loader.js';
import { loadDataset } from '../../src/data/dataset.js';
import { InputError } from '../../src/data/errors.js';
import { GENERATOR_DEFAULTS, generateMarket, type GeneratorOptions } from '../../src/data/generator.js';
import { assessCandles } from '../../src/data/quality.js';
import { parseInterval } from '../../src/data/time.js';

const root = mkdtempSync(join(tmpdir(), 'replaylab-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirCount = 0;
/** A fresh, not yet existing output folder named `out` (so dataset.json's name is the same everywhere). */
function outDir(): string {
  const parent = join(root, `run-${++dirCount}`);
  mkdirSync(parent);
  return join(parent, 'out');
}

function options(overrides: Partial<GeneratorOptions> = {}): GeneratorOptions {
  return { ...GENERATOR_DEFAULTS, bars: 300, interval: parseInterval('1m')!, seed: 1, trades: true, ...overrides };
}

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

/** 2024-01-31T12:00:00Z: 1,500 one-minute bars run into February, so there are two monthly files. */
const LATE_JANUARY = Date.UTC(2024, 0, 31, 12);

describe('generateMarket', () => {
  it('writes byte-identical files for the same options and seed', async () => {
    const a = outDir();
    const b = outDir();
    const first = await generateMarket(a, options({ seed: 5, startMs: LATE_JANUARY, bars: 1_500 }));
    const second = await generateMarket(b, options({ seed: 5, startMs: LATE_JANUARY, bars: 1_500 }));
    expect(readdirSync(a).sort()).toEqual([
      'SYNTHUSDT-1m-2024-01.csv',
      'SYNTHUSDT-1m-2024-02.csv',
      'SYNTHUSDT-aggTrades-2024-01.csv',
      'SYNTHUSDT-aggTrades-2024-02.csv',
      'dataset.json',
    ]);
    expect(contents(b)).toEqual(contents(a));
    expect(second.regimeBars).toEqual(first.regimeBars);
    expect(second.trades).toBe(first.trades);
    expect(first.files.map((f) => basename(f)).sort()).toEqual(readdirSync(a).sort());
  });

  it('writes different files for a different seed', async () => {
    const a = outDir();
    const b = outDir();
    await generateMarket(a, options({ seed: 5 }));
    await generateMarket(b, options({ seed: 6 }));
    const name = 'SYNTHUSDT-1m-2024-01.csv';
    expect(readFileSync(join(b, name), 'utf8')).not.toBe(readFileSync(join(a, name), 'utf8'));
    expect(readFileSync(join(b, 'SYNTHUSDT-aggTrades-2024-01.csv'), 'utf8')).not.toBe(
      readFileSync(join(a, 'SYNTHUSDT-aggTrades-2024-01.csv'), 'utf8'),
    );
  });

  it('writes the same candles with and without trades', async () => {
    const withTrades = outDir();
    const without = outDir();
    await generateMarket(withTrades, options({ seed: 9, startMs: LATE_JANUARY, bars: 1_500, trades: true }));
    const result = await generateMarket(without, options({ seed: 9, startMs: LATE_JANUARY, bars: 1_500, trades: false }));
    expect(readdirSync(without).sort()).toEqual(['SYNTHUSDT-1m-2024-01.csv', 'SYNTHUSDT-1m-2024-02.csv', 'dataset.json']);
    expect(result.trades).toBe(0);
    for (const name of ['SYNTHUSDT-1m-2024-01.csv', 'SYNTHUSDT-1m-2024-02.csv']) {
      expect(readFileSync(join(without, name), 'utf8'), name).toBe(readFileSync(join(withTrades, name), 'utf8'));
    }
  });

  it('writes trades whose aggregate reproduces the candles', async () => {
    const dir = outDir();
    const result = await generateMarket(dir, options({ seed: 3, startMs: LATE_JANUARY, bars: 1_500, tradesPerBar: 12 }));
    const dataset = await loadDataset(dir);
    expect(dataset.candles.rows).toBe(1_500);
    expect(dataset.trades?.rows).toBe(result.trades);
    expect(dataset.candlesFromTrades).toBe(false);
    const built = aggregateTrades(dataset.trades!, dataset.interval);
    expect(built.rows).toBe(dataset.candles.rows);
    const a = built.columns;
    const c = dataset.candles.columns;
    const exact = ['openTime', 'open', 'high', 'low', 'close', 'tradeCount', 'closeTime'] as const;
    // Sums of quantities are sums of doubles: equal to what the file says at 15 significant digits.
    const sums = ['volume', 'takerBuyVolume', 'quoteVolume', 'takerBuyQuoteVolume'] as const;
    for (let i = 0; i < built.rows; i++) {
      for (const name of exact) {
        if (a[name][i] !== c[name][i]) throw new Error(`bar ${i} ${name}: trades give ${a[name][i]}, candle says ${c[name][i]}`);
      }
      for (const name of sums) {
        const got = a[name][i]!;
        const want = c[name][i]!;
        if (Math.abs(got - want) > 1e-9 * Math.abs(want) || +got.toPrecision(15) !== want) {
          throw new Error(`bar ${i} ${name}: trades give ${got}, candle says ${want}`);
        }
      }
    }
    // Every bar trades at least at its open, high, low and close points (which may coincide).
    expect(Math.min(...c.tradeCount)).toBeGreaterThanOrEqual(1);
    expect(result.trades).toBe(c.tradeCount.reduce((s, v) => s + v, 0));
  });

  it('writes candles on a gap-free grid', async () => {
    const dir = outDir();
    await generateMarket(dir, options({ seed: 4, bars: 500, interval: parseInterval('5m')!, trades: false }));
    const dataset = await loadDataset(dir);
    const t = dataset.candles.columns.openTime;
    expect(dataset.candles.rows).toBe(500);
    expect(t[0]).toBe(GENERATOR_DEFAULTS.startMs);
    for (let i = 1; i < 500; i++) expect(t[i]! - t[i - 1]!).toBe(300_000);
    expect(dataset.candles.columns.open[0]).toBe(GENERATOR_DEFAULTS.startPrice);
    for (let i = 1; i < 500; i++) expect(dataset.candles.columns.open[i]).toBe(dataset.candles.columns.close[i - 1]);
  });

  it('writes a dataset.json that validates and says the data is synthetic', async () => {
    const dir = outDir();
    const result = await generateMarket(dir, options({ seed: 2, bars: 100 }), 'replaylab data generate --seed 2');
    const json: unknown = JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8'));
    const manifest = DatasetManifestSchema.parse(json);
    expect(manifest.synthetic).toBe(true);
    expect(manifest.name).toBe('out');
    expect(manifest.symbol).toBe('SYNTHUSDT');
    expect(manifest.market).toBe('usdm');
    expect(manifest.interval).toBe('1m');
    expect(manifest.candles).toEqual(['SYNTHUSDT-1m-*.csv']);
    expect(manifest.trades).toEqual(['SYNTHUSDT-aggTrades-*.csv']);
    expect(manifest.generator).toMatchObject({
      command: 'replaylab data generate --seed 2',
      seed: 2,
      bars: 100,
      interval: '1m',
      start: '2024-01-01T00:00:00Z',
      regimeBars: result.regimeBars,
      trades: result.trades,
    });
    const dataset = await loadDataset(dir);
    expect(dataset.synthetic).toBe(true);
    expect(dataset.market).toBe('usdm');
    expect(dataset.name).toBe('out');
    const regimeTotal = Object.values(result.regimeBars).reduce((s, v) => s + v, 0);
    expect(regimeTotal).toBe(100);
  });

  it('refuses a non-empty output folder and leaves its files untouched', async () => {
    const dir = outDir();
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'precious');
    writeFileSync(join(dir, 'SYNTHUSDT-1m-2024-01.csv'), 'mine');
    await expect(generateMarket(dir, options())).rejects.toThrow(InputError);
    await expect(generateMarket(dir, options())).rejects.toThrow(/not empty/);
    expect(readdirSync(dir).sort()).toEqual(['SYNTHUSDT-1m-2024-01.csv', 'keep.txt']);
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('precious');
    expect(readFileSync(join(dir, 'SYNTHUSDT-1m-2024-01.csv'), 'utf8')).toBe('mine');
    expect(readdirSync(dirname(dir))).toEqual(['out']);
  });

  it('writes into an existing empty folder', async () => {
    const dir = outDir();
    mkdirSync(dir);
    await generateMarket(dir, options({ bars: 10 }));
    expect(readdirSync(dir)).toContain('dataset.json');
    expect(readdirSync(dirname(dir))).toEqual(['out']);
  });

  it('rejects bad options before writing anything', async () => {
    const cases: Partial<GeneratorOptions>[] = [
      { bars: 0 },
      { bars: 1.5 },
      { tradesPerBar: 3 },
      { interval: parseInterval('1M')! },
      { startMs: Date.UTC(2024, 0, 1, 0, 0, 30) },
    ];
    for (const overrides of cases) {
      const dir = outDir();
      await expect(generateMarket(dir, options(overrides)), JSON.stringify(overrides)).rejects.toThrow(InputError);
      expect(existsSync(dir)).toBe(false);
      expect(readdirSync(dirname(dir))).toEqual([]);
    }
  });

  it('keeps candles longer than a day on their grid too (or refuses the start)', async () => {
    // 2024-01-01 (the default start) is not on the 3-day epoch grid; 2024-01-04 is a Thursday.
    const cases = [
      ['3d', Date.UTC(2024, 0, 1)],
      ['1w', Date.UTC(2024, 0, 4)],
    ] as const;
    for (const [name, startMs] of cases) {
      const dir = outDir();
      const interval = parseInterval(name)!;
      try {
        await generateMarket(dir, options({ seed: 1, bars: 20, interval, startMs }));
      } catch (error) {
        // Refusing the start, as for intervals up to a day, is fine.
        expect(error).toBeInstanceOf(InputError);
        continue;
      }
      const dataset = await loadDataset(dir);
      expect(assessCandles(dataset.candles, interval).offGrid, name).toBe(0);
      const built = aggregateTrades(dataset.trades!, interval);
      expect(Array.from(built.columns.openTime), name).toEqual(Array.from(dataset.candles.columns.openTime));
    }
  });

  it('imitates spot files: no header rows and 8-column aggTrades', async () => {
    const dir = outDir();
    await generateMarket(dir, options({ seed: 8, bars: 60, market: 'spot' }));
    const candleText = readFileSync(join(dir, 'SYNTHUSDT-1m-2024-01.csv'), 'utf8');
    const tradeText = readFileSync(join(dir, 'SYNTHUSDT-aggTrades-2024-01.csv'), 'utf8');
    expect(candleText).toMatch(/^1704067200000,/);
    expect(tradeText).toMatch(/^\d+,/);
    const tradeLines = tradeText.trimEnd().split('\n');
    for (const line of tradeLines) {
      const cells = line.split(',');
      expect(cells).toHaveLength(8);
      expect(['True', 'False']).toContain(cells[6]);
      expect(cells[7]).toBe('True');
    }
    const parsed = await parseCsvFile(join(dir, 'SYNTHUSDT-aggTrades-2024-01.csv'));
    expect(parsed.format).toBe('binance-aggTrades');
    expect(parsed.hasHeader).toBe(false);
    expect(parsed.table.rows).toBe(tradeLines.length);
    const candles = await parseCsvFile(join(dir, 'SYNTHUSDT-1m-2024-01.csv'));
    expect(candles.format).toBe('binance-klines');
    expect(candles.hasHeader).toBe(false);
    expect(candles.table.rows).toBe(60);
    // The usdm layout has headers and 7 columns.
    const usdm = outDir();
    await generateMarket(usdm, options({ seed: 8, bars: 60 }));
    const usdmTrades = readFileSync(join(usdm, 'SYNTHUSDT-aggTrades-2024-01.csv'), 'utf8').split('\n');
    expect(usdmTrades[0]).toBe('agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker');
    expect(usdmTrades[1]!.split(',')).toHaveLength(7);
    // Spot and usdm differ only in layout: the same candles.
    expect(readFileSync(join(usdm, 'SYNTHUSDT-1m-2024-01.csv'), 'utf8').split('\n').slice(1).join('\n')).toBe(candleText);
  });

  it('switches regimes within a few hundred bars for most seeds', async () => {
    // Stretches last 200 bars on average (RANGE, the first regime): with 500 bars, a run that
    // never leaves its first regime should be rare (about e^-2.5 ≈ 8% of seeds).
    let singleRegime = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const result = await generateMarket(outDir(), options({ seed, bars: 500, trades: false }));
      if (result.regimeBars.RANGE === 500) singleRegime++;
    }
    expect(singleRegime).toBeLessThanOrEqual(8);
  });

  it('golden: seed 7, 2,000 one-minute bars', async () => {
    // Recorded from the generator. A change here changes every generated dataset, the bundled one
    // included: re-record only on purpose, and regenerate datasets/ with the README's command.
    const dir = outDir();
    const result = await generateMarket(dir, options({ seed: 7, bars: 2_000, interval: parseInterval('1m')! }));
    const text = readFileSync(join(dir, 'SYNTHUSDT-1m-2024-01.csv'), 'utf8');
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore',
    );
    expect(lines[1]).toBe('1704067200000,30000.0,30000.0,29966.5,29966.5,4.475,1704067259999,134176.7799,7,0.959,28738.5079,0');
    expect(lines[2000]).toBe('1704187140000,29919.9,29973.8,29919.9,29965.8,1.829,1704187199999,54794.2176,3,0.000,0.0000,0');
    expect(lines).toHaveLength(2_002);
    expect(result.regimeBars).toEqual({ TREND: 847, RANGE: 906, BREAKOUT: 161, MEAN_REVERSION: 86 });
    expect(result.trades).toBe(15_140);
    expect(createHash('sha256').update(text).digest('hex')).toBe('b3d44e7592e7d4d9dfd6b1750fb1bd6a967ec2bbab302b36883ef624789ffc69');
  });
});

describe('generateMarket: what it refuses', () => {
  it('refuses a symbol that is not a plain ticker, and writes nothing anywhere', async () => {
    for (const symbol of ['../victim', 'BTC/USDT', '', 'btcusdt']) {
      const dir = outDir();
      await expect(generateMarket(dir, options({ symbol, bars: 5 }))).rejects.toThrow(/--symbol .* must be capital letters/);
      expect(existsSync(dir)).toBe(false);
      expect(readdirSync(dirname(dir))).toEqual([]);
    }
  });

  it('refuses an output path that is a file, leaving the file as it was', async () => {
    const dir = outDir();
    mkdirSync(dirname(dir), { recursive: true });
    writeFileSync(dir, 'precious');
    await expect(generateMarket(dir, options({ bars: 5 }))).rejects.toThrow(/is a file, not a folder/);
    expect(readFileSync(dir, 'utf8')).toBe('precious');
  });

  it('refuses more bars than it will write', async () => {
    await expect(generateMarket(outDir(), options({ bars: 20_000_001 }))).rejects.toThrow(/--bars must be a whole number from 1 to 20,000,000/);
  });
});
