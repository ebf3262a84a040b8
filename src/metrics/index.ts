export { standardNormalCdf, standardNormalQuantile } from './normal.js';
export {
  annualReturn,
  annualVolatility,
  calmarRatio,
  downsideRisk,
  drawdowns,
  equityFromReturns,
  maxDrawdownOfReturns,
  returnsFromEquity,
  sharpeRatio,
  sortinoRatio,
  type AnnualisationOptions,
  type DrawdownSummary,
} from './performance.js';
export {
  deflatedSharpeRatio,
  expectedMaxSharpe,
  minimumTrackRecordLength,
  moments,
  probabilisticSharpeRatio,
  type SharpeSample,
} from './sharpe-inference.js';
export { summarizeReturns, type ReturnsSummary } from './summary.js';
