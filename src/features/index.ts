export {
  drawdownFraction,
  equitySlope,
  WinRateTracker,
  accountHealth,
} from './account-trackers.js';
export {
  EfficiencyRatio,
  MarketPressure,
  RangeBreak,
  RealizedVolatility,
  VolatilityRank,
  barVolumeFlows,
  classifyRegime,
  computeMarketFeatures,
  featureWarmupBars,
  regimeName,
  type BarVolumeFlows,
  type MarketFeatures,
  type PressureSource,
} from './market-features.js';
