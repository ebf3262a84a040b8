/**
 * Format detection: from the first bytes of a file and its name, decide whether it holds candles
 * or trades, in which layout, and which CSV field feeds which column of the store.
 */
import { basename } from 'node:path';
import type { CandleColumn, TradeColumn } from './columns.js';
import { DataError } from './errors.js';
import { parseIsoTime, parseInterval, type Interval } from './time.js';

export type DataKind = 'candles' | 'trades';

export type FormatName =
  | 'binance-klines'
  | 'binance-aggTrades'
  | 'binance-trades'
  | 'generic-candles'
  | 'generic-trades';

/** How the taker's side is written in a trade file. */
export type SideEncoding = 'is_buyer_maker' | 'side' | 'none';

/** Everything the parse loop needs to know about a file. */
export interface FileLayout {
  readonly kind: DataKind;
  readonly format: FormatName;
  readonly hasHeader: boolean;
  /** The header's column names as written, or Binance's names when there is no header. */
  readonly columnNames: readonly string[];
  /** Fields per row. */
  readonly width: number;
  /** Index of the time field. */
  readonly timeField: number;
  /** Whether times are ISO date strings rather than epoch numbers. */
  readonly timeIsText: boolean;
  /** CSV field index for each numeric store column, -1 when the file does not have it. */
  readonly fields: Readonly<Record<string, number>>;
  readonly sideField: number;
  readonly sideEncoding: SideEncoding;
  /** Whether the file contains double quotes (papaparse's fast mode cannot be used then). */
  readonly quoted: boolean;
  /** Mean bytes per line in the sniffed head, to estimate the row count from the file size. */
  readonly bytesPerLine: number;
}

/** What a Binance-style file name says (`BTCUSDT-1h-2022-01.csv`, `XRP_ETH-trades.csv`). */
export interface FileNameInfo {
  readonly symbol?: string;
  readonly interval?: Interval;
  readonly kind?: DataKind;
  readonly aggregated?: boolean;
  /** `YYYY-MM` or `YYYY-MM-DD` from the name, used to order monthly files. */
  readonly period?: string;
}

const NAME_PATTERN =
  /^(?<symbol>[A-Z0-9_]+)-(?<what>\d+[smhdwM]|aggTrades|trades)(?:-(?<period>\d{4}-\d{2}(?:-\d{2})?))?(?:[-_.][^/]*)?\.csv$/;

export function parseFileName(path: string): FileNameInfo {
  const m = NAME_PATTERN.exec(basename(path));
  if (m?.groups === undefined) return {};
  const { symbol, what, period } = m.groups;
  const base = { symbol: symbol!, ...(period === undefined ? {} : { period }) };
  if (what === 'aggTrades') return { ...base, kind: 'trades', aggregated: true };
  if (what === 'trades') return { ...base, kind: 'trades', aggregated: false };
  const interval = parseInterval(what!);
  return interval === undefined ? base : { ...base, interval, kind: 'candles' };
}

/** Binance's kline columns, in file order. */
export const BINANCE_KLINE_HEADER = [
  'open_time',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'close_time',
  'quote_volume',
  'count',
  'taker_buy_volume',
  'taker_buy_quote_volume',
  'ignore',
] as const;
const BINANCE_AGGTRADES_HEADER = [
  'agg_trade_id',
  'price',
  'quantity',
  'first_trade_id',
  'last_trade_id',
  'transact_time',
  'is_buyer_maker',
  'is_best_match',
];
const BINANCE_TRADES_HEADER = ['id', 'price', 'qty', 'quote_qty', 'time', 'is_buyer_maker', 'is_best_match'];

