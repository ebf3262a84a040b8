/**
 * `summary.html` of `replaylab sweep`: the sweep's summary (`SweepSummary`) as one self-contained
 * page, built on the shared report helpers (`src/reports`) as the A/B report is: HTML escaped by
 * the `html` tag, the page shell with its no-network CSP, numbers formatted alike, the heatmap
 * table and the strip plot. No script; the same summary gives the same bytes.
 *
 * Reading order: what was swept and whether every run finished (warnings first), the best cell
 * and how far its DSR goes, the cells ranked, the DSR and its inputs, the heatmap of two swept
 * parameters, each cell's runs as dots, every cell (when the ranking shows only the best), the
 * failed runs with their errors, and the plan.
 */
import {
  formatCount,
  formatNumber,
  formatRatePct,
  formatUtcTime,
  heatmapTable,
  html,
  joinHtml,
  NO_VALUE,
  renderPage,
  stripPlot,
  tickDecimals,
  type Numeric,
  type SafeHtml,
  type StripGroup,
} from '../reports/index.js';
import { valueText } from './axes.js';
import { describeAxis, describeSearch } from './format.js';
import { metricInfo, type MetricInfo, type MetricKey } from './results-csv.js';
import { incompleteNote, okRunsText, otherMedianMetrics, syntheticModelsNote, TOP_CELLS } from './summary-md.js';
import { DSR_SIGNIFICANT, type CellStats, type Heatmap, type ReportContext, type Spread, type SweepSummary } from './summary.js';

/** The colour of the dots of the per-run strip plot (the reports' accent blue). */
const DOT_COLOR = '#0b5cad';

/**
 * The heatmap's neutral value where a metric has a natural one (a gain above it, a loss below);
 * other metrics are centred on the middle of the values shown. Cells that are all above a natural
 * neutral are all blue, deeper the further from it: near-equal cells look near-equal.
 */
const NEUTRAL: Partial<Record<MetricKey, number>> = { returnPct: 0, sharpe: 0, sortino: 0, profitFactor: 1, psr: 0.5 };

const SWEEP_CSS = `
.best-cell { margin: 18px 0 8px; padding: 14px 20px 10px; border-radius: 8px; border: 2px solid var(--line); border-left-width: 8px; background: var(--soft); }
.best-cell.significant { border-color: var(--good); background: #f0f9f3; }
.best-cell.not-significant { border-color: #d69e2e; background: #fffaeb; }
.best-cell .label { text-transform: uppercase; letter-spacing: 0.06em; font-size: 11.5px; color: var(--muted); font-weight: 600; }
.best-cell .headline { font-size: 21px; font-weight: 700; margin: 2px 0 6px; }
.best-cell .score { font-size: 15px; margin: 4px 0; }
table.cells tr.best td { background: #f3f8fd; font-weight: 600; }
table.cells tr.no-score td { color: var(--muted); }
table.cells td.failed-count { color: var(--bad); font-weight: 700; }
table.cells th.metric, table.cells td.metric { border-left: 2px solid var(--line); }
table.failures td { background: #fdf2f1; }
table.failures td.parameters { white-space: nowrap; }
table.failures pre { color: #7a1a12; }
.dsr-reading { font-size: 14.5px; }
#heatmap-table td { min-width: 96px; padding: 10px 14px; font-size: 15px; }
#heatmap-table th[scope="row"] { padding: 10px 14px; }
`;

// ---------------------------------------------------------------------------------------------
// Small pieces

function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** `probability = 0.1, leverage = 1` */
function parameterText(cell: CellStats, context: ReportContext): string {
  return context.axes.map((a) => `${a.key} = ${valueText(cell.cell.values[a.key]!)}`).join(', ');
}

/** `0.757 – 2.971`, or "–" without a value. */
function rangeText(score: Spread, digits: number): string {
  return score.n === 0 ? NO_VALUE : `${formatNumber(score.min, digits)} – ${formatNumber(score.max, digits)}`;
}

