/**
 * `replaylab monitor` end to end through the built CLI, on real rl-v2 runs of the bundled dataset:
 * every field of the guide's dashboard against the run's own metrics.json, the progress since the
 * previous snapshot, the guide's first screen on a folder without tables, bad input, and
 * `--continuous` (tables changed between refreshes, a table being written, Ctrl-C).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH, REPO_ROOT, makeTmpDir, parseJson, removeTmpDirs, runCli } from './helpers.js';

const BUNDLED = join(REPO_ROOT, 'datasets', 'synthetic-5m');

interface MetricsAgent {
  agent: string;
  states: number;
  stateActionPairs: number;
  updatedPairs: number;
  updates: number;
  epsilon: number;
  qMin: number | null;
  qMax: number | null;
  qMean: number | null;
}

interface DashboardJson {
  title: string;
  found: string[];
  ignored: string[];
  agents: (MetricsAgent & { status: string; avgActionsPerState: number | null; sizeBytes: number; sizeKb: number; stage: string | null; decisions: number })[];
  overall: { totalUpdates: number; totalStates: number; totalSizeBytes: number; totalSizeKb: number };
  progress: { previous: string | null; agents: { kind: string; newStates: number; newUpdates: number; newStateActionPairs: number; epsilonBefore: number; epsilonNow: number }[] };
  health: { check: string; status: string; line: string }[];
  snapshot: { file: string; saved: boolean };
}

let dir: string;
/** A 9-day rl-v2 training run, and one warm-started from it over the next 9 days. */
let first: string;
let second: string;

function replay(out: string, extra: string[]): MetricsAgent[] {
  const r = runCli(['replay', '--dataset', BUNDLED, '--policy', 'rl-v2', '--out', out, '--json', ...extra], { cwd: dir });
  if (r.status !== 0) throw new Error(`replay exited ${r.status}: ${r.stderr}`);
  return parseJson<{ rl: { agents: MetricsAgent[] } }>(r.stdout).rl.agents;
}

let firstAgents: MetricsAgent[];
let secondAgents: MetricsAgent[];

beforeAll(() => {
  dir = makeTmpDir();
  first = join(dir, 'first');
  second = join(dir, 'second');
  firstAgents = replay(first, ['--to', '2024-01-10']);
  secondAgents = replay(second, ['--from', '2024-01-10', '--to', '2024-01-19', '--warm-start', first]);
  // Copies of the first run that no look has written a snapshot into yet.
  for (const name of ['dashboard-run', 'json-run']) cpSync(first, join(dir, name), { recursive: true });
}, 60_000);

afterAll(removeTmpDirs);

const monitor = (args: string[]) => runCli(['monitor', ...args], { cwd: dir });

