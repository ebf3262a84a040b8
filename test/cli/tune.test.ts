/**
 * `replaylab tune` end to end through the built CLI, on real generated runs at three learning stages
 * (the first two days of the bundled dataset: < 100 updates; the whole of it: a few hundred; a
 * generated volatile market: over 1,000), on a real sweep, and `--apply` feeding `replay --config`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTmpDir, parseJson, removeTmpDirs, runCli } from './helpers.js';

const BUNDLED = join(REPO_ROOT, 'datasets', 'synthetic-5m');

interface Parameter {
  current: number;
  recommended: number;
  changed: boolean;
}

interface AgentAdviceJson {
  agent: string;
  stage: string;
  updates: number;
  parameters: Record<'alpha' | 'gamma' | 'epsilon', Parameter>;
  findings: { id: string; triggered: boolean | null; detail: string }[];
  rationale: string[];
  changed: boolean;
  measures: { epsilonNow: number; rewardStd: number | null; returnStd: number | null };
}

interface TuneJson {
  mode: 'rules' | 'sweep';
  agents: AgentAdviceJson[];
  applied: { file: string; config: Record<string, unknown> } | null;
}

interface SweepTuneJson {
  mode: 'sweep';
  best: { id: string; values: Record<string, unknown> } | null;
  runnerUp: { id: string } | null;
  probabilityBestBetter: { point: number; low: number; high: number } | null;
  dsr: { dsr: number; trials: number } | null;
  confidence: string;
  verdict: string;
  recommendations: { key: string; value: unknown; target: string; hyperparameter: boolean }[];
  hyperparameterKeys: string[];
}

let dir: string;
const runs = { early: '', active: '', mature: '' };

function cli(args: string[]) {
  return runCli(args, { cwd: dir, timeoutMs: 60_000 });
}

function ok(args: string[]) {
  const r = cli(args);
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

beforeAll(() => {
  dir = makeTmpDir();
  runs.early = join(dir, 'early');
  runs.active = join(dir, 'active');
  runs.mature = join(dir, 'mature');
  ok(['replay', '--dataset', BUNDLED, '--policy', 'rl-v2', '--to', '2024-01-03', '--out', runs.early]);
  ok(['replay', '--dataset', BUNDLED, '--policy', 'rl-v2', '--out', runs.active]);
  // A volatile generated market, long enough for more than 1,000 updates.
  ok(['data', 'generate', '--out', join(dir, 'volatile'), '--bars', '20000', '--interval', '1m', '--seed', '5', '--volatility', '6']);
  ok(['replay', '--dataset', join(dir, 'volatile'), '--policy', 'rl-v2', '--train-frac', '0.8', '--out', runs.mature]);
}, 60_000);

afterAll(removeTmpDirs);

const tune = (path: string) => parseJson<TuneJson>(ok(['tune', path, '--json']).stdout);
const recommended = (agent: AgentAdviceJson) => [agent.parameters.alpha.recommended, agent.parameters.gamma.recommended, agent.parameters.epsilon.recommended];

/** Sample standard deviation of the rewarded trades' pnlPct, computed here from trades.csv. */
function tradeStd(file: string): number {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const at = (name: string) => columns.indexOf(name);
  const values = lines
    .map((line) => line.split(','))
    .filter((cells) => cells[at('exit_reason')] !== 'end_of_data')
    .map((cells) => (Number(cells[at('pnl')]) / Number(cells[at('entry_equity')])) * 100);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
}

