/**
 * `replaylab replay --policy rl-v1|rl-v2` end to end through the built CLI: determinism of the saved
 * Q-tables, --warm-start, --mode eval, --train-frac, bad Q-tables and configs, and the agents'
 * defaults. Every replay covers the first nine days of the bundled dataset (2,592 five-minute bars);
 * independent runs are started side by side to keep the file quick.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH, REPO_ROOT, makeTmpDir, parseJson, readCsvRows, removeTmpDirs, runCli, type CliResult } from './helpers.js';

const BUNDLED = join(REPO_ROOT, 'datasets', 'synthetic-5m');
/** Exclusive end of every replay here: 9 days of 5-minute bars. */
const TO = '2024-01-10';
const BARS = 9 * 288;
const FIVE_MINUTES = 300_000;

interface QParams {
  alpha: number;
  gamma: number;
  epsilon: number;
  epsilonDecay: number;
  epsilonMin: number;
}

interface AgentSummary {
  agent: string;
  states: number;
  stateActionPairs: number;
  updates: number;
  updatesThisRun: number;
  epsilon: number;
}

interface RlSummary {
  policy: string;
  mode: 'train' | 'eval';
  signals: number;
  passed: number;
  orders: number;
  rejectedOrders: number;
  tradesRewarded: number;
  tradesNotRewarded: number;
  choices: Record<string, Record<string, number>>;
  agents: AgentSummary[];
}

interface RlMetrics {
  policy: string;
  seed: number;
  start: string;
  bars: number;
  trades: number;
  finalEquity: number;
  rl: RlSummary;
  split?: {
    trainFrac: number;
    train: { start: string; bars: number };
    embargoBars: number;
    evaluation: { start: string; bars: number };
    note: string;
  };
  training?: RlMetrics;
}

interface QTableFile {
  format: string;
  version: number;
  agent: string;
  hyperparameters: QParams;
  epsilon: number;
  updates: number;
  decisions: number;
  state: { name: string; edges?: number[]; categories?: string[] }[];
  actions: string[];
  table: Record<string, Record<string, [number, number, number]>>;
}

interface Manifest {
  spec: { trainFrac: number | null; agentMode: string | null; warmStart: { from: string; files: string[] } | null };
}

const DEFAULT_Q: QParams = { alpha: 0.01, gamma: 0.99, epsilon: 0.1, epsilonDecay: 0.9995, epsilonMin: 0.01 };

let dir: string;
let cache: string;

