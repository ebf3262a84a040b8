/**
 * Datasets: a folder of candle files, optional trade files, an optional `predictions.csv` and an
 * optional `dataset.json`, read whole into one candle table (and one trade table) in time order.
 * Files are recognised by Binance's names and by their columns when there is no manifest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { DatasetManifest } from '../config/dataset-manifest.js';
import { aggregateTrades } from './aggregate.js';
import { readCache, writeCache, type CacheOptions } from './cache.js';
import { CANDLE_COLUMNS, TRADE_COLUMNS, concatTables, sliceTable, type CandleTable, type TradeTable } from './columns.js';
import { fileSystemError, parseCsvFile, sniffFile, type LoadOptions, type ParsedFile } from './csv-loader.js';
import { DataError, InputError } from './errors.js';
import { detectLayout, parseFileName, type DataKind, type FileNameInfo } from './formats.js';
import { inferInterval, measureInterval } from './quality.js';
import { formatIsoTime, parseInterval, type Interval } from './time.js';

export interface DataLoadOptions extends LoadOptions {
  /** Cache folder, or false to parse every file (`--no-cache`). */
  readonly cache?: CacheOptions | false;
  /** Interval to use when the files do not say (and to aggregate trades when there are no candles). */
  readonly interval?: Interval;
  /** Interval to build candles at from trade-only data when nothing else names one. */
  readonly fallbackTradeInterval?: Interval;
  /** Called with a warning the user should see (a damaged cache file, an unwritable cache). */
  readonly onWarning?: (message: string) => void;
}

export type CacheStatus = 'hit' | 'miss' | 'rebuilt' | 'off';

export interface LoadedFile {
  readonly parsed: ParsedFile;
  readonly cache: CacheStatus;
  /** Wall time of the load, parse or cache read. */
  readonly loadMs: number;
  readonly bytes: number;
}

/** Loads one file, from the cache when it holds this exact file, else by parsing it. */
export async function loadFile(file: string, options: DataLoadOptions = {}): Promise<LoadedFile> {
  const started = performance.now();
  const { onBadRow, expect } = options;
  const loadOptions: LoadOptions = { ...(onBadRow === undefined ? {} : { onBadRow }), ...(expect === undefined ? {} : { expect }) };
  let info;
  try {
    info = statSync(file);
  } catch (error) {
    throw fileSystemError(file, error);
  }
  if (info.isDirectory()) throw new InputError(`${file}: is a folder; pass it as a dataset, or name the files in it`);
  const cache = options.cache ?? false;
  let status: CacheStatus = 'off';
  if (cache !== false) {
    const lookup = readCache(cache, file, info.size, info.mtimeMs, loadOptions);
    if (lookup.status === 'hit') {
      // The cache stores the path it was built from; report the path as the user wrote it now.
      return { parsed: { ...lookup.parsed, file }, cache: 'hit', loadMs: performance.now() - started, bytes: info.size };
    }
    if (lookup.status === 'damaged') {
      options.onWarning?.(`cache file for ${file} is damaged (${lookup.reason}); parsing the CSV again`);
      status = 'rebuilt';
    } else status = 'miss';
  }
  const parsed = await parseCsvFile(file, loadOptions);
  if (cache !== false) {
    try {
      writeCache(cache, info.size, info.mtimeMs, loadOptions, parsed);
    } catch (error) {
      options.onWarning?.(`could not write the cache in ${cache.dir}: ${(error as Error).message}`);
    }
  }
  return { parsed, cache: status, loadMs: performance.now() - started, bytes: info.size };
}

export interface Dataset {
  readonly name: string;
  /** The folder, or the single file, it was read from. */
  readonly path: string;
  readonly symbol: string | undefined;
  readonly market: 'spot' | 'usdm';
  readonly interval: Interval;
  readonly synthetic: boolean;
  readonly manifest: DatasetManifest | undefined;
  readonly candles: CandleTable;
  readonly trades: TradeTable | undefined;
  /** True when the candles were built from the trades (no candle files). */
  readonly candlesFromTrades: boolean;
  readonly candleFiles: readonly LoadedFile[];
  readonly tradeFiles: readonly LoadedFile[];
  readonly predictionsPath: string | undefined;
  /** Files of the folder that were left out, with the reason. */
  readonly ignoredFiles: readonly { readonly path: string; readonly reason: string }[];
  /** Rows left out under `--on-bad-row skip`, over all files (overlaps between files included). */
  readonly badRows: number;
}

