/** Assembles the A/B report (report.json) from the plan, the runs' outcomes and the history. */
import { formatDuration, formatIsoTime } from '../data/index.js';
import { periodGaps } from '../runs/replay-run.js';
import type { RunOutcome } from '../runner/execute-spec.js';
import type { LoadedMarket } from '../runner/markets.js';
import { compareMetrics, goLiveChecklist, primaryVerdict, psrSummary, runRecords, taskCurves, type BootstrapSettings } from './analyse.js';
import type { HistoryEntry } from './history.js';
import type { AbPlan, AbSplit } from './plan.js';
import type { AbMetricKey, AbReport, ArmInfo, ArmKey } from './report-model.js';

/** UTC dates of a period's daily equity points: the first bar's day (the start), then each day that closes. */
export function dayLabels(openTime: Float64Array, intervalMs: number, startIndex: number, endIndex: number): string[] {
  const days = [formatIsoTime(openTime[startIndex]!).slice(0, 10)];
  for (let i = startIndex; i < endIndex; i++) {
    const day = Math.floor((openTime[i]! + intervalMs - 1) / 86_400_000);
    const next = i + 1 < endIndex ? Math.floor((openTime[i + 1]! + intervalMs - 1) / 86_400_000) : Number.NaN;
    if (day !== next) days.push(new Date(day * 86_400_000).toISOString().slice(0, 10));
  }
  return days;
}

export interface AbReportInput {
  readonly plan: AbPlan;
  readonly outcomes: readonly RunOutcome[];
  readonly markets: readonly LoadedMarket[];
  readonly arms: Readonly<Record<ArmKey, ArmInfo>>;
  readonly seeds: readonly number[];
  readonly split: AbSplit;
  readonly metric: AbMetricKey;
  readonly costs: AbReport['design']['costs'];
  readonly periodsPerYear: number;
  readonly riskFreeRate: number;
  readonly bootstrap: BootstrapSettings;
  readonly interrupted: boolean;
  /** Earlier verdicts of the same arms, oldest first (this A/B not included). */
  readonly history: readonly HistoryEntry[];
  readonly generated: AbReport['generated'];
}

export function buildAbReport(input: AbReportInput): AbReport {
  const { plan, outcomes, arms, split } = input;
  const labels = { a: arms.a.label, b: arms.b.label };
  const runs = runRecords(plan, outcomes);
  const counts = {
    planned: runs.length,
    ok: runs.filter((r) => r.status === 'ok').length,
    failed: runs.filter((r) => r.status === 'failed').length,
    cancelled: runs.filter((r) => r.status === 'cancelled').length,
  };
  const complete = !input.interrupted && counts.cancelled === 0;
  const metrics = compareMetrics(plan, outcomes, input.bootstrap);
  const primaryMetric = metrics.find((m) => m.key === input.metric)!;
  const primary = primaryVerdict(primaryMetric, labels, complete, input.seeds.length, plan.tasks.length);
  const marketByKey = new Map(input.markets.map((m) => [m.key, m]));
  const days = plan.tasks.map((task) => {
    const market = marketByKey.get(task.datasetKey)!.market;
    return dayLabels(market.candles.columns.openTime, market.intervalMs, task.test.startIndex, task.test.endIndex);
  });
  const history = [...input.history.map((h) => ({ verdict: h.verdict })), ...(complete ? [{ verdict: primary.verdict }] : [])];

  const warnings: string[] = [];
  for (const m of input.markets) {
    if (m.info.synthetic) warnings.push(`${m.info.name} is a SYNTHETIC (generated) dataset: the figures say how the agents behave, not what they would earn.`);
    if (m.info.gaps.count > 0) warnings.push(`${m.info.name} has ${m.info.gaps.count} gap(s) in its candles (${m.info.gaps.missingBars.toLocaleString('en-US')} bars missing): positions held across a gap exit at its far side.`);
  }
  // A long hole inside a test window: the daily returns step over it in one go.
  for (const task of plan.tasks) {
    const market = marketByKey.get(task.datasetKey)!.market;
    const gaps = periodGaps(market.candles.columns.openTime, task.test, market.intervalMs);
    if (gaps.count > 0 && gaps.largest.toMs - gaps.largest.fromMs >= 86_400_000) {
      warnings.push(
        `${task.info.id}: the test window spans a gap of ${formatDuration(gaps.largest.toMs - gaps.largest.fromMs)} in the candles (${formatIsoTime(gaps.largest.fromMs)} → ${formatIsoTime(gaps.largest.toMs)}): ` +
          `the equity curve steps over it as one daily return and positions held across it exit at its far side, so this task's return, Sharpe and drawdown can be far off: read its runs with care, or give a dataset without the hole.`,
      );
    }
  }
  if (outcomes.some((o) => o.status === 'ok' && o.metrics.syntheticModels)) {
    warnings.push('Model scores are SYNTHETIC (models.source = synthetic, no predictions.csv): generated from future returns with a set skill, so an agent that learns to follow them is learning that skill, not a real model\'s.');
  }
  const shortTasks = plan.tasks.map((task, t) => ({ id: task.info.id, returns: days[t]!.length - 1 })).filter((t) => t.returns < 30);
  if (shortTasks.length > 0) {
    const listed = shortTasks.slice(0, 4).map((t) => `${t.id}: ${t.returns}`).join(', ');
    warnings.push(`${shortTasks.length} test window(s) span fewer than 30 daily returns (${listed}${shortTasks.length > 4 ? ', …' : ''}): each run's Sharpe, Sortino and PSR rest on few points.`);
  }
  if (counts.failed > 0) warnings.push(`${counts.failed} run(s) failed and are left out of the statistics (listed under Runs).`);
  if (!complete) warnings.push(`Interrupted: ${counts.cancelled} of ${counts.planned} runs did not run; no verdict is given.`);

  return {
    format: 'replaylab-ab',
    version: 1,
    arms,
    datasets: input.markets.map((m) => m.info),
    design: {
      seeds: [...input.seeds],
      folds: split.kind === 'walk-forward' ? split.folds : split.kind === 'train-frac' ? 1 : 0,
      split: split.kind,
      trainFrac: split.kind === 'train-frac' ? split.trainFrac : null,
      embargoBars: split.kind === 'none' ? 0 : plan.embargoBars,
      tasks: plan.tasks.map((t) => t.info),
      costs: input.costs,
      returnFrequency: 'daily',
      periodsPerYear: input.periodsPerYear,
      riskFreeRate: input.riskFreeRate,
      bootstrap: input.bootstrap,
    },
    primary,
    metrics,
    psr: psrSummary(runs),
    checklist: goLiveChecklist(metrics, runs, counts, labels, history),
    runs,
    counts,
    complete,
    curves: taskCurves(plan, outcomes, days),
    warnings,
    generated: input.generated,
  };
}
