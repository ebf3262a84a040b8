/** The summary: cells ranked over seeds and datasets, the DSR of the best cell, the heatmap, and summary.md. */
import { describe, expect, it } from 'vitest';
import { expectedMaxSharpe } from '../../src/metrics/sharpe-inference.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { gridCells } from '../../src/sweep/cells.js';
import { renderSummaryMarkdown } from '../../src/sweep/summary-md.js';
import { deflatedSharpe, spread, summarizeSweep, type CellStats } from '../../src/sweep/summary.js';
import { cells, context, input, rows } from '../helpers/sweep-summary-fixture.js';

describe('spread', () => {
  it('gives the median, IQM (mean of the middle half) and min–max of the defined values', () => {
    expect(spread([1, 2, 3, 4, 100, Number.NaN])).toEqual({ n: 5, median: 3, iqm: 3, min: 1, max: 100 });
    expect(spread([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).iqm).toBe(4.5);
    expect(spread([Number.NaN]).n).toBe(0);
  });
});

describe('summarizeSweep', () => {
  it('ranks the cells by the IQM of the metric over their ok runs, cells without a score last', () => {
    const summary = summarizeSweep({ ...input, metric: 'sharpe' });
    expect(summary.cells.map((c) => [c.rank, c.cell.id, c.score.iqm, c.ok, c.failed])).toEqual([
      [1, 'c01', 2.5, 2, 0],
      [2, 'c02', 1, 2, 0],
      [3, 'c03', -0.75, 2, 0],
      [4, 'c04', Number.NaN, 0, 2],
    ]);
    expect(summary.runs).toEqual({ planned: 8, ok: 6, failed: 2, notRun: 0 });
    expect(summary.failures).toEqual([
      { cell: 'c04', dataset: 'd', seed: 1, error: 'boom at bar 500' },
      { cell: 'c04', dataset: 'd', seed: 2, error: 'boom at bar 500' },
    ]);
    expect(summary.cells[0]!.medians.returnPct).toBe(11);
    expect(summary.cells[0]!.runScores).toEqual([
      { dataset: 'd', seed: 1, value: 2 },
      { dataset: 'd', seed: 2, value: 3 },
    ]);
    expect(summary.cells[3]!.runScores).toEqual([]);
  });

  it('ranks a lower-is-better metric from the lowest', () => {
    const summary = summarizeSweep({ ...input, metric: 'maxDrawdownPct' });
    expect(summary.cells.map((c) => c.cell.id)).toEqual(['c02', 'c01', 'c03', 'c04']);
  });

  it('takes a cell as one track record: the means of its runs’ daily Sharpe, T, skewness and kurtosis', () => {
    const summary = summarizeSweep({ ...input, metric: 'sharpe' });
    const best = summary.cells[0]!;
    expect(best.sample!.sharpe).toBeCloseTo(0.15, 15);
    expect(best.sample!.observations).toBe(110);
    expect(best.sample!.skewness).toBeCloseTo(-0.2, 15);
    expect(best.sample!.kurtosis).toBe(5);
    expect(summary.cells[3]!.sample).toBeNull();
  });

  it('gives the DSR of the best cell among the cells with a Sharpe (numbers from Python’s statistics.NormalDist)', () => {
    const { dsr } = summarizeSweep({ ...input, metric: 'sharpe' });
    expect(dsr!.cell).toBe('c01');
    expect(dsr!.trials).toBe(3);
    expect(dsr!.trialVariance).toBeCloseTo(0.0060222222222, 12);
    expect(dsr!.expectedMaxSharpe).toBeCloseTo(0.0661801687055809, 10);
    expect(dsr!.dsr).toBeCloseTo(0.803170319544132, 9);
    expect(dsr!.meaning).toBe(
      "DSR 0.80: the probability that the best cell's true daily Sharpe (0.1500 over 110 days) is above 0.0662, the best Sharpe expected of 3 cells of no skill; below 0.95, the best cell's Sharpe is not distinguishable from the best of 3 cells picked at random.",
    );
  });

  it('matches the reference vector of statistics.md', () => {
    const cell = (sharpe: number): CellStats => ({
      cell: { id: `s${sharpe}`, values: {} },
      rank: 0,
      runs: 1,
      ok: 1,
      failed: 0,
      score: spread([sharpe]),
      runScores: [{ dataset: 'd', seed: 1, value: sharpe }],
      medians: {} as CellStats['medians'],
      sample: { sharpe, observations: 250, skewness: 0, kurtosis: 3 },
    });
    const result = deflatedSharpe(cell(1.14), [cell(3.5), cell(1.01), cell(1.02)])!;
    expect(result.expectedMaxSharpe).toBeCloseTo(0.99901557, 8);
    expect(result.dsr).toBeCloseTo(0.9583658, 7);
    expect(result.meaning).toMatch(/^DSR 0\.96: .*at 0\.95 or above, the best cell is unlikely to be luck of the draw\.$/);
    expect(expectedMaxSharpe(10, 1)).toBeCloseTo(1.5745983, 7);
  });

  it('says a single cell has nothing to deflate', () => {
    const one = summarizeSweep({ ...input, cells: cells.slice(0, 1), rows: rows.slice(0, 2), metric: 'sharpe' });
    expect(one.dsr!.trials).toBe(1);
    expect(one.dsr!.expectedMaxSharpe).toBe(0);
    expect(one.dsr!.dsr).toBeCloseTo(0.9365558384, 9); // PSR(0) of SR̂ 0.15, T 110, γ₃ −0.2, γ₄ 5
    expect(one.dsr!.meaning).toMatch(/^DSR 0\.94: with one cell there is no selection to deflate, so this is the PSR/);
  });

  it('draws a heatmap for exactly two axes that vary', () => {
    const { heatmap } = summarizeSweep({ ...input, metric: 'sharpe' });
    expect(heatmap).toMatchObject({ rowKey: 'a', columnKey: 'b', rows: [1, 2], columns: ['x', 'y'], cellIds: [['c01', 'c02'], ['c03', 'c04']] });
    expect(heatmap!.values).toEqual([
      [2.5, 1],
      [-0.75, Number.NaN],
    ]);
    const three = parseAxes(['a=1,2', 'b=x,y', 'c=5,6'], false);
    expect(summarizeSweep({ ...input, axes: three, cells: gridCells(three), rows: [], metric: 'sharpe' }).heatmap).toBeNull();
    const fixed = parseAxes(['a=1,2', 'b=x,y', 'c=5'], false);
    expect(summarizeSweep({ ...input, axes: fixed, cells: gridCells(fixed), rows: [], metric: 'sharpe' }).heatmap).not.toBeNull();
  });
});

describe('summary.md', () => {
  it('Markdown: best cells, the DSR sentence, the heatmap and the failed runs', () => {
    const md = renderSummaryMarkdown(summarizeSweep({ ...input, metric: 'sharpe' }), context);
    expect(md).toContain('| 1 | c01 | 1 | x | 2/2 | 2.500 | 2.500 | 2.000 – 3.000 |');
    expect(md).toContain('**DSR 0.80: the probability that the best cell');
    expect(md).toContain('## Heatmap: Sharpe IQM');
    expect(md).toContain('| a \\ b | x | y |\n|---|---:|---:|\n| 1 | **2.500** | 1.000 |\n| 2 | -0.750 | n/a |');
    expect(md).toContain('| c04 | d | 1 | boom at bar 500 |');
    expect(md).toContain('| 1 | c01 | 1 | x | 2/2 | 2.500 | 2.500 | 2.000 – 3.000 | 0 | 11.00 | 25.00 | n/a | n/a |');
    expect(md).not.toContain('INCOMPLETE');
    expect(md).not.toContain('SYNTHETIC MODEL SCORES');
  });

  it('warns when runs read synthetic model scores, which look at the future', () => {
    const synthetic = rows.map((r, n) => (n < 3 ? { ...r, modelSource: 'synthetic' as const } : r));
    const summary = summarizeSweep({ ...input, rows: synthetic, metric: 'sharpe' });
    expect(summary.syntheticModelRuns).toBe(3);
    expect(renderSummaryMarkdown(summary, context)).toContain('> **SYNTHETIC MODEL SCORES** in 3 of 6 ok runs: the datasets have no predictions.csv');
  });

  it('marks an incomplete sweep', () => {
    const partial = summarizeSweep({ ...input, rows: rows.slice(0, 3), complete: false, metric: 'sharpe' });
    expect(partial.runs.notRun).toBe(5);
    const md = renderSummaryMarkdown(partial, context);
    expect(md).toContain('> **INCOMPLETE SWEEP**: 3 of 8 runs finished (5 not run).');
    expect(md).toContain('`replaylab sweep --resume runs/sweep-x`');
  });
});
