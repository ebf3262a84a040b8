/**
 * The summary of a sweep as data: summary.md, summary.html and the terminal table all render it,
 * so they never disagree.
 *
 * - Each cell's score: the ranking metric over its ok runs (every seed on every dataset), as the
 *   median, the IQM (the mean of the middle half, the rank key), and the min–max.
 * - The Deflated Sharpe Ratio of the best cell (statistics.md; Bailey & López de Prado). All
 *   Sharpes are per period (daily), not annualised. A cell is taken as one track record of a typical
 *   run: SR̂, T, skewness γ₃ and kurtosis γ₄ are the means of its ok runs' daily values (seeds replay
 *   the same days, so they are not extra observations; pooling them would multiply T and inflate the
 *   DSR). The trials are the N cells with a defined SR̂; V is the variance (ddof 0) of their SR̂;
 *   SR₀ = √V · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))) is the best Sharpe expected of N cells of
 *   no skill, and DSR = PSR(SR₀) = Φ((SR̂ − SR₀)·√(T − 1) / √(1 − γ₃·SR̂ + (γ₄ − 1)/4·SR̂²)).
 */
import { deflatedSharpeRatio, type SharpeSample } from '../metrics/sharpe-inference.js';
import { iqm, median } from '../stats/ab-statistics.js';
import type { JsonValue, SweepAxis } from './axes.js';
import type { SweepCell } from './cells.js';
import type { SearchSpec } from './plan.js';
import { metricInfo, RESULT_METRICS, runKey, type MetricInfo, type MetricKey, type ResultRow } from './results-csv.js';

/** A metric over a cell's ok runs; n counts the runs where it is defined. */
export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly iqm: number;
  readonly min: number;
  readonly max: number;
}

/** The ranking metric of one ok run of a cell (NaN where undefined). */
export interface RunScore {
  readonly dataset: string;
  readonly seed: number;
  readonly value: number;
}

export interface CellStats {
  readonly cell: SweepCell;
  /** 1 = best by the ranking metric's IQM; cells without a score come last. */
  readonly rank: number;
  readonly runs: number;
  readonly ok: number;
  readonly failed: number;
  readonly score: Spread;
  /** The ranking metric of each ok run, in plan order (dataset, then seed). */
  readonly runScores: readonly RunScore[];
  /** The median of every metric over the cell's ok runs. */
  readonly medians: Readonly<Record<MetricKey, number>>;
  /** The cell as one track record (means of its runs' daily figures); null without a defined Sharpe. */
  readonly sample: SharpeSample | null;
}

export interface DeflatedSharpe {
  readonly cell: string;
  readonly sample: SharpeSample;
  /** N: the cells with a defined daily Sharpe. */
  readonly trials: number;
  /** V: variance (ddof 0) of those cells' daily Sharpes. */
  readonly trialVariance: number;
  /** SR₀: the best daily Sharpe expected of N cells of no skill. */
  readonly expectedMaxSharpe: number;
  readonly dsr: number;
  /** One sentence saying what the number means. */
  readonly meaning: string;
}

export interface Heatmap {
  readonly rowKey: string;
  readonly columnKey: string;
  readonly rows: readonly JsonValue[];
  readonly columns: readonly JsonValue[];
  /** The ranking metric's IQM per (row, column); NaN where no cell (random search) or no ok run. */
  readonly values: readonly (readonly number[])[];
  readonly cellIds: readonly (readonly (string | null)[])[];
}

export interface FailedRun {
  readonly cell: string;
  readonly dataset: string;
  readonly seed: number;
  readonly error: string;
}

export interface SweepSummary {
  readonly complete: boolean;
  readonly metric: MetricInfo;
  readonly runs: { readonly planned: number; readonly ok: number; readonly failed: number; readonly notRun: number };
  /** Every cell, best first. */
  readonly cells: readonly CellStats[];
  readonly dsr: DeflatedSharpe | null;
  readonly heatmap: Heatmap | null;
  readonly failures: readonly FailedRun[];
  /** Ok runs whose policy read synthetic model scores (generated from future returns by design). */
  readonly syntheticModelRuns: number;
}

export const DSR_SIGNIFICANT = 0.95;

