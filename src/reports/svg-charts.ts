/**
 * Inline SVG charts for the HTML reports, drawn in TypeScript so that a report needs no script
 * and no network to show them:
 *
 * - `bandChart`: lines over an index axis (days), each with an optional shaded band (say the
 *   10–90% range across seeds): one `<path class="band">` and one `<path class="line">` per series.
 * - `stripPlot`: one dot per value for each group, jittered deterministically, with an estimate
 *   (IQM) marked and its CI drawn as a bar.
 * - `probabilityIntervalChart`: a probability and its CI on a 0–1 axis with the 0.5 line.
 *
 * Hover text is SVG `<title>` (the browser's own tooltip). Coordinates are rounded to 0.01 px, so
 * the same input gives the same bytes.
 */
import { formatNumber, type Numeric } from './format.js';
import { html, joinHtml, type SafeHtml } from './html.js';
import { dayTicks, linearScale, niceDomain, niceTicks, type IndexTick } from './scales.js';

const TEXT_COLOR = '#1f2933';
const MUTED_COLOR = '#616e7c';
const GRID_COLOR = '#e4e7eb';
const AXIS_COLOR = '#9aa5b1';
/** Rough width of one character of 11–12 px sans-serif text, for laying out legends. */
const CHAR_WIDTH = 6.6;

/** Formats a tick value; `step` is the distance between ticks (to choose the decimals). */
export type TickFormat = (value: number, step: number) => string;

/** Decimals that tell ticks `step` apart: 0 for a step of 1 or more, 1 for 0.5, 2 for 0.05… */
export function tickDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  return Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)));
}

export const defaultTickFormat: TickFormat = (value, step) => formatNumber(value, tickDecimals(step));

