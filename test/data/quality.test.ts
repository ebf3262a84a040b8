import { describe, expect, it } from 'vitest';
import { CANDLE_COLUMNS, TRADE_COLUMNS, allocateTable, type CandleTable } from '../../src/data/columns.js';
import { assessCandles, assessTrades, inferInterval } from '../../src/data/quality.js';
import { parseInterval, type Interval } from '../../src/data/time.js';

const T = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

function interval(text: string): Interval {
  return parseInterval(text)!;
}

/** Candles at the given open times; close time = open + `ms` − 1 unless `closeTimes` says otherwise. */
function candleTable(openTimes: readonly number[], ms: number, closeTimes?: readonly number[]): CandleTable {
  const table = allocateTable(CANDLE_COLUMNS, openTimes.length);
  openTimes.forEach((t, i) => {
    const c = table.columns;
    c.openTime[i] = t;
    c.open[i] = c.high[i] = c.low[i] = c.close[i] = 100;
    c.volume[i] = 1;
    c.closeTime[i] = closeTimes === undefined ? t + ms - 1 : closeTimes[i]!;
  });
  return table;
}

describe('assessCandles', () => {
  it('finds no gaps, no off-grid and no short candles in clean data', () => {
    const hours = Array.from({ length: 24 }, (_, h) => T + h * HOUR);
    const q = assessCandles(candleTable(hours, HOUR), interval('1h'));
    expect(q.rows).toBe(24);
    expect(q.firstMs).toBe(T);
    expect(q.lastMs).toBe(T + 23 * HOUR);
    expect(q.gaps).toEqual({ count: 0, missingBars: 0 });
    expect(q.offGrid).toBe(0);
    expect(q.shortCandles).toBe(0);
    expect(q.interval.name).toBe('1h');
  });

  it('counts gaps, the bars they miss and the largest one', () => {
    // Hours 0 1 2 _ _ 5 6 _ _ _ 10 11: two gaps missing 2 and 3 bars.
    const hours = [0, 1, 2, 5, 6, 10, 11].map((h) => T + h * HOUR);
    const q = assessCandles(candleTable(hours, HOUR), interval('1h'));
    expect(q.gaps.count).toBe(2);
    expect(q.gaps.missingBars).toBe(5);
    expect(q.gaps.largest).toEqual({ fromMs: T + 6 * HOUR, toMs: T + 10 * HOUR, durationMs: 4 * HOUR });
  });

  it('keeps the first of equally large gaps as the largest', () => {
    const minutes = [0, 3, 4, 7].map((m) => T + m * MINUTE);
    const q = assessCandles(candleTable(minutes, MINUTE), interval('1m'));
    expect(q.gaps.count).toBe(2);
    expect(q.gaps.missingBars).toBe(4);
    expect(q.gaps.largest).toEqual({ fromMs: T, toMs: T + 3 * MINUTE, durationMs: 3 * MINUTE });
  });

  it('counts off-grid candles (open time not on the interval grid)', () => {
    // A maintenance window: the 03:00 candle opens at 03:07 instead.
    const times = [0, 1, 2].map((h) => T + h * HOUR).concat([T + 3 * HOUR + 7 * MINUTE, T + 4 * HOUR + 7 * MINUTE, T + 5 * HOUR]);
    const q = assessCandles(candleTable(times, HOUR), interval('1h'));
    expect(q.offGrid).toBe(2);
    expect(q.rows).toBe(6);
  });

  it('counts short candles (closing before open + interval − 1 ms) where the close time is known', () => {
    const times = [0, 1, 2, 3, 4].map((h) => T + h * HOUR);
    const closes = [
      T + HOUR - 1, // normal
      T + HOUR + 30 * MINUTE - 1, // closed after 30 minutes: short
      T + 3 * HOUR - 0.001, // microsecond-file close time (open + interval − 1 µs): not short
      Number.NaN, // unknown
      T + 4 * HOUR + 59 * MINUTE + 59_000, // closed a second early: short
    ];
    const q = assessCandles(candleTable(times, HOUR, closes), interval('1h'));
    expect(q.shortCandles).toBe(2);
  });

  it('treats weekly candles on Mondays as on grid', () => {
    const mondays = [0, 1, 2, 4].map((w) => T + w * 7 * DAY);
    const q = assessCandles(candleTable(mondays, 7 * DAY), interval('1w'));
    expect(q.offGrid).toBe(0);
    expect(q.gaps).toMatchObject({ count: 1, missingBars: 1 });
    const thursdays = mondays.map((t) => t + 3 * DAY);
    expect(assessCandles(candleTable(thursdays, 7 * DAY), interval('1w')).offGrid).toBe(4);
  });

  it('allows months of 28 to 31 days without a gap, and counts a missing month', () => {
    const months = [0, 1, 2, 4, 5].map((m) => Date.UTC(2024, m, 1));
    const q = assessCandles(candleTable(months, 30 * DAY), interval('1M'));
    expect(q.gaps.count).toBe(1);
    expect(q.gaps.missingBars).toBe(1);
    expect(q.gaps.largest).toEqual({ fromMs: Date.UTC(2024, 2, 1), toMs: Date.UTC(2024, 4, 1), durationMs: 61 * DAY });
    expect(q.offGrid).toBe(0);
    // Monthly close times vary with the month's length: never counted as short.
    expect(q.shortCandles).toBe(0);
  });

  it('handles an empty table', () => {
    const q = assessCandles(candleTable([], HOUR), interval('1h'));
    expect(q.rows).toBe(0);
    expect(q.firstMs).toBeNaN();
    expect(q.gaps.count).toBe(0);
  });
});

