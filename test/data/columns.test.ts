import { describe, expect, it } from 'vitest';
import {
  CANDLE_COLUMNS,
  TRADE_COLUMNS,
  TableBuilder,
  allocateTable,
  concatTables,
  sliceTable,
  tableBytes,
  viewTable,
  type ColumnTable,
} from '../../src/data/columns.js';

const NAMES = ['a', 'b', 'c'] as const;
type Name = (typeof NAMES)[number];

/** A table whose row i holds a = i, b = 10 i, c = -i. */
function filled(rows: number, from = 0): ColumnTable<Name> {
  const table = allocateTable(NAMES, rows);
  for (let i = 0; i < rows; i++) {
    table.columns.a[i] = from + i;
    table.columns.b[i] = (from + i) * 10;
    table.columns.c[i] = -(from + i);
  }
  return table;
}

describe('allocateTable and viewTable', () => {
  it('lays columns out back to back in one SharedArrayBuffer', () => {
    const table = allocateTable(NAMES, 5);
    expect(table.rows).toBe(5);
    expect(table.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(table.buffer.byteLength).toBe(3 * 5 * 8);
    expect(table.columns.a.buffer).toBe(table.buffer);
    expect(table.columns.b.buffer).toBe(table.buffer);
    expect(table.columns.c.buffer).toBe(table.buffer);
    expect([table.columns.a.byteOffset, table.columns.b.byteOffset, table.columns.c.byteOffset]).toEqual([0, 40, 80]);
    expect(table.columns.a.length).toBe(5);
  });

  it('views an existing buffer with a stride larger than the rows', () => {
    const table = allocateTable(NAMES, 10);
    table.columns.b[0] = 42;
    table.columns.b[3] = 43;
    const view = viewTable(NAMES, table.buffer, 10, 4);
    expect(view.rows).toBe(4);
    expect(view.columns.b.length).toBe(4);
    expect(Array.from(view.columns.b)).toEqual([42, 0, 0, 43]);
    view.columns.c[1] = 7;
    expect(table.columns.c[1]).toBe(7);
  });

  it('counts the bytes the rows use', () => {
    expect(tableBytes(filled(7), NAMES)).toBe(7 * 3 * 8);
  });
});

describe('TableBuilder', () => {
  it('keeps every value when it grows past its estimate', () => {
    const builder = new TableBuilder(NAMES, 4);
    const firstBuffer = builder.finish().buffer;
    const rows = 1_000;
    for (let i = 0; i < rows; i++) {
      builder.reserve();
      builder.columns.a[builder.rows] = i;
      builder.columns.b[builder.rows] = i * 0.5;
      builder.columns.c[builder.rows] = -i;
      builder.rows++;
    }
    const table = builder.finish();
    expect(table.rows).toBe(rows);
    expect(table.buffer).not.toBe(firstBuffer);
    for (let i = 0; i < rows; i++) {
      if (table.columns.a[i] !== i || table.columns.b[i] !== i * 0.5 || table.columns.c[i] !== -i) {
        throw new Error(`row ${i} lost: ${table.columns.a[i]}, ${table.columns.b[i]}, ${table.columns.c[i]}`);
      }
    }
  });

  it('grows in blocks with ensure(), keeping the columns while a block is written', () => {
    const builder = new TableBuilder(NAMES, 16);
    expect(builder.ensure(10)).toBe(false);
    const before = builder.columns.a;
    for (let i = 0; i < 10; i++) builder.columns.a[builder.rows++] = i + 1;
    expect(builder.columns.a).toBe(before);
    expect(builder.ensure(100)).toBe(true);
    const after = builder.columns.a;
    for (let i = 0; i < 100; i++) after[builder.rows++] = 100 + i;
    const table = builder.finish();
    expect(table.rows).toBe(110);
    expect(Array.from(table.columns.a.subarray(0, 10))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(table.columns.a[10]).toBe(100);
    expect(table.columns.a[109]).toBe(199);
  });

  it('gives a finished table whose columns share one SharedArrayBuffer', () => {
    const builder = new TableBuilder(CANDLE_COLUMNS, 3);
    for (let i = 0; i < 40; i++) {
      builder.reserve();
      builder.columns.openTime[builder.rows] = i;
      builder.rows++;
    }
    const table = builder.finish();
    expect(table.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const name of CANDLE_COLUMNS) {
      expect(table.columns[name].buffer, name).toBe(table.buffer);
      expect(table.columns[name].length, name).toBe(40);
    }
    const offsets = CANDLE_COLUMNS.map((name) => table.columns[name].byteOffset);
    expect(new Set(offsets).size).toBe(CANDLE_COLUMNS.length);
    expect(table.columns.openTime[39]).toBe(39);
  });

  it('starts with room for at least 16 rows', () => {
    const builder = new TableBuilder(TRADE_COLUMNS, 0);
    expect(builder.ensure(16)).toBe(false);
    expect(builder.ensure(17)).toBe(true);
  });
});

describe('sliceTable', () => {
  it('is a view into the same memory, not a copy', () => {
    const table = filled(10);
    const slice = sliceTable(table, NAMES, 3, 7);
    expect(slice.rows).toBe(4);
    expect(slice.buffer).toBe(table.buffer);
    expect(slice.columns.a.buffer).toBe(table.buffer);
    expect(Array.from(slice.columns.a)).toEqual([3, 4, 5, 6]);
    expect(Array.from(slice.columns.b)).toEqual([30, 40, 50, 60]);
    slice.columns.c[0] = 999;
    expect(table.columns.c[3]).toBe(999);
    table.columns.a[6] = -1;
    expect(slice.columns.a[3]).toBe(-1);
  });

  it('gives an empty table for an empty range', () => {
    expect(sliceTable(filled(5), NAMES, 2, 2).rows).toBe(0);
  });
});

describe('concatTables', () => {
  it('joins tables in the order given into one new shared buffer', () => {
    const first = filled(3, 0);
    const second = filled(2, 100);
    const third = sliceTable(filled(6, 200), NAMES, 2, 5);
    const joined = concatTables(NAMES, [first, second, third]);
    expect(joined.rows).toBe(8);
    expect(joined.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(joined.buffer).not.toBe(first.buffer);
    expect(Array.from(joined.columns.a)).toEqual([0, 1, 2, 100, 101, 202, 203, 204]);
    expect(Array.from(joined.columns.b)).toEqual([0, 10, 20, 1000, 1010, 2020, 2030, 2040]);
    expect(Array.from(joined.columns.c)).toEqual([-0, -1, -2, -100, -101, -202, -203, -204]);
    for (const name of NAMES) expect(joined.columns[name].buffer).toBe(joined.buffer);
    // A copy: changing the sources leaves the result alone.
    first.columns.a[0] = 77;
    expect(joined.columns.a[0]).toBe(0);
  });

  it('returns a single table as it is', () => {
    const only = filled(4);
    expect(concatTables(NAMES, [only])).toBe(only);
  });

  it('skips empty tables', () => {
    const joined = concatTables(NAMES, [filled(2), sliceTable(filled(3), NAMES, 1, 1), filled(1, 50)]);
    expect(Array.from(joined.columns.a)).toEqual([0, 1, 50]);
  });
});
