/** The plan: cell configs and params, checks before any data is read, periods shared by every cell, run order, resume checks. */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/run-config.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { gridCells } from '../../src/sweep/cells.js';
import {
  cellConfigInput,
  cellPolicyParams,
  checkPlanInputs,
  configPathsEndingWith,
  SweepDocumentSchema,
  datasetPeriods,
  nestedValue,
  planOfDocument,
  sweepDocument,
  planDifferences,
  plannedRuns,
  type SweepPlan,
} from '../../src/sweep/plan.js';

function planOf(flags: string[], overrides: Partial<SweepPlan> = {}): SweepPlan {
  const axes = parseAxes(flags, false);
  return {
    policy: { name: 'random', kind: 'builtin', file: null, sha256: null },
    search: { mode: 'grid' },
    axes,
    cells: gridCells(axes),
    seeds: [1, 2],
    datasets: [
      { key: 'a', path: '/data/a' },
      { key: 'b', path: '/data/b' },
    ],
    trainFrac: null,
    metric: 'sharpe',
    config: { file: null, contents: null },
    ...overrides,
  };
}

describe('cells as runs', () => {
  it('nests a dotted path', () => {
    expect(nestedValue('agents.v2.meta.alpha', 0.05)).toEqual({ agents: { v2: { meta: { alpha: 0.05 } } } });
  });

  it('puts config values over the config file, policy values into the params', () => {
    const plan = planOf(['agents.v2.meta.alpha=0.01,0.05', 'probability=0.1'], {
      config: { file: 'c.json', contents: { agents: { v2: { meta: { gamma: 0.9, alpha: 0.2 } } }, engine: { feeRate: 0.001 } } },
    });
    const cell = plan.cells[1]!;
    expect(cellConfigInput(plan, cell)).toEqual({ agents: { v2: { meta: { gamma: 0.9, alpha: 0.05 } } }, engine: { feeRate: 0.001 } });
    expect(cellPolicyParams(plan, cell)).toEqual({ probability: 0.1 });
  });

  it('lists the runs by cell, dataset and seed, every cell on the same periods and seeds', () => {
    const plan = planOf(['probability=0.01,0.05']);
    const periods = datasetPeriods(
      [
        { key: 'a', bars: 1_000 },
        { key: 'b', bars: 2_000 },
      ],
      null,
      [resolveConfig({})],
    );
    const runs = plannedRuns(plan, periods);
    expect(runs.map((r) => r.spec.id)).toEqual(['c01/d1/s1', 'c01/d1/s2', 'c01/d2/s1', 'c01/d2/s2', 'c02/d1/s1', 'c02/d1/s2', 'c02/d2/s1', 'c02/d2/s2']);
    const a = { startIndex: 0, endIndex: 1_000 };
    const b = { startIndex: 0, endIndex: 2_000 };
    expect(runs.map((r) => r.spec.period)).toEqual([a, a, b, b, a, a, b, b]);
    expect(runs.map((r) => r.spec.seed)).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
    expect(runs[4]!.spec.policy).toEqual({ name: 'random', params: { probability: 0.05 } });
    expect(runs.every((r) => r.spec.train === undefined)).toBe(true);
  });

  it('with --train-frac, embargoes every cell by the longest lookback of any cell', () => {
    const configs = [resolveConfig({}), resolveConfig({ features: { volatilityRankWindow: 800 } })];
    const [split] = datasetPeriods([{ key: 'a', bars: 10_000 }], 0.7, configs);
    expect(split).toEqual({ dataset: 'a', train: { startIndex: 0, endIndex: 7_000 }, embargoBars: 819, evaluation: { startIndex: 7_819, endIndex: 10_000 } });
    const [alone] = datasetPeriods([{ key: 'a', bars: 10_000 }], 0.7, configs.slice(0, 1));
    expect(alone!.embargoBars).toBe(519);
  });
});

