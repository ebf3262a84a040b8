/** Grid and random cells: odometer order, seeded draws that are distinct and repeatable. */
import { describe, expect, it } from 'vitest';
import type { SweepAxis } from '../../src/sweep/axes.js';
import { gridCells, randomCells, spaceSize } from '../../src/sweep/cells.js';

const list = (key: string, values: (number | string)[]): SweepAxis => ({ key, target: 'policy', kind: 'list', values });
const range = (key: string, low: number, high: number): SweepAxis => ({
  key,
  target: 'policy',
  kind: 'range',
  range: { low, high, integer: Number.isInteger(low) && Number.isInteger(high) },
});

describe('gridCells', () => {
  it('is the cartesian product, the last axis turning fastest', () => {
    const cells = gridCells([list('a', [1, 2]), list('b', ['x', 'y', 'z'])]);
    expect(cells.map((c) => c.id)).toEqual(['c01', 'c02', 'c03', 'c04', 'c05', 'c06']);
    expect(cells.map((c) => c.values)).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 1, b: 'z' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 2, b: 'z' },
    ]);
  });

  it('pads ids to the number of cells, and refuses ranges', () => {
    const cells = gridCells([list('a', Array.from({ length: 120 }, (_, n) => n))]);
    expect(cells[0]!.id).toBe('c001');
    expect(cells[119]!.id).toBe('c120');
    expect(() => gridCells([range('a', 1, 5)])).toThrow('a range needs --random K');
  });
});

describe('randomCells', () => {
  const axes = [list('a', [1, 2, 3, 4]), list('b', [10, 20, 30]), list('c', ['p', 'q'])];
  const grid = gridCells(axes).map((c) => JSON.stringify(c.values));

  it('draws K distinct cells of the grid, the same for the same seed, in grid order', () => {
    const one = randomCells(axes, 7, 1);
    expect(one).toHaveLength(7);
    const drawn = one.map((c) => JSON.stringify(c.values));
    expect(new Set(drawn).size).toBe(7);
    for (const cell of drawn) expect(grid).toContain(cell);
    expect(drawn.map((c) => grid.indexOf(c))).toEqual([...drawn.map((c) => grid.indexOf(c))].sort((x, y) => x - y));
    expect(randomCells(axes, 7, 1)).toEqual(one);
    expect(randomCells(axes, 7, 2).map((c) => c.values)).not.toEqual(one.map((c) => c.values));
    expect(one.map((c) => c.id)).toEqual(['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07']);
  });

  it('gives the whole grid for K = N and refuses K > N', () => {
    expect(randomCells(axes, 24, 5).map((c) => JSON.stringify(c.values))).toEqual(grid);
    expect(() => randomCells(axes, 25, 5)).toThrow('--random 25: the parameter space has only 24 distinct cells');
    expect(() => randomCells(axes, 0, 5)).toThrow('--random must be a whole number');
  });

  it('samples a huge grid without listing it', () => {
    const big = Array.from({ length: 6 }, (_, n) => list(`k${n}`, Array.from({ length: 100 }, (_, v) => v)));
    expect(spaceSize(big)).toBe(1e12);
    const cells = randomCells(big, 50, 3);
    expect(new Set(cells.map((c) => JSON.stringify(c.values))).size).toBe(50);
  });

  it('draws ranges uniformly: whole numbers between whole ends, 6 significant digits otherwise', () => {
    const cells = randomCells([range('fast', 5, 20), range('rate', 0.0001, 0.001), list('side', ['long', 'short'])], 200, 9);
    expect(new Set(cells.map((c) => JSON.stringify(c.values))).size).toBe(200);
    const fast = cells.map((c) => c.values.fast as number);
    const rate = cells.map((c) => c.values.rate as number);
    for (const f of fast) expect(Number.isInteger(f) && f >= 5 && f <= 20).toBe(true);
    for (const r of rate) {
      expect(r).toBeGreaterThanOrEqual(0.0001);
      expect(r).toBeLessThanOrEqual(0.001);
      expect(Number(r.toPrecision(6))).toBe(r);
    }
    expect(Math.min(...fast)).toBe(5);
    expect(Math.max(...fast)).toBe(20);
    const meanRate = rate.reduce((a, b) => a + b, 0) / rate.length;
    expect(meanRate).toBeGreaterThan(0.0005);
    expect(meanRate).toBeLessThan(0.0006);
    expect(randomCells([range('fast', 5, 20), range('rate', 0.0001, 0.001), list('side', ['long', 'short'])], 200, 9)).toEqual(cells);
  });

  it('treats whole-number ranges as a finite space', () => {
    expect(spaceSize([range('a', 1, 3), list('b', [0, 1])])).toBe(6);
    expect(() => randomCells([range('a', 1, 3), list('b', [0, 1])], 7, 1)).toThrow('only 6 distinct cells');
    expect(randomCells([range('a', 1, 3), list('b', [0, 1])], 6, 1).map((c) => c.values)).toEqual([
      { a: 1, b: 0 },
      { a: 1, b: 1 },
      { a: 2, b: 0 },
      { a: 2, b: 1 },
      { a: 3, b: 0 },
      { a: 3, b: 1 },
    ]);
  });
});
