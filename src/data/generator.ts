/**
 * The synthetic market: a seeded regime-switching random walk (trending, ranging, breakout and
 * mean-reverting stretches) written in Binance's file formats. Each bar is an intrabar price path;
 * its trades are points on that path (always the open, the high, the low and the close), so
 * aggregating the trade file reproduces the candle file exactly. The same options and seed give
 * byte-identical files, and the candles do not depend on whether trades are written.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Rng } from '../config/random.js';
import type { DatasetManifestInput } from '../config/dataset-manifest.js';
import { InputError } from './errors.js';
import { BINANCE_KLINE_HEADER } from './formats.js';
import { releaseTemporary, trackTemporary } from './temporary-files.js';
import { formatIsoTime, isOnGrid, type Interval } from './time.js';

export type Regime = 'TREND' | 'RANGE' | 'BREAKOUT' | 'MEAN_REVERSION';
export const REGIMES: readonly Regime[] = ['TREND', 'RANGE', 'BREAKOUT', 'MEAN_REVERSION'];

export interface GeneratorOptions {
  readonly bars: number;
  readonly interval: Interval;
  readonly seed: number;
  readonly trades: boolean;
  readonly symbol: string;
  /** `usdm` writes header rows and 7-column aggTrades like futures archives; `spot` no headers and 8-column aggTrades. */
  readonly market: 'spot' | 'usdm';
  readonly startMs: number;
  readonly startPrice: number;
  /** Annualised volatility of the calm regimes. */
  readonly annualVolatility: number;
  /**
   * Trades per bar, roughly (4 to 17): the open, high, low and close points always trade (fewer
   * when they coincide), and other path points trade with a chance that makes this the mean.
   */
  readonly tradesPerBar: number;
  readonly tickSize: number;
  readonly qtyStep: number;
}

export const GENERATOR_DEFAULTS = {
  bars: 10_000,
  seed: 1,
  trades: false,
  symbol: 'SYNTHUSDT',
  market: 'usdm',
  startMs: Date.UTC(2024, 0, 1),
  startPrice: 30_000,
  annualVolatility: 0.6,
  tradesPerBar: 8,
  tickSize: 0.1,
  qtyStep: 0.001,
} as const;

/** Points on the intrabar path (the open plus this many steps). */
const PATH_STEPS = 16;
const YEAR_MS = 365 * 86_400_000;

interface RegimeModel {
  /** Mean length of a stretch, in bars. */
  readonly meanBars: number;
  /** Volatility relative to the base. */
  readonly volatility: number;
  /** Drift per bar, in units of the bar's base volatility (sign chosen per stretch). */
  readonly drift: number;
  /** Pull towards the stretch's anchor price per bar (Ornstein-Uhlenbeck). */
  readonly reversion: number;
  /** Volume relative to the base. */
  readonly volume: number;
  /** Where the next stretch goes, as weights over REGIMES. */
  readonly next: readonly number[];
}

const MODELS: Record<Regime, RegimeModel> = {
  TREND: { meanBars: 240, volatility: 1.0, drift: 0.12, reversion: 0, volume: 1.1, next: [0, 0.45, 0.15, 0.4] },
  RANGE: { meanBars: 200, volatility: 0.6, drift: 0, reversion: 0.04, volume: 0.7, next: [0.3, 0, 0.5, 0.2] },
  BREAKOUT: { meanBars: 40, volatility: 2.2, drift: 0.45, reversion: 0, volume: 2.5, next: [0.6, 0.2, 0, 0.2] },
  MEAN_REVERSION: { meanBars: 200, volatility: 1.3, drift: 0, reversion: 0.12, volume: 1.0, next: [0.35, 0.4, 0.25, 0] },
};

function decimalsOf(step: number): number {
  const text = step.toString();
  if (text.includes('e-')) return +text.split('e-')[1]!;
  return text.includes('.') ? text.split('.')[1]!.length : 0;
}

