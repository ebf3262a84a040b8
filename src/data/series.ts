/**
 * A user's own series (an equity curve or per-period returns exported from the live system) read
 * from a CSV: one value column, optionally a time column. Small files: read whole, validated row
 * by row with the same messages as market data.
 */
import { readCsvRows } from './small-csv.js';
import { DataError } from './errors.js';
import { isNumericText, normaliseHeaderName } from './formats.js';
import { epochToMs, parseIsoTime } from './time.js';

export type SeriesKind = 'returns' | 'equity';

const VALUE_NAMES: Record<SeriesKind, readonly string[]> = {
  returns: ['return', 'returns', 'ret', 'pct_change', 'daily_return', 'r'],
  equity: ['equity', 'value', 'balance', 'nav', 'portfolio_value', 'total', 'close'],
};
const TIME_NAMES = ['timestamp', 'time', 'datetime', 'date', 'open_time'];

export interface Series {
  readonly file: string;
  /** Name of the value column (or `column 1` without a header). */
  readonly column: string;
  /** Epoch ms per row, when the file has a time column. */
  readonly times: Float64Array | undefined;
  readonly values: Float64Array;
}

/** Reads the series; with `percent`, return values are in percent (1 = 1%) and are divided by 100. */
export function readSeriesCsv(file: string, kind: SeriesKind, options: { percent?: boolean } = {}): Series {
  const scale = kind === 'returns' && options.percent === true ? 0.01 : 1;
  const rows = readCsvRows(file, 'the file is empty');
  const first = rows[0]!;
  const hasHeader = first.some((cell) => !isNumericText(cell) && Number.isNaN(parseIsoTime(cell)));
  const names = hasHeader ? first.map(normaliseHeaderName) : first.map((_, i) => `column ${i + 1}`);
  let valueField = hasHeader ? VALUE_NAMES[kind].map((n) => names.indexOf(n)).find((i) => i >= 0) ?? -1 : -1;
  let timeField = hasHeader ? TIME_NAMES.map((n) => names.indexOf(n)).find((i) => i >= 0) ?? -1 : -1;
  if (timeField < 0 && hasHeader && names[0] === '') timeField = 0;
  if (!hasHeader && first.length === 2) timeField = 0;
  if (valueField < 0) {
    const others = names.map((_, i) => i).filter((i) => i !== timeField && (!hasHeader || names[i] !== ''));
    if (others.length !== 1) {
      throw new DataError(
        { file, line: 1, value: first.join(',') },
        `cannot tell which column holds the ${kind}: name it ${VALUE_NAMES[kind].slice(0, 3).join(', ')}… or keep one value column (and a time column)`,
      );
    }
    valueField = others[0]!;
  }
  const start = hasHeader ? 1 : 0;
  if (rows.length === start) throw new DataError({ file, line: 1 }, 'the file has a header but no data rows');
  const values = new Float64Array(rows.length - start);
  const times = timeField >= 0 ? new Float64Array(rows.length - start) : undefined;
  const columnName = hasHeader ? first[valueField]!.trim() || '(unnamed)' : `column ${valueField + 1}`;
  for (let r = start; r < rows.length; r++) {
    const row = rows[r]!;
    const line = r + 1;
    if (row.length !== first.length) {
      throw new DataError({ file, line, value: row.join(',') }, `wrong column count: expected ${first.length}, found ${row.length}`);
    }
    const cell = row[valueField]!;
    const value = isNumericText(cell) ? +cell * scale : Number.NaN;
    if (!Number.isFinite(value)) throw new DataError({ file, line, column: valueField + 1, columnName, value: cell }, 'not a number');
    if (kind === 'equity' && !(value > 0)) {
      throw new DataError({ file, line, column: valueField + 1, columnName, value: cell }, 'equity must be above zero');
    }
    if (kind === 'returns' && !(value > -1 || value === -1)) {
      throw new DataError({ file, line, column: valueField + 1, columnName, value: cell }, scale === 1 ? 'a return below −100% (are the values in percent? use --percent)' : 'a return below −100%');
    }
    values[r - start] = value;
    if (times !== undefined) {
      const timeText = row[timeField]!;
      const time = isNumericText(timeText) ? epochToMs(+timeText) : parseIsoTime(timeText);
      const previous = r > start ? times[r - start - 1]! : Number.NEGATIVE_INFINITY;
      if (!Number.isFinite(time)) throw new DataError({ file, line, column: timeField + 1, columnName: names[timeField] || '(unnamed)', value: timeText }, 'not a time (epoch number or ISO date)');
      if (time <= previous) throw new DataError({ file, line, column: timeField + 1, columnName: names[timeField] || '(unnamed)', value: timeText }, 'time not increasing');
      times[r - start] = time;
    }
  }
  return { file, column: columnName, times, values };
}

/** The last value of each UTC day (as pandas' `resample('D').last()`, days without data left out). */
export function dailyCloses(times: Float64Array, values: Float64Array): Float64Array {
  const closes: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const day = Math.floor(times[i]! / 86_400_000);
    const nextDay = i + 1 < values.length ? Math.floor(times[i + 1]! / 86_400_000) : Number.NaN;
    if (day !== nextDay) closes.push(values[i]!);
  }
  return Float64Array.from(closes);
}
