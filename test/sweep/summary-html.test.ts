/**
 * summary.html of a sweep: one self-contained page on the shared report helpers, its sections in
 * reading order, the best cell and its DSR, the heatmap with the best cell marked, one dot per ok
 * run, hostile strings printed as text, the warnings, and the same bytes for the same summary.
 */
import { describe, expect, it } from 'vitest';
import { divergingColor } from '../../src/reports/heatmap.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { gridCells } from '../../src/sweep/cells.js';
import { renderSummaryHtml } from '../../src/sweep/summary-html.js';
import { summarizeSweep } from '../../src/sweep/summary.js';
import { context, failed, input, rows } from '../helpers/sweep-summary-fixture.js';
import { count, element } from '../helpers/html.js';

const page = renderSummaryHtml(summarizeSweep({ ...input, metric: 'sharpe' }), context);

describe('summary.html: the page', () => {
  it('is one self-contained document: the shared shell with its CSP, no script, nothing fetched', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'`);
    expect(page).toContain('<title>Sweep: random — replaylab</title>');
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/(src|href)="(?!#)/); // only in-page anchors
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('has its sections in reading order', () => {
    const ids = ['best-cell', 'best-cells', 'dsr', 'heatmap', 'runs-per-cell', 'failed-runs', 'plan', 'about'];
    const positions = ids.map((id) => page.indexOf(` id="${id}"`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(page).toContain('<h1>Sweep: random — 4 cells × 2 seeds × 1 dataset</h1>');
  });

  it('the same summary gives the same bytes', () => {
    expect(renderSummaryHtml(summarizeSweep({ ...input, metric: 'sharpe' }), context)).toBe(page);
  });
});

describe('summary.html: the cells', () => {
  it('the best cell in a box with its score and how far its DSR goes', () => {
    const box = element(page, 'section', 'best-cell');
    expect(box).toContain('class="best-cell not-significant"');
    expect(box).toContain('<div class="headline">c01: a = 1, b = x</div>');
    expect(box).toContain('Sharpe IQM <strong>2.500</strong> · median 2.500 · min – max 2.000 – 3.000 · 2 of 2 runs ok');
    expect(box).toContain('DSR <strong>0.80</strong>: below 0.95, not significant');
  });

  it('ranks every cell with IQM, median, min – max and ok runs, numbers formatted as the A/B report’s', () => {
    const table = element(page, 'section', 'best-cells');
    expect(table).toContain('<h2>Cells, best first</h2>');
    expect(count(table, /<tr( class="[^"]*")? data-cell=/g)).toBe(4);
    expect(table).toContain(
      '<tr class="best" data-cell="c01"><td class="num">1</td><td>c01</td><td class="num">1</td><td>x</td><td class="num">2/2</td><td class="num metric">2.500</td><td class="num">2.500</td><td class="num">2.000 – 3.000</td><td class="num">0</td><td class="num metric">11.00</td><td class="num">25.00</td><td class="num">–</td><td class="num">–</td></tr>',
    );
    expect(table).toContain('<td class="num metric">−0.750</td><td class="num">−0.750</td><td class="num">−1.000 – −0.500</td>'); // U+2212 minus
    expect(table).toContain('<tr class="no-score" data-cell="c04"><td class="num">4</td><td>c04</td><td class="num">2</td><td>y</td><td class="num">0/2</td><td class="num metric">–</td>');
    expect(table).toContain('<td class="num failed-count">2</td>');
    expect(page).not.toContain('id="all-cells"');
  });

  it('shows the best 10 cells first, and every cell further down, when there are more', () => {
    const axes = parseAxes(['a=1,2,3,4', 'b=x,y,z'], false);
    const many = renderSummaryHtml(summarizeSweep({ ...input, axes, cells: gridCells(axes), rows: [], metric: 'sharpe' }), { ...context, axes });
    expect(element(many, 'section', 'best-cells')).toContain('<h2>Best 10 of 12 cells</h2>');
    expect(count(element(many, 'section', 'best-cells'), /data-cell=/g)).toBe(10);
    expect(count(element(many, 'section', 'all-cells'), /data-cell=/g)).toBe(12);
    expect(element(many, 'section', 'best-cell')).toContain('No cell has a Sharpe: every run failed or left it undefined');
  });
});

describe('summary.html: DSR, heatmap and runs', () => {
  it('gives the DSR sentence and its inputs', () => {
    const dsr = element(page, 'section', 'dsr');
    expect(dsr).toContain(
      '<p class="note-box dsr-reading">DSR 0.80: the probability that the best cell&#39;s true daily Sharpe (0.1500 over 110 days) is above 0.0662, the best Sharpe expected of 3 cells of no skill;',
    );
    expect(dsr).toContain('Sharpe SR̂ = 0.1500, T = 110.0 daily returns, skewness γ₃ = −0.200, kurtosis γ₄ = 5.000 (means over its 2 ok runs)');
    expect(dsr).toContain('N = 3 cells with a defined daily Sharpe; variance of their daily Sharpes V = 0.006022 (ddof 0)');
    expect(dsr).toContain('= <strong>0.8032</strong>; 0.95 or more is significant');
  });

  it('draws the heatmap with the shared helper: coloured around 0, the best cell marked, a cell without runs empty', () => {
    const heatmap = element(page, 'table', 'heatmap-table');
    expect(count(heatmap, /<td/g)).toBe(4);
    expect(heatmap).toContain('<th class="corner" scope="col">a ↓ · b →</th>');
    expect(heatmap).toContain(`<td class="marked" style="background:${divergingColor(1)};color:#ffffff" title="c01 (a = 1, b = x): Sharpe IQM 2.500, 2 of 2 runs ok">2.500</td>`);
    expect(heatmap).toContain(`<td style="background:${divergingColor(-0.3)};color:#1f2933" title="c03 (a = 2, b = x): Sharpe IQM −0.750, 2 of 2 runs ok">−0.750</td>`);
    expect(heatmap).toContain('<td class="empty" title="c04 (a = 2, b = y): Sharpe IQM –, 0 of 2 runs ok">–</td>');
    expect(element(page, 'section', 'heatmap')).toContain('Blue: better than 0; red: worse');
  });

  it('centres a metric without a natural zero on the middle of its values, lower being better', () => {
    const drawdown = renderSummaryHtml(summarizeSweep({ ...input, metric: 'maxDrawdownPct' }), context);
    const heatmap = element(drawdown, 'table', 'heatmap-table');
    expect(heatmap).toContain(`<td class="marked" style="background:${divergingColor(1)};color:#ffffff" title="c02 (a = 1, b = y): Max drawdown % IQM 5.50`);
    expect(heatmap).toContain(`style="background:${divergingColor(-1)};color:#ffffff" title="c03`);
    expect(element(drawdown, 'section', 'heatmap')).toContain('Blue: better than 25.25, the middle of the values shown');
  });

  it('has no heatmap unless exactly two parameters vary', () => {
    const axes = parseAxes(['a=1,2', 'b=x,y', 'c=5,6'], false);
    const three = renderSummaryHtml(summarizeSweep({ ...input, axes, cells: gridCells(axes), rows: [], metric: 'sharpe' }), { ...context, axes });
    expect(three).not.toContain('id="heatmap"');
    expect(three).not.toContain('href="#heatmap"');
  });

  it('plots one dot per ok run, with its seed, and each cell’s IQM', () => {
    const strip = element(page, 'svg', 'strip-cells');
    expect(count(strip, /<circle class="dot"/g)).toBe(6);
    expect(count(strip, /<circle class="dot" data-series="c01"/g)).toBe(2);
    expect(strip).toContain('<title>c01 · seed 2: 3.000</title>');
    expect(count(strip, /<line class="estimate"/g)).toBe(3);
  });
});

describe('summary.html: failed runs, warnings, escaping', () => {
  it('lists the failed runs with their errors printed as text', () => {
    const hostile = rows.map((r) => (r.status === 'failed' ? failed(r.cell, r.seed, 'Error: <script>alert(1)</script> & <img src=x onerror=alert(1)>') : r));
    const html = renderSummaryHtml(summarizeSweep({ ...input, rows: hostile, metric: 'sharpe' }), context);
    const section = element(html, 'section', 'failed-runs');
    expect(count(section, /<pre class="run-error">/g)).toBe(2);
    expect(section).toContain('<pre class="run-error">Error: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;</pre>');
    expect(section).toContain('<td class="parameters">a = 2, b = y</td><td>d</td><td class="num">1</td>');
    expect(section).toContain('<code>replaylab sweep --resume runs/sweep-x</code> runs them again');
    expect(html).not.toMatch(/<script|<img/);
  });

  it('escapes every string of the plan', () => {
    const html = renderSummaryHtml(summarizeSweep({ ...input, metric: 'sharpe' }), { ...context, policy: 'a<b>&"c"', configFile: '<x>.jsonc' });
    expect(html).toContain('<h1>Sweep: a&lt;b&gt;&amp;&quot;c&quot; — 4 cells');
    expect(html).toContain('<dt>Config</dt><dd><code>&lt;x&gt;.jsonc</code>, then each cell');
    expect(html).not.toContain('<b>');
  });

  it('warns when runs read synthetic model scores, which look at the future', () => {
    const synthetic = rows.map((r, n) => (n < 3 ? { ...r, modelSource: 'synthetic' as const } : r));
    const html = renderSummaryHtml(summarizeSweep({ ...input, rows: synthetic, metric: 'sharpe' }), context);
    expect(element(html, 'div', 'synthetic-models-banner')).toContain('<strong>SYNTHETIC MODEL SCORES</strong> in 3 of 6 ok runs: the datasets have no predictions.csv');
    expect(page).not.toContain('synthetic-models-banner');
  });

  it('marks an incomplete sweep with the command that finishes it', () => {
    const html = renderSummaryHtml(summarizeSweep({ ...input, rows: rows.slice(0, 3), complete: false, metric: 'sharpe' }), context);
    expect(element(html, 'div', 'incomplete-banner')).toContain(
      '<strong>INCOMPLETE SWEEP</strong>: 3 of 8 runs finished (5 not run). The figures cover the finished runs only; finish it with <code>replaylab sweep --resume runs/sweep-x</code>.',
    );
    expect(page).not.toContain('incomplete-banner');
  });

  it('describes the plan: policy, search, parameters, seeds and datasets', () => {
    const plan = element(page, 'section', 'plan');
    expect(plan).toContain('<dd>grid of 4 cells (2 × 2)</dd>');
    expect(plan).toContain('<code>a = 1, 2</code> <span class="muted small">(policy parameter)</span><br><code>b = x, y</code>');
    expect(plan).toContain('<dd>1, 2 (every cell, on every dataset)</dd>');
    expect(plan).toContain('<span class="badge synthetic" title="Generated data, not real prices">SYNTHETIC</span>');
    expect(plan).toContain('<td>2024-01-01 → 2024-02-12 16:00</td>');
  });
});