describe('replaylab tune on runs at different learning stages', () => {
  it('gives each stage its own recommendations, each with the figures that justify it', () => {
    const early = tune(runs.early);
    const active = tune(runs.active);
    const mature = tune(runs.mature);
    expect(early.agents.map((a) => a.stage)).toEqual(['early', 'early']);
    expect(active.agents.map((a) => a.stage)).toEqual(['active', 'active']);
    expect(mature.agents.map((a) => a.stage)).toEqual(['mature', 'mature']);
    expect(early.agents[0]!.updates).toBeLessThan(100);
    expect(mature.agents[0]!.updates).toBeGreaterThan(1000);

    // Early: explore more (the guide's early ε is 0.2–0.3; a new table starts at 0.1).
    const [earlyMeta] = early.agents;
    expect(earlyMeta!.parameters.epsilon.current).toBeLessThan(0.2);
    expect(recommended(earlyMeta!)).toEqual([0.01, 0.99, 0.2]);
    expect(earlyMeta!.rationale).toContain(
      `[Meta Strategy] Raised ε from ${String(Number(earlyMeta!.parameters.epsilon.current.toPrecision(4)))} to 0.2: Early Learning (${earlyMeta!.updates} updates): the guide's range is 0.2–0.3`,
    );
    expect(earlyMeta!.findings.find((f) => f.id === 'learning')!.detail).toMatch(/^n\/a: \d+ rewarded trades, fewer than 30 in each third$/);

    // Active: ε has decayed below the active range's 0.1.
    const [activeMeta] = active.agents;
    expect(activeMeta!.parameters.epsilon.current).toBeLessThan(0.1);
    expect(activeMeta!.parameters.epsilon.recommended).toBe(0.1);
    expect(activeMeta!.parameters.alpha.changed).toBe(false);

    // Mature on a volatile market: α to the mature range, and γ down for the rewards' variance.
    const [matureMeta, matureSizing] = mature.agents;
    expect(matureMeta!.parameters.alpha.recommended).toBe(0.005);
    const std = tradeStd(join(runs.mature, 'training', 'trades.csv'));
    expect(matureMeta!.measures.rewardStd).toBeCloseTo(std, 10);
    expect(matureMeta!.measures.returnStd).toBeGreaterThan(10);
    expect(matureMeta!.parameters.gamma).toEqual({ current: 0.99, recommended: 0.95, changed: true });
    expect(matureSizing!.parameters.gamma.recommended).toBe(0.95);
    expect(matureMeta!.rationale.some((line) => line.startsWith('[Meta Strategy] Reduced γ from 0.99 to 0.95: high variance in rewards'))).toBe(true);
    // The calm bundled market does not trigger it.
    expect(activeMeta!.measures.returnStd).toBeLessThan(10);

    const sets = [early, active, mature].map((t) => JSON.stringify(t.agents.map(recommended)));
    expect(new Set(sets).size).toBe(3);
  });

  it("prints the guide's recommendations screen", () => {
    const text = ok(['tune', runs.mature]).stdout;
    expect(text).toContain('RL v2 HYPERPARAMETER RECOMMENDATIONS');
    expect(text).toContain(`Evidence:  ${join('mature', 'metrics.json')} (training part), ${join('mature', 'training', 'trades.csv')}`); // paths as seen from the working folder
    expect(text).toContain('  Recommended Changes:\n    Alpha (α):    0.0050  (now 0.0100)\n    Gamma (γ):    0.9500  (now 0.9900)');
    expect(text).toContain('    • [Position Sizing] Reduced α from 0.01 to 0.005: Mature Agent');
    expect(text).toContain('🔧 TO APPLY RECOMMENDATIONS');
  });

  it('works from the tables alone (a copy of the live folder), saying what it cannot measure', () => {
    // A run's qtables/ folder still has its run around it.
    expect(tune(join(runs.early, 'qtables')).agents).toEqual(tune(runs.early).agents);
    const copy = join(dir, 'live-copy');
    mkdirSync(copy);
    writeFileSync(join(copy, 'rl-v2-sizing.json'), readFileSync(join(runs.mature, 'qtables', 'rl-v2-sizing.json')));
    const live = tune(copy);
    expect(live.agents.map((a) => a.agent)).toEqual(['rl-v2-sizing']);
    expect(live.agents[0]!.parameters.alpha.recommended).toBe(0.005); // the stage still speaks
    expect(live.agents[0]!.parameters.gamma.changed).toBe(false); // no trades to measure the rewards by
    expect(live.agents[0]!.findings.find((f) => f.id === 'rewardVariance')!.detail).toBe('n/a: no run folder around the tables (no metrics.json, trades.csv)');
    expect(ok(['tune', copy]).stdout).toContain('⚠️  Q-table not found - agent not yet trained (no rl-v2-meta.json): nothing to tune');
  });
});

