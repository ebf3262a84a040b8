import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/config/random.js';
import { defaultConfig, type ModelConfig } from '../../src/config/run-config.js';
import { DataError } from '../../src/data/errors.js';
import { SHARED_COLUMNS } from '../../src/data/columns.js';
import { readPredictions, syntheticModelScores } from '../../src/signals/models.js';

const root = mkdtempSync(join(tmpdir(), 'replaylab-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let fileCount = 0;
function csv(text: string): string {
  const file = join(root, `predictions-${++fileCount}.csv`);
  writeFileSync(file, text);
  return file;
}

const MINUTE = 60_000;
const START = Date.UTC(2024, 0, 1);
/** Open times of five one-minute bars from START. */
const OPEN_TIMES = Float64Array.from({ length: 5 }, (_, i) => START + i * MINUTE);
const NAMES = ['xgb', 'lgbm'];

function dataError(action: () => unknown): DataError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError');
}

describe('readPredictions: the as-of join', () => {
  it('never uses a prediction before the bar whose close it precedes', () => {
    const file = csv(
      [
        'timestamp,xgb,lgbm',
        `${START + MINUTE},0.1,-0.1`, // bar 0's close instant = bar 1's open: first used at bar 1
        `${START + 3 * MINUTE - 1},0.2,-0.2`, // bar 2's last millisecond (its closeTime): used at bar 2
        `${START + 3 * MINUTE + 30_000},0.3,-0.3`, // inside bar 3: used at bar 3
      ].join('\n'),
    );
    const scores = readPredictions(file, OPEN_TIMES, MINUTE, NAMES);
    expect(scores.source).toBe('predictions');
    expect(scores.file).toBe(file);
    expect(scores.names).toEqual(NAMES);
    expect(Array.from(scores.scores[0]!)).toEqual([0, 0.1, 0.2, 0.3, 0.3]);
    expect(Array.from(scores.scores[1]!)).toEqual([0, -0.1, -0.2, -0.3, -0.3]);
    expect(scores.coverage).toBe(4 / 5);
  });

  it('takes the latest of several predictions inside one bar, and holds it until the next', () => {
    const file = csv(`time,xgb,lgbm\n${START},0.5,0\n${START + 10_000},0.6,0\n${START + 59_999},0.7,0\n`);
    const scores = readPredictions(file, OPEN_TIMES, MINUTE, NAMES);
    expect(Array.from(scores.scores[0]!)).toEqual([0.7, 0.7, 0.7, 0.7, 0.7]);
    expect(scores.coverage).toBe(1);
  });

  it('reads ISO and epoch-second times, matches model names ignoring case and ignores other columns', () => {
    const iso = csv('Date,notes,LGBM,XGB\n2024-01-01T00:02:00Z,a,-1,1\n2024-01-01 00:04:00,b,0.25,-0.25\n');
    const seconds = csv(`open_time,xgb,lgbm\n${(START + 2 * MINUTE) / 1_000},1,-1\n${(START + 4 * MINUTE) / 1_000},-0.25,0.25\n`);
    for (const file of [iso, seconds]) {
      const scores = readPredictions(file, OPEN_TIMES, MINUTE, NAMES);
      expect(Array.from(scores.scores[0]!)).toEqual([0, 0, 1, 1, -0.25]);
      expect(Array.from(scores.scores[1]!)).toEqual([0, 0, -1, -1, 0.25]);
    }
  });
});

describe('readPredictions: bad files name the line, column and value', () => {
  it('a missing model column, naming the columns found', () => {
    const error = dataError(() => readPredictions(csv('timestamp,xgb,other\n1704067200000,0.1,5\n'), OPEN_TIMES, MINUTE, NAMES));
    expect(error.location.line).toBe(1);
    expect(error.message).toContain("no column for model 'lgbm'");
    expect(error.message).toContain('columns found: timestamp, xgb, other');
  });

  it('a missing time column', () => {
    const error = dataError(() => readPredictions(csv('when,xgb,lgbm\n1,0.1,0.1\n'), OPEN_TIMES, MINUTE, NAMES));
    expect(error.location.line).toBe(1);
    expect(error.message).toContain('no time column');
  });

  it('a score that is not a number', () => {
    const file = csv(`timestamp,xgb,lgbm\n${START},0.1,0.2\n${START + MINUTE},0.1,high\n`);
    const error = dataError(() => readPredictions(file, OPEN_TIMES, MINUTE, NAMES));
    expect(error.location).toEqual({ file, line: 3, column: 3, columnName: 'lgbm', value: 'high' });
    expect(error.message).toContain(`${file}:3:3 column 'lgbm' value "high"`);
  });

  it('a score outside [−1, 1]', () => {
    const file = csv(`timestamp,xgb,lgbm\n${START},1.5,0.2\n`);
    const error = dataError(() => readPredictions(file, OPEN_TIMES, MINUTE, NAMES));
    expect(error.location).toEqual({ file, line: 2, column: 2, columnName: 'xgb', value: '1.5' });
    expect(error.reason).toContain('[−1, 1]');
  });

  it('timestamps that do not strictly increase', () => {
    const file = csv(`timestamp,xgb,lgbm\n${START},0,0\n${START + MINUTE},0,0\n${START + MINUTE},0,0\n`);
    const error = dataError(() => readPredictions(file, OPEN_TIMES, MINUTE, NAMES));
    expect(error.location).toEqual({ file, line: 4, column: 1, columnName: 'timestamp', value: String(START + MINUTE) });
    expect(error.reason).toContain('strictly increasing');
  });

  it('a time that is not a time', () => {
    const file = csv('timestamp,xgb,lgbm\nyesterday,0,0\n');
    const error = dataError(() => readPredictions(file, OPEN_TIMES, MINUTE, NAMES));
    expect(error.location).toEqual({ file, line: 2, column: 1, columnName: 'timestamp', value: 'yesterday' });
  });

  it('an empty file, or a header without rows', () => {
    const empty = csv('');
    expect(dataError(() => readPredictions(empty, OPEN_TIMES, MINUTE, NAMES)).message).toBe(
      `${empty}: the file is empty: expected a header (timestamp and one column per model) and rows`,
    );
    const blank = csv('\n\n');
    expect(dataError(() => readPredictions(blank, OPEN_TIMES, MINUTE, NAMES)).reason).toContain('the file is empty');
    const headerOnly = csv('timestamp,xgb,lgbm\n');
    expect(dataError(() => readPredictions(headerOnly, OPEN_TIMES, MINUTE, NAMES)).reason).toBe('the file has a header but no data rows');
  });

  it('a row with the wrong number of columns', () => {
    const file = csv(`timestamp,xgb,lgbm\n${START},0.1\n`);
    expect(dataError(() => readPredictions(file, OPEN_TIMES, MINUTE, NAMES)).location.line).toBe(2);
  });
});

describe('syntheticModelScores (uses the future on purpose)', () => {
  /** A random-walk close series of `bars` bars. */
  function closes(bars: number, seed: number): Float64Array {
    const rng = new Rng(seed);
    const out = new Float64Array(bars);
    let price = 100;
    for (let i = 0; i < bars; i++) {
      price *= Math.exp(0.01 * rng.normal());
      out[i] = price;
    }
    return out;
  }
  const config: ModelConfig = {
    ...defaultConfig().models,
    names: ['skilled', 'blind', 'unlisted'],
    informationCoefficients: { skilled: 0.3, blind: 0 },
  };
  const series = closes(20_000, 1);

  function forwardReturns(close: Float64Array, horizon: number): Float64Array {
    return close.map((c, i) => Math.log(close[Math.min(i + horizon, close.length - 1)]! / c));
  }

  function correlation(a: Float64Array, b: Float64Array): number {
    const n = a.length;
    const meanA = a.reduce((s, v) => s + v, 0) / n;
    const meanB = b.reduce((s, v) => s + v, 0) / n;
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < n; i++) {
      ab += (a[i]! - meanA) * (b[i]! - meanB);
      aa += (a[i]! - meanA) ** 2;
      bb += (b[i]! - meanB) ** 2;
    }
    return ab / Math.sqrt(aa * bb);
  }

  it('gives the same scores for the same seed and different ones for another', () => {
    const first = syntheticModelScores(series, config, new Rng(7));
    const again = syntheticModelScores(series, config, new Rng(7));
    const other = syntheticModelScores(series, config, new Rng(8));
    expect(first.source).toBe('synthetic');
    expect(first.names).toEqual(['skilled', 'blind', 'unlisted']);
    first.scores.forEach((column, m) => {
      expect(again.scores[m]).toEqual(column);
      expect(other.scores[m]).not.toEqual(column);
    });
  });

  it('draws the noise bar by bar, every model at each bar, from the rng given (across the blocks of bars it draws at a time)', () => {
    const noiseOnly: ModelConfig = { ...config, informationCoefficients: {} };
    const scores = syntheticModelScores(series, noiseOnly, new Rng(3));
    const rng = new Rng(3);
    const mismatches: string[] = [];
    for (let i = 0; i < series.length; i++) {
      for (let m = 0; m < 3; m++) {
        const expected = Math.tanh(0.5 * rng.normal());
        if (!Object.is(scores.scores[m]![i], expected) && mismatches.length < 5) mismatches.push(`bar ${i} model ${m}: ${scores.scores[m]![i]} ≠ ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('allocates its columns in private memory, or in shared memory when told (the workers of a runner read them in place)', () => {
    const own = syntheticModelScores(series.subarray(0, 50), config, new Rng(3));
    const shared = syntheticModelScores(series.subarray(0, 50), config, new Rng(3), SHARED_COLUMNS);
    for (const column of own.scores) expect(column.buffer).toBeInstanceOf(ArrayBuffer);
    for (const column of shared.scores) expect(column.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.scores).toEqual(own.scores);
  });

  it('gives a model with information coefficient 0.3 a clear correlation with the forward return, and one with 0 none', () => {
    const scores = syntheticModelScores(series, config, new Rng(11));
    const forward = forwardReturns(series, config.syntheticHorizon);
    const skilled = correlation(scores.scores[0]!, forward);
    const blind = correlation(scores.scores[1]!, forward);
    const unlisted = correlation(scores.scores[2]!, forward);
    // tanh(0.5 u) of a unit-variance u is nearly linear: the correlation stays close to the ic.
    expect(skilled).toBeGreaterThan(0.25);
    expect(skilled).toBeLessThan(0.32);
    expect(Math.abs(blind)).toBeLessThan(0.04);
    expect(Math.abs(unlisted)).toBeLessThan(0.04); // no coefficient configured: 0
  });

  it('keeps every score in [−1, 1], and gives a noiseless model 0 on a flat price', () => {
    const scores = syntheticModelScores(series, { ...config, informationCoefficients: { skilled: 1, blind: -1 } }, new Rng(5));
    const largest = Math.max(...scores.scores.map((column) => column.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
    expect(largest).toBeGreaterThan(0.9);
    expect(largest).toBeLessThanOrEqual(1);
    const flat = syntheticModelScores(new Float64Array(100).fill(50), { ...config, informationCoefficients: { skilled: 1 } }, new Rng(5));
    expect(flat.scores[0]!.every((v) => v === 0)).toBe(true); // ic 1: no noise, and z = 0
  });
});
