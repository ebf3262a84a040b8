/**
 * Streams a CSV file through papaparse (fast mode, one chunk of rows at a time) into the columnar
 * store, validating every row. Files of any size: nothing holds the whole text in memory.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { open, stat } from 'node:fs/promises';
import Papa from 'papaparse';
import { CANDLE_COLUMNS, TRADE_COLUMNS, TableBuilder, type CandleColumn, type CandleTable, type TradeTable } from './columns.js';
import { DataError, InputError, formatDataError } from './errors.js';
import { SNIFF_SIZE, detectLayout, type DataKind, type FileLayout, type FormatName } from './formats.js';
import { epochToMs, epochUnitOf, formatIsoTime, parseIsoTime, type EpochUnit } from './time.js';

/** Bump when parsing changes what lands in the columns: it invalidates every cache file. */
export const PARSER_VERSION = 1;

export type BadRowPolicy = 'error' | 'skip';

export interface LoadOptions {
  /** `error` (default) stops at the first bad row; `skip` leaves bad rows out and counts them. */
  readonly onBadRow?: BadRowPolicy;
  /** What the caller wants from the file; a file of the other kind is an error. */
  readonly expect?: DataKind;
}

/** A row left out under `--on-bad-row skip`. */
export interface BadRowSample {
  readonly line: number;
  readonly message: string;
}

interface ParsedBase {
  readonly file: string;
  readonly format: FormatName;
  readonly hasHeader: boolean;
  /** How times were written: epoch unit of the first row, or `iso` for date strings. */
  readonly timeUnit: EpochUnit | 'iso';
  /** Store columns the file provides (others hold NaN). */
  readonly presentColumns: readonly string[];
  readonly badRows: number;
  /** The first few bad rows, for reports. */
  readonly badRowSamples: readonly BadRowSample[];
}

export interface ParsedCandles extends ParsedBase {
  readonly kind: 'candles';
  readonly table: CandleTable;
}

export interface ParsedTrades extends ParsedBase {
  readonly kind: 'trades';
  readonly table: TradeTable;
}

export type ParsedFile = ParsedCandles | ParsedTrades;

const MAX_BAD_ROW_SAMPLES = 20;

/** Reads the head of a file for format detection; turns file-system errors into input errors. */
export async function sniffFile(file: string): Promise<{ head: Buffer; size: number }> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    throw fileSystemError(file, error);
  }
  if (info.isDirectory()) throw new InputError(`${file}: is a folder, not a CSV file`);
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(SNIFF_SIZE, info.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return { head: head.subarray(0, bytesRead), size: info.size };
  } finally {
    await handle.close();
  }
}

export function fileSystemError(file: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError(`${file}: no such file or folder`);
  if (code === 'EACCES') return new InputError(`${file}: permission denied`);
  return new InputError(`${file}: cannot read (${(error as Error).message})`, { cause: error });
}

/** Parses one CSV file into columns. Throws a `DataError` naming the first bad row. */
export async function parseCsvFile(file: string, options: LoadOptions = {}): Promise<ParsedFile> {
  const { head, size } = await sniffFile(file);
  const layout = detectLayout(file, head, size, options.expect);
  const estimatedRows = estimateRows(file, size, layout.bytesPerLine);
  const sink = layout.kind === 'candles' ? candleSink(file, layout, options, estimatedRows) : tradeSink(file, layout, options, estimatedRows);
  await streamRows(file, layout, sink.consume);
  return sink.finish();
}

/**
 * Rows in a file, from the shortest mean line length among its head, middle and tail (lines get
 * shorter or longer as ids and prices change), plus 1%: the table is allocated once at this size
 * and grows only when the estimate falls short.
 */
function estimateRows(file: string, size: number, headBytesPerLine: number): number {
  let bytesPerLine = headBytesPerLine;
  const sample = 64 * 1024;
  if (size > 4 * sample) {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.allocUnsafe(sample);
      for (const position of [Math.floor(size / 2), size - sample]) {
        const n = readSync(fd, buffer, 0, sample, position);
        let lines = 0;
        for (let at = buffer.indexOf(10); at !== -1 && at < n; at = buffer.indexOf(10, at + 1)) lines++;
        if (lines > 0) bytesPerLine = Math.min(bytesPerLine, n / lines);
      }
    } finally {
      closeSync(fd);
    }
  }
  return (size / bytesPerLine) * 1.01 + 64;
}

interface RowSink {
  /** Consumes rows; `firstLine` is the 1-based line number of rows[0]. */
  consume(rows: readonly string[][], firstLine: number): void;
  finish(): ParsedFile;
}