/**
 * Reads and checks a folder's `dataset.json`, or returns undefined when there is none. zod and
 * the glob matcher are imported only when a manifest is read: together they cost ~20 MB of
 * resident memory, which a plain data load does not need.
 */
export async function readManifest(folder: string): Promise<DatasetManifest | undefined> {
  const path = join(folder, 'dataset.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileSystemError(path, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const { DatasetManifestSchema } = await import('../config/dataset-manifest.js');
  const result = DatasetManifestSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? `field '${issue.path.join('.')}'` : 'the manifest';
    throw new InputError(`${path}: ${where}: ${issue.message}`);
  }
  return result.data;
}

interface FilePlan {
  readonly candles: string[];
  readonly trades: string[];
  readonly predictions: string | undefined;
  /** Files of the folder left out, with the reason. */
  readonly ignored: { readonly path: string; readonly reason: string }[];
}

async function expandGlobs(folder: string, patterns: readonly string[], what: string, manifestPath: string): Promise<string[]> {
  const { globSync } = await import('tinyglobby');
  const files: string[] = [];
  for (const pattern of patterns) {
    const found = globSync(pattern, { cwd: folder, absolute: false, onlyFiles: true }).sort();
    if (found.length === 0) throw new InputError(`${manifestPath}: ${what} pattern '${pattern}' matches no file`);
    files.push(...found.map((f) => join(folder, f)));
  }
  return [...new Set(files)];
}

/** Which files of a folder hold candles, trades and predictions. */
async function planFolder(folder: string, manifest: DatasetManifest | undefined): Promise<FilePlan> {
  const manifestPath = join(folder, 'dataset.json');
  if (manifest?.candles !== undefined || manifest?.trades !== undefined) {
    const predictions = manifest.predictions === undefined ? undefined : join(folder, manifest.predictions);
    return {
      candles: await expandGlobs(folder, manifest.candles ?? [], 'candles', manifestPath),
      trades: await expandGlobs(folder, manifest.trades ?? [], 'trades', manifestPath),
      predictions,
      ignored: [],
    };
  }
  const plan: FilePlan = { candles: [], trades: [], predictions: undefined, ignored: [] };
  const aggTrades: string[] = [];
  const rawTrades: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(folder).sort();
  } catch (error) {
    throw fileSystemError(folder, error);
  }
  let predictions: string | undefined = manifest?.predictions === undefined ? undefined : join(folder, manifest.predictions);
  for (const entry of entries) {
    if (!entry.toLowerCase().endsWith('.csv')) continue;
    const path = join(folder, entry);
    if (entry === 'predictions.csv') {
      predictions ??= path;
      continue;
    }
    let kind: DataKind | undefined = parseFileName(path).kind;
    if (kind === 'candles') {
      plan.candles.push(path);
      continue;
    }
    const { head, size } = await sniffFile(path);
    const layout = detectLayout(path, head, size, kind);
    kind = layout.kind;
    if (kind === 'candles') plan.candles.push(path);
    else if (layout.format === 'binance-aggTrades') aggTrades.push(path);
    else if (layout.format === 'binance-trades') rawTrades.push(path);
    else plan.trades.push(path);
  }
  // Binance's aggTrades and raw trades of one market are the same trades twice: use the aggTrades.
  plan.trades.push(...aggTrades);
  if (aggTrades.length > 0) {
    for (const path of rawTrades) {
      plan.ignored.push({ path, reason: 'the folder also has aggTrades files of the same trades; list the trade files in dataset.json to choose' });
    }
  } else plan.trades.push(...rawTrades);
  plan.trades.sort();
  if (plan.candles.length === 0 && plan.trades.length === 0) {
    const folders = entries.filter((e) => statSync(join(folder, e)).isDirectory());
    const hint = folders.length > 0 ? ` (it has subfolders: ${folders.slice(0, 6).join(', ')}${folders.length > 6 ? ', …' : ''}; pass one of them)` : '';
    throw new InputError(`${folder}: no candle or trade CSV files in this folder${hint}`);
  }
  return { ...plan, predictions };
}

