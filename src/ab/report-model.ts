/**
 * The A/B report as data (`report.json`): everything `report.md`, `report.html` and the terminal
 * summary show comes from this object, so the three never disagree. Numbers that are not finite
 * (a profit factor with no losing trade, a Sharpe with no variance) are written as null in JSON.
 */
import type { Interval, Verdict } from '../stats/ab-statistics.js';
import type { DatasetInfo } from '../runner/markets.js';

export type ArmKey = 'a' | 'b';

/**
 * The metrics the A/B reports, in report order. `higherIsBetter` null: neither direction is better
 * (trades), so its probability is plain P(B > A) and it cannot be the verdict metric.
 */
export const AB_METRICS = [
  { key: 'returnPct', label: 'Return', unit: '%', higherIsBetter: true },
  { key: 'sharpe', label: 'Sharpe', unit: '', higherIsBetter: true },
  { key: 'sortino', label: 'Sortino', unit: '', higherIsBetter: true },
  { key: 'maxDrawdownPct', label: 'Max drawdown', unit: '%', higherIsBetter: false },
  { key: 'winRatePct', label: 'Win rate', unit: '%', higherIsBetter: true },
  { key: 'profitFactor', label: 'Profit factor', unit: '', higherIsBetter: true },
  { key: 'trades', label: 'Trades', unit: '', higherIsBetter: null },
] as const;
export type AbMetricKey = (typeof AB_METRICS)[number]['key'];

export interface ArmInfo {
  readonly label: string;
  /** Built-in policy name or module path. */
  readonly policy: string;
  readonly configFile: string | null;
  /** Whether the policy learns (rl-v1, rl-v2): trained on each fold's training part, evaluated frozen. */
  readonly learns: boolean;
}

/** IQM, mean and median of a set of scores, each with its bootstrap CI; n = scores used. */
export interface EstimateSet {
  readonly n: number;
  readonly iqm: Interval;
  readonly mean: Interval;
  readonly median: Interval;
}

export interface MetricComparison {
  readonly key: AbMetricKey;
  readonly label: string;
  readonly unit: string;
  readonly higherIsBetter: boolean | null;
  readonly a: EstimateSet;
  readonly b: EstimateSet;
  /** Paired differences B − A (same task, same seed). */
  readonly difference: EstimateSet;
  /** P(B better than A): P(B > A), or P(B < A) for a metric where lower is better (plain P(B > A) when neither is). */
  readonly probabilityBBetter: Interval;
}

/** A task: one dataset and one walk-forward fold (the test window the runs are scored on). */
export interface TaskInfo {
  readonly id: string;
  readonly dataset: string;
  readonly fold: number;
  readonly train: { readonly start: string; readonly end: string; readonly bars: number } | null;
  readonly test: { readonly start: string; readonly end: string; readonly bars: number };
}

export interface AgentEnd {
  readonly agent: string;
  readonly epsilon: number;
  readonly updates: number;
  readonly states: number;
  /** States added in the last third of training (null when not trained). */
  readonly newStatesLastThird: number | null;
  /** Mean |Q change| per update in the first and last third of training (null when not trained). */
  readonly meanAbsChangeFirstThird: number | null;
  readonly meanAbsChangeLastThird: number | null;
}

export interface AbRunRecord {
  readonly id: string;
  readonly arm: ArmKey;
  readonly task: string;
  readonly seed: number;
  readonly status: 'ok' | 'failed' | 'cancelled';
  readonly error: string | null;
  /** The run's evaluation metrics (the A/B metrics, PSR and final equity); null when it failed. */
  readonly metrics: (Record<AbMetricKey, number | null> & { readonly psr: number | null; readonly finalEquity: number | null }) | null;
  /** Learning policies: each agent at the end of the run. */
  readonly agents: readonly AgentEnd[] | null;
}

/** Across the seeds of one arm on one task, per day: median and the 10th–90th percentile band. */
export interface CurveBand {
  readonly runs: number;
  readonly median: readonly number[];
  readonly low: readonly number[];
  readonly high: readonly number[];
}

export interface TaskCurves {
  readonly task: string;
  /** UTC dates (YYYY-MM-DD): the start, then each day's last close. */
  readonly days: readonly string[];
  /** Equity as a multiple of the starting cash. */
  readonly equity: Readonly<Record<ArmKey, CurveBand | null>>;
  /** Drawdown from the running peak, % (≤ 0). */
  readonly drawdown: Readonly<Record<ArmKey, CurveBand | null>>;
}

export type ChecklistStatus = 'pass' | 'fail' | 'n/a';

export interface ChecklistItem {
  readonly criterion: string;
  readonly status: ChecklistStatus;
  readonly detail: string;
}

export interface AbReport {
  readonly format: 'replaylab-ab';
  readonly version: 1;
  readonly arms: Readonly<Record<ArmKey, ArmInfo>>;
  readonly datasets: readonly DatasetInfo[];
  readonly design: {
    readonly seeds: readonly number[];
    readonly folds: number;
    /** 'walk-forward' (expanding training window), 'train-frac' (one split) or 'none' (learning through the whole period). */
    readonly split: 'walk-forward' | 'train-frac' | 'none';
    readonly trainFrac: number | null;
    readonly embargoBars: number;
    readonly tasks: readonly TaskInfo[];
    readonly costs: { readonly feeRate: number; readonly slippageBps: number; readonly cash: number };
    readonly returnFrequency: 'daily';
    readonly periodsPerYear: number;
    readonly riskFreeRate: number;
    readonly bootstrap: { readonly reps: number; readonly probabilityReps: number; readonly level: number; readonly seed: number };
  };
  readonly primary: {
    readonly metric: AbMetricKey;
    readonly label: string;
    readonly probabilityBBetter: Interval;
    readonly verdict: Verdict | 'no verdict';
    /** One sentence: what the verdict means and why. */
    readonly reading: string;
  };
  readonly metrics: readonly MetricComparison[];
  /** PSR (P(true Sharpe > 0)) of the runs of each arm: the median, and how many reach 0.95. */
  readonly psr: Readonly<Record<ArmKey, { readonly runs: number; readonly median: number; readonly atLeast95: number }>>;
  readonly checklist: readonly ChecklistItem[];
  readonly runs: readonly AbRunRecord[];
  readonly counts: { readonly planned: number; readonly ok: number; readonly failed: number; readonly cancelled: number };
  readonly complete: boolean;
  readonly curves: readonly TaskCurves[];
  readonly warnings: readonly string[];
  /** What differs between two runs of the same A/B: when and how it ran. */
  readonly generated: {
    readonly at: string;
    readonly replaylab: string;
    readonly node: string;
    readonly command: string;
    readonly workers: number;
    readonly wallMs: number;
    readonly replayMs: number;
  };
}
