/**
 * The A/B report.html in a real browser (headless Chromium): it opens from file:// with no error,
 * requests nothing outside the file, draws every chart and every band and line with a size, shows
 * the verdict, and prints a hostile run error as text. Skipped, with the reason printed, where
 * no Chromium is installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderAbHtml } from '../../src/ab/report-html.js';
import type { AbReport } from '../../src/ab/report-model.js';
import { HOSTILE_ERROR, makeAbReport } from '../helpers/ab-report-fixture.js';
import { checkReportInBrowser, findChromium } from '../helpers/chromium.js';

const browser = findChromium();
if (browser.path === null) console.warn(`browser test skipped: ${browser.reason}`);

const folder = mkdtempSync(join(tmpdir(), 'replaylab-html-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeReport(name: string, report: AbReport): string {
  const file = join(folder, name);
  writeFileSync(file, renderAbHtml(report));
  return file;
}

/** The charts an A/B report with these tasks and metrics must show. */
function expectedCharts(report: AbReport): string[] {
  return [
    'probability-chart',
    ...report.design.tasks.flatMap((_, i) => [`equity-${i}`, `drawdown-${i}`]),
    ...report.metrics.map((_, i) => `strip-${i}`),
  ];
}

const withBrowser = it.skipIf(browser.path === null);

describe('report.html in headless Chromium', () => {
  withBrowser('opens offline without errors, draws every chart and shows the verdict', async () => {
    const report = makeAbReport();
    const check = await checkReportInBrowser(writeReport('report.html', report), {
      charts: expectedCharts(report),
      verdictText: 'B is better',
    });
    expect(check.problems).toEqual([]);
    expect(check.requests.length).toBeGreaterThan(0);
    expect(check.requests.every((url) => url.startsWith('file:') || url.startsWith('data:'))).toBe(true);
    // Two tasks × (equity + drawdown) × two arms: a band and a line each.
    const curves = check.charts.filter((c) => /^(equity|drawdown)-/.test(c.id));
    expect(curves).toHaveLength(4);
    for (const chart of curves) {
      expect(chart.paths.filter((p) => p.className === 'band').map((p) => p.series)).toEqual(['a', 'b']);
      expect(chart.paths.filter((p) => p.className === 'line').map((p) => p.series)).toEqual(['a', 'b']);
    }
    // 11 finished runs: one dot each on the Sharpe strip plot.
    expect(check.charts.find((c) => c.id === 'strip-1')?.dots).toBe(11);
    expect(check.firstRunError).toBe(HOSTILE_ERROR);
  });

  withBrowser('draws an arm without runs on a task as absent, and single-day curves with a size', async () => {
    const report = makeAbReport({ nullBandB: true, singleDay: true });
    const check = await checkReportInBrowser(writeReport('single-day.html', report), { charts: expectedCharts(report) });
    expect(check.problems).toEqual([]);
    const secondTask = check.charts.find((c) => c.id === 'equity-1');
    expect(secondTask?.paths.map((p) => `${p.className}:${p.series}`)).toEqual(['band:a', 'line:a']);
  });
});

describe('checkReportInBrowser', () => {
  withBrowser('reports a page that reaches for the network, runs a script or has no chart', async () => {
    const file = join(folder, 'bad.html');
    writeFileSync(
      file,
      '<!doctype html><html><head><link rel="stylesheet" href="https://cdn.example.com/x.css"></head><body><script>console.error("boom"); alert("hi")</script></body></html>',
    );
    const check = await checkReportInBrowser(file);
    expect(check.problems).toEqual(
      expect.arrayContaining([
        'request leaves the file: https://cdn.example.com/x.css',
        'console error: boom',
        'dialog opened (a script ran): alert: hi',
        'no svg.chart on the page',
        'the verdict (#verdict .verdict-headline) is not visible',
      ]),
    );
  });

  it('says why there is no browser when CHROMIUM_PATH points nowhere', () => {
    expect(findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).toEqual({
      path: null,
      reason: 'no Chromium at CHROMIUM_PATH=/nonexistent/chromium (not an executable file)',
    });
  });
});
