/** `replaylab replay`: one policy over one market, written to `runs/<id>/`. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { mergeConfigInput, readConfigFile, resolveConfig, type RunConfig } from '../config/index.js';
import { InputError, displayPath, formatDuration, formatIsoTime, loadDataset, loadFileSet, parseIsoTime } from '../data/index.js';
import type { MarketData } from '../engine/replay.js';
import { SignalSources } from '../engine/signal-sources.js';
import { isRlPolicy, type AgentMode, type RlPolicy } from '../agents/rl-policy.js';
import { loadPolicy } from '../policies/load-policy.js';
import { datasetFingerprint } from '../runner/markets.js';
import { parseParams } from '../policies/params.js';
import { createRunFolder, runId } from '../runs/run-folder.js';
import { phasedReplay } from '../runs/phased-replay.js';
import { periodGaps, selectPeriod, writeRunFiles, type ReplayRunOutput } from '../runs/replay-run.js';
import { toJson } from '../runs/run-files.js';
import { splitPeriod, type TrainEvalSplit } from '../runs/train-split.js';
import { dataLoadOptions, withDataOptions, type DataArgs } from './data-options.js';
import { formatPairs } from './output.js';

interface ReplayArgs extends DataArgs {
  dataset: string | undefined;
  candles: string[] | undefined;
  trades: string[] | undefined;
  predictions: string | undefined;
  policy: string;
  param: string[] | undefined;
  config: string | undefined;
  seed: number;
  from: string | undefined;
  to: string | undefined;
  cash: number | undefined;
  fee: number | undefined;
  slippageBps: number | undefined;
  qtyStep: number | undefined;
  out: string | undefined;
  runsDir: string;
  events: boolean;
  json: boolean;
  mode: AgentMode;
  trainFrac: number | undefined;
  warmStart: string | undefined;
}

const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function parseTimeOption(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseIsoTime(text);
  if (Number.isNaN(ms)) throw new InputError(`--${flag} '${text}' is not a date or time (ISO 8601, e.g. 2021-01-01 or 2021-01-01T12:00:00Z)`);
  return ms;
}

/** Defaults < --config file < flags. */
export function configFromArgs(args: Pick<ReplayArgs, 'config' | 'cash' | 'fee' | 'slippageBps' | 'qtyStep'>): RunConfig {
  const fromFile = args.config === undefined ? {} : readConfigFile(args.config);
  const engine: Record<string, number> = {};
  if (args.cash !== undefined) engine.cash = args.cash;
  if (args.fee !== undefined) engine.feeRate = args.fee;
  if (args.slippageBps !== undefined) engine.slippageBps = args.slippageBps;
  if (args.qtyStep !== undefined) engine.qtyStep = args.qtyStep;
  const merged = mergeConfigInput(fromFile, Object.keys(engine).length > 0 ? { engine } : {});
  return resolveConfig(merged, args.config ?? 'the flags');
}

const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : Number.isNaN(value) ? 'n/a' : String(value));

function ordersText(r: ReplayRunOutput['result']): string {
  const reasons = Object.entries(r.rejectedByReason)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([reason, count]) => `${reason} ${(count ?? 0).toLocaleString('en-US')}`);
  return `${r.ordersSubmitted.toLocaleString('en-US')} submitted, ${r.ordersRejected.toLocaleString('en-US')} rejected${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`;
}

interface SummaryInfo {
  policy: string;
  dataset: string;
  folder: string;
  synthetic: boolean;
  rl: ReturnType<RlPolicy['summary']> | undefined;
  split: TrainEvalSplit | undefined;
  training: ReplayRunOutput | undefined;
}

const share = (count: number | undefined, total: number): string => (total === 0 ? '0' : `${(((count ?? 0) / total) * 100).toFixed(0)}%`);

