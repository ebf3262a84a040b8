/**
 * `summary.html`: the sweep's summary as one self-contained page (inline CSS, no scripts, nothing
 * fetched). The heatmap is a table whose cells are coloured from the worst score (red) to the best
 * (green). Kept small on purpose: the shared report helpers will take it over.
 */
import { valueText } from './axes.js';
import { describeAxis, describeSearch, formatFigure, formatRange } from './format.js';
import { TOP_CELLS, incompleteNote, okRunsText, syntheticModelsNote } from './summary-md.js';
import type { CellStats, Heatmap, ReportContext, SweepSummary } from './summary.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .5em 0; } th, td { border: 1px solid #ccc; padding: .25em .6em; }
th { background: #f3f3f3; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.banner { background: #fde2e1; border: 2px solid #c0392b; padding: .6em 1em; font-weight: 600; }
.dsr { background: #eef3fb; border-left: 4px solid #3b6db3; padding: .6em 1em; }
.heat td { text-align: right; min-width: 4.5em; } .heat td.best { outline: 3px solid #222; font-weight: 700; }
code { background: #f3f3f3; padding: 0 .25em; }
`;

function table(header: readonly string[], rows: readonly (readonly string[])[], numericFrom: number): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell, c) => `<td${c >= numericFrom ? ' class="n"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

/** Red (worst) → yellow → green (best), as an HSL hue over the finite scores. */
export function heatColour(value: number, min: number, max: number, higherIsBetter: boolean): string {
  if (!Number.isFinite(value)) return '#eeeeee';
  const t = max > min ? (value - min) / (max - min) : 0.5;
  const good = higherIsBetter ? t : 1 - t;
  return `hsl(${Math.round(good * 120)}, 65%, 78%)`;
}

function heatmapHtml(heatmap: Heatmap, summary: SweepSummary): string {
  const finite = heatmap.values.flat().filter(Number.isFinite);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const bestId = summary.cells[0]?.cell.id;
  const head = `<tr><th>${escapeHtml(`${heatmap.rowKey} \\ ${heatmap.columnKey}`)}</th>${heatmap.columns.map((c) => `<th>${escapeHtml(valueText(c))}</th>`).join('')}</tr>`;
  const rows = heatmap.rows.map((rowValue, r) => {
    const cells = heatmap.columns.map((_, c) => {
      const id = heatmap.cellIds[r]![c];
      const value = heatmap.values[r]![c]!;
      if (id === null || id === undefined) return '<td></td>';
      const colour = heatColour(value, min, max, summary.metric.higherIsBetter);
      return `<td${id === bestId ? ' class="best"' : ''} style="background:${colour}" title="${escapeHtml(id)}">${escapeHtml(formatFigure(value, summary.metric.digits))}</td>`;
    });
    return `<tr><th>${escapeHtml(valueText(rowValue))}</th>${cells.join('')}</tr>`;
  });
  return `<table class="heat">\n${head}\n${rows.join('\n')}\n</table>`;
}

export function renderSummaryHtml(summary: SweepSummary, context: ReportContext): string {
  const { metric } = summary;
  const keys = context.axes.map((a) => a.key);
  const row = (c: CellStats) => [
    String(c.rank),
    c.cell.id,
    ...keys.map((k) => valueText(c.cell.values[k]!)),
    okRunsText(c, metric.label),
    formatFigure(c.score.iqm, metric.digits),
    formatFigure(c.score.median, metric.digits),
    formatRange(c.score.min, c.score.max, metric.digits),
  ];
  const header = ['rank', 'cell', ...keys, 'ok runs', `${metric.label} IQM`, 'median', 'min – max'];
  const title = `Sweep: ${context.policy}: ${summary.cells.length} cells × ${context.seeds.length} seeds × ${context.datasets.length} dataset(s)`;
  const parts: string[] = [`<h1>${escapeHtml(title)}</h1>`];
  if (!summary.complete) parts.push(`<p class="banner">${escapeHtml(incompleteNote(summary, context.folder).replace(/\*\*|`/g, ''))}</p>`);
  const synthetic = syntheticModelsNote(summary);
  if (synthetic !== undefined) parts.push(`<p class="banner">${escapeHtml(synthetic.replace(/\*\*/g, ''))}</p>`);
  const { planned, ok, failed } = summary.runs;
  parts.push(
    `<p>Ranked by <b>${escapeHtml(metric.label)}</b> (${metric.higherIsBetter ? 'higher' : 'lower'} is better): its IQM over each cell's ok runs (every seed on every dataset). ` +
      `Runs: ${ok} ok, ${failed} failed, of ${planned} planned.</p>`,
  );
  parts.push('<h2>Best cells</h2>', table(header, summary.cells.slice(0, TOP_CELLS).map(row), 2 + keys.length));
  parts.push('<h2>Deflated Sharpe Ratio</h2>');
  const dsr = summary.dsr;
  if (dsr === null) parts.push('<p>Not available: the best cell has no ok run with a defined daily Sharpe ratio.</p>');
  else {
    parts.push(
      `<p class="dsr">${escapeHtml(dsr.meaning)}</p>`,
      `<p>Best cell ${escapeHtml(dsr.cell)}: daily Sharpe SR̂ ${formatFigure(dsr.sample.sharpe, 4)}, T ${formatFigure(dsr.sample.observations, 1)}, ` +
        `γ₃ ${formatFigure(dsr.sample.skewness, 3)}, γ₄ ${formatFigure(dsr.sample.kurtosis, 3)} (means over its ok runs). N = ${dsr.trials} cells, ` +
        `V = ${dsr.trialVariance.toPrecision(4)}, SR₀ = ${formatFigure(dsr.expectedMaxSharpe, 4)}, DSR = PSR(SR₀) = ${formatFigure(dsr.dsr, 4)}. ` +
        'Sharpes are per day, not annualised; a cell counts as one track record of a typical run (its seeds replay the same days).</p>',
    );
  }
  if (summary.heatmap !== null) parts.push(`<h2>Heatmap: ${escapeHtml(metric.label)} IQM</h2>`, heatmapHtml(summary.heatmap, summary));
  parts.push('<h2>All cells</h2>', table([...header, 'failed'], summary.cells.map((c) => [...row(c), String(c.failed)]), 2 + keys.length));
  if (summary.failures.length > 0) {
    parts.push('<h2>Failed runs</h2>', table(['cell', 'dataset', 'seed', 'error'], summary.failures.map((f) => [f.cell, f.dataset, String(f.seed), f.error]), 4));
  }
  const datasets = context.datasets.map(
    (d) => `<li>${escapeHtml(d.key)}${d.synthetic ? ' (SYNTHETIC)' : ''}: scored ${escapeHtml(d.evaluation.start)} → ${escapeHtml(d.evaluation.end)} (${d.evaluation.bars} bars)</li>`,
  );
  parts.push(
    '<h2>Plan</h2>',
    `<ul><li>Policy: ${escapeHtml(context.policy)}</li><li>${escapeHtml(describeSearch(context.search, context.axes, summary.cells.length))}: ` +
      `${context.axes.map((a) => `<code>${escapeHtml(describeAxis(a))}</code>`).join(', ')}</li>` +
      `<li>Seeds: ${context.seeds.join(', ')}</li><li>Config: ${escapeHtml(context.configFile ?? 'the defaults')}</li>` +
      `<li>Train fraction: ${context.trainFrac ?? 'none'}</li><li>Datasets:<ul>${datasets.join('')}</ul></li><li>replaylab ${escapeHtml(context.replaylab)}</li></ul>`,
  );
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n${parts.join('\n')}\n</body>\n</html>\n`;
}