/** Accepted header names for each store column, most specific first. */
const CANDLE_ALIASES: Record<CandleColumn, readonly string[]> = {
  openTime: ['open_time', 'timestamp', 'time', 'datetime', 'date', 'opentime'],
  open: ['open'],
  high: ['high'],
  low: ['low'],
  close: ['close'],
  volume: ['volume', 'vol', 'base_volume'],
  closeTime: ['close_time', 'closetime'],
  quoteVolume: ['quote_volume', 'quote_asset_volume', 'quote_av'],
  tradeCount: ['count', 'trades', 'number_of_trades', 'trade_count'],
  takerBuyVolume: ['taker_buy_volume', 'taker_buy_base_asset_volume', 'taker_buy_base_volume', 'tb_base_av'],
  takerBuyQuoteVolume: ['taker_buy_quote_volume', 'taker_buy_quote_asset_volume', 'tb_quote_av'],
};
const TRADE_ALIASES: Record<Exclude<TradeColumn, 'side'>, readonly string[]> = {
  time: ['transact_time', 'timestamp', 'time', 'datetime', 'date'],
  price: ['price'],
  qty: ['qty', 'quantity', 'amount', 'size'],
  id: ['agg_trade_id', 'id', 'trade_id'],
};
const REQUIRED_CANDLE: readonly CandleColumn[] = ['open', 'high', 'low', 'close'];

/** Bytes read from the head of a file to detect its layout. */
export const SNIFF_SIZE = 64 * 1024;

/** A cell of the sniffed head as papaparse will read it: no BOM, no surrounding quotes. */
function unquote(cell: string): string {
  const text = cell.replace(/^\uFEFF/, '').trim();
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text;
}

/** Normalises a header cell: trimmed, lower case, spaces and dashes as underscores, no BOM or quotes. */
export function normaliseHeaderName(name: string): string {
  return unquote(name).toLowerCase().replace(/[\s-]+/g, '_');
}

/** A number as the parse loop reads it: `+text`, but an empty or blank field is not zero. */
export function isNumericText(text: string): boolean {
  const value = +text;
  return Number.isFinite(value) && text.trim() !== '';
}

const BOOLEAN_TEXT = new Set(['true', 'false']);
function isBooleanText(text: string): boolean {
  return BOOLEAN_TEXT.has(text.trim().toLowerCase());
}

function describeBinary(head: Buffer): string | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return 'this is a zip archive (a Binance download, or an .xlsx workbook), not a CSV file: unzip or export it to CSV first';
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return 'this is a gzip file, not a CSV file: decompress it first';
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'this is a Parquet file, not a CSV file';
  if (head.subarray(0, 6).toString('latin1') === 'ARROW1') return 'this is a Feather/Arrow file, not a CSV file';
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return 'this is UTF-16 text: save it as UTF-8 CSV';
  }
  if (head.includes(0)) return 'this is a binary file (it contains NUL bytes), not a CSV file';
  // Cut at most 3 bytes of a multi-byte character split by the sniff window.
  const end = head.length === SNIFF_SIZE ? head.length - 3 : head.length;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
  } catch {
    return 'this is not a UTF-8 text file (binary or another encoding)';
  }
  return undefined;
}

