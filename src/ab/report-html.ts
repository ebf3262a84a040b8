/**
 * `report.html` of `replaylab ab`: the A/B report (`AbReport`) as one self-contained page that
 * works offline. Every chart is inline SVG drawn here; hover text is SVG `<title>`, so the page
 * runs no script. The same report gives the same bytes.
 *
 * Reading order, as an analyst would check it: what was compared and how (arms, datasets,
 * design), whether every run finished, the verdict on the primary metric and how sure it is, the
 * metrics with their CIs, the go-live checklist, the curves per task, the per-run distributions,
 * PSR, every run (failed ones with their error), warnings, and how the report was generated.
 */
import type { DatasetInfo } from '../runner/markets.js';
import {
  bandChart,
  formatBounds,
  formatCount,
  formatDuration,
  formatNumber,
  formatProbability,
  formatRatePct,
  formatUtcTime,
  formatWithUnit,
  html,
  joinHtml,
  NO_VALUE,
  probabilityIntervalChart,
  renderPage,
  stripPlot,
  tickDecimals,
  type ChartSeries,
  type Numeric,
  type SafeHtml,
  type StripGroup,
} from '../reports/index.js';
import type { AbMetricKey, AbReport, AbRunRecord, ArmKey, ChecklistStatus, CurveBand, EstimateSet, MetricComparison, TaskCurves, TaskInfo } from './report-model.js';

const ARMS: readonly ArmKey[] = ['a', 'b'];
/** Okabe–Ito blue and vermillion: apart for every common colour-vision deficiency. */
export const ARM_COLORS: Readonly<Record<ArmKey, string>> = { a: '#0072B2', b: '#D55E00' };
const ARM_LETTER: Readonly<Record<ArmKey, string>> = { a: 'A', b: 'B' };

/** Decimals each metric is printed with (trades: its IQM and mean can fall between whole numbers). */
const METRIC_DECIMALS: Readonly<Record<AbMetricKey, number>> = {
  returnPct: 2,
  sharpe: 2,
  sortino: 2,
  maxDrawdownPct: 2,
  winRatePct: 1,
  profitFactor: 2,
  trades: 1,
};

const AB_CSS = `
.verdict { margin: 18px 0 8px; padding: 16px 20px 12px; border-radius: 8px; border: 2px solid var(--line); border-left-width: 8px; background: var(--soft); }
.verdict.better { border-color: var(--good); background: #f0f9f3; }
.verdict.worse { border-color: var(--bad); background: #fdf2f1; }
.verdict.inconclusive { border-color: #d69e2e; background: #fffaeb; }
.verdict .verdict-label { text-transform: uppercase; letter-spacing: 0.06em; font-size: 11.5px; color: var(--muted); font-weight: 600; }
.verdict .verdict-headline { font-size: 21px; font-weight: 700; margin: 2px 0 6px; }
.verdict .probability { font-size: 15px; margin: 4px 0; }
.verdict .reading { font-size: 14.5px; }
table.metrics td.primary-metric { font-weight: 600; }
table.metrics tr.primary { background: #f3f8fd; }
table.metrics td.clear { font-weight: 700; }
table.metrics td.clear.better { color: var(--good); }
table.metrics td.clear.worse { color: var(--bad); }
table.metrics th.group { text-align: center; border-bottom: 1px solid var(--line); }
table.runs tr.failed-run td, table.runs tr.error-row td { background: #fdf2f1; }
table.runs tr.error-row td { border-top: none; padding-top: 0; }
table.runs tr.error-row pre { color: #7a1a12; }
.legend-inline { display: flex; flex-wrap: wrap; gap: 4px 18px; align-items: center; margin: 6px 0; font-size: 13px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%; vertical-align: -1px; margin-right: 5px; }
ul.warnings li { margin: 4px 0; }
`;

// ---------------------------------------------------------------------------------------------
// Small pieces