function rlLines(rl: NonNullable<SummaryInfo['rl']>): [string, string][] {
  const byModel = Object.entries(rl.choices.byModel)
    .sort((x, y) => y[1] - x[1])
    .map(([model, count]) => `${model} ${share(count, rl.orders)}`)
    .join(', ');
  const lines: [string, string][] = [
    ['agent mode', rl.mode === 'train' ? 'train (ε-greedy, learning)' : 'eval (greedy, tables frozen)'],
    [
      'decisions',
      `${rl.signals.toLocaleString('en-US')} signals → ${rl.orders.toLocaleString('en-US')} orders (${rl.passed.toLocaleString('en-US')} passed: chosen action below the entry threshold)`,
    ],
    ['models chosen', byModel === '' ? '–' : byModel],
  ];
  for (const agent of rl.agents) {
    lines.push([
      agent.agent,
      `${agent.states.toLocaleString('en-US')} states, ${agent.stateActionPairs.toLocaleString('en-US')} pairs (${agent.updatedPairs.toLocaleString('en-US')} updated), ${agent.updates.toLocaleString('en-US')} updates (+${agent.updatesThisRun.toLocaleString('en-US')}), ε ${agent.epsilon.toFixed(4)}`,
    ]);
  }
  return lines;
}

function summaryText(output: ReplayRunOutput, info: SummaryInfo): string {
  const m = output.metrics;
  const r = output.result;
  const period = (o: ReplayRunOutput) =>
    `${formatIsoTime(o.result.time[0]!)} → ${formatIsoTime(o.result.time[o.result.time.length - 1]!)} (${o.metrics.bars.toLocaleString('en-US')} bars)`;
  const pairs: [string, string | number][] = [
    ['policy', info.policy],
    ['dataset', info.dataset],
  ];
  if (info.split !== undefined && info.training !== undefined) {
    const t = info.training.metrics;
    pairs.push(['training', `${period(info.training)}: return ${fixed(t.returnPct, 2)}%, ${t.trades.toLocaleString("en-US")} trades, Sharpe ${fixed(t.sharpe, 3)}`]);
    pairs.push(['embargo', `${info.split.embargoBars} bars (the longest feature lookback)`]);
    pairs.push(['EVALUATION', info.rl === undefined ? 'the figures below (the policy built afresh)' : 'the figures below (tables frozen, greedy)']);
  }
  pairs.push(
    ['period', period(output)],
    ['fills', r.tickWalk ? 'tick walk (trade data)' : 'candles (next open)'],
  );
  pairs.push(
    ['final equity', `${fixed(m.finalEquity, 2)} (from ${fixed(m.startingCash, 2)})`],
    ['return %', fixed(m.returnPct, 2)],
    ['buy & hold %', fixed(m.buyAndHoldReturnPct, 2)],
    ['CAGR %', fixed(m.cagrPct, 2)],
    ['Sharpe / Sortino', `${fixed(m.sharpe, 3)} / ${fixed(m.sortino, 3)} (daily returns, A = ${m.periodsPerYear})`],
    ['max drawdown %', fixed(m.maxDrawdownPct, 2)],
    ['trades', m.trades],
    ['orders', ordersText(r)],
    ['win rate %', fixed(m.winRatePct, 1)],
    ['profit factor', fixed(m.profitFactor, 3)],
    ['exposure %', fixed(m.exposurePct, 1)],
    ['fees', fixed(m.feesPaid, 2)],
    ['liquidations', m.liquidations],
    ['PSR (Sharpe > 0)', fixed(m.psr, 3)],
  );
  if (info.rl !== undefined) pairs.push(...rlLines(info.rl));
  if (r.modelSource === 'synthetic') pairs.push(['model scores', 'SYNTHETIC: generated from future returns by design (not a real model)']);
  if (info.synthetic) pairs.push(['data', 'SYNTHETIC dataset (generated)']);
  pairs.push(['run folder', info.folder]);
  return formatPairs(pairs);
}

