/**
 * A small sweep for the summary's tests: a 2×2 grid (a = 1, 2 by b = x, y), two seeds on one
 * synthetic dataset, with per-run figures chosen so that the cells' daily track records are
 * c01: SR̂ 0.15, T 110, γ₃ −0.2, γ₄ 5;  c02: SR̂ 0.05;  c03: SR̂ −0.04;  c04: every run failed.
 */
import { parseAxes } from '../../src/sweep/axes.js';
import { gridCells } from '../../src/sweep/cells.js';
import { emptyNumbers, type NumberColumn, type ResultRow } from '../../src/sweep/results-csv.js';
import type { ReportContext } from '../../src/sweep/summary.js';

export const axes = parseAxes(['a=1,2', 'b=x,y'], false);
export const cells = gridCells(axes); // c01 a=1 b=x, c02 a=1 b=y, c03 a=2 b=x, c04 a=2 b=y

export function ok(cell: string, seed: number, numbers: Partial<Record<NumberColumn, number>>): ResultRow {
  const values = cells.find((c) => c.id === cell)!.values;
  return { cell, values, dataset: 'd', seed, status: 'ok', error: '', numbers: { ...emptyNumbers(), ...numbers }, modelSource: '' };
}

export const failed = (cell: string, seed: number, error = 'boom at bar 500'): ResultRow => ({ ...ok(cell, seed, {}), status: 'failed', error });

export const rows: ResultRow[] = [
  ok('c01', 1, { sharpe: 2, maxDrawdownPct: 30, returnPct: 10, dailySharpe: 0.1, dailyReturns: 100, dailySkewness: -0.5, dailyKurtosis: 4 }),
  ok('c01', 2, { sharpe: 3, maxDrawdownPct: 20, returnPct: 12, dailySharpe: 0.2, dailyReturns: 120, dailySkewness: 0.1, dailyKurtosis: 6 }),
  ok('c02', 1, { sharpe: 1, maxDrawdownPct: 5, returnPct: 3, dailySharpe: 0.05, dailyReturns: 110, dailySkewness: 0, dailyKurtosis: 3 }),
  ok('c02', 2, { sharpe: 1, maxDrawdownPct: 6, returnPct: 4, dailySharpe: 0.05, dailyReturns: 110, dailySkewness: 0, dailyKurtosis: 3 }),
  ok('c03', 1, { sharpe: -1, maxDrawdownPct: 50, returnPct: -8, dailySharpe: -0.05, dailyReturns: 110, dailySkewness: 0, dailyKurtosis: 3 }),
  ok('c03', 2, { sharpe: -0.5, maxDrawdownPct: 40, returnPct: -4, dailySharpe: -0.03, dailyReturns: 110, dailySkewness: 0, dailyKurtosis: 3 }),
  failed('c04', 1),
  failed('c04', 2),
];

export const input = { axes, cells, datasets: ['d'], seeds: [1, 2], rows, complete: true } as const;

export const context: ReportContext = {
  policy: 'random',
  search: { mode: 'grid' },
  axes,
  seeds: [1, 2],
  datasets: [
    {
      key: 'd',
      name: 'd',
      bars: 1_000,
      synthetic: true,
      fingerprint: 'sha256:00',
      train: null,
      embargoBars: 0,
      evaluation: { start: '2024-01-01T00:00:00Z', end: '2024-02-12T16:00:00Z', bars: 1_000 },
    },
  ],
  trainFrac: null,
  configFile: null,
  folder: 'runs/sweep-x',
  replaylab: '0.1.0',
};
