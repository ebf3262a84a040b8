/** Recommendations from a sweep's measured cells: the best cell's values, P(best > runner-up), the DSR. */
import { describe, expect, it } from 'vitest';
import { HYPERPARAMETER_KEY, adviseFromSummary, confidenceOf, renderSweepAdvice } from '../../src/ops/tune-sweep.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { gridCells } from '../../src/sweep/cells.js';
import { emptyNumbers, type ResultRow } from '../../src/sweep/results-csv.js';
import { summarizeSweep } from '../../src/sweep/summary.js';
import { axes as policyAxes, input as fixture } from '../helpers/sweep-summary-fixture.js';

const hyperAxes = parseAxes(['agents.v2.meta.alpha=0.01,0.05', 'agents.v2.meta.epsilon=0.05,0.2'], false);
const hyperCells = gridCells(hyperAxes);

/** Eight seeds per cell on one dataset: Sharpe = base + seed noise. */
function rows(base: Record<string, number>): ResultRow[] {
  return hyperCells.flatMap((cell) =>
    Array.from({ length: 8 }, (_, s) => {
      const sharpe = base[cell.id]! + ((s * 37) % 11) / 10;
      return {
        cell: cell.id,
        values: cell.values,
        dataset: 'd',
        seed: s + 1,
        status: 'ok' as const,
        error: '',
        numbers: { ...emptyNumbers(), sharpe, maxDrawdownPct: 30 - sharpe, dailySharpe: sharpe / 19, dailyReturns: 400, dailySkewness: 0, dailyKurtosis: 3 },
        modelSource: '' as const,
      };
    }),
  );
}

function advise(base: Record<string, number>, metric: 'sharpe' | 'maxDrawdownPct' = 'sharpe') {
  const summary = summarizeSweep({ axes: hyperAxes, cells: hyperCells, datasets: ['d'], seeds: [1, 2, 3, 4, 5, 6, 7, 8], metric, rows: rows(base), complete: true });
  return adviseFromSummary({ folder: '/sweeps/s', policy: 'rl-v2', axes: hyperAxes, datasets: ['d'], configFile: null, summary });
}

describe('adviseFromSummary', () => {
  it("recommends the best cell's hyperparameters and is sure when it beats the runner-up and survives deflation", () => {
    const advice = advise({ c01: 0, c02: 3, c03: 0.5, c04: 0.2 });
    expect(advice.best!.id).toBe('c02');
    expect(advice.runnerUp!.id).toBe('c03');
    expect(advice.recommendations).toEqual([
      { key: 'agents.v2.meta.alpha', value: 0.01, target: 'config', hyperparameter: true },
      { key: 'agents.v2.meta.epsilon', value: 0.2, target: 'config', hyperparameter: true },
    ]);
    expect(advice.probabilityBestBetter).toEqual({ point: 1, low: 1, high: 1 }); // every run of c02 beats every run of c03
    expect(advice.dsr!.dsr).toBeGreaterThan(0.95);
    expect(advice.confidence).toBe('significant');
    expect(advice.verdict).toMatch(/^best cell c02 \(agents.v2.meta.alpha=0.01, agents.v2.meta.epsilon=0.2\): Sharpe IQM .* P\(best > runner-up\) 1.00 \[1.00, 1.00\]; DSR \d\.\d\d of 4 cells: significant/);
  });

  it('is not significant when the best cell does not measurably beat the runner-up', () => {
    const advice = advise({ c01: 0, c02: 0.55, c03: 0.5, c04: 0.2 });
    expect(advice.best!.id).toBe('c02');
    expect(advice.probabilityBestBetter!.low).toBeLessThanOrEqual(0.5);
    expect(advice.confidence).toBe('not-significant');
    expect(advice.verdict).toMatch(/not significant \(the CI of P contains 0.5/);
  });

  it('ranks a lower-is-better metric the right way round', () => {
    const advice = advise({ c01: 0, c02: 3, c03: 0.5, c04: 0.2 }, 'maxDrawdownPct');
    expect(advice.best!.id).toBe('c02'); // lowest drawdown (30 − Sharpe)
    expect(advice.probabilityBestBetter!.point).toBe(1);
  });

  it('says when the sweep swept no hyperparameter', () => {
    const summary = summarizeSweep({ ...fixture, metric: 'sharpe' });
    const advice = adviseFromSummary({ folder: '/sweeps/r', policy: 'random', axes: policyAxes, datasets: ['d'], configFile: null, summary });
    expect(advice.hyperparameterKeys).toEqual([]);
    expect(advice.recommendations.every((r) => r.target === 'policy')).toBe(true);
    const text = renderSweepAdvice(advice, 'replaylab tune /sweeps/r --apply --out x.json');
    expect(text).toContain('The sweep swept no hyperparameter (α, γ, ε of agents.v2.meta, agents.v2.sizing or agents.v1.q): it swept a, b.');
    expect(text).toContain('Nothing a config file can hold: pass the policy parameters with --param.');
  });
});

describe('HYPERPARAMETER_KEY and confidenceOf', () => {
  it('knows the Q-learning keys of each agent', () => {
    expect(['agents.v2.meta.alpha', 'agents.v2.sizing.epsilonMin', 'agents.v1.q.gamma'].every((k) => HYPERPARAMETER_KEY.test(k))).toBe(true);
    expect(['agents.v2.weights', 'engine.feeRate', 'alpha', 'agents.v1.leverage'].some((k) => HYPERPARAMETER_KEY.test(k))).toBe(false);
  });

  it('needs both the CI of P above 0.5 and a DSR of 0.95', () => {
    const dsr = (value: number) => ({ dsr: value }) as Parameters<typeof confidenceOf>[1];
    expect(confidenceOf({ point: 0.8, low: 0.6, high: 0.9 }, dsr(0.97))).toBe('significant');
    expect(confidenceOf({ point: 0.8, low: 0.6, high: 0.9 }, dsr(0.6))).toBe('beats-runner-up');
    expect(confidenceOf({ point: 0.7, low: 0.5, high: 0.9 }, dsr(0.99))).toBe('not-significant');
    expect(confidenceOf(null, dsr(0.99))).toBe('n/a');
  });
});
