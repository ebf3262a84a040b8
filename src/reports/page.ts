/**
 * The shell of a self-contained HTML report: one file with its CSS inline, system fonts, and a
 * Content-Security-Policy that allows nothing from outside the file (no network, no script unless
 * the page brings its own inline one), so a report opened offline shows exactly what it holds.
 */
import { html, trustedHtml, type SafeHtml } from './html.js';

/** The CSS every report shares: page, tables, badges, banners, charts, heatmaps. */
export const BASE_CSS = `
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9dee4; --soft: #f5f7fa; --good: #1b7f3b; --bad: #b42318; --warn: #b54708; --accent: #0b5cad; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #ffffff; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; line-height: 1.25; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 22px 0 8px; }
p { margin: 6px 0 10px; }
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
pre { white-space: pre-wrap; word-break: break-word; margin: 0; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.subtitle { color: var(--muted); margin: 0 0 14px; }
nav.toc { font-size: 13px; margin: 10px 0 0; color: var(--muted); }
nav.toc a { margin-right: 12px; white-space: nowrap; }
table { border-collapse: collapse; margin: 8px 0 12px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 9px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; font-size: 12.5px; border-bottom: 2px solid var(--line); }
td.num, th.num { text-align: right; white-space: nowrap; }
.table-wrap { overflow-x: auto; }
.ci { color: var(--muted); font-size: 12px; display: block; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 11.5px; font-weight: 600; line-height: 18px; vertical-align: 1px; white-space: nowrap; }
.badge.synthetic { background: #fff4e5; color: var(--warn); border: 1px solid #f5c389; }
.badge.ok, .badge.pass { background: #e8f5ec; color: var(--good); }
.badge.failed, .badge.fail, .badge.cancelled { background: #fdecea; color: var(--bad); }
.badge.na { background: var(--soft); color: var(--muted); }
.badge.primary { background: #e6f0fa; color: var(--accent); }
.arm { display: inline-block; min-width: 20px; padding: 0 6px; border-radius: 4px; color: #ffffff; font-weight: 700; font-size: 12px; text-align: center; }
.banner { margin: 16px 0; padding: 12px 16px; border-radius: 6px; border: 2px solid var(--bad); background: #fdecea; color: #7a1a12; font-weight: 500; }
.banner strong { color: var(--bad); }
.note-box { padding: 10px 14px; border-radius: 6px; background: var(--soft); border: 1px solid var(--line); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.chart { display: block; max-width: 100%; height: auto; }
.chart text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.chart .hover { fill: transparent; }
.chart .hover:hover { fill: rgba(31, 41, 51, 0.07); }
.chart circle.dot:hover { stroke: #1f2933; stroke-width: 1.5; }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 10px 24px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px 6px; margin: 14px 0; }
table.heatmap td { text-align: center; min-width: 64px; font-variant-numeric: tabular-nums; border: 1px solid #ffffff; }
table.heatmap td.empty { background: #eceff3; color: var(--muted); }
table.heatmap thead th { text-align: center; }
table.heatmap th.corner { font-weight: 400; color: var(--muted); text-align: left; }
table.heatmap td.marked { outline: 3px solid var(--ink); outline-offset: -3px; font-weight: 700; }
table.heatmap caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 6px; }
footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
details > summary { cursor: pointer; color: var(--accent); margin: 6px 0; }
@media print { main { max-width: none; padding: 0; } .card, .chart, tr { break-inside: avoid; } nav.toc, .chart .hover-columns { display: none; } }
`;

export interface PageOptions {
  readonly title: string;
  readonly body: SafeHtml;
  /** CSS of this kind of report, after the base CSS. */
  readonly css?: string;
  /** A small inline script; without one the page allows no script at all. */
  readonly script?: string;
}

/** A complete HTML document that loads nothing from outside itself. */
export function renderPage(options: PageOptions): string {
  const scriptSource = options.script === undefined ? '' : " script-src 'unsafe-inline';";
  // Constant text with quotes the attribute keeps as they are (it holds no '"').
  const policy = `default-src 'none'; style-src 'unsafe-inline'; img-src data:;${scriptSource} base-uri 'none'; form-action 'none'`;
  const css = trustedHtml(BASE_CSS + (options.css ?? ''));
  const script = options.script === undefined ? '' : html`<script>${trustedHtml(options.script)}</script>`;
  return `<!doctype html>
${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${trustedHtml(policy)}">
<title>${options.title}</title>
<style>${css}</style>
</head>
<body>
<main>
${options.body}
</main>
${script}
</body>
</html>
`}`;
}