export function replayCommand(yargs: Argv) {
  return yargs.command(
    'replay',
    'Replay one policy over historical data; write runs/<id>/ (metrics, trades, equity)',
    (y) =>
      withDataOptions(
        y
          .option('dataset', { type: 'string', describe: 'dataset folder (or file) to replay' })
          .option('candles', { type: 'string', array: true, describe: 'candle CSV files (instead of --dataset)' })
          .option('trades', { type: 'string', array: true, describe: 'trade CSV files: fills and exits walk their ticks' })
          .option('predictions', { type: 'string', describe: 'predictions.csv: timestamp + one score column per model' })
          .conflicts('dataset', 'candles')
          .option('policy', {
            type: 'string',
            demandOption: 'give --policy: buy-and-hold, random, fixed, rl-v1, rl-v2, or a .ts/.js module',
            describe: 'buy-and-hold | random | fixed | rl-v1 | rl-v2 | path to a policy module (.ts/.js)',
          })
          .option('mode', { choices: ['train', 'eval'] as const, default: 'train' as const, describe: 'rl-v1/rl-v2: train (ε-greedy, learning) or eval (greedy, tables frozen)' })
          .option('train-frac', { type: 'number', describe: 'train on the first F of the period, evaluate (frozen) on the rest after an embargo' })
          .option('warm-start', { type: 'string', describe: 'rl-v1/rl-v2: load Q-tables from a run folder (or its qtables/)' })
          .option('param', { type: 'string', array: true, describe: 'policy parameter key=value (repeatable)' })
          .option('config', { type: 'string', describe: 'config file (any subset of `replaylab config defaults`)' })
          .option('seed', { type: 'number', default: 1, describe: 'seed of the run (random policy, synthetic models, RL exploration and tie-breaks)' })
          .option('from', { type: 'string', describe: 'first bar (ISO date/time, inclusive)' })
          .option('to', { type: 'string', describe: 'end of the period (ISO date/time, exclusive)' })
          .option('cash', { type: 'number', describe: 'starting cash (engine.cash)' })
          .option('fee', { type: 'number', describe: 'fee per side as a fraction, e.g. 0.001 (engine.feeRate)' })
          .option('slippage-bps', { type: 'number', describe: 'slippage in basis points (engine.slippageBps)' })
          .option('qty-step', { type: 'number', describe: 'quantity step, e.g. 1 for whole units (engine.qtyStep)' })
          .option('out', { type: 'string', describe: 'run folder to write (must not exist, or be empty); default runs/<id>' })
          .option('runs-dir', { type: 'string', default: 'runs', describe: 'where run folders go' })
          .option('events', { type: 'boolean', default: false, describe: 'also write every event to events.jsonl' })
          .option('json', { type: 'boolean', default: false, describe: 'print the metrics as one JSON object' })
          .epilogue(
            'Examples:\n' +
              '  replaylab replay --dataset datasets/synthetic-5m --policy buy-and-hold\n' +
              '  replaylab replay --candles GOOG.csv --policy examples/sma-cross.ts --param fast=10 --param slow=30 --cash 10000 --fee 0 --qty-step 1\n' +
              '  replaylab replay --dataset datasets/synthetic-5m --policy rl-v2 --train-frac 0.7\n' +
              '  replaylab replay --dataset datasets/synthetic-5m --policy rl-v2 --mode eval --warm-start runs/<id>',
          ),
      ),
    async (args) => {
      const a = args as unknown as ReplayArgs;
      if (a.dataset === undefined && (a.candles === undefined || a.candles.length === 0) && (a.trades === undefined || a.trades.length === 0)) {
        throw new InputError('give --dataset DIR, or --candles FILE… (and optionally --trades FILE…)');
      }
      if (!Number.isSafeInteger(a.seed)) throw new InputError(`--seed must be a whole number, got ${a.seed}`);
      const from = parseTimeOption('from', a.from);
      const to = parseTimeOption('to', a.to);
      if (from !== undefined && to !== undefined && !(from < to)) throw new InputError(`--from ${a.from} is not before --to ${a.to}`);
      const config = configFromArgs(a);
      const params = parseParams(a.param ?? []);
      // Everything the user typed is checked before the data is read.
      const loadStarted = performance.now();
      const options = dataLoadOptions(a);
      const dataset =
        a.dataset !== undefined ? await loadDataset(a.dataset, options) : await loadFileSet(a.candles ?? [], a.trades ?? [], options);
      const loadMs = performance.now() - loadStarted;
      const predictionsPath = a.predictions !== undefined ? resolve(a.predictions) : dataset.predictionsPath;
      const market: MarketData = {
        name: dataset.name,
        symbol: dataset.symbol,
        intervalMs: dataset.interval.ms,
        candles: dataset.candles,
        trades: dataset.trades,
        predictionsPath,
      };
      const period = selectPeriod(dataset.candles.columns.openTime, from, to);
      const gaps = periodGaps(dataset.candles.columns.openTime, period, dataset.interval.ms);
      const sources = new SignalSources(market, config);
      sources.loadPredictions();
      if (a.trainFrac !== undefined && a.mode === 'eval') throw new InputError('--train-frac trains on the first part of the period; it cannot be combined with --mode eval');
      const split = a.trainFrac === undefined ? undefined : splitPeriod(period, a.trainFrac, config);
      const loaded = await loadPolicy(a.policy, params, { seed: a.seed, symbol: dataset.symbol, intervalMs: dataset.interval.ms, config });
      const rl = isRlPolicy(loaded.policy) ? loaded.policy : undefined;
      if (rl === undefined && (a.mode !== 'train' || a.warmStart !== undefined)) {
        const flag = a.warmStart !== undefined ? '--warm-start' : `--mode ${a.mode}`;
        throw new InputError(`${flag} applies to the learning policies rl-v1 and rl-v2, not ${loaded.name}`);
      }
      if (rl !== undefined) rl.mode = a.mode;
      if (rl !== undefined && a.mode === 'eval' && a.warmStart === undefined) {
        process.stderr.write('warning: --mode eval without --warm-start: the tables are empty, so every choice is a tie broken at random (the untrained baseline)\n');
      }
      const warmStartFiles = rl !== undefined && a.warmStart !== undefined ? rl.warmStart(a.warmStart) : [];
      if (gaps.count > 0) {
        const { largest } = gaps;
        process.stderr.write(
          `warning: the period has ${gaps.count.toLocaleString('en-US')} gap(s) in the candles (${gaps.missingBars.toLocaleString('en-US')} bars missing; the largest, ${formatDuration(largest.toMs - largest.fromMs)}, ` +
            `${formatIsoTime(largest.fromMs)} → ${formatIsoTime(largest.toMs)}): a position held across a gap is valued and exits at its far side (see \`replaylab data inspect\`)\n`,
        );
      }
      const startedAt = new Date();
      const folder = createRunFolder({ ...(a.out === undefined ? {} : { out: a.out }), runsDir: a.runsDir, id: runId(startedAt, loaded.name, a.seed) });
      try {
        if (split !== undefined) mkdirSync(join(folder.temporary, 'training'));
        const phases = await phasedReplay({
          market,
          config,
          sources,
          policy: loaded.policy,
          policyName: loaded.name,
          rebuild: async () => (await loadPolicy(a.policy, params, { seed: a.seed, symbol: dataset.symbol, intervalMs: dataset.interval.ms, config })).policy,
          params,
          seed: a.seed,
          syntheticData: dataset.synthetic,
          ...(split === undefined ? {} : { train: split.train }),
          period: split?.evaluation ?? period,
          eventsFile: (phase) => (a.events ? join(folder.temporary, phase === 'training' ? 'training' : '', 'events.jsonl') : undefined),
        });
        const training = phases.training?.output;
        const output = phases.evaluation.output;
        if (split !== undefined && phases.trainedNothing) {
          process.stderr.write(
            `warning: the training part (${(split.train.endIndex - split.train.startIndex).toLocaleString('en-US')} bars) ended without a single update ` +
              `(the features warm up over the first ${split.embargoBars} bars, and a trade must close): the evaluation runs on untrained tables\n`,
          );
        }
        if (phases.training !== undefined) writeRunFiles(join(folder.temporary, 'training'), phases.training.output, phases.training.document);
        const writeStarted = performance.now();
        const metrics = {
          ...phases.evaluation.document,
          ...(split === undefined || training === undefined
            ? {}
            : {
                split: {
                  trainFrac: a.trainFrac,
                  train: { start: formatIsoTime(training.result.time[0]!), bars: split.train.endIndex - split.train.startIndex },
                  embargoBars: split.embargoBars,
                  evaluation: { start: formatIsoTime(output.result.time[0]!), bars: split.evaluation.endIndex - split.evaluation.startIndex },
                  note: 'the metrics at the top level are the evaluation part alone; training/ holds the training part',
                },
                training: phases.training?.document,
              }),
        };
        writeRunFiles(folder.temporary, output, metrics);
        if (rl !== undefined) rl.saveTables(join(folder.temporary, 'qtables'));
        const manifest = {
          replaylab: packageVersion(),
          node: process.version,
          createdAt: startedAt.toISOString(),
          command: ['replaylab', ...process.argv.slice(2)].join(' '),
          spec: {
            dataset: a.dataset ?? null,
            candles: a.candles ?? [],
            trades: a.trades ?? [],
            predictions: predictionsPath ?? null,
            policy: { name: loaded.name, kind: loaded.kind, file: loaded.file ?? null, params },
            seed: a.seed,
            period: { from: from === undefined ? null : formatIsoTime(from), to: to === undefined ? null : formatIsoTime(to), bars: period.endIndex - period.startIndex },
            mode: 'replay',
            agentMode: rl === undefined ? null : a.mode,
            trainFrac: a.trainFrac ?? null,
            warmStart: a.warmStart === undefined ? null : { from: a.warmStart, files: warmStartFiles.map((f) => displayPath(f)) },
          },
          config,
          dataset: {
            name: dataset.name,
            path: displayPath(dataset.path),
            symbol: dataset.symbol ?? null,
            market: dataset.market,
            interval: dataset.interval.name,
            candles: dataset.candles.rows,
            trades: dataset.trades?.rows ?? 0,
            synthetic: dataset.synthetic,
            fingerprint: datasetFingerprint(dataset),
            files: [...dataset.candleFiles, ...dataset.tradeFiles].map((f) => displayPath(f.parsed.file)),
          },
          gaps: { count: gaps.count, missingBars: gaps.missingBars, largest: gaps.count === 0 ? null : { from: formatIsoTime(gaps.largest.fromMs), to: formatIsoTime(gaps.largest.toMs), bars: gaps.largest.bars } },
          modelSource: output.result.modelSource ?? null,
          syntheticModels: output.result.modelSource === 'synthetic',
          timings: { loadMs: Math.round(loadMs), replayMs: Math.round(output.replayMs), writeMs: Math.round(performance.now() - writeStarted) },
        };
        writeFileSync(join(folder.temporary, 'manifest.json'), toJson(manifest));
        const destination = folder.commit();
        const shown = displayPath(destination);
        const result = output.result;
        if (result.trades.length === 0 && result.ordersRejected > 0) {
          const first = Object.entries(result.rejectedByReason).sort((x, y) => (y[1] ?? 0) - (x[1] ?? 0))[0];
          process.stderr.write(
            `warning: no trade was made: all ${result.ordersRejected} order(s) were rejected (mostly ${first?.[0]}); see ORDER_REJECTED in --events for each reason\n`,
          );
        }
        if (a.json) process.stdout.write(toJson({ ...metrics, runFolder: shown }));
        else {
          process.stdout.write(
            `${summaryText(output, {
              policy: loaded.name,
              dataset: dataset.name,
              folder: shown,
              synthetic: dataset.synthetic,
              rl: rl?.summary(),
              split,
              training,
            })}\n`,
          );
        }
      } catch (error) {
        folder.discard();
        throw error;
      }
    },
  );
}