/** The first lines of a file, without line terminators. */
function headLines(text: string, complete: boolean): string[] {
  const lines = text.split(/\r?\n/);
  // The last piece may be cut by the sniff window.
  if (!complete) lines.pop();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function countDelimiter(line: string, delimiter: string): number {
  return line.split(delimiter).length - 1;
}

function wrongDelimiterReason(line: string): string | undefined {
  const commas = countDelimiter(line, ',');
  if (commas === 0 && !/[;\t|]/.test(line)) return undefined;
  for (const [delimiter, name] of [
    [';', 'semicolon'],
    ['\t', 'tab'],
    ['|', 'pipe'],
  ] as const) {
    // As many of another separator as commas: decimal commas (`100,5;101,0`) included.
    if (countDelimiter(line, delimiter) >= Math.max(1, commas)) {
      return `this line is ${name}-separated; replaylab reads comma-separated files (with '.' as the decimal point)`;
    }
  }
  return undefined;
}

/**
 * Reads the head of a file and decides its layout. `expect` says what the caller wants
 * (`--candles` wants candles); without it, the file's own shape decides.
 */
export function detectLayout(
  file: string,
  head: Buffer,
  fileSize: number,
  expect?: DataKind,
): FileLayout {
  if (fileSize === 0 || head.length === 0) throw new DataError({ file }, 'the file is empty');
  const binary = describeBinary(head);
  if (binary !== undefined) throw new DataError({ file }, binary);
  const text = head.toString('utf8');
  const complete = head.length >= fileSize;
  const lines = headLines(text, complete);
  const firstIndex = lines.findIndex((l) => l.trim() !== '');
  if (firstIndex < 0) {
    throw new DataError({ file }, complete ? 'the file is empty (only blank lines)' : 'no line break in the first 64 KiB: not a CSV file');
  }
  const first = lines[firstIndex]!;
  const delimiterProblem = wrongDelimiterReason(first);
  if (delimiterProblem !== undefined) {
    throw new DataError({ file, line: firstIndex + 1, value: first }, delimiterProblem);
  }
  const cells = first.split(',').map(unquote);
  const firstCell = cells[0]!;
  const hasHeader =
    firstCell.trim() === '' || (!isNumericText(firstCell) && Number.isNaN(parseIsoTime(firstCell)));
  const bytesPerLine = Math.max(8, (complete ? head.length : text.lastIndexOf('\n') + 1) / Math.max(1, lines.length));
  const quoted = text.includes('"');
  const common = { quoted, bytesPerLine };

  if (hasHeader) {
    const dataLine = lines.slice(firstIndex + 1).find((l) => l.trim() !== '');
    if (dataLine === undefined && complete) {
      throw new DataError({ file, line: firstIndex + 1 }, 'the file has a header but no data rows');
    }
    return layoutFromHeader(file, cells, dataLine?.split(',').map(unquote), expect, common);
  }
  return layoutWithoutHeader(file, cells, firstIndex + 1, expect, common);
}

function findField(names: readonly string[], aliases: readonly string[]): number {
  for (const alias of aliases) {
    const index = names.indexOf(alias);
    if (index >= 0) return index;
  }
  return -1;
}

function layoutFromHeader(
  file: string,
  rawNames: readonly string[],
  sample: readonly string[] | undefined,
  expect: DataKind | undefined,
  common: { quoted: boolean; bytesPerLine: number },
): FileLayout {
  const names = rawNames.map(normaliseHeaderName);
  const shown = rawNames.map((n) => n.trim()).join(',');
  // Any of open/high/low/close makes it a candle file, so a missing one is named below.
  const hasOhlc = REQUIRED_CANDLE.some((c) => names.includes(c));
  const hasPrice = names.includes('price') && findField(names, TRADE_ALIASES.qty) >= 0;
  let kind: DataKind;
  if (expect !== undefined) kind = expect;
  else if (hasOhlc) kind = 'candles';
  else if (hasPrice) kind = 'trades';
  else {
    throw new DataError(
      { file, line: 1, value: shown },
      'the header names neither candles (open, high, low, close) nor trades (price, qty|quantity|amount)',
    );
  }

  const fields: Record<string, number> = {};
  let timeField: number;
  let sideField = -1;
  let sideEncoding: SideEncoding = 'none';
  let format: FormatName;
  if (kind === 'candles') {
    for (const column of REQUIRED_CANDLE) {
      if (!names.includes(column)) {
        throw new DataError({ file, line: 1, value: shown }, `missing column '${column}' in the header`);
      }
    }
    for (const [column, aliases] of Object.entries(CANDLE_ALIASES)) fields[column] = findField(names, aliases);
    timeField = fields.openTime!;
    format = names.length === 12 && BINANCE_KLINE_HEADER.every((n, i) => names[i] === n) ? 'binance-klines' : 'generic-candles';
  } else {
    for (const column of ['price', 'qty'] as const) {
      if (findField(names, TRADE_ALIASES[column]) < 0) {
        const wanted = TRADE_ALIASES[column].join('|');
        throw new DataError({ file, line: 1, value: shown }, `missing column '${wanted}' in the header of a trade file`);
      }
    }
    for (const [column, aliases] of Object.entries(TRADE_ALIASES)) fields[column] = findField(names, aliases);
    // Some exchanges use text trade ids: the id is informational, so such a column is not read.
    const idSample = fields.id! >= 0 ? sample?.[fields.id!] : undefined;
    if (idSample !== undefined && !isNumericText(idSample)) fields.id = -1;
    timeField = fields.time!;
    sideField = names.indexOf('is_buyer_maker');
    if (sideField >= 0) sideEncoding = 'is_buyer_maker';
    else {
      sideField = names.indexOf('side');
      sideEncoding = sideField >= 0 ? 'side' : 'none';
    }
    if (names[0] === 'agg_trade_id') format = 'binance-aggTrades';
    else if (names.includes('quote_qty') && sideEncoding === 'is_buyer_maker') format = 'binance-trades';
    else format = 'generic-trades';
  }
  // pandas writes the index as an unnamed first column: use it as the time when nothing is named.
  if (timeField < 0 && names[0] === '') timeField = 0;
  if (timeField < 0) {
    const wanted = kind === 'candles' ? CANDLE_ALIASES.openTime : TRADE_ALIASES.time;
    throw new DataError({ file, line: 1, value: shown }, `missing time column: expected one of ${wanted.join(', ')} or an unnamed first column`);
  }
  if (kind === 'candles') fields.openTime = timeField;
  else fields.time = timeField;
  const timeSample = sample?.[timeField];
  const timeIsText = timeSample !== undefined && !isNumericText(timeSample) && !Number.isNaN(parseIsoTime(timeSample));
  return {
    kind,
    format,
    hasHeader: true,
    columnNames: rawNames.map((n) => n.trim()),
    width: names.length,
    timeField,
    timeIsText,
    fields,
    sideField,
    sideEncoding,
    ...common,
  };
}

function layoutWithoutHeader(
  file: string,
  cells: readonly string[],
  line: number,
  expect: DataKind | undefined,
  common: { quoted: boolean; bytesPerLine: number },
): FileLayout {
  const width = cells.length;
  const timeIsText = !isNumericText(cells[0]!) && !Number.isNaN(parseIsoTime(cells[0]!));
  const base = { hasHeader: false, width, timeIsText, ...common };
  const detected = ((): FileLayout | undefined => {
    if (width === 12 && !timeIsText) {
      const fields: Record<string, number> = {};
      (['openTime', 'open', 'high', 'low', 'close', 'volume', 'closeTime', 'quoteVolume', 'tradeCount', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const).forEach(
        (c, i) => (fields[c] = i),
      );
      return { ...base, kind: 'candles', format: 'binance-klines', columnNames: BINANCE_KLINE_HEADER, timeField: 0, fields, sideField: -1, sideEncoding: 'none' };
    }
    const aggTrades = !timeIsText && (width === 8 || (width === 7 && isBooleanText(cells[6]!) && !isBooleanText(cells[5]!)));
    if (aggTrades) {
      return {
        ...base,
        kind: 'trades',
        format: 'binance-aggTrades',
        columnNames: BINANCE_AGGTRADES_HEADER.slice(0, width),
        timeField: 5,
        fields: { id: 0, price: 1, qty: 2, time: 5 },
        sideField: 6,
        sideEncoding: 'is_buyer_maker',
      };
    }
    if (!timeIsText && (width === 6 || width === 7) && isBooleanText(cells[5]!)) {
      return {
        ...base,
        kind: 'trades',
        format: 'binance-trades',
        columnNames: BINANCE_TRADES_HEADER.slice(0, width),
        timeField: 4,
        fields: { id: 0, price: 1, qty: 2, time: 4 },
        sideField: 5,
        sideEncoding: 'is_buyer_maker',
      };
    }
    if (width === 5 || width === 6) {
      // time,open,high,low,close[,volume] without a header.
      const names = ['time', 'open', 'high', 'low', 'close', 'volume'].slice(0, width);
      const fields: Record<string, number> = { openTime: 0, open: 1, high: 2, low: 3, close: 4, volume: width === 6 ? 5 : -1 };
      return { ...base, kind: 'candles', format: 'generic-candles', columnNames: names, timeField: 0, fields, sideField: -1, sideEncoding: 'none' };
    }
    return undefined;
  })();
  if (detected === undefined) {
    throw new DataError(
      { file, line, value: cells.join(',') },
      `unrecognised layout of ${width} column(s) without a header: expected Binance klines (12 columns), aggTrades (7 or 8), trades (6 or 7), or a header row`,
    );
  }
  if (expect !== undefined && detected.kind !== expect) {
    throw new DataError({ file, line }, `expected ${expect} but this file looks like ${detected.format} (${width} columns)`);
  }
  return detected;
}

