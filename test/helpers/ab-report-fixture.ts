/**
 * A hand-made, plausible `AbReport` for the report renderers' tests: rl-v1 (A) vs rl-v2 (B) on one
 * synthetic dataset in two walk-forward folds (2 tasks), 3 seeds, 12 runs of which one failed
 * with an error that holds markup. Every number is written out or follows a simple formula, so
 * the fixture does not depend on the code that builds real reports.
 */
import type { AbMetricKey, AbReport, AbRunRecord, ArmKey, CurveBand, EstimateSet, MetricComparison, TaskCurves, TaskInfo } from '../../src/ab/report-model.js';
import { AB_METRICS } from '../../src/ab/report-model.js';
import type { DatasetInfo } from '../../src/runner/markets.js';
import { iqm, mean, median } from '../../src/stats/index.js';

/** The failed run's error: a hostile string that must print as text. */
export const HOSTILE_ERROR = 'Error: policy threw <script>alert("pwned")</script> & <img src=x onerror=alert(1)> at bar 42';

export const DATASET: DatasetInfo = {
  key: 'datasets/synthetic-5m',
  name: 'synthetic-5m',
  path: 'datasets/synthetic-5m',
  symbol: 'SYNTHUSDT',
  interval: '5m',
  bars: 12_960,
  trades: 44_514,
  start: '2024-01-01T00:00:00Z',
  end: '2024-02-15T00:00:00Z',
  synthetic: true,
  fingerprint: 'sha256:9f2c4e1a7b3d5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd',
  gaps: { count: 0, missingBars: 0 },
};

export const TASKS: readonly TaskInfo[] = [
  {
    id: 'synthetic-5m#1',
    dataset: DATASET.key,
    fold: 1,
    train: { start: '2024-01-01T00:00:00Z', end: '2024-01-21T00:00:00Z', bars: 5_760 },
    test: { start: '2024-01-21T00:00:00Z', end: '2024-02-02T00:00:00Z', bars: 3_456 },
  },
  {
    id: 'synthetic-5m#2',
    dataset: DATASET.key,
    fold: 2,
    train: { start: '2024-01-01T00:00:00Z', end: '2024-02-02T00:00:00Z', bars: 9_216 },
    test: { start: '2024-02-02T00:00:00Z', end: '2024-02-14T00:00:00Z', bars: 3_456 },
  },
];

export const SEEDS = [1, 2, 3] as const;

/** UTC days from `start` (YYYY-MM-DD), `count` of them. */
export function utcDays(start: string, count: number): string[] {
  const first = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(first + i * 86_400_000).toISOString().slice(0, 10));
}

type RunMetrics = NonNullable<AbRunRecord['metrics']>;

/** A run's metrics from its arm, task and seed: B a little better on average, seeds spread around. */
function runMetrics(arm: ArmKey, task: number, seed: number): RunMetrics {
  const edge = arm === 'b' ? 1 : 0;
  const wobble = ((seed * 7 + task * 3) % 5) - 2; // −2 … 2
  const returnPct = 1.5 + edge * 2.1 + wobble * 1.3 - task * 0.4;
  return {
    returnPct,
    sharpe: 0.6 + edge * 0.5 + wobble * 0.35,
    sortino: 0.9 + edge * 0.7 + wobble * 0.5,
    maxDrawdownPct: 6.5 - edge * 1.2 - wobble * 0.6,
    winRatePct: 48 + edge * 3 + wobble * 2,
    // One run without a losing trade: an infinite profit factor.
    profitFactor: arm === 'b' && task === 0 && seed === 2 ? Number.POSITIVE_INFINITY : 1.1 + edge * 0.2 + wobble * 0.08,
    trades: 40 + task * 6 + seed + edge * 3,
    psr: Math.min(0.99, Math.max(0.05, 0.55 + edge * 0.2 + wobble * 0.12)),
    finalEquity: 10_000 * (1 + returnPct / 100),
  };
}

export interface FixtureOptions {
  /** Leave out arm B's band on the second task (no successful run there). */
  readonly nullBandB?: boolean;
  /** Curves of a single day (the start only) on every task. */
  readonly singleDay?: boolean;
}

function estimates(values: readonly number[]): EstimateSet {
  const finite = values.filter(Number.isFinite);
  const around = (point: number) => ({ point, low: point - 0.4 * Math.abs(point) - 0.1, high: point + 0.3 * Math.abs(point) + 0.1 });
  return { n: finite.length, iqm: around(iqm(finite)), mean: around(mean(finite)), median: around(median(finite)) };
}

function curveBand(days: number, growth: number, runs: number): { equity: CurveBand; drawdown: CurveBand } {
  const medianEquity = Array.from({ length: days }, (_, i) => 1 + growth * i + 0.012 * Math.sin(i / 1.7));
  const spread = (i: number) => 0.006 * Math.sqrt(i);
  let peak = Number.NEGATIVE_INFINITY;
  const drawdown = medianEquity.map((v) => {
    peak = Math.max(peak, v);
    return (v / peak - 1) * 100;
  });
  return {
    equity: { runs, median: medianEquity, low: medianEquity.map((v, i) => v - spread(i)), high: medianEquity.map((v, i) => v + spread(i) * 1.2) },
    drawdown: { runs, median: drawdown, low: drawdown.map((v, i) => v * 1.6 - 0.1 * Math.min(i, 1)), high: drawdown.map((v) => v * 0.4) },
  };
}

