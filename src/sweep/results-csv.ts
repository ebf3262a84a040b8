/**
 * `results.csv`: one row per run of a sweep. Columns: `cell`, one column per swept key (its value in
 * that cell), `dataset`, `seed`, `status` (ok | failed), `error`, then the run's metrics and the
 * per-period (daily, not annualised) Sharpe, skewness, non-excess kurtosis and number of daily
 * returns T that the Deflated Sharpe Ratio needs, and last `modelSource`: where the model scores the
 * policy read came from (`predictions`, `synthetic`, or empty when it read none). Numbers are written so that they read back
 * exactly (shortest round-trip form); an undefined ratio is an empty cell, an unbounded one
 * `Infinity`. Values that are not text (a list given to a config field) are written as JSON.
 */
import Papa from 'papaparse';
import { InputError } from '../data/errors.js';
import { parseValue, valueText, type AxisTarget, type JsonValue } from './axes.js';

/** The metrics of each run, as metrics.json names them; any of them can rank a sweep's cells. */
export const RESULT_METRICS = [
  { key: 'returnPct', label: 'Return %', higherIsBetter: true, digits: 2 },
  { key: 'sharpe', label: 'Sharpe', higherIsBetter: true, digits: 3 },
  { key: 'sortino', label: 'Sortino', higherIsBetter: true, digits: 3 },
  { key: 'maxDrawdownPct', label: 'Max drawdown %', higherIsBetter: false, digits: 2 },
  { key: 'winRatePct', label: 'Win rate %', higherIsBetter: true, digits: 1 },
  { key: 'profitFactor', label: 'Profit factor', higherIsBetter: true, digits: 3 },
  { key: 'trades', label: 'Trades', higherIsBetter: true, digits: 1 },
  { key: 'psr', label: 'PSR', higherIsBetter: true, digits: 3 },
  { key: 'finalEquity', label: 'Final equity', higherIsBetter: true, digits: 2 },
] as const;
export type MetricKey = (typeof RESULT_METRICS)[number]['key'];
export type MetricInfo = (typeof RESULT_METRICS)[number];

export function metricInfo(key: MetricKey): MetricInfo {
  return RESULT_METRICS.find((m) => m.key === key)!;
}

/** Per-period figures of the run's daily returns (DSR inputs). */
export const DAILY_COLUMNS = ['dailySharpe', 'dailySkewness', 'dailyKurtosis', 'dailyReturns'] as const;
export type DailyColumn = (typeof DAILY_COLUMNS)[number];
export type NumberColumn = MetricKey | DailyColumn;
export const NUMBER_COLUMNS: readonly NumberColumn[] = [...RESULT_METRICS.map((m) => m.key), ...DAILY_COLUMNS];

/** Names one run of a sweep: its cell, dataset and seed. */
export const runKey = (cell: string, dataset: string, seed: number): string => JSON.stringify([cell, dataset, seed]);

export interface ResultRow {
  readonly cell: string;
  /** The cell's value of each swept key. */
  readonly values: Readonly<Record<string, JsonValue>>;
  readonly dataset: string;
  readonly seed: number;
  readonly status: 'ok' | 'failed';
  /** Why a failed run failed (one line); empty for ok runs. */
  readonly error: string;
  /** NaN where undefined, and for every column of a failed run. */
  readonly numbers: Readonly<Record<NumberColumn, number>>;
  /** `synthetic` scores look at the future by design: such a run does not measure a real model. */
  readonly modelSource: ModelSource;
}

export type ModelSource = 'predictions' | 'synthetic' | '';
const MODEL_SOURCES: readonly string[] = ['predictions', 'synthetic', ''];

export interface ResultColumns {
  /** The swept keys in axis order, and what each sets (how its values read back). */
  readonly keys: readonly { readonly key: string; readonly target: AxisTarget }[];
}