describe('replaylab monitor on a finished rl-v2 run', () => {
  it("shows every field of the guide's dashboard with the run's own figures", () => {
    const copy = join(dir, 'dashboard-run');
    const r = monitor([copy]);
    expect(r.status).toBe(0);
    const out = r.stdout;
    for (const heading of ['RL v2 MONITORING DASHBOARD', '📊 META STRATEGY AGENT', '📈 POSITION SIZING AGENT', '🎯 OVERALL STATISTICS', '📈 LEARNING PROGRESS (Last vs Current)', '🏥 HEALTH CHECK']) {
      expect(out).toContain(heading);
    }
    expect(out).toContain('Found:     rl-v2-meta.json, rl-v2-sizing.json');
    const sections = out.split('📈 POSITION SIZING AGENT');
    const metaText = sections[0]!;
    const meta = firstAgents[0]!;
    const metaFile = join(copy, 'qtables', 'rl-v2-meta.json');
    expect(metaText).toContain(`States Learned:        ${meta.states}`);
    expect(metaText).toContain(`State-Action Pairs:    ${meta.stateActionPairs.toLocaleString('en-US')}`);
    expect(metaText).toContain(`Avg Actions/State:     ${(meta.stateActionPairs / meta.states).toFixed(1)}`);
    expect(metaText).toContain(`Total Updates:         ${meta.updates}`);
    expect(metaText).toContain(`Exploration Rate (ε):  ${meta.epsilon.toFixed(4)}`);
    expect(metaText).toContain(`Q-Value Range:         [${meta.qMin!.toFixed(4)}, ${meta.qMax!.toFixed(4)}] over ${meta.updatedPairs} updated pairs`);
    expect(metaText).toContain(`Avg Q-Value:           ${meta.qMean!.toFixed(4)}`);
    expect(metaText).toContain(`Q-Table Size:          ${(statSync(metaFile).size / 1024).toFixed(2)} KB`);
    const both = firstAgents[0]!.updates + firstAgents[1]!.updates;
    expect(out).toContain(`Total Updates:         ${both}`);
    expect(out).toContain(`Total States:          ${firstAgents[0]!.states + firstAgents[1]!.states}`);
    expect(out).toContain('No previous snapshot');
    expect(out).toContain('✅ Q-tables at healthy size');
    // 9 days of 5-minute bars make fewer than 100 updates per agent.
    expect(meta.updates).toBeLessThan(100);
    expect(out).toContain('🌱 Early learning stage (< 100 updates)');
    expect(out).toContain('🔍 High exploration rate - still learning');
    expect(existsSync(join(copy, 'qtables', 'monitor-snapshot.json'))).toBe(true);
  });

  it('--json has every figure, equal to metrics.json; the second look shows the progress since the first', () => {
    const run = join(dir, 'json-run');
    const one = parseJson<DashboardJson>(monitor([run, '--json']).stdout);
    expect(one.progress.previous).toBeNull();
    expect(one.snapshot.saved).toBe(true);
    one.agents.forEach((agent, n) => {
      const expected = firstAgents[n]!;
      expect(agent).toMatchObject({
        agent: expected.agent,
        status: 'ok',
        states: expected.states,
        stateActionPairs: expected.stateActionPairs,
        updatedPairs: expected.updatedPairs,
        updates: expected.updates,
        epsilon: expected.epsilon,
        qMin: expected.qMin,
        qMax: expected.qMax,
        stage: 'early',
      });
      expect(agent.qMean).toBeCloseTo(expected.qMean!, 15); // summed in another order
      expect(agent.sizeBytes).toBe(statSync(join(run, 'qtables', `${expected.agent}.json`)).size);
    });
    expect(one.overall.totalSizeKb).toBeCloseTo((one.agents[0]!.sizeBytes + one.agents[1]!.sizeBytes) / 1024, 10);

    // The live system trained on: the warm-started run's tables replace the first ones (written as a table is, by rename).
    for (const agent of ['rl-v2-meta', 'rl-v2-sizing']) {
      copyFileSync(join(second, 'qtables', `${agent}.json`), join(run, 'qtables', `.${agent}.partial`));
      renameSync(join(run, 'qtables', `.${agent}.partial`), join(run, 'qtables', `${agent}.json`));
    }
    const two = parseJson<DashboardJson>(monitor([run, '--json']).stdout);
    expect(two.progress.previous).not.toBeNull();
    two.progress.agents.forEach((p, n) => {
      expect(p.newStates).toBe(secondAgents[n]!.states - firstAgents[n]!.states);
      expect(p.newUpdates).toBe(secondAgents[n]!.updates - firstAgents[n]!.updates);
      expect(p.newUpdates).toBeGreaterThan(0);
      expect(p.epsilonBefore).toBe(firstAgents[n]!.epsilon);
      expect(p.epsilonNow).toBe(secondAgents[n]!.epsilon);
    });
    expect(two.health.map((h) => h.line)).toContain('⚡ Q-tables growing normally');
    const text = monitor([run]).stdout;
    expect(text).toContain('New States:          +0'); // the third look: nothing new since the second
    expect(text).toContain('⏸  No new states or updates since the previous snapshot');
  });

  it('takes the qtables/ folder itself, or a plain copy of it, and names other .json files it skipped', () => {
    const copy = join(dir, 'live-copy');
    mkdirSync(copy);
    copyFileSync(join(second, 'qtables', 'rl-v2-meta.json'), join(copy, 'rl-v2-meta.json'));
    writeFileSync(join(copy, 'notes.json'), '{}');
    writeFileSync(join(copy, 'rl-v2-sizing.json.1234.tmp'), '{"half": ');
    const r = monitor([copy, '--json']);
    expect(r.status).toBe(0);
    const d = parseJson<DashboardJson>(r.stdout);
    expect(d.found).toEqual(['rl-v2-meta.json']);
    expect(d.ignored).toEqual(['notes.json']);
    expect(d.agents.map((a) => [a.agent, a.status])).toEqual([
      ['rl-v2-meta', 'ok'],
      ['rl-v2-sizing', 'missing'],
    ]);
    expect(d.agents[0]!.updates).toBe(secondAgents[0]!.updates);
    const text = monitor([copy]).stdout;
    expect(text).toContain('⚠️  Q-table not found - agent not yet trained (no rl-v2-sizing.json)');
    expect(text).toContain('Ignored:   notes.json');
    const inner = monitor([join(first, 'qtables'), '--json']);
    expect(parseJson<DashboardJson>(inner.stdout).agents[1]!.states).toBe(firstAgents[1]!.states);
  });

  it("prints the guide's first screen on a folder without tables, and writes nothing there", () => {
    const empty = join(dir, 'no-tables');
    mkdirSync(empty);
    const r = monitor([empty]);
    expect(r.status).toBe(0);
    const expected = [
      '📊 META STRATEGY AGENT',
      '--------------------------------------------------------------------------------',
      '  States Learned:        0',
      '  State-Action Pairs:    0',
      '  ⚠️  Q-table not found - agent not yet trained (no rl-v2-meta.json)',
    ].join('\n');
    expect(r.stdout).toContain(expected);
    expect(r.stdout).toContain('Total Q-Table Size:    0.00 KB');
    expect(r.stdout).toContain('  ✅ Q-tables at healthy size\n  🔍 High exploration rate - still learning\n  🌱 Early learning stage (< 100 updates)');
    expect(r.stdout).not.toContain('LEARNING PROGRESS');
    expect(existsSync(join(empty, 'monitor-snapshot.json'))).toBe(false);
  });

  it('refuses a path that does not exist, a file, a damaged table, and --interval without --continuous (exit 2)', () => {
    expect(monitor([join(dir, 'nowhere')])).toMatchObject({ status: 2, stderr: expect.stringContaining('no such folder') });
    expect(monitor([join(first, 'manifest.json')])).toMatchObject({ status: 2, stderr: expect.stringContaining('is a file') });
    const damaged = join(dir, 'damaged');
    mkdirSync(damaged);
    const text = readFileSync(join(first, 'qtables', 'rl-v2-sizing.json'), 'utf8');
    writeFileSync(join(damaged, 'rl-v2-sizing.json'), text.slice(0, text.indexOf('"table"') + 30));
    const r = monitor([damaged]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Q-table \S*rl-v2-sizing\.json:\d+:\d+: not valid JSON: .*truncated/);
    expect(r.stdout).toBe('');
    expect(monitor([first, '--interval', '5'])).toMatchObject({ status: 2, stderr: expect.stringContaining('add --continuous') });
    expect(monitor([first, '--continuous', '--interval', '0'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--interval must be') });
  });

  it('leaves a monitor-snapshot.json that is not its own alone', () => {
    const folder = join(dir, 'foreign');
    mkdirSync(folder);
    copyFileSync(join(first, 'qtables', 'rl-v2-meta.json'), join(folder, 'rl-v2-meta.json'));
    writeFileSync(join(folder, 'monitor-snapshot.json'), '{"mine": true}\n');
    const r = monitor([folder]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('is not a replaylab monitor snapshot');
    expect(readFileSync(join(folder, 'monitor-snapshot.json'), 'utf8')).toBe('{"mine": true}\n');
  });
});

describe('replaylab monitor --continuous', () => {
  it('redraws as tables change, keeps the last complete reading of a table being written, and stops on Ctrl-C (exit 130)', async () => {
    const live = join(dir, 'live');
    mkdirSync(live);
    for (const agent of ['rl-v2-meta', 'rl-v2-sizing']) copyFileSync(join(first, 'qtables', `${agent}.json`), join(live, `${agent}.json`));
    const child = spawn(process.execPath, [CLI_PATH, 'monitor', live, '--continuous', '--interval', '0.2', '--json'], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const frames = () =>
      stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as DashboardJson);
    const waitFor = async (what: string, test: (frame: DashboardJson) => boolean) => {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const found = frames().find(test);
        if (found !== undefined) return found;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no frame where ${what}; stderr: ${stderr}`);
    };
    try {
      await waitFor('the first tables are read', (f) => f.agents[0]!.updates === firstAgents[0]!.updates);
      // Training goes on: the meta table is replaced (temporary file + rename) by a bigger one.
      copyFileSync(join(second, 'qtables', 'rl-v2-meta.json'), join(live, 'rl-v2-meta.json.77.tmp'));
      renameSync(join(live, 'rl-v2-meta.json.77.tmp'), join(live, 'rl-v2-meta.json'));
      const grown = await waitFor('the meta table grew', (f) => f.progress.agents[0]?.newUpdates === secondAgents[0]!.updates - firstAgents[0]!.updates);
      expect(grown.progress.agents[0]!.newStates).toBe(secondAgents[0]!.states - firstAgents[0]!.states);
      expect(grown.health.map((h) => h.line)).toContain('⚡ Q-tables growing normally');
      // A writer that does not rename: the sizing table is half written for a while.
      const sizing = readFileSync(join(second, 'qtables', 'rl-v2-sizing.json'), 'utf8');
      writeFileSync(join(live, 'rl-v2-sizing.json'), sizing.slice(0, sizing.length / 2));
      const partial = await waitFor('the sizing table is being written', (f) => f.agents[1]!.status === 'being-written');
      expect(partial.agents[1]!.updates).toBe(firstAgents[1]!.updates); // the last complete reading
      writeFileSync(join(live, 'rl-v2-sizing.json'), sizing);
      await waitFor('the sizing table is whole again', (f) => f.agents[1]!.status === 'ok' && f.agents[1]!.updates === secondAgents[1]!.updates);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
    const snapshot = JSON.parse(readFileSync(join(live, 'monitor-snapshot.json'), 'utf8')) as { agents: Record<string, { updates: number }> };
    expect(snapshot.agents['rl-v2-meta']!.updates).toBe(secondAgents[0]!.updates);
    expect(snapshot.agents['rl-v2-sizing']!.updates).toBe(secondAgents[1]!.updates);
  }, 30_000);

  it('appends one dashboard per refresh when stdout is not a terminal', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'monitor', first, '--continuous', '--interval', '0.1'], { cwd: dir });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 10_000;
    while ((stdout.match(/MONITORING DASHBOARD/g) ?? []).length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect((stdout.match(/MONITORING DASHBOARD/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(stdout).not.toContain('\u001b[2J');
  }, 20_000);
});
