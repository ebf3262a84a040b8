/**
 * `replaylab ab`, end to end through the built CLI: an A/A test is inconclusive with P(B better)
 * at 0.5; rl-v2 against random with one skilled synthetic model is judged better; the report does
 * not depend on the number of workers; a policy that throws in some runs is listed as failed with
 * exit code 3; bad input stops before any run with exit 2; verdicts go to ab-history.jsonl.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AbReport } from '../../src/ab/report-model.js';
import { checkReportInBrowser, findChromium } from '../helpers/chromium.js';
import { CLI_PATH, makeTmpDir, parseJson, removeTmpDirs, runCli } from './helpers.js';

let dir: string;
const long = { timeoutMs: 60_000 };

/** The one folder a run wrote under `runs`, and its report. */
function reportIn(runsDir: string, name?: string): { folder: string; report: AbReport } {
  const folders = readdirSync(runsDir).filter((f) => f.startsWith('ab-') && !f.endsWith('.jsonl') && (name === undefined || f === name));
  expect(folders).toHaveLength(1);
  const folder = join(runsDir, folders[0]!);
  return { folder, report: JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as AbReport };
}

const SKILLED = {
  models: { informationCoefficients: { xgb: 0.3, lgbm: 0, nhits: 0, lstm: 0 } },
  agents: {
    exits: { maxBars: 12 },
    v2: {
      meta: { alpha: 0.05, gamma: 0.5, epsilon: 0.3, epsilonDecay: 0.9998, epsilonMin: 0.01 },
      sizing: { alpha: 0.05, gamma: 0.5, epsilon: 0.3, epsilonDecay: 0.9998, epsilonMin: 0.01 },
      metaBins: { volatility: [], marketPressure: [], confidence: [], previousWinRate: [], accountHealth: [] },
      sizingBins: { signalConfidence: [], portfolioExposure: [], recentWinRate: [], volatility: [], equityCurveSlope: [] },
    },
  },
};

beforeAll(() => {
  dir = makeTmpDir();
  const generated = runCli(['data', 'generate', '--out', 'gen', '--bars', '30000', '--interval', '5m', '--seed', '3'], { cwd: dir });
  expect(generated.status).toBe(0);
  writeFileSync(join(dir, 'skill.json'), JSON.stringify(SKILLED));
  writeFileSync(
    join(dir, 'fragile.mjs'),
    `export default (params, env) => ({
  onBar(ctx) {
    if (ctx.bar === 500 && env.seed % 2 === 0) throw new Error('boom at bar 500');
    return ctx.bar % 200 === 10 ? { type: 'open', side: 'long', fraction: 0.5 } : ctx.bar % 200 === 100 ? { type: 'close' } : undefined;
  },
});
`,
  );
});
afterAll(removeTmpDirs);

