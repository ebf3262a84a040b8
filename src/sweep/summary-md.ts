/** `summary.md`: the sweep's summary as Markdown (the same facts as summary.html and the terminal). */
import { valueText } from './axes.js';
import { describeAxis, describeSearch, formatFigure, formatRange } from './format.js';
import { metricInfo, type MetricKey } from './results-csv.js';
import { DSR_SIGNIFICANT, type CellStats, type ReportContext, type SweepSummary } from './summary.js';

/** How many cells the "best cells" table shows (the full table shows them all). */
export const TOP_CELLS = 10;

/** The metrics whose medians the full table shows besides the ranking metric's spread. */
export function otherMedianMetrics(ranking: MetricKey): MetricKey[] {
  return (['returnPct', 'sharpe', 'maxDrawdownPct', 'trades', 'psr'] as const).filter((k) => k !== ranking);
}

const cellText = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: (column: number) => boolean): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cellText).join(' | ')} |`;
  const rule = `|${header.map((_, c) => (rightAligned(c) ? '---:' : '---')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** `2/3`, or `2/3 (Sharpe n/a in 1)` when a run's metric is undefined (a Sharpe with no variance, or of a ruined account). */
export function okRunsText(c: CellStats, label: string): string {
  const undefinedIn = c.ok - c.score.n;
  return `${c.ok}/${c.runs}${undefinedIn > 0 ? ` (${label} n/a in ${undefinedIn})` : ''}`;
}

/** The warning of a sweep whose policy read synthetic model scores, which look at the future. */
export function syntheticModelsNote(summary: SweepSummary): string | undefined {
  if (summary.syntheticModelRuns === 0) return undefined;
  return (
    `**SYNTHETIC MODEL SCORES** in ${summary.syntheticModelRuns} of ${summary.runs.ok} ok runs: the datasets have no predictions.csv, so the models' scores ` +
    'were generated from future returns by design (models.informationCoefficients); these figures do not measure a real model.'
  );
}

/** The banner of a sweep that did not finish: it must never read as a complete one. */
export function incompleteNote(summary: SweepSummary, folder: string): string {
  const { planned, ok, failed, notRun } = summary.runs;
  return (
    `**INCOMPLETE SWEEP**: ${ok + failed} of ${planned} runs finished (${notRun} not run). The figures cover the finished runs only; ` +
    `finish it with \`replaylab sweep --resume ${folder}\`.`
  );
}

export function renderSummaryMarkdown(summary: SweepSummary, context: ReportContext): string {
  const { metric } = summary;
  const digits = metric.digits;
  const keys = context.axes.map((a) => a.key);
  const out: string[] = [];
  const datasetsText = `${context.datasets.length} dataset${context.datasets.length === 1 ? '' : 's'}`;
  out.push(`# Sweep: ${context.policy}: ${summary.cells.length} cells × ${context.seeds.length} seeds × ${datasetsText}`, '');
  if (!summary.complete) out.push(`> ${incompleteNote(summary, context.folder)}`, '');
  const synthetic = syntheticModelsNote(summary);
  if (synthetic !== undefined) out.push(`> ${synthetic}`, '');
  const { planned, ok, failed } = summary.runs;
  out.push(
    `Cells are ranked by **${metric.label}** (${metric.higherIsBetter ? 'higher' : 'lower'} is better): its IQM over each cell's ok runs ` +
      `(every seed on every dataset), with the median and the min – max. Runs: ${ok} ok, ${failed} failed, of ${planned} planned.` +
      (failed > 0 ? ' A cell with failed runs is scored on its ok runs only: see [Failed runs](#failed-runs).' : ''),
    '',
  );

  const header = ['rank', 'cell', ...keys, 'ok runs', `${metric.label} IQM`, 'median', 'min – max'];
  const row = (c: CellStats) => [
    String(c.rank),
    c.cell.id,
    ...keys.map((k) => valueText(c.cell.values[k]!)),
    okRunsText(c, metric.label),
    formatFigure(c.score.iqm, digits),
    formatFigure(c.score.median, digits),
    formatRange(c.score.min, c.score.max, digits),
  ];
  const numeric = (from: number) => (column: number) => column >= from;
  out.push(`## Best cells`, '', table(header, summary.cells.slice(0, TOP_CELLS).map(row), numeric(2 + keys.length)), '');

  out.push('## Deflated Sharpe Ratio', '');
  const dsr = summary.dsr;
  if (dsr === null) out.push('Not available: the best cell has no ok run with a defined daily Sharpe ratio.', '');
  else {
    const best = summary.cells.find((c) => c.cell.id === dsr.cell)!;
    out.push(
      `**${dsr.meaning}**`,
      '',
      `- Best cell ${dsr.cell} (${keys.map((k) => `${k} = ${valueText(best.cell.values[k]!)}`).join(', ')}): daily Sharpe SR̂ = ${formatFigure(dsr.sample.sharpe, 4)}, ` +
        `T = ${formatFigure(dsr.sample.observations, 1)} daily returns, skewness γ₃ = ${formatFigure(dsr.sample.skewness, 3)}, kurtosis γ₄ = ${formatFigure(dsr.sample.kurtosis, 3)} ` +
        `(means over its ${best.ok} ok run${best.ok === 1 ? '' : 's'}).`,
      `- Trials: N = ${dsr.trials} cells with a defined daily Sharpe; variance of their daily Sharpes V = ${dsr.trialVariance.toPrecision(4)} (ddof 0); ` +
        `expected best Sharpe of N cells of no skill SR₀ = ${formatFigure(dsr.expectedMaxSharpe, 4)}.`,
      `- DSR = PSR(SR₀) = Φ((SR̂ − SR₀)·√(T − 1) / √(1 − γ₃·SR̂ + (γ₄ − 1)/4·SR̂²)) = ${formatFigure(dsr.dsr, 4)}; ${DSR_SIGNIFICANT} or more is significant.`,
      '',
      'How: Sharpes here are per day, not annualised, from each run\'s daily equity (UTC days, net of the per-day risk-free rate). ' +
        'A cell counts as one track record of a typical run: SR̂, T, γ₃ and γ₄ are the means of its ok runs\' values, because its seeds ' +
        'replay the same days (pooling them would multiply T and inflate the DSR). The best cell is the one ranked first above' +
        (metric.key === 'sharpe' ? '.' : ` (by ${metric.label}, so it need not have the highest Sharpe).`),
      '',
    );
  }

  const heatmap = summary.heatmap;
  if (heatmap !== null) {
    out.push(`## Heatmap: ${metric.label} IQM`, '', `Rows: ${heatmap.rowKey}; columns: ${heatmap.columnKey}. Bold: the best cell.`, '');
    const bestId = summary.cells[0]?.cell.id;
    const rows = heatmap.rows.map((rowValue, r) => [
      valueText(rowValue),
      ...heatmap.columns.map((_, c) => {
        const text = heatmap.cellIds[r]![c] === null ? '' : formatFigure(heatmap.values[r]![c]!, digits);
        return heatmap.cellIds[r]![c] === bestId && text !== '' ? `**${text}**` : text;
      }),
    ]);
    out.push(table([`${heatmap.rowKey} \\ ${heatmap.columnKey}`, ...heatmap.columns.map(valueText)], rows, (column) => column > 0), '');
  }

  out.push('## All cells', '');
  const others = otherMedianMetrics(metric.key);
  const fullHeader = [...header, 'failed', ...others.map((k) => `${k} median`)];
  const fullRows = summary.cells.map((c) => [...row(c), String(c.failed), ...others.map((k) => formatFigure(c.medians[k], metricInfo(k).digits))]);
  out.push(table(fullHeader, fullRows, numeric(2 + keys.length)), '');

  if (summary.failures.length > 0) {
    out.push('## Failed runs', '');
    out.push(table(['cell', 'dataset', 'seed', 'error'], summary.failures.map((f) => [f.cell, f.dataset, String(f.seed), f.error]), (column) => column === 2), '');
  }

  out.push('## Plan', '');
  out.push(`- Policy: ${context.policy}`);
  out.push(`- Search: ${describeSearch(context.search, context.axes, summary.cells.length)}`);
  for (const axis of context.axes) out.push(`  - ${describeAxis(axis)}`);
  out.push(`- Seeds: ${context.seeds.join(', ')} (every cell, on every dataset)`);
  out.push(`- Config: ${context.configFile ?? 'the defaults'}, then each cell's config values`);
  out.push(
    `- Period: ${context.trainFrac === null ? 'each dataset whole' : `learning policies train on the first ${context.trainFrac} of each dataset, skip an embargo, and are scored frozen on the rest; other policies are scored on the same rest`}`,
  );
  out.push('- Datasets (every cell sees the same bars):');
  for (const d of context.datasets) {
    const train = d.train === null ? '' : `; training ${d.train.start} → ${d.train.end} (${d.train.bars} bars), embargo ${d.embargoBars} bars`;
    out.push(
      `  - ${d.key}${d.synthetic ? ' (SYNTHETIC)' : ''}: ${d.bars} bars${train}; scored ${d.evaluation.start} → ${d.evaluation.end} (${d.evaluation.bars} bars); ${d.fingerprint}`,
    );
  }
  out.push(`- replaylab ${context.replaylab}. Files: \`sweep.json\` (the plan and status), \`results.csv\` (one row per run).`, '');
  return `${out.join('\n')}`;
}
