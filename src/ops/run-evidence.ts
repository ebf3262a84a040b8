/**
 * What a run records about how its agents learned, next to their tables, for `replaylab tune`:
 *
 * - `metrics.json` → `rl.agents` (of the training part, `training.rl.agents`, when the run was split
 *   with --train-frac; of the run itself when it trained): per agent the mean reward and the mean of
 *   each reward term, and `learning`, this run's updates in thirds with the mean |ΔQ| per update;
 * - the trades of the part that trained (`training/trades.csv`, or `trades.csv`): each trade's pnlPct
 *   = 100 · net PnL / equity at entry, the main term of every agent's reward (weight
 *   `agents.v2.metaReward.pnl`, `sizeReward.pnl`, and RL v1's whole reward), in the order they closed.
 *   A trade closed by the end of the data is left out, as the agents left it out (no reward).
 *
 * A folder of tables without a run around it has none of this; `tune` then works from the tables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AGENT_KINDS, type AgentKind } from '../agents/qtable-file.js';
import { displayPath } from '../data/dataset.js';
import { DataError, InputError } from '../data/errors.js';
import { readCsvRows } from '../data/small-csv.js';

const ThirdSchema = z.looseObject({ updates: z.number(), meanAbsChange: z.number(), newStates: z.number() });

const AgentSummarySchema = z.looseObject({
  agent: z.enum(AGENT_KINDS),
  updatesThisRun: z.number(),
  episode: z.looseObject({ steps: z.number(), meanReward: z.number() }),
  meanRewardTerms: z.record(z.string(), z.number()),
  learning: z.looseObject({ first: ThirdSchema, last: ThirdSchema }).nullable(),
});

const RlSummarySchema = z.looseObject({ mode: z.enum(['train', 'eval']), agents: z.array(AgentSummarySchema) });

const MetricsSchema = z.looseObject({
  rl: RlSummarySchema.optional(),
  training: z.looseObject({ rl: RlSummarySchema.optional() }).optional(),
});

export type LearningThirds = NonNullable<z.infer<typeof AgentSummarySchema>['learning']>;

/** One agent's training, as metrics.json records it. */
export interface AgentTraining {
  readonly agent: AgentKind;
  readonly updatesThisRun: number;
  /** Rewards received (one per rewarded trade) and their mean. */
  readonly rewards: number;
  readonly meanReward: number;
  readonly meanRewardTerms: Readonly<Record<string, number>>;
  readonly learning: LearningThirds | null;
}

export interface RunEvidence {
  /** metrics.json, as the user should read its path. */
  readonly metricsFile: string;
  /** Which part of the run trained: its training part (--train-frac) or the run itself. */
  readonly part: 'training part' | 'run';
  readonly agents: readonly AgentTraining[];
  /** The rewarded trades' pnlPct, in the order they closed; null when the trades file is not there. */
  readonly trades: { readonly file: string; readonly pnlPct: readonly number[] } | null;
}

export type EvidenceLookup = { readonly status: 'found'; readonly evidence: RunEvidence } | { readonly status: 'none'; readonly reason: string };

function readJson(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${displayPath(file)}: not valid JSON (${(error as Error).message}): the run folder is damaged`);
  }
}

/** The rewarded trades of a trades.csv, as pnlPct in closing order. */
export function readTradePnlPct(file: string): number[] {
  const shown = displayPath(file);
  const rows = readCsvRows(file, 'the file is empty (no header row)');
  const header = rows[0]!;
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new DataError({ file: shown, line: 1 }, `no column '${name}': not a replaylab trades.csv`);
    return index;
  };
  const pnl = column('pnl');
  const equity = column('entry_equity');
  const reason = column('exit_reason');
  const values: number[] = [];
  rows.slice(1).forEach((row, n) => {
    if (row[reason] === 'end_of_data') return;
    const number = (index: number) => {
      const text = row[index] ?? '';
      const value = text.trim() === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(value)) throw new DataError({ file: shown, line: n + 2, column: index + 1, columnName: header[index]!, value: text }, 'not a number');
      return value;
    };
    const entryEquity = number(equity);
    if (!(entryEquity > 0)) throw new DataError({ file: shown, line: n + 2, column: equity + 1, columnName: 'entry_equity', value: String(entryEquity) }, 'equity at entry must be above 0');
    values.push((number(pnl) / entryEquity) * 100);
  });
  return values;
}

/** The evidence of the run a table folder belongs to; `none` (with why) when there is no run or it did not train. */
export function readRunEvidence(runFolder: string | null): EvidenceLookup {
  if (runFolder === null) return { status: 'none', reason: 'no run folder around the tables (no metrics.json, trades.csv)' };
  const metricsFile = join(runFolder, 'metrics.json');
  if (!existsSync(metricsFile)) return { status: 'none', reason: `no metrics.json in ${displayPath(runFolder)}` };
  const parsed = MetricsSchema.safeParse(readJson(metricsFile));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${displayPath(metricsFile)}: not a replaylab metrics.json (${issue.path.join('.')}: ${issue.message})`);
  }
  const metrics = parsed.data;
  const training = metrics.training?.rl;
  const trained = training ?? (metrics.rl?.mode === 'train' ? metrics.rl : undefined);
  if (trained === undefined) {
    return {
      status: 'none',
      reason: metrics.rl === undefined ? 'the run is not of a learning policy (no rl section in metrics.json)' : 'the run did not train (eval mode: tables frozen), so it records no learning',
    };
  }
  const tradesFile = training !== undefined ? join(runFolder, 'training', 'trades.csv') : join(runFolder, 'trades.csv');
  return {
    status: 'found',
    evidence: {
      metricsFile: displayPath(metricsFile),
      part: training !== undefined ? 'training part' : 'run',
      agents: trained.agents.map((a) => ({
        agent: a.agent,
        updatesThisRun: a.updatesThisRun,
        rewards: a.episode.steps,
        meanReward: a.episode.meanReward,
        meanRewardTerms: a.meanRewardTerms,
        learning: a.learning,
      })),
      trades: existsSync(tradesFile) ? { file: displayPath(tradesFile), pnlPct: readTradePnlPct(tradesFile) } : null,
    },
  };
}
