/** `replaylab data inspect <path…>`: what a dataset or file holds and how clean it is. */
import type { Argv } from 'yargs';
import {
  assessCandles,
  assessTrades,
  displayPath,
  formatDuration,
  formatIsoTime,
  loadDataset,
  parseFileName,
  parseInterval,
  type CandleQuality,
  type Dataset,
  type Interval,
  type LoadedFile,
} from '../data/index.js';
import { dataLoadOptions, withDataOptions, type DataArgs } from './data-options.js';
import { formatNumber, formatPairs, formatTable } from './output.js';

interface InspectArgs extends DataArgs {
  paths: string[];
  json: boolean;
}

export interface GapsJson {
  readonly count: number;
  readonly missingBars: number;
  readonly largest: { from: string; to: string; duration: string; durationMs: number } | null;
}

export function gapsJson(quality: CandleQuality): GapsJson {
  const { largest } = quality.gaps;
  return {
    count: quality.gaps.count,
    missingBars: quality.gaps.missingBars,
    largest:
      largest === undefined
        ? null
        : { from: formatIsoTime(largest.fromMs), to: formatIsoTime(largest.toMs), duration: formatDuration(largest.durationMs), durationMs: largest.durationMs },
  };
}

function fileReport(file: LoadedFile, interval: Interval) {
  const parsed = file.parsed;
  const named = parseFileName(parsed.file);
  const base = {
    path: displayPath(parsed.file),
    kind: parsed.kind,
    format: parsed.format,
    header: parsed.hasHeader,
    timeUnit: parsed.timeUnit,
    symbol: named.symbol ?? null,
    rows: parsed.table.rows,
    badRows: parsed.badRows,
    badRowSamples: parsed.badRowSamples,
    cache: file.cache,
    bytes: file.bytes,
  };
  if (parsed.kind === 'candles') {
    const quality = assessCandles(parsed.table, named.interval ?? interval);
    return {
      ...base,
      interval: quality.interval.name,
      first: formatIsoTime(quality.firstMs),
      last: formatIsoTime(quality.lastMs),
      gaps: gapsJson(quality),
      offGrid: quality.offGrid,
      shortCandles: quality.shortCandles,
    };
  }
  const quality = assessTrades(parsed.table);
  return {
    ...base,
    interval: null,
    first: formatIsoTime(quality.firstMs),
    last: formatIsoTime(quality.lastMs),
    takerBuyShare: Number.isNaN(quality.takerBuyShare) ? null : quality.takerBuyShare,
    largestPause: formatDuration(quality.largestPauseMs),
  };
}

export function datasetReport(dataset: Dataset) {
  const quality = assessCandles(dataset.candles, dataset.interval);
  const trades = dataset.trades === undefined ? undefined : assessTrades(dataset.trades);
  return {
    path: displayPath(dataset.path),
    name: dataset.name,
    symbol: dataset.symbol ?? null,
    market: dataset.market,
    interval: dataset.interval.name,
    synthetic: dataset.synthetic,
    description: dataset.manifest?.description ?? null,
    candlesFromTrades: dataset.candlesFromTrades,
    candles: {
      rows: quality.rows,
      first: formatIsoTime(quality.firstMs),
      last: formatIsoTime(quality.lastMs),
      gaps: gapsJson(quality),
      offGrid: quality.offGrid,
      shortCandles: quality.shortCandles,
    },
    trades:
      trades === undefined
        ? null
        : {
            rows: trades.rows,
            first: formatIsoTime(trades.firstMs),
            last: formatIsoTime(trades.lastMs),
            takerBuyShare: Number.isNaN(trades.takerBuyShare) ? null : trades.takerBuyShare,
          },
    predictions: dataset.predictionsPath === undefined ? null : displayPath(dataset.predictionsPath),
    badRows: dataset.badRows,
    ignoredFiles: dataset.ignoredFiles.map((f) => ({ path: displayPath(f.path), reason: f.reason })),
    files: [...dataset.candleFiles, ...dataset.tradeFiles].map((f) => fileReport(f, dataset.interval)),
  };
}

type DatasetReport = ReturnType<typeof datasetReport>;

function printReport(report: DatasetReport): string {
  const c = report.candles;
  const largest = c.gaps.largest;
  const pairs: [string, string | number][] = [
    ['dataset', `${report.path}${report.synthetic ? '  (SYNTHETIC data)' : ''}`],
    ['symbol', report.symbol ?? '(unknown)'],
    ['interval', `${report.interval}${report.candlesFromTrades ? ' (candles built from trades)' : ''}`],
    ['candles', c.rows],
    ['from', c.first],
    ['to', c.last],
    [
      'gaps',
      largest === null
        ? 'none'
        : `${formatNumber(c.gaps.count)} (${formatNumber(c.gaps.missingBars)} bars missing); longest ${largest.duration} between the candles at ${largest.from} and ${largest.to}`,
    ],
    ['off-grid', c.offGrid],
    ['short candles', c.shortCandles],
  ];
  if (report.trades !== null) {
    pairs.push(['trades', `${report.trades.rows.toLocaleString('en-US')} (${report.trades.first} → ${report.trades.last})`]);
  }
  if (report.predictions !== null) pairs.push(['predictions', report.predictions]);
  pairs.push(['bad rows', report.badRows]);
  for (const ignored of report.ignoredFiles) pairs.push(['ignored', `${ignored.path}: ${ignored.reason}`]);
  const rows = report.files.map((f) => [
    f.path,
    f.format,
    f.interval ?? '-',
    f.rows,
    f.first,
    f.last,
    'gaps' in f ? f.gaps.count : 0,
    'offGrid' in f ? f.offGrid : 0,
    f.badRows,
    f.cache,
  ]);
  const table = formatTable(['file', 'format', 'interval', 'rows', 'first', 'last', 'gaps', 'off-grid', 'bad', 'cache'], rows);
  const samples = report.files.flatMap((f) => f.badRowSamples.map((s) => `  skipped ${s.message}`));
  return [formatPairs(pairs), '', table, ...(samples.length > 0 ? ['', 'bad rows (first of each file):', ...samples] : [])].join('\n');
}

export function inspectCommand(yargs: Argv) {
  return yargs.command(
    'inspect <paths..>',
    'Show what data files or dataset folders hold: format, interval, rows, time range, gaps, bad rows',
    (y) =>
      withDataOptions(y)
        .positional('paths', { type: 'string', array: true, default: undefined, defaultDescription: '', describe: 'dataset folders or CSV files' })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
        .epilogue('Examples:\n  replaylab data inspect datasets/synthetic-5m            # the bundled dataset\n  replaylab data inspect --json BTCUSDT-1h-2022-01.csv    # one file, as JSON'),
    async (args) => {
      // Trade-only data is shown with 1m candles unless --interval says otherwise.
      const options = { ...dataLoadOptions(args as unknown as InspectArgs), fallbackTradeInterval: parseInterval('1m')! };
      const reports: DatasetReport[] = [];
      for (const path of (args as unknown as InspectArgs).paths) reports.push(datasetReport(await loadDataset(path, options)));
      if ((args as unknown as InspectArgs).json) process.stdout.write(`${JSON.stringify({ datasets: reports }, null, 2)}\n`);
      else process.stdout.write(`${reports.map(printReport).join('\n\n')}\n`);
    },
  );
}
