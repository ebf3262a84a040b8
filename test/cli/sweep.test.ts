/**
 * `replaylab sweep` end to end through the built CLI, on a small generated market (1,500 hourly
 * bars): the files of a 2×2 grid, the same results.csv for 1 and 2 workers, --resume, failed runs
 * (exit 3), Ctrl-C (exit 130, finished runs kept), and bad flags (exit 2, no folder).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH, makeTmpDir, parseJson, removeTmpDirs, runCli } from './helpers.js';

let work: string;
const GRID = ['sweep', '--policy', 'random', '--dataset', 'market', '--param', 'probability=0.02,0.1', '--param', 'leverage=1,2', '--seeds', '2'];

const csvLines = (folder: string) => readFileSync(join(folder, 'results.csv'), 'utf8').split('\n').filter((l) => l !== '');
const sweepJson = (folder: string) =>
  JSON.parse(readFileSync(join(folder, 'sweep.json'), 'utf8')) as {
    status: string;
    commands: string[];
    cells: { id: string; values: Record<string, unknown> }[];
    seeds: number[];
    datasets: { key: string; fingerprint: string; bars: number }[];
    runs: { planned: number; ok: number; failed: number; notRun: number };
  };

beforeAll(() => {
  work = makeTmpDir();
  const generated = runCli(['data', 'generate', '--out', 'market', '--bars', '1500', '--interval', '1h', '--seed', '3'], { cwd: work });
  expect(generated.status).toBe(0);
});
afterAll(removeTmpDirs);

describe('sweep', () => {
  it('runs a 2×2 grid × 2 seeds: results.csv, sweep.json, summary.md with the heatmap and the DSR', () => {
    const result = runCli([...GRID, '--workers', '1', '--out', 'grid1'], { cwd: work });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^rank {2}cell {2}probability {2}leverage {2}ok {3}Sharpe IQM/);
    expect(result.stdout).toMatch(/\nDSR \d\.\d\d: /);
    expect(result.stdout).toContain('runs: 8 ok, 0 failed, of 8');
    expect(result.stdout).toContain('sweep folder: grid1');
    const folder = join(work, 'grid1');
    expect(readdirSync(folder).sort()).toEqual(['results.csv', 'summary.html', 'summary.md', 'sweep.json']);
    const rows = csvLines(folder).map((l) => l.split(','));
    expect(rows).toHaveLength(9);
    expect(rows[0]!.slice(0, 8)).toEqual(['cell', 'probability', 'leverage', 'dataset', 'seed', 'status', 'error', 'returnPct']);
    expect(rows.slice(1).map((r) => r.slice(0, 6).join(' '))).toEqual([
      'c01 0.02 1 market 1 ok',
      'c01 0.02 1 market 2 ok',
      'c02 0.02 2 market 1 ok',
      'c02 0.02 2 market 2 ok',
      'c03 0.1 1 market 1 ok',
      'c03 0.1 1 market 2 ok',
      'c04 0.1 2 market 1 ok',
      'c04 0.1 2 market 2 ok',
    ]);
    // the daily Sharpe is the annualised one over √365
    const header = rows[0]!;
    for (const row of rows.slice(1)) {
      const sharpe = Number(row[header.indexOf('sharpe')]);
      const daily = Number(row[header.indexOf('dailySharpe')]);
      if (row[header.indexOf('sharpe')] !== '') expect(daily * Math.sqrt(365)).toBeCloseTo(sharpe, 10);
      expect(Number(row[header.indexOf('dailyReturns')])).toBe(63); // 1,500 hours: 62.5 days, the last one partial
    }
    const plan = sweepJson(folder);
    expect(plan.status).toBe('complete');
    expect(plan.runs).toEqual({ planned: 8, ok: 8, failed: 0, notRun: 0 });
    expect(plan.seeds).toEqual([1, 2]);
    expect(plan.cells.map((c) => c.values)).toEqual([
      { probability: 0.02, leverage: 1 },
      { probability: 0.02, leverage: 2 },
      { probability: 0.1, leverage: 1 },
      { probability: 0.1, leverage: 2 },
    ]);
    expect(plan.datasets[0]).toMatchObject({ key: 'market', bars: 1_500 });
    expect(plan.datasets[0]!.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const md = readFileSync(join(folder, 'summary.md'), 'utf8');
    expect(md).toContain('## Heatmap: Sharpe IQM');
    expect(md).toMatch(/\| probability \\ leverage \| 1 \| 2 \|\n\|---\|---:\|---:\|\n\| 0\.02 \| .+ \|\n\| 0\.1 \| .+ \|/);
    expect(md).toMatch(/\*\*DSR \d\.\d\d: the probability that the best cell's true daily Sharpe .* the best Sharpe expected of 4 cells of no skill/);
    expect(md).not.toContain('INCOMPLETE');
    const html = readFileSync(join(folder, 'summary.html'), 'utf8');
    expect(html).toContain('<table class="heatmap" id="heatmap-table">');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('writes the same results.csv with 2 workers, into runs/sweep-<time>-random by default', () => {
    const result = runCli([...GRID, '--workers', '2'], { cwd: work });
    expect(result.status).toBe(0);
    const folders = readdirSync(join(work, 'runs'));
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatch(/^sweep-\d{8}-\d{6}-random$/);
    expect(readFileSync(join(work, 'runs', folders[0]!, 'results.csv'), 'utf8')).toBe(readFileSync(join(work, 'grid1', 'results.csv'), 'utf8'));
  });

  it('--resume runs only the runs whose rows are missing or failed', () => {
    cpSync(join(work, 'grid1'), join(work, 'partial'), { recursive: true });
    const [header, ...rows] = csvLines(join(work, 'partial'));
    const doctored = rows[0]!.split(',');
    doctored[header!.split(',').indexOf('finalEquity')] = '1'; // a rerun would restore it
    const failed = rows[4]!.replace(',ok,,', ',failed,worker died,');
    writeFileSync(join(work, 'partial', 'results.csv'), `${[header, doctored.join(','), rows[1], rows[3], failed, rows[6], rows[7]].join('\n')}\n`);
    const result = runCli(['sweep', '--resume', 'partial', '--workers', '2'], { cwd: work });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('resumed: 5 runs already ok in results.csv were kept, 3 ran now');
    const after = csvLines(join(work, 'partial'));
    const original = csvLines(join(work, 'grid1'));
    expect(after).toEqual([original[0], doctored.join(','), ...original.slice(2)]);
    const plan = sweepJson(join(work, 'partial'));
    expect(plan.status).toBe('complete');
    expect(plan.commands).toHaveLength(2);
    expect(plan.commands[1]).toBe('replaylab sweep --resume partial --workers 2');
  });

  it('--resume refuses flags that differ from the plan', () => {
    const result = runCli(['sweep', '--resume', 'grid1', '--seeds', '3', '--param', 'probability=0.02'], { cwd: work });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--resume grid1: the flags differ from the sweep\'s plan');
    expect(result.stderr).toContain('--param: the sweep has ["probability=0.02,0.1","leverage=1,2"], the flags say ["probability=0.02"]');
    expect(result.stderr).toContain('--seeds: the sweep has 2, the flags say 3');
  });

  it('records the runs of a policy that throws as failed, lists them, and exits 3', () => {
    writeFileSync(
      join(work, 'fragile.mjs'),
      `export default (params, env) => ({
  onBar(ctx) {
    if (ctx.bar === 500 && env.seed % 2 === 0) throw new Error('boom at 500');
    if (ctx.position === undefined && ctx.bar % 50 === 10) return { type: 'open', side: 'long', fraction: params.fraction };
    if (ctx.position !== undefined && ctx.bar % 50 === 40) return { type: 'close' };
    return undefined;
  },
});
`,
    );
    const result = runCli(['sweep', '--policy', './fragile.mjs', '--dataset', 'market', '--param', 'fraction=0.2,0.5', '--seeds', '2', '--out', 'fragile', '--json'], { cwd: work });
    expect(result.status).toBe(3);
    const summary = parseJson<{ status: string; runs: { ok: number; failed: number }; failures: { cell: string; seed: number; error: string }[] }>(result.stdout);
    expect(summary.status).toBe('complete');
    expect(summary.runs).toMatchObject({ ok: 2, failed: 2 });
    expect(summary.failures.map((f) => [f.cell, f.seed])).toEqual([
      ['c01', 2],
      ['c02', 2],
    ]);
    expect(summary.failures[0]!.error).toMatch(/threw in onBar at bar 500 .*boom at 500/);
    const statuses = csvLines(join(work, 'fragile')).slice(1).map((l) => l.split(',').slice(3, 5).join(' '));
    expect(statuses).toEqual(['1 ok', '2 failed', '1 ok', '2 failed']);
    expect(readFileSync(join(work, 'fragile', 'summary.md'), 'utf8')).toMatch(/## Failed runs\n\n\| cell \| dataset \| seed \| error \|\n.*\n\| c01 \| market \| 2 \| policy .*boom at 500 \|/);
  });

  it('refuses a bad --param before loading anything: exit 2 and no folder', () => {
    const cwd = makeTmpDir();
    const unknown = runCli(['sweep', '--policy', 'random', '--dataset', join(work, 'market'), '--param', 'agents.v2.meta.alfa=0.1,0.2'], { cwd });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("replaylab: --param agents.v2.meta.alfa=0.1,0.2: unknown config field 'agents.v2.meta.alfa'");
    const bad = runCli(['sweep', '--policy', 'random', '--dataset', join(work, 'market'), '--param', 'probability=0.1,7'], { cwd });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('which refused 7');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('Ctrl-C keeps the finished runs, marks the sweep incomplete and exits 130', async () => {
    // Seed 1 finishes at once; seeds 2 and 3 spin at bar 100 until their worker is stopped.
    writeFileSync(
      join(work, 'slow.mjs'),
      `export default (params, env) => ({
  onBar(ctx) {
    if (ctx.bar === 100 && env.seed > 1) { const end = Date.now() + 60000; while (Date.now() < end) {} }
    return undefined;
  },
});
`,
    );
    const child = spawn(process.execPath, [CLI_PATH, 'sweep', '--policy', './slow.mjs', '--dataset', 'market', '--param', 'x=1', '--seeds', '3', '--workers', '1', '--out', 'stopped'], {
      cwd: work,
      env: { ...process.env, REPLAYLAB_CACHE_DIR: join(work, 'cache') },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const results = join(work, 'stopped', 'results.csv');
    for (let waited = 0; !(existsSync(results) && csvLines(join(work, 'stopped')).length >= 2); waited += 50) {
      if (waited > 15_000) throw new Error(`no run finished: ${stderr}`);
      await new Promise((done) => setTimeout(done, 50));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted');
    expect(csvLines(join(work, 'stopped')).slice(1).map((l) => l.split(',').slice(0, 5).join(' '))).toEqual(['c01 1 market 1 ok']);
    const plan = sweepJson(join(work, 'stopped'));
    expect(plan.status).toBe('incomplete');
    expect(plan.runs).toEqual({ planned: 3, ok: 1, failed: 0, notRun: 2 });
    expect(readFileSync(join(work, 'stopped', 'summary.md'), 'utf8')).toContain('**INCOMPLETE SWEEP**: 1 of 3 runs finished (2 not run)');
  }, 30_000);
});