/** A coordinate as SVG text: two decimals at most, no "-0". */
export function svgNumber(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

const finite = (value: Numeric): value is number => typeof value === 'number' && Number.isFinite(value);

function extent(values: Iterable<Numeric>): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!finite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** Half the width of the short tick drawn for a point with no neighbour (a single-day series). */
const LONE_POINT_HALF_WIDTH = 4;

/** Runs of consecutive indices where `defined(i)` holds. */
function segments(length: number, defined: (i: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= length; i++) {
    const ok = i < length && defined(i);
    if (ok && start < 0) start = i;
    if (!ok && start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  }
  return out;
}

/** A polyline through the defined points; a gap (null) starts a new subpath. */
export function linePath(values: readonly Numeric[], x: (i: number) => number, y: (v: number) => number): string {
  const parts: string[] = [];
  for (const [from, to] of segments(values.length, (i) => finite(values[i]))) {
    if (from === to) {
      const cx = x(from);
      const cy = svgNumber(y(values[from] as number));
      parts.push(`M${svgNumber(cx - LONE_POINT_HALF_WIDTH)},${cy}H${svgNumber(cx + LONE_POINT_HALF_WIDTH)}`);
      continue;
    }
    for (let i = from; i <= to; i++) parts.push(`${i === from ? 'M' : 'L'}${svgNumber(x(i))},${svgNumber(y(values[i] as number))}`);
  }
  return parts.join('');
}

/** A closed area between `low` and `high` (the high edge forward, the low edge back); gaps split it. */
export function bandPath(low: readonly Numeric[], high: readonly Numeric[], x: (i: number) => number, y: (v: number) => number): string {
  const parts: string[] = [];
  const length = Math.min(low.length, high.length);
  for (const [from, to] of segments(length, (i) => finite(low[i]) && finite(high[i]))) {
    if (from === to) {
      const cx = x(from);
      const left = svgNumber(cx - LONE_POINT_HALF_WIDTH);
      const right = svgNumber(cx + LONE_POINT_HALF_WIDTH);
      parts.push(`M${left},${svgNumber(y(high[from] as number))}H${right}V${svgNumber(y(low[from] as number))}H${left}Z`);
      continue;
    }
    let d = '';
    for (let i = from; i <= to; i++) d += `${i === from ? 'M' : 'L'}${svgNumber(x(i))},${svgNumber(y(high[i] as number))}`;
    for (let i = to; i >= from; i--) d += `L${svgNumber(x(i))},${svgNumber(y(low[i] as number))}`;
    parts.push(`${d}Z`);
  }
  return parts.join('');
}

export interface ChartSeries {
  /** Short key written as `data-series` on the series' paths (e.g. "a", "b"). */
  readonly key: string;
  /** Legend text. */
  readonly name: string;
  readonly color: string;
  /** One value per x position (e.g. the median across seeds); empty when the series has no data. */
  readonly line: readonly Numeric[];
  /** The shaded band around the line, or null for none. */
  readonly band: { readonly low: readonly Numeric[]; readonly high: readonly Numeric[] } | null;
  /** Said in the legend after the name, e.g. "median of 3 runs" or "no successful run". */
  readonly note?: string;
}

export interface BandChartOptions {
  /** The `<svg>` element's id. */
  readonly id: string;
  readonly title: string;
  /** One label per x position (UTC days "YYYY-MM-DD" for a time axis), also used in hover text. */
  readonly xLabels: readonly string[];
  /** Default: `dayTicks(xLabels)`. */
  readonly xTicks?: readonly IndexTick[];
  readonly series: readonly ChartSeries[];
  /** Written above the y axis, e.g. "× starting cash". */
  readonly yLabel: string;
  /** Tick labels; default `defaultTickFormat`. */
  readonly formatTick?: TickFormat;
  /** Values in hover text; default two decimals. */
  readonly formatValue?: (value: Numeric) => string;
  /** What the band is, in hover text (default "band"). */
  readonly bandName?: string;
  /** Values the y axis must show (e.g. 1 for equity multiples, 0 for drawdowns). */
  readonly include?: readonly number[];
  /** A dashed horizontal line (e.g. at 1: the starting cash). */
  readonly referenceLine?: number;
  /** Highest value the y axis may reach (e.g. 0 for drawdowns). */
  readonly yMax?: number;
  readonly width?: number;
  readonly height?: number;
}

interface LegendItem {
  readonly color: string;
  readonly text: string;
  readonly band: boolean;
  readonly muted: boolean;
}

/** Legend items laid out left to right from `left`, wrapping at `right`; returns the markup and the rows used. */
function legend(items: readonly LegendItem[], left: number, right: number, top: number): { markup: SafeHtml; rows: number } {
  let x = left;
  let row = 0;
  const parts: SafeHtml[] = [];
  for (const item of items) {
    const width = 28 + item.text.length * CHAR_WIDTH + 18;
    if (x > left && x + width > right) {
      x = left;
      row++;
    }
    const y = top + row * 18;
    parts.push(html`<g class="legend-item">${
      item.band ? html`<rect x="${svgNumber(x)}" y="${svgNumber(y - 6)}" width="22" height="12" fill="${item.color}" fill-opacity="0.2"/>` : ''
    }<line x1="${svgNumber(x)}" y1="${svgNumber(y)}" x2="${svgNumber(x + 22)}" y2="${svgNumber(y)}" stroke="${item.color}" stroke-width="2.5"${
      item.muted ? html` stroke-dasharray="3 3"` : ''
    }/><text x="${svgNumber(x + 28)}" y="${svgNumber(y + 4)}" font-size="12" fill="${item.muted ? MUTED_COLOR : TEXT_COLOR}">${item.text}</text></g>`);
    x += width;
  }
  return { markup: joinHtml(parts), rows: row + 1 };
}

/** Horizontal grid lines and labels of a y axis. */
function yAxis(ticks: readonly number[], y: (v: number) => number, left: number, right: number, format: TickFormat): SafeHtml {
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  return joinHtml(
    ticks.map((t) => {
      const ty = svgNumber(y(t));
      return html`<line class="grid" x1="${svgNumber(left)}" y1="${ty}" x2="${svgNumber(right)}" y2="${ty}" stroke="${GRID_COLOR}"/><text class="tick" x="${svgNumber(left - 6)}" y="${svgNumber(y(t) + 4)}" text-anchor="end" font-size="11" fill="${MUTED_COLOR}">${format(t, step)}</text>`;
    }),
  );
}

/** Lines (e.g. medians across seeds) with shaded bands over an index axis, for equity and drawdown curves. */
export function bandChart(options: BandChartOptions): SafeHtml {
  const width = options.width ?? 880;
  const height = options.height ?? 300;
  const formatValue = options.formatValue ?? ((v: Numeric) => formatNumber(v, 2));
  const bandName = options.bandName ?? 'band';
  const n = options.xLabels.length;
  const left = 64;
  const right = width - 40;
  const bottom = height - 30;

  const items: LegendItem[] = options.series.map((s) => ({
    color: s.color,
    text: s.note === undefined ? s.name : `${s.name} (${s.note})`,
    band: s.band !== null,
    muted: s.line.length === 0,
  }));
  const legendBlock = legend(items, left, right, 40);
  const top = 40 + legendBlock.rows * 18 + 10;

  const values: Numeric[] = [...(options.include ?? [])];
  for (const s of options.series) {
    values.push(...s.line);
    if (s.band !== null) values.push(...s.band.low, ...s.band.high);
  }
  const [dataMin, dataMax] = extent(values) ?? [0, 1];
  const tickCount = Math.max(3, Math.round((bottom - top) / 45));
  const [y0, yTop] = niceDomain(dataMin, dataMax, tickCount);
  const y1 = options.yMax !== undefined && yTop > options.yMax ? Math.max(options.yMax, dataMax) : yTop;
  const y = linearScale([y0, y1], [bottom, top]);
  const x = n <= 1 ? () => (left + right) / 2 : linearScale([0, n - 1], [left, right]);
  const yTicks = niceTicks(y0, y1, tickCount);
  const xTicks = options.xTicks ?? dayTicks(options.xLabels, Math.max(2, Math.floor((right - left) / 90)));

  const reference =
    options.referenceLine !== undefined && options.referenceLine >= y0 && options.referenceLine <= y1
      ? html`<line class="reference" x1="${svgNumber(left)}" y1="${svgNumber(y(options.referenceLine))}" x2="${svgNumber(right)}" y2="${svgNumber(y(options.referenceLine))}" stroke="${MUTED_COLOR}" stroke-dasharray="4 3"/>`
      : '';
  const xAxis = joinHtml(
    xTicks.map((t) => {
      const tx = svgNumber(x(t.index));
      return html`<line x1="${tx}" y1="${svgNumber(bottom)}" x2="${tx}" y2="${svgNumber(bottom + 5)}" stroke="${AXIS_COLOR}"/><text class="tick" x="${tx}" y="${svgNumber(bottom + 18)}" text-anchor="middle" font-size="11" fill="${MUTED_COLOR}">${t.label}</text>`;
    }),
  );
  const bands = options.series.map((s) =>
    s.band === null || s.line.length === 0
      ? ''
      : html`<path class="band" data-series="${s.key}" d="${bandPath(s.band.low, s.band.high, x, y)}" fill="${s.color}" fill-opacity="0.16" stroke="${s.color}" stroke-opacity="0.45" stroke-width="0.75"/>`,
  );
  const lines = options.series.map((s) =>
    s.line.length === 0
      ? ''
      : html`<path class="line" data-series="${s.key}" d="${linePath(s.line, x, y)}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>`,
  );

  // A point with no defined neighbour (a single-day series, or one day between gaps) also gets a dot.
  const lonePoints = options.series.map((s) =>
    segments(s.line.length, (i) => finite(s.line[i]))
      .filter(([from, to]) => from === to)
      .map(([i]) => html`<circle class="lone-point" data-series="${s.key}" cx="${svgNumber(x(i))}" cy="${svgNumber(y(s.line[i] as number))}" r="3.5" fill="${s.color}"/>`),
  );

  // Hover: one transparent column per point (at most 400), titled with every series' values there.
  const columns: SafeHtml[] = [];
  const every = Math.max(1, Math.ceil(n / 400));
  const columnWidth = n <= 1 ? right - left : ((right - left) / (n - 1)) * every;
  for (let i = 0; i < n; i += every) {
    const texts = options.series
      .filter((s) => s.line.length > 0)
      .map((s) => {
        const band = s.band === null ? '' : ` (${bandName} ${formatValue(s.band.low[i])} to ${formatValue(s.band.high[i])})`;
        return `${s.name}: ${formatValue(s.line[i])}${band}`;
      });
    const cx = x(i);
    const x0 = Math.max(left, cx - columnWidth / 2);
    const x1 = Math.min(right, cx + columnWidth / 2);
    columns.push(
      html`<rect class="hover" x="${svgNumber(x0)}" y="${svgNumber(top)}" width="${svgNumber(Math.max(0, x1 - x0))}" height="${svgNumber(bottom - top)}"><title>${[options.xLabels[i] ?? '', ...texts].join('\n')}</title></rect>`,
    );
  }

  return html`<svg class="chart band-chart" id="${options.id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${options.title}">
<title>${options.title}</title>
<text class="chart-title" x="${left}" y="18" font-size="13" font-weight="600" fill="${TEXT_COLOR}">${options.title}</text>
${legendBlock.markup}
<text class="axis-label" x="${svgNumber(left)}" y="${svgNumber(top - 8)}" font-size="11" fill="${MUTED_COLOR}">${options.yLabel}</text>
${yAxis(yTicks, y, left, right, options.formatTick ?? defaultTickFormat)}
${reference}
<line class="axis" x1="${svgNumber(left)}" y1="${svgNumber(bottom)}" x2="${svgNumber(right)}" y2="${svgNumber(bottom)}" stroke="${AXIS_COLOR}"/>
${xAxis}
${bands}
${lines}
${lonePoints}
<g class="hover-columns">${columns}</g>
</svg>`;
}

export interface StripPoint {
  readonly value: Numeric;
  /** Hover text of the dot (e.g. the run id, task and seed). */
  readonly label: string;
}

export interface StripGroup {
  readonly key: string;
  /** Written left of the row (keep it short: "A", "B"). */
  readonly name: string;
  readonly color: string;
  readonly points: readonly StripPoint[];
  /** The estimate marked on the row (e.g. the IQM) and its CI; null for none. */
  readonly estimate: { readonly point: Numeric; readonly low: Numeric; readonly high: Numeric } | null;
}

export interface StripPlotOptions {
  readonly id: string;
  readonly title: string;
  readonly groups: readonly StripGroup[];
  /** Tick labels; default `defaultTickFormat`. */
  readonly formatTick?: TickFormat;
  readonly formatValue?: (value: Numeric) => string;
  /** Name of the estimate in hover text (default "estimate"). */
  readonly estimateName?: string;
  readonly include?: readonly number[];
  readonly width?: number;
  /** Room left of the rows for the group names, in px (default 30: one or two letters). */
  readonly labelWidth?: number;
}

/**
 * The jitter of the i-th dot of a row, in [−0.5, 0.5): the fractional parts of i·φ (golden ratio),
 * which spread any number of dots evenly without a random number generator.
 */
export function jitter(i: number): number {
  const t = (i + 1) * 0.6180339887498949;
  return t - Math.floor(t) - 0.5;
}

/** One row per group: a dot per value, the estimate as a dark tick, its CI as a bar behind the dots. */
export function stripPlot(options: StripPlotOptions): SafeHtml {
  const width = options.width ?? 440;
  const formatValue = options.formatValue ?? ((v: Numeric) => formatNumber(v, 2));
  const estimateName = options.estimateName ?? 'estimate';
  const rowHeight = 40;
  const left = options.labelWidth ?? 30;
  const right = width - 18;
  const top = 30;
  const rowsBottom = top + options.groups.length * rowHeight;
  const hidden = options.groups
    .map((g) => ({ name: g.name, count: g.points.filter((p) => !finite(p.value)).length }))
    .filter((g) => g.count > 0);
  const height = rowsBottom + 30 + (hidden.length > 0 ? 16 : 0);

  const values: Numeric[] = [...(options.include ?? [])];
  for (const g of options.groups) {
    values.push(...g.points.map((p) => p.value));
    if (g.estimate !== null) values.push(g.estimate.point, g.estimate.low, g.estimate.high);
  }
  const range = extent(values);
  const [x0, x1] = range === null ? [0, 1] : niceDomain(range[0], range[1], 5);
  const x = linearScale([x0, x1], [left, right]);
  const ticks = niceTicks(x0, x1, 5);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  const formatTick = options.formatTick ?? defaultTickFormat;

  const grid = joinHtml(
    ticks.map((t) => {
      const tx = svgNumber(x(t));
      return html`<line class="grid" x1="${tx}" y1="${top}" x2="${tx}" y2="${svgNumber(rowsBottom)}" stroke="${GRID_COLOR}"/><text class="tick" x="${tx}" y="${svgNumber(rowsBottom + 16)}" text-anchor="middle" font-size="11" fill="${MUTED_COLOR}">${formatTick(t, step)}</text>`;
    }),
  );
  const rows = options.groups.map((g, row) => {
    const cy = top + row * rowHeight + rowHeight / 2;
    const e = g.estimate;
    const ci =
      e !== null && finite(e.low) && finite(e.high)
        ? html`<rect class="ci" x="${svgNumber(x(e.low))}" y="${svgNumber(cy - 7)}" width="${svgNumber(Math.max(1, x(e.high) - x(e.low)))}" height="14" fill="${g.color}" fill-opacity="0.25" rx="2"><title>${estimateName} CI ${formatValue(e.low)} to ${formatValue(e.high)}</title></rect>`
        : '';
    const mark =
      e !== null && finite(e.point)
        ? html`<line class="estimate" x1="${svgNumber(x(e.point))}" y1="${svgNumber(cy - 14)}" x2="${svgNumber(x(e.point))}" y2="${svgNumber(cy + 14)}" stroke="${TEXT_COLOR}" stroke-width="2.5"><title>${estimateName} ${formatValue(e.point)}</title></line>`
        : '';
    let k = 0;
    const dots = g.points.map((p) => {
      if (!finite(p.value)) return '';
      const dy = jitter(k++) * (rowHeight - 14);
      return html`<circle class="dot" data-series="${g.key}" cx="${svgNumber(x(p.value))}" cy="${svgNumber(cy + dy)}" r="3.5" fill="${g.color}" fill-opacity="0.75" stroke="#ffffff" stroke-width="0.6"><title>${p.label}: ${formatValue(p.value)}</title></circle>`;
    });
    return html`<g class="strip-row" data-series="${g.key}"><text x="${svgNumber(left - 10)}" y="${svgNumber(cy + 4)}" text-anchor="end" font-size="12" font-weight="600" fill="${g.color}">${g.name}</text>${ci}${dots}${mark}</g>`;
  });
  const note =
    hidden.length > 0
      ? html`<text class="note" x="${left}" y="${svgNumber(rowsBottom + 34)}" font-size="11" fill="${MUTED_COLOR}">Not plotted (no finite value, e.g. ∞): ${hidden.map((h) => `${h.name} ${h.count}`).join(', ')}</text>`
      : '';
  return html`<svg class="chart strip-plot" id="${options.id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${options.title}">
<title>${options.title}</title>
<text class="chart-title" x="${left}" y="16" font-size="13" font-weight="600" fill="${TEXT_COLOR}">${options.title}</text>
${grid}
<line class="axis" x1="${left}" y1="${svgNumber(rowsBottom)}" x2="${svgNumber(right)}" y2="${svgNumber(rowsBottom)}" stroke="${AXIS_COLOR}"/>
${rows}
${note}
</svg>`;
}

export interface ProbabilityChartOptions {
  readonly id: string;
  readonly interval: { readonly point: Numeric; readonly low: Numeric; readonly high: Numeric };
  readonly color: string;
  /** e.g. "95% CI". */
  readonly intervalName: string;
  /** Under the axis' left and right ends, e.g. "A better" and "B better". */
  readonly lowSide: string;
  readonly highSide: string;
  readonly width?: number;
}

/** A probability and its CI on a 0–1 axis, with the 0.5 line ("no difference"). */
export function probabilityIntervalChart(options: ProbabilityChartOptions): SafeHtml {
  const width = options.width ?? 560;
  const height = 86;
  const left = 20;
  const right = width - 20;
  const axisY = 44;
  const x = linearScale([0, 1], [left, right]);
  const { point, low, high } = options.interval;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const tx = svgNumber(x(t));
    return html`<line x1="${tx}" y1="${axisY}" x2="${tx}" y2="${axisY + 5}" stroke="${AXIS_COLOR}"/><text class="tick" x="${tx}" y="${axisY + 18}" text-anchor="middle" font-size="11" fill="${MUTED_COLOR}">${formatNumber(t, 2)}</text>`;
  });
  const ci =
    finite(low) && finite(high)
      ? html`<rect class="ci" x="${svgNumber(x(low))}" y="${axisY - 22}" width="${svgNumber(Math.max(2, x(high) - x(low)))}" height="14" rx="3" fill="${options.color}" fill-opacity="0.3" stroke="${options.color}"><title>${options.intervalName} ${formatNumber(low, 2)} to ${formatNumber(high, 2)}</title></rect>`
      : '';
  const dot = finite(point)
    ? html`<circle class="point" cx="${svgNumber(x(point))}" cy="${axisY - 15}" r="6" fill="${options.color}" stroke="#ffffff" stroke-width="1.5"><title>${formatNumber(point, 3)}</title></circle>`
    : '';
  const half = svgNumber(x(0.5));
  return html`<svg class="chart probability-chart" id="${options.id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Probability and its ${options.intervalName} on a 0 to 1 axis">
<line class="axis" x1="${left}" y1="${axisY}" x2="${right}" y2="${axisY}" stroke="${AXIS_COLOR}"/>
${ticks}
<line class="half" x1="${half}" y1="6" x2="${half}" y2="${axisY}" stroke="${TEXT_COLOR}" stroke-dasharray="3 3"/>
<text x="${half}" y="${height - 6}" text-anchor="middle" font-size="11" fill="${MUTED_COLOR}">no difference</text>
<text x="${left}" y="${height - 6}" font-size="11" fill="${MUTED_COLOR}">← ${options.lowSide}</text>
<text x="${right}" y="${height - 6}" text-anchor="end" font-size="11" fill="${MUTED_COLOR}">${options.highSide} →</text>
${ci}
${dot}
</svg>`;
}
