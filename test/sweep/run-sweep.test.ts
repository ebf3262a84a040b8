/**
 * Running a plan in the worker pool: rows appended as runs end, results.csv rewritten in plan order,
 * the same bytes for 1 and 2 workers, and a resume that runs only what is not ok yet.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/run-config.js';
import type { MarketData } from '../../src/engine/replay.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { gridCells } from '../../src/sweep/cells.js';
import { datasetPeriods, type SweepPlan } from '../../src/sweep/plan.js';
import { parseResultsCsv } from '../../src/sweep/results-csv.js';
import { executeSweep, resultColumns } from '../../src/sweep/run-sweep.js';
import { randomWalkMarket as walk } from '../engine/helpers.js';


const markets = new Map<string, MarketData>([['walk', walk(3_000, 1)]]);
const axes = parseAxes(['probability=0.02,0.1'], false);
const plan: SweepPlan = {
  policy: { name: 'random', kind: 'builtin', file: null, sha256: null },
  search: { mode: 'grid' },
  axes,
  cells: gridCells(axes),
  seeds: [1, 2, 3],
  datasets: [{ key: 'walk', path: '/nowhere/walk' }],
  trainFrac: null,
  metric: 'sharpe',
  config: { file: null, contents: null },
};
const periods = datasetPeriods([{ key: 'walk', bars: 3_000 }], null, [resolveConfig({})]);
const folder = () => mkdtempSync(join(tmpdir(), 'replaylab-sweep-'));
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');

describe('executeSweep', () => {
  it('writes one row per run in plan order, the same bytes for 1 and 2 workers', async () => {
    const one = join(folder(), 'results.csv');
    const progress: string[] = [];
    const first = await executeSweep({ plan, periods, markets, resultsFile: one, workers: 1, onProgress: (done, total, failed) => progress.push(`${done}/${total}/${failed}`) });
    expect(first).toMatchObject({ attempted: 6, ended: 6, skipped: 0, interrupted: false });
    expect(progress).toEqual(['1/6/0', '2/6/0', '3/6/0', '4/6/0', '5/6/0', '6/6/0']);
    expect(lines(one).map((l) => l.split(',').slice(0, 5).join(','))).toEqual([
      'cell,probability,dataset,seed,status',
      'c01,0.02,walk,1,ok',
      'c01,0.02,walk,2,ok',
      'c01,0.02,walk,3,ok',
      'c02,0.1,walk,1,ok',
      'c02,0.1,walk,2,ok',
      'c02,0.1,walk,3,ok',
    ]);
    const two = join(folder(), 'results.csv');
    await executeSweep({ plan, periods, markets, resultsFile: two, workers: 2 });
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(one, 'utf8'));
  }, 60_000);

  it('on resume, runs only the runs without an ok row and keeps the others as they were', async () => {
    const file = join(folder(), 'results.csv');
    await executeSweep({ plan, periods, markets, resultsFile: file, workers: 2 });
    const complete = readFileSync(file, 'utf8');
    const [header, ...rows] = lines(file);
    // Drop c01 s2 and c02 s3; mark c02 s1 failed; doctor c01 s1's final equity, which a rerun would restore.
    const doctored = rows[0]!.split(',');
    doctored[doctored.length - 6] = '1'; // finalEquity
    const failedRow = rows[3]!.replace(',ok,,', ',failed,worker died,');
    writeFileSync(file, `${[header, doctored.join(','), rows[2], failedRow, rows[4]].join('\n')}\n`);
    const previous = parseResultsCsv(readFileSync(file, 'utf8'), resultColumns(plan));
    expect(previous).toHaveLength(4);
    const resumed = await executeSweep({ plan, periods, markets, resultsFile: file, previous, workers: 2 });
    expect(resumed).toMatchObject({ attempted: 3, ended: 3, skipped: 3 });
    const after = lines(file);
    expect(after).toHaveLength(7);
    expect(after[1]).toBe(doctored.join(','));
    expect(after.slice(2)).toEqual(complete.split('\n').filter((l) => l !== '').slice(2));
  }, 60_000);

  it('interrupted before any run ends: no rows, the header kept, marked interrupted', async () => {
    const file = join(folder(), 'results.csv');
    const controller = new AbortController();
    controller.abort();
    const outcome = await executeSweep({ plan, periods, markets, resultsFile: file, workers: 1, signal: controller.signal });
    expect(outcome).toMatchObject({ attempted: 6, ended: 0, interrupted: true, rows: [] });
    expect(lines(file)).toEqual([lines(file)[0]]);
  }, 60_000);
});