describe('replaylab ab', () => {
  it('A/A: two identical arms are inconclusive, P(B better) exactly 0.5 at the point', () => {
    const r = runCli(['ab', '--dataset', 'gen', '--a', 'rl-v2', '--b', 'rl-v2', '--seeds', '4', '--folds', '2', '--runs-dir', 'aa', '--bootstrap-reps', '2000'], { cwd: dir, ...long });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/A\/A test/);
    const { report, folder } = reportIn(join(dir, 'aa'));
    expect(report.primary.verdict).toBe('inconclusive');
    expect(report.primary.probabilityBBetter.point).toBe(0.5);
    expect(report.primary.probabilityBBetter.low).toBeLessThan(0.5);
    expect(report.primary.probabilityBBetter.high).toBeGreaterThan(0.5);
    for (const m of report.metrics) expect(m.difference.iqm.point).toBe(0);
    expect(report.counts).toEqual({ planned: 16, ok: 16, failed: 0, cancelled: 0 });
    expect(report.design.tasks.map((t) => t.id)).toEqual(['gen/fold1', 'gen/fold2']);
    expect(r.stdout).toMatch(/VERDICT: INCONCLUSIVE/);
    expect(r.stdout).toContain(`${folder.slice(dir.length + 1)}/report.html`);
    for (const file of ['report.json', 'report.md', 'report.html']) expect(existsSync(join(folder, file))).toBe(true);
  });

  it('rl-v2 against random, with one skilled synthetic model, is judged better', () => {
    const r = runCli(
      ['ab', '--dataset', 'gen', '--a', 'random', '--b', 'rl-v2', '--config', 'skill.json', '--seeds', '4', '--train-frac', '0.7', '--runs-dir', 'skill', '--bootstrap-reps', '2000'],
      { cwd: dir, ...long },
    );
    expect(r.status, r.stderr).toBe(0);
    const { report } = reportIn(join(dir, 'skill'));
    expect(report.primary.metric).toBe('sharpe');
    expect(report.primary.verdict).toBe('better');
    expect(report.primary.probabilityBBetter.low).toBeGreaterThan(0.5);
    const returns = report.metrics.find((m) => m.key === 'returnPct')!;
    expect(returns.b.iqm.point).toBeGreaterThan(returns.a.iqm.point);
    expect(report.arms.b.learns).toBe(true);
    expect(report.arms.a.learns).toBe(false);
    // The learning arm trained on the first 70%, then was scored frozen on the rest after the embargo.
    const task = report.design.tasks[0]!;
    expect(task.train!.bars).toBe(21_000);
    expect(task.test.bars).toBe(30_000 - 21_000 - report.design.embargoBars);
    expect(report.checklist.find((c) => c.criterion.startsWith('Sharpe'))!.status).toBe('pass');
    expect(report.warnings.join('\n')).toMatch(/SYNTHETIC/);
  });

  it('writes the same report.json with 1 and 2 workers (timings aside)', () => {
    const args = ['ab', '--dataset', 'gen', '--seeds', '3', '--folds', '2', '--bootstrap-reps', '1000'];
    const one = runCli([...args, '--workers', '1', '--out', 'w1', '--runs-dir', 'h1'], { cwd: dir, ...long });
    const two = runCli([...args, '--workers', '2', '--out', 'w2', '--runs-dir', 'h2'], { cwd: dir, ...long });
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    const read = (name: string) => {
      const report = JSON.parse(readFileSync(join(dir, name, 'report.json'), 'utf8')) as Record<string, unknown>;
      delete report.generated;
      return report;
    };
    expect(read('w2')).toEqual(read('w1'));
    const strip = (name: string) => readFileSync(join(dir, name, 'report.md'), 'utf8').split('\n---\n')[0];
    expect(strip('w2')).toBe(strip('w1'));
  });

  it('lists runs that throw as failed, keeps the rest, and exits 3', () => {
    const r = runCli(['ab', '--dataset', 'gen', '--a', 'random', '--b', 'fragile.mjs', '--seeds', '4', '--folds', '2', '--runs-dir', 'fragile', '--bootstrap-reps', '1000'], {
      cwd: dir,
      ...long,
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/4 of 16 runs failed/);
    const { report, folder } = reportIn(join(dir, 'fragile'));
    const failed = report.runs.filter((x) => x.status === 'failed');
    expect(failed.map((x) => x.id)).toEqual(['b:gen/fold1:s2', 'b:gen/fold1:s4', 'b:gen/fold2:s2', 'b:gen/fold2:s4']);
    expect(failed).toHaveLength(4);
    expect(failed.every((x) => x.arm === 'b' && x.seed % 2 === 0 && /boom at bar 500/.test(x.error!))).toBe(true);
    expect(report.counts).toEqual({ planned: 16, ok: 12, failed: 4, cancelled: 0 });
    expect(report.complete).toBe(true);
    expect(report.metrics[0]!.b.n).toBe(4);
    expect(report.checklist.find((c) => c.criterion === 'No critical errors')!.status).toBe('fail');
    const md = readFileSync(join(folder, 'report.md'), 'utf8');
    expect(md).toMatch(/4 run\(s\) FAILED/);
    expect(md).toMatch(/b:gen\/fold1:s2 \| \*\*FAILED\*\*: .*boom at bar 500/);
  });

  const browser = findChromium();
  it.skipIf(browser.path === null)('its report.html (failed runs included) opens in Chromium with every chart drawn and no error', async () => {
    const { folder, report } = reportIn(join(dir, 'fragile'));
    const charts = ['probability-chart', ...report.design.tasks.flatMap((_, i) => [`equity-${i}`, `drawdown-${i}`]), ...report.metrics.map((_, i) => `strip-${i}`)];
    const check = await checkReportInBrowser(join(folder, 'report.html'), { charts, verdictText: report.primary.verdict === 'inconclusive' ? 'nconclusive' : '' });
    expect(check.problems).toEqual([]);
    expect(check.charts.filter((c) => /^equity-/.test(c.id)).every((c) => c.paths.filter((p) => p.className === 'band').length === 2)).toBe(true);
    expect(check.firstRunError).toMatch(/boom at bar 500/);
  }, 30_000);
  if (browser.path === null) console.warn(`browser test skipped: ${browser.reason}`);

  it('keeps every verdict in ab-history.jsonl and lists them with --history', () => {
    const runsDir = join(dir, 'aa');
    const before = readFileSync(join(runsDir, 'ab-history.jsonl'), 'utf8').trim().split('\n');
    expect(before).toHaveLength(1);
    const again = runCli(['ab', '--dataset', 'gen', '--a', 'rl-v2', '--b', 'rl-v2', '--seeds', '2', '--folds', '1', '--runs-dir', 'aa', '--bootstrap-reps', '500'], { cwd: dir, ...long });
    expect(again.status, again.stderr).toBe(0);
    const history = runCli(['ab', '--history', '--runs-dir', 'aa', '--json'], { cwd: dir });
    expect(history.status).toBe(0);
    const entries = parseJson<{ verdict: string; a: string; b: string; seeds: number }[]>(history.stdout);
    expect(entries.map((e) => [e.a, e.b, e.seeds, e.verdict])).toEqual([
      ['rl-v2 (A)', 'rl-v2 (B)', 4, 'inconclusive'],
      ['rl-v2 (A)', 'rl-v2 (B)', 2, 'inconclusive'],
    ]);
    const table = runCli(['ab', '--history', '--runs-dir', 'aa'], { cwd: dir });
    expect(table.stdout.split('\n')[0]).toMatch(/^when \(UTC\)\s+B vs A\s+datasets/);
    writeFileSync(join(runsDir, 'ab-history.jsonl'), `${readFileSync(join(runsDir, 'ab-history.jsonl'), 'utf8')}{"at": 5}\n`);
    const broken = runCli(['ab', '--history', '--runs-dir', 'aa'], { cwd: dir });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/ab-history\.jsonl:3: not an A\/B history entry/);
  });

  it.each([
    [['--metric', 'trades'], /--metric 'trades' is not one of/],
    [['--folds', '60'], /--folds 60: .* too short for the embargo/],
    [['--train-frac', '1.5'], /--train-frac must be between 0 and 1/],
    [['--seeds', '0'], /--seeds must be a whole number ≥ 1/],
    [['--b', 'nope.ts'], /nope\.ts/],
    [['--dataset', 'missing-folder'], /missing-folder/],
  ])('refuses %j before any run (exit 2, no report folder)', (flags, message) => {
    const runsDir = `bad-${flags.join('-').replace(/[^a-z0-9]+/gi, '')}`;
    const r = runCli(['ab', '--dataset', 'gen', '--seeds', '2', '--runs-dir', runsDir, ...flags], { cwd: dir, ...long });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, runsDir)) ? readdirSync(join(dir, runsDir)) : []).toEqual([]);
  });

  it('Ctrl-C stops the batch, writes the finished runs as INCOMPLETE with no verdict, exits 130, adds no history', async () => {
    // Each run notes its start in started.log and sleeps 700 ms at its 100th bar. With 2 workers, a
    // third start means a run has finished: Ctrl-C then leaves most of the 12 runs not run.
    const log = join(dir, 'started.log');
    writeFileSync(
      join(dir, 'slow.mjs'),
      `import { appendFileSync } from 'node:fs';
export default () => {
  let bars = 0;
  return { onBar() { if (++bars === 100) { appendFileSync(${JSON.stringify(log)}, 'run\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 700); } return undefined; } };
};
`,
    );
    const child = spawn(process.execPath, [CLI_PATH, 'ab', '--dataset', 'gen', '--a', 'slow.mjs', '--b', 'slow.mjs', '--seeds', '6', '--train-frac', '0.5', '--workers', '2', '--runs-dir', 'stopped'], {
      cwd: dir,
      env: { ...process.env, REPLAYLAB_CACHE_DIR: join(dir, 'cache') },
    });
    const started = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
    const poll = setInterval(() => {
      if (started() >= 3) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 20);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', (status) => done(status)));
    clearInterval(poll);
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted: \d+ of 12 runs finished/);
    const { report, folder } = reportIn(join(dir, 'stopped'));
    expect(folder).toMatch(/-interrupted$/);
    expect(report.complete).toBe(false);
    expect(report.primary.verdict).toBe('no verdict');
    expect(report.counts.cancelled).toBeGreaterThan(0);
    expect(report.counts.ok).toBeGreaterThan(0);
    expect(report.counts.ok + report.counts.cancelled).toBe(12);
    expect(readFileSync(join(folder, 'report.md'), 'utf8')).toMatch(/\*\*INCOMPLETE\*\*/);
    expect(existsSync(join(dir, 'stopped', 'ab-history.jsonl'))).toBe(false);
  }, 30_000);

  it('refuses arms whose costs differ', () => {
    writeFileSync(join(dir, 'cheap.json'), JSON.stringify({ engine: { feeRate: 0 } }));
    const r = runCli(['ab', '--dataset', 'gen', '--config-b', 'cheap.json', '--runs-dir', 'costs'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/engine\.feeRate is 0\.0005 for A and 0 for B/);
  });
});
