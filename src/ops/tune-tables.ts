/**
 * `replaylab tune` on a folder of tables (a run folder, its qtables/, a copy of the live folder): each
 * agent's table read and checked, the run's evidence next to it, the rules of tune-rules.ts applied,
 * and the guide's "RL v2 HYPERPARAMETER RECOMMENDATIONS" screen.
 */
import { join } from 'node:path';
import type { AgentKind } from '../agents/qtable-file.js';
import { displayPath } from '../data/dataset.js';
import { InputError } from '../data/errors.js';
import { AGENT_LABELS } from './agent-statistics.js';
import { listTables, readAgentTable, tableFileName, type TableFolder } from './qtable-folder.js';
import { readRunEvidence, type EvidenceLookup } from './run-evidence.js';
import type { ConfigEntry } from './tune-config.js';
import { PARAMETERS, PARAMETER_NAMES, adviseAgent, type AgentAdvice } from './tune-rules.js';

export interface TableAdvice {
  readonly tables: string;
  readonly runFolder: string | null;
  /** Where the run's evidence comes from, or why there is none. */
  readonly evidence: { readonly metrics: string | null; readonly trades: string | null; readonly part: string | null; readonly missing: string | null };
  readonly agents: readonly AgentAdvice[];
  /** Agents of the policy whose table is not there. */
  readonly missingAgents: readonly AgentKind[];
  readonly changed: boolean;
}

export function adviseTables(target: TableFolder): TableAdvice {
  const { present } = listTables(target.folder);
  if (present.length === 0) {
    throw new InputError(
      `tune ${target.input}: no Q-table in ${displayPath(target.folder)} (looked for rl-v2-meta.json, rl-v2-sizing.json, rl-v1.json): nothing to tune; train first (replaylab replay --policy rl-v2), or give a sweep folder`,
    );
  }
  const readings = present.map((kind) => readAgentTable(join(target.folder, tableFileName(kind)), kind));
  const lookup: EvidenceLookup = readRunEvidence(target.runFolder);
  const evidence = lookup.status === 'found' ? lookup.evidence : null;
  const source = evidence === null ? null : evidence.part === 'run' ? displayPath(target.runFolder!) : `the training part of ${displayPath(target.runFolder!)}`;
  const agents = readings.map((reading) =>
    adviseAgent(reading, {
      training: evidence?.agents.find((a) => a.agent === reading.kind) ?? null,
      tradePnlPct: evidence?.trades?.pnlPct ?? null,
      source,
      missing: lookup.status === 'none' ? lookup.reason : evidence?.trades === null ? 'no trades.csv in the run folder' : null,
    }),
  );
  const v2 = present.some((kind) => kind !== 'rl-v1');
  const missingAgents = v2 ? (['rl-v2-meta', 'rl-v2-sizing'] as const).filter((kind) => !present.includes(kind)) : [];
  return {
    tables: target.folder,
    runFolder: target.runFolder,
    evidence: {
      metrics: evidence?.metricsFile ?? null,
      trades: evidence?.trades?.file ?? null,
      part: evidence?.part ?? null,
      missing: lookup.status === 'none' ? lookup.reason : null,
    },
    agents,
    missingAgents,
    changed: agents.some((a) => a.changed),
  };
}

/** The config entries of the recommended changes (only the parameters that change). */
export function tableConfigEntries(advice: TableAdvice): ConfigEntry[] {
  return advice.agents.flatMap((agent) =>
    PARAMETERS.filter((key) => agent.parameters[key].changed).map((key) => ({ path: [...AGENT_LABELS[agent.agent].configPath, key], value: agent.parameters[key].recommended })),
  );
}

const RULE = '='.repeat(80);
const LINE = '-'.repeat(80);
const FINDING_LABELS: Readonly<Record<AgentAdvice['findings'][number]['id'], string>> = {
  stage: 'Learning stage',
  exploration: 'Exploration',
  rewardVariance: 'Reward variance',
  learning: 'Learning',
  stuck: 'Stuck?',
  qValueVariance: 'Q-value variance',
  convergence: 'Q-value convergence',
};

function agentSection(agent: AgentAdvice): string[] {
  const labels = AGENT_LABELS[agent.agent];
  const lines = [labels.heading, LINE, '  Measured:'];
  for (const finding of agent.findings) lines.push(`    ${`${FINDING_LABELS[finding.id]}:`.padEnd(22)}${finding.detail}`);
  lines.push('');
  if (!agent.changed) lines.push('  ✅ Current hyperparameters are optimal');
  else {
    lines.push('  Recommended Changes:');
    for (const key of PARAMETERS) {
      const p = agent.parameters[key];
      lines.push(`    ${`${PARAMETER_NAMES[key]}:`.padEnd(14)}${p.recommended.toFixed(4)}  ${p.changed ? `(now ${p.current.toFixed(4)})` : '(unchanged)'}`);
    }
  }
  lines.push('', '  Rationale:', ...agent.rationale.map((line) => `    • ${line}`));
  return lines;
}

/** The guide's recommendations screen; `applyCommand`: how to write them as a config file. */
export function renderTableAdvice(advice: TableAdvice, applyCommand: string): string {
  const title = advice.agents.every((a) => a.agent === 'rl-v1') ? 'RL v1' : 'RL v2';
  const lines = [RULE, `${title} HYPERPARAMETER RECOMMENDATIONS`, RULE, `Q-tables:  ${displayPath(advice.tables)}`];
  const e = advice.evidence;
  lines.push(
    e.metrics === null
      ? `Evidence:  the tables only (${e.missing}): reward variance, learning and convergence are not measured`
      : `Evidence:  ${e.metrics} (${e.part})${e.trades === null ? '' : `, ${e.trades}`}`,
  );
  lines.push(`Stages:    early < 100 updates, active 100–1000, mature beyond (the guide's Hyperparameter Guidelines)`);
  for (const agent of advice.agents) lines.push('', ...agentSection(agent));
  for (const kind of advice.missingAgents) lines.push('', AGENT_LABELS[kind].heading, LINE, `  ⚠️  Q-table not found - agent not yet trained (no ${tableFileName(kind)}): nothing to tune`);
  lines.push('', '🔧 TO APPLY RECOMMENDATIONS', LINE);
  if (!advice.changed) lines.push('  Nothing to change.');
  else {
    lines.push('  Run the following command:', '', `  ${applyCommand}`, '');
    lines.push(
      '  It writes a config file that replay, ab and sweep take with --config. ε there is where a new',
      "  table starts (replay without --warm-start, ab, sweep); a warm-started table goes on from its own ε.",
    );
  }
  return `${lines.join('\n')}\n`;
}