/** Writes lines to a file in large blocks. */
class LineWriter {
  private readonly fd: number;
  private lines: string[] = [];
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= 20_000) this.flush();
  }
  flush(): void {
    if (this.lines.length === 0) return;
    writeSync(this.fd, `${this.lines.join('\n')}\n`);
    this.lines = [];
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Integer amounts (ticks, qty steps) printed as decimals without floating-point noise. */
function fixed(units: number, decimals: number): string {
  if (decimals === 0) return String(units);
  const negative = units < 0;
  const text = String(Math.abs(units)).padStart(decimals + 1, '0');
  return `${negative ? '-' : ''}${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

function monthOf(ms: number): string {
  return formatIsoTime(ms).slice(0, 7);
}

export interface GeneratedDataset {
  readonly dir: string;
  readonly files: readonly string[];
  readonly bars: number;
  readonly trades: number;
  readonly regimeBars: Readonly<Record<Regime, number>>;
}

/** At most this many bars: 38 years of 1-minute candles, and several GB of files. */
export const MAX_GENERATED_BARS = 20_000_000;
const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9_]{0,31}$/;

/**
 * Generates the market into `outDir`, which must not exist or be empty: files are written to a
 * temporary folder beside it that is renamed when complete, so a failure or an interruption
 * leaves nothing behind. Yields to the event loop now and then so that Ctrl-C is heard.
 */
export async function generateMarket(outDir: string, options: GeneratorOptions, command?: string): Promise<GeneratedDataset> {
  if (!Number.isInteger(options.bars) || options.bars < 1 || options.bars > MAX_GENERATED_BARS) {
    throw new InputError(`--bars must be a whole number from 1 to ${MAX_GENERATED_BARS.toLocaleString('en-US')}, got ${options.bars}`);
  }
  if (!SYMBOL_PATTERN.test(options.symbol)) {
    throw new InputError(`--symbol '${options.symbol}' must be capital letters, digits and '_' (up to 32), e.g. BTCUSDT`);
  }
  if (options.interval.isMonthly) throw new InputError('--interval 1M is not supported by the generator; use 1w or shorter');
  if (options.tradesPerBar < 4) throw new InputError(`--trades-per-bar must be at least 4 (open, high, low, close), got ${options.tradesPerBar}`);
  if (!isOnGrid(options.startMs, options.interval)) {
    throw new InputError(`--start ${formatIsoTime(options.startMs)} is not on the ${options.interval.name} grid`);
  }
  const target = resolve(outDir);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new InputError(`${outDir}: is a file, not a folder; choose a new folder (nothing was overwritten)`);
  }
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new InputError(`${outDir}: already exists and is not empty; choose a new folder (nothing was overwritten)`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const temporary = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
  rmSync(temporary, { recursive: true, force: true });
  trackTemporary(temporary);
  mkdirSync(temporary);
  try {
    const result = await writeMarket(temporary, options);
    const manifest: DatasetManifestInput = {
      name: basename(target),
      symbol: options.symbol,
      market: options.market,
      interval: options.interval.name,
      candles: [`${options.symbol}-${options.interval.name}-*.csv`],
      ...(options.trades ? { trades: [`${options.symbol}-aggTrades-*.csv`] } : {}),
      synthetic: true,
      description:
        'SYNTHETIC market data, not real prices: a seeded regime-switching random walk (trend, range, breakout, ' +
        'mean reversion) generated by replaylab in Binance file format.' +
        (options.trades ? ' Aggregating its trades reproduces its candles.' : ''),
      source: 'replaylab data generate',
      generator: {
        ...(command === undefined ? {} : { command }),
        seed: options.seed,
        bars: options.bars,
        interval: options.interval.name,
        start: formatIsoTime(options.startMs),
        startPrice: options.startPrice,
        annualVolatility: options.annualVolatility,
        tradesPerBar: options.tradesPerBar,
        tickSize: options.tickSize,
        qtyStep: options.qtyStep,
        regimeBars: result.regimeBars,
        trades: result.trades,
      },
    };
    writeFileSync(join(temporary, 'dataset.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(target)) rmSync(target, { recursive: true }); // empty, checked above
    renameSync(temporary, target);
    releaseTemporary(temporary);
    return { ...result, dir: target, files: [...result.files.map((f) => join(target, f)), join(target, 'dataset.json')] };
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    releaseTemporary(temporary);
    throw error;
  }
}

async function writeMarket(dir: string, options: GeneratorOptions): Promise<Omit<GeneratedDataset, 'dir'>> {
  const { interval, tickSize, qtyStep, symbol } = options;
  const header = options.market === 'usdm';
  const priceDecimals = decimalsOf(tickSize);
  const qtyDecimals = decimalsOf(qtyStep);
  const quoteDecimals = priceDecimals + qtyDecimals;
  // Independent streams: the market path, then trade details; candles do not depend on `trades`.
  const root = new Rng(options.seed);
  const pathRng = root.fork();
  const tradeRng = root.fork();

  const barVolatility = options.annualVolatility * Math.sqrt(interval.ms / YEAR_MS);
  const stepVolatility = barVolatility / Math.sqrt(PATH_STEPS);
  const baseVolumeUnits = Math.max(1, Math.round((5 * Math.sqrt(interval.ms / 60_000)) / qtyStep / options.tradesPerBar));
  const extraTradeChance = Math.min(1, (options.tradesPerBar - 4) / (PATH_STEPS - 3));

  const files: string[] = [];
  let candleWriter: LineWriter | undefined;
  let tradeWriter: LineWriter | undefined;
  let month = '';
  const openWriters = (ms: number): void => {
    candleWriter?.close();
    tradeWriter?.close();
    month = monthOf(ms);
    const candleName = `${symbol}-${interval.name}-${month}.csv`;
    candleWriter = new LineWriter(join(dir, candleName));
    files.push(candleName);
    if (header) candleWriter.push(BINANCE_KLINE_HEADER.join(','));
    if (options.trades) {
      const tradeName = `${symbol}-aggTrades-${month}.csv`;
      tradeWriter = new LineWriter(join(dir, tradeName));
      files.push(tradeName);
      if (header) tradeWriter.push('agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker');
    }
  };

  const regimeBars: Record<Regime, number> = { TREND: 0, RANGE: 0, BREAKOUT: 0, MEAN_REVERSION: 0 };
  let regime: Regime = 'RANGE';
  let barsLeft = 0;
  let direction = 1;
  let logPrice = Math.log(options.startPrice);
  let anchor = logPrice;
  let lastTick = Math.round(options.startPrice / tickSize);
  let tradeId = 1_000_000;
  let tradeCount = 0;
  const pathTicks = new Float64Array(PATH_STEPS + 1);
  const chosen = new Uint8Array(PATH_STEPS + 1);

  for (let bar = 0; bar < options.bars; bar++) {
    if (bar % 50_000 === 49_999) await new Promise((resolve) => setImmediate(resolve));
    if (barsLeft <= 0) {
      if (bar > 0) {
        const weights = MODELS[regime].next;
        let pick = pathRng.next() * weights.reduce((a, b) => a + b, 0);
        let index = 0;
        while (index < weights.length - 1 && pick >= weights[index]!) pick -= weights[index++]!;
        regime = REGIMES[index]!;
      }
      barsLeft = Math.max(5, Math.round(pathRng.exponential(MODELS[regime].meanBars)));
      direction = pathRng.next() < 0.5 ? -1 : 1;
      anchor = logPrice;
    }
    barsLeft--;
    regimeBars[regime]++;
    const model = MODELS[regime];
    const openMs = options.startMs + bar * interval.ms;
    if (monthOf(openMs) !== month) openWriters(openMs);

    // The intrabar path, in ticks. The open is the previous close.
    const driftPerStep = (direction * model.drift * barVolatility - model.reversion * (logPrice - anchor)) / PATH_STEPS;
    const sigma = stepVolatility * model.volatility;
    pathTicks[0] = lastTick;
    let high = 0;
    let low = 0;
    for (let k = 1; k <= PATH_STEPS; k++) {
      logPrice += driftPerStep + sigma * pathRng.normal();
      pathTicks[k] = Math.max(1, Math.round(Math.exp(logPrice) / tickSize));
      if (pathTicks[k]! > pathTicks[high]!) high = k;
      if (pathTicks[k]! < pathTicks[low]!) low = k;
    }
    lastTick = pathTicks[PATH_STEPS]!;

    // Trades: the open, high, low and close points, and others at random.
    chosen.fill(0);
    chosen[0] = chosen[high] = chosen[low] = chosen[PATH_STEPS] = 1;
    for (let k = 1; k < PATH_STEPS; k++) if (pathRng.next() < extraTradeChance) chosen[k] = 1;
    let volumeUnits = 0;
    let quoteUnits = 0;
    let buyUnits = 0;
    let buyQuoteUnits = 0;
    let count = 0;
    let previousTick = pathTicks[0]!;
    const slot = interval.ms / (PATH_STEPS + 1);
    for (let k = 0; k <= PATH_STEPS; k++) {
      if (chosen[k] === 0) continue;
      const ticks = pathTicks[k]!;
      const units = 1 + Math.floor(pathRng.exponential(baseVolumeUnits * model.volume));
      const upTick = ticks > previousTick ? 0.75 : ticks < previousTick ? 0.25 : 0.5;
      const buy = pathRng.next() < upTick;
      previousTick = ticks;
      volumeUnits += units;
      quoteUnits += units * ticks;
      if (buy) {
        buyUnits += units;
        buyQuoteUnits += units * ticks;
      }
      count++;
      if (tradeWriter !== undefined) {
        const time = openMs + Math.floor(k * slot + tradeRng.next() * (slot - 1));
        const id = tradeId++;
        const maker = options.market === 'usdm' ? String(!buy) : buy ? 'False' : 'True';
        const tail = options.market === 'usdm' ? '' : ',True';
        tradeWriter.push(`${id},${fixed(ticks, priceDecimals)},${fixed(units, qtyDecimals)},${id},${id},${time},${maker}${tail}`);
      }
    }
    tradeCount += count;
    candleWriter!.push(
      [
        openMs,
        fixed(pathTicks[0]!, priceDecimals),
        fixed(pathTicks[high]!, priceDecimals),
        fixed(pathTicks[low]!, priceDecimals),
        fixed(lastTick, priceDecimals),
        fixed(volumeUnits, qtyDecimals),
        openMs + interval.ms - 1,
        fixed(quoteUnits, quoteDecimals),
        count,
        fixed(buyUnits, qtyDecimals),
        fixed(buyQuoteUnits, quoteDecimals),
        0,
      ].join(','),
    );
  }
  candleWriter?.close();
  tradeWriter?.close();
  return { files, bars: options.bars, trades: options.trades ? tradeCount : 0, regimeBars };
}
