/**
 * Q-tables on disk: versioned JSON holding the agent kind, hyperparameters, ε, update and decision
 * counts, the state layout (features, categories, bin edges), the action names, and per visited
 * state the Q-value, visits and updates of each visited action. Written atomically (a temporary
 * file renamed over the target) with a fixed key order, so the same table gives the same bytes.
 * Loading checks the file with a zod schema and says plainly what is wrong: not JSON (truncated?),
 * not a Q-table, another version, another agent, or a state or action layout that does not fit.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { QLearningConfigSchema } from '../config/agent-config.js';
import { lineAndColumn } from '../config/config-file.js';
import { InputError } from '../data/errors.js';
import type { QLearner } from './q-learning.js';
import { describeFeatures, sameFeatures, type StateFeature, type StateSpace } from './state-space.js';

export const QTABLE_FORMAT = 'replaylab-qtable';
export const QTABLE_VERSION = 1;
export const AGENT_KINDS = ['rl-v1', 'rl-v2-meta', 'rl-v2-sizing'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

const FeatureSchema = z.union([
  z.strictObject({ name: z.string(), categories: z.array(z.string()).min(1) }),
  z.strictObject({ name: z.string(), edges: z.array(z.number().finite()) }),
]);

/** One visited action of a state: [Q-value, visits, updates]. */
const EntrySchema = z.tuple(
  [
    z.number({ error: 'a Q-value must be a number' }).finite(),
    z.number({ error: 'visits must be a whole number ≥ 0' }).int().min(0),
    z.number({ error: 'updates must be a whole number ≥ 0' }).int().min(0),
  ],
  { error: 'an entry is [Q-value, visits, updates]' },
);

export const QTableFileSchema = z.strictObject({
  format: z.literal(QTABLE_FORMAT),
  version: z.literal(QTABLE_VERSION),
  agent: z.enum(AGENT_KINDS),
  hyperparameters: QLearningConfigSchema.required(),
  epsilon: z.number().min(0).max(1),
  updates: z.number().int().min(0),
  decisions: z.number().int().min(0),
  state: z.array(FeatureSchema).min(1),
  actions: z.array(z.string()).min(1),
  table: z.record(z.string(), z.record(z.string().regex(/^\d+$/), EntrySchema)),
});
export type QTableFile = z.infer<typeof QTableFileSchema>;

export interface AgentTable {
  readonly kind: AgentKind;
  readonly learner: QLearner;
  readonly space: StateSpace;
  readonly actionNames: readonly string[];
}

