/**
 * `replaylab ab`: two arms (RL v1 vs RL v2 by default) on identical datasets, folds, seeds and costs,
 * run in the worker pool; the report (report.json, report.md, report.html) says how sure it is.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { DEFAULT_BOOTSTRAP } from '../ab/analyse.js';
import { appendHistory, historyEntry, readHistory, sameComparison } from '../ab/history.js';
import { planAb, type AbArm, type AbSplit } from '../ab/plan.js';
import { buildAbReport } from '../ab/report.js';
import { renderAbHtml } from '../ab/report-html.js';
import { renderAbMarkdown, renderAbTerminal } from '../ab/report-md.js';
import { AB_METRICS, type AbMetricKey, type ArmInfo } from '../ab/report-model.js';
import { mergeConfigInput, readConfigFile, resolveConfig, type RunConfig } from '../config/index.js';
import { InputError, displayPath } from '../data/index.js';
import { loadPolicy } from '../policies/load-policy.js';
import { parseParams } from '../policies/params.js';
import { defaultWorkers, runSpecs } from '../runner/index.js';
import { loadMarkets } from '../runner/markets.js';
import { checkOutFolder, createRunFolder } from '../runs/run-folder.js';
import { toJson } from '../runs/run-files.js';
import { longestLookbackBars } from '../runs/train-split.js';
import { bundledDataset, packageVersion } from './bundled.js';
import { dataLoadOptions, withDataOptions, type DataArgs } from './data-options.js';
import { EXIT_INTERRUPTED, EXIT_RUNS_FAILED, handleInterrupts, progressBar, setExitCode } from './progress.js';

interface AbArgs extends DataArgs {
  dataset: string[] | undefined;
  a: string;
  b: string;
  paramA: string[] | undefined;
  paramB: string[] | undefined;
  config: string | undefined;
  configA: string | undefined;
  configB: string | undefined;
  seeds: number;
  trainFrac: number | undefined;
  folds: number | undefined;
  metric: string;
  workers: number | undefined;
  out: string | undefined;
  runsDir: string;
  json: boolean;
  history: boolean;
  cash: number | undefined;
  fee: number | undefined;
  slippageBps: number | undefined;
  bootstrapReps: number;
}

const LEARNING_POLICIES = new Set(['rl-v1', 'rl-v2']);

const METRIC_NAMES: Record<string, AbMetricKey> = {
  return: 'returnPct',
  sharpe: 'sharpe',
  sortino: 'sortino',
  'max-drawdown': 'maxDrawdownPct',
  maxdd: 'maxDrawdownPct',
  'win-rate': 'winRatePct',
  winrate: 'winRatePct',
  'profit-factor': 'profitFactor',
};

export function parseMetric(text: string): AbMetricKey {
  const key = METRIC_NAMES[text.toLowerCase()] ?? AB_METRICS.find((m) => m.higherIsBetter !== null && m.key.toLowerCase() === text.toLowerCase())?.key;
  if (key === undefined) throw new InputError(`--metric '${text}' is not one of ${Object.keys(METRIC_NAMES).join(', ')}`);
  return key;
}

/** A policy module path made absolute (workers load it); a built-in name as it is. */
const policyRef = (name: string) => (/[\\/]|\.[cm]?[jt]s$/i.test(name) ? resolve(name) : name);

function armConfig(base: unknown, file: string | undefined, source: string): { input: Record<string, unknown>; config: RunConfig } {
  const input = mergeConfigInput(base, file === undefined ? {} : readConfigFile(file)) as Record<string, unknown>;
  return { input, config: resolveConfig(input, file ?? source) };
}

/** Both arms must pay the same costs: the engine sections must match field by field. */
function checkSameEngine(a: RunConfig, b: RunConfig): void {
  for (const [key, value] of Object.entries(a.engine)) {
    const other = (b.engine as Record<string, unknown>)[key];
    if (JSON.stringify(value) !== JSON.stringify(other)) {
      throw new InputError(`the arms must share costs and engine settings, but engine.${key} is ${JSON.stringify(value)} for A and ${JSON.stringify(other)} for B (set it in --config, not --config-a/--config-b)`);
    }
  }
}