/** `replaylab ARGS` in `dir` without blocking, so independent runs overlap. */
function runAsync(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: dir, env: { ...process.env, REPLAYLAB_CACHE_DIR: cache } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** `replay` over the test period; the run must succeed. */
async function replayOk(args: readonly string[]): Promise<CliResult> {
  const r = await runAsync(['replay', '--dataset', BUNDLED, '--to', TO, ...args]);
  if (r.status !== 0) throw new Error(`replay ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r;
}

const path = (...parts: string[]) => join(dir, ...parts);
const text = (...parts: string[]) => readFileSync(path(...parts), 'utf8');
const metricsOf = (run: string, sub = ''): RlMetrics => JSON.parse(text(run, sub, 'metrics.json')) as RlMetrics;
const tableOf = (run: string, agent: string): QTableFile => JSON.parse(text(run, 'qtables', `${agent}.json`)) as QTableFile;

/** ε after `n` updates from `start`, step by step as the learner does it. */
function epsilonAfter(start: number, n: number, q: QParams = DEFAULT_Q): number {
  let epsilon = start;
  for (let k = 0; k < n; k++) epsilon = Math.max(q.epsilonMin, epsilon * q.epsilonDecay);
  return epsilon;
}

/** Sums of the visits and updates stored in a table's entries. */
function entrySums(table: QTableFile): { visits: number; updates: number } {
  let visits = 0;
  let updates = 0;
  for (const row of Object.values(table.table)) {
    for (const [, v, u] of Object.values(row)) {
      visits += v;
      updates += u;
    }
  }
  return { visits, updates };
}

/** How many rows of trades.csv hold each value of a column. */
function countColumn(run: string, column: string): Record<string, number> {
  const rows = readCsvRows(path(run, 'trades.csv'));
  const at = rows[0]!.indexOf(column);
  expect(at, column).toBeGreaterThanOrEqual(0);
  const counts: Record<string, number> = {};
  for (const row of rows.slice(1)) counts[row[at]!] = (counts[row[at]!] ?? 0) + 1;
  return counts;
}

const sameKeysAndCounts = (a: Record<string, number>, b: Record<string, number>) =>
  expect(Object.entries(a).sort()).toEqual(Object.entries(b).sort());

beforeAll(async () => {
  dir = makeTmpDir();
  cache = join(dir, 'cache');
  // The base runs the other tests start from (the first one also fills the data cache).
  await replayOk(['--policy', 'rl-v2', '--seed', '1', '--out', path('v2-s1')]);
  await Promise.all([
    replayOk(['--policy', 'rl-v1', '--seed', '1', '--out', path('v1-s1')]),
    replayOk(['--policy', 'rl-v2', '--seed', '1', '--out', path('v2-s1-again')]),
  ]);
}, 60_000);
afterAll(removeTmpDirs);

describe('a training run (rl-v2, rl-v1) is deterministic and its files agree', () => {
  it('rl-v2: the same seed gives byte-identical metrics.json, trades and Q-tables; another seed other tables', async () => {
    await replayOk(['--policy', 'rl-v2', '--seed', '2', '--out', path('v2-s2')]);
    for (const file of ['metrics.json', 'trades.csv', 'equity.csv', 'qtables/rl-v2-meta.json', 'qtables/rl-v2-sizing.json']) {
      expect(text('v2-s1-again', file), file).toBe(text('v2-s1', file));
    }
    for (const file of ['metrics.json', 'qtables/rl-v2-meta.json', 'qtables/rl-v2-sizing.json']) {
      expect(text('v2-s2', file), file).not.toBe(text('v2-s1', file));
    }
    expect(readdirSync(path('v2-s1')).sort()).toEqual(['equity.csv', 'manifest.json', 'metrics.json', 'qtables', 'trades.csv']);
    expect(readdirSync(path('v2-s1', 'qtables')).sort()).toEqual(['rl-v2-meta.json', 'rl-v2-sizing.json']);
  });

  it('rl-v1: the same seed gives byte-identical metrics.json and Q-table; another seed another table', async () => {
    await Promise.all([
      replayOk(['--policy', 'rl-v1', '--seed', '1', '--out', path('v1-s1-again')]),
      replayOk(['--policy', 'rl-v1', '--seed', '2', '--out', path('v1-s2')]),
    ]);
    for (const file of ['metrics.json', 'trades.csv', 'qtables/rl-v1.json']) expect(text('v1-s1-again', file), file).toBe(text('v1-s1', file));
    expect(text('v1-s2', 'qtables/rl-v1.json')).not.toBe(text('v1-s1', 'qtables/rl-v1.json'));
    expect(text('v1-s2', 'metrics.json')).not.toBe(text('v1-s1', 'metrics.json'));
    expect(readdirSync(path('v1-s1', 'qtables'))).toEqual(['rl-v1.json']);
  });

  it('rl-v2: metrics.json rl section, trades.csv decision columns and the saved tables tell the same story', () => {
    const m = metricsOf('v2-s1');
    const { rl } = m;
    expect(m.policy).toBe('rl-v2');
    expect(m.bars).toBe(BARS);
    expect(rl.mode).toBe('train');
    expect(rl.orders).toBeGreaterThan(20);
    expect(rl.signals).toBe(rl.orders + rl.passed);
    expect(rl.rejectedOrders).toBe(0);
    expect(m.trades).toBe(rl.orders);
    // Every trade is learned from except one closed by the end of the data (or one closing on the last bar).
    expect(rl.tradesRewarded + rl.tradesNotRewarded).toBeLessThanOrEqual(m.trades);
    expect(rl.tradesRewarded + rl.tradesNotRewarded).toBeGreaterThanOrEqual(m.trades - 1);
    // The decision columns of trades.csv count the same choices as metrics.json.
    sameKeysAndCounts(countColumn('v2-s1', 'strategy'), rl.choices.byStrategy!);
    sameKeysAndCounts(countColumn('v2-s1', 'model'), rl.choices.byModel!);
    sameKeysAndCounts(countColumn('v2-s1', 'weight'), rl.choices.byWeight!);
    sameKeysAndCounts(countColumn('v2-s1', 'size_multiplier'), rl.choices.bySizeMultiplier!);
    sameKeysAndCounts(countColumn('v2-s1', 'decision_leverage'), rl.choices.byLeverage!);
    for (const s of Object.keys(rl.choices.byStrategy!)) expect(['dual_momentum', 'mean_reversion', 'breakout']).toContain(s);
    for (const l of Object.keys(rl.choices.byLeverage!)) expect(['1', '3', '5', '8', '10', '15', '20', '25']).toContain(l);
    // Each trade's leverage is the one the sizing agent chose.
    const rows = readCsvRows(path('v2-s1', 'trades.csv'));
    const [lev, chosen] = [rows[0]!.indexOf('leverage'), rows[0]!.indexOf('decision_leverage')];
    for (const row of rows.slice(1)) expect(row[lev]).toBe(row[chosen]);

    expect(rl.agents.map((a) => a.agent)).toEqual(['rl-v2-meta', 'rl-v2-sizing']);
    for (const summary of rl.agents) {
      const table = tableOf('v2-s1', summary.agent);
      expect(table.format).toBe('replaylab-qtable');
      expect(table.version).toBe(1);
      expect(table.agent).toBe(summary.agent);
      expect(table.hyperparameters).toEqual(DEFAULT_Q);
      expect(summary.updates).toBe(rl.tradesRewarded);
      expect(summary.updatesThisRun).toBe(summary.updates);
      expect(table.updates).toBe(summary.updates);
      expect(table.epsilon).toBe(summary.epsilon);
      expect(summary.epsilon).toBe(epsilonAfter(0.1, summary.updates));
      expect(summary.epsilon).toBeLessThan(0.1);
      const sums = entrySums(table);
      expect(sums.updates).toBe(table.updates);
      expect(sums.visits).toBe(table.decisions);
      // A fresh training run only makes a row when it chooses or updates, so every row is written.
      expect(Object.keys(table.table)).toHaveLength(summary.states);
    }
    // Meta: one choice per signal; sizing: one per order.
    expect(tableOf('v2-s1', 'rl-v2-meta').decisions).toBe(rl.signals);
    expect(tableOf('v2-s1', 'rl-v2-sizing').decisions).toBe(rl.orders);
    expect(tableOf('v2-s1', 'rl-v2-meta').actions).toHaveLength(60);
    expect(tableOf('v2-s1', 'rl-v2-sizing').actions).toHaveLength(40);
    expect(tableOf('v2-s1', 'rl-v2-meta').state.map((f) => f.name)).toEqual(['regime', 'volatility', 'marketPressure', 'confidence', 'previousWinRate', 'accountHealth']);
    expect(tableOf('v2-s1', 'rl-v2-sizing').state.map((f) => f.name)).toEqual(['signalConfidence', 'portfolioExposure', 'recentWinRate', 'volatility', 'equityCurveSlope']);
  });

  it('rl-v1: static sizing in trades.csv, one 20-action table over volatility × confidence × recentWinRate', () => {
    const m = metricsOf('v1-s1');
    const { rl } = m;
    expect(rl.policy).toBe('rl-v1');
    expect(rl.orders).toBeGreaterThan(20);
    expect(m.trades).toBe(rl.orders - rl.rejectedOrders);
    expect(countColumn('v1-s1', 'strategy')).toEqual({ dual_momentum: m.trades });
    expect(countColumn('v1-s1', 'size_multiplier')).toEqual({ '1': m.trades });
    expect(countColumn('v1-s1', 'decision_leverage')).toEqual({ '5': m.trades });
    expect(countColumn('v1-s1', 'leverage')).toEqual({ '5': m.trades });
    sameKeysAndCounts(countColumn('v1-s1', 'model'), rl.choices.byModel!);
    expect(rl.choices.bySizeMultiplier).toBeUndefined();
    const table = tableOf('v1-s1', 'rl-v1');
    expect(rl.agents).toHaveLength(1);
    expect(table.agent).toBe('rl-v1');
    expect(table.actions).toHaveLength(20);
    expect(table.state).toEqual([
      { name: 'volatility', edges: [0.25, 0.5, 0.75] },
      { name: 'confidence', edges: [0.33, 0.66] },
      { name: 'recentWinRate', edges: [0.4, 0.6] },
    ]);
    expect(table.updates).toBe(rl.agents[0]!.updates);
    expect(table.updates).toBe(rl.tradesRewarded);
    expect(table.decisions).toBe(rl.signals);
    expect(table.epsilon).toBe(epsilonAfter(0.1, table.updates));
    expect(entrySums(table)).toEqual({ visits: table.decisions, updates: table.updates });
  });
});

describe('--warm-start', () => {
  it('continues the update count and ε of the run it starts from; RUN and RUN/qtables load the same tables', async () => {
    await Promise.all([
      replayOk(['--policy', 'rl-v2', '--warm-start', path('v2-s1'), '--out', path('warm')]),
      replayOk(['--policy', 'rl-v2', '--warm-start', path('v2-s1', 'qtables'), '--out', path('warm-qtables')]),
    ]);
    const first = metricsOf('v2-s1').rl;
    const second = metricsOf('warm').rl;
    expect(second.mode).toBe('train');
    for (const agent of ['rl-v2-meta', 'rl-v2-sizing']) {
      const before = tableOf('v2-s1', agent);
      const after = tableOf('warm', agent);
      const summary = second.agents.find((a) => a.agent === agent)!;
      expect(summary.updatesThisRun).toBeGreaterThan(10);
      expect(after.updates).toBe(before.updates + summary.updatesThisRun);
      expect(summary.updates).toBe(after.updates);
      expect(after.epsilon).toBeLessThan(first.agents.find((a) => a.agent === agent)!.epsilon);
      expect(after.epsilon).toBe(epsilonAfter(before.epsilon, summary.updatesThisRun));
      expect(after.decisions).toBeGreaterThan(before.decisions);
      expect(text('warm-qtables', 'qtables', `${agent}.json`)).toBe(text('warm', 'qtables', `${agent}.json`));
    }
    expect(text('warm-qtables', 'metrics.json')).toBe(text('warm', 'metrics.json'));
    // Continuing changes what the agents do: the warm run is not a replay of the first.
    expect(text('warm', 'trades.csv')).not.toBe(text('v2-s1', 'trades.csv'));
    const manifest = JSON.parse(text('warm', 'manifest.json')) as Manifest;
    expect(manifest.spec.warmStart!.from).toBe(path('v2-s1'));
    expect(manifest.spec.warmStart!.files.map((f) => f.replace(/\\/g, '/').split('/').slice(-2).join('/'))).toEqual([
      'qtables/rl-v2-meta.json',
      'qtables/rl-v2-sizing.json',
    ]);
  });

  it('--mode eval leaves the tables as they were: byte-identical files, rl.mode eval, no updates', async () => {
    await Promise.all([
      replayOk(['--policy', 'rl-v2', '--mode', 'eval', '--warm-start', path('v2-s1'), '--out', path('eval-v2')]),
      replayOk(['--policy', 'rl-v1', '--mode', 'eval', '--warm-start', path('v1-s1'), '--out', path('eval-v1')]),
    ]);
    for (const agent of ['rl-v2-meta', 'rl-v2-sizing']) expect(text('eval-v2', 'qtables', `${agent}.json`)).toBe(text('v2-s1', 'qtables', `${agent}.json`));
    expect(text('eval-v1', 'qtables', 'rl-v1.json')).toBe(text('v1-s1', 'qtables', 'rl-v1.json'));
    for (const [run, from] of [
      ['eval-v2', 'v2-s1'],
      ['eval-v1', 'v1-s1'],
    ] as const) {
      const { rl } = metricsOf(run);
      expect(rl.mode).toBe('eval');
      expect(rl.orders).toBeGreaterThan(0);
      const trained = metricsOf(from).rl.agents;
      rl.agents.forEach((a, n) => {
        expect(a.updatesThisRun).toBe(0);
        expect(a.updates).toBe(trained[n]!.updates);
        expect(a.epsilon).toBe(trained[n]!.epsilon);
      });
    }
    const manifest = JSON.parse(text('eval-v2', 'manifest.json')) as Manifest;
    expect(manifest.spec.agentMode).toBe('eval');
  });
});

describe('--train-frac', () => {
  it('trains on the first 60%, skips an embargo, and reports the frozen evaluation at the top level', async () => {
    await replayOk(['--policy', 'rl-v2', '--train-frac', '0.6', '--out', path('split')]);
    expect(readdirSync(path('split')).sort()).toEqual(['equity.csv', 'manifest.json', 'metrics.json', 'qtables', 'trades.csv', 'training']);
    expect(readdirSync(path('split', 'training')).sort()).toEqual(['equity.csv', 'metrics.json', 'trades.csv']);
    const m = metricsOf('split');
    const training = metricsOf('split', 'training');
    const split = m.split!;
    const defaults = parseJson<{ signals: { dualMomentum: { longLookback: number }; meanReversion: { window: number }; breakout: { window: number } }; models: { syntheticHorizon: number } }>(
      runCli(['config', 'defaults', '--json']).stdout,
    );

    // Bar k's open time, from the full run over the same period (its equity rows are bar closes).
    const fullEquity = readCsvRows(path('v2-s1', 'equity.csv')).slice(2);
    expect(fullEquity).toHaveLength(BARS);
    const openTime = (k: number) => new Date(Date.parse(fullEquity[k]![0]!) + 1 - FIVE_MINUTES).toISOString().replace('.000Z', 'Z');

    expect(split.trainFrac).toBe(0.6);
    expect(split.train).toEqual({ start: '2024-01-01T00:00:00Z', bars: Math.floor(BARS * 0.6) });
    expect(split.embargoBars).toBeGreaterThan(0);
    expect(split.embargoBars).toBeGreaterThanOrEqual(
      Math.max(defaults.signals.dualMomentum.longLookback, defaults.signals.meanReversion.window, defaults.signals.breakout.window, defaults.models.syntheticHorizon),
    );
    expect(split.evaluation.bars).toBe(BARS - split.train.bars - split.embargoBars);
    expect(split.evaluation.start).toBe(openTime(split.train.bars + split.embargoBars));
    expect(split.note).toMatch(/top level are the evaluation part/);

    // The top level is the evaluation part: equity.csv = header + starting row + one row per bar.
    const equity = readCsvRows(path('split', 'equity.csv'));
    expect(equity.length - 2).toBe(split.evaluation.bars);
    expect(m.bars).toBe(split.evaluation.bars);
    expect(m.start).toBe(split.evaluation.start);
    expect(equity[1]![0]).toBe(split.evaluation.start);
    const trainingEquity = readCsvRows(path('split', 'training', 'equity.csv'));
    expect(trainingEquity.length - 2).toBe(split.train.bars);
    expect(training.bars).toBe(split.train.bars);
    expect(training.start).toBe(split.train.start);
    // The last training bar ends before the embargo; the first evaluation trade enters after it.
    expect(Date.parse(trainingEquity.at(-1)![0]!)).toBe(Date.parse(openTime(split.train.bars - 1)) + FIVE_MINUTES - 1);
    const trades = readCsvRows(path('split', 'trades.csv'));
    for (const row of trades.slice(1)) expect(Date.parse(row[trades[0]!.indexOf('entry_time')]!)).toBeGreaterThanOrEqual(Date.parse(split.evaluation.start));

    // Training learns, evaluation is frozen; the saved tables are what training left.
    expect(training.rl.mode).toBe('train');
    expect(m.rl.mode).toBe('eval');
    for (const [n, agent] of (['rl-v2-meta', 'rl-v2-sizing'] as const).entries()) {
      const learned = training.rl.agents[n]!;
      expect(learned.agent).toBe(agent);
      expect(learned.updatesThisRun).toBeGreaterThan(0);
      expect(m.rl.agents[n]!.updatesThisRun).toBe(0);
      expect(m.rl.agents[n]!.updates).toBe(learned.updates);
      expect(tableOf('split', agent).updates).toBe(learned.updates);
      expect(tableOf('split', agent).epsilon).toBe(learned.epsilon);
    }
    // Each part counts its own decisions (the evaluation does not carry the training's counts).
    for (const part of [training, m]) expect(part.rl.orders - part.rl.rejectedOrders).toBe(part.trades);
    expect(training.rl.agents[0]!.updatesThisRun).toBe(training.rl.tradesRewarded);
    expect(m.training).toEqual(training);
    expect(training.split).toBeUndefined();
    expect(training.trades).toBe(readCsvRows(path('split', 'training', 'trades.csv')).length - 1);
    expect(m.trades).toBe(trades.length - 1);
    const manifest = JSON.parse(text('split', 'manifest.json')) as Manifest;
    expect(manifest.spec.trainFrac).toBe(0.6);
  });
});

describe('--train-frac with a policy that does not learn', () => {
  it('builds the policy afresh for the evaluation part: buy-and-hold buys again there', async () => {
    const r = await replayOk(['--policy', 'buy-and-hold', '--train-frac', '0.6', '--out', path('split-bh')]);
    expect(r.stdout).toMatch(/EVALUATION +the figures below \(the policy built afresh\)/);
    const training = metricsOf('split-bh', 'training') as unknown as { trades: number };
    const evaluation = metricsOf('split-bh') as unknown as { trades: number; exposurePct: number };
    expect(training.trades).toBe(1);
    expect(evaluation.trades).toBe(1);
    expect(evaluation.exposurePct).toBeGreaterThan(99);
  });
});

describe('bad input: exit 2, a clear message, no run folder', () => {
  const results = new Map<string, CliResult>();
  const cases: { name: string; args: () => string[]; message: RegExp[] }[] = [
    {
      name: 'a Q-table of the other agent (rl-v1.json as rl-v2-meta.json)',
      args: () => ['--policy', 'rl-v2', '--warm-start', path('bad', 'other-agent')],
      message: [/rl-v2-meta\.json belongs to agent "rl-v1", not rl-v2-meta/, /its own table/],
    },
    {
      name: 'a Q-table of another format version',
      args: () => ['--policy', 'rl-v2', '--warm-start', path('bad', 'version-2')],
      message: [/rl-v2-meta\.json: format version 2; this replaylab reads version 1/],
    },
    {
      name: 'a truncated Q-table (cut in half)',
      args: () => ['--policy', 'rl-v2', '--warm-start', path('bad', 'truncated')],
      message: [/Q-table .*truncated[/\\]rl-v2-meta\.json:\d+:\d+: not valid JSON/],
    },
    {
      name: 'a JSON file that is not a Q-table ({})',
      args: () => ['--policy', 'rl-v2', '--warm-start', path('bad', 'empty-object')],
      message: [/rl-v2-meta\.json: not a replaylab Q-table \(it has no "format": "replaylab-qtable"\)/],
    },
    {
      name: 'a CSV file in place of a Q-table',
      args: () => ['--policy', 'rl-v1', '--warm-start', path('bad', 'csv')],
      message: [/Q-table .*rl-v1\.json: not a replaylab Q-table \(not JSON: it starts with "/],
    },
    {
      name: 'a folder without Q-tables',
      args: () => ['--policy', 'rl-v1', '--warm-start', path('bad', 'no-tables')],
      message: [/--warm-start .*no-tables: no Q-table for rl-v1/],
    },
    {
      name: 'a config whose volatility bins do not fit the table',
      args: () => ['--policy', 'rl-v2', '--warm-start', path('v2-s1'), '--config', path('bad', 'other-bins.json')],
      message: [/rl-v2-meta\.json: its states do not fit this run's bins/, /table: .*volatility \[0\.25, 0\.5, 0\.75\]/, /config: .*volatility \[0\.2, 0\.5, 0\.8\]/],
    },
    {
      name: 'bin edges outside the feature range',
      args: () => ['--policy', 'rl-v2', '--config', path('bad', 'edge-outside.json')],
      message: [/invalid configuration/, /agents\.v2\.metaBins\.volatility: edge 1\.5 is outside the feature's range \(0, 1\)/],
    },
    {
      name: 'bin edges that do not increase',
      args: () => ['--policy', 'rl-v2', '--config', path('bad', 'edge-order.json')],
      message: [/invalid configuration/, /agents\.v2\.metaBins\.volatility: edges must be strictly increasing, got 0\.5 then 0\.25/],
    },
    {
      name: '--mode eval with a policy that does not learn',
      args: () => ['--policy', 'buy-and-hold', '--mode', 'eval'],
      message: [/--mode eval applies to the learning policies rl-v1 and rl-v2, not buy-and-hold/],
    },
    {
      name: '--warm-start with a policy that does not learn',
      args: () => ['--policy', 'random', '--warm-start', path('v2-s1')],
      message: [/--warm-start applies to the learning policies rl-v1 and rl-v2, not random/],
    },
    {
      name: '--train-frac too large for the period',
      args: () => ['--policy', 'rl-v2', '--train-frac', '0.95'],
      message: [/--train-frac 0\.95: the period's 2,592 bars are too few: 2,462 for training \+ an embargo of \d+ .*leave 0 for evaluation/],
    },
    {
      name: '--train-frac outside (0, 1)',
      args: () => ['--policy', 'rl-v2', '--train-frac', '1'],
      message: [/--train-frac must be between 0 and 1 \(exclusive\), got 1/],
    },
    {
      name: '--train-frac with --mode eval',
      args: () => ['--policy', 'rl-v2', '--train-frac', '0.6', '--mode', 'eval'],
      message: [/--train-frac .* cannot be combined with --mode eval/],
    },
    {
      name: '--param given to rl-v2',
      args: () => ['--policy', 'rl-v2', '--param', 'alpha=0.5'],
      message: [/rl-v2 takes no --param \(got alpha\)/, /--config FILE/],
    },
  ];

  beforeAll(async () => {
    const bad = (...parts: string[]) => path('bad', ...parts);
    for (const folder of ['other-agent', 'version-2', 'truncated', 'empty-object', 'csv', 'no-tables']) mkdirSync(bad(folder), { recursive: true });
    const meta = text('v2-s1', 'qtables', 'rl-v2-meta.json');
    copyFileSync(path('v1-s1', 'qtables', 'rl-v1.json'), bad('other-agent', 'rl-v2-meta.json'));
    copyFileSync(path('v2-s1', 'qtables', 'rl-v2-sizing.json'), bad('other-agent', 'rl-v2-sizing.json'));
    expect(meta).toMatch(/"version": 1,/);
    writeFileSync(bad('version-2', 'rl-v2-meta.json'), meta.replace('"version": 1,', '"version": 2,'));
    writeFileSync(bad('truncated', 'rl-v2-meta.json'), meta.slice(0, Math.floor(meta.length / 2)));
    writeFileSync(bad('empty-object', 'rl-v2-meta.json'), '{}\n');
    copyFileSync(path('v1-s1', 'trades.csv'), bad('csv', 'rl-v1.json'));
    writeFileSync(bad('no-tables', 'notes.txt'), 'nothing here\n');
    writeFileSync(bad('other-bins.json'), JSON.stringify({ agents: { v2: { metaBins: { volatility: [0.2, 0.5, 0.8] } } } }));
    writeFileSync(bad('edge-outside.json'), JSON.stringify({ agents: { v2: { metaBins: { volatility: [0.25, 1.5] } } } }));
    writeFileSync(bad('edge-order.json'), JSON.stringify({ agents: { v2: { metaBins: { volatility: [0.5, 0.25] } } } }));
    // Two at a time: every case is a short process of its own.
    for (let k = 0; k < cases.length; k += 2) {
      await Promise.all(
        cases.slice(k, k + 2).map(async (c) => {
          const r = await runAsync(['replay', '--dataset', BUNDLED, '--to', TO, ...c.args(), '--runs-dir', path('bad-runs', c.name.replace(/\W+/g, '-'))]);
          results.set(c.name, r);
        }),
      );
    }
  }, 60_000);

  for (const c of cases) {
    it(c.name, () => {
      const r = results.get(c.name)!;
      for (const message of c.message) expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^replaylab: /);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const runsDir = path('bad-runs', c.name.replace(/\W+/g, '-'));
      expect(existsSync(runsDir) ? readdirSync(runsDir) : []).toEqual([]);
    });
  }

  it('the warm-start source is left as it was', () => {
    expect(readdirSync(path('v2-s1', 'qtables')).sort()).toEqual(['rl-v2-meta.json', 'rl-v2-sizing.json']);
    expect(text('v2-s1', 'qtables', 'rl-v2-meta.json')).toBe(text('v2-s1-again', 'qtables', 'rl-v2-meta.json'));
  });
});

describe('agent defaults and --config', () => {
  it('config defaults --json holds the Q-learning defaults and the 60 × 40 action axes', () => {
    const r = runCli(['config', 'defaults', '--json']);
    expect(r.status).toBe(0);
    const config = parseJson<{
      models: { names: string[] };
      agents: {
        v2: { strategies: string[]; weights: number[]; sizeMultipliers: number[]; leverages: number[]; meta: QParams; sizing: QParams };
        v1: { q: QParams; weights: number[]; sizeMultiplier: number; leverage: number };
      };
    }>(r.stdout);
    const { v2, v1 } = config.agents;
    expect(v2.meta).toEqual(DEFAULT_Q);
    expect(v2.sizing).toEqual(DEFAULT_Q);
    expect(v1.q).toEqual(DEFAULT_Q);
    expect(v2.strategies).toEqual(['dual_momentum', 'mean_reversion', 'breakout']);
    expect(v2.weights).toEqual([0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(v2.sizeMultipliers).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(v2.leverages).toEqual([1, 3, 5, 8, 10, 15, 20, 25]);
    expect(config.models.names).toHaveLength(4);
    expect(v2.strategies.length * config.models.names.length * v2.weights.length).toBe(60);
    expect(v2.sizeMultipliers.length * v2.leverages.length).toBe(40);
    // The saved tables name the same actions, in axis order.
    const metaActions = tableOf('v2-s1', 'rl-v2-meta').actions;
    expect(metaActions[0]).toBe('dual_momentum/xgb/0.3');
    expect(metaActions.at(-1)).toBe(`breakout/${config.models.names.at(-1)}/0.7`);
    const sizingActions = tableOf('v2-s1', 'rl-v2-sizing').actions;
    expect(sizingActions[0]).toBe('0.2x@1');
    expect(sizingActions.at(-1)).toBe('1x@25');
  });

  it('a --config setting agents.v2.meta.alpha is saved in the meta table (the sizing agent keeps its own)', async () => {
    writeFileSync(path('alpha.json'), JSON.stringify({ agents: { v2: { meta: { alpha: 0.05 } } } }));
    await replayOk(['--policy', 'rl-v2', '--config', path('alpha.json'), '--out', path('alpha')]);
    expect(tableOf('alpha', 'rl-v2-meta').hyperparameters).toEqual({ ...DEFAULT_Q, alpha: 0.05 });
    expect(tableOf('alpha', 'rl-v2-sizing').hyperparameters).toEqual(DEFAULT_Q);
    // Same choices until the first update, then larger steps: the meta Q-values differ from the default run's.
    expect(text('alpha', 'qtables', 'rl-v2-meta.json')).not.toBe(text('v2-s1', 'qtables', 'rl-v2-meta.json'));
    const manifest = JSON.parse(text('alpha', 'manifest.json')) as { config: { agents: { v2: { meta: QParams } } } };
    expect(manifest.config.agents.v2.meta.alpha).toBe(0.05);
  });
});
