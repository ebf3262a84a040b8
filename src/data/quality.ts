/**
 * Data quality of a candle table: the interval, gaps (a step longer than one interval) and
 * off-grid candles (an open time not on the interval's grid, as after Binance maintenance).
 * Gaps and off-grid candles are facts about the market data, reported rather than rejected.
 */
import type { CandleTable, TradeTable } from './columns.js';
import { MS_PER_DAY, intervalFromMs, isOnGrid, type Interval } from './time.js';

export interface GapSummary {
  /** Steps between consecutive candles longer than one interval. */
  readonly count: number;
  /** Candles missing in all gaps, in whole intervals. */
  readonly missingBars: number;
  /** The longest gap: `fromMs` is the open of the last candle before it, `toMs` the open of the first after. */
  readonly largest?: { readonly fromMs: number; readonly toMs: number; readonly durationMs: number };
}

export interface CandleQuality {
  readonly rows: number;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly interval: Interval;
  readonly gaps: GapSummary;
  /** Candles whose open time is not on the interval's grid. */
  readonly offGrid: number;
  /** Candles that close before open time + interval − 1 ms (cut short, e.g. by maintenance), where known. */
  readonly shortCandles: number;
}

/** The most common step between consecutive candles (over up to the first 10,000). */
export function inferInterval(openTime: Float64Array): Interval | undefined {
  return measureInterval(openTime)?.interval;
}

/**
 * The most common step between consecutive candles and the share of steps that take it: a
 * share of one half or more means the data clearly has that interval.
 */
export function measureInterval(openTime: Float64Array): { interval: Interval; share: number } | undefined {
  const counts = new Map<number, number>();
  const end = Math.min(openTime.length, 10_001);
  for (let i = 1; i < end; i++) {
    const step = openTime[i]! - openTime[i - 1]!;
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best: number | undefined;
  let bestCount = 0;
  for (const [step, count] of counts) {
    if (count > bestCount || (count === bestCount && step < best!)) {
      best = step;
      bestCount = count;
    }
  }
  if (best === undefined || best <= 0) return undefined;
  // Monthly candles step by 28 to 31 days.
  if (best >= 28 * MS_PER_DAY && best <= 31 * MS_PER_DAY) {
    let monthly = 0;
    for (const [step, count] of counts) if (step >= 28 * MS_PER_DAY && step <= 31 * MS_PER_DAY) monthly += count;
    return { interval: { name: '1M', ms: 30 * MS_PER_DAY, isMonthly: true }, share: monthly / (end - 1) };
  }
  return { interval: intervalFromMs(best), share: bestCount / (end - 1) };
}

function slotIndex(ms: number, interval: Interval): number {
  const offset = interval.ms % (7 * MS_PER_DAY) === 0 ? 4 * MS_PER_DAY : 0; // weeks start on Monday
  return Math.floor((ms - offset) / interval.ms);
}

function monthsBetween(fromMs: number, toMs: number): number {
  const from = new Date(fromMs);
  const to = new Date(toMs);
  return (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
}

export function assessCandles(table: CandleTable, interval: Interval): CandleQuality {
  const { openTime, closeTime } = table.columns;
  const n = table.rows;
  let gapCount = 0;
  let missing = 0;
  let largest: GapSummary['largest'];
  let offGrid = 0;
  let short = 0;
  const maxStep = interval.isMonthly ? 31 * MS_PER_DAY : interval.ms;
  for (let i = 0; i < n; i++) {
    const t = openTime[i]!;
    if (!isOnGrid(t, interval)) offGrid++;
    const ct = closeTime[i]!;
    // Binance writes close = open + interval − 1 ms (− 1 µs in microsecond files).
    if (!Number.isNaN(ct) && !interval.isMonthly && t + interval.ms - ct > 1 + 1e-6) short++;
    if (i === 0) continue;
    const step = t - openTime[i - 1]!;
    if (step > maxStep) {
      gapCount++;
      // Grid slots after the previous candle's slot that end by this candle's open: an off-grid
      // candle occupies the slot it opens in.
      missing += interval.isMonthly
        ? Math.max(1, monthsBetween(openTime[i - 1]!, t) - 1)
        : Math.max(1, slotIndex(t, interval) - slotIndex(openTime[i - 1]!, interval) - 1);
      if (largest === undefined || step > largest.durationMs) {
        largest = { fromMs: openTime[i - 1]!, toMs: t, durationMs: step };
      }
    }
  }
  return {
    rows: n,
    firstMs: n > 0 ? openTime[0]! : Number.NaN,
    lastMs: n > 0 ? openTime[n - 1]! : Number.NaN,
    interval,
    gaps: { count: gapCount, missingBars: missing, ...(largest === undefined ? {} : { largest }) },
    offGrid,
    shortCandles: short,
  };
}

export interface TradeQuality {
  readonly rows: number;
  readonly firstMs: number;
  readonly lastMs: number;
  /** Share of traded quantity bought by takers, NaN when the file gives no side. */
  readonly takerBuyShare: number;
  /** The longest stretch without a trade. */
  readonly largestPauseMs: number;
}

export function assessTrades(table: TradeTable): TradeQuality {
  const { time, qty, side } = table.columns;
  let buy = 0;
  let known = 0;
  let pause = 0;
  for (let i = 0; i < table.rows; i++) {
    if (side[i]! !== 0) {
      known += qty[i]!;
      if (side[i]! > 0) buy += qty[i]!;
    }
    if (i > 0) pause = Math.max(pause, time[i]! - time[i - 1]!);
  }
  return {
    rows: table.rows,
    firstMs: table.rows > 0 ? time[0]! : Number.NaN,
    lastMs: table.rows > 0 ? time[table.rows - 1]! : Number.NaN,
    takerBuyShare: known > 0 ? buy / known : Number.NaN,
    largestPauseMs: pause,
  };
}
