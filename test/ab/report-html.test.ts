/**
 * report.html of the A/B: sections in reading order, hostile strings printed as text, missing and
 * infinite numbers, one band path per arm and task, the verdict in words, the incomplete banner,
 * and the same bytes for the same report.
 */
import { describe, expect, it } from 'vitest';
import { renderAbHtml } from '../../src/ab/report-html.js';
import type { AbReport, MetricComparison } from '../../src/ab/report-model.js';
import { HOSTILE_ERROR, makeAbReport } from '../helpers/ab-report-fixture.js';
import { count, element } from '../helpers/html.js';


/** The report as it comes back from report.json: non-finite numbers become null. */
const throughJson = (report: AbReport): AbReport => JSON.parse(JSON.stringify(report)) as AbReport;

function withMetric(report: AbReport, key: string, change: (m: MetricComparison) => MetricComparison): AbReport {
  return { ...report, metrics: report.metrics.map((m) => (m.key === key ? change(m) : m)) };
}

describe('renderAbHtml: the page', () => {
  const page = renderAbHtml(makeAbReport());

  it('is one self-contained document: inline CSS, no script, no external resource', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/(src|href)="(?!#)/); // only in-page anchors
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('has its sections in reading order', () => {
    const ids = ['incomplete-banner', 'setup', 'verdict', 'warnings', 'metrics', 'checklist', 'curves', 'distributions', 'psr', 'runs', 'generated'];
    const positions = ids.map((id) => page.indexOf(`id="${id}"`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('the same report gives the same bytes, also after a trip through JSON', () => {
    expect(renderAbHtml(makeAbReport())).toBe(page);
    const json = throughJson(makeAbReport());
    expect(renderAbHtml(json)).toBe(renderAbHtml(throughJson(makeAbReport())));
  });
});

describe('renderAbHtml: escaping', () => {
  it('prints a run error holding <script> as text', () => {
    const page = renderAbHtml(makeAbReport());
    expect(HOSTILE_ERROR).toContain('<script>');
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('<pre class="run-error">Error: policy threw &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; at bar 42</pre>');
  });

  it('escapes dataset names, labels, warnings and the command everywhere, charts included', () => {
    const hostile = '<b onclick="x()">evil</b>';
    const base = makeAbReport();
    const report: AbReport = {
      ...base,
      arms: { ...base.arms, b: { ...base.arms.b, label: hostile } },
      datasets: [{ ...base.datasets[0]!, name: hostile }],
      warnings: [hostile],
      generated: { ...base.generated, command: `replaylab ab --b '${hostile}'` },
    };
    const page = renderAbHtml(report);
    expect(page).not.toContain('<b onclick');
    expect(count(page, /&lt;b onclick=&quot;x\(\)&quot;&gt;evil&lt;\/b&gt;/g)).toBeGreaterThan(10);
    expect(element(page, 'svg', 'equity-0')).toContain('&lt;b onclick');
  });
});

describe('renderAbHtml: missing and infinite numbers', () => {
  it('prints ∞ for an infinite estimate and – where report.json holds null', () => {
    const report = withMetric(makeAbReport(), 'profitFactor', (m) => ({
      ...m,
      b: { ...m.b, iqm: { point: Number.POSITIVE_INFINITY, low: 1.1, high: Number.POSITIVE_INFINITY } },
    }));
    const row = (page: string) => page.slice(page.indexOf('data-metric="profitFactor"'), page.indexOf('</tr>', page.indexOf('data-metric="profitFactor"')));
    expect(row(renderAbHtml(report))).toContain('∞<span class="ci">[1.10, ∞]</span>');
    expect(row(renderAbHtml(throughJson(report)))).toContain('–<span class="ci">[1.10, –]</span>');
  });

  it('prints – for a failed run’s metrics and does not plot it', () => {
    const page = renderAbHtml(makeAbReport());
    const failedRow = page.slice(page.indexOf('data-status="failed"'), page.indexOf('</tr>', page.indexOf('data-status="failed"')));
    expect(count(failedRow, />–<\/td>/g)).toBe(6);
    // 12 runs, one failed: 11 dots on the Sharpe plot.
    expect(count(element(page, 'svg', 'strip-1'), /<circle class="dot"/g)).toBe(11);
  });

  it('counts the run with an infinite profit factor as not plotted', () => {
    expect(element(renderAbHtml(makeAbReport()), 'svg', 'strip-5')).toContain('Not plotted (no finite value, e.g. ∞): B 1');
  });

  it('a verdict without any probability still renders, with – for it', () => {
    const base = makeAbReport();
    const report: AbReport = {
      ...base,
      primary: { ...base.primary, verdict: 'no verdict', probabilityBBetter: { point: Number.NaN, low: Number.NaN, high: Number.NaN }, reading: 'Too few runs.' },
    };
    const verdict = element(renderAbHtml(throughJson(report)), 'section', 'verdict');
    expect(verdict).toContain('No verdict on Sharpe');
    expect(verdict).toContain('P(B better than A) = <strong>–</strong>, 95% CI [–]');
    expect(verdict).toContain('no verdict is given for an A/B that did not finish');
    expect(verdict).not.toContain('class="ci"');
  });
});

describe('renderAbHtml: the verdict', () => {
  const verdictOf = (verdict: AbReport['primary']['verdict'], p = { point: 0.74, low: 0.53, high: 0.89 }) => {
    const base = makeAbReport();
    return element(renderAbHtml({ ...base, primary: { ...base.primary, verdict, probabilityBBetter: p } }), 'section', 'verdict');
  };

  it('says B is better, with P(B better) and its CI and where the CI lies', () => {
    const verdict = verdictOf('better');
    expect(verdict).toContain('data-verdict="better"');
    expect(verdict).toContain('B is better: B (RL v2) beats A (RL v1) on Sharpe');
    expect(verdict).toContain('P(B better than A) = <strong>0.74</strong>, 95% CI [0.53, 0.89]');
    expect(verdict).toContain('here it lies wholly above 0.5');
    expect(verdict).toContain('A run of RL v2 beats a run of RL v1 on Sharpe 74% of the time');
    expect(verdict).not.toMatch(/100\s*%/);
  });

  it('says worse, and inconclusive when the CI contains 0.5', () => {
    expect(verdictOf('worse', { point: 0.3, low: 0.2, high: 0.45 })).toContain('B is worse: B (RL v2) loses to A (RL v1) on Sharpe');
    const inconclusive = verdictOf('inconclusive', { point: 0.55, low: 0.4, high: 0.7 });
    expect(inconclusive).toContain('Inconclusive: no clear difference between B (RL v2) and A (RL v1) on Sharpe');
    expect(inconclusive).toContain('here it contains 0.5');
  });

  it('explains “better” for a lower-is-better primary metric', () => {
    const base = makeAbReport();
    const page = renderAbHtml({ ...base, primary: { ...base.primary, metric: 'maxDrawdownPct', label: 'Max drawdown' } });
    expect(element(page, 'section', 'verdict')).toContain('lower is better for Max drawdown, so “better” means lower');
  });
});

describe('renderAbHtml: metrics, checklist, runs', () => {
  const page = renderAbHtml(makeAbReport());

  it('one row per metric with A and B IQM [CI], mean, median, the paired difference and P(B better)', () => {
    const table = element(page, 'section', 'metrics');
    expect(count(table, /<tr class="[^"]*" data-metric=/g)).toBe(7);
    const sharpe = table.slice(table.indexOf('data-metric="sharpe"'), table.indexOf('</tr>', table.indexOf('data-metric="sharpe"')));
    expect(table).toContain('<tr class="primary" data-metric="sharpe">');
    expect(sharpe).toContain('<span class="badge primary">primary</span>');
    expect(count(sharpe, /<td class="num/g)).toBe(8);
    expect(sharpe).toContain('<td class="num clear better">0.74<span class="ci">[0.53, 0.89]</span></td>');
    // A return difference is in percentage points; max drawdown is marked lower-is-better.
    expect(table).toMatch(/\+2\.10 pp<span class="ci">\[\+1\.16, \+2\.83\]<\/span>/);
    expect(table).toContain('Max drawdown (%) <span title="lower is better">↓</span>');
  });

  it('the checklist with a badge per status', () => {
    const list = element(page, 'section', 'checklist');
    expect(list).toContain('2 of 5 criteria pass, 2 fail, 1 n/a.');
    expect(count(list, /✓ pass/g)).toBe(2);
    expect(count(list, /✗ fail/g)).toBe(2);
    expect(count(list, /– n\/a/g)).toBe(1);
  });

  it('every run in the runs table, the failed one highlighted with its error', () => {
    const runs = element(page, 'section', 'runs');
    expect(count(runs, /data-status="ok"/g)).toBe(11);
    expect(count(runs, /<tr class="failed-run" data-status="failed">/g)).toBe(1);
    expect(count(runs, /<tr class="error-row" data-run="b-t2-s3">/g)).toBe(1);
  });

  it('the banner when runs failed or the A/B is incomplete, none when all finished', () => {
    expect(page).toContain('<strong>Incomplete A/B.</strong> 11 of 12 planned runs finished (1 failed).');
    const base = makeAbReport();
    const clean: AbReport = {
      ...base,
      complete: true,
      counts: { planned: 12, ok: 12, failed: 0, cancelled: 0 },
      runs: base.runs.map((r) => (r.status === 'failed' ? { ...r, status: 'ok', error: null, metrics: base.runs[0]!.metrics } : r)),
    };
    expect(renderAbHtml(clean)).not.toContain('id="incomplete-banner"');
    const interrupted = renderAbHtml({ ...clean, complete: false, counts: { planned: 12, ok: 9, failed: 0, cancelled: 3 } });
    expect(interrupted).toContain('9 of 12 planned runs finished (3 cancelled)');
  });

  it('setup: datasets with the SYNTHETIC badge, the design in words', () => {
    const setup = element(page, 'section', 'setup');
    expect(setup).toContain('synthetic-5m <span class="badge synthetic"');
    expect(setup).toContain('walk-forward, 2 folds');
    expect(setup).toContain('embargo 288 bars');
    expect(setup).toContain('fee 0.04% of notional per fill, slippage 2.0 bps, starting cash 10,000.00');
    expect(setup).toContain('A = 365 periods per year; risk-free rate 0% a year');
    expect(setup).toContain('95% percentile CIs from 2,000 resamples (1,000 for P(B better))');
  });

  it('the footer says how it was generated', () => {
    const footer = element(page, 'footer', 'generated');
    expect(footer).toContain('replaylab 0.1.0 on Node v20.19.0 · 4 workers · wall time 12.3 s');
    expect(footer).toContain('<code class="command">replaylab ab --a rl-v1 --b rl-v2 --dataset datasets/synthetic-5m --seeds 3 --folds 2</code>');
  });
});

describe('renderAbHtml: curves per task', () => {
  it('an equity and a drawdown chart per task, with one band path and one line per arm', () => {
    const page = renderAbHtml(makeAbReport());
    for (const id of ['equity-0', 'drawdown-0', 'equity-1', 'drawdown-1']) {
      const svg = element(page, 'svg', id);
      expect(count(svg, /<path class="band"/g), id).toBe(2);
      expect(count(svg, /<path class="line"/g), id).toBe(2);
      expect(svg).not.toMatch(/ d=""/);
    }
    expect(element(page, 'svg', 'equity-1')).toContain('Equity — synthetic-5m · fold 2, test 2024-02-02 → 2024-02-14');
  });

  it('an arm without a run on a task: no path, and the legend says so', () => {
    const svg = element(renderAbHtml(makeAbReport({ nullBandB: true })), 'svg', 'equity-1');
    expect(count(svg, /<path class="band"/g)).toBe(1);
    expect(svg).toContain('data-series="a"');
    expect(svg).not.toMatch(/<path[^>]*data-series="b"/);
    expect(svg).toContain('B RL v2 (no successful run on this task)');
  });

  it('a task where neither arm has a run shows a note instead of charts', () => {
    const base = makeAbReport();
    const report: AbReport = {
      ...base,
      curves: base.curves.map((c, i) => (i === 0 ? { ...c, equity: { a: null, b: null }, drawdown: { a: null, b: null } } : c)),
    };
    const page = renderAbHtml(report);
    expect(page).not.toContain('id="equity-0"');
    expect(page).toContain('No curves for this task: neither arm has a successful run on it.');
    expect(page).toContain('id="equity-1"');
  });

  it('single-day curves still draw non-empty paths', () => {
    const svg = element(renderAbHtml(makeAbReport({ singleDay: true })), 'svg', 'equity-0');
    const ds = [...svg.matchAll(/<path class="(?:band|line)"[^>]* d="([^"]*)"/g)].map((m) => m[1]!);
    expect(ds).toHaveLength(4);
    for (const d of ds) expect(d).toMatch(/^M[\d.]+,[\d.]+H/);
  });
});
