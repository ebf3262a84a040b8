import { describe, expect, it } from 'vitest';
import {
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  epochToMs,
  epochUnitOf,
  formatDuration,
  formatIsoTime,
  intervalFromMs,
  isOnGrid,
  parseInterval,
  parseIsoTime,
  type Interval,
} from '../../src/data/time.js';

/** 2022-01-01T00:00:00Z */
const JAN_2022 = 1_640_995_200_000;

function interval(text: string): Interval {
  const parsed = parseInterval(text);
  if (parsed === undefined) throw new Error(`bad interval ${text}`);
  return parsed;
}

describe('epochToMs', () => {
  it('reads seconds, milliseconds and microseconds by magnitude', () => {
    expect(epochToMs(1_640_995_200)).toBe(JAN_2022);
    expect(epochToMs(JAN_2022)).toBe(JAN_2022);
    expect(epochToMs(1_640_995_200_000_000)).toBe(JAN_2022);
    // A microsecond time keeps its sub-millisecond part.
    expect(epochToMs(1_735_689_600_012_345)).toBe(1_735_689_600_012.345);
    expect(epochToMs(1_640_995_200.5)).toBe(JAN_2022 + 500);
  });

  it('puts the boundaries where the doc says (above 1e11 is ms, above 1e15 is µs)', () => {
    expect(epochToMs(1e11)).toBe(1e14); // exactly 1e11 is still seconds
    expect(epochToMs(1e11 + 1)).toBe(1e11 + 1);
    expect(epochToMs(1e15)).toBe(1e15); // exactly 1e15 is still ms
    expect(epochToMs(2e15)).toBe(2e12);
    expect(epochToMs(0)).toBe(0);
    expect(epochUnitOf(1_640_995_200)).toBe('s');
    expect(epochUnitOf(JAN_2022)).toBe('ms');
    expect(epochUnitOf(JAN_2022 * 1_000)).toBe('us');
  });
});

