/** The dashboard's figures and health checks, and its screen. */
import { describe, expect, it } from 'vitest';
import type { AgentKind } from '../../src/agents/qtable-file.js';
import { buildDashboard, renderDashboard } from '../../src/ops/dashboard.js';
import type { AgentReading } from '../../src/ops/qtable-folder.js';
import { makeSnapshot } from '../../src/ops/snapshot.js';
import type { AgentState } from '../../src/ops/table-reader.js';
import { fakeReading } from '../helpers/qtables.js';

const ok = (reading: AgentReading): AgentState => ({ kind: reading.kind, status: 'ok', file: reading.file, reading });
const missing = (kind: AgentKind): AgentState => ({ kind, status: 'missing', file: `/tables/${kind}.json` });

function dashboard(agents: AgentState[], previous: AgentReading[] | null = null) {
  return buildDashboard({
    time: new Date('2025-12-02T16:30:00Z'),
    tables: '/tables',
    run: null,
    kind: 'folder',
    agents,
    ignored: [],
    previous: previous === null ? null : makeSnapshot(new Date('2025-12-02T15:30:00Z'), previous),
  });
}

const lines = (d: ReturnType<typeof dashboard>) => d.health.map((h) => h.line);

describe('buildDashboard', () => {
  it("adds up the overall statistics and gives each agent's figures", () => {
    const meta = fakeReading('rl-v2-meta', { states: 24, stateActionPairs: 156, updates: 47, sizeBytes: 8653, actionsPerState: 6.5 });
    const sizing = fakeReading('rl-v2-sizing', { states: 18, stateActionPairs: 112, updates: 52, sizeBytes: 6380 });
    const d = dashboard([ok(meta), ok(sizing)]);
    expect(d.title).toBe('RL v2 MONITORING DASHBOARD');
    expect(d.overall).toEqual({ totalUpdates: 99, totalStates: 42, totalSizeBytes: 15033, totalSizeKb: 15033 / 1024 });
    expect(d.agents[0]).toMatchObject({ agent: 'rl-v2-meta', status: 'ok', states: 24, avgActionsPerState: 6.5, sizeKb: 8653 / 1024, stage: 'early' });
    expect(d.found).toEqual(['rl-v2-meta.json', 'rl-v2-sizing.json']);
  });

  it("gives the guide's first screen when no table is there", () => {
    const d = dashboard([missing('rl-v2-meta'), missing('rl-v2-sizing')]);
    expect(lines(d)).toEqual(['✅ Q-tables at healthy size', '🔍 High exploration rate - still learning', '🌱 Early learning stage (< 100 updates)']);
    expect(d.overall.totalSizeKb).toBe(0);
    expect(d.agents.every((a) => a.epsilon === null && a.states === 0)).toBe(true);
  });

  it('warns about a table over 10 MB, and says when tables grow, stand still or were replaced', () => {
    const big = fakeReading('rl-v2-meta', { sizeBytes: 10 * 1024 * 1024 + 1 });
    expect(lines(dashboard([ok(big)]))[0]).toBe('⚠️  Q-tables too large (> 10 MB): rl-v2-meta.json 10.0 MB — fewer bins, or prune rarely-visited states');
    expect(lines(dashboard([ok(fakeReading('rl-v2-meta', { sizeBytes: 10 * 1024 * 1024 }))]))[0]).toBe('✅ Q-tables at healthy size');
    const before = fakeReading('rl-v2-meta', { states: 10, updates: 50 });
    expect(lines(dashboard([ok(fakeReading('rl-v2-meta', { states: 12, updates: 60 }))], [before]))[0]).toBe('⚡ Q-tables growing normally');
    const still = lines(dashboard([ok(before)], [before]));
    expect(still.slice(0, 2)).toEqual(['✅ Q-tables at healthy size', '⏸  No new states or updates since the previous snapshot (2025-12-02T15:30:00.000Z): the tables are not being trained']);
    expect(lines(dashboard([ok(fakeReading('rl-v2-meta', { updates: 5 }))], [before]))[1]).toMatch(/^🔄 A table holds fewer updates/);
  });

  it('names the agents when their exploration or stage differ', () => {
    const d = dashboard([ok(fakeReading('rl-v2-meta', { epsilon: 0.25, updates: 1500 })), ok(fakeReading('rl-v2-sizing', { epsilon: 0.03, updates: 150 }))]);
    expect(lines(d).slice(1)).toEqual([
      '⚠️  Agent not exploiting (ε > 0.2): always exploring — Meta Agent',
      '✅ Highly exploitative, minimal exploration — Sizing Agent',
      '🎓 Mature agent (> 1000 updates) — Meta Agent',
      '📚 Active learning (100-1000 updates) — Sizing Agent',
    ]);
    expect(d.health[1]!.status).toBe('warn');
  });
});

describe('renderDashboard', () => {
  it("prints the guide's fields, a table being written with the reading it shows, and the progress", () => {
    const meta = fakeReading('rl-v2-meta', { states: 24, stateActionPairs: 156, actionsPerState: 6.5, updates: 47, epsilon: 0.095, qMin: -0.1234, qMax: 2.4567, qMean: 1.2345, sizeBytes: 8653 });
    const writing: AgentState = { kind: 'rl-v2-sizing', status: 'being-written', file: '/tables/rl-v2-sizing.json', problem: 'not valid JSON', reading: null, readAt: null };
    const text = renderDashboard(dashboard([ok(meta), writing], [fakeReading('rl-v2-meta', { states: 16, updates: 32 })]), { tables: '/tables', snapshotFile: '/tables/monitor-snapshot.json' });
    expect(text).toContain(
      [
        '📊 META STRATEGY AGENT',
        '-'.repeat(80),
        '  States Learned:        24',
        '  State-Action Pairs:    156',
        '  Avg Actions/State:     6.5',
        '  Total Updates:         47',
        '  Exploration Rate (ε):  0.0950',
        '  Q-Value Range:         [-0.1234, 2.4567] over 20 updated pairs',
        '  Avg Q-Value:           1.2345',
        '  Q-Table Size:          8.45 KB',
      ].join('\n'),
    );
    expect(text).toContain('⏳ rl-v2-sizing.json is being written (no complete reading yet): not valid JSON');
    expect(text).toContain(['  Meta Agent:', '    New States:          +8', '    New Pairs:           +126', '    New Updates:         +15'].join('\n'));
  });
});
