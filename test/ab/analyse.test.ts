/** The go-live checklist and the verdict's reading, from hand-made runs. */
import { describe, expect, it } from 'vitest';
import { goLiveChecklist, primaryVerdict } from '../../src/ab/analyse.js';
import type { AbRunRecord, AgentEnd, MetricComparison } from '../../src/ab/report-model.js';

const interval = (point: number, low = point, high = point) => ({ point, low, high });
const set = (point: number) => ({ n: 4, iqm: interval(point), mean: interval(point), median: interval(point) });
function metric(key: MetricComparison['key'], a: number, b: number, p: [number, number, number], higherIsBetter: boolean | null = true): MetricComparison {
  return { key, label: key, unit: key.endsWith('Pct') ? '%' : '', higherIsBetter, a: set(a), b: set(b), difference: set(b - a), probabilityBBetter: interval(...p) };
}
const metrics = [
  metric('winRatePct', 40, 45, [0.7, 0.55, 0.85]),
  metric('sharpe', 1, 0.8, [0.45, 0.3, 0.6]),
  metric('maxDrawdownPct', 10, 8, [0.6, 0.4, 0.8], false),
];
const agent = (over: Partial<AgentEnd>): AgentEnd => ({
  agent: 'rl-v2-meta',
  epsilon: 0.05,
  updates: 900,
  states: 120,
  newStatesLastThird: 4,
  meanAbsChangeFirstThird: 0.02,
  meanAbsChangeLastThird: 0.01,
  ...over,
});
const run = (arm: 'a' | 'b', agents: AgentEnd[] | null): AbRunRecord => ({ id: `${arm}:t:s1`, arm, task: 't', seed: 1, status: 'ok', error: null, metrics: null, agents });
const labels = { a: 'rl-v1', b: 'rl-v2' };
const counts = { planned: 4, ok: 4, failed: 0, cancelled: 0 };

describe('go-live checklist', () => {
  it('compares IQMs in the right direction and says when P does not establish the difference', () => {
    const items = goLiveChecklist(metrics, [run('b', [agent({})])], counts, labels, []);
    expect(items.map((i) => [i.criterion, i.status])).toEqual([
      ["Win rate ≥ rl-v1's", 'pass'],
      ["Sharpe ratio ≥ rl-v1's", 'fail'],
      ["Max drawdown ≤ rl-v1's", 'pass'],
      ['Exploiting more than exploring (ε < 0.1)', 'pass'],
      ['Q-values converging (|ΔQ| per update falling)', 'pass'],
      ['Q-tables growing during training', 'pass'],
      ['No critical errors', 'pass'],
      ['Not worse than rl-v1 in 3 A/Bs in a row (the guide\'s revert rule)', 'n/a'],
    ]);
    expect(items[0]!.detail).not.toMatch(/not established/);
    expect(items[1]!.detail).toMatch(/contains 0\.5, so the difference is not established/);
    expect(items[4]!.detail).toMatch(/50% of the first third's \(median of 1 run\)/);
  });

  it('fails ε ≥ 0.1 and Q-values that move more at the end, and applies the revert rule to the last three verdicts', () => {
    const items = goLiveChecklist(metrics, [run('b', [agent({ epsilon: 0.12, meanAbsChangeLastThird: 0.03 })])], { ...counts, failed: 1 }, labels, [
      { verdict: 'worse' },
      { verdict: 'worse' },
      { verdict: 'worse' },
    ]);
    const status = Object.fromEntries(items.map((i) => [i.criterion.split(' (')[0], i.status]));
    expect(status['Exploiting more than exploring']).toBe('fail');
    expect(status['Q-values converging']).toBe('fail');
    expect(status['No critical errors']).toBe('fail');
    expect(items.at(-1)!.status).toBe('fail');
    expect(goLiveChecklist(metrics, [], counts, labels, [{ verdict: 'worse' }, { verdict: 'inconclusive' }, { verdict: 'worse' }]).at(-1)!.status).toBe('pass');
  });

  it('marks the agent criteria n/a when B does not learn', () => {
    const items = goLiveChecklist(metrics, [run('b', null)], counts, { a: 'random', b: 'buy-and-hold' }, []);
    expect(items.slice(3, 6).map((i) => i.status)).toEqual(['n/a', 'n/a', 'n/a']);
    expect(items[3]!.detail).toBe('buy-and-hold does not learn (no Q-tables)');
  });
});

describe('verdict reading', () => {
  it('states the interval and what it means, in the direction of the metric', () => {
    const better = primaryVerdict(metric('maxDrawdownPct', 10, 8, [0.8, 0.62, 0.93], false), labels, true, 8, 3);
    expect(better.verdict).toBe('better');
    expect(better.reading).toBe(
      'rl-v2 is better: P(rl-v2 better than rl-v1 on maxDrawdownPct, lower is better) = 0.80 [0.62, 0.93] (95% bootstrap CI; 8 runs per arm over 3 tasks); the whole interval lies above 0.5.',
    );
    expect(primaryVerdict(metric('sharpe', 1, 1, [0.5, 0.3, 0.7]), labels, true, 8, 3).reading).toMatch(/^Inconclusive: .* cannot tell the arms apart on sharpe/);
    expect(primaryVerdict(metric('sharpe', 1, 0, [0.2, 0.1, 0.4]), labels, true, 8, 3).verdict).toBe('worse');
    expect(primaryVerdict(metric('sharpe', 1, 2, [0.9, 0.8, 1]), labels, false, 1, 3).verdict).toBe('no verdict');
  });

  it('gives no better/worse verdict from fewer than 4 seeds per task, however narrow the interval', () => {
    const one = primaryVerdict(metric('sharpe', 1, 2, [1, 1, 1]), labels, true, 1, 1);
    expect(one.verdict).toBe('inconclusive');
    expect(one.reading).toMatch(/with fewer than 4 seeds per task, no interval of P can be trusted.*--seeds 4 or more/);
    expect(primaryVerdict(metric('sharpe', 1, 2, [1, 1, 1]), labels, true, 3, 3).verdict).toBe('inconclusive');
    expect(primaryVerdict(metric('sharpe', 1, 2, [1, 1, 1]), labels, true, 4, 3).verdict).toBe('better');
  });
});