describe('parseIsoTime', () => {
  it('reads a date alone as midnight UTC', () => {
    expect(parseIsoTime('2004-08-19')).toBe(Date.UTC(2004, 7, 19));
    expect(parseIsoTime('2022-01-01')).toBe(JAN_2022);
  });

  it('reads a naive "YYYY-MM-DD HH:MM:SS" as UTC, and the T form too', () => {
    expect(parseIsoTime('2017-04-19 09:00:00')).toBe(Date.UTC(2017, 3, 19, 9, 0, 0));
    expect(parseIsoTime('2017-04-19T09:00:00')).toBe(Date.UTC(2017, 3, 19, 9, 0, 0));
    expect(parseIsoTime('2017-04-19T09:00')).toBe(Date.UTC(2017, 3, 19, 9, 0, 0));
    expect(parseIsoTime('2017-04-19T09:00:00Z')).toBe(Date.UTC(2017, 3, 19, 9, 0, 0));
    expect(parseIsoTime('  2017-04-19 09:00:00  ')).toBe(Date.UTC(2017, 3, 19, 9, 0, 0));
  });

  it('reads fractional seconds with a +00:00 offset (pandas/freqtrade)', () => {
    expect(parseIsoTime('2023-02-02 09:20:00.138000+00:00')).toBe(Date.UTC(2023, 1, 2, 9, 20, 0, 138));
    expect(parseIsoTime('2023-02-02T09:20:00.5Z')).toBe(Date.UTC(2023, 1, 2, 9, 20, 0, 500));
    expect(parseIsoTime('2023-01-01T00:00:00.007Z')).toBe(Date.UTC(2023, 0, 1, 0, 0, 0, 7));
    // Sub-millisecond digits are kept as a fraction of a millisecond.
    expect(parseIsoTime('2023-01-01T00:00:00.000250Z')).toBeCloseTo(Date.UTC(2023, 0, 1) + 0.25, 6);
  });

  it('applies other offsets (east is earlier in UTC)', () => {
    const utc = Date.UTC(2023, 0, 1, 12, 0, 0);
    expect(parseIsoTime('2023-01-01T12:00:00+05:30')).toBe(utc - 5.5 * MS_PER_HOUR);
    expect(parseIsoTime('2023-01-01T12:00:00+0530')).toBe(utc - 5.5 * MS_PER_HOUR);
    expect(parseIsoTime('2023-01-01T12:00:00-08:00')).toBe(utc + 8 * MS_PER_HOUR);
    expect(parseIsoTime('2023-01-01T12:00:00-08')).toBe(utc + 8 * MS_PER_HOUR);
    expect(parseIsoTime('2023-01-01 12:00:00 +01:00')).toBe(utc - MS_PER_HOUR);
  });

  it('returns NaN for impossible dates and for text that is not a date', () => {
    expect(parseIsoTime('2021-02-30')).toBeNaN();
    expect(parseIsoTime('2023-02-29')).toBeNaN();
    expect(parseIsoTime('2021-04-31 00:00:00')).toBeNaN();
    expect(parseIsoTime('2021-13-01')).toBeNaN();
    expect(parseIsoTime('2021-00-10')).toBeNaN();
    expect(parseIsoTime('2021-01-00')).toBeNaN();
    expect(parseIsoTime('2021-01-01 24:00:00')).toBeNaN();
    expect(parseIsoTime('2021-01-01 10:60:00')).toBeNaN();
    expect(parseIsoTime('')).toBeNaN();
    expect(parseIsoTime('open_time')).toBeNaN();
    expect(parseIsoTime('1640995200000')).toBeNaN();
    expect(parseIsoTime('01/02/2021')).toBeNaN();
    // A leap day in a leap year is fine.
    expect(parseIsoTime('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});

describe('parseInterval', () => {
  it('parses Binance notation', () => {
    expect(parseInterval('1s')).toEqual({ name: '1s', ms: 1_000, isMonthly: false });
    expect(parseInterval('5m')).toEqual({ name: '5m', ms: 5 * MS_PER_MINUTE, isMonthly: false });
    expect(parseInterval('4h')).toEqual({ name: '4h', ms: 4 * MS_PER_HOUR, isMonthly: false });
    expect(parseInterval('1d')).toEqual({ name: '1d', ms: MS_PER_DAY, isMonthly: false });
    expect(parseInterval('1w')).toEqual({ name: '1w', ms: 7 * MS_PER_DAY, isMonthly: false });
    expect(parseInterval('1M')).toEqual({ name: '1M', ms: 30 * MS_PER_DAY, isMonthly: true });
    expect(parseInterval(' 15m ')?.name).toBe('15m');
    expect(parseInterval('05m')).toEqual({ name: '5m', ms: 5 * MS_PER_MINUTE, isMonthly: false });
  });

  it('rejects what is not an interval', () => {
    for (const text of ['', 'm', '0m', '1', '1H', '1y', '-1m', '1.5h', 'aggTrades', '1 m']) {
      expect(parseInterval(text), text).toBeUndefined();
    }
  });
});

describe('intervalFromMs', () => {
  it('names a length by its largest whole unit', () => {
    expect(intervalFromMs(MS_PER_MINUTE)).toEqual({ name: '1m', ms: MS_PER_MINUTE, isMonthly: false });
    expect(intervalFromMs(5 * MS_PER_MINUTE).name).toBe('5m');
    expect(intervalFromMs(90 * MS_PER_MINUTE).name).toBe('90m');
    expect(intervalFromMs(MS_PER_HOUR).name).toBe('1h');
    expect(intervalFromMs(36 * MS_PER_HOUR).name).toBe('36h');
    expect(intervalFromMs(MS_PER_DAY).name).toBe('1d');
    expect(intervalFromMs(3 * MS_PER_DAY).name).toBe('3d');
    expect(intervalFromMs(7 * MS_PER_DAY).name).toBe('1w');
    expect(intervalFromMs(14 * MS_PER_DAY).name).toBe('2w');
    expect(intervalFromMs(30 * 1_000).name).toBe('30s');
    expect(intervalFromMs(250)).toEqual({ name: '250ms', ms: 250, isMonthly: false });
  });

  it('round-trips with parseInterval', () => {
    for (const name of ['1s', '1m', '3m', '15m', '2h', '12h', '1d', '3d', '1w']) {
      expect(intervalFromMs(interval(name).ms).name).toBe(name);
    }
  });
});

describe('isOnGrid', () => {
  it('uses multiples of the interval since the epoch up to a day', () => {
    const hour = interval('1h');
    expect(isOnGrid(JAN_2022, hour)).toBe(true);
    expect(isOnGrid(JAN_2022 + 5 * MS_PER_HOUR, hour)).toBe(true);
    expect(isOnGrid(JAN_2022 + 7 * MS_PER_MINUTE, hour)).toBe(false);
    expect(isOnGrid(JAN_2022 + 1, hour)).toBe(false);
    const fiveMinutes = interval('5m');
    expect(isOnGrid(JAN_2022 + 35 * MS_PER_MINUTE, fiveMinutes)).toBe(true);
    expect(isOnGrid(JAN_2022 + 37 * MS_PER_MINUTE, fiveMinutes)).toBe(false);
    expect(isOnGrid(JAN_2022 + 3 * MS_PER_HOUR, interval('1d'))).toBe(false);
  });

  it('starts weeks on Monday 00:00 UTC', () => {
    const week = interval('1w');
    // 2024-01-01 was a Monday, 2024-01-04 a Thursday (the epoch's weekday).
    expect(isOnGrid(Date.UTC(2024, 0, 1), week)).toBe(true);
    expect(isOnGrid(Date.UTC(2024, 0, 8), week)).toBe(true);
    expect(isOnGrid(Date.UTC(2024, 0, 4), week)).toBe(false);
    expect(isOnGrid(Date.UTC(2024, 0, 7), week)).toBe(false);
    expect(isOnGrid(Date.UTC(2024, 0, 1, 1), week)).toBe(false);
    expect(isOnGrid(Date.UTC(1970, 0, 5), week)).toBe(true);
  });

  it('starts months on the 1st at 00:00 UTC', () => {
    const month = interval('1M');
    expect(isOnGrid(Date.UTC(2024, 0, 1), month)).toBe(true);
    expect(isOnGrid(Date.UTC(2024, 1, 1), month)).toBe(true);
    expect(isOnGrid(Date.UTC(2024, 2, 1), month)).toBe(true);
    expect(isOnGrid(Date.UTC(2024, 0, 31), month)).toBe(false);
    expect(isOnGrid(Date.UTC(2024, 1, 1, 0, 1), month)).toBe(false);
  });
});

describe('formatIsoTime', () => {
  it('prints seconds precision unless there are milliseconds', () => {
    expect(formatIsoTime(JAN_2022)).toBe('2022-01-01T00:00:00Z');
    expect(formatIsoTime(JAN_2022 + 3_723_000)).toBe('2022-01-01T01:02:03Z');
    expect(formatIsoTime(JAN_2022 + 47)).toBe('2022-01-01T00:00:00.047Z');
    expect(formatIsoTime(1_735_689_600_012.345)).toBe('2025-01-01T00:00:00.012Z');
  });

  it('prints non-finite values as they are', () => {
    expect(formatIsoTime(Number.NaN)).toBe('NaN');
    expect(formatIsoTime(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });

  it('round-trips with parseIsoTime', () => {
    for (const ms of [JAN_2022, JAN_2022 + 47, Date.UTC(2004, 7, 19, 23, 59, 59)]) {
      expect(parseIsoTime(formatIsoTime(ms))).toBe(ms);
    }
  });
});

describe('formatDuration', () => {
  it('prints the three largest units', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(12_000)).toBe('12s');
    expect(formatDuration(45 * MS_PER_MINUTE)).toBe('45m');
    expect(formatDuration(MS_PER_HOUR + 30_000)).toBe('1h 30s');
    expect(formatDuration(3 * MS_PER_DAY + 4 * MS_PER_HOUR)).toBe('3d 4h');
    expect(formatDuration(MS_PER_DAY + MS_PER_HOUR + MS_PER_MINUTE + 1_000)).toBe('1d 1h 1m');
    expect(formatDuration(33 * MS_PER_HOUR + 28 * MS_PER_MINUTE + 14_789)).toBe('1d 9h 28m');
    expect(formatDuration(-90_000)).toBe('-1m 30s');
    expect(formatDuration(2 * MS_PER_HOUR)).toBe('2h');
  });

  it('rounds to whole seconds', () => {
    expect(formatDuration(499)).toBe('0s');
    expect(formatDuration(1_500)).toBe('2s');
    expect(formatDuration(59_600)).toBe('1m');
  });

  it('prints non-finite values as they are', () => {
    expect(formatDuration(Number.NaN)).toBe('NaN');
  });
});