export function makeAbReport(options: FixtureOptions = {}): AbReport {
  const runs: AbRunRecord[] = [];
  for (const arm of ['a', 'b'] as const) {
    TASKS.forEach((task, t) => {
      for (const seed of SEEDS) {
        const failed = arm === 'b' && t === 1 && seed === 3;
        runs.push({
          id: `${arm}-t${t + 1}-s${seed}`,
          arm,
          task: task.id,
          seed,
          status: failed ? 'failed' : 'ok',
          error: failed ? HOSTILE_ERROR : null,
          metrics: failed ? null : runMetrics(arm, t, seed),
          agents: null,
        });
      }
    });
  }

  const scores = (arm: ArmKey, key: AbMetricKey) =>
    runs.filter((r) => r.arm === arm && r.metrics !== null).map((r) => r.metrics![key] ?? Number.NaN);
  const metrics: MetricComparison[] = AB_METRICS.map((m, k) => {
    const a = scores('a', m.key);
    const b = scores('b', m.key);
    const difference = b.map((v, i) => v - (a[i] ?? 0));
    const p = [0.79, 0.74, 0.72, 0.7, 0.66, 0.58, 0.61][k]!;
    return {
      key: m.key,
      label: m.label,
      unit: m.unit,
      higherIsBetter: m.higherIsBetter,
      a: estimates(a),
      b: estimates(b),
      difference: estimates(difference),
      probabilityBBetter: { point: p, low: p - 0.21, high: Math.min(1, p + 0.15) },
    };
  });

  const dayCount = options.singleDay === true ? 1 : 13;
  const curves: TaskCurves[] = TASKS.map((task, t) => {
    const a = curveBand(dayCount, 0.0015 + t * 0.001, 3);
    const b = curveBand(dayCount, 0.0032 - t * 0.0005, t === 1 ? 2 : 3);
    const noB = options.nullBandB === true && t === 1;
    return {
      task: task.id,
      days: utcDays(task.test.start.slice(0, 10), dayCount),
      equity: { a: a.equity, b: noB ? null : b.equity },
      drawdown: { a: a.drawdown, b: noB ? null : b.drawdown },
    };
  });

  return {
    format: 'replaylab-ab',
    version: 1,
    arms: {
      a: { label: 'RL v1', policy: 'rl-v1', configFile: null, learns: true },
      b: { label: 'RL v2', policy: 'rl-v2', configFile: 'configs/rl-v2.jsonc', learns: true },
    },
    datasets: [DATASET],
    design: {
      seeds: [...SEEDS],
      folds: 2,
      split: 'walk-forward',
      trainFrac: null,
      embargoBars: 288,
      tasks: TASKS,
      costs: { feeRate: 0.0004, slippageBps: 2, cash: 10_000 },
      returnFrequency: 'daily',
      periodsPerYear: 365,
      riskFreeRate: 0,
      bootstrap: { reps: 2_000, probabilityReps: 1_000, level: 0.95, seed: 7 },
    },
    primary: {
      metric: 'sharpe',
      label: 'Sharpe',
      probabilityBBetter: metrics[1]!.probabilityBBetter,
      verdict: 'better',
      reading: 'A run of RL v2 beats a run of RL v1 on Sharpe 74% of the time (95% CI 53%–89%), above 0.5 across the whole interval.',
    },
    metrics,
    psr: {
      a: { median: 0.55, atLeast95: 1, runs: 6 },
      b: { median: 0.75, atLeast95: 2, runs: 5 },
    },
    checklist: [
      { criterion: 'P(B better) on Sharpe: lower CI bound above 0.5', status: 'pass', detail: '0.53 > 0.5' },
      { criterion: 'Max drawdown of B no worse than A (IQM)', status: 'pass', detail: '5.3% vs 6.5%' },
      { criterion: 'Every run finished', status: 'fail', detail: '1 of 12 runs failed' },
      { criterion: 'Real (not synthetic) data', status: 'fail', detail: 'synthetic-5m is synthetic' },
      { criterion: 'Q-tables converged', status: 'n/a', detail: 'not measured in this fixture' },
    ],
    runs,
    counts: { planned: 12, ok: 11, failed: 1, cancelled: 0 },
    complete: false,
    curves,
    warnings: ['synthetic-5m is synthetic data: the verdict says nothing about real markets.', 'Run b-t2-s3 failed; its task has 2 seeds for B.'],
    generated: {
      at: '2026-11-21T12:00:00Z',
      replaylab: '0.1.0',
      node: 'v20.19.0',
      command: 'replaylab ab --a rl-v1 --b rl-v2 --dataset datasets/synthetic-5m --seeds 3 --folds 2',
      workers: 4,
      wallMs: 12_345,
      replayMs: 40_120,
    },
  };
}
