/**
 * `replaylab sweep`: one policy over a grid (or a random draw) of config values and policy
 * parameters, every cell on the same datasets, periods and seeds, in the runner's worker pool;
 * writes `runs/sweep-<UTC time>-<policy>/` (sweep.json, results.csv, summary.md, summary.html).
 *
 * Everything the user typed is checked before any data is read or any run started. `--resume DIR`
 * takes the plan from DIR/sweep.json; plan flags given with it must agree with that plan.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { readConfigFile } from '../config/index.js';
import { InputError, displayPath } from '../data/index.js';
import type { MarketData } from '../engine/replay.js';
import { isPolicyFile } from '../policies/load-policy.js';
import { defaultWorkers } from '../runner/pool.js';
import { bundledDataset, packageVersion } from './bundled.js';
import { loadMarkets, type DatasetInfo } from '../runner/markets.js';
import { toJson } from '../runs/run-files.js';
import { parseAxes, valueText } from '../sweep/axes.js';
import { gridCells, randomCells } from '../sweep/cells.js';
import { formatFigure, formatRange } from '../sweep/format.js';
import {
  SweepDocumentSchema,
  axisText,
  checkPlanInputs,
  datasetPeriods,
  fileDigest,
  periodTimes,
  planDifferences,
  planOfDocument,
  sweepDocument,
  plannedRuns,
  type DatasetPeriods,
  type GivenPlan,
  type SearchSpec,
  type SweepDocument,
  type SweepPlan,
  type SweepProgress,
} from '../sweep/plan.js';
import { RESULT_METRICS, parseResultsCsv, type MetricKey, type ResultRow } from '../sweep/results-csv.js';
import { executeSweep, resultColumns, runsToDo } from '../sweep/run-sweep.js';
import { renderSummaryHtml } from '../sweep/summary-html.js';
import { incompleteNote, okRunsText, renderSummaryMarkdown, syntheticModelsNote } from '../sweep/summary-md.js';
import { summarizeSweep, type ReportContext, type SweepSummary } from '../sweep/summary.js';
import { createSweepFolder, checkOutFolder, sweepId, writeFileAtomic } from '../sweep/sweep-folder.js';
import { dataLoadOptions, withDataOptions, type DataArgs } from './data-options.js';
import { formatTable } from './output.js';
import { EXIT_INTERRUPTED, EXIT_RUNS_FAILED, handleInterrupts, progressBar, setExitCode } from './progress.js';

interface SweepArgs extends DataArgs {
  policy: string | undefined;
  dataset: string[] | undefined;
  param: string[] | undefined;
  random: number | undefined;
  randomSeed: number | undefined;
  seeds: number | undefined;
  metric: MetricKey | undefined;
  workers: number | undefined;
  resume: string | undefined;
  out: string | undefined;
  runsDir: string;
  config: string | undefined;
  trainFrac: number | undefined;
  json: boolean;
}

const DEFAULT_SEEDS = 3;
const DEFAULT_METRIC: MetricKey = 'sharpe';
const TERMINAL_CELLS = 5;

function wholeNumber(flag: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < min) throw new InputError(`--${flag} must be a whole number ≥ ${min}, got ${value}`);
  return value;
}

/** Dataset keys (as given) and absolute paths, each folder once; the bundled dataset by default. */
function datasetsOf(given: readonly string[] | undefined): { key: string; path: string }[] {
  const list = given === undefined || given.length === 0 ? [bundledDataset()] : given;
  const seen = new Set<string>();
  const datasets: { key: string; path: string }[] = [];
  for (const key of list) {
    const path = resolve(key);
    if (!existsSync(path)) throw new InputError(`--dataset ${key} does not exist`);
    if (seen.has(path)) continue;
    seen.add(path);
    datasets.push({ key, path });
  }
  return datasets;
}

function searchOf(args: SweepArgs): SearchSpec {
  if (args.random === undefined) {
    if (args.randomSeed !== undefined) throw new InputError('--random-seed seeds the draw of --random K cells; give --random too');
    return { mode: 'grid' };
  }
  return { mode: 'random', cells: wholeNumber('random', args.random, 1)!, seed: wholeNumber('random-seed', args.randomSeed ?? 1, Number.MIN_SAFE_INTEGER)! };
}