/** A note written in Markdown for summary.md (`**bold**`, `` `code` ``) as HTML; everything else is text. */
function noteHtml(markdown: string): SafeHtml {
  return joinHtml(
    markdown.split(/(\*\*[^*]+\*\*|`[^`]+`)/).map((part, i) => {
      if (i % 2 === 0) return part;
      return part.startsWith('**') ? html`<strong>${part.slice(2, -2)}</strong>` : html`<code>${part.slice(1, -1)}</code>`;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Header and warnings

function header(summary: SweepSummary, context: ReportContext): SafeHtml {
  const { metric, runs } = summary;
  const failed = runs.failed > 0 ? html` · <a href="#failed-runs">${formatCount(runs.failed)} failed</a>` : '';
  const sections: [string, string][] = [
    ['best-cells', 'Best cells'],
    ['dsr', 'Deflated Sharpe Ratio'],
    ...(summary.heatmap === null ? [] : ([['heatmap', 'Heatmap']] as [string, string][])),
    ['runs-per-cell', 'Runs per cell'],
    ...(summary.cells.length > TOP_CELLS ? ([['all-cells', 'All cells']] as [string, string][]) : []),
    ...(summary.failures.length > 0 ? ([['failed-runs', 'Failed runs']] as [string, string][]) : []),
    ['plan', 'Plan'],
  ];
  return html`<header>
<h1>Sweep: ${context.policy} — ${plural(summary.cells.length, 'cell')} × ${plural(context.seeds.length, 'seed')} × ${plural(context.datasets.length, 'dataset')}</h1>
<p class="subtitle">Ranked by <strong>${metric.label} IQM</strong> (${metric.higherIsBetter ? 'higher' : 'lower'} is better) · ${describeSearch(context.search, context.axes, summary.cells.length)} · ${formatCount(runs.ok)} of ${plural(runs.planned, 'run')} ok${failed}</p>
<nav class="toc">${sections.map(([id, text]) => html`<a href="#${id}">${text}</a>`)}</nav>
</header>`;
}

function banners(summary: SweepSummary, context: ReportContext): SafeHtml {
  const synthetic = syntheticModelsNote(summary);
  return html`${summary.complete ? '' : html`<div class="banner" id="incomplete-banner" role="alert">${noteHtml(incompleteNote(summary, context.folder))}</div>`}${
    synthetic === undefined ? '' : html`<div class="banner" id="synthetic-models-banner" role="alert">${noteHtml(synthetic)}</div>`
  }`;
}

// ---------------------------------------------------------------------------------------------
// The best cell, in one box

function bestCellBox(summary: SweepSummary, context: ReportContext): SafeHtml {
  const { metric, dsr } = summary;
  const best = summary.cells[0];
  const label = html`<div class="label">Best cell by ${metric.label} IQM (${metric.higherIsBetter ? 'higher' : 'lower'} is better)</div>`;
  if (best === undefined || best.score.n === 0) {
    return html`<section id="best-cell" class="best-cell">${label}<div class="headline">No cell has a ${metric.label}: every run failed or left it undefined</div></section>`;
  }
  const digits = metric.digits;
  const significance = dsr === null || !Number.isFinite(dsr.dsr) ? '' : dsr.dsr >= DSR_SIGNIFICANT ? 'significant' : 'not-significant';
  const dsrLine =
    dsr === null
      ? html`DSR not available: the best cell has no ok run with a defined daily Sharpe ratio.`
      : html`DSR <strong>${formatNumber(dsr.dsr, 2)}</strong>${
          significance === '' ? '' : significance === 'significant' ? `: ${DSR_SIGNIFICANT} or more, significant` : `: below ${DSR_SIGNIFICANT}, not significant`
        } · <a href="#dsr">what it means</a>`;
  return html`<section id="best-cell" class="best-cell ${significance}">
${label}
<div class="headline">${best.cell.id}: ${parameterText(best, context)}</div>
<p class="score">${metric.label} IQM <strong>${formatNumber(best.score.iqm, digits)}</strong> · median ${formatNumber(best.score.median, digits)} · min – max ${rangeText(best.score, digits)} · ${formatCount(best.ok)} of ${plural(best.runs, 'run')} ok</p>
<p>${dsrLine}</p>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// The cells, ranked

function cellsTable(cells: readonly CellStats[], summary: SweepSummary, context: ReportContext): SafeHtml {
  const { metric } = summary;
  const others = otherMedianMetrics(metric.key).map(metricInfo);
  const head = html`<tr><th class="num">Rank</th><th>Cell</th>${context.axes.map((a) => html`<th><code>${a.key}</code></th>`)}<th class="num">OK runs</th><th class="num metric">${metric.label} IQM</th><th class="num">Median</th><th class="num">Min – max</th><th class="num">Failed</th>${others.map(
    (m, i) => html`<th class="num${i === 0 ? ' metric' : ''}">${m.label}<span class="ci">median</span></th>`,
  )}</tr>`;
  const rows = cells.map((c) => {
    const rowClass = c.rank === 1 && c.score.n > 0 ? 'best' : c.score.n === 0 ? 'no-score' : '';
    const parameters = context.axes.map((a) => {
      const value = c.cell.values[a.key]!;
      return html`<td${typeof value === 'number' ? html` class="num"` : ''}>${valueText(value)}</td>`;
    });
    return html`<tr${rowClass === '' ? '' : html` class="${rowClass}"`} data-cell="${c.cell.id}"><td class="num">${c.rank}</td><td>${c.cell.id}</td>${parameters}<td class="num">${okRunsText(c, metric.label)}</td><td class="num metric">${formatNumber(
      c.score.iqm,
      metric.digits,
    )}</td><td class="num">${formatNumber(c.score.median, metric.digits)}</td><td class="num">${rangeText(c.score, metric.digits)}</td><td class="num${c.failed > 0 ? ' failed-count' : ''}">${formatCount(
      c.failed,
    )}</td>${others.map((m, i) => html`<td class="num${i === 0 ? ' metric' : ''}">${formatNumber(c.medians[m.key], m.digits)}</td>`)}</tr>`;
  });
  return html`<div class="table-wrap"><table class="cells"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}

function bestCellsSection(summary: SweepSummary, context: ReportContext): SafeHtml {
  const { metric, runs } = summary;
  const all = summary.cells.length <= TOP_CELLS;
  const title = all ? 'Cells, best first' : `Best ${TOP_CELLS} of ${summary.cells.length} cells`;
  return html`<section id="best-cells">
<h2>${title}</h2>
<p>Each cell is scored by the IQM of its <strong>${metric.label}</strong> over its ok runs (every seed on every dataset): the mean of the middle half, robust to one lucky or broken seed. The median and the min – max show the spread. Runs: ${formatCount(runs.ok)} ok, ${formatCount(runs.failed)} failed, of ${formatCount(runs.planned)} planned.${
    runs.failed > 0 ? html` A cell with failed runs is scored on its ok runs only: see <a href="#failed-runs">Failed runs</a>.` : ''
  }</p>
${cellsTable(all ? summary.cells : summary.cells.slice(0, TOP_CELLS), summary, context)}
<p class="small muted">OK runs: ok of planned runs (and in how many the metric is undefined, e.g. a Sharpe with no variance). The other metrics are medians over the ok runs. “–”: no value; “∞”: an unbounded one.${
    all ? '' : html` Every cell is under <a href="#all-cells">All cells</a>.`
  }</p>
</section>`;
}

function allCellsSection(summary: SweepSummary, context: ReportContext): SafeHtml | '' {
  if (summary.cells.length <= TOP_CELLS) return '';
  return html`<section id="all-cells">
<h2>All ${formatCount(summary.cells.length)} cells</h2>
${cellsTable(summary.cells, summary, context)}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Deflated Sharpe Ratio

function dsrSection(summary: SweepSummary, context: ReportContext): SafeHtml {
  const { dsr, metric } = summary;
  if (dsr === null) {
    return html`<section id="dsr">
<h2>Deflated Sharpe Ratio</h2>
<p class="note-box">Not available: the best cell has no ok run with a defined daily Sharpe ratio.</p>
</section>`;
  }
  const best = summary.cells.find((c) => c.cell.id === dsr.cell)!;
  const { sample } = dsr;
  return html`<section id="dsr">
<h2>Deflated Sharpe Ratio</h2>
<p class="note-box dsr-reading">${dsr.meaning}</p>
<dl class="facts">
<dt>Best cell</dt><dd>${dsr.cell} (${parameterText(best, context)}), ranked first by ${metric.label} IQM${metric.key === 'sharpe' ? '' : ', so it need not have the highest Sharpe'}</dd>
<dt>Its daily returns</dt><dd>Sharpe SR̂ = ${formatNumber(sample.sharpe, 4)}, T = ${formatNumber(sample.observations, 1)} daily returns, skewness γ₃ = ${formatNumber(sample.skewness, 3)}, kurtosis γ₄ = ${formatNumber(
    sample.kurtosis,
    3,
  )} (means over its ${plural(best.ok, 'ok run')})</dd>
<dt>Trials</dt><dd>N = ${plural(dsr.trials, 'cell')} with a defined daily Sharpe; variance of their daily Sharpes V = ${dsr.trialVariance.toPrecision(4)} (ddof 0)</dd>
<dt>Benchmark</dt><dd>SR₀ = ${formatNumber(dsr.expectedMaxSharpe, 4)}: the best daily Sharpe expected of N cells of no skill</dd>
<dt>DSR</dt><dd>PSR(SR₀) = Φ((SR̂ − SR₀)·√(T − 1) / √(1 − γ₃·SR̂ + (γ₄ − 1)/4·SR̂²)) = <strong>${formatNumber(dsr.dsr, 4)}</strong>; ${DSR_SIGNIFICANT} or more is significant</dd>
</dl>
<p class="small muted">Sharpes here are per day, not annualised, from each run's daily equity (UTC days, net of the per-day risk-free rate). A cell counts as one track record of a typical run: SR̂, T, γ₃ and γ₄ are the means of its ok runs' values, because its seeds replay the same days (pooling them would multiply T and inflate the DSR). Bailey &amp; López de Prado, “The Deflated Sharpe Ratio” (2014).</p>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Heatmap

function heatmapCentre(metric: MetricInfo, values: readonly number[]): { centre: number; text: string } {
  const natural = NEUTRAL[metric.key];
  if (natural !== undefined) return { centre: natural, text: String(natural) };
  const finite = values.filter(Number.isFinite);
  const centre = finite.length === 0 ? 0 : (Math.min(...finite) + Math.max(...finite)) / 2;
  return { centre, text: `${formatNumber(centre, metric.digits)}, the middle of the values shown` };
}

function heatmapSection(heatmap: Heatmap | null, summary: SweepSummary): SafeHtml | '' {
  if (heatmap === null) return '';
  const { metric } = summary;
  const byId = new Map(summary.cells.map((c) => [c.cell.id, c]));
  const bestId = summary.cells[0]?.score.n === 0 ? undefined : summary.cells[0]?.cell.id;
  let marked: { row: number; column: number } | undefined;
  heatmap.cellIds.forEach((ids, row) =>
    ids.forEach((id, column) => {
      if (id !== null && id === bestId) marked = { row, column };
    }),
  );
  const format = (v: Numeric) => formatNumber(v, metric.digits);
  const { centre, text } = heatmapCentre(metric, heatmap.values.flat());
  const rowLabels = heatmap.rows.map(valueText);
  const columnLabels = heatmap.columns.map(valueText);
  const table = heatmapTable({
    id: 'heatmap-table',
    caption: `${metric.label} IQM`,
    rowTitle: heatmap.rowKey,
    columnTitle: heatmap.columnKey,
    rowLabels,
    columnLabels,
    values: heatmap.values,
    format,
    center: centre,
    higherIsBetter: metric.higherIsBetter,
    cellTitle: (r, c) => {
      const where = `${heatmap.rowKey} = ${rowLabels[r]!}, ${heatmap.columnKey} = ${columnLabels[c]!}`;
      const cell = byId.get(heatmap.cellIds[r]![c] ?? '');
      if (cell === undefined) return `${where}: not in the sweep (not drawn)`;
      return `${cell.cell.id} (${where}): ${metric.label} IQM ${format(cell.score.iqm)}, ${formatCount(cell.ok)} of ${plural(cell.runs, 'run')} ok`;
    },
    ...(marked === undefined ? {} : { marked }),
  });
  return html`<section id="heatmap">
<h2>Heatmap: ${metric.label} IQM by ${heatmap.rowKey} and ${heatmap.columnKey}</h2>
${table}
<p class="small muted">Blue: better than ${text}; red: worse; the deeper the colour, the further from it (full colour at the cell furthest away). Outlined: the best cell. “–”: no cell there (not drawn) or no ok run with a value. Hover over a cell for its id and runs.</p>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Each cell's runs

function runsPerCellSection(summary: SweepSummary, context: ReportContext): SafeHtml {
  const { metric } = summary;
  const shown = summary.cells.slice(0, TOP_CELLS);
  const several = context.datasets.length > 1;
  const format = (v: Numeric) => formatNumber(v, metric.digits);
  const groups: StripGroup[] = shown.map((c) => ({
    key: c.cell.id,
    name: c.cell.id,
    color: DOT_COLOR,
    points: c.runScores.map((run) => ({ value: run.value, label: `${c.cell.id} · ${several ? `${run.dataset} · ` : ''}seed ${run.seed}` })),
    estimate: c.score.n === 0 ? null : { point: c.score.iqm, low: null, high: null },
  }));
  const longest = Math.max(3, ...shown.map((c) => c.cell.id.length));
  const plot = stripPlot({
    id: 'strip-cells',
    title: `${metric.label} of each ok run${metric.higherIsBetter ? '' : ' · lower is better'}`,
    groups,
    formatValue: format,
    formatTick: (v, step) => formatNumber(v, Math.min(metric.digits, tickDecimals(step))),
    estimateName: 'IQM',
    width: 880,
    labelWidth: 20 + longest * 8,
  });
  const which = summary.cells.length > TOP_CELLS ? `the best ${TOP_CELLS} of ${formatCount(summary.cells.length)} cells` : 'every cell';
  return html`<section id="runs-per-cell">
<h2>Runs per cell</h2>
<p class="small muted">${metric.label} of every ok run (${several ? 'dataset × seed' : 'one dot per seed'}) of ${which}, best at the top; the dark tick is the cell's IQM. Hover over a dot for its seed${several ? ' and dataset' : ''}. Widely spread dots: the seed moves the metric as much as the parameters do, and the ranking is less sure.</p>
${plot}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Failed runs, plan, footer

function failedRunsSection(summary: SweepSummary, context: ReportContext): SafeHtml | '' {
  if (summary.failures.length === 0) return '';
  const byId = new Map(summary.cells.map((c) => [c.cell.id, c]));
  const rows = summary.failures.map((f) => {
    const cell = byId.get(f.cell);
    return html`<tr data-cell="${f.cell}"><td>${f.cell}</td><td class="parameters">${cell === undefined ? NO_VALUE : parameterText(cell, context)}</td><td>${f.dataset}</td><td class="num">${f.seed}</td><td><pre class="run-error">${f.error}</pre></td></tr>`;
  });
  return html`<section id="failed-runs">
<h2>Failed runs</h2>
<p>${plural(summary.failures.length, 'run')} failed; their cells are scored on their ok runs only. <code>replaylab sweep --resume ${context.folder}</code> runs them again.</p>
<div class="table-wrap"><table class="failures"><thead><tr><th>Cell</th><th>Parameters</th><th>Dataset</th><th class="num">Seed</th><th>Error</th></tr></thead><tbody>${rows}</tbody></table></div>
</section>`;
}

function datasetsTable(context: ReportContext): SafeHtml {
  const rows = context.datasets.map((d) => {
    const training = d.train === null ? NO_VALUE : `${formatUtcTime(d.train.start)} → ${formatUtcTime(d.train.end)} (${plural(d.train.bars, 'bar')}), embargo ${plural(d.embargoBars, 'bar')}`;
    return html`<tr><td>${d.key}${d.name === d.key ? '' : html` <span class="muted">(${d.name})</span>`} ${
      d.synthetic ? html`<span class="badge synthetic" title="Generated data, not real prices">SYNTHETIC</span>` : ''
    }</td><td class="num">${formatCount(d.bars)}</td><td>${training}</td><td>${formatUtcTime(d.evaluation.start)} → ${formatUtcTime(d.evaluation.end)}</td><td class="num">${formatCount(
      d.evaluation.bars,
    )}</td><td><code title="${d.fingerprint}">${d.fingerprint.replace(/^(sha256:)?(.{12}).*$/, '$2…')}</code></td></tr>`;
  });
  return html`<div class="table-wrap"><table class="datasets"><thead><tr><th>Dataset</th><th class="num">Bars</th><th>Training (UTC)</th><th>Scored (UTC)</th><th class="num">Bars scored</th><th>Fingerprint</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function planSection(summary: SweepSummary, context: ReportContext): SafeHtml {
  const period =
    context.trainFrac === null
      ? 'each dataset whole'
      : `learning policies train on the first ${formatRatePct(context.trainFrac)} of each dataset, skip an embargo, and are scored frozen on the rest; other policies are scored on the same rest`;
  return html`<section id="plan">
<h2>Plan</h2>
<dl class="facts">
<dt>Policy</dt><dd><code>${context.policy}</code></dd>
<dt>Search</dt><dd>${describeSearch(context.search, context.axes, summary.cells.length)}</dd>
<dt>Parameters</dt><dd>${joinHtml(
    context.axes.map((a) => html`<code>${describeAxis(a)}</code> <span class="muted small">(${a.target === 'config' ? 'config field' : 'policy parameter'})</span>`),
    html`<br>`,
  )}</dd>
<dt>Seeds</dt><dd>${context.seeds.join(', ')} (every cell, on every dataset)</dd>
<dt>Config</dt><dd>${context.configFile === null ? 'the defaults' : html`<code>${context.configFile}</code>`}, then each cell's config values</dd>
<dt>Period</dt><dd>${period}</dd>
</dl>
<h3>Datasets (every cell sees the same bars)</h3>
${datasetsTable(context)}
</section>`;
}

function footer(context: ReportContext): SafeHtml {
  return html`<footer id="about">
<p>replaylab ${context.replaylab} · summary.html and summary.md say the same, from <code>results.csv</code> (one row per run) and <code>sweep.json</code> (the plan and its status) in this folder.</p>
</footer>`;
}

/** The sweep's summary as one self-contained HTML page (no network, no script). */
export function renderSummaryHtml(summary: SweepSummary, context: ReportContext): string {
  const body = joinHtml(
    [
      header(summary, context),
      banners(summary, context),
      bestCellBox(summary, context),
      bestCellsSection(summary, context),
      dsrSection(summary, context),
      heatmapSection(summary.heatmap, summary),
      runsPerCellSection(summary, context),
      allCellsSection(summary, context),
      failedRunsSection(summary, context),
      planSection(summary, context),
      footer(context),
    ],
    '\n',
  );
  return renderPage({ title: `Sweep: ${context.policy} — replaylab`, body, css: SWEEP_CSS });
}
