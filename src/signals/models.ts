/**
 * Model scores (DESIGN §4): one score in [−1, 1] per model and bar, the `model` axis of the meta
 * action space. Two sources:
 *
 * 1. `readPredictions`: a user's `predictions.csv` (a time column and one column per model),
 *    joined as of each bar's close and never ahead of it.
 * 2. `syntheticModelScores`: when there are no predictions, a noisy view of the FORWARD return.
 *    These scores USE THE FUTURE ON PURPOSE: each model gets a known skill (its configured
 *    information coefficient), so tests can check that an agent learns to prefer the skilled
 *    model. They are a test instrument, not a forecast; every output of a run that used them
 *    says so (`source: 'synthetic'`).
 */
import type { Rng } from '../config/random.js';
import type { ModelConfig } from '../config/run-config.js';
import { PRIVATE_COLUMNS, type ColumnAllocator } from '../data/columns.js';
import { DataError } from '../data/errors.js';
import { isNumericText, normaliseHeaderName } from '../data/formats.js';
import { readCsvRows } from '../data/small-csv.js';
import { epochToMs, formatIsoTime, parseIsoTime } from '../data/time.js';

export interface ModelScores {
  /** Model names, in the order of `scores`. */
  readonly names: readonly string[];
  /** One column per model: the score at each bar, in [−1, 1]. */
  readonly scores: readonly Float64Array[];
  readonly source: 'predictions' | 'synthetic';
  /** The predictions file, when `source` is `'predictions'`. */
  readonly file?: string;
  /** Share of bars that have a score (a prediction at or before their close; 1 when synthetic). */
  readonly coverage?: number;
}

const TIME_NAMES = ['timestamp', 'time', 'date', 'datetime', 'open_time'];

/**
 * Reads `file` and joins it to the bars whose open times are `openTime`. Bar i takes the latest
 * prediction stamped strictly before its close instant openTime[i] + intervalMs (for whole-ms
 * stamps: at or before openTime[i] + intervalMs − 1, Binance's closeTime), the moment its decision
 * is made. A prediction stamped exactly at the close is first used at the next bar; one stamped
 * at a bar's open time is used at that bar. Bars before the first prediction score 0.
 * Model columns match `names` ignoring case; other columns are ignored.
 */
export function readPredictions(
  file: string,
  openTime: Float64Array,
  intervalMs: number,
  names: readonly string[],
  columns: ColumnAllocator = PRIVATE_COLUMNS,
): ModelScores {
  const table = parsePredictions(file, names);
  const rows = openTime.length;
  const scores = names.map(() => columns.float64(rows));
  let latest = -1; // the prediction in force
  let covered = 0;
  for (let i = 0; i < rows; i++) {
    const closeInstant = openTime[i]! + intervalMs;
    while (latest + 1 < table.times.length && table.times[latest + 1]! < closeInstant) latest++;
    if (latest < 0) continue;
    covered++;
    for (let m = 0; m < names.length; m++) scores[m]![i] = table.values[m]![latest]!;
  }
  return { names: [...names], scores, source: 'predictions', file, coverage: rows === 0 ? 0 : covered / rows };
}

interface PredictionTable {
  /** Epoch ms, strictly increasing. */
  readonly times: Float64Array;
  /** One column per model name, in the order asked for. */
  readonly values: readonly Float64Array[];
}