/** The file's text: a header, then one line per visited state (in state order). */
export function renderQTable(agent: AgentTable): string {
  const { learner, space } = agent;
  const header = {
    format: QTABLE_FORMAT,
    version: QTABLE_VERSION,
    agent: agent.kind,
    hyperparameters: {
      alpha: learner.params.alpha,
      gamma: learner.params.gamma,
      epsilon: learner.params.epsilon,
      epsilonDecay: learner.params.epsilonDecay,
      epsilonMin: learner.params.epsilonMin,
    },
    epsilon: learner.epsilon,
    updates: learner.updates,
    decisions: learner.decisions,
  };
  const lines = Object.entries(header).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},`);
  lines.push(`  "state": ${JSON.stringify(space.features)},`);
  lines.push(`  "actions": ${JSON.stringify(agent.actionNames)},`);
  const states = [...learner.table.keys()].sort((a, b) => a - b);
  const rows: string[] = [];
  for (const code of states) {
    const row = learner.table.get(code)!;
    const entries: string[] = [];
    for (let a = 0; a < learner.actionCount; a++) {
      if (row.visits[a] === 0 && row.updates[a] === 0 && row.q[a] === 0) continue;
      entries.push(`"${a}":[${JSON.stringify(row.q[a])},${row.visits[a]},${row.updates[a]}]`);
    }
    if (entries.length > 0) rows.push(`    ${JSON.stringify(space.key(code))}: {${entries.join(',')}}`);
  }
  lines.push(rows.length === 0 ? '  "table": {}' : `  "table": {\n${rows.join(',\n')}\n  }`);
  return `{\n${lines.join('\n')}\n}\n`;
}

/** Writes the table to `file` through a temporary file in the same folder. */
export function saveQTable(file: string, agent: AgentTable): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, renderQTable(agent));
  renameSync(temporary, file);
}

/** Reads and checks a table file against the agent it should fill; throws InputError naming the file. */
export function readQTableFile(file: string, expected: AgentKind): QTableFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`Q-table ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = /position (\d+)/.exec(message)?.[1];
    const at = offset === undefined ? '' : (({ line, column }) => `:${line}:${column}`)(lineAndColumn(text, Number(offset)));
    // The parser stopping at the very end of the text means the file ends too early.
    const atEnd = offset !== undefined && Number(offset) >= text.trimEnd().length - 1;
    const truncated = text.trim() === '' || atEnd || /Unexpected end/.test(message) ? ' — the file looks truncated (empty or cut short)' : '';
    const start = text.trimStart();
    if (start !== '' && start[0] !== '{') {
      throw new InputError(`Q-table ${file}: not a replaylab Q-table (not JSON: it starts with ${JSON.stringify(start.slice(0, 24))})`);
    }
    throw new InputError(`Q-table ${file}${at}: not valid JSON: ${message}${truncated}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || (value as { format?: unknown }).format !== QTABLE_FORMAT) {
    throw new InputError(`Q-table ${file}: not a replaylab Q-table (it has no "format": "${QTABLE_FORMAT}")`);
  }
  const header = value as { version?: unknown; agent?: unknown };
  if (header.version !== QTABLE_VERSION) {
    throw new InputError(`Q-table ${file}: format version ${JSON.stringify(header.version)}; this replaylab reads version ${QTABLE_VERSION}`);
  }
  if (header.agent !== expected) {
    throw new InputError(`Q-table ${file} belongs to agent ${JSON.stringify(header.agent)}, not ${expected}: warm-start each agent from its own table`);
  }
  const parsed = QTableFileSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new InputError(`Q-table ${file}: does not match the Q-table schema:\n  - ${problems.join('\n  - ')}`);
  }
  return parsed.data;
}

/**
 * Fills a fresh learner from a checked file: ε, update and decision counts continue from the file;
 * α, γ and the decay schedule come from the run's config. The file's state layout and actions must
 * be the run's (else its Q-values would mean something else).
 */
export function loadQTableInto(file: string, doc: QTableFile, agent: AgentTable): void {
  const name = basename(file);
  if (!sameFeatures(doc.state as StateFeature[], agent.space.features)) {
    throw new InputError(
      `Q-table ${file}: its states do not fit this run's bins.\n  table:  ${describeFeatures(doc.state as StateFeature[])}\n  config: ${describeFeatures(agent.space.features)}\n` +
        `Replay with the config the table was trained with, or start without --warm-start.`,
    );
  }
  if (doc.actions.length !== agent.actionNames.length || doc.actions.some((a, i) => a !== agent.actionNames[i])) {
    throw new InputError(
      `Q-table ${file}: its ${doc.actions.length} actions are not this run's ${agent.actionNames.length} (${firstDifference(doc.actions, agent.actionNames)}); the action lists in the config must match the table's`,
    );
  }
  const { learner, space } = agent;
  for (const [key, entries] of Object.entries(doc.table)) {
    let code: number;
    try {
      code = space.parseKey(key);
    } catch (error) {
      throw new InputError(`Q-table ${file}: ${(error as Error).message}`);
    }
    const row = learner.row(code);
    for (const [action, [q, visits, updates]] of Object.entries(entries)) {
      const a = Number(action);
      if (!(a < learner.actionCount)) throw new InputError(`Q-table ${file}: state "${key}" names action ${action}, but there are ${learner.actionCount} (${name})`);
      if (updates > visits) throw new InputError(`Q-table ${file}: state "${key}", action ${action}: ${updates} updates but only ${visits} visits (an action is updated once per trade it opened)`);
      row.q[a] = q;
      row.visits[a] = visits;
      row.updates[a] = updates;
    }
  }
  // The header's counts are the sums of the entries'; a table edited by hand must stay consistent.
  let visits = 0;
  let updates = 0;
  for (const row of learner.table.values()) {
    for (let a = 0; a < learner.actionCount; a++) {
      visits += row.visits[a]!;
      updates += row.updates[a]!;
    }
  }
  if (updates !== doc.updates || visits !== doc.decisions) {
    throw new InputError(
      `Q-table ${file}: inconsistent counts: the header says ${doc.updates} updates and ${doc.decisions} decisions, its entries add up to ${updates} and ${visits}`,
    );
  }
  learner.epsilon = doc.epsilon;
  learner.updates = doc.updates;
  learner.decisions = doc.decisions;
}

function firstDifference(a: readonly string[], b: readonly string[]): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `action ${i}: table ${a[i] ?? '(none)'}, config ${b[i] ?? '(none)'}`;
  }
  return 'same names';
}
