/** The SVG charts: paths per band and line, gaps and single points, axis ticks, strip plots, the probability axis. */
import { describe, expect, it } from 'vitest';
import {
  bandChart,
  bandPath,
  jitter,
  linePath,
  probabilityIntervalChart,
  stripPlot,
  svgNumber,
  tickDecimals,
  type ChartSeries,
} from '../../src/reports/svg-charts.js';

const identity = (v: number) => v;

/** `class:series` of every band and line path, in document order, with its d. */
function paths(svg: string): { kind: string; d: string }[] {
  return [...svg.matchAll(/<path class="(band|line)" data-series="([^"]*)" d="([^"]*)"/g)].map((m) => ({ kind: `${m[1]}:${m[2]}`, d: m[3]! }));
}

/** The y axis' tick labels (right-aligned texts). */
function yTickLabels(svg: string): string[] {
  return [...svg.matchAll(/<text class="tick"[^>]*text-anchor="end"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

function series(key: string, line: (number | null)[], band = true): ChartSeries {
  return {
    key,
    name: key.toUpperCase(),
    color: key === 'a' ? '#0072B2' : '#D55E00',
    line,
    band: band ? { low: line.map((v) => (v === null ? null : v - 0.02)), high: line.map((v) => (v === null ? null : v + 0.02)) } : null,
  };
}

const DAYS = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'];

describe('svgNumber', () => {
  it('rounds to 0.01 and never writes −0', () => {
    expect(svgNumber(12.3456)).toBe('12.35');
    expect(svgNumber(-0.001)).toBe('0');
    expect(svgNumber(100)).toBe('100');
  });
});

describe('linePath and bandPath', () => {
  it('a line through every point', () => {
    expect(linePath([1, 2, 3], (i) => i * 10, identity)).toBe('M0,1L10,2L20,3');
  });

  it('a gap (null or not finite) starts a new subpath', () => {
    expect(linePath([1, null, 3, 4], (i) => i * 10, identity)).toBe('M-4,1H4M20,3L30,4');
    expect(linePath([1, Number.NaN, 3], (i) => i * 10, identity)).toBe('M-4,1H4M16,3H24');
  });

  it('a band is closed: high forward, low back; one subpath per run of defined points', () => {
    expect(bandPath([0, 1], [2, 3], (i) => i * 10, identity)).toBe('M0,2L10,3L10,1L0,0Z');
    const split = bandPath([0, null, 1, 1], [2, 2, 3, 3], (i) => i * 10, identity);
    expect(split.match(/Z/g)).toHaveLength(2);
  });

  it('a single point is a short tick and a small box, not an empty path', () => {
    expect(linePath([5], () => 50, identity)).toBe('M46,5H54');
    expect(bandPath([4], [6], () => 50, identity)).toBe('M46,6H54V4H46Z');
  });

  it('no defined point, no path', () => {
    expect(linePath([null, null], identity, identity)).toBe('');
  });
});

describe('bandChart', () => {
  const chart = (over: Partial<Parameters<typeof bandChart>[0]> = {}) =>
    bandChart({
      id: 'equity-0',
      title: 'Equity — test <1>',
      xLabels: DAYS,
      series: [series('a', [1, 0.95, 0.93, 1.1, 1.25]), series('b', [1, 1.02, 1.05, 1.08, 1.24])],
      yLabel: '× starting cash',
      include: [1],
      ...over,
    }).text;

  it('one band path and one line path per series, bands under lines', () => {
    expect(paths(chart()).map((p) => p.kind)).toEqual(['band:a', 'band:b', 'line:a', 'line:b']);
    for (const p of paths(chart())) expect(p.d).toMatch(/^M[\d.]+,[\d.]+L/);
  });

  it('y ticks for a known range: 0.91–1.27 gives 0.9 … 1.3 by 0.1, 0.9 at the bottom', () => {
    const svg = chart();
    expect(yTickLabels(svg)).toEqual(['0.9', '1.0', '1.1', '1.2', '1.3']);
    // height 300: the plot runs from y = 68 (below title and legend) to y = 270.
    expect(svg).toContain('<line class="grid" x1="64" y1="270" x2="840" y2="270"');
    expect(svg).toContain('<line class="grid" x1="64" y1="68" x2="840" y2="68"');
  });

  it('x ticks are days, the year on the first', () => {
    const labels = [...chart().matchAll(/text-anchor="middle"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['1 Jan 2024', '2 Jan', '3 Jan', '4 Jan', '5 Jan']);
  });

  it('a series without data has no path, and the legend says why', () => {
    const svg = chart({ series: [series('a', [1, 1.1, 1.2, 1.1, 1.3]), { ...series('b', [], false), note: 'no successful run on this task' }] });
    expect(paths(svg).map((p) => p.kind)).toEqual(['band:a', 'line:a']);
    expect(svg).toContain('B (no successful run on this task)');
  });

  it('a single day still draws a band and a line', () => {
    const svg = chart({ xLabels: ['2024-02-02'], series: [series('a', [1]), series('b', [1])] });
    const drawn = paths(svg);
    expect(drawn.map((p) => p.kind)).toEqual(['band:a', 'band:b', 'line:a', 'line:b']);
    for (const p of drawn) expect(p.d).toMatch(/H/);
    expect(svg.match(/<circle class="lone-point"/g)).toHaveLength(2);
    expect(chart().match(/<circle class="lone-point"/g)).toBeNull();
  });

  it('a drawdown axis stops at 0', () => {
    const svg = chart({ series: [series('a', [0, -1.2, -3.4, -2, 0], false)], include: [0], yMax: 0 });
    expect(yTickLabels(svg).at(-1)).toBe('0');
    expect(yTickLabels(svg)[0]).toBe('−4');
  });

  it('escapes the title and names each day in hover text', () => {
    const svg = chart();
    expect(svg).toContain('Equity — test &lt;1&gt;');
    expect(svg).not.toContain('<1>');
    expect(svg.match(/<rect class="hover"/g)).toHaveLength(DAYS.length);
    expect(svg).toContain('<title>2024-01-03\nA: 0.93 (band 0.91 to 0.95)\nB: 1.05 (band 1.03 to 1.07)</title>');
  });

  it('the same input gives the same bytes', () => {
    expect(chart()).toBe(chart());
  });
});

describe('stripPlot', () => {
  const plot = () =>
    stripPlot({
      id: 'strip-1',
      title: 'Sharpe',
      estimateName: 'IQM',
      groups: [
        { key: 'a', name: 'A', color: '#0072B2', points: [0.2, 0.5, 0.9, null].map((value, i) => ({ value, label: `run ${i}` })), estimate: { point: 0.5, low: 0.2, high: 0.9 } },
        { key: 'b', name: 'B', color: '#D55E00', points: [1.1, Number.POSITIVE_INFINITY].map((value, i) => ({ value, label: `run ${i}` })), estimate: null },
      ],
    }).text;

  it('one dot per finite value, and a note counting the others', () => {
    const svg = plot();
    expect(svg.match(/<circle class="dot" data-series="a"/g)).toHaveLength(3);
    expect(svg.match(/<circle class="dot" data-series="b"/g)).toHaveLength(1);
    expect(svg).toContain('Not plotted (no finite value, e.g. ∞): A 1, B 1');
  });

  it('marks the estimate and draws its CI as a bar; none where there is no estimate', () => {
    const svg = plot();
    expect(svg.match(/<line class="estimate"/g)).toHaveLength(1);
    expect(svg.match(/<rect class="ci"/g)).toHaveLength(1);
    expect(svg).toContain('<title>IQM 0.50</title>');
  });

  it('leaves room for longer group names when asked (labelWidth)', () => {
    const narrow = plot();
    expect(narrow).toContain('<text x="20" y="54" text-anchor="end" font-size="12" font-weight="600" fill="#0072B2">A</text>');
    const wide = stripPlot({ id: 'strip-w', title: 'Sharpe', labelWidth: 60, groups: [{ key: 'c01', name: 'c01', color: '#0b5cad', points: [{ value: 1, label: 'seed 1' }], estimate: null }] }).text;
    expect(wide).toContain('text-anchor="end" font-size="12" font-weight="600" fill="#0b5cad">c01</text>');
    expect(wide).toContain('<text x="50" y="54"');
    expect(wide).toContain('<line class="axis" x1="60"');
  });

  it('jitter is deterministic, in [−0.5, 0.5), and spreads neighbours apart', () => {
    const values = Array.from({ length: 50 }, (_, i) => jitter(i));
    expect(values.every((v) => v >= -0.5 && v < 0.5)).toBe(true);
    expect(jitter(0)).toBeCloseTo(0.118, 3);
    expect(Math.abs(jitter(1) - jitter(0))).toBeGreaterThan(0.2);
    expect(plot()).toBe(plot());
  });
});

describe('probabilityIntervalChart', () => {
  it('the CI as a bar from low to high on a 0–1 axis, the point, and the 0.5 line', () => {
    const svg = probabilityIntervalChart({ id: 'p', interval: { point: 0.74, low: 0.53, high: 0.89 }, color: '#D55E00', intervalName: '95% CI', lowSide: 'A better', highSide: 'B better', width: 520 }).text;
    // x(p) = 20 + p · 480
    expect(svg).toContain('<rect class="ci" x="274.4" y="22" width="172.8"');
    expect(svg).toContain('<circle class="point" cx="375.2"');
    expect(svg).toContain('<line class="half" x1="260"');
    expect(svg).toContain('← A better');
    expect(svg).toContain('B better →');
  });

  it('no bar and no point when they are unknown (null in report.json)', () => {
    const svg = probabilityIntervalChart({ id: 'p', interval: { point: null, low: null, high: null }, color: '#000', intervalName: '95% CI', lowSide: 'A', highSide: 'B' }).text;
    expect(svg).not.toContain('class="ci"');
    expect(svg).not.toContain('class="point"');
    expect(svg).toContain('class="half"');
  });
});

describe('tickDecimals', () => {
  it('enough decimals to tell ticks apart', () => {
    expect([10, 1, 0.5, 0.2, 0.1, 0.05, 0.01].map(tickDecimals)).toEqual([0, 0, 1, 1, 1, 2, 2]);
  });
});
