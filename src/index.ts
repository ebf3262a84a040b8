/** replaylab's public library API: named exports only. */
export { DatasetManifestSchema, Rng, type DatasetManifest } from './config/index.js';
export {
  CANDLE_COLUMNS,
  TRADE_COLUMNS,
  DataError,
  InputError,
  aggregateTrades,
  assessCandles,
  assessTrades,
  generateMarket,
  loadDataset,
  loadFile,
  loadFileSet,
  parseCsvFile,
  parseInterval,
  type CandleQuality,
  type CandleTable,
  type DataLoadOptions,
  type Dataset,
  type GeneratorOptions,
  type Interval,
  type ParsedFile,
  type TradeQuality,
  type TradeTable,
} from './data/index.js';
export {
  deflatedSharpeRatio,
  drawdowns,
  probabilisticSharpeRatio,
  sharpeRatio,
  sortinoRatio,
  summarizeReturns,
  type ReturnsSummary,
} from './metrics/index.js';
export {
  ConfigError,
  RunConfigSchema,
  defaultConfig,
  resolveConfig,
  type EngineConfig,
  type RunConfig,
  type RunConfigInput,
} from './config/index.js';
export { runReplay, type MarketData, type ReplayInput, type ReplayResult } from './engine/replay.js';
export { EventBus, type ClosedTrade, type EngineEvent, type ExitReason, type RejectReason } from './engine/events.js';
export type {
  AccountView,
  MarketFeaturesView,
  MarketHistory,
  OrderIntent,
  OrderIntentInput,
  Policy,
  PolicyContext,
  PolicyEnvironment,
  PolicyFactory,
  PolicyOutput,
  PolicyParamValue,
  PositionView,
  StrategySignal,
  TradeDecision,
} from './policies/policy.js';
export { loadPolicy } from './policies/load-policy.js';
export { QLearner, RlPolicy, StateSpace, isRlPolicy, readQTableFile, saveQTable, type AgentMode, type QTableFile, type RlVariant } from './agents/index.js';
export { runMetrics, type RunMetrics } from './metrics/run-metrics.js';
export { tradeMetrics, type TradeMetrics } from './metrics/trade-metrics.js';
