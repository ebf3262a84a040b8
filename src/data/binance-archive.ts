/**
 * Binance's public data archive (data.binance.vision): which zip files hold a market's klines and
 * aggTrades for a span of months, where they are, and how their checksums are written. Pure: no
 * network and no files (`download.ts` fetches them).
 *
 * Layout: `{base}/data/{spot | futures/um}/{monthly | daily}/klines/SYMBOL/INTERVAL/NAME.zip` and
 * `…/aggTrades/SYMBOL/NAME.zip`, where NAME is `SYMBOL-INTERVAL-YYYY-MM[-DD]` or
 * `SYMBOL-aggTrades-YYYY-MM[-DD]`. Each zip holds one `NAME.csv`; beside it `NAME.zip.CHECKSUM`
 * holds `<sha256 hex>  NAME.zip`. A month's archive is published in the first days of the next
 * month, a day's archive on the next day.
 */
import { InputError } from './errors.js';
import { MS_PER_DAY } from './time.js';

export const DEFAULT_ARCHIVE_URL = 'https://data.binance.vision';

/** The archive's name for a market: `spot`, or `um` (USD-M futures, `usdm` in `dataset.json`). */
export type ArchiveMarket = 'spot' | 'um';
export type ArchiveKind = 'klines' | 'aggTrades';

/** Kline intervals in the archive (`1mo` is left out: one candle a month is no market to replay). */
const KLINE_INTERVALS = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w'] as const;
/** Intervals that also have daily archives. */
const DAILY_INTERVALS = new Set(['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d']);
/** USD-M futures have no 1-second klines. */
const UM_INTERVALS = new Set<string>(KLINE_INTERVALS.filter((i) => i !== '1s'));

export function archiveIntervals(market: ArchiveMarket): readonly string[] {
  return market === 'um' ? KLINE_INTERVALS.filter((i) => UM_INTERVALS.has(i)) : KLINE_INTERVALS;
}

/** One zip file of the archive. */
export interface ArchiveFile {
  readonly kind: ArchiveKind;
  readonly cadence: 'monthly' | 'daily';
  /** `YYYY-MM` (monthly) or `YYYY-MM-DD` (daily). */
  readonly period: string;
  /** File name without extension, as Binance names it: `BTCUSDT-1h-2024-01`. */
  readonly name: string;
  /** Path of the zip below the base URL: `data/spot/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip`. */
  readonly path: string;
}

/** What to download, checked. */
export interface ArchiveRequest {
  readonly market: ArchiveMarket;
  readonly symbol: string;
  readonly interval: string;
  /** First and last month, `YYYY-MM`. */
  readonly from: string;
  readonly to: string;
  readonly trades: boolean;
  /** The present (epoch ms): which months are over and which days of the current one are. */
  readonly nowMs: number;
}

/**
 * One month of one kind of data. A month that is over has a monthly archive (`monthly`); its
 * days (`days`) are the way round when that archive is not published yet, or when an earlier run
 * fetched the month day by day while it was the current month. The current month has only days,
 * up to yesterday.
 */
export interface MonthPlan {
  readonly kind: ArchiveKind;
  readonly month: string;
  readonly monthly: ArchiveFile | undefined;
  /** Every day of a month that is over, or the days of the current month up to yesterday; empty without daily archives. */
  readonly days: readonly ArchiveFile[];
  /** Whether this is the last month that is over (its monthly archive may not be published yet). */
  readonly lastComplete: boolean;
}

const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;
const SYMBOL_PATTERN = /^[A-Z0-9]{2,30}$/;

/** Checks the options of a download and resolves the market's alias; throws an InputError naming the option. */
export function checkArchiveRequest(options: {
  market: string;
  symbol: string;
  interval: string;
  from: string;
  to: string;
  trades: boolean;
  nowMs: number;
}): ArchiveRequest {
  const market = options.market === 'usdm' ? 'um' : options.market;
  if (market !== 'spot' && market !== 'um') throw new InputError(`--market '${options.market}' is not spot or um (usdm)`);
  const symbol = options.symbol.trim().toUpperCase();
  if (!SYMBOL_PATTERN.test(symbol)) {
    const hint = /[-/_]/.test(symbol) ? `; write it as Binance does, without a separator: ${symbol.replace(/[-/_]/g, '')}` : ', e.g. BTCUSDT';
    throw new InputError(`--symbol '${options.symbol}' is not a Binance symbol (capital letters and digits)${hint}`);
  }
  const interval = options.interval.trim();
  if (interval === '1M' || interval === '1mo') {
    throw new InputError(`--interval ${interval}: monthly candles are not downloaded (one candle a month is too little to replay); use 1w or shorter`);
  }
  const intervals = archiveIntervals(market);
  if (!intervals.includes(interval)) {
    const why = market === 'um' && interval === '1s' ? 'USD-M futures have no 1s klines' : 'not an interval of the archive';
    throw new InputError(`--interval '${options.interval}': ${why}; one of ${intervals.join(', ')}`);
  }
  if (!Number.isFinite(options.nowMs)) throw new InputError('the current time is not a valid date');
  const from = checkMonth('--from', options.from);
  const to = checkMonth('--to', options.to);
  if (from > to) throw new InputError(`--from ${from} is after --to ${to}`);
  const current = monthOf(options.nowMs);
  if (to > current) throw new InputError(`--to ${to} is in the future (it is ${current} now, UTC)`);
  const request: ArchiveRequest = { market, symbol, interval, from, to, trades: options.trades, nowMs: options.nowMs };
  if (to === current) {
    if (!DAILY_INTERVALS.has(interval)) {
      throw new InputError(
        `--to ${to}: ${to} is not over, and ${interval} klines are published only as monthly archives; use --to ${previousMonth(current)}`,
      );
    }
    if (dayOfMonth(options.nowMs) === 1 && from === to) {
      throw new InputError(`--from ${from} --to ${to}: no day of ${to} is over yet (daily archives are published the next day, UTC)`);
    }
  }
  return request;
}

