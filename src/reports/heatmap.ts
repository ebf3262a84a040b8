/**
 * A heatmap as an HTML table: a 2-D grid of values (say, a sweep's metric by two parameters), each
 * cell coloured on a diverging scale around a centre and showing its value, with row and column
 * labels. Blue is the good side, red the bad one (reversed for a lower-is-better metric); cells
 * without a value are grey and print "–". One cell may be marked (outlined, bold), e.g. the best.
 */
import { formatNumber, type Numeric } from './format.js';
import { html, type SafeHtml } from './html.js';

/** Red – near white – blue (ColorBrewer RdBu ends), friendly to red–green colour blindness. */
const BAD: readonly [number, number, number] = [178, 24, 43];
const NEUTRAL: readonly [number, number, number] = [247, 247, 247];
const GOOD: readonly [number, number, number] = [33, 102, 172];

const hex = (rgb: readonly number[]) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/** The colour of t ∈ [−1, 1] (clamped): −1 the bad end, 0 neutral, 1 the good end. */
export function divergingColor(t: number): string {
  const s = Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0;
  const end = s < 0 ? BAD : GOOD;
  const k = Math.abs(s);
  return hex(NEUTRAL.map((c, i) => c + (end[i]! - c) * k));
}

export interface HeatmapOptions {
  readonly caption: string;
  /** What the rows and the columns are, e.g. "fee" and "slippage (bps)". */
  readonly rowTitle: string;
  readonly columnTitle: string;
  readonly rowLabels: readonly string[];
  readonly columnLabels: readonly string[];
  /** values[row][column]; null (or not finite) for an empty cell. */
  readonly values: readonly (readonly Numeric[])[];
  readonly format?: (value: Numeric) => string;
  /** The neutral value (default 0); the scale reaches full colour at the largest |value − centre|. */
  readonly center?: number;
  /** Default true: values above the centre are good (blue). */
  readonly higherIsBetter?: boolean;
  /** Hover text of a cell (default "row, column: value"). */
  readonly cellTitle?: (row: number, column: number) => string;
  /** One cell drawn with a dark outline and in bold (e.g. the best one). */
  readonly marked?: { readonly row: number; readonly column: number };
  readonly id?: string;
}

export function heatmapTable(options: HeatmapOptions): SafeHtml {
  const format = options.format ?? ((v: Numeric) => formatNumber(v, 2));
  const center = options.center ?? 0;
  const sign = options.higherIsBetter === false ? -1 : 1;
  let spread = 0;
  for (const row of options.values) for (const v of row) if (typeof v === 'number' && Number.isFinite(v)) spread = Math.max(spread, Math.abs(v - center));

  const header = html`<tr><th class="corner" scope="col">${options.rowTitle} ↓ · ${options.columnTitle} →</th>${options.columnLabels.map(
    (label) => html`<th scope="col">${label}</th>`,
  )}</tr>`;
  const body = options.rowLabels.map((rowLabel, r) => {
    const cells = options.columnLabels.map((columnLabel, c) => {
      const value = options.values[r]?.[c];
      const title = options.cellTitle?.(r, c) ?? `${rowLabel}, ${columnLabel}: ${format(value)}`;
      const marked = options.marked?.row === r && options.marked.column === c;
      if (typeof value !== 'number' || !Number.isFinite(value)) return html`<td class="empty${marked ? ' marked' : ''}" title="${title}">${format(value)}</td>`;
      const t = spread === 0 ? 0 : (sign * (value - center)) / spread;
      const ink = Math.abs(t) > 0.55 ? '#ffffff' : '#1f2933';
      return html`<td${marked ? html` class="marked"` : ''} style="background:${divergingColor(t)};color:${ink}" title="${title}">${format(value)}</td>`;
    });
    return html`<tr><th scope="row">${rowLabel}</th>${cells}</tr>`;
  });
  return html`<table class="heatmap"${options.id === undefined ? '' : html` id="${options.id}"`}><caption>${options.caption}</caption><thead>${header}</thead><tbody>${body}</tbody></table>`;
}
