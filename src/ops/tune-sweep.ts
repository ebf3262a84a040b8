/**
 * `replaylab tune` on a sweep's folder: instead of rules, the measured best cell. It recommends the
 * best cell's values of the swept keys (the Q-learning hyperparameters α, γ, ε… first), and says how
 * sure it is with the project's statistics:
 *
 * - P(best > runner-up): the probability that a run of the best cell beats a run of the runner-up on
 *   the same dataset (Mann–Whitney U / (n·m) per dataset, ties half, averaged over datasets; on the
 *   ranking metric, "beats" being lower for max drawdown), with a 95% CI from 2,000 resamples of the
 *   seeds within each dataset (`stats/ab-statistics.ts`, as the A/B uses);
 * - the sweep's Deflated Sharpe Ratio of the best cell given the number of cells tried
 *   (`sweep/summary.ts`).
 *
 * Significant when both say so: the CI of P above 0.5 and the DSR at least 0.95.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../config/random.js';
import { displayPath } from '../data/dataset.js';
import { InputError } from '../data/errors.js';
import { probabilityOfImprovementInterval, type Interval } from '../stats/ab-statistics.js';
import { valueText, type JsonValue, type SweepAxis } from '../sweep/axes.js';
import { SweepDocumentSchema, describeCell, planOfDocument } from '../sweep/plan.js';
import { parseResultsCsv, type MetricInfo } from '../sweep/results-csv.js';
import { resultColumns } from '../sweep/run-sweep.js';
import { DSR_SIGNIFICANT, summarizeSweep, type CellStats, type DeflatedSharpe, type SweepSummary } from '../sweep/summary.js';

/** Resamples of the CI of P(best > runner-up), as the A/B's P(B better). */
export const SWEEP_BOOTSTRAP_REPS = 2000;
const BOOTSTRAP_SEED = 1;

/** Config keys of the Q-learning hyperparameters (`agents.v2.meta.alpha`, `agents.v1.q.epsilon`, …). */
export const HYPERPARAMETER_KEY = /^agents\.(v2\.(meta|sizing)|v1\.q)\.(alpha|gamma|epsilon|epsilonDecay|epsilonMin)$/;

export type Confidence = 'significant' | 'beats-runner-up' | 'not-significant' | 'n/a';

export interface SweepRecommendation {
  readonly key: string;
  readonly value: JsonValue;
  /** config: goes in a config file; policy: a policy parameter (--param), which a config file cannot hold. */
  readonly target: 'config' | 'policy';
  readonly hyperparameter: boolean;
}

export interface CellSummary {
  readonly id: string;
  readonly values: Readonly<Record<string, JsonValue>>;
  readonly description: string;
  readonly iqm: number;
  readonly median: number;
  readonly okRuns: number;
  readonly runs: number;
}

export interface SweepAdvice {
  readonly folder: string;
  readonly policy: string;
  readonly metric: MetricInfo;
  readonly complete: boolean;
  readonly runs: { readonly planned: number; readonly ok: number; readonly failed: number; readonly notRun: number };
  readonly cells: number;
  readonly best: CellSummary | null;
  readonly runnerUp: CellSummary | null;
  /** P(a run of the best cell beats a run of the runner-up), with its CI; null without both. */
  readonly probabilityBestBetter: Interval | null;
  readonly dsr: DeflatedSharpe | null;
  readonly confidence: Confidence;
  /** One sentence: best cell, P, DSR and the verdict. */
  readonly verdict: string;
  readonly recommendations: readonly SweepRecommendation[];
  /** The swept keys that are Q-learning hyperparameters (empty: the sweep tuned none). */
  readonly hyperparameterKeys: readonly string[];
  /** The config file every cell started from, if any (its settings are part of what was measured). */
  readonly configFile: string | null;
  readonly notes: readonly string[];
}

const f = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function cellSummary(cell: CellStats): CellSummary {
  return { id: cell.cell.id, values: cell.cell.values, description: describeCell(cell.cell), iqm: cell.score.iqm, median: cell.score.median, okRuns: cell.score.n, runs: cell.runs };
}

/** The ranking metric of a cell's runs per dataset (task-major), signed so that larger is better. */
function scoresByDataset(cell: CellStats, datasets: readonly string[], higherIsBetter: boolean): number[][] {
  return datasets.map((dataset) =>
    cell.runScores.filter((s) => s.dataset === dataset && !Number.isNaN(s.value)).map((s) => (higherIsBetter ? s.value : -s.value)),
  );
}