function checkMonth(option: string, text: string): string {
  const m = MONTH_PATTERN.exec(text.trim());
  const month = m === null ? 0 : +m[2]!;
  if (m === null || month < 1 || month > 12) throw new InputError(`${option} '${text}' is not a month written YYYY-MM (e.g. 2024-01)`);
  if (+m[1]! < 2017) throw new InputError(`${option} ${text} is before Binance's archive begins (2017)`);
  return text.trim();
}

/** `YYYY-MM` of an instant, UTC. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

function dayOfMonth(ms: number): number {
  return new Date(ms).getUTCDate();
}

function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}

function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}

/** The days of a month, `YYYY-MM-DD`, up to (not including) `endDay` when given. */
function daysOf(month: string, endDay?: number): string[] {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const length = (Date.UTC(year, m, 1) - Date.UTC(year, m - 1, 1)) / MS_PER_DAY;
  const last = endDay === undefined ? length : Math.min(length, endDay - 1);
  return Array.from({ length: last }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
}

/** The archive file of one kind and period. */
export function archiveFile(request: Pick<ArchiveRequest, 'market' | 'symbol' | 'interval'>, kind: ArchiveKind, period: string): ArchiveFile {
  const cadence = period.length === 7 ? 'monthly' : 'daily';
  const root = request.market === 'spot' ? 'data/spot' : 'data/futures/um';
  const what = kind === 'klines' ? request.interval : 'aggTrades';
  const name = `${request.symbol}-${what}-${period}`;
  const folder = kind === 'klines' ? `klines/${request.symbol}/${request.interval}` : `aggTrades/${request.symbol}`;
  return { kind, cadence, period, name, path: `${root}/${cadence}/${folder}/${name}.zip` };
}

/** Every month of the request, klines first, then aggTrades with `trades`. */
export function planMonths(request: ArchiveRequest): MonthPlan[] {
  const current = monthOf(request.nowMs);
  const lastComplete = previousMonth(current);
  const hasDays = DAILY_INTERVALS.has(request.interval);
  const kinds: ArchiveKind[] = request.trades ? ['klines', 'aggTrades'] : ['klines'];
  const plans: MonthPlan[] = [];
  for (const kind of kinds) {
    // aggTrades have daily archives whatever the candle interval.
    const daily = kind === 'aggTrades' || hasDays;
    for (let month = request.from; month <= request.to; month = nextMonth(month)) {
      const isCurrent = month === current;
      const days = !daily ? [] : isCurrent ? daysOf(month, dayOfMonth(request.nowMs)) : daysOf(month);
      if (isCurrent && days.length === 0) continue; // the 1st: nothing of this month is over
      plans.push({
        kind,
        month,
        monthly: isCurrent ? undefined : archiveFile(request, kind, month),
        days: days.map((day) => archiveFile(request, kind, day)),
        lastComplete: month === lastComplete,
      });
    }
  }
  return plans;
}

/** The URL of a file of the archive (a zip, or with `suffix` its `.CHECKSUM`). */
export function archiveUrl(baseUrl: string, file: ArchiveFile, suffix = ''): string {
  return `${baseUrl.replace(/\/+$/, '')}/${file.path}${suffix}`;
}

/**
 * The SHA-256 (lower-case hex) from a `.CHECKSUM` file (`<hex>  NAME.zip`, as `sha256sum` writes
 * it); throws when the text is not that, or names another file.
 */
export function parseChecksum(text: string, zipName: string, source: string): string {
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  const m = /^([0-9a-fA-F]{64})(?:\s+\*?(\S.*))?$/.exec(line.trim());
  if (m === null) {
    throw new InputError(`${source}: not a SHA-256 checksum file (it begins ${JSON.stringify(line.slice(0, 60))})`);
  }
  const named = m[2]?.trim();
  if (named !== undefined && named !== zipName) throw new InputError(`${source}: the checksum is for ${named}, not ${zipName}`);
  return m[1]!.toLowerCase();
}