export function resultsHeader(columns: ResultColumns): string[] {
  return ['cell', ...columns.keys.map((k) => k.key), 'dataset', 'seed', 'status', 'error', ...NUMBER_COLUMNS, 'modelSource'];
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function numberText(value: number): string {
  if (Number.isNaN(value)) return '';
  return String(value); // Infinity and -Infinity read back with Number()
}

export function renderResultRow(row: ResultRow, columns: ResultColumns): string {
  const cells = [
    row.cell,
    ...columns.keys.map((k) => valueText(row.values[k.key]!)),
    row.dataset,
    String(row.seed),
    row.status,
    row.error.replace(/\s*[\r\n]+\s*/g, ' | '),
    ...NUMBER_COLUMNS.map((column) => numberText(row.numbers[column])),
    row.modelSource,
  ];
  return `${cells.map(csvCell).join(',')}\n`;
}

export function renderResultsCsv(rows: readonly ResultRow[], columns: ResultColumns): string {
  return `${resultsHeader(columns).map(csvCell).join(',')}\n${rows.map((row) => renderResultRow(row, columns)).join('')}`;
}

/** The numbers of a failed run: all NaN. */
export function emptyNumbers(): Record<NumberColumn, number> {
  return Object.fromEntries(NUMBER_COLUMNS.map((c) => [c, Number.NaN])) as Record<NumberColumn, number>;
}

/**
 * Reads results.csv back. The header must be the one this plan writes; a row that does not parse is
 * an error naming the file and line. A run written twice (failed, then run again) keeps its last row.
 */
export function parseResultsCsv(text: string, columns: ResultColumns, file = 'results.csv'): ResultRow[] {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  const lines = parsed.data;
  if (lines.length === 0) return [];
  const expected = resultsHeader(columns);
  const header = lines[0]!;
  if (header.join(',') !== expected.join(',')) {
    throw new InputError(`${file}:1: the header does not match this sweep's plan: expected ${expected.join(',')}, found ${header.join(',')}`);
  }
  const rows = new Map<string, ResultRow>();
  lines.slice(1).forEach((cells, n) => {
    const line = n + 2;
    if (cells.length !== expected.length) throw new InputError(`${file}:${line}: expected ${expected.length} columns, found ${cells.length}`);
    let c = 0;
    const cell = cells[c++]!;
    const values: Record<string, JsonValue> = {};
    for (const { key, target } of columns.keys) {
      const text = cells[c++]!;
      try {
        values[key] = parseValue(text, target);
      } catch {
        throw new InputError(`${file}:${line}: column '${key}' value ${JSON.stringify(text)} is not valid JSON`);
      }
    }
    const dataset = cells[c++]!;
    const seedText = cells[c++]!;
    const seed = Number(seedText);
    if (seedText === '' || !Number.isSafeInteger(seed)) throw new InputError(`${file}:${line}: column 'seed' value ${JSON.stringify(seedText)} is not a whole number`);
    const status = cells[c++]!;
    if (status !== 'ok' && status !== 'failed') throw new InputError(`${file}:${line}: column 'status' value ${JSON.stringify(status)}: expected ok or failed`);
    const error = cells[c++]!;
    const numbers = emptyNumbers();
    for (const column of NUMBER_COLUMNS) {
      const textValue = cells[c++]!;
      const value = textValue === '' ? Number.NaN : Number(textValue);
      if (Number.isNaN(value) && textValue !== '') throw new InputError(`${file}:${line}: column '${column}' value ${JSON.stringify(textValue)} is not a number`);
      numbers[column] = value;
    }
    const modelSource = cells[c]!;
    if (!MODEL_SOURCES.includes(modelSource)) throw new InputError(`${file}:${line}: column 'modelSource' value ${JSON.stringify(modelSource)}: expected predictions, synthetic or nothing`);
    rows.set(runKey(cell, dataset, seed), { cell, values, dataset, seed, status, error, numbers, modelSource: modelSource as ModelSource });
  });
  return [...rows.values()];
}