function trainFracOf(value: number | undefined): number | null {
  if (value === undefined) return null;
  if (!(value > 0 && value < 1)) throw new InputError(`--train-frac must be between 0 and 1 (exclusive), got ${value}`);
  return value;
}

/** The raw `--param` text of each key, for messages. */
function rawFlags(flags: readonly string[]): Map<string, string> {
  return new Map(flags.map((raw) => [raw.slice(0, Math.max(0, raw.indexOf('='))).trim(), raw]));
}

interface Prepared {
  plan: SweepPlan;
  configs: Awaited<ReturnType<typeof checkPlanInputs>>['configs'];
  /** For --resume: the sweep.json it continues. */
  stored?: SweepDocument;
}

/** A new sweep's plan from the flags, checked; nothing is read but the config file and the policy module. */
async function planFromFlags(args: SweepArgs): Promise<Prepared> {
  if (args.policy === undefined) throw new InputError('give --policy: random, fixed, buy-and-hold, rl-v1, rl-v2, or a .ts/.js module (or --resume DIR)');
  const search = searchOf(args);
  const axes = parseAxes(args.param ?? [], search.mode === 'random');
  const cells = search.mode === 'grid' ? gridCells(axes) : randomCells(axes, search.cells, search.seed);
  const seeds = Array.from({ length: wholeNumber('seeds', args.seeds ?? DEFAULT_SEEDS, 1)! }, (_, n) => n + 1);
  const trainFrac = trainFracOf(args.trainFrac);
  const config = { file: args.config ?? null, contents: args.config === undefined ? null : (readConfigFile(args.config) as Record<string, unknown>) };
  const datasets = datasetsOf(args.dataset);
  if (args.out !== undefined) checkOutFolder(args.out);
  const { policy, configs } = await checkPlanInputs({ axes, cells, config, seeds, policyName: args.policy }, rawFlags(args.param ?? []));
  const plan: SweepPlan = {
    policy: { name: args.policy, kind: policy.kind, file: policy.file ?? null, sha256: policy.file === undefined ? null : fileDigest(policy.file) },
    search,
    axes,
    cells,
    seeds,
    datasets,
    trainFrac,
    metric: args.metric ?? DEFAULT_METRIC,
    config,
  };
  return { plan, configs };
}

/** The plan of DIR/sweep.json; plan flags given as well must agree with it. */
async function planFromFolder(args: SweepArgs, folder: string): Promise<Prepared> {
  if (args.out !== undefined) throw new InputError('--resume continues the sweep in its own folder; drop --out');
  const file = join(folder, 'sweep.json');
  if (!existsSync(file)) throw new InputError(`--resume ${args.resume}: no sweep.json there; give the folder of a sweep`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: not JSON (${(error as Error).message})`);
  }
  const parsed = SweepDocumentSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${file}: not a replaylab sweep plan: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const stored = parsed.data;
  const plan = planOfDocument(stored);
  const given: { -readonly [K in keyof GivenPlan]: GivenPlan[K] } = {};
  if (args.policy !== undefined) given.policy = isPolicyFile(args.policy) ? resolve(args.policy) : args.policy;
  if (args.random !== undefined || args.randomSeed !== undefined) given.search = searchOf(args);
  if (args.param !== undefined && args.param.length > 0) given.axes = parseAxes(args.param, (given.search ?? plan.search).mode === 'random');
  if (args.seeds !== undefined) given.seeds = Array.from({ length: wholeNumber('seeds', args.seeds, 1)! }, (_, n) => n + 1);
  if (args.dataset !== undefined && args.dataset.length > 0) given.datasets = args.dataset.map((d) => resolve(d));
  if (args.trainFrac !== undefined) given.trainFrac = trainFracOf(args.trainFrac)!;
  if (args.metric !== undefined) given.metric = args.metric;
  if (args.config !== undefined) given.config = readConfigFile(args.config) as Record<string, unknown>;
  const differences = planDifferences(plan, given);
  if (differences.length > 0) {
    throw new InputError(
      `--resume ${args.resume}: the flags differ from the sweep's plan (a resumed sweep runs the plan it started with; give --resume alone to take it from sweep.json):\n${differences.map((d) => `  - ${d}`).join('\n')}`,
    );
  }
  if (plan.policy.file !== null) {
    if (!existsSync(plan.policy.file)) throw new InputError(`--resume: the sweep's policy module ${plan.policy.file} no longer exists`);
    if (fileDigest(plan.policy.file) !== plan.policy.sha256) {
      throw new InputError(`--resume: the policy module ${plan.policy.file} changed since the sweep started; its runs would not be comparable: start a new sweep`);
    }
  }
  for (const dataset of plan.datasets) if (!existsSync(dataset.path)) throw new InputError(`--resume: the sweep's dataset ${dataset.path} no longer exists`);
  const flags = new Map(plan.axes.map((axis) => [axis.key, axisText(axis)]));
  const { configs } = await checkPlanInputs({ ...plan, policyName: plan.policy.file ?? plan.policy.name }, flags);
  return { plan, configs, stored };
}

