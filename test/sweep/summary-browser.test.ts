/**
 * summary.html as the built CLI writes it, in a real browser (headless Chromium): a 2×2 sweep of a
 * policy module that throws an Error holding `<script>` on some runs. The page opens from file://
 * without an error and without reaching for the network, draws its strip plot, shows the best
 * cell, has one heatmap cell per grid cell, and prints the hostile error as text (no dialog).
 * Skipped, with the reason printed, where no Chromium is installed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTmpDir, removeTmpDirs, runCli } from '../cli/helpers.js';
import { checkReportInBrowser, findChromium } from '../helpers/chromium.js';

const HOSTILE_MESSAGE = '<script>alert(1)</script> & <img src=x onerror=alert(2)>';

const browser = findChromium();
if (browser.path === null) console.warn(`browser test skipped: ${browser.reason}`);

describe.skipIf(browser.path === null)('summary.html of the built CLI in headless Chromium', () => {
  let work: string;

  beforeAll(() => {
    work = makeTmpDir();
    const generated = runCli(['data', 'generate', '--out', 'market', '--bars', '1500', '--interval', '1h', '--seed', '3'], { cwd: work });
    expect(generated.status, generated.stderr).toBe(0);
    // Seed 2 of every cell with fraction 0.5 throws at bar 500: 2 of 8 runs fail.
    writeFileSync(
      join(work, 'hostile.mjs'),
      `export default (params, env) => ({
  onBar(ctx) {
    if (ctx.bar === 500 && env.seed === 2 && params.fraction > 0.3) throw new Error(${JSON.stringify(HOSTILE_MESSAGE)});
    if (ctx.position === undefined && ctx.bar % (40 * params.hold) === 10) return { type: 'open', side: 'long', fraction: params.fraction };
    if (ctx.position !== undefined && ctx.bar % (40 * params.hold) === 30) return { type: 'close' };
    return undefined;
  },
});
`,
    );
    const sweep = runCli(['sweep', '--policy', './hostile.mjs', '--dataset', 'market', '--param', 'fraction=0.2,0.5', '--param', 'hold=1,2', '--seeds', '2', '--out', 'hostile'], {
      cwd: work,
    });
    expect(sweep.status, sweep.stderr).toBe(3);
  });
  afterAll(removeTmpDirs);

  it('opens offline without errors, draws the runs, and has one heatmap cell per grid cell', async () => {
    const check = await checkReportInBrowser(join(work, 'hostile', 'summary.html'), {
      charts: ['strip-cells'],
      verdictSelector: '#best-cell .headline',
      count: ['#heatmap-table td', '#heatmap-table td.marked', '#failed-runs pre.run-error', 'table.cells tbody tr'],
    });
    expect(check.problems).toEqual([]);
    expect(check.requests.every((url) => url.startsWith('file:') || url.startsWith('data:'))).toBe(true);
    expect(check.verdictText).toMatch(/^c0[1-4]: fraction = 0\.[25], hold = [12]$/);
    expect(check.counts).toEqual({ '#heatmap-table td': 4, '#heatmap-table td.marked': 1, '#failed-runs pre.run-error': 2, 'table.cells tbody tr': 4 });
    expect(check.charts.find((c) => c.id === 'strip-cells')?.dots).toBe(6);
  });

  it('prints the error of a run that threw <script> as text, and runs nothing', async () => {
    const check = await checkReportInBrowser(join(work, 'hostile', 'summary.html'), { charts: ['strip-cells'], verdictSelector: '#best-cell .headline' });
    expect(check.dialogs).toEqual([]);
    expect(check.firstRunError).toMatch(/threw in onBar at bar 500 .*<script>alert\(1\)<\/script> & <img src=x onerror=alert\(2\)>$/);
  });
});
