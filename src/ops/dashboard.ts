/**
 * The guide's "RL v2 MONITORING DASHBOARD" ("Monitoring Commands"), on real tables: per agent the
 * states learned, state-action pairs, actions per state, updates, ε, Q-value range and mean and the
 * table's size on disk; the overall statistics; the learning progress since the previous snapshot;
 * and the health checks with the guide's thresholds (guide.ts). `buildDashboard` makes the figures
 * (the JSON of `--json`), `renderDashboard` the screen.
 */
import type { AgentKind } from '../agents/qtable-file.js';
import { defaultConfig } from '../config/run-config.js';
import { AGENT_LABELS } from './agent-statistics.js';
import { BYTES_PER_KB, TABLE_TOO_LARGE_BYTES, explorationLevel, stageOf, type StageId } from './guide.js';
import { tableFileName, type AgentReading, type FolderKind } from './qtable-folder.js';
import { progressSince, type AgentProgress, type Snapshot } from './snapshot.js';
import { readingsOf, type AgentState } from './table-reader.js';

export type HealthStatus = 'ok' | 'info' | 'warn';

export interface HealthItem {
  readonly check: 'size' | 'growth' | 'exploration' | 'stage';
  readonly status: HealthStatus;
  /** The dashboard's line. */
  readonly line: string;
}

export interface DashboardAgent {
  readonly agent: AgentKind;
  readonly file: string;
  /** ok: read now; missing: no file ("Q-table not found - agent not yet trained"); being-written: the last complete reading is shown. */
  readonly status: AgentState['status'];
  readonly problem: string | null;
  /** When the reading shown was made, for a table being written (null: no complete reading yet). */
  readonly readingFrom: string | null;
  readonly states: number;
  readonly stateActionPairs: number;
  readonly updatedPairs: number;
  readonly avgActionsPerState: number | null;
  readonly updates: number;
  readonly decisions: number;
  readonly epsilon: number | null;
  readonly qMin: number | null;
  readonly qMax: number | null;
  readonly qMean: number | null;
  readonly sizeBytes: number;
  readonly sizeKb: number;
  readonly stage: StageId | null;
  readonly hyperparameters: AgentReading['hyperparameters'] | null;
}

export interface Dashboard {
  readonly title: string;
  readonly timestamp: string;
  readonly folder: { readonly tables: string; readonly run: string | null; readonly kind: FolderKind };
  /** The table files found, and other .json files left out (not a table's name). */
  readonly found: readonly string[];
  readonly ignored: readonly string[];
  readonly agents: readonly DashboardAgent[];
  readonly overall: { readonly totalUpdates: number; readonly totalStates: number; readonly totalSizeBytes: number; readonly totalSizeKb: number };
  readonly progress: {
    /** When the previous snapshot was taken; null: none (the first look). */
    readonly previous: string | null;
    readonly agents: readonly AgentProgress[];
  };
  readonly health: readonly HealthItem[];
  /** Notes on the snapshot (not saved, someone else's file there). */
  readonly notes: readonly string[];
}

export interface DashboardInput {
  readonly time: Date;
  readonly tables: string;
  readonly run: string | null;
  readonly kind: FolderKind;
  readonly agents: readonly AgentState[];
  readonly ignored: readonly string[];
  readonly previous: Snapshot | null;
  readonly notes?: readonly string[];
}

const kb = (bytes: number) => bytes / BYTES_PER_KB;

function agentView(state: AgentState): DashboardAgent {
  const reading = state.status === 'ok' ? state.reading : state.status === 'being-written' ? state.reading : null;
  const common = {
    agent: state.kind,
    file: state.file,
    status: state.status,
    problem: state.status === 'being-written' ? state.problem : null,
    readingFrom: state.status === 'being-written' && state.readAt !== null ? state.readAt.toISOString() : null,
  };
  if (reading === null) {
    return {
      ...common,
      states: 0,
      stateActionPairs: 0,
      updatedPairs: 0,
      avgActionsPerState: null,
      updates: 0,
      decisions: 0,
      epsilon: null,
      qMin: null,
      qMax: null,
      qMean: null,
      sizeBytes: 0,
      sizeKb: 0,
      stage: null,
      hyperparameters: null,
    };
  }
  return {
    ...common,
    states: reading.states,
    stateActionPairs: reading.stateActionPairs,
    updatedPairs: reading.updatedPairs,
    avgActionsPerState: reading.states === 0 ? null : reading.actionsPerState,
    updates: reading.updates,
    decisions: reading.decisions,
    epsilon: reading.epsilon,
    qMin: reading.qMin,
    qMax: reading.qMax,
    qMean: reading.qMean,
    sizeBytes: reading.sizeBytes,
    sizeKb: kb(reading.sizeBytes),
    stage: stageOf(reading.updates).id,
    hyperparameters: reading.hyperparameters,
  };
}

