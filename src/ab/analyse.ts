/**
 * From the runs of an A/B to its report (reference/statistics.md): per arm the IQM, mean and
 * median of each metric with stratified-bootstrap CIs across (task × seed), the paired differences
 * B − A, P(B better than A) with its CI, PSR per run, the verdict on the primary metric, the go-live
 * checklist of the team's RL v2 guide, and the equity and drawdown bands the HTML report draws.
 */
import { Rng } from '../config/random.js';
import type { RunOutcome, RunOutcomeOk } from '../runner/execute-spec.js';
import {
  pooledEstimates,
  probabilityOfImprovementInterval,
  quantileSorted,
  verdictOf,
  type Interval,
  type PooledEstimates,
} from '../stats/ab-statistics.js';
import type { AbPlan } from './plan.js';
import {
  AB_METRICS,
  type AbMetricKey,
  type AbReport,
  type AbRunRecord,
  type AgentEnd,
  type ArmKey,
  type ChecklistItem,
  type CurveBand,
  type MetricComparison,
  type TaskCurves,
} from './report-model.js';

export interface BootstrapSettings {
  readonly reps: number;
  readonly probabilityReps: number;
  readonly level: number;
  readonly seed: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapSettings = { reps: 20_000, probabilityReps: 2_000, level: 0.95, seed: 1 };


interface RlAgentSummary {
  agent: string;
  states: number;
  updatesThisRun: number;
  updates: number;
  epsilon: number;
  learning: { first: { meanAbsChange: number; newStates: number }; last: { meanAbsChange: number; newStates: number } } | null;
}

const finiteOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** The value of a metric in a run, Infinity kept (a profit factor without losses), NaN for none. */
function metricValue(outcome: RunOutcomeOk, key: AbMetricKey): number {
  const value = (outcome.metrics as unknown as Record<string, unknown>)[key];
  return typeof value === 'number' ? value : Number.NaN;
}

function agentsOf(outcome: RunOutcomeOk): AgentEnd[] | null {
  const evaluation = (outcome.metrics as { rl?: { agents: RlAgentSummary[] } }).rl;
  if (evaluation === undefined) return null;
  // The training part (when there is one) is where the tables learned; without one, the run itself.
  const learned = (outcome.training as { rl?: { agents: RlAgentSummary[] } } | null)?.rl ?? evaluation;
  return evaluation.agents.map((agent, k) => {
    const trained = learned.agents[k]!;
    return {
      agent: agent.agent,
      epsilon: agent.epsilon,
      updates: agent.updates,
      states: agent.states,
      newStatesLastThird: trained.learning?.last.newStates ?? null,
      meanAbsChangeFirstThird: trained.learning?.first.meanAbsChange ?? null,
      meanAbsChangeLastThird: trained.learning?.last.meanAbsChange ?? null,
    };
  });
}

/** Per-task lists of a metric's values for one arm (NaN left out). */
function armScores(plan: AbPlan, outcomes: readonly RunOutcome[], arm: ArmKey, key: AbMetricKey): number[][] {
  const scores = plan.tasks.map(() => [] as number[]);
  plan.runs.forEach((run, i) => {
    const outcome = outcomes[i]!;
    if (run.arm !== arm || outcome.status !== 'ok') return;
    const value = metricValue(outcome, key);
    if (!Number.isNaN(value)) scores[run.task]!.push(value);
  });
  return scores;
}

/** Per-task lists of B − A for the (task, seed) pairs where both runs finished and the difference is a number. */
function pairedScores(plan: AbPlan, outcomes: readonly RunOutcome[], key: AbMetricKey): number[][] {
  const a = new Map<string, number>();
  const scores = plan.tasks.map(() => [] as number[]);
  plan.runs.forEach((run, i) => {
    const outcome = outcomes[i]!;
    if (run.arm === 'a' && outcome.status === 'ok') a.set(`${run.task}|${run.seed}`, metricValue(outcome, key));
  });
  plan.runs.forEach((run, i) => {
    const outcome = outcomes[i]!;
    if (run.arm !== 'b' || outcome.status !== 'ok') return;
    const base = a.get(`${run.task}|${run.seed}`);
    if (base === undefined) return;
    const difference = metricValue(outcome, key) - base;
    if (!Number.isNaN(difference)) scores[run.task]!.push(difference);
  });
  return scores;
}

const estimates = (e: PooledEstimates) => ({ n: e.n, iqm: e.iqm, mean: e.mean, median: e.median });

/** A seed per (metric, group) so each CI is the same whatever else the report computes. */
const streamSeed = (base: number, metric: number, group: number) => base * 1_000 + metric * 10 + group;

export function compareMetrics(plan: AbPlan, outcomes: readonly RunOutcome[], bootstrap: BootstrapSettings): MetricComparison[] {
  return AB_METRICS.map((metric, m) => {
    const a = armScores(plan, outcomes, 'a', metric.key);
    const b = armScores(plan, outcomes, 'b', metric.key);
    const better = metric.higherIsBetter === false ? [a, b] : [b, a];
    return {
      key: metric.key,
      label: metric.label,
      unit: metric.unit,
      higherIsBetter: metric.higherIsBetter,
      a: estimates(pooledEstimates(a, bootstrap.reps, new Rng(streamSeed(bootstrap.seed, m, 1)), bootstrap.level)),
      b: estimates(pooledEstimates(b, bootstrap.reps, new Rng(streamSeed(bootstrap.seed, m, 2)), bootstrap.level)),
      difference: estimates(pooledEstimates(pairedScores(plan, outcomes, metric.key), bootstrap.reps, new Rng(streamSeed(bootstrap.seed, m, 3)), bootstrap.level)),
      probabilityBBetter: probabilityOfImprovementInterval(better[0]!, better[1]!, bootstrap.probabilityReps, new Rng(streamSeed(bootstrap.seed, m, 4)), bootstrap.level),
    };
  });
}

/** Median and the 10th–90th percentile across runs, day by day. */
function band(series: readonly number[][]): CurveBand | null {
  if (series.length === 0) return null;
  const days = Math.min(...series.map((s) => s.length));
  const median: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  const column = new Float64Array(series.length);
  for (let d = 0; d < days; d++) {
    series.forEach((s, r) => (column[r] = s[d]!));
    column.sort();
    median.push(quantileSorted(column, 0.5));
    low.push(quantileSorted(column, 0.1));
    high.push(quantileSorted(column, 0.9));
  }
  return { runs: series.length, median, low, high };
}

function drawdownPct(growth: readonly number[]): number[] {
  let peak = Number.NEGATIVE_INFINITY;
  return growth.map((g) => {
    peak = Math.max(peak, g);
    return (g / peak - 1) * 100;
  });
}

export function taskCurves(plan: AbPlan, outcomes: readonly RunOutcome[], days: readonly (readonly string[])[]): TaskCurves[] {
  return plan.tasks.map((task, t) => {
    const growth: Record<ArmKey, number[][]> = { a: [], b: [] };
    plan.runs.forEach((run, i) => {
      const outcome = outcomes[i]!;
      if (run.task !== t || outcome.status !== 'ok') return;
      const start = outcome.dailyEquity[0]!;
      growth[run.arm].push(outcome.dailyEquity.map((e) => e / start));
    });
    return {
      task: task.info.id,
      days: days[t]!,
      equity: { a: band(growth.a), b: band(growth.b) },
      drawdown: { a: band(growth.a.map(drawdownPct)), b: band(growth.b.map(drawdownPct)) },
    };
  });
}

export function runRecords(plan: AbPlan, outcomes: readonly RunOutcome[]): AbRunRecord[] {
  return plan.runs.map((run, i) => {
    const outcome = outcomes[i]!;
    const base = { id: run.spec.id, arm: run.arm, task: plan.tasks[run.task]!.info.id, seed: run.seed };
    if (outcome.status !== 'ok') {
      const cancelled = outcome.error === 'cancelled';
      return { ...base, status: cancelled ? 'cancelled' : 'failed', error: outcome.error, metrics: null, agents: null };
    }
    const metrics = Object.fromEntries(AB_METRICS.map((m) => [m.key, finiteOrNull(metricValue(outcome, m.key))])) as Record<AbMetricKey, number | null>;
    return {
      ...base,
      status: 'ok',
      error: null,
      metrics: { ...metrics, psr: finiteOrNull(outcome.metrics.psr), finalEquity: finiteOrNull(outcome.metrics.finalEquity) },
      agents: agentsOf(outcome),
    };
  });
}

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : Number.isNaN(value) ? 'n/a' : value > 0 ? '∞' : '−∞');
export const formatInterval = (i: Interval, digits = 2) => `${fmt(i.point, digits)} [${fmt(i.low, digits)}, ${fmt(i.high, digits)}]`;

