/** Axis arithmetic: nice steps, domains and ticks for known ranges, day ticks. */
import { describe, expect, it } from 'vitest';
import { dayTicks, linearScale, niceDomain, niceTicks, tickStep } from '../../src/reports/scales.js';

function days(start: string, count: number): string[] {
  const first = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(first + i * 86_400_000).toISOString().slice(0, 10));
}

describe('linearScale', () => {
  it('maps the domain onto the range, reversed ranges included', () => {
    const y = linearScale([0, 10], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(10)).toBe(0);
    expect(y(2.5)).toBe(150);
  });

  it('maps a domain of zero width to the middle of the range', () => {
    expect(linearScale([3, 3], [0, 100])(3)).toBe(50);
  });
});

describe('nice ticks', () => {
  it('steps are 1, 2 or 5 × 10^k', () => {
    expect(tickStep(0, 1, 5)).toBe(0.2);
    expect(tickStep(-12.3, 0, 5)).toBe(2);
    expect(tickStep(0.93, 1.27, 5)).toBe(0.05);
    expect(tickStep(0, 1000, 5)).toBe(200);
    expect(tickStep(0, 70, 5)).toBe(10);
  });

  it('ticks of [0, 1] and [−12.3, 0]', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-12.3, 0)).toEqual([-12, -10, -8, -6, -4, -2, 0]);
  });

  it('decimal ticks without floating-point noise', () => {
    expect(niceTicks(0.9, 1.3)).toEqual([0.9, 1, 1.1, 1.2, 1.3]);
    expect(niceTicks(0.1, 0.7)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  });

  it('domains widened to whole steps', () => {
    expect(niceDomain(0.93, 1.27)).toEqual([0.9, 1.3]);
    expect(niceDomain(-12.3, 0)).toEqual([-14, 0]);
    expect(niceDomain(-1.5, 6.2)).toEqual([-2, 8]);
    expect(Object.is(niceDomain(-12.3, 0)[1], 0)).toBe(true); // not −0
  });

  it('a single value gets a small range around it', () => {
    expect(niceDomain(0, 0)).toEqual([-1, 1]);
    expect(niceDomain(5, 5)).toEqual([4.7, 5.3]);
    expect(niceTicks(2, 2)).toEqual([2]);
  });

  it('no ticks for non-finite ends', () => {
    expect(niceTicks(0, Number.POSITIVE_INFINITY)).toEqual([]);
    expect(niceDomain(Number.NaN, 1)).toEqual([0, 1]);
  });
});

describe('dayTicks', () => {
  it('every 7 days over 46 days, with the year on the first tick', () => {
    expect(dayTicks(days('2024-01-01', 46), 7)).toEqual([
      { index: 0, label: '1 Jan 2024' },
      { index: 7, label: '8 Jan' },
      { index: 14, label: '15 Jan' },
      { index: 21, label: '22 Jan' },
      { index: 28, label: '29 Jan' },
      { index: 35, label: '5 Feb' },
      { index: 42, label: '12 Feb' },
    ]);
  });

  it('month starts over a long series, the year where it changes', () => {
    const ticks = dayTicks(days('2023-11-01', 400), 9);
    expect(ticks.map((t) => t.label)).toEqual(['Nov 2023', 'Jan 2024', 'Mar', 'May', 'Jul', 'Sep', 'Nov']);
    expect(ticks[1]).toEqual({ index: 61, label: 'Jan 2024' });
  });

  it('one tick for a day given twice (the start and the first close)', () => {
    expect(dayTicks(['2024-01-01', '2024-01-01', '2024-01-02'])).toEqual([
      { index: 0, label: '1 Jan 2024' },
      { index: 2, label: '2 Jan' },
    ]);
  });

  it('a single day, no day, and labels that are not dates', () => {
    expect(dayTicks(['2024-02-02'])).toEqual([{ index: 0, label: '2 Feb 2024' }]);
    expect(dayTicks([])).toEqual([]);
    expect(dayTicks(['a', 'b', 'c', 'd', 'e'], 3)).toEqual([
      { index: 0, label: 'a' },
      { index: 2, label: 'c' },
      { index: 4, label: 'e' },
    ]);
  });
});