function titleOf(agents: readonly AgentState[]): string {
  const v1 = agents.some((a) => a.kind === 'rl-v1');
  const v2 = agents.some((a) => a.kind !== 'rl-v1');
  return `${v1 && v2 ? 'RL v1 + v2' : v1 ? 'RL v1' : 'RL v2'} MONITORING DASHBOARD`;
}

/** One line per distinct value, naming the agents when they differ. */
function grouped<T extends string>(items: readonly { agent: AgentKind; line: T }[]): { line: T; agents: AgentKind[] }[] {
  const groups: { line: T; agents: AgentKind[] }[] = [];
  for (const item of items) {
    const group = groups.find((g) => g.line === item.line);
    if (group === undefined) groups.push({ line: item.line, agents: [item.agent] });
    else group.agents.push(item.agent);
  }
  return groups;
}

const named = (line: string, agents: readonly AgentKind[], many: boolean) => (many ? `${line} — ${agents.map((a) => AGENT_LABELS[a].short).join(', ')}` : line);

function healthChecks(agents: readonly DashboardAgent[], readings: readonly AgentReading[], progress: readonly AgentProgress[] | null, previous: string | null): HealthItem[] {
  const items: HealthItem[] = [];
  // Size ("Q-Tables Too Large (> 10 MB)"), and growth since the previous snapshot.
  const large = readings.filter((r) => r.sizeBytes > TABLE_TOO_LARGE_BYTES);
  const grew = progress !== null && progress.some((p) => p.newStates > 0 || p.newUpdates > 0);
  if (large.length > 0) {
    const files = large.map((r) => `${tableFileName(r.kind)} ${(r.sizeBytes / (1024 * 1024)).toFixed(1)} MB`).join(', ');
    items.push({ check: 'size', status: 'warn', line: `⚠️  Q-tables too large (> 10 MB): ${files} — fewer bins, or prune rarely-visited states` });
  } else if (grew) {
    items.push({ check: 'size', status: 'ok', line: '⚡ Q-tables growing normally' });
  } else {
    items.push({ check: 'size', status: 'ok', line: '✅ Q-tables at healthy size' });
  }
  if (progress !== null && progress.length > 0 && !grew) {
    const replaced = progress.some((p) => p.replaced);
    items.push({
      check: 'growth',
      status: 'info',
      line: replaced
        ? `🔄 A table holds fewer updates than at the previous snapshot (${previous}): it was replaced by another training`
        : `⏸  No new states or updates since the previous snapshot (${previous}): the tables are not being trained`,
    });
  }
  // Exploration (Troubleshooting "Agent Not Exploiting", Growth Expectations). With no table, an agent starts at the default ε.
  const fallback = defaultConfig().agents.v2.meta.epsilon;
  const exploration = agents.map((a) => ({ agent: a.agent, epsilon: a.epsilon ?? fallback }));
  const explorationGroups = grouped(exploration.map((e) => ({ agent: e.agent, line: explorationLevel(e.epsilon).line })));
  for (const group of explorationGroups) {
    const level = explorationLevel(exploration.find((e) => e.agent === group.agents[0])!.epsilon);
    items.push({ check: 'exploration', status: level.status, line: named(group.line, group.agents, explorationGroups.length > 1) });
  }
  // Learning stage by updates ("Hyperparameter Guidelines", the screens' health lines).
  const stageGroups = grouped(agents.map((a) => ({ agent: a.agent, line: stageOf(a.updates).healthLine })));
  for (const group of stageGroups) items.push({ check: 'stage', status: 'info', line: named(group.line, group.agents, stageGroups.length > 1) });
  return items;
}

export function buildDashboard(input: DashboardInput): Dashboard {
  const agents = input.agents.map(agentView);
  const readings = readingsOf(input.agents);
  const progress = input.previous === null ? null : progressSince(input.previous, readings);
  const totalSizeBytes = readings.reduce((sum, r) => sum + r.sizeBytes, 0);
  return {
    title: titleOf(input.agents),
    timestamp: input.time.toISOString(),
    folder: { tables: input.tables, run: input.run, kind: input.kind },
    found: input.agents.filter((a) => a.status !== 'missing').map((a) => tableFileName(a.kind)),
    ignored: input.ignored,
    agents,
    overall: {
      totalUpdates: readings.reduce((sum, r) => sum + r.updates, 0),
      totalStates: readings.reduce((sum, r) => sum + r.states, 0),
      totalSizeBytes,
      totalSizeKb: kb(totalSizeBytes),
    },
    progress: { previous: input.previous?.time ?? null, agents: progress ?? [] },
    health: healthChecks(agents, readings, progress, input.previous?.time ?? null),
    notes: input.notes ?? [],
  };
}

// ---------------------------------------------------------------------------------------------
// The screen

