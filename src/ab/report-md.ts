/** `report.md` and the terminal summary of an A/B, both read off the report object. */
import type { Interval } from '../stats/ab-statistics.js';
import type { AbReport, ChecklistStatus, EstimateSet, MetricComparison } from './report-model.js';

const num = (value: number, digits = 2): string =>
  Number.isFinite(value) ? value.toFixed(digits) : Number.isNaN(value) ? '–' : value > 0 ? '∞' : '−∞';
const ci = (i: Interval, digits = 2) => `${num(i.point, digits)} [${num(i.low, digits)}, ${num(i.high, digits)}]`;
const digitsOf = (m: Pick<MetricComparison, 'key'>) => (m.key === 'trades' ? 1 : m.key === 'sharpe' || m.key === 'sortino' || m.key === 'profitFactor' ? 3 : 2);
const MARK: Record<ChecklistStatus, string> = { pass: '✓', fail: '✗', 'n/a': '–' };

export function designLines(report: AbReport): [string, string][] {
  const d = report.design;
  const split =
    d.split === 'walk-forward'
      ? `walk-forward, ${d.folds} folds (expanding training window; embargo ${d.embargoBars} bars; test windows scored with the tables frozen)`
      : d.split === 'train-frac'
        ? `train on the first ${d.trainFrac} of each dataset, embargo ${d.embargoBars} bars, score the rest frozen`
        : 'none: the learning arms learn while they are scored, over the whole period';
  return [
    ['A', `${report.arms.a.label} (${report.arms.a.policy}${report.arms.a.configFile === null ? '' : `, config ${report.arms.a.configFile}`})`],
    ['B', `${report.arms.b.label} (${report.arms.b.policy}${report.arms.b.configFile === null ? '' : `, config ${report.arms.b.configFile}`})`],
    ['datasets', report.datasets.map((x) => `${x.name} (${x.interval}, ${x.bars.toLocaleString('en-US')} bars, ${x.start.slice(0, 10)} → ${x.end.slice(0, 10)}${x.synthetic ? ', SYNTHETIC' : ''})`).join('; ')],
    ['seeds', `${d.seeds.length} (${d.seeds[0]}…${d.seeds[d.seeds.length - 1]}), the same for both arms`],
    ['split', split],
    ['tasks', `${d.tasks.length} (dataset × test window); runs ${report.counts.planned} = tasks × seeds × 2 arms`],
    ['costs', `fee ${d.costs.feeRate} per side, slippage ${d.costs.slippageBps} bps, cash ${d.costs.cash.toLocaleString('en-US')} (both arms)`],
    ['returns', `${d.returnFrequency}, annualised with A = ${d.periodsPerYear}, risk-free rate ${d.riskFreeRate}`],
    ['statistics', `IQM, mean, median over all (task × seed) runs; ${(d.bootstrap.level * 100).toFixed(0)}% stratified bootstrap CIs (${d.bootstrap.reps.toLocaleString('en-US')} resamples; ${d.bootstrap.probabilityReps.toLocaleString('en-US')} for P), seed ${d.bootstrap.seed}`],
  ];
}

function estimateCell(e: EstimateSet, digits: number): string {
  return e.n === 0 ? '–' : ci(e.iqm, digits);
}