describe('inferInterval', () => {
  it('takes the most common step', () => {
    const times = [0, 5, 10, 15, 30, 35, 40, 41].map((m) => T + m * MINUTE);
    expect(inferInterval(Float64Array.from(times))).toEqual({ name: '5m', ms: 5 * MINUTE, isMonthly: false });
  });

  it('prefers the shorter step on a tie', () => {
    const times = [0, 1, 3, 4, 6].map((h) => T + h * HOUR);
    expect(inferInterval(Float64Array.from(times))?.name).toBe('1h');
  });

  it('recognises days, weeks and months', () => {
    expect(inferInterval(Float64Array.from([0, 1, 2].map((d) => T + d * DAY)))?.name).toBe('1d');
    expect(inferInterval(Float64Array.from([0, 1, 2].map((w) => T + w * 7 * DAY)))?.name).toBe('1w');
    const months = inferInterval(Float64Array.from([0, 1, 2, 3].map((m) => Date.UTC(2024, m, 1))));
    expect(months).toEqual({ name: '1M', ms: 30 * DAY, isMonthly: true });
  });

  it('cannot tell from fewer than two candles', () => {
    expect(inferInterval(Float64Array.from([T]))).toBeUndefined();
    expect(inferInterval(new Float64Array(0))).toBeUndefined();
  });
});

describe('assessTrades', () => {
  it('gives the taker-buy share of the quantity and the longest pause', () => {
    const table = allocateTable(TRADE_COLUMNS, 4);
    const rows = [
      [T, 100, 1, 1],
      [T + 500, 100, 3, -1],
      [T + 4_500, 100, 2, 0],
      [T + 5_000, 100, 4, 1],
    ];
    rows.forEach(([time, price, qty, side], i) => {
      table.columns.time[i] = time!;
      table.columns.price[i] = price!;
      table.columns.qty[i] = qty!;
      table.columns.side[i] = side!;
    });
    const q = assessTrades(table);
    expect(q.rows).toBe(4);
    expect(q.firstMs).toBe(T);
    expect(q.lastMs).toBe(T + 5_000);
    expect(q.takerBuyShare).toBe(5 / 8);
    expect(q.largestPauseMs).toBe(4_000);
  });
});