function streamRows(file: string, layout: FileLayout, consume: RowSink['consume']): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = Readable.from(readTextChunks(file));
    let line = 1;
    let failure: unknown;
    let headerPending = layout.hasHeader;
    Papa.parse<string[]>(stream as unknown as File, {
      delimiter: ',',
      fastMode: !layout.quoted,
      header: false,
      dynamicTyping: false,
      skipEmptyLines: false,
      chunk(results, parser) {
        if (failure !== undefined) return;
        let rows = results.data;
        try {
          if (headerPending) {
            // Skip blank lines and the header line itself.
            let skip = 0;
            while (skip < rows.length && isBlank(rows[skip]!)) skip++;
            if (skip < rows.length) {
              headerPending = false;
              skip++;
            }
            rows = rows.slice(skip);
            line += skip;
          }
          consume(rows, line);
          line += rows.length;
        } catch (error) {
          failure = error;
          parser.abort();
          stream.destroy();
          reject(error);
        }
      },
      complete() {
        if (failure === undefined) resolve();
      },
      error(error: Error) {
        if (failure === undefined) {
          failure = error;
          reject(fileSystemError(file, error));
        }
      },
    });
  });
}

/**
 * The file as text in 64 KiB chunks, read synchronously into one reused buffer: the next chunk
 * is ready as soon as papaparse wants it (a file stream leaves the thread idle, waiting on the
 * I/O pool, for each chunk), and no buffer per chunk is left for the garbage collector.
 */
function* readTextChunks(file: string, size = 64 * 1024): Generator<string> {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(size);
  const decoder = new StringDecoder('utf8'); // keeps a character split across chunks whole
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, size, null);
      if (n <= 0) break;
      yield decoder.write(buffer.subarray(0, n));
    }
    const rest = decoder.end();
    if (rest !== '') yield rest;
  } finally {
    closeSync(fd);
  }
}

function isBlank(row: readonly string[]): boolean {
  return row.length === 1 && row[0]!.trim() === '';
}

/**
 * `+text`, except that an empty or blank field is NaN rather than 0, and so are hexadecimal,
 * binary and octal literals (`0x10` is not a price), which `+` would accept.
 */
function toNumber(text: string): number {
  const value = +text;
  if (value === 0) return text.trim() === '' ? Number.NaN : value;
  const second = text.charCodeAt(1) | 0x20; // lower case
  return second === 0x78 || second === 0x62 || second === 0x6f ? Number.NaN : value; // x, b, o
}

function numberProblem(value: number, what: 'price' | 'amount' | 'time'): string {
  if (Number.isNaN(value)) return what === 'time' ? 'not a time (epoch number or ISO date)' : 'not a number';
  if (!Number.isFinite(value)) return 'not a finite number';
  return what === 'price' ? 'a price must be above zero' : 'must not be negative';
}

/** Reads a file's time field: ISO text, or epoch numbers in s, ms or µs by magnitude. */
class TimeReader {
  /** How the first row's time was written. */
  unit: EpochUnit | 'iso' | undefined;
  constructor(private readonly isText: boolean) {
    this.unit = isText ? 'iso' : undefined;
  }

  /** Epoch ms, or NaN when the text is not a time. */
  read(text: string): number {
    if (this.isText) return parseIsoTime(text);
    const raw = toNumber(text);
    if (this.unit === undefined && Number.isFinite(raw)) this.unit = epochUnitOf(raw);
    return epochToMs(raw);
  }
}

/** Collects bad rows: throws at the first under `error`, counts them under `skip`. */
class BadRows {
  count = 0;
  readonly samples: BadRowSample[] = [];
  constructor(
    private readonly file: string,
    private readonly layout: FileLayout,
    private readonly policy: BadRowPolicy,
  ) {}

  /** A row with the wrong number of fields; blank lines are passed over. */
  wrongWidth(row: readonly string[], width: number, line: number): void {
    if (isBlank(row)) return;
    this.report(line, undefined, row.join(','), widthProblem(row, width));
  }

  throwNoRows(): never {
    throw new DataError(
      { file: this.file },
      this.count > 0 ? `no valid rows: all ${this.count} data rows are bad` : 'the file has no data rows',
    );
  }

  report(line: number, field: number | undefined, value: string | undefined, reason: string): void {
    const location = {
      file: this.file,
      line,
      ...(field === undefined ? {} : { column: field + 1, columnName: this.layout.columnNames[field] || '(unnamed)' }),
      ...(value === undefined ? {} : { value }),
    };
    if (this.policy === 'error') throw new DataError(location, reason);
    this.count++;
    if (this.samples.length < MAX_BAD_ROW_SAMPLES) this.samples.push({ line, message: formatDataError(location, reason) });
  }
}

