/** Building blocks of the self-contained HTML reports (A/B, sweep): safe HTML, numbers, page, SVG charts, heatmap. */
export { SafeHtml, escapeHtml, html, joinHtml, trustedHtml, type HtmlValue } from './html.js';
export {
  MINUS,
  NO_VALUE,
  formatBounds,
  formatCount,
  formatDuration,
  formatNumber,
  formatProbability,
  formatRatePct,
  formatSigned,
  formatUtcTime,
  formatWithUnit,
  type Numeric,
} from './format.js';
export { BASE_CSS, renderPage, type PageOptions } from './page.js';
export { dayTicks, linearScale, niceDomain, niceTicks, tickStep, type IndexTick } from './scales.js';
export {
  bandChart,
  bandPath,
  defaultTickFormat,
  jitter,
  linePath,
  probabilityIntervalChart,
  stripPlot,
  svgNumber,
  tickDecimals,
  type BandChartOptions,
  type ChartSeries,
  type ProbabilityChartOptions,
  type StripGroup,
  type StripPlotOptions,
  type StripPoint,
  type TickFormat,
} from './svg-charts.js';
export { divergingColor, heatmapTable, type HeatmapOptions } from './heatmap.js';
