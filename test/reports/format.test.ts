/** Number formatting of the reports, non-finite and missing values included. */
import { describe, expect, it } from 'vitest';
import {
  formatBounds,
  formatCount,
  formatDuration,
  formatNumber,
  formatProbability,
  formatRatePct,
  formatSigned,
  formatUtcTime,
  formatWithUnit,
} from '../../src/reports/format.js';

describe('formatNumber', () => {
  it('fixed decimals with thousands separators and a minus sign', () => {
    expect(formatNumber(1234.5)).toBe('1,234.50');
    expect(formatNumber(-1234.567)).toBe('−1,234.57');
    expect(formatNumber(1_000_000, 0)).toBe('1,000,000');
    expect(formatNumber(0.125, 1)).toBe('0.1');
  });

  it('never prints a negative zero', () => {
    expect(formatNumber(-0.001)).toBe('0.00');
    expect(formatNumber(-0)).toBe('0.00');
  });

  it('prints "–" for no value and ∞ for infinities', () => {
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(undefined)).toBe('–');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('−∞');
  });
});

describe('signed values, units, counts and probabilities', () => {
  it('puts "+" before positive differences only', () => {
    expect(formatSigned(0.5)).toBe('+0.50');
    expect(formatSigned(-0.5)).toBe('−0.50');
    expect(formatSigned(0.001)).toBe('0.00');
    expect(formatSigned(null)).toBe('–');
  });

  it('adds the unit to a value but not to "–"', () => {
    expect(formatWithUnit(12.5, '%')).toBe('12.50%');
    expect(formatWithUnit(1.2, ' pp', 1, true)).toBe('+1.2 pp');
    expect(formatWithUnit(null, '%')).toBe('–');
    expect(formatWithUnit(2, '')).toBe('2.00');
  });

  it('counts and probabilities', () => {
    expect(formatCount(12_960)).toBe('12,960');
    expect(formatProbability(0.7349)).toBe('0.73');
  });

  it('rates as percentages without trailing zeros', () => {
    expect(formatRatePct(0.0004)).toBe('0.04%');
    expect(formatRatePct(0.1)).toBe('10%');
    expect(formatRatePct(0.95)).toBe('95%');
    expect(formatRatePct(0)).toBe('0%');
    expect(formatRatePct(-0.02)).toBe('−2%');
    expect(formatRatePct(null)).toBe('–');
  });

  it('interval bounds', () => {
    expect(formatBounds(0.53, 0.89)).toBe('[0.53, 0.89]');
    expect(formatBounds(-1.78, -0.74, 2, true)).toBe('[−1.78, −0.74]');
    expect(formatBounds(0.2, Number.POSITIVE_INFINITY)).toBe('[0.20, ∞]');
    expect(formatBounds(null, null)).toBe('[–]');
  });
});

describe('durations and times', () => {
  it('durations from milliseconds', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_380_000)).toBe('2 h 03 min');
    expect(formatDuration(null)).toBe('–');
  });

  it('UTC times: the date alone at midnight', () => {
    expect(formatUtcTime('2024-01-21T00:00:00Z')).toBe('2024-01-21');
    expect(formatUtcTime('2024-01-21T00:00:00.000Z')).toBe('2024-01-21');
    expect(formatUtcTime('2024-01-21T13:45:00Z')).toBe('2024-01-21 13:45');
    expect(formatUtcTime('2024-01-21T13:45:07Z')).toBe('2024-01-21 13:45:07');
    expect(formatUtcTime('not a time')).toBe('not a time');
  });
});