export function renderAbMarkdown(report: AbReport): string {
  const { primary, arms } = report;
  const out: string[] = [];
  out.push(`# A/B: ${arms.b.label} (B) vs ${arms.a.label} (A)`, '');
  if (!report.complete) out.push(`> **INCOMPLETE**: interrupted after ${report.counts.ok + report.counts.failed} of ${report.counts.planned} runs. No verdict.`, '');
  if (report.counts.failed > 0) out.push(`> **${report.counts.failed} run(s) FAILED** and are left out of the statistics: see [Runs](#runs).`, '');
  out.push(`## Verdict: **${primary.verdict.toUpperCase()}** on ${primary.label}`, '', primary.reading, '');
  out.push(
    `The verdict rule (rliable): "better" only when the lower bound of the 95% CI of P(B better than A) is above 0.5, "worse" when the upper bound is below 0.5, otherwise inconclusive. P(B better than A) is the chance that a run of B beats a run of A on the same task (Mann–Whitney, ties count half), averaged over tasks.`,
    '',
  );
  out.push('## Design', '', '| | |', '|---|---|', ...designLines(report).map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`), '');
  out.push('## Metrics', '');
  const perArm = (arm: 'a' | 'b') => report.runs.filter((r) => r.arm === arm && r.status === 'ok').length;
  out.push(`IQM [95% CI] per arm over its finished runs (A ${perArm('a')}, B ${perArm('b')}); mean and median beside it; the paired difference is B − A on the same task and seed.`, '');
  out.push(
    `| metric | A ${arms.a.label} IQM | A mean / median | B ${arms.b.label} IQM | B mean / median | B − A (IQM) | P(B better) |`,
    '|---|---|---|---|---|---|---|',
  );
  for (const m of report.metrics) {
    const digits = digitsOf(m);
    const name = `${m.label}${m.unit === '%' ? ' %' : ''}${m.higherIsBetter === false ? ' (lower is better)' : m.higherIsBetter === null ? ' (neither; P is P(B > A))' : ''}`;
    out.push(
      `| ${name} | ${estimateCell(m.a, digits)} | ${num(m.a.mean.point, digits)} / ${num(m.a.median.point, digits)} | ${estimateCell(m.b, digits)} | ${num(m.b.mean.point, digits)} / ${num(m.b.median.point, digits)} | ${estimateCell(m.difference, digits)} | ${ci(m.probabilityBBetter)} |`,
    );
  }
  out.push('');
  out.push(
    `PSR (probability that a run's true daily Sharpe is above 0): A median ${num(report.psr.a.median, 3)} (${report.psr.a.atLeast95} of ${report.psr.a.runs} runs ≥ 0.95), B median ${num(report.psr.b.median, 3)} (${report.psr.b.atLeast95} of ${report.psr.b.runs} ≥ 0.95).`,
    '',
  );
  out.push(`## Go-live checklist (RL v2 deployment guide, B against A)`, '', '| | criterion | detail |', '|---|---|---|');
  for (const item of report.checklist) out.push(`| ${MARK[item.status]} ${item.status} | ${item.criterion} | ${item.detail.replace(/\|/g, '\\|')} |`);
  out.push('', 'The checklist compares point estimates; where P(B better) has a CI containing 0.5 the detail says so, and the verdict above is the statistically sound summary.', '');
  out.push('## Tasks', '', '| task | training | test window |', '|---|---|---|');
  for (const t of report.design.tasks) {
    out.push(`| ${t.id} | ${t.train === null ? '–' : `${t.train.start} → ${t.train.end} (${t.train.bars.toLocaleString('en-US')} bars)`} | ${t.test.start} → ${t.test.end} (${t.test.bars.toLocaleString('en-US')} bars) |`);
  }
  out.push('', '## Runs', '', '| run | status | return % | Sharpe | max DD % | win % | trades | PSR |', '|---|---|---|---|---|---|---|---|');
  for (const r of report.runs) {
    if (r.metrics === null) {
      out.push(`| ${r.id} | **${r.status.toUpperCase()}**: ${(r.error ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 300)} | | | | | | |`);
      continue;
    }
    const m = r.metrics;
    const v = (x: number | null, d = 2) => (x === null ? '–' : x.toFixed(d));
    out.push(`| ${r.id} | ok | ${v(m.returnPct)} | ${v(m.sharpe, 3)} | ${v(m.maxDrawdownPct)} | ${v(m.winRatePct, 1)} | ${v(m.trades, 0)} | ${v(m.psr, 3)} |`);
  }
  if (report.warnings.length > 0) out.push('', '## Warnings', '', ...report.warnings.map((w) => `- ${w}`));
  const g = report.generated;
  out.push('', '---', `replaylab ${g.replaylab}, node ${g.node}, ${g.workers} worker(s), ${(g.wallMs / 1000).toFixed(1)} s; ${g.at}`, `\`${g.command}\``, '');
  return out.join('\n');
}

/** The terminal summary: design, the metrics table, the checklist, the verdict last. */
export function renderAbTerminal(report: AbReport, folder: string): string {
  const { arms } = report;
  const lines: string[] = [];
  const design = designLines(report).filter(([k]) => k !== 'statistics');
  const width = Math.max(...design.map(([k]) => k.length));
  for (const [k, v] of design) lines.push(`${k.padEnd(width)}  ${v}`);
  lines.push('');
  const rows = report.metrics.map((m) => {
    const digits = digitsOf(m);
    return [`${m.label}${m.unit === '%' ? ' %' : ''}${m.higherIsBetter === false ? ' ↓' : m.higherIsBetter === null ? ' (P(B > A))' : ''}`, estimateCell(m.a, digits), estimateCell(m.b, digits), ci(m.probabilityBBetter)];
  });
  const header = ['metric (IQM [95% CI])', `A ${arms.a.label}`, `B ${arms.b.label}`, 'P(B better)'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmtRow = (r: readonly string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  lines.push(fmtRow(header), ...rows.map(fmtRow), '');
  for (const item of report.checklist) lines.push(`${MARK[item.status]} ${item.criterion}: ${item.detail}`);
  if (report.counts.failed > 0) {
    lines.push('', `FAILED runs (${report.counts.failed}):`);
    for (const r of report.runs.filter((x) => x.status === 'failed').slice(0, 10)) lines.push(`  ${r.id}: ${(r.error ?? '').split('\n')[0]}`);
    if (report.counts.failed > 10) lines.push(`  … and ${report.counts.failed - 10} more (report.md)`);
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  lines.push('', `VERDICT: ${report.primary.verdict.toUpperCase()} — ${report.primary.reading}`, `report: ${folder}/report.html (also report.md, report.json)`);
  return lines.join('\n');
}