const sortedMedian = (values: readonly number[]) => quantileSorted(Float64Array.from(values).sort(), 0.5);

/** The go-live criteria of the RL v2 deployment guide ("Success Criteria"), B against A. */
export function goLiveChecklist(
  metrics: readonly MetricComparison[],
  runs: readonly AbRunRecord[],
  counts: AbReport['counts'],
  labels: Readonly<Record<ArmKey, string>>,
  history: readonly { verdict: string }[],
): ChecklistItem[] {
  const byKey = new Map(metrics.map((m) => [m.key, m]));
  const versus = (key: AbMetricKey, criterion: string): ChecklistItem => {
    const m = byKey.get(key)!;
    const a = m.a.iqm.point;
    const b = m.b.iqm.point;
    if (Number.isNaN(a) || Number.isNaN(b)) return { criterion, status: 'n/a', detail: 'no finished runs in one arm' };
    const ok = m.higherIsBetter ? b >= a : b <= a;
    const p = m.probabilityBBetter;
    const sure = p.low > 0.5 || p.high < 0.5 ? '' : '; the CI of P contains 0.5, so the difference is not established';
    return {
      criterion,
      status: ok ? 'pass' : 'fail',
      detail: `IQM ${labels.b} ${fmt(b)}${m.unit} vs ${labels.a} ${fmt(a)}${m.unit}; P(${labels.b} better) ${formatInterval(p)}${sure}`,
    };
  };
  const items: ChecklistItem[] = [
    versus('winRatePct', `Win rate ≥ ${labels.a}'s`),
    versus('sharpe', `Sharpe ratio ≥ ${labels.a}'s`),
    versus('maxDrawdownPct', `Max drawdown ≤ ${labels.a}'s`),
  ];
  const learning = runs.filter((r) => r.arm === 'b' && r.agents !== null);
  if (learning.length === 0) {
    const none = { status: 'n/a' as const, detail: `${labels.b} does not learn (no Q-tables)` };
    items.push({ criterion: 'Exploiting more than exploring (ε < 0.1)', ...none });
    items.push({ criterion: 'Q-values converging (|ΔQ| per update falling)', ...none });
    items.push({ criterion: 'Q-tables growing during training', ...none });
  } else {
    const agentNames = learning[0]!.agents!.map((a) => a.agent);
    const per = (name: string) => learning.map((r) => r.agents!.find((a) => a.agent === name)!);
    const eps = agentNames.map((name) => ({ name, values: per(name).map((a) => a.epsilon) }));
    const maxEps = Math.max(...eps.flatMap((e) => e.values));
    items.push({
      criterion: 'Exploiting more than exploring (ε < 0.1)',
      status: maxEps < 0.1 ? 'pass' : 'fail',
      detail: eps.map((e) => `${e.name} ε median ${fmt(sortedMedian(e.values), 4)}, max ${fmt(Math.max(...e.values), 4)}`).join('; ') + ` (after training, ${learning.length} runs)`,
    });
    const ratios = agentNames.map((name) => {
      const values = per(name)
        .filter((a) => a.meanAbsChangeFirstThird !== null && a.meanAbsChangeLastThird !== null && a.meanAbsChangeFirstThird > 0)
        .map((a) => a.meanAbsChangeLastThird! / a.meanAbsChangeFirstThird!);
      return { name, values };
    });
    const measured = ratios.filter((r) => r.values.length > 0);
    items.push({
      criterion: 'Q-values converging (|ΔQ| per update falling)',
      status: measured.length === 0 ? 'n/a' : measured.every((r) => sortedMedian(r.values) < 1) ? 'pass' : 'fail',
      detail:
        measured.length === 0
          ? 'too few updates in training to tell'
          : measured.map((r) => `${r.name}: mean |ΔQ| in the last third of training is ${fmt(sortedMedian(r.values) * 100, 0)}% of the first third's (median of ${r.values.length} run${r.values.length === 1 ? '' : 's'})`).join('; '),
    });
    const growth = agentNames.map((name) => {
      const agents = per(name);
      return { name, states: sortedMedian(agents.map((a) => a.states)), lastThird: sortedMedian(agents.map((a) => a.newStatesLastThird ?? 0)) };
    });
    items.push({
      criterion: 'Q-tables growing during training',
      status: growth.every((g) => g.states > 0) ? 'pass' : 'fail',
      detail: growth.map((g) => `${g.name}: median ${fmt(g.states, 0)} state${g.states === 1 ? '' : 's'}, ${fmt(g.lastThird, 0)} of them new in the last third of training`).join('; '),
    });
  }
  const notRun = counts.planned - counts.ok - counts.failed;
  items.push({
    criterion: 'No critical errors',
    status: counts.failed === 0 ? 'pass' : 'fail',
    detail:
      (counts.failed === 0 ? `no run failed (${counts.ok} of ${counts.planned} finished)` : `${counts.failed} of ${counts.planned} runs failed (listed under Runs)`) +
      (notRun > 0 ? `; ${notRun} did not run (interrupted)` : ''),
  });
  // `history` holds the earlier verdicts of the same comparison and, when this A/B finished, its own last.
  const recent = history.slice(-3);
  const includesThis = counts.cancelled === 0;
  items.push({
    criterion: `Not worse than ${labels.a} in 3 A/Bs in a row (the guide's revert rule)`,
    status: recent.length < 3 ? 'n/a' : recent.every((h) => h.verdict === 'worse') ? 'fail' : 'pass',
    detail:
      recent.length === 0
        ? 'no earlier A/B of these arms, datasets and metric in ab-history.jsonl'
        : `fails when the last 3 verdicts of the same comparison are all "worse"; the last ${recent.length === 1 ? 'verdict' : `${recent.length} verdicts`}${includesThis ? ', this one included' : ' (this interrupted A/B has none)'}: ${recent.map((h) => h.verdict).join(', ')}`,
  });
  return items;
}