describe('replaylab tune --apply', () => {
  it('writes a config that replay accepts, holding the recommended values and nothing else', () => {
    const file = join(dir, 'tuned-early.json');
    const r = ok(['tune', runs.early, '--apply', '--out', file]);
    expect(r.stdout).toContain(`wrote ${file} (agents.v2.meta.epsilon=0.2, agents.v2.sizing.epsilon=0.2)`);
    const written = readFileSync(file, 'utf8');
    expect(JSON.parse(written.replace(/^\/\/.*\n/gm, ''))).toEqual({ agents: { v2: { meta: { epsilon: 0.2 }, sizing: { epsilon: 0.2 } } } });
    const replayed = join(dir, 'replayed-with-tuned');
    ok(['replay', '--dataset', BUNDLED, '--policy', 'rl-v2', '--to', '2024-01-03', '--config', file, '--out', replayed]);
    const manifest = JSON.parse(readFileSync(join(replayed, 'manifest.json'), 'utf8')) as { config: { agents: { v2: { meta: Record<string, number>; sizing: Record<string, number> } } } };
    expect(manifest.config.agents.v2.meta).toEqual({ alpha: 0.01, gamma: 0.99, epsilon: 0.2, epsilonDecay: 0.9995, epsilonMin: 0.01 });
    expect(manifest.config.agents.v2.sizing.epsilon).toBe(0.2);
    // The new run's tables started at the recommended ε.
    const table = JSON.parse(readFileSync(join(replayed, 'qtables', 'rl-v2-meta.json'), 'utf8')) as { hyperparameters: { epsilon: number } };
    expect(table.hyperparameters.epsilon).toBe(0.2);
  });

  it('never overwrites a file, and needs --out', () => {
    const file = join(dir, 'taken.json');
    writeFileSync(file, '{"mine": true}');
    expect(cli(['tune', runs.mature, '--apply', '--out', file])).toMatchObject({ status: 2, stderr: expect.stringContaining('already exists') });
    expect(readFileSync(file, 'utf8')).toBe('{"mine": true}');
    expect(cli(['tune', runs.mature, '--apply'])).toMatchObject({ status: 2, stderr: expect.stringContaining('give its name with --out FILE') });
    expect(cli(['tune', runs.mature, '--out', join(dir, 'x.json')])).toMatchObject({ status: 2, stderr: expect.stringContaining('add --apply') });
    expect(cli(['tune', join(dir, 'nowhere')])).toMatchObject({ status: 2, stderr: expect.stringContaining('no such folder') });
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(cli(['tune', empty])).toMatchObject({ status: 2, stderr: expect.stringContaining('no Q-table') });
  });
});

describe('replaylab tune on a sweep', () => {
  it("recommends the measured best cell's hyperparameters, says how sure it is, and --apply feeds replay", () => {
    const sweep = join(dir, 'sweep-alpha');
    ok(['sweep', '--policy', 'rl-v2', '--param', 'agents.v2.meta.alpha=0.01,0.05', '--param', 'agents.v2.sizing.gamma=0.95,0.99', '--seeds', '3', '--train-frac', '0.7', '--workers', '2', '--out', sweep]);
    const advice = parseJson<SweepTuneJson>(ok(['tune', sweep, '--json']).stdout);
    const summary = readFileSync(join(sweep, 'summary.md'), 'utf8');
    expect(advice.best).not.toBeNull();
    expect(summary).toContain(advice.best!.id); // the same best cell the sweep ranked first
    expect(advice.hyperparameterKeys).toEqual(['agents.v2.meta.alpha', 'agents.v2.sizing.gamma']);
    expect(advice.recommendations.map((r) => [r.key, r.value])).toEqual([
      ['agents.v2.meta.alpha', advice.best!.values['agents.v2.meta.alpha']],
      ['agents.v2.sizing.gamma', advice.best!.values['agents.v2.sizing.gamma']],
    ]);
    const p = advice.probabilityBestBetter!;
    expect(p.low).toBeLessThanOrEqual(p.point);
    expect(p.point).toBeLessThanOrEqual(p.high);
    expect(advice.dsr!.trials).toBe(4);
    expect(advice.verdict).toContain(`P(best > runner-up) ${p.point.toFixed(2)} [${p.low.toFixed(2)}, ${p.high.toFixed(2)}]; DSR ${advice.dsr!.dsr.toFixed(2)} of 4 cells`);
    expect(advice.verdict).toMatch(/: (significant|not significant)/);

    const file = join(dir, 'best-cell.json');
    ok(['tune', sweep, '--apply', '--out', file]);
    const replayed = join(dir, 'replayed-best-cell');
    ok(['replay', '--dataset', BUNDLED, '--policy', 'rl-v2', '--to', '2024-01-03', '--config', file, '--out', replayed]);
    const manifest = JSON.parse(readFileSync(join(replayed, 'manifest.json'), 'utf8')) as { config: { agents: { v2: { meta: { alpha: number }; sizing: { gamma: number } } } } };
    expect(manifest.config.agents.v2.meta.alpha).toBe(advice.best!.values['agents.v2.meta.alpha']);
    expect(manifest.config.agents.v2.sizing.gamma).toBe(advice.best!.values['agents.v2.sizing.gamma']);
  }, 60_000);

  it('says so when the sweep swept no hyperparameter, and --apply has nothing a config file can hold', () => {
    const sweep = join(dir, 'sweep-random');
    ok(['sweep', '--policy', 'random', '--param', 'probability=0.01,0.05', '--seeds', '2', '--workers', '2', '--out', sweep]);
    const text = ok(['tune', sweep]).stdout;
    expect(text).toContain('The sweep swept no hyperparameter (α, γ, ε of agents.v2.meta, agents.v2.sizing or agents.v1.q): it swept probability.');
    const file = join(dir, 'random.json');
    expect(cli(['tune', sweep, '--apply', '--out', file])).toMatchObject({ status: 2, stderr: expect.stringContaining('swept only policy parameters') });
    expect(existsSync(file)).toBe(false);
  }, 30_000);
});