function armChip(arm: ArmKey): SafeHtml {
  return html`<span class="arm" style="background:${ARM_COLORS[arm]}">${ARM_LETTER[arm]}</span>`;
}

function armName(report: AbReport, arm: ArmKey): string {
  return `${ARM_LETTER[arm]} (${report.arms[arm].label})`;
}

/** A value with its unit: "12.50%", "1.20", "∞", "–". */
function metricValue(value: Numeric, metric: Pick<MetricComparison, 'key' | 'unit'>): string {
  return formatWithUnit(value, metric.unit, METRIC_DECIMALS[metric.key]);
}

/** A difference of two values: percentage points for a metric in %. */
function metricDifference(value: Numeric, metric: Pick<MetricComparison, 'key' | 'unit'>): string {
  return formatWithUnit(value, metric.unit === '%' ? ' pp' : metric.unit, METRIC_DECIMALS[metric.key], true);
}

function levelPct(report: AbReport): string {
  return formatRatePct(report.design.bootstrap.level);
}

function datasetOf(report: AbReport, task: TaskInfo): DatasetInfo | undefined {
  return report.datasets.find((d) => d.key === task.dataset) ?? report.datasets.find((d) => d.name === task.dataset);
}

function taskTitle(report: AbReport, task: TaskInfo): string {
  const name = datasetOf(report, task)?.name ?? task.dataset;
  return report.design.split === 'walk-forward' ? `${name} · fold ${task.fold}` : name;
}

function testWindow(task: TaskInfo): string {
  return `${formatUtcTime(task.test.start)} → ${formatUtcTime(task.test.end)}`;
}

function taskLabel(report: AbReport, taskId: string): string {
  const task = report.design.tasks.find((t) => t.id === taskId);
  return task === undefined ? taskId : taskTitle(report, task);
}