/** The one value all files agree on, or an error naming the disagreement. */
function agreedValue(folder: string, what: string, values: readonly (string | undefined)[]): string | undefined {
  const distinct = [...new Set(values.filter((v): v is string => v !== undefined))];
  if (distinct.length > 1) {
    throw new InputError(`${folder}: files of several ${what}s (${distinct.join(', ')}); split them into one folder per ${what}, or list the files in a dataset.json`);
  }
  return distinct[0];
}

/** Sorts files by the period in their names, else by their first time, and joins them. */
function joinInTimeOrder<K extends 'candles' | 'trades'>(
  kind: K,
  files: LoadedFile[],
  policy: 'error' | 'skip',
): { table: K extends 'candles' ? CandleTable : TradeTable; dropped: number } {
  const timeColumn = kind === 'candles' ? 'openTime' : 'time';
  const names = (kind === 'candles' ? CANDLE_COLUMNS : TRADE_COLUMNS) as readonly string[];
  const firstTime = (f: LoadedFile): number => (f.parsed.table.columns as Record<string, Float64Array>)[timeColumn]![0]!;
  files.sort((a, b) => firstTime(a) - firstTime(b));
  const tables = [];
  let dropped = 0;
  let lastTime = Number.NEGATIVE_INFINITY;
  let lastFile = '';
  for (const file of files) {
    const table = file.parsed.table as { rows: number; columns: Record<string, Float64Array>; buffer: SharedArrayBuffer };
    const times = table.columns[timeColumn]!;
    let start = 0;
    // Candle times must strictly increase across files; trades may repeat a millisecond.
    const overlaps = (t: number): boolean => (kind === 'candles' ? t <= lastTime : t < lastTime);
    while (start < table.rows && overlaps(times[start]!)) start++;
    if (start > 0) {
      if (policy === 'error') {
        const line = file.parsed.hasHeader ? 2 : 1;
        throw new DataError(
          { file: file.parsed.file, line, value: formatIsoTime(times[0]!) },
          `overlaps ${basename(lastFile)}, which ends at ${formatIsoTime(lastTime)}: remove the duplicate file or rows`,
        );
      }
      dropped += start;
    }
    if (start < table.rows) {
      tables.push(start === 0 ? table : sliceTable(table, names, start, table.rows));
      lastTime = times[table.rows - 1]!;
      lastFile = file.parsed.file;
    }
  }
  return { table: concatTables(names, tables) as never, dropped };
}

/**
 * Reads a dataset: a folder (with or without `dataset.json`) or a single CSV file. Candle files
 * are joined in time order into one table, trade files likewise; with only trades, candles are
 * built from them at the dataset's interval.
 */
export async function loadDataset(path: string, options: DataLoadOptions = {}): Promise<Dataset> {
  let info;
  try {
    info = statSync(path);
  } catch (error) {
    throw fileSystemError(path, error);
  }
  const folder = info.isDirectory() ? path : undefined;
  const manifest = folder === undefined ? undefined : await readManifest(folder);
  let plan: FilePlan;
  if (folder !== undefined) plan = await planFolder(folder, manifest);
  else {
    // A Binance-style name says the kind without reading the file (a cache hit then reads no CSV).
    let kind = parseFileName(path).kind;
    if (kind === undefined) {
      const { head, size } = await sniffFile(path);
      kind = detectLayout(path, head, size).kind;
    }
    plan = { candles: kind === 'candles' ? [path] : [], trades: kind === 'trades' ? [path] : [], predictions: undefined, ignored: [] };
  }
  return loadFiles(plan, { ...options, name: manifest?.name ?? basename(resolve(path)), path, manifest });
}