function widthProblem(row: readonly string[], width: number): string {
  const found = row.length;
  const hint = found === 1 && /[;\t|]/.test(row[0]!) ? ' (is the file comma-separated?)' : found < width ? ' (a truncated line?)' : '';
  return `wrong column count: expected ${width}, found ${found}${hint}`;
}

function candleSink(file: string, layout: FileLayout, options: LoadOptions, estimatedRows: number): RowSink {
  const builder = new TableBuilder(CANDLE_COLUMNS, estimatedRows);
  const bad = new BadRows(file, layout, options.onBadRow ?? 'error');
  const f = layout.fields;
  const [fTime, fOpen, fHigh, fLow, fClose] = [layout.timeField, f.open!, f.high!, f.low!, f.close!];
  const optional = (['volume', 'closeTime', 'quoteVolume', 'tradeCount', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const).filter(
    (c) => (f[c] ?? -1) >= 0,
  );
  const optionalFields = optional.map((c) => f[c]!);
  const absent = CANDLE_COLUMNS.filter((c) => c !== 'openTime' && (f[c] ?? -1) < 0);
  const closeTimeSlot = optional.indexOf('closeTime');
  const width = layout.width;
  const times = new TimeReader(layout.timeIsText);
  let prevTime = Number.NEGATIVE_INFINITY;
  let prevLine = 0;

  const consume = (rows: readonly string[][], firstLine: number): void => {
    builder.ensure(rows.length);
    // Hoisted for the hot loop: the builder keeps these arrays while the chunk is written.
    const { openTime, open: opens, high: highs, low: lows, close: closes } = builder.columns;
    const optionalTargets = optional.map((column) => builder.columns[column]);
    const optionalCount = optional.length;
    let i = builder.rows;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const line = firstLine + r;
      if (row.length !== width) {
        bad.wrongWidth(row, width, line);
        continue;
      }
      const timeText = row[fTime]!;
      const time = times.read(timeText);
      if (!Number.isFinite(time)) {
        bad.report(line, fTime, timeText, numberProblem(time, 'time'));
        continue;
      }
      const open = toNumber(row[fOpen]!);
      const high = toNumber(row[fHigh]!);
      const low = toNumber(row[fLow]!);
      const close = toNumber(row[fClose]!);
      if (!(open > 0 && high > 0 && low > 0 && close > 0 && high < Infinity && low < Infinity && open < Infinity && close < Infinity)) {
        const field = [fOpen, fHigh, fLow, fClose].find((k) => !(toNumber(row[k]!) > 0 && toNumber(row[k]!) < Infinity))!;
        bad.report(line, field, row[field], numberProblem(toNumber(row[field]!), 'price'));
        continue;
      }
      if (high < low) {
        bad.report(line, fHigh, row[fHigh], `high below low (${row[fLow]})`);
        continue;
      }
      if (high < open || high < close) {
        bad.report(line, fHigh, row[fHigh], `high below ${high < open ? `open (${row[fOpen]})` : `close (${row[fClose]})`}`);
        continue;
      }
      if (low > open || low > close) {
        bad.report(line, fLow, row[fLow], `low above ${low > open ? `open (${row[fOpen]})` : `close (${row[fClose]})`}`);
        continue;
      }
      if (time <= prevTime) {
        const reason =
          time === prevTime
            ? `duplicate time ${formatIsoTime(time)} (line ${prevLine} has the same)`
            : `time not increasing: ${formatIsoTime(time)} is before line ${prevLine} (${formatIsoTime(prevTime)})`;
        bad.report(line, fTime, timeText, reason);
        continue;
      }
      // Optional columns are written in place as they are checked; the row counts only once
      // every check has passed, so a bad row's values are overwritten by the next row.
      let optionalBad = -1;
      for (let k = 0; k < optionalCount; k++) {
        const v = toNumber(row[optionalFields[k]!]!);
        if (!(v >= 0 && v < Infinity)) {
          optionalBad = k;
          break;
        }
        optionalTargets[k]![i] = k === closeTimeSlot ? epochToMs(v) : v;
      }
      if (optionalBad >= 0) {
        const field = optionalFields[optionalBad]!;
        bad.report(line, field, row[field], numberProblem(toNumber(row[field]!), 'amount'));
        continue;
      }
      openTime[i] = time;
      opens[i] = open;
      highs[i] = high;
      lows[i] = low;
      closes[i] = close;
      i++;
      prevTime = time;
      prevLine = line;
    }
    builder.rows = i;
  };

  return {
    consume,
    finish: () => {
      if (builder.rows === 0) bad.throwNoRows();
      return {
        kind: 'candles',
        file,
        format: layout.format,
        hasHeader: layout.hasHeader,
        timeUnit: times.unit ?? 'ms',
        presentColumns: ['openTime', 'open', 'high', 'low', 'close', ...optional],
        badRows: bad.count,
        badRowSamples: bad.samples,
        table: withNaN(builder.finish(), absent),
      };
    },
  };
}