export function confidenceOf(probability: Interval | null, dsr: DeflatedSharpe | null): Confidence {
  if (probability === null || Number.isNaN(probability.point)) return 'n/a';
  if (!(probability.low > 0.5)) return 'not-significant';
  return dsr !== null && dsr.dsr >= DSR_SIGNIFICANT ? 'significant' : 'beats-runner-up';
}

function verdictText(advice: Omit<SweepAdvice, 'verdict'>): string {
  const { best, runnerUp, metric, probabilityBestBetter: p, dsr } = advice;
  if (best === null) return 'no cell has a finished run with a defined score: nothing to recommend';
  const head = `best cell ${best.id} (${best.description}): ${metric.label} IQM ${f(best.iqm, metric.digits)}`;
  const dsrText = dsr === null ? 'DSR n/a' : `DSR ${f(dsr.dsr, 2)}${dsr.trials === 1 ? ' (one cell: the PSR)' : ` of ${dsr.trials} cells`}`;
  if (runnerUp === null || p === null || Number.isNaN(p.point)) {
    return `${head}; no runner-up with finished runs to compare it with; ${dsrText}: ${dsr !== null && dsr.dsr >= DSR_SIGNIFICANT ? 'its Sharpe is distinguishable from luck' : 'not significant'}`;
  }
  const versus = `${head} vs runner-up ${runnerUp.id} ${f(runnerUp.iqm, metric.digits)}; P(best > runner-up) ${f(p.point, 2)} [${f(p.low, 2)}, ${f(p.high, 2)}]; ${dsrText}`;
  switch (advice.confidence) {
    case 'significant':
      return `${versus}: significant (the best cell beats the runner-up across seeds, and its Sharpe stays above what ${dsr!.trials} cells of no skill would reach)`;
    case 'beats-runner-up':
      return `${versus}: not significant: it beats the runner-up across seeds, but below DSR ${DSR_SIGNIFICANT} its Sharpe is not distinguishable from the best of ${dsr?.trials ?? advice.cells} cells picked at random`;
    default:
      return `${versus}: not significant (the CI of P contains 0.5: the best cell is not measurably better than the runner-up)`;
  }
}

/** What a sweep's recommendation is made from: its plan's facts and its summary. */
export interface SweepFacts {
  readonly folder: string;
  readonly policy: string;
  readonly axes: readonly SweepAxis[];
  readonly datasets: readonly string[];
  readonly configFile: string | null;
  readonly summary: SweepSummary;
}

/** Recommends from a sweep's measured cells (the best one, against the runner-up). */
export function adviseFromSummary(facts: SweepFacts): SweepAdvice {
  const { summary, datasets } = facts;
  const ranked = summary.cells.filter((c) => c.score.n > 0);
  const best = ranked[0];
  const runnerUp = ranked[1];
  const probability =
    best === undefined || runnerUp === undefined
      ? null
      : probabilityOfImprovementInterval(
          scoresByDataset(best, datasets, summary.metric.higherIsBetter),
          scoresByDataset(runnerUp, datasets, summary.metric.higherIsBetter),
          SWEEP_BOOTSTRAP_REPS,
          new Rng(BOOTSTRAP_SEED),
        );
  const recommendations: SweepRecommendation[] =
    best === undefined
      ? []
      : facts.axes
          .map((axis) => ({ key: axis.key, value: best.cell.values[axis.key]!, target: axis.target, hyperparameter: axis.target === 'config' && HYPERPARAMETER_KEY.test(axis.key) }))
          .sort((a, b) => Number(b.hyperparameter) - Number(a.hyperparameter));
  const notes: string[] = [];
  if (!summary.complete) notes.push(`the sweep is incomplete (${summary.runs.notRun} of ${summary.runs.planned} runs not run): this is measured on the runs that finished; finish it with replaylab sweep --resume ${displayPath(facts.folder)}`);
  if (summary.runs.failed > 0) notes.push(`${summary.runs.failed} runs failed and are left out (see summary.md)`);
  if (summary.syntheticModelRuns > 0) notes.push('the runs read synthetic model scores (generated from future returns by design): the figures do not measure a real model');
  const advice = {
    folder: facts.folder,
    policy: facts.policy,
    metric: summary.metric,
    complete: summary.complete,
    runs: summary.runs,
    cells: summary.cells.length,
    best: best === undefined ? null : cellSummary(best),
    runnerUp: runnerUp === undefined ? null : cellSummary(runnerUp),
    probabilityBestBetter: probability,
    dsr: summary.dsr,
    confidence: confidenceOf(probability, summary.dsr),
    recommendations,
    hyperparameterKeys: facts.axes.filter((axis) => axis.target === 'config' && HYPERPARAMETER_KEY.test(axis.key)).map((axis) => axis.key),
    configFile: facts.configFile,
    notes,
  };
  return { ...advice, verdict: verdictText(advice) };
}

