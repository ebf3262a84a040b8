export { aggregateTrades } from './aggregate.js';
export { barTradeRanges, checkTradesAgainstCandles, type BarTradeRanges } from './bar-trades.js';
export { defaultCacheDir, readCache, writeCache, type CacheLookup, type CacheOptions } from './cache.js';
export {
  CANDLE_COLUMNS,
  TRADE_COLUMNS,
  allocateTable,
  concatTables,
  sliceTable,
  tableBytes,
  viewTable,
  type CandleColumn,
  type CandleTable,
  type ColumnTable,
  type TradeColumn,
  type TradeTable,
} from './columns.js';
export {
  PARSER_VERSION,
  parseCsvFile,
  type BadRowPolicy,
  type BadRowSample,
  type LoadOptions,
  type ParsedCandles,
  type ParsedFile,
  type ParsedTrades,
} from './csv-loader.js';
export {
  displayPath,
  loadDataset,
  loadFile,
  loadFileSet,
  readManifest,
  type CacheStatus,
  type DataLoadOptions,
  type Dataset,
  type LoadedFile,
} from './dataset.js';
export { DataError, InputError, formatDataError, type DataErrorLocation } from './errors.js';
export { detectLayout, parseFileName, type DataKind, type FileLayout, type FileNameInfo, type FormatName } from './formats.js';
export { GENERATOR_DEFAULTS, REGIMES, generateMarket, type GeneratedDataset, type GeneratorOptions, type Regime } from './generator.js';
export { assessCandles, assessTrades, inferInterval, type CandleQuality, type GapSummary, type TradeQuality } from './quality.js';
export { dailyCloses, readSeriesCsv, type Series, type SeriesKind } from './series.js';
export { epochToMs, formatDuration, formatIsoTime, intervalFromMs, isOnGrid, parseInterval, parseIsoTime, type Interval } from './time.js';