export function spread(values: readonly number[]): Spread {
  const defined = values.filter((v) => !Number.isNaN(v));
  if (defined.length === 0) return { n: 0, median: Number.NaN, iqm: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { n: defined.length, median: median(defined), iqm: iqm(defined), min: Math.min(...defined), max: Math.max(...defined) };
}

const meanOf = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** A cell's track record: the means of its ok runs' daily Sharpe, T, skewness and kurtosis. */
export function cellSample(rows: readonly ResultRow[]): SharpeSample | null {
  const usable = rows.filter(
    (r) => r.status === 'ok' && Number.isFinite(r.numbers.dailySharpe) && Number.isFinite(r.numbers.dailySkewness) && Number.isFinite(r.numbers.dailyKurtosis),
  );
  if (usable.length === 0) return null;
  return {
    sharpe: meanOf(usable.map((r) => r.numbers.dailySharpe)),
    observations: meanOf(usable.map((r) => r.numbers.dailyReturns)),
    skewness: meanOf(usable.map((r) => r.numbers.dailySkewness)),
    kurtosis: meanOf(usable.map((r) => r.numbers.dailyKurtosis)),
  };
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

export function dsrMeaning(dsr: number, trials: number, sample: SharpeSample, benchmark: number): string {
  const of = `${trials} cell${trials === 1 ? '' : 's'}`;
  if (!Number.isFinite(dsr)) return `DSR n/a: the best cell's daily returns have no defined Sharpe ratio or moments.`;
  if (trials === 1) {
    return `DSR ${fixed(dsr, 2)}: with one cell there is no selection to deflate, so this is the PSR: the probability that the cell's true Sharpe is above 0.`;
  }
  const intro = `DSR ${fixed(dsr, 2)}: the probability that the best cell's true daily Sharpe (${fixed(sample.sharpe, 4)} over ${Math.round(sample.observations)} days) is above ${fixed(benchmark, 4)}, the best Sharpe expected of ${of} of no skill`;
  if (dsr >= DSR_SIGNIFICANT) return `${intro}; at ${DSR_SIGNIFICANT} or above, the best cell is unlikely to be luck of the draw.`;
  return `${intro}; below ${DSR_SIGNIFICANT}, the best cell's Sharpe is not distinguishable from the best of ${of} picked at random.`;
}

/** DSR of `best` among the cells with a defined Sharpe (null when the best cell has none). */
export function deflatedSharpe(best: CellStats, cells: readonly CellStats[]): DeflatedSharpe | null {
  if (best.sample === null) return null;
  const trialSharpes = cells.flatMap((c) => (c.sample === null ? [] : [c.sample.sharpe]));
  const { benchmark, dsr } = deflatedSharpeRatio(best.sample, trialSharpes);
  const m = meanOf(trialSharpes);
  const trialVariance = meanOf(trialSharpes.map((s) => (s - m) ** 2));
  return {
    cell: best.cell.id,
    sample: best.sample,
    trials: trialSharpes.length,
    trialVariance,
    expectedMaxSharpe: benchmark,
    dsr,
    meaning: dsrMeaning(dsr, trialSharpes.length, best.sample, benchmark),
  };
}

/** Orders by the score's IQM (then median, then cell order), best first; no score last. */
function compareCells(metric: MetricInfo) {
  const sign = metric.higherIsBetter ? -1 : 1;
  const key = (v: number) => (Number.isNaN(v) ? Number.POSITIVE_INFINITY : sign * v);
  return (a: { score: Spread; index: number }, b: { score: Spread; index: number }) =>
    key(a.score.iqm) - key(b.score.iqm) || key(a.score.median) - key(b.score.median) || a.index - b.index;
}

/** The two axes that vary, when there are exactly two and both are lists. */
function heatmapOf(axes: readonly SweepAxis[], stats: readonly CellStats[]): Heatmap | null {
  const varying = axes.filter((axis) => axis.kind === 'range' || axis.values.length > 1);
  if (varying.length !== 2 || varying.some((axis) => axis.kind !== 'list')) return null;
  const [rowAxis, columnAxis] = varying as [Extract<SweepAxis, { kind: 'list' }>, Extract<SweepAxis, { kind: 'list' }>];
  const position = (values: readonly JsonValue[], value: JsonValue | undefined) => values.findIndex((v) => JSON.stringify(v) === JSON.stringify(value));
  const values = rowAxis.values.map(() => columnAxis.values.map(() => Number.NaN));
  const cellIds = rowAxis.values.map(() => columnAxis.values.map((): string | null => null));
  for (const s of stats) {
    const r = position(rowAxis.values, s.cell.values[rowAxis.key]);
    const c = position(columnAxis.values, s.cell.values[columnAxis.key]);
    if (r < 0 || c < 0) continue;
    values[r]![c] = s.score.iqm;
    cellIds[r]![c] = s.cell.id;
  }
  return { rowKey: rowAxis.key, columnKey: columnAxis.key, rows: rowAxis.values, columns: columnAxis.values, values, cellIds };
}

export interface SummaryInput {
  readonly axes: readonly SweepAxis[];
  readonly cells: readonly SweepCell[];
  readonly datasets: readonly string[];
  readonly seeds: readonly number[];
  readonly metric: MetricKey;
  readonly rows: readonly ResultRow[];
  readonly complete: boolean;
}

export function summarizeSweep(input: SummaryInput): SweepSummary {
  const metric = metricInfo(input.metric);
  const byKey = new Map(input.rows.map((row) => [runKey(row.cell, row.dataset, row.seed), row]));
  const perCell = input.datasets.length * input.seeds.length;
  const failures: FailedRun[] = [];
  const unranked = input.cells.map((cell, index) => {
    const rows: ResultRow[] = [];
    for (const dataset of input.datasets) {
      for (const seed of input.seeds) {
        const row = byKey.get(runKey(cell.id, dataset, seed));
        if (row !== undefined) rows.push(row);
        if (row?.status === 'failed') failures.push({ cell: cell.id, dataset, seed, error: row.error });
      }
    }
    const ok = rows.filter((r) => r.status === 'ok');
    const medians = Object.fromEntries(RESULT_METRICS.map((m) => [m.key, spread(ok.map((r) => r.numbers[m.key])).median])) as Record<MetricKey, number>;
    return {
      index,
      cell,
      runs: perCell,
      ok: ok.length,
      failed: rows.length - ok.length,
      score: spread(ok.map((r) => r.numbers[metric.key])),
      runScores: ok.map((r) => ({ dataset: r.dataset, seed: r.seed, value: r.numbers[metric.key] })),
      medians,
      sample: cellSample(ok),
    };
  });
  const cells: CellStats[] = [...unranked].sort(compareCells(metric)).map(({ index: _index, ...stats }, n) => ({ ...stats, rank: n + 1 }));
  const ok = cells.reduce((sum, c) => sum + c.ok, 0);
  const failed = cells.reduce((sum, c) => sum + c.failed, 0);
  const planned = perCell * input.cells.length;
  const best = cells[0];
  return {
    complete: input.complete,
    metric,
    runs: { planned, ok, failed, notRun: planned - ok - failed },
    cells,
    dsr: best === undefined || best.score.n === 0 ? null : deflatedSharpe(best, cells),
    heatmap: heatmapOf(input.axes, cells),
    failures,
    syntheticModelRuns: input.rows.filter((r) => r.status === 'ok' && r.modelSource === 'synthetic').length,
  };
}

/** What a report says about the sweep besides its results. */
export interface ReportContext {
  readonly policy: string;
  readonly search: SearchSpec;
  readonly axes: readonly SweepAxis[];
  readonly seeds: readonly number[];
  readonly datasets: readonly ReportDataset[];
  readonly trainFrac: number | null;
  readonly configFile: string | null;
  /** The sweep folder as the user should type it (for the resume command). */
  readonly folder: string;
  readonly replaylab: string;
}

export interface ReportDataset {
  readonly key: string;
  readonly name: string;
  readonly bars: number;
  readonly synthetic: boolean;
  readonly fingerprint: string;
  readonly train: { readonly start: string; readonly end: string; readonly bars: number } | null;
  readonly embargoBars: number;
  readonly evaluation: { readonly start: string; readonly end: string; readonly bars: number };
}