/** Reads a sweep folder (sweep.json, results.csv) and recommends from its measured cells. */
export function adviseFromSweep(folder: string): SweepAdvice {
  const planFile = join(folder, 'sweep.json');
  const resultsFile = join(folder, 'results.csv');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(planFile, 'utf8'));
  } catch (error) {
    throw new InputError(`${displayPath(planFile)}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = SweepDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(`${displayPath(planFile)}: not a replaylab sweep plan: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const document = parsed.data;
  const plan = planOfDocument(document);
  if (!existsSync(resultsFile)) throw new InputError(`${displayPath(folder)}: no results.csv: the sweep has not run any run yet`);
  const rows = parseResultsCsv(readFileSync(resultsFile, 'utf8'), resultColumns(plan), displayPath(resultsFile));
  const datasets = plan.datasets.map((d) => d.key);
  const summary = summarizeSweep({ axes: plan.axes, cells: plan.cells, datasets, seeds: plan.seeds, metric: plan.metric, rows, complete: document.status === 'complete' });
  return adviseFromSummary({ folder, policy: plan.policy.name, axes: plan.axes, datasets, configFile: plan.config.file, summary });
}

/** `agents.v2.meta.alpha=0.05` as a reader sees it. */
export const recommendationText = (r: SweepRecommendation): string => `${r.key}=${valueText(r.value)}`;

const RULE = '='.repeat(80);
const LINE = '-'.repeat(80);

/** The recommendations of a sweep, as the rules' screen shows them. */
export function renderSweepAdvice(advice: SweepAdvice, applyCommand: string): string {
  const lines = [RULE, 'HYPERPARAMETER RECOMMENDATIONS FROM A SWEEP', RULE, `Sweep:     ${displayPath(advice.folder)} (${advice.policy}, ${advice.cells} cells)`];
  lines.push(`Runs:      ${advice.runs.ok} ok, ${advice.runs.failed} failed, ${advice.runs.notRun} not run, of ${advice.runs.planned}; ranked by ${advice.metric.label} (IQM over each cell's runs)`);
  lines.push('', '📊 MEASURED BEST CELL', LINE, `  ${advice.verdict}`);
  if (advice.best !== null) {
    lines.push('', '  Recommended:');
    for (const r of advice.recommendations) {
      const kind = r.hyperparameter ? 'hyperparameter' : r.target === 'config' ? 'config field' : 'policy parameter: --param';
      lines.push(`    ${recommendationText(r)}  (${kind})`);
    }
    if (advice.hyperparameterKeys.length === 0) {
      lines.push('', `  The sweep swept no hyperparameter (α, γ, ε of agents.v2.meta, agents.v2.sizing or agents.v1.q): it swept ${advice.recommendations.map((r) => r.key).join(', ')}.`);
    }
  }
  for (const note of advice.notes) lines.push(`  note: ${note}`);
  lines.push('', '🔧 TO APPLY RECOMMENDATIONS', LINE);
  const config = advice.recommendations.filter((r) => r.target === 'config');
  if (config.length === 0) lines.push(advice.best === null ? '  Nothing to apply.' : '  Nothing a config file can hold: pass the policy parameters with --param.');
  else {
    lines.push('  Run the following command:', '', `  ${applyCommand}`);
    const policy = advice.recommendations.filter((r) => r.target === 'policy');
    if (policy.length > 0) lines.push('', `  A config file cannot hold policy parameters: pass them with ${policy.map((r) => `--param ${recommendationText(r)}`).join(' ')}.`);
    if (advice.configFile !== null) lines.push('', `  Every cell also had the settings of the sweep's config file ${advice.configFile}; the file written holds only the swept keys.`);
  }
  return `${lines.join('\n')}\n`;
}
