/** Time handling: epoch units, ISO 8601 parsing (naive dates are UTC), Binance intervals. */

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/**
 * Converts an epoch number of unknown unit to milliseconds, by magnitude: above 1e15 it is
 * microseconds (Binance spot files from 2025 on), above 1e11 milliseconds, else seconds.
 * 1e11 ms is 1973-03-03 and 1e11 s is the year 5138, so the rule is unambiguous for market data.
 */
export function epochToMs(value: number): number {
  if (value > 1e15) return value / 1_000;
  if (value > 1e11) return value;
  return value * 1_000;
}

export type EpochUnit = 's' | 'ms' | 'us';

export function epochUnitOf(value: number): EpochUnit {
  if (value > 1e15) return 'us';
  if (value > 1e11) return 'ms';
  return 's';
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses an ISO 8601 date or date-time (`2004-08-19`, `2017-04-19 09:00:00`,
 * `2023-02-02 09:20:00.138000+00:00`) to epoch ms. A time without an offset is taken as UTC,
 * as pandas and backtesting.py write it. Returns NaN when the text is not such a date.
 */
export function parseIsoTime(text: string): number {
  const m = ISO_PATTERN.exec(text.trim());
  if (m === null) return Number.NaN;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  const hour = m[4] === undefined ? 0 : +m[4];
  const minute = m[5] === undefined ? 0 : +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return Number.NaN;
  }
  const fraction = m[7] === undefined ? 0 : +`0.${m[7]}` * 1_000;
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  if (date.getUTCDate() !== day) return Number.NaN; // 2021-02-30
  let ms = date.getTime() + fraction;
  const offset = m[8];
  if (offset !== undefined && offset.toUpperCase() !== 'Z') {
    const sign = offset[0] === '-' ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const offsetHours = +digits.slice(0, 2);
    const offsetRest = digits.length > 2 ? +digits.slice(2) : 0;
    if (offsetHours > 14 || offsetRest > 59) return Number.NaN;
    const offsetMinutes = offsetHours * 60 + offsetRest;
    ms -= sign * offsetMinutes * MS_PER_MINUTE;
  }
  return ms;
}

/** ISO 8601 UTC text for epoch ms, seconds precision unless there are milliseconds. */
export function formatIsoTime(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const iso = new Date(Math.floor(ms)).toISOString();
  return ms % 1_000 === 0 ? iso.replace('.000Z', 'Z') : iso;
}

/** A candle interval in Binance notation: 1s, 1m, 3m, 5m, 15m, 30m, 1h…12h, 1d, 3d, 1w, 1M. */
export interface Interval {
  readonly name: string;
  /** Nominal length; a month counts as 30 days here, see `isMonthly`. */
  readonly ms: number;
  readonly isMonthly: boolean;
}

const INTERVAL_PATTERN = /^(\d+)(s|m|h|d|w|M)$/;
const UNIT_MS: Record<string, number> = {
  s: MS_PER_SECOND,
  m: MS_PER_MINUTE,
  h: MS_PER_HOUR,
  d: MS_PER_DAY,
  w: 7 * MS_PER_DAY,
  M: 30 * MS_PER_DAY,
};

/** Parses `5m`, `1h`, `1M`…; returns undefined when the text is not an interval. */
export function parseInterval(text: string): Interval | undefined {
  const m = INTERVAL_PATTERN.exec(text.trim());
  if (m === null) return undefined;
  const count = +m[1]!;
  if (count <= 0) return undefined;
  const unit = m[2]!;
  return { name: `${count}${unit}`, ms: count * UNIT_MS[unit]!, isMonthly: unit === 'M' };
}

/** The interval whose length is `ms`, named in Binance notation (the largest whole unit). */
export function intervalFromMs(ms: number): Interval {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms >= size && ms % size === 0) {
      return { name: `${ms / size}${unit}`, ms, isMonthly: false };
    }
  }
  return { name: `${ms}ms`, ms, isMonthly: false };
}

/**
 * Whether a candle's open time sits on its interval's grid: a multiple of the interval since the
 * epoch for intervals up to a day, Monday 00:00 UTC for weeks (Binance), the 1st 00:00 for months.
 */
export function isOnGrid(openTimeMs: number, interval: Interval): boolean {
  if (interval.isMonthly) {
    const d = new Date(openTimeMs);
    return d.getUTCDate() === 1 && openTimeMs % MS_PER_DAY === 0;
  }
  if (interval.ms % (7 * MS_PER_DAY) === 0) {
    // 1970-01-05 was a Monday.
    return (openTimeMs - 4 * MS_PER_DAY) % interval.ms === 0;
  }
  return openTimeMs % interval.ms === 0;
}

/** Human duration: `3d 4h`, `45m`, `12s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1_000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length === 0 ? '0s' : parts.slice(0, 3).join(' ');
}