function listSeeds(seeds: readonly number[]): string {
  if (seeds.length <= 16) return seeds.join(', ');
  return `${seeds.slice(0, 8).join(', ')}, …, ${seeds.slice(-4).join(', ')}`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------
// Header: what was compared, on what, how

function header(report: AbReport): SafeHtml {
  const { design, counts } = report;
  const warningLink =
    report.warnings.length > 0 ? html` · <a href="#warnings">${plural(report.warnings.length, 'warning')}</a>` : '';
  return html`<header>
<h1>A/B report: ${armChip('b')} ${report.arms.b.label} vs ${armChip('a')} ${report.arms.a.label}</h1>
<p class="subtitle">Primary metric: <strong>${report.primary.label}</strong> · ${plural(design.tasks.length, 'task')} × ${plural(design.seeds.length, 'seed')} per arm · ${formatCount(counts.ok)} of ${plural(counts.planned, 'run')} finished${warningLink}</p>
<nav class="toc">${[
    ['setup', 'Setup'],
    ['verdict', 'Verdict'],
    ['metrics', 'Metrics'],
    ['checklist', 'Go-live checklist'],
    ['curves', 'Equity and drawdown'],
    ['distributions', 'Per-run distributions'],
    ['psr', 'PSR'],
    ['runs', 'Runs'],
    ['warnings', 'Warnings'],
  ].map(([id, text]) => html`<a href="#${id!}">${text!}</a>`)}</nav>
</header>`;
}

function incompleteBanner(report: AbReport): SafeHtml | '' {
  const { counts } = report;
  if (report.complete && counts.failed === 0 && counts.cancelled === 0) return '';
  const parts: string[] = [];
  if (counts.failed > 0) parts.push(`${formatCount(counts.failed)} failed`);
  if (counts.cancelled > 0) parts.push(`${formatCount(counts.cancelled)} cancelled`);
  const missing = counts.planned - counts.ok - counts.failed - counts.cancelled;
  if (missing > 0) parts.push(`${formatCount(missing)} not run`);
  const headline = report.complete ? 'Some runs failed.' : 'Incomplete A/B.';
  return html`<div class="banner" id="incomplete-banner" role="alert"><strong>${headline}</strong> ${formatCount(counts.ok)} of ${plural(counts.planned, 'planned run')} finished${
    parts.length > 0 ? ` (${parts.join(', ')})` : ''
  }. The statistics below use the finished runs only, so they rest on fewer seeds than planned and may be biased if failures depend on the data; failed runs are listed with their errors under <a href="#runs">Runs</a>.</div>`;
}

function armsTable(report: AbReport): SafeHtml {
  return html`<table class="arms"><thead><tr><th>Arm</th><th>Label</th><th>Policy</th><th>Config</th><th>Learns</th></tr></thead><tbody>${ARMS.map((arm) => {
    const info = report.arms[arm];
    return html`<tr><td>${armChip(arm)}</td><td>${info.label}</td><td><code>${info.policy}</code></td><td>${
      info.configFile === null ? html`<span class="muted">defaults</span>` : html`<code>${info.configFile}</code>`
    }</td><td>${info.learns ? 'yes: trained on each training part, evaluated frozen' : 'no'}</td></tr>`;
  })}</tbody></table>`;
}

function datasetsTable(report: AbReport): SafeHtml {
  return html`<div class="table-wrap"><table class="datasets"><thead><tr><th>Dataset</th><th>Symbol</th><th>Interval</th><th class="num">Bars</th><th class="num">Trades</th><th>Period (UTC)</th><th class="num">Gaps</th><th>Fingerprint</th></tr></thead><tbody>${report.datasets.map(
    (d) => html`<tr><td>${d.name} ${d.synthetic ? html`<span class="badge synthetic" title="Generated data, not real prices">SYNTHETIC</span>` : ''}<br><span class="muted small mono">${d.path}</span></td><td>${
      d.symbol ?? NO_VALUE
    }</td><td>${d.interval}</td><td class="num">${formatCount(d.bars)}</td><td class="num">${formatCount(d.trades)}</td><td>${formatUtcTime(d.start)} → ${formatUtcTime(d.end)}</td><td class="num">${
      d.gaps.count === 0 ? '0' : html`<span title="${plural(d.gaps.missingBars, 'bar')} missing">${formatCount(d.gaps.count)}</span>`
    }</td><td><code title="${d.fingerprint}">${d.fingerprint.replace(/^(sha256:)?(.{12}).*$/, '$2…')}</code></td></tr>`,
  )}</tbody></table></div>`;
}

function splitText(report: AbReport): string {
  const { design } = report;
  const embargo = `embargo ${plural(design.embargoBars, 'bar')} between training and test`;
  switch (design.split) {
    case 'walk-forward':
      return `walk-forward, ${plural(design.folds, 'fold')} (expanding training window, each fold tested on the window after it), ${embargo}`;
    case 'train-frac':
      return `one split: the first ${formatRatePct(design.trainFrac)} of each dataset trains, the rest tests; ${embargo}`;
    case 'none':
      return 'none: learning policies learn through the whole period they are scored on (no held-out test window)';
    default: {
      const unknown: never = design.split;
      return String(unknown);
    }
  }
}

function tasksTable(report: AbReport): SafeHtml {
  return html`<details><summary>${plural(report.design.tasks.length, 'task')}: the windows each run is trained and scored on</summary><div class="table-wrap"><table class="tasks"><thead><tr><th>Task</th><th>Dataset</th><th class="num">Fold</th><th>Training (UTC)</th><th class="num">Bars</th><th>Test (UTC)</th><th class="num">Bars</th></tr></thead><tbody>${report.design.tasks.map(
    (t) => html`<tr><td><code>${t.id}</code></td><td>${datasetOf(report, t)?.name ?? t.dataset}</td><td class="num">${t.fold}</td><td>${
      t.train === null ? NO_VALUE : `${formatUtcTime(t.train.start)} → ${formatUtcTime(t.train.end)}`
    }</td><td class="num">${t.train === null ? NO_VALUE : formatCount(t.train.bars)}</td><td>${testWindow(t)}</td><td class="num">${formatCount(t.test.bars)}</td></tr>`,
  )}</tbody></table></div></details>`;
}

function designFacts(report: AbReport): SafeHtml {
  const { design } = report;
  const b = design.bootstrap;
  return html`<dl class="facts">
<dt>Seeds</dt><dd>${formatCount(design.seeds.length)} per task and arm (${listSeeds(design.seeds)}); both arms run the same seeds on the same tasks</dd>
<dt>Split</dt><dd>${splitText(report)}</dd>
<dt>Tasks</dt><dd>${plural(design.tasks.length, 'task')} (dataset × test window)${tasksTable(report)}</dd>
<dt>Costs</dt><dd>fee ${formatRatePct(design.costs.feeRate)} of notional per fill, slippage ${formatNumber(design.costs.slippageBps, 1)} bps, starting cash ${formatNumber(design.costs.cash, 2)}</dd>
<dt>Returns</dt><dd>${design.returnFrequency} (UTC days); Sharpe and Sortino annualised with A = ${formatCount(design.periodsPerYear)} periods per year; risk-free rate ${formatRatePct(design.riskFreeRate)} a year</dd>
<dt>Bootstrap</dt><dd>${levelPct(report)} percentile CIs from ${formatCount(b.reps)} resamples (${formatCount(b.probabilityReps)} for P(B better)), seeds resampled within each task; bootstrap seed ${b.seed}</dd>
</dl>`;
}

function setup(report: AbReport): SafeHtml {
  return html`<section id="setup">
<h2>Setup</h2>
<h3>Arms</h3>
${armsTable(report)}
<h3>Datasets</h3>
${datasetsTable(report)}
<h3>Design</h3>
${designFacts(report)}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Verdict: better / worse / inconclusive, and how sure

function verdictHeadline(report: AbReport): string {
  const b = armName(report, 'b');
  const a = armName(report, 'a');
  const metric = report.primary.label;
  switch (report.primary.verdict) {
    case 'better':
      return `B is better: ${b} beats ${a} on ${metric}`;
    case 'worse':
      return `B is worse: ${b} loses to ${a} on ${metric}`;
    case 'inconclusive':
      return `Inconclusive: no clear difference between ${b} and ${a} on ${metric}`;
    case 'no verdict':
      return `No verdict on ${metric}`;
    default: {
      const unknown: never = report.primary.verdict;
      return String(unknown);
    }
  }
}

function ciPosition(low: Numeric, high: Numeric): string {
  if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high)) return 'could not be computed';
  if (low > 0.5) return 'lies wholly above 0.5';
  if (high < 0.5) return 'lies wholly below 0.5';
  return 'contains 0.5';
}

function verdictBox(report: AbReport): SafeHtml {
  const { primary, design } = report;
  const p = primary.probabilityBBetter;
  const level = levelPct(report);
  const metric = report.metrics.find((m) => m.key === primary.metric);
  const direction = metric !== undefined && metric.higherIsBetter === false ? ` (lower is better for ${primary.label}, so “better” means lower)` : '';
  const verdictClass = primary.verdict === 'no verdict' ? 'none' : primary.verdict;
  return html`<section id="verdict" class="verdict ${verdictClass}" data-verdict="${primary.verdict}">
<div class="verdict-label">Verdict on the primary metric: ${primary.label}</div>
<div class="verdict-headline">${verdictHeadline(report)}</div>
<p class="probability">P(B better than A) = <strong>${formatProbability(p.point)}</strong>, ${level} CI ${formatBounds(p.low, p.high)}</p>
${probabilityIntervalChart({ id: 'probability-chart', interval: p, color: ARM_COLORS.b, intervalName: `${level} CI`, lowSide: 'A better', highSide: 'B better' })}
<p class="reading">${primary.reading}</p>
<p class="small muted">How sure: “better” needs the whole ${level} CI of P(B better than A) above 0.5, “worse” wholly below it; ${primary.verdict === 'no verdict' ? 'no verdict is given for an A/B that did not finish, whatever the interval of the runs that did' : `here it ${ciPosition(p.low, p.high)}`}. P(B better than A) is the chance that a run of B beats a run of A on the same task${direction}, averaged over ${plural(design.tasks.length, 'task')} of ${plural(design.seeds.length, 'seed')} each; its CI comes from ${formatCount(design.bootstrap.probabilityReps)} bootstrap resamples of the seeds within each task. A probability, not a certainty: 0.5 means no difference, 1 that every run of B beats every run of A.</p>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Metrics table

function estimateCell(set: EstimateSet, metric: MetricComparison, difference = false): SafeHtml {
  const f = difference ? metricDifference : metricValue;
  const digits = METRIC_DECIMALS[metric.key];
  return html`<td class="num">${f(set.iqm.point, metric)}<span class="ci">${formatBounds(set.iqm.low, set.iqm.high, digits, difference)}</span></td>`;
}

function pointCell(interval: EstimateSet['mean'], metric: MetricComparison, level: string): SafeHtml {
  return html`<td class="num" title="${level} CI ${formatBounds(interval.low, interval.high, METRIC_DECIMALS[metric.key])}">${metricValue(interval.point, metric)}</td>`;
}

function probabilityCell(p: MetricComparison['probabilityBBetter']): SafeHtml {
  const clear = typeof p.low === 'number' && p.low > 0.5 ? 'clear better' : typeof p.high === 'number' && p.high < 0.5 ? 'clear worse' : '';
  return html`<td class="num ${clear}">${formatProbability(p.point)}<span class="ci">${formatBounds(p.low, p.high)}</span></td>`;
}

function metricsTable(report: AbReport): SafeHtml {
  const level = levelPct(report);
  const rows = report.metrics.map((m) => {
    const primary = m.key === report.primary.metric;
    return html`<tr class="${primary ? 'primary' : ''}" data-metric="${m.key}"><td class="${primary ? 'primary-metric' : ''}">${m.label}${m.unit === '' ? '' : ` (${m.unit})`}${
      m.higherIsBetter === false ? html` <span title="lower is better">↓</span>` : m.higherIsBetter === null ? html` <span title="neither direction is better: P is P(B > A)">(P(B &gt; A))</span>` : ''
    }${primary ? html` <span class="badge primary">primary</span>` : ''}<span class="ci">n = ${formatCount(m.a.n)} / ${formatCount(m.b.n)} runs</span></td>${estimateCell(m.a, m)}${pointCell(m.a.mean, m, level)}${pointCell(
      m.a.median,
      m,
      level,
    )}${estimateCell(m.b, m)}${pointCell(m.b.mean, m, level)}${pointCell(m.b.median, m, level)}${estimateCell(m.difference, m, true)}${probabilityCell(m.probabilityBBetter)}</tr>`;
  });
  const lowerIsBetter = report.metrics.filter((m) => m.higherIsBetter === false).map((m) => m.label);
  return html`<section id="metrics">
<h2>Metrics</h2>
<div class="table-wrap"><table class="metrics">
<thead><tr><th rowspan="2">Metric</th><th colspan="3" class="group">${armChip('a')} ${report.arms.a.label}</th><th colspan="3" class="group">${armChip('b')} ${report.arms.b.label}</th><th rowspan="2" class="num">B − A, paired<br>IQM [${level} CI]</th><th rowspan="2" class="num">P(B better)<br>[${level} CI]</th></tr>
<tr><th class="num">IQM [${level} CI]</th><th class="num">mean</th><th class="num">median</th><th class="num">IQM [${level} CI]</th><th class="num">mean</th><th class="num">median</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
<p class="small muted">IQM: the mean of the middle half of the runs (robust to a lucky or broken seed). n: runs with a value for the metric (of finished runs). Hover over a mean or median for its CI. B − A: paired by task and seed; “pp” are percentage points.${
    lowerIsBetter.length > 0 ? ` ↓ lower is better (${lowerIsBetter.join(', ')}): there P(B better) is P(B < A).` : ''
  } P(B better) in bold when its CI excludes 0.5. “∞” is an infinite value (e.g. a profit factor without a losing trade), “–” none (undefined, or not finite in report.json).</p>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Go-live checklist

const CHECK_BADGES: Readonly<Record<ChecklistStatus, { readonly cls: string; readonly text: string }>> = {
  pass: { cls: 'pass', text: '✓ pass' },
  fail: { cls: 'fail', text: '✗ fail' },
  'n/a': { cls: 'na', text: '– n/a' },
};

function checklist(report: AbReport): SafeHtml {
  const count = (status: ChecklistStatus) => report.checklist.filter((c) => c.status === status).length;
  const summary =
    report.checklist.length === 0
      ? 'No criteria.'
      : `${formatCount(count('pass'))} of ${plural(report.checklist.length, 'criterion', 'criteria')} pass, ${formatCount(count('fail'))} fail, ${formatCount(count('n/a'))} n/a.`;
  return html`<section id="checklist">
<h2>Go-live checklist</h2>
<p>${summary}</p>
<table class="checklist"><thead><tr><th>Status</th><th>Criterion</th><th>Detail</th></tr></thead><tbody>${report.checklist.map((c) => {
    const badge = CHECK_BADGES[c.status];
    return html`<tr data-status="${c.status}"><td><span class="badge ${badge.cls}">${badge.text}</span></td><td>${c.criterion}</td><td>${c.detail}</td></tr>`;
  })}</tbody></table>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Curves per task

function bandSeries(report: AbReport, arm: ArmKey, band: CurveBand | null): ChartSeries {
  const name = `${ARM_LETTER[arm]} ${report.arms[arm].label}`;
  if (band === null) return { key: arm, name, color: ARM_COLORS[arm], line: [], band: null, note: 'no successful run on this task' };
  return {
    key: arm,
    name,
    color: ARM_COLORS[arm],
    line: band.median,
    band: { low: band.low, high: band.high },
    note: band.runs === 1 ? 'one run' : `median of ${formatCount(band.runs)} runs, band 10–90%`,
  };
}

function taskCharts(report: AbReport, task: TaskInfo, index: number, curves: TaskCurves | undefined): SafeHtml {
  const title = taskTitle(report, task);
  const window = testWindow(task);
  const trained = task.train === null ? '' : ` · trained on ${formatUtcTime(task.train.start)} → ${formatUtcTime(task.train.end)}`;
  const heading = html`<h3>${title}</h3><p class="small muted">Test window ${window} (${plural(task.test.bars, 'bar')})${trained} · task <code>${task.id}</code></p>`;
  if (curves === undefined || curves.days.length === 0 || ARMS.every((arm) => curves.equity[arm] === null && curves.drawdown[arm] === null)) {
    return html`<div class="card task" id="task-${index}" data-task="${task.id}">${heading}<p class="note-box">No curves for this task: neither arm has a successful run on it.</p></div>`;
  }
  const equity = bandChart({
    id: `equity-${index}`,
    title: `Equity — ${title}, test ${window}`,
    xLabels: curves.days,
    series: ARMS.map((arm) => bandSeries(report, arm, curves.equity[arm])),
    yLabel: '× starting cash',
    formatTick: (v, step) => `${formatNumber(v, tickDecimals(step))}×`,
    formatValue: (v) => `${formatNumber(v, 3)}×`,
    bandName: '10–90%',
    include: [1],
    referenceLine: 1,
    width: 1000,
    height: 300,
  });
  const drawdown = bandChart({
    id: `drawdown-${index}`,
    title: `Drawdown from the running peak — ${title}, test ${window}`,
    xLabels: curves.days,
    series: ARMS.map((arm) => bandSeries(report, arm, curves.drawdown[arm])),
    yLabel: '% below peak',
    formatTick: (v, step) => `${formatNumber(v, tickDecimals(step))}%`,
    formatValue: (v) => formatWithUnit(v, '%', 2),
    bandName: '10–90%',
    include: [0],
    yMax: 0,
    width: 1000,
    height: 210,
  });
  return html`<div class="card task" id="task-${index}" data-task="${task.id}">${heading}${equity}${drawdown}</div>`;
}

function curvesSection(report: AbReport): SafeHtml {
  const charts = report.design.tasks.map((task, i) =>
    taskCharts(
      report,
      task,
      i,
      report.curves.find((c) => c.task === task.id),
    ),
  );
  return html`<section id="curves">
<h2>Equity and drawdown per task</h2>
<p class="small muted">For each task, across the seeds of each arm: the median per day (line) and the 10th–90th percentile (shaded band); equity as a multiple of the starting cash, drawdown in % below the running peak. Hover over a chart for the values of a day.</p>
${charts}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Per-run distributions

function runPoint(report: AbReport, run: AbRunRecord, key: AbMetricKey): { value: Numeric; label: string } {
  return { value: run.metrics?.[key] ?? null, label: `${run.id} · ${taskLabel(report, run.task)} · seed ${run.seed}` };
}

function distributions(report: AbReport): SafeHtml {
  const finished = report.runs.filter((r) => r.status === 'ok' && r.metrics !== null);
  const level = levelPct(report);
  const plots = report.metrics.map((m, i) => {
    const groups: StripGroup[] = ARMS.map((arm) => ({
      key: arm,
      name: ARM_LETTER[arm],
      color: ARM_COLORS[arm],
      points: finished.filter((r) => r.arm === arm).map((r) => runPoint(report, r, m.key)),
      estimate: m[arm].iqm,
    }));
    const digits = METRIC_DECIMALS[m.key];
    return stripPlot({
      id: `strip-${i}`,
      title: `${m.label}${m.unit === '' ? '' : ` (${m.unit})`}${m.higherIsBetter === false ? ' · lower is better' : ''}`,
      groups,
      formatValue: (v) => metricValue(v, m),
      formatTick: (v, step) => formatNumber(v, Math.min(digits, tickDecimals(step))),
      estimateName: 'IQM',
    });
  });
  return html`<section id="distributions">
<h2>Per-run distributions</h2>
<div class="legend-inline">${ARMS.map((arm) => html`<span><span class="swatch" style="background:${ARM_COLORS[arm]}"></span>${ARM_LETTER[arm]}: ${report.arms[arm].label}</span>`)}<span class="muted">dot: one finished run (task × seed) · dark tick: IQM · bar: its ${level} CI</span></div>
<div class="chart-grid">${plots}</div>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// PSR, runs, warnings, footer

function psrSection(report: AbReport): SafeHtml {
  const rows = ARMS.map((arm) => {
    const s = report.psr[arm];
    const psrs = report.runs.filter((r) => r.arm === arm && typeof r.metrics?.psr === 'number').map((r) => r.metrics!.psr!);
    const aboveHalf = psrs.filter((p) => p > 0.5).length;
    return html`<tr><td>${armChip(arm)} ${report.arms[arm].label}</td><td class="num">${formatCount(s.runs)}</td><td class="num">${formatProbability(s.median)}</td><td class="num">${formatCount(
      aboveHalf,
    )} of ${formatCount(s.runs)}</td><td class="num">${formatCount(s.atLeast95)} of ${formatCount(s.runs)}</td></tr>`;
  });
  return html`<section id="psr">
<h2>Probabilistic Sharpe ratio</h2>
<p class="small muted">PSR of a run: the probability that its true Sharpe ratio is above 0, given the length, skewness and kurtosis of its daily returns (Bailey &amp; López de Prado). A single run with PSR ≥ 0.95 is the usual bar for a track record; the median across runs says how typical that is.</p>
<table class="psr"><thead><tr><th>Arm</th><th class="num">Runs</th><th class="num">Median PSR</th><th class="num">PSR &gt; 0.5</th><th class="num">PSR ≥ 0.95</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
}

function runsTable(report: AbReport): SafeHtml {
  const columns = 11;
  const rows = report.runs.map((run) => {
    const m = run.metrics;
    const failed = run.status !== 'ok';
    const row = html`<tr class="${failed ? 'failed-run' : ''}" data-status="${run.status}"><td><code>${run.id}</code></td><td>${armChip(run.arm)}</td><td title="${run.task}">${taskLabel(
      report,
      run.task,
    )}</td><td class="num">${run.seed}</td><td><span class="badge ${run.status}">${run.status}</span></td><td class="num">${formatWithUnit(m?.returnPct, '%', 2)}</td><td class="num">${formatNumber(
      m?.sharpe,
      2,
    )}</td><td class="num">${formatWithUnit(m?.maxDrawdownPct, '%', 2)}</td><td class="num">${formatCount(m?.trades)}</td><td class="num">${formatProbability(m?.psr)}</td><td class="num">${formatNumber(
      m?.finalEquity,
      2,
    )}</td></tr>`;
    if (!failed) return row;
    return html`${row}<tr class="error-row" data-run="${run.id}"><td colspan="${columns}"><pre class="run-error">${run.error ?? `(${run.status}: no error message)`}</pre></td></tr>`;
  });
  const unfinished = report.runs.filter((r) => r.status !== 'ok').length;
  return html`<section id="runs">
<h2>Runs</h2>
<p>${plural(report.runs.length, 'run')}${unfinished > 0 ? html`, <strong>${formatCount(unfinished)} not finished</strong> (highlighted, with their errors)` : ''}. Metrics of the test window; max drawdown as a positive %.</p>
<div class="table-wrap"><table class="runs"><thead><tr><th>Run</th><th>Arm</th><th>Task</th><th class="num">Seed</th><th>Status</th><th class="num">Return</th><th class="num">Sharpe</th><th class="num">Max DD</th><th class="num">Trades</th><th class="num">PSR</th><th class="num">Final equity</th></tr></thead><tbody>${rows}</tbody></table></div>
</section>`;
}

function warningsSection(report: AbReport): SafeHtml {
  return html`<section id="warnings">
<h2>Warnings</h2>
${report.warnings.length === 0 ? html`<p class="muted">No warnings.</p>` : html`<ul class="warnings">${report.warnings.map((w) => html`<li>${w}</li>`)}</ul>`}
</section>`;
}

function footer(report: AbReport): SafeHtml {
  const g = report.generated;
  return html`<footer id="generated">
<p>Generated ${formatUtcTime(g.at)} UTC by replaylab ${g.replaylab} on Node ${g.node} · ${plural(g.workers, 'worker')} · wall time ${formatDuration(g.wallMs)}, replay time ${formatDuration(g.replayMs)} (summed over runs)</p>
<p>Command: <code class="command">${g.command}</code></p>
<p>report.html shows report.json (format ${report.format}, version ${report.version}); report.md says the same in text.</p>
</footer>`;
}

/** The A/B report as one self-contained HTML page (no network, no script). */
export function renderAbHtml(report: AbReport): string {
  const body = joinHtml(
    [
      header(report),
      incompleteBanner(report),
      setup(report),
      verdictBox(report),
      warningsSection(report),
      metricsTable(report),
      checklist(report),
      curvesSection(report),
      distributions(report),
      psrSection(report),
      runsTable(report),
      footer(report),
    ],
    '\n',
  );
  return renderPage({ title: `A/B: ${report.arms.b.label} vs ${report.arms.a.label} — replaylab`, body, css: AB_CSS });
}