function printHistory(runsDir: string, json: boolean): void {
  const entries = readHistory(runsDir);
  if (json) {
    process.stdout.write(toJson(entries));
    return;
  }
  if (entries.length === 0) {
    process.stdout.write(`no A/B verdicts yet in ${displayPath(join(runsDir, 'ab-history.jsonl'))}\n`);
    return;
  }
  const p = (v: number | null) => (v === null ? '–' : v.toFixed(2));
  const rows = entries.map((e) => [
    e.at.slice(0, 16).replace('T', ' '),
    `${e.b} vs ${e.a}`,
    e.datasets.map((d) => d.name).join(', '),
    `${e.seeds} seeds, ${e.split}`,
    e.metric,
    `${p(e.probabilityBBetter.point)} [${p(e.probabilityBBetter.low)}, ${p(e.probabilityBBetter.high)}]`,
    `${e.verdict}${e.runs.failed > 0 ? ` (${e.runs.failed} failed)` : ''}`,
    e.folder,
  ]);
  const header = ['when (UTC)', 'B vs A', 'datasets', 'design', 'metric', 'P(B better)', 'verdict', 'report'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
}

export function abCommand(yargs: Argv) {
  return yargs.command(
    'ab',
    'A/B of two policies (RL v1 vs RL v2) on the same data, folds and seeds; report with CIs and a verdict',
    (y) =>
      withDataOptions(
        y
          .option('dataset', { type: 'string', array: true, describe: 'dataset folder(s) (default: the bundled datasets/synthetic-5m)' })
          .option('a', { type: 'string', default: 'rl-v1', describe: 'arm A, the baseline: a built-in policy or a policy module' })
          .option('b', { type: 'string', default: 'rl-v2', describe: 'arm B, the candidate' })
          .option('param-a', { type: 'string', array: true, describe: "arm A's policy parameters key=value (repeatable)" })
          .option('param-b', { type: 'string', array: true, describe: "arm B's policy parameters key=value (repeatable)" })
          .option('config', { type: 'string', describe: 'config file for both arms (costs, features, agents)' })
          .option('config-a', { type: 'string', describe: "arm A's config file, over --config (not engine costs)" })
          .option('config-b', { type: 'string', describe: "arm B's config file, over --config (not engine costs)" })
          .option('seeds', { type: 'number', default: 8, describe: 'seeds 1…N, each run on both arms (a verdict needs 4 or more)' })
          .option('folds', { type: 'number', describe: 'walk-forward folds: train on blocks 1…k, embargo, test on block k+1 (default 3)' })
          .option('train-frac', { type: 'number', describe: 'instead of folds: train on the first F of each dataset, test on the rest' })
          .conflicts('folds', 'train-frac')
          .option('metric', { type: 'string', default: 'sharpe', describe: 'the verdict metric: sharpe, sortino, return, max-drawdown, win-rate, profit-factor' })
          .option('workers', { type: 'number', describe: 'worker threads (default: the number of cores)' })
          .option('cash', { type: 'number', describe: 'starting cash (engine.cash), both arms' })
          .option('fee', { type: 'number', describe: 'fee per side as a fraction (engine.feeRate), both arms' })
          .option('slippage-bps', { type: 'number', describe: 'slippage in basis points (engine.slippageBps), both arms' })
          .option('bootstrap-reps', { type: 'number', default: DEFAULT_BOOTSTRAP.reps, describe: 'bootstrap resamples for the CIs of IQM, mean and median' })
          .option('out', { type: 'string', describe: 'report folder to write (must not exist, or be empty); default runs/ab-<time>-<b>-vs-<a>' })
          .option('runs-dir', { type: 'string', default: 'runs', describe: 'where report folders and ab-history.jsonl go' })
          .option('json', { type: 'boolean', default: false, describe: 'print report.json instead of the summary' })
          .option('history', { type: 'boolean', default: false, describe: 'list past A/B verdicts (runs/ab-history.jsonl) and exit' })
          .epilogue(
            'Examples:\n' +
              '  replaylab ab                                   # rl-v1 vs rl-v2 on the bundled dataset\n' +
              '  replaylab ab --dataset ../data/binance-btcusdt-1h --seeds 8 --folds 3\n' +
              '  replaylab ab --a random --param-a probability=0.02 --b rl-v2 --metric return\n' +
              '  replaylab ab --history\n' +
              'Exit codes: 0 done, 2 bad input, 3 some runs failed (the report lists them), 130 interrupted (finished runs kept).',
          ),
      ),
    async (args) => {
      const a = args as unknown as AbArgs;
      if (a.history) {
        printHistory(a.runsDir, a.json);
        return;
      }
      if (!Number.isInteger(a.seeds) || a.seeds < 1) throw new InputError(`--seeds must be a whole number ≥ 1, got ${a.seeds}`);
      if (a.workers !== undefined && (!Number.isInteger(a.workers) || a.workers < 1)) throw new InputError(`--workers must be a whole number ≥ 1, got ${a.workers}`);
      if (!Number.isInteger(a.bootstrapReps) || a.bootstrapReps < 100) throw new InputError(`--bootstrap-reps must be a whole number ≥ 100, got ${a.bootstrapReps}`);
      const metric = parseMetric(a.metric);
      const split: AbSplit =
        a.trainFrac !== undefined ? { kind: 'train-frac', trainFrac: a.trainFrac } : { kind: 'walk-forward', folds: a.folds ?? 3 };
      if (split.kind === 'train-frac' && !(split.trainFrac > 0 && split.trainFrac < 1)) throw new InputError(`--train-frac must be between 0 and 1 (exclusive), got ${a.trainFrac}`);
      if (split.kind === 'walk-forward' && (!Number.isInteger(split.folds) || split.folds < 1)) throw new InputError(`--folds must be a whole number ≥ 1, got ${a.folds}`);

      const engine: Record<string, number> = {};
      if (a.cash !== undefined) engine.cash = a.cash;
      if (a.fee !== undefined) engine.feeRate = a.fee;
      if (a.slippageBps !== undefined) engine.slippageBps = a.slippageBps;
      const base = mergeConfigInput(a.config === undefined ? {} : readConfigFile(a.config), Object.keys(engine).length > 0 ? { engine } : {});
      const source = a.config ?? 'the flags';
      const configs = { a: armConfig(base, a.configA, source), b: armConfig(base, a.configB, source) };
      checkSameEngine(configs.a.config, configs.b.config);
      const params = { a: parseParams(a.paramA ?? []), b: parseParams(a.paramB ?? []) };
      // Two arms of one policy (an A/A test, or two configs of it) are told apart by their letter.
      const same = a.a === a.b;
      const arms: Record<'a' | 'b', AbArm> = {
        a: { label: same ? `${a.a} (A)` : a.a, policy: policyRef(a.a), params: params.a, config: configs.a.input },
        b: { label: same ? `${a.b} (B)` : a.b, policy: policyRef(a.b), params: params.b, config: configs.b.input },
      };
      if (a.a === a.b && a.configA === a.configB && JSON.stringify(params.a) === JSON.stringify(params.b)) {
        process.stderr.write(`note: both arms are ${a.a} with the same settings: an A/A test (expect P(B better) near 0.5, inconclusive)\n`);
      }

      // A report folder that cannot be written is refused now, not after the runs.
      if (a.out !== undefined) checkOutFolder(a.out);
      const paths = a.dataset !== undefined && a.dataset.length > 0 ? a.dataset : [bundledDataset()];
      const markets = await loadMarkets(paths, dataLoadOptions(a));
      // Policies are built once here, so a bad module or parameter stops the A/B before any run.
      for (const arm of ['a', 'b'] as const) {
        const first = markets[0]!.dataset;
        await loadPolicy(arms[arm].policy, arms[arm].params, { seed: 1, symbol: first.symbol, intervalMs: first.interval.ms, config: configs[arm].config });
      }
      const embargoConfig = longestLookbackBars(configs.a.config) >= longestLookbackBars(configs.b.config) ? configs.a.config : configs.b.config;
      const seeds = Array.from({ length: a.seeds }, (_, k) => k + 1);
      const plan = planAb({ markets, arms, seeds, split, embargoConfig, embargoBars: longestLookbackBars(embargoConfig) });
      const armInfo = (arm: 'a' | 'b', file: string | undefined): ArmInfo => ({
        label: arms[arm].label,
        policy: arms[arm].policy === a[arm] ? a[arm] : displayPath(arms[arm].policy),
        configFile: file ?? a.config ?? null,
        learns: LEARNING_POLICIES.has(arms[arm].policy),
      });
      const history = readHistory(a.runsDir);

      const workers = Math.min(a.workers ?? defaultWorkers(), plan.runs.length);
      process.stderr.write(
        `A/B: ${plan.runs.length} runs (${plan.tasks.length} task(s) × ${seeds.length} seeds × 2 arms) on ${workers} worker(s)\n`,
      );
      const started = new Date();
      const wallStart = performance.now();
      const controller = new AbortController();
      let interrupted = false;
      const release = handleInterrupts(() => {
        interrupted = true;
        controller.abort();
      });
      const bar = progressBar(plan.runs.length);
      let failed = 0;
      let outcomes;
      try {
        outcomes = await runSpecs(
          plan.runs.map((r) => r.spec),
          new Map(markets.map((m) => [m.key, m.market])),
          {
            workers,
            signal: controller.signal,
            onProgress: (done, _total, outcome) => {
              if (outcome.status === 'failed' && outcome.error !== 'cancelled') failed++;
              bar.update(done, failed);
            },
          },
        );
      } finally {
        bar.finish();
        release();
      }
      const wallMs = performance.now() - wallStart;
      const costs = configs.a.config.engine;
      const report = buildAbReport({
        plan,
        outcomes,
        markets,
        arms: { a: armInfo('a', a.configA), b: armInfo('b', a.configB) },
        seeds,
        split,
        metric,
        costs: { feeRate: costs.feeRate, slippageBps: costs.slippageBps, cash: costs.cash },
        periodsPerYear: configs.a.config.metrics.periodsPerYear,
        riskFreeRate: configs.a.config.metrics.riskFreeRate,
        bootstrap: { ...DEFAULT_BOOTSTRAP, reps: a.bootstrapReps },
        interrupted,
        history: sameComparison(history, { a: arms.a.label, b: arms.b.label, metric, fingerprints: markets.map((m) => m.info.fingerprint) }),
        generated: {
          at: started.toISOString(),
          replaylab: packageVersion(),
          node: process.version,
          command: ['replaylab', ...process.argv.slice(2)].join(' '),
          workers,
          wallMs: Math.round(wallMs),
          replayMs: Math.round(outcomes.reduce((sum, o) => sum + (o.status === 'ok' ? o.replayMs : 0), 0)),
        },
      });

      const stamp = started.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
      const slug = (name: string) => name.replace(/^.*[\\/]/, '').replace(/\.[cm]?[jt]s$/i, '').replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 30);
      const folder = createRunFolder({ ...(a.out === undefined ? {} : { out: a.out }), runsDir: a.runsDir, id: `ab-${stamp}-${slug(a.b)}-vs-${slug(a.a)}${interrupted ? '-interrupted' : ''}` });
      let destination: string;
      try {
        writeFileSync(join(folder.temporary, 'report.json'), toJson(report));
        writeFileSync(join(folder.temporary, 'report.md'), renderAbMarkdown(report));
        writeFileSync(join(folder.temporary, 'report.html'), renderAbHtml(report));
        destination = folder.commit();
      } catch (error) {
        folder.discard();
        throw error;
      }
      const shown = displayPath(destination);
      if (report.complete) appendHistory(a.runsDir, historyEntry(report, shown));
      if (a.json) process.stdout.write(toJson(report));
      else process.stdout.write(`${renderAbTerminal(report, shown)}\n`);
      if (interrupted) {
        process.stderr.write(`interrupted: ${report.counts.ok + report.counts.failed} of ${report.counts.planned} runs finished and are in ${shown}; not added to the A/B history\n`);
        setExitCode(EXIT_INTERRUPTED);
      } else if (report.counts.failed > 0) {
        process.stderr.write(`${report.counts.failed} of ${report.counts.planned} runs failed (see ${shown}/report.md); exit code ${EXIT_RUNS_FAILED}\n`);
        setExitCode(EXIT_RUNS_FAILED);
      }
    },
  );
}