/** Reads and checks the whole file; throws `DataError` naming the line, column and value of a problem. */
function parsePredictions(file: string, names: readonly string[]): PredictionTable {
  const rows = readCsvRows(file, 'the file is empty: expected a header (timestamp and one column per model) and rows');

  const header = rows[0]!;
  const headerText = header.join(',');
  const shown = header.map((cell) => cell.trim()).join(', ');
  const keys = header.map(normaliseHeaderName);
  const timeField = TIME_NAMES.map((name) => keys.indexOf(name)).find((index) => index >= 0);
  if (timeField === undefined) {
    throw new DataError(
      { file, line: 1, value: headerText },
      `no time column: the header must name one of ${TIME_NAMES.join(', ')} (columns found: ${shown})`,
    );
  }
  const modelFields = names.map((name) => {
    const index = keys.indexOf(name.toLowerCase());
    if (index < 0) {
      throw new DataError(
        { file, line: 1, value: headerText },
        `no column for model '${name}' (columns found: ${shown}); give one column per model of models.names (${names.join(', ')})`,
      );
    }
    return index;
  });
  if (rows.length === 1) throw new DataError({ file, line: 1 }, 'the file has a header but no data rows');

  const count = rows.length - 1;
  const times = new Float64Array(count);
  const values = names.map(() => new Float64Array(count));
  const columnName = (field: number) => header[field]!.trim() || '(unnamed)';
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const line = r + 1;
    if (row.length !== header.length) {
      throw new DataError({ file, line, value: row.join(',') }, `wrong column count: expected ${header.length}, found ${row.length}`);
    }
    const timeText = row[timeField]!;
    const time = isNumericText(timeText) ? epochToMs(+timeText) : parseIsoTime(timeText);
    const at = { file, line, column: timeField + 1, columnName: columnName(timeField), value: timeText };
    if (!Number.isFinite(time)) throw new DataError(at, 'not a time (epoch s, ms or µs, or an ISO date)');
    if (r > 1 && !(time > times[r - 2]!)) {
      throw new DataError(at, `timestamps must be strictly increasing (the row before is at ${formatIsoTime(times[r - 2]!)})`);
    }
    times[r - 1] = time;
    for (let m = 0; m < names.length; m++) {
      const field = modelFields[m]!;
      const cell = row[field]!;
      const where = { file, line, column: field + 1, columnName: columnName(field), value: cell };
      if (!isNumericText(cell)) throw new DataError(where, 'not a number: a model score must be a number in [−1, 1]');
      const score = +cell;
      if (score < -1 || score > 1) throw new DataError(where, 'a model score must be in [−1, 1]');
      values[m]![r - 1] = score;
    }
  }
  return { times, values };
}

/** Bars whose draws are made at a time (the draws of a whole year of 1-minute bars at once would be a 17 MB array). */
const DRAW_BLOCK_BARS = 4096;

/**
 * Synthetic scores that deliberately use the future (see the header). For bar i:
 *   fwd_i = ln(close[min(i + h, n − 1)] / close[i]), h = syntheticHorizon
 *   z_i = fwd_i / std(fwd over all bars) (sample std; z = 0 when it is 0)
 *   score_i = tanh(0.5 · (ic · z_i + sqrt(1 − ic²) · ε)),  ε ~ N(0, 1)
 * with ic = informationCoefficients[name] ?? 0. ε is drawn from `rng` bar by bar, every model at
 * each bar (bar 0: all models, bar 1: all models …), so the scores depend only on the seed, the
 * closes and the config. `rng` is advanced by n × models normal draws. The score columns are
 * allocated by `columns`.
 */
export function syntheticModelScores(close: Float64Array, config: ModelConfig, rng: Rng, columns: ColumnAllocator = PRIVATE_COLUMNS): ModelScores {
  const rows = close.length;
  const horizon = config.syntheticHorizon;
  const forward = new Float64Array(rows);
  for (let i = 0; i < rows; i++) forward[i] = Math.log(close[Math.min(i + horizon, rows - 1)]! / close[i]!);
  const std = sampleStd(forward);
  const scale = std > 0 ? 1 / std : 0;

  const names = [...config.names];
  const skill = names.map((name) => config.informationCoefficients[name] ?? 0);
  const noise = skill.map((ic) => Math.sqrt(1 - ic * ic));
  // The draws in their documented order (bar-major), a block of bars at a time, then one pass per model.
  const models = names.length;
  const scores = names.map(() => columns.float64(rows));
  const block = new Float64Array(DRAW_BLOCK_BARS * models);
  for (let from = 0; from < rows; from += DRAW_BLOCK_BARS) {
    const bars = Math.min(DRAW_BLOCK_BARS, rows - from);
    const draws = rng.fillNormal(bars === DRAW_BLOCK_BARS ? block : block.subarray(0, bars * models));
    for (let m = 0; m < models; m++) {
      const column = scores[m]!;
      const ic = skill[m]!;
      const spread = noise[m]!;
      for (let j = 0; j < bars; j++) column[from + j] = Math.tanh(0.5 * (ic * (forward[from + j]! * scale) + spread * draws[j * models + m]!));
    }
  }
  return { names, scores, source: 'synthetic', coverage: rows === 0 ? 0 : 1 };
}

function sampleStd(values: Float64Array): number {
  const n = values.length;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  return Math.sqrt(squares / (n - 1));
}