/** Columns the file does not have hold NaN. */
function withNaN(table: CandleTable, absent: readonly CandleColumn[]): CandleTable {
  for (const column of absent) table.columns[column].fill(Number.NaN);
  return table;
}

const SIDE_WORDS = new Map([
  ['buy', 1],
  ['sell', -1],
  ['b', 1],
  ['s', -1],
  ['', 0],
]);
const BUYER_MAKER_WORDS = new Map([
  ['true', -1],
  ['false', 1],
]);

function tradeSink(file: string, layout: FileLayout, options: LoadOptions, estimatedRows: number): RowSink {
  const builder = new TableBuilder(TRADE_COLUMNS, estimatedRows);
  const bad = new BadRows(file, layout, options.onBadRow ?? 'error');
  const f = layout.fields;
  const [fTime, fPrice, fQty, fId, fSide] = [layout.timeField, f.price!, f.qty!, f.id ?? -1, layout.sideField];
  const sideWords = layout.sideEncoding === 'is_buyer_maker' ? BUYER_MAKER_WORDS : SIDE_WORDS;
  const width = layout.width;
  const times = new TimeReader(layout.timeIsText);
  // Binance trade ids increase strictly; other sources' ids at least never repeat back to back.
  const idsIncrease = layout.format === 'binance-aggTrades' || layout.format === 'binance-trades';
  let prevTime = Number.NEGATIVE_INFINITY;
  let prevId = Number.NEGATIVE_INFINITY;
  let prevLine = 0;

  const consume = (rows: readonly string[][], firstLine: number): void => {
    builder.ensure(rows.length);
    const { time: timeColumn, price: prices, qty: qtys, side: sides, id: ids } = builder.columns;
    let i = builder.rows;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const line = firstLine + r;
      if (row.length !== width) {
        bad.wrongWidth(row, width, line);
        continue;
      }
      const timeText = row[fTime]!;
      const time = times.read(timeText);
      if (!Number.isFinite(time)) {
        bad.report(line, fTime, timeText, numberProblem(time, 'time'));
        continue;
      }
      const price = toNumber(row[fPrice]!);
      if (!(price > 0 && price < Infinity)) {
        bad.report(line, fPrice, row[fPrice], numberProblem(price, 'price'));
        continue;
      }
      const qty = toNumber(row[fQty]!);
      if (!(qty >= 0 && qty < Infinity)) {
        bad.report(line, fQty, row[fQty], numberProblem(qty, 'amount'));
        continue;
      }
      let side = 0;
      if (fSide >= 0) {
        const word = row[fSide]!;
        const mapped = sideWords.get(word) ?? sideWords.get(word.trim().toLowerCase());
        if (mapped === undefined) {
          const expected = layout.sideEncoding === 'is_buyer_maker' ? 'true or false' : 'buy or sell';
          bad.report(line, fSide, word, `expected ${expected}`);
          continue;
        }
        side = mapped;
      }
      let id = Number.NaN;
      if (fId >= 0) {
        id = toNumber(row[fId]!);
        if (!Number.isFinite(id)) {
          bad.report(line, fId, row[fId], 'not a number');
          continue;
        }
        if (id === prevId || (idsIncrease && id < prevId)) {
          const reason = id === prevId ? `duplicate trade id (line ${prevLine} has the same)` : `trade id not increasing (line ${prevLine} has ${prevId})`;
          bad.report(line, fId, row[fId], reason);
          continue;
        }
      }
      if (time < prevTime) {
        bad.report(line, fTime, timeText, `time not increasing: ${formatIsoTime(time)} is before line ${prevLine} (${formatIsoTime(prevTime)})`);
        continue;
      }
      timeColumn[i] = time;
      prices[i] = price;
      qtys[i] = qty;
      sides[i] = side;
      ids[i] = id;
      i++;
      prevId = id;
      prevTime = time;
      prevLine = line;
    }
    builder.rows = i;
  };

  return {
    consume,
    finish: () => {
      if (builder.rows === 0) bad.throwNoRows();
      const present = ['time', 'price', 'qty', ...(fSide >= 0 ? ['side'] : []), ...(fId >= 0 ? ['id'] : [])];
      return {
        kind: 'trades',
        file,
        format: layout.format,
        hasHeader: layout.hasHeader,
        timeUnit: times.unit ?? 'ms',
        presentColumns: present,
        badRows: bad.count,
        badRowSamples: bad.samples,
        table: builder.finish(),
      };
    },
  };
}
