/**
 * The columnar store: every column of a table is a `Float64Array` view into one
 * `SharedArrayBuffer`, so worker threads read the same memory without copies.
 */

/** Columns of a candle table. Times are epoch milliseconds (open time of the bar). */
export const CANDLE_COLUMNS = [
  'openTime',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'closeTime',
  'quoteVolume',
  'tradeCount',
  'takerBuyVolume',
  'takerBuyQuoteVolume',
] as const;
export type CandleColumn = (typeof CANDLE_COLUMNS)[number];

/**
 * Columns of a trade table. `time` is epoch ms (fractional for microsecond sources); `side` is
 * the taker's side, +1 buy, -1 sell, 0 unknown (a buyer-maker trade is a taker sell); `id` is NaN
 * when the source has none.
 */
export const TRADE_COLUMNS = ['time', 'price', 'qty', 'side', 'id'] as const;
export type TradeColumn = (typeof TRADE_COLUMNS)[number];

export type ColumnName = CandleColumn | TradeColumn;

/** A table of `rows` rows whose columns share one buffer. */
export interface ColumnTable<C extends string> {
  readonly rows: number;
  readonly columns: { readonly [K in C]: Float64Array };
  /** The buffer behind every column (shared across threads). */
  readonly buffer: SharedArrayBuffer;
}

export type CandleTable = ColumnTable<CandleColumn>;
export type TradeTable = ColumnTable<TradeColumn>;

const BYTES = Float64Array.BYTES_PER_ELEMENT;

/**
 * Where derived columns (market features, strategy signals, model scores, trade ranges) are
 * allocated: in this thread's memory (PRIVATE_COLUMNS, the default), or in SharedArrayBuffers
 * (SHARED_COLUMNS) when a runner's workers share them: posted to another thread, a shared column is
 * shared, not copied. Columns that soon become garbage belong in private memory: V8 does not count
 * shared buffers towards the memory that prompts a garbage collection.
 */
export interface ColumnAllocator {
  float64(length: number): Float64Array;
  int8(length: number): Int8Array;
  uint8(length: number): Uint8Array;
}

export const PRIVATE_COLUMNS: ColumnAllocator = {
  float64: (length) => new Float64Array(length),
  int8: (length) => new Int8Array(length),
  uint8: (length) => new Uint8Array(length),
};

export const SHARED_COLUMNS: ColumnAllocator = {
  float64: (length) => new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT)),
  int8: (length) => new Int8Array(new SharedArrayBuffer(length)),
  uint8: (length) => new Uint8Array(new SharedArrayBuffer(length)),
};

/** Lays out `names.length` columns of `capacity` rows each in one new shared buffer. */
export function allocateTable<C extends string>(
  names: readonly C[],
  capacity: number,
  rows = capacity,
): ColumnTable<C> {
  const buffer = new SharedArrayBuffer(Math.max(1, names.length * capacity) * BYTES);
  return viewTable(names, buffer, capacity, rows);
}

/** Views over an existing buffer laid out column after column with `stride` rows per column. */
export function viewTable<C extends string>(
  names: readonly C[],
  buffer: SharedArrayBuffer,
  stride: number,
  rows: number,
): ColumnTable<C> {
  const columns = {} as Record<C, Float64Array>;
  names.forEach((name, index) => {
    columns[name] = new Float64Array(buffer, index * stride * BYTES, rows);
  });
  return { rows, columns, buffer };
}

/**
 * A table being filled row by row whose size is not known up front: it starts from an estimate
 * and, when that was short, grows by a tenth at a time (an estimate from a file's head is off by
 * a little, not by half; growing by half would leave a third of the buffer unused).
 */
export class TableBuilder<C extends string> {
  readonly names: readonly C[];
  /** Column arrays of length `capacity`; write row `rows` then call `commit()`. */
  columns: Record<C, Float64Array>;
  rows = 0;
  private capacity: number;
  private buffer: SharedArrayBuffer;

  constructor(names: readonly C[], estimatedRows: number) {
    this.names = names;
    this.capacity = Math.max(16, Math.ceil(estimatedRows));
    const table = allocateTable(names, this.capacity);
    this.buffer = table.buffer;
    this.columns = { ...table.columns };
  }

  /** Makes room for one more row; call before writing row `rows`. */
  reserve(): void {
    if (this.rows < this.capacity) return;
    this.grow(this.rows + 1);
  }

  /**
   * Makes room for `count` more rows, so that `columns` stays the same while they are written.
   * Returns true when the columns moved to a larger buffer.
   */
  ensure(count: number): boolean {
    if (this.rows + count <= this.capacity) return false;
    this.grow(this.rows + count);
    return true;
  }

  private grow(needed: number): void {
    const capacity = Math.max(needed, Math.ceil(this.capacity * 1.1) + 1024);
    const next = allocateTable(this.names, capacity);
    for (const name of this.names) next.columns[name].set(this.columns[name].subarray(0, this.rows));
    this.buffer = next.buffer;
    this.columns = { ...next.columns };
    this.capacity = capacity;
  }

  /** The filled rows. Views keep the builder's buffer (up to the estimate's slack is unused). */
  finish(): ColumnTable<C> {
    return viewTable(this.names, this.buffer, this.capacity, this.rows);
  }
}

/** Rows [start, end) of a table as views into the same buffer (no copy). */
export function sliceTable<C extends string>(
  table: ColumnTable<C>,
  names: readonly C[],
  start: number,
  end: number,
): ColumnTable<C> {
  const columns = {} as Record<C, Float64Array>;
  for (const name of names) columns[name] = table.columns[name].subarray(start, end);
  return { rows: Math.max(0, end - start), columns, buffer: table.buffer };
}

/** Concatenates tables in the order given into one new shared buffer. */
export function concatTables<C extends string>(
  names: readonly C[],
  tables: readonly ColumnTable<C>[],
): ColumnTable<C> {
  if (tables.length === 1) return tables[0]!;
  const rows = tables.reduce((sum, t) => sum + t.rows, 0);
  const out = allocateTable(names, rows);
  let offset = 0;
  for (const table of tables) {
    for (const name of names) out.columns[name].set(table.columns[name], offset);
    offset += table.rows;
  }
  return out;
}

/** Bytes held by a table's columns (rows × columns × 8). */
export function tableBytes<C extends string>(table: ColumnTable<C>, names: readonly C[]): number {
  return table.rows * names.length * BYTES;
}