function reportContext(plan: SweepPlan, datasets: readonly (DatasetInfo & { path: string })[], periods: SweepDocument['periods'], folder: string): ReportContext {
  const bars = (p: { startIndex: number; endIndex: number }) => p.endIndex - p.startIndex;
  return {
    policy: plan.policy.name,
    search: plan.search,
    axes: plan.axes,
    seeds: plan.seeds,
    trainFrac: plan.trainFrac,
    configFile: plan.config.file,
    folder,
    replaylab: packageVersion(),
    datasets: datasets.map((d, n) => {
      const p = periods[n]!;
      return {
        key: d.key,
        name: d.name,
        bars: d.bars,
        synthetic: d.synthetic,
        fingerprint: d.fingerprint,
        train: p.train === null ? null : { start: p.train.start ?? '', end: p.train.end ?? '', bars: bars(p.train) },
        embargoBars: p.embargoBars,
        evaluation: { start: p.evaluation.start ?? '', end: p.evaluation.end ?? '', bars: bars(p.evaluation) },
      };
    }),
  };
}

function terminalText(summary: SweepSummary, context: ReportContext, folder: string, resumed: string | undefined): string {
  const { metric } = summary;
  const keys = context.axes.map((a) => a.key);
  const lines: string[] = [];
  if (!summary.complete) lines.push(incompleteNote(summary, context.folder).replace(/\*\*|`/g, ''), '');
  const synthetic = syntheticModelsNote(summary);
  if (synthetic !== undefined) lines.push(synthetic.replace(/\*\*/g, ''), '');
  lines.push(
    formatTable(
      ['rank', 'cell', ...keys, 'ok', `${metric.label} IQM`, 'median', 'min – max'],
      summary.cells
        .slice(0, TERMINAL_CELLS)
        .map((c) => [
          c.rank,
          c.cell.id,
          ...keys.map((k) => valueText(c.cell.values[k]!)),
          okRunsText(c, metric.label),
          formatFigure(c.score.iqm, metric.digits),
          formatFigure(c.score.median, metric.digits),
          formatRange(c.score.min, c.score.max, metric.digits),
        ]),
    ),
  );
  if (summary.cells.length > TERMINAL_CELLS) lines.push(`… ${summary.cells.length - TERMINAL_CELLS} more cells in summary.md`);
  lines.push('', summary.dsr === null ? 'DSR n/a: the best cell has no defined daily Sharpe.' : summary.dsr.meaning);
  const { ok, failed, planned } = summary.runs;
  lines.push(`runs: ${ok} ok, ${failed} failed, of ${planned}${failed > 0 ? ' (failed runs are listed in summary.md and results.csv)' : ''}`);
  if (resumed !== undefined) lines.push(resumed);
  lines.push(`sweep folder: ${folder}`);
  return `${lines.join('\n')}\n`;
}

async function runSweepCommand(args: SweepArgs): Promise<void> {
  const workers = wholeNumber('workers', args.workers, 1) ?? defaultWorkers();
  const resumeFolder = args.resume === undefined ? undefined : resolve(args.resume);
  const prepared = resumeFolder === undefined ? await planFromFlags(args) : await planFromFolder(args, resumeFolder);
  const { plan, configs, stored } = prepared;

  // The data, once, into shared memory.
  const loaded = await loadMarkets(
    plan.datasets.map((d) => d.path),
    dataLoadOptions(args),
  );
  const datasets = loaded.map((m, n) => ({ ...m.info, key: plan.datasets[n]!.key, path: plan.datasets[n]!.path }));
  if (stored !== undefined) {
    datasets.forEach((d, n) => {
      const before = stored.datasets[n]!.fingerprint;
      if (d.fingerprint !== before) throw new InputError(`--resume: dataset ${d.key} changed since the sweep started (fingerprint ${before}, now ${d.fingerprint}): start a new sweep`);
    });
  }
  const markets = new Map<string, MarketData>(loaded.map((m, n) => [plan.datasets[n]!.key, m.market]));
  const periods: DatasetPeriods[] = datasetPeriods(
    datasets.map((d) => ({ key: d.key, bars: d.bars })),
    plan.trainFrac,
    configs,
  );
  const periodsWithTimes = periods.map((p, n) => {
    const { openTime } = loaded[n]!.dataset.candles.columns;
    const intervalMs = loaded[n]!.dataset.interval.ms;
    return { ...p, train: p.train === null ? null : periodTimes(p.train, openTime, intervalMs), evaluation: periodTimes(p.evaluation, openTime, intervalMs) };
  });

  const startedAt = new Date();
  const folder = resumeFolder ?? createSweepFolder({ ...(args.out === undefined ? {} : { out: args.out }), runsDir: args.runsDir, id: sweepId(startedAt, plan.policy.name) });
  const shown = displayPath(folder);
  const resultsFile = join(folder, 'results.csv');
  const previous: ResultRow[] = stored !== undefined && existsSync(resultsFile) ? parseResultsCsv(readFileSync(resultsFile, 'utf8'), resultColumns(plan), resultsFile) : [];
  const command = ['replaylab', ...process.argv.slice(2)].join(' ');
  const document = (status: 'complete' | 'incomplete', progress: SweepProgress) =>
    sweepDocument({
      plan,
      datasets,
      periods: periodsWithTimes,
      status,
      version: packageVersion(),
      createdAt: stored?.createdAt ?? startedAt.toISOString(),
      commands: [...(stored?.commands ?? []), command],
      progress,
    });
  const planned = plan.cells.length * plan.datasets.length * plan.seeds.length;
  writeFileAtomic(join(folder, 'sweep.json'), toJson(document('incomplete', countRows(previous, planned))));

  const controller = new AbortController();
  const release = handleInterrupts(() => controller.abort());
  const bar = progressBar(runsToDo(plannedRuns(plan, periods), previous).length);
  let outcome;
  try {
    outcome = await executeSweep({
      plan,
      periods,
      markets,
      resultsFile,
      previous,
      workers,
      signal: controller.signal,
      onProgress: (done, _total, failed) => bar.update(done, failed),
    });
  } finally {
    bar.finish();
    release();
  }

  const summary = summarizeSweep({
    axes: plan.axes,
    cells: plan.cells,
    datasets: plan.datasets.map((d) => d.key),
    seeds: plan.seeds,
    metric: plan.metric,
    rows: outcome.rows,
    complete: false,
  });
  const complete = summary.runs.notRun === 0;
  const final = { ...summary, complete };
  const context = reportContext(plan, datasets, periodsWithTimes, shown);
  writeFileAtomic(join(folder, 'summary.md'), renderSummaryMarkdown(final, context));
  writeFileAtomic(join(folder, 'summary.html'), renderSummaryHtml(final, context));
  writeFileAtomic(join(folder, 'sweep.json'), toJson(document(complete ? 'complete' : 'incomplete', { ...summary.runs })));

  if (args.json) {
    const resumed = stored === undefined ? {} : { resumed: { kept: outcome.skipped, ran: outcome.ended } };
    process.stdout.write(toJson({ folder: shown, status: complete ? 'complete' : 'incomplete', ...resumed, runs: final.runs, dsr: final.dsr, cells: final.cells, failures: final.failures }));
  }
  else {
    const resumed = stored === undefined ? undefined : `resumed: ${outcome.skipped} runs already ok in results.csv were kept, ${outcome.ended} ran now`;
    process.stdout.write(terminalText(final, context, shown, resumed));
  }
  if (outcome.interrupted) setExitCode(EXIT_INTERRUPTED);
  else if (final.runs.failed > 0) setExitCode(EXIT_RUNS_FAILED);
}

function countRows(rows: readonly ResultRow[], planned: number): SweepProgress {
  const ok = rows.filter((r) => r.status === 'ok').length;
  const failed = rows.length - ok;
  return { planned, ok, failed, notRun: planned - ok - failed };
}

export function sweepCommand(yargs: Argv) {
  return yargs.command(
    'sweep',
    'Sweep a policy over a grid (or a random draw) of config values and parameters; rank the cells, with the Deflated Sharpe Ratio of the best',
    (y) =>
      withDataOptions(
        y
          .option('policy', { type: 'string', describe: 'buy-and-hold | random | fixed | rl-v1 | rl-v2 | path to a policy module (.ts/.js)' })
          .option('dataset', { type: 'string', array: true, describe: 'dataset folders (or files), each cell runs on all (default: the bundled datasets/synthetic-5m)' })
          .option('param', {
            type: 'string',
            array: true,
            describe: 'key=v1,v2,… (repeatable): a config path (agents.v2.meta.alpha, engine.feeRate) or a policy parameter; key=lo..hi under --random',
          })
          .option('random', { type: 'number', describe: 'draw K distinct cells at random instead of the whole grid' })
          .option('random-seed', { type: 'number', describe: 'seed of the --random draw (default 1)' })
          .option('seeds', { type: 'number', describe: `runs per cell and dataset, with seeds 1..N (default ${DEFAULT_SEEDS})` })
          .option('metric', { choices: RESULT_METRICS.map((m) => m.key), describe: `the metric that ranks the cells (default ${DEFAULT_METRIC})` })
          .option('train-frac', { type: 'number', describe: 'learning policies train on the first F of each dataset and are scored frozen on the rest (others are scored on the same rest)' })
          .option('workers', { type: 'number', describe: 'worker threads (default: the number of cores)' })
          .option('config', { type: 'string', describe: 'config file every cell starts from (any subset of `replaylab config defaults`)' })
          .option('resume', { type: 'string', describe: 'finish an interrupted sweep, or rerun its failed runs: the folder of the sweep' })
          .option('out', { type: 'string', describe: 'sweep folder to write (must not exist, or be empty); default runs/sweep-<time>-<policy>' })
          .option('runs-dir', { type: 'string', default: 'runs', describe: 'where sweep folders go' })
          .option('json', { type: 'boolean', default: false, describe: 'print the summary as one JSON object' })
          .epilogue(
            'Examples:\n' +
              '  replaylab sweep --policy random --param probability=0.01,0.05 --param leverage=1,3 --seeds 3\n' +
              '  replaylab sweep --policy rl-v2 --dataset ../shared/datasets/binance-btcusdt-1h --param agents.v2.meta.alpha=0.01,0.05 --param agents.v2.meta.epsilon=0.05,0.1 --train-frac 0.7\n' +
              '  replaylab sweep --policy examples/sma-cross.ts --param fast=5..20 --param slow=30..100 --random 20\n' +
              '  replaylab sweep --resume runs/sweep-20260101-120000-random\n' +
              'Exit codes: 0 every run ok, 2 bad input (nothing run), 3 some runs failed (listed), 130 interrupted (finished runs kept: --resume).',
          ),
      ),
    async (args) => runSweepCommand(args as unknown as SweepArgs),
  );
}