/** Reads candle and trade files named directly (`--candles`, `--trades`) as one dataset. */
export async function loadFileSet(
  candleFiles: readonly string[],
  tradeFiles: readonly string[],
  options: DataLoadOptions = {},
): Promise<Dataset> {
  const first = candleFiles[0] ?? tradeFiles[0];
  if (first === undefined) throw new InputError('no data files given');
  return loadFiles(
    { candles: [...candleFiles], trades: [...tradeFiles], predictions: undefined, ignored: [] },
    { ...options, name: basename(first).replace(/\.csv$/i, ''), path: first, manifest: undefined },
  );
}

async function loadFiles(
  plan: FilePlan,
  options: DataLoadOptions & { name: string; path: string; manifest: DatasetManifest | undefined },
): Promise<Dataset> {
  const { manifest } = options;
  for (const { path, reason } of plan.ignored) options.onWarning?.(`ignoring ${path}: ${reason}`);
  const candleFiles: LoadedFile[] = [];
  for (const file of plan.candles) candleFiles.push(await loadFile(file, { ...options, expect: 'candles' }));
  const tradeFiles: LoadedFile[] = [];
  for (const file of plan.trades) tradeFiles.push(await loadFile(file, { ...options, expect: 'trades' }));

  const where = options.path;
  const nameInfo: FileNameInfo[] = [...plan.candles, ...plan.trades].map(parseFileName);
  const symbol = manifest?.symbol ?? agreedValue(where, 'symbol', nameInfo.map((i) => i.symbol));
  // Each candle file's interval: from its name, else from its data when that is clear.
  const fileIntervals = candleFiles.map((f) => {
    const named = parseFileName(f.parsed.file).interval;
    const measured = f.parsed.kind === 'candles' && f.parsed.table.rows >= 3 ? measureInterval(f.parsed.table.columns.openTime) : undefined;
    return { named, measured: measured !== undefined && measured.share >= 0.5 ? measured.interval : undefined };
  });
  const namedInterval = agreedValue(where, 'interval', fileIntervals.map((i) => (i.named ?? i.measured)?.name));
  const measuredInterval = agreedValue(where, 'interval', fileIntervals.map((i) => i.measured?.name));
  const policy = options.onBadRow ?? 'error';
  let badRows = [...candleFiles, ...tradeFiles].reduce((sum, f) => sum + f.parsed.badRows, 0);

  let trades: TradeTable | undefined;
  if (tradeFiles.length > 0) {
    const joined = joinInTimeOrder('trades', tradeFiles, policy);
    trades = joined.table;
    badRows += joined.dropped;
  }
  let candles: CandleTable;
  const declared: [string, Interval | undefined][] = [
    [`${join(where, 'dataset.json')} says`, parseInterval(manifest?.interval ?? '')],
    ['the file names say', parseInterval(namedInterval ?? '')],
    ['--interval says', options.interval],
  ];
  let interval: Interval | undefined;
  for (const [source, value] of declared) {
    if (value === undefined) continue;
    if (measuredInterval !== undefined && value.name !== measuredInterval) {
      throw new InputError(`${where}: ${source} interval ${value.name}, but the candles are ${measuredInterval} apart`);
    }
    interval ??= value;
  }
  if (candleFiles.length > 0) {
    const joined = joinInTimeOrder('candles', candleFiles, policy);
    candles = joined.table;
    badRows += joined.dropped;
    interval ??= inferInterval(candles.columns.openTime);
    if (interval === undefined) throw new InputError(`${where}: cannot tell the candle interval from one candle; give --interval`);
  } else {
    interval ??= options.fallbackTradeInterval;
    if (interval === undefined) {
      throw new InputError(`${where}: only trades and no candle interval; give --interval (e.g. 1m) to build candles from the trades`);
    }
    candles = aggregateTrades(trades!, interval);
  }
  return {
    name: options.name,
    path: options.path,
    symbol,
    market: manifest?.market ?? 'spot',
    interval,
    synthetic: manifest?.synthetic ?? false,
    manifest,
    candles,
    trades,
    candlesFromTrades: candleFiles.length === 0,
    candleFiles,
    tradeFiles,
    predictionsPath: plan.predictions,
    ignoredFiles: plan.ignored,
    badRows,
  };
}

/** A path as a user would like to read it: relative to the working folder when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel.startsWith('..') || rel === '' ? path : rel;
}
