/**
 * A folder of Q-tables, as `monitor` and `tune` take it: a run folder (`runs/<id>/`, tables in its
 * `qtables/`), a `qtables/` folder itself, or any folder of replaylab Q-table files (a copy of the
 * live system's table folder). A table is `<agent>.json` (`rl-v2-meta.json`, `rl-v2-sizing.json`,
 * `rl-v1.json`), read and checked by the agents' own loader (`agents/qtable-file.ts`): the schema,
 * the state keys and action indices, and the header's counts against the entries'.
 *
 * Tables are written to a temporary file renamed over the old one (`<table>.json.<pid>.tmp`), so a
 * file with a table's name is always whole; temporary files are never read.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { QLearner } from '../agents/q-learning.js';
import { AGENT_KINDS, loadQTableInto, readQTableFile, type AgentKind } from '../agents/qtable-file.js';
import { checkedStateSpace, type StateFeature } from '../agents/state-space.js';
import type { QLearningConfig } from '../config/agent-config.js';
import { displayPath } from '../data/dataset.js';
import { InputError } from '../data/errors.js';
import { tableStatistics, type TableStatistics } from './agent-statistics.js';

/** Where the tables were found: in a run folder's qtables/, a qtables/ folder of a run, or a plain folder. */
export type FolderKind = 'run' | 'qtables' | 'folder';

export interface TableFolder {
  /** The path as the user gave it. */
  readonly input: string;
  /** The folder that holds (or would hold) the tables. */
  readonly folder: string;
  /** The run folder the tables belong to (its metrics.json, trades.csv, manifest.json), if any. */
  readonly runFolder: string | null;
  readonly kind: FolderKind;
}

/** The file name of each agent's table. */
export const tableFileName = (kind: AgentKind): string => `${kind}.json`;

/** Files in a table folder that are not tables and are not reported as ignored. */
export const MONITOR_SNAPSHOT_FILE = 'monitor-snapshot.json';

/** Resolves a user's path; a path that does not exist, or is a file, is an InputError (exit 2). */
export function resolveTableFolder(path: string, command: string): TableFolder {
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    throw new InputError(`${command} ${path}: no such folder (give a run folder, its qtables/ folder, or a folder of Q-table files)`);
  }
  if (!statSync(absolute).isDirectory()) {
    throw new InputError(`${command} ${path} is a file: give the folder that holds the tables (a run folder, its qtables/, or a copy of the live table folder)`);
  }
  const qtables = join(absolute, 'qtables');
  if (existsSync(qtables) && statSync(qtables).isDirectory()) return { input: path, folder: qtables, runFolder: absolute, kind: 'run' };
  if (existsSync(join(absolute, 'manifest.json'))) return { input: path, folder: qtables, runFolder: absolute, kind: 'run' };
  if (basename(absolute) === 'qtables' && existsSync(join(dirname(absolute), 'manifest.json'))) {
    return { input: path, folder: absolute, runFolder: dirname(absolute), kind: 'qtables' };
  }
  return { input: path, folder: absolute, runFolder: null, kind: 'folder' };
}

export interface TableListing {
  /** The agents whose table file is there, in AGENT_KINDS order. */
  readonly present: readonly AgentKind[];
  /** Other `.json` files of the folder (not tables by name), for the user to know they were skipped. */
  readonly ignored: readonly string[];
}

/** The tables in `folder` (a folder that does not exist holds none). */
export function listTables(folder: string): TableListing {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { present: [], ignored: [] };
    throw error;
  }
  const known = new Set(AGENT_KINDS.map(tableFileName));
  const present = AGENT_KINDS.filter((kind) => names.includes(tableFileName(kind)));
  const ignored = names.filter((name) => name.endsWith('.json') && !name.startsWith('.') && !known.has(name) && name !== MONITOR_SNAPSHOT_FILE).sort();
  return { present, ignored };
}

/**
 * The agents a dashboard shows: RL v2's two agents when a v2 table is there or when no table is
 * (the guide's first screen), RL v1's agent when its table is there.
 */
export function agentsToShow(present: readonly AgentKind[]): AgentKind[] {
  const v2 = present.includes('rl-v2-meta') || present.includes('rl-v2-sizing') || !present.includes('rl-v1');
  return [...(v2 ? (['rl-v2-meta', 'rl-v2-sizing'] as const) : []), ...(present.includes('rl-v1') ? (['rl-v1'] as const) : [])];
}

/** One table as read: its header, its file, and what it holds. */
export interface AgentReading extends TableStatistics {
  readonly kind: AgentKind;
  readonly file: string;
  readonly sizeBytes: number;
  readonly modifiedMs: number;
  readonly hyperparameters: QLearningConfig;
  readonly epsilon: number;
  readonly updates: number;
  /** Choices made while training (the visits summed). */
  readonly decisions: number;
  readonly actions: number;
}

/**
 * Reads one table with the agents' loader and counts what it holds. Throws InputError naming the
 * file (and the line and column of a JSON syntax error) when it is not a whole, consistent table.
 */
export function readAgentTable(file: string, kind: AgentKind): AgentReading {
  const before = statSync(file);
  const shown = displayPath(file);
  const doc = readQTableFile(shown, kind);
  const space = checkedStateSpace(doc.state as StateFeature[], `Q-table ${shown}`);
  const learner = new QLearner(doc.actions.length, doc.hyperparameters);
  loadQTableInto(shown, doc, { kind, learner, space, actionNames: doc.actions });
  return {
    kind,
    file,
    sizeBytes: before.size,
    modifiedMs: before.mtimeMs,
    hyperparameters: doc.hyperparameters,
    epsilon: doc.epsilon,
    updates: doc.updates,
    decisions: doc.decisions,
    actions: doc.actions.length,
    ...tableStatistics(learner),
  };
}