export function psrSummary(runs: readonly AbRunRecord[]): AbReport['psr'] {
  const of = (arm: ArmKey) => {
    const values = runs.filter((r) => r.arm === arm && r.metrics?.psr != null).map((r) => r.metrics!.psr!);
    return { runs: values.length, median: values.length === 0 ? Number.NaN : sortedMedian(values), atLeast95: values.filter((v) => v >= 0.95).length };
  };
  return { a: of('a'), b: of('b') };
}

/**
 * Fewest seeds (runs per arm in a task) a verdict needs. With n runs per arm, the most lopsided
 * outcome has an exact one-sided Mann–Whitney p of 1/C(2n, n): 1/6 for n = 2, 1/20 for n = 3, 1/70
 * for n = 4. Below 4 the bootstrap interval of P, resampling so few runs, would be narrower than
 * the runs can show (one run per arm gives P = 1 [1, 1] from a single comparison).
 */
export const MIN_SEEDS_FOR_VERDICT = 4;

/** The verdict and its one-sentence reading. */
export function primaryVerdict(
  metric: MetricComparison,
  labels: Readonly<Record<ArmKey, string>>,
  complete: boolean,
  runsPerArm: number,
  tasks: number,
): AbReport['primary'] {
  const p = metric.probabilityBBetter;
  const direction = metric.higherIsBetter === false ? 'lower' : 'higher';
  const base = { metric: metric.key, label: metric.label, probabilityBBetter: p };
  if (!complete) {
    return { ...base, verdict: 'no verdict', reading: `The A/B did not finish (interrupted): the figures cover the runs that did, and no verdict is given.` };
  }
  if (Number.isNaN(p.point)) return { ...base, verdict: 'no verdict', reading: `No task has finished runs of both arms, so there is nothing to compare.` };
  const stated = `P(${labels.b} better than ${labels.a} on ${metric.label}, ${direction} is better) = ${formatInterval(p)} (95% bootstrap CI; ${runsPerArm} runs per arm over ${tasks} task${tasks === 1 ? '' : 's'})`;
  if (runsPerArm < MIN_SEEDS_FOR_VERDICT) {
    return {
      ...base,
      verdict: 'inconclusive',
      reading: `Inconclusive: ${stated}; with fewer than ${MIN_SEEDS_FOR_VERDICT} seeds per task, no interval of P can be trusted, whatever it says. Use --seeds ${MIN_SEEDS_FOR_VERDICT} or more.`,
    };
  }
  const verdict = verdictOf(p);
  const reading =
    verdict === 'better'
      ? `${labels.b} is better: ${stated}; the whole interval lies above 0.5.`
      : verdict === 'worse'
        ? `${labels.b} is worse: ${stated}; the whole interval lies below 0.5.`
        : `Inconclusive: ${stated}; the interval contains 0.5, so these runs cannot tell the arms apart on ${metric.label}. More seeds, folds or data narrow it.`;
  return { ...base, verdict, reading };
}