const RULE = '='.repeat(80);
const LINE = '-'.repeat(80);
const whole = (n: number) => n.toLocaleString('en-US');
const signed = (n: number) => `${n >= 0 ? '+' : '−'}${whole(Math.abs(n))}`;
const fixed = (value: number | null, digits: number) => (value === null || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits));
const field = (label: string, value: string, indent = 2) => `${' '.repeat(indent)}${`${label}:`.padEnd(25 - indent)}${value}`;

function agentSection(agent: DashboardAgent): string[] {
  const lines = [AGENT_LABELS[agent.agent].heading, LINE];
  const name = tableFileName(agent.agent);
  if (agent.status === 'missing' || (agent.status === 'being-written' && agent.readingFrom === null)) {
    lines.push(field('States Learned', '0'), field('State-Action Pairs', '0'));
    if (agent.status === 'missing') lines.push(`  ⚠️  Q-table not found - agent not yet trained (no ${name})`);
    else lines.push(`  ⏳ ${name} is being written (no complete reading yet): ${agent.problem}`);
    return lines;
  }
  lines.push(
    field('States Learned', whole(agent.states)),
    field('State-Action Pairs', whole(agent.stateActionPairs)),
    field('Avg Actions/State', fixed(agent.avgActionsPerState, 1)),
    field('Total Updates', whole(agent.updates)),
    field('Exploration Rate (ε)', fixed(agent.epsilon, 4)),
    field(
      'Q-Value Range',
      agent.qMin === null ? 'n/a (no pair updated yet)' : `[${fixed(agent.qMin, 4)}, ${fixed(agent.qMax, 4)}] over ${whole(agent.updatedPairs)} updated pairs`,
    ),
    field('Avg Q-Value', fixed(agent.qMean, 4)),
    field('Q-Table Size', `${agent.sizeKb.toFixed(2)} KB`),
  );
  if (agent.status === 'being-written') lines.push(`  ⏳ ${name} is being written: showing its reading of ${agent.readingFrom} (${agent.problem})`);
  return lines;
}

function progressSection(dashboard: Dashboard, snapshotFile: string): string[] {
  const lines = ['📈 LEARNING PROGRESS (Last vs Current)', LINE];
  if (dashboard.progress.previous === null) {
    lines.push(`  No previous snapshot: this one is kept in ${snapshotFile};`, '  the next look shows the progress since now.');
    return lines;
  }
  lines.push(field('Previous snapshot', dashboard.progress.previous));
  for (const p of dashboard.progress.agents) {
    lines.push(
      `  ${AGENT_LABELS[p.kind].short}:`,
      field('New States', signed(p.newStates), 4),
      field('New Pairs', signed(p.newStateActionPairs), 4),
      field('New Updates', signed(p.newUpdates), 4),
      field('Exploration (ε)', `${p.epsilonBefore.toFixed(4)} → ${p.epsilonNow.toFixed(4)}`, 4),
      field('Size', `${p.sizeChangeBytes >= 0 ? '+' : '−'}${kb(Math.abs(p.sizeChangeBytes)).toFixed(2)} KB`, 4),
    );
  }
  return lines;
}

/** The dashboard as the guide prints it (`snapshotFile`: where the snapshot is kept, as the user should read it). */
export function renderDashboard(dashboard: Dashboard, options: { tables: string; snapshotFile: string }): string {
  const lines = [RULE, dashboard.title, RULE, `Timestamp: ${dashboard.timestamp}`, `Q-tables:  ${options.tables}`];
  lines.push(
    dashboard.found.length === 0
      ? `Found:     no Q-table (looked for ${dashboard.agents.map((a) => tableFileName(a.agent)).join(', ')}${dashboard.agents.some((a) => a.agent === 'rl-v1') ? '' : ', rl-v1.json'})`
      : `Found:     ${dashboard.found.join(', ')}`,
  );
  if (dashboard.ignored.length > 0) lines.push(`Ignored:   ${dashboard.ignored.join(', ')} (not a table's name: rl-v2-meta.json, rl-v2-sizing.json, rl-v1.json)`);
  for (const agent of dashboard.agents) lines.push('', ...agentSection(agent));
  lines.push(
    '',
    '🎯 OVERALL STATISTICS',
    LINE,
    field('Total Updates', whole(dashboard.overall.totalUpdates)),
    field('Total States', whole(dashboard.overall.totalStates)),
    field('Total Q-Table Size', `${dashboard.overall.totalSizeKb.toFixed(2)} KB`),
  );
  // The guide's first screen (no table yet) has no progress section.
  if (dashboard.found.length > 0) lines.push('', ...progressSection(dashboard, options.snapshotFile));
  lines.push('', '🏥 HEALTH CHECK', LINE, ...dashboard.health.map((item) => `  ${item.line}`));
  for (const note of dashboard.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