describe('checkPlanInputs', () => {
  const check = (flags: string[], policyName = 'random', contents: Record<string, unknown> | null = null) => {
    const axes = parseAxes(flags, false);
    return checkPlanInputs(
      { axes, cells: gridCells(axes), config: { file: contents === null ? null : 'my.json', contents }, seeds: [1], policyName },
      new Map(flags.map((f) => [f.split('=')[0]!, f])),
    );
  };

  it('resolves each cell config and loads the policy', async () => {
    const { policy, configs } = await check(['engine.feeRate=0.001,0.002', 'probability=0.1']);
    expect(policy.kind).toBe('builtin');
    expect(configs.map((c) => c.engine.feeRate)).toEqual([0.001, 0.002]);
  });

  it('names the flag and the value a config field refuses', async () => {
    await expect(check(['engine.feeRate=0.001,0.5'])).rejects.toThrow(/--param engine\.feeRate=0\.001,0\.5: value 0\.5: invalid configuration:\n {2}- engine\.feeRate: Too big/);
  });

  it('names the flag and the value a built-in policy refuses, with config fields of that name', async () => {
    await expect(check(['probability=0.1,2'])).rejects.toThrow("--param probability=0.1,2: 'probability' is not a config field, so it is a parameter of policy random, which refused 2");
    await expect(check(['alpha=0.1'], 'rl-v2')).rejects.toThrow('(config fields named alpha: agents.v2.meta.alpha, agents.v2.sizing.alpha, agents.v1.q.alpha)');
    expect(configPathsEndingWith('feeRate')).toEqual(['engine.feeRate']);
  });

  it('names the cell whose combination breaks a rule across fields', async () => {
    await expect(check(['signals.dualMomentum.shortLookback=12,40', 'signals.dualMomentum.longLookback=30,48'])).rejects.toThrow(
      /cell c03 \(signals\.dualMomentum\.shortLookback=40, signals\.dualMomentum\.longLookback=30\): invalid configuration:\n {2}- signals\.dualMomentum\.shortLookback: must be below longLookback \(30\)/,
    );
  });

  it('refuses an unknown policy and a bad config file', async () => {
    await expect(check(['probability=0.1'], 'no-such-policy')).rejects.toThrow('unknown policy "no-such-policy"');
    await expect(check(['probability=0.1'], 'random', { engine: { fee: 1 } })).rejects.toThrow(/my\.json: invalid configuration/);
  });
});

describe('sweep.json', () => {
  it('reads back as the plan it was written from', () => {
    const plan = planOf(['agents.v2.weights=[0.3,0.5],[0.4]', 'probability=0.01,0.05'], {
      search: { mode: 'random', cells: 3, seed: 7 },
      config: { file: 'c.json', contents: { engine: { feeRate: 0.001 } } },
      trainFrac: 0.7,
    });
    const info = { name: 'a', symbol: null, interval: '1h', bars: 1_000, trades: 0, start: 's', end: 'e', synthetic: false, fingerprint: 'sha256:ab', gaps: { count: 0, missingBars: 0 } };
    const document = sweepDocument({
      plan,
      datasets: plan.datasets.map((d) => ({ ...info, key: d.key, path: d.path })),
      periods: [],
      status: 'incomplete',
      version: '0.1.0',
      createdAt: '2026-01-01T00:00:00.000Z',
      commands: ['replaylab sweep …'],
      progress: { planned: 16, ok: 3, failed: 1, notRun: 12 },
    });
    const read = SweepDocumentSchema.parse(JSON.parse(JSON.stringify(document)));
    expect(read.status).toBe('incomplete');
    expect(read.runs).toEqual({ planned: 16, ok: 3, failed: 1, notRun: 12 });
    expect(planOfDocument(read)).toEqual(plan);
    expect(() => SweepDocumentSchema.parse({ ...document, format: 'other' })).toThrow();
  });
});

describe('planDifferences', () => {
  it('is empty when the flags given agree, and names each flag that differs', () => {
    const plan = planOf(['probability=0.01,0.05']);
    expect(planDifferences(plan, {})).toEqual([]);
    expect(planDifferences(plan, { policy: 'random', axes: parseAxes(['probability=0.01,0.05'], false), seeds: [1, 2], metric: 'sharpe', datasets: ['/data/a', '/data/b'] })).toEqual([]);
    const differences = planDifferences(plan, { axes: parseAxes(['probability=0.01,0.1'], false), seeds: [1, 2, 3], metric: 'returnPct', trainFrac: 0.7 });
    expect(differences).toEqual([
      '--param: the sweep has ["probability=0.01,0.05"], the flags say ["probability=0.01,0.1"]',
      '--seeds: the sweep has 2, the flags say 3',
      '--train-frac: the sweep has null, the flags say 0.7',
      '--metric: the sweep has "sharpe", the flags say "returnPct"',
    ]);
  });
});
