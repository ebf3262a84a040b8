import { describe, expect, it } from 'vitest';
import { aggregateTrades } from '../../src/data/aggregate.js';
import { TRADE_COLUMNS, allocateTable, type TradeTable } from '../../src/data/columns.js';
import { InputError } from '../../src/data/errors.js';
import { parseInterval, type Interval } from '../../src/data/time.js';

/** 2024-01-01T00:00:00Z, a Monday. */
const T = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;
const DAY = 86_400_000;

function interval(text: string): Interval {
  return parseInterval(text)!;
}

/** A trade table from [time, price, qty, side] rows. */
function tradeTable(rows: readonly (readonly [number, number, number, number])[]): TradeTable {
  const table = allocateTable(TRADE_COLUMNS, rows.length);
  rows.forEach(([time, price, qty, side], i) => {
    table.columns.time[i] = time;
    table.columns.price[i] = price;
    table.columns.qty[i] = qty;
    table.columns.side[i] = side;
    table.columns.id[i] = i + 1;
  });
  return table;
}

describe('aggregateTrades', () => {
  const trades = tradeTable([
    // bucket 00:00
    [T + 1_000, 100, 1, 1],
    [T + 20_000, 102, 0.5, -1],
    [T + 40_000, 99, 2, 1],
    [T + 59_999, 101, 1.5, 0],
    // 00:01 has no trades
    // bucket 00:02
    [T + 2 * MINUTE, 105, 0.25, -1],
    [T + 2 * MINUTE + 30_000.5, 104, 0.75, 1],
  ]);
  const candles = aggregateTrades(trades, interval('1m'));
  const c = candles.columns;

  it('makes one candle per bucket with trades, none for empty buckets', () => {
    expect(candles.rows).toBe(2);
    expect(Array.from(c.openTime)).toEqual([T, T + 2 * MINUTE]);
    expect(Array.from(c.closeTime)).toEqual([T + MINUTE - 1, T + 3 * MINUTE - 1]);
  });

  it('computes OHLC from the first, highest, lowest and last trade', () => {
    expect(Array.from(c.open)).toEqual([100, 105]);
    expect(Array.from(c.high)).toEqual([102, 105]);
    expect(Array.from(c.low)).toEqual([99, 104]);
    expect(Array.from(c.close)).toEqual([101, 104]);
  });

  it('sums volume, quote volume and trade count', () => {
    expect(Array.from(c.volume)).toEqual([5, 1]);
    // 100·1 + 102·0.5 + 99·2 + 101·1.5 = 500.5; 105·0.25 + 104·0.75 = 104.25
    expect(Array.from(c.quoteVolume)).toEqual([500.5, 104.25]);
    expect(Array.from(c.tradeCount)).toEqual([4, 2]);
  });

  it('counts taker buys (side +1) only; unknown sides count as neither', () => {
    expect(Array.from(c.takerBuyVolume)).toEqual([3, 0.75]);
    // 100·1 + 99·2 = 298; 104·0.75 = 78
    expect(Array.from(c.takerBuyQuoteVolume)).toEqual([298, 78]);
  });

  it('puts a trade at the exact bucket boundary into the later bucket', () => {
    const edge = aggregateTrades(
      tradeTable([
        [T + MINUTE - 1, 10, 1, 1],
        [T + MINUTE, 11, 1, 1],
      ]),
      interval('1m'),
    );
    expect(Array.from(edge.columns.openTime)).toEqual([T, T + MINUTE]);
    expect(Array.from(edge.columns.close)).toEqual([10, 11]);
  });

  it('builds hourly candles over many buckets', () => {
    const rows: [number, number, number, number][] = [];
    for (let h = 0; h < 50; h++) {
      if (h % 7 === 3) continue; // gaps
      rows.push([T + h * 3_600_000 + 5, 100 + h, 1, 1], [T + h * 3_600_000 + 10, 200 + h, 2, -1]);
    }
    const hourly = aggregateTrades(tradeTable(rows), interval('1h'));
    expect(hourly.rows).toBe(50 - 7);
    expect(hourly.columns.openTime[3]).toBe(T + 4 * 3_600_000);
    expect(hourly.columns.open[3]).toBe(104);
    expect(hourly.columns.close[3]).toBe(204);
    expect(hourly.columns.volume[3]).toBe(3);
    expect(hourly.columns.takerBuyVolume[3]).toBe(1);
  });

  it('starts weekly buckets on Monday 00:00 UTC', () => {
    const weekly = aggregateTrades(
      tradeTable([
        [Date.UTC(2023, 11, 31, 23, 59), 50, 1, 1], // Sunday: week of Monday 2023-12-25
        [Date.UTC(2024, 0, 4, 12), 51, 1, 1], // Thursday: week of Monday 2024-01-01
        [Date.UTC(2024, 0, 7, 23, 59, 59), 52, 1, -1], // Sunday: same week
        [Date.UTC(2024, 0, 8), 53, 2, 1], // Monday: next week
      ]),
      interval('1w'),
    );
    expect(Array.from(weekly.columns.openTime)).toEqual([Date.UTC(2023, 11, 25), T, Date.UTC(2024, 0, 8)]);
    expect(Array.from(weekly.columns.closeTime)).toEqual([
      Date.UTC(2023, 11, 25) + 7 * DAY - 1,
      T + 7 * DAY - 1,
      Date.UTC(2024, 0, 8) + 7 * DAY - 1,
    ]);
    expect(Array.from(weekly.columns.open)).toEqual([50, 51, 53]);
    expect(Array.from(weekly.columns.close)).toEqual([50, 52, 53]);
    expect(Array.from(weekly.columns.tradeCount)).toEqual([1, 2, 1]);
    expect(Array.from(weekly.columns.takerBuyVolume)).toEqual([1, 1, 2]);
  });

  it('gives daily buckets at 00:00 UTC', () => {
    const daily = aggregateTrades(tradeTable([[T + 36 * 3_600_000, 1, 1, 1]]), interval('1d'));
    expect(Array.from(daily.columns.openTime)).toEqual([T + DAY]);
  });

  it('refuses monthly candles', () => {
    expect(() => aggregateTrades(tradeTable([[T, 1, 1, 1]]), interval('1M'))).toThrow(InputError);
  });

  it('gives an empty table for no trades', () => {
    expect(aggregateTrades(tradeTable([]), interval('1m')).rows).toBe(0);
  });
});
