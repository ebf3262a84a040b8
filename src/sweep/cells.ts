/**
 * The cells of a sweep: every combination of the axes' values (a grid), or K distinct combinations
 * drawn with a seeded `Rng` (random search). Grid cells come in odometer order, the last axis
 * turning fastest; random cells drawn from a finite space come in that same order, cells with a
 * continuous range in the order they were drawn.
 */
import { Rng } from '../config/random.js';
import { InputError } from '../data/errors.js';
import type { AxisRange, JsonValue, SweepAxis } from './axes.js';

export interface SweepCell {
  /** `c01`, `c02`, …: names the cell in results.csv and the summaries. */
  readonly id: string;
  /** The value of each axis, by key, in axis order. */
  readonly values: Readonly<Record<string, JsonValue>>;
}

/** How many values an axis takes (Infinity for a continuous range). */
export function axisSize(axis: SweepAxis): number {
  if (axis.kind === 'list') return axis.values.length;
  return axis.range.integer ? axis.range.high - axis.range.low + 1 : Number.POSITIVE_INFINITY;
}

/** The number of distinct cells (Infinity with a continuous range). */
export function spaceSize(axes: readonly SweepAxis[]): number {
  return axes.reduce((size, axis) => size * axisSize(axis), 1);
}

function axisValue(axis: SweepAxis, index: number): JsonValue {
  return axis.kind === 'list' ? axis.values[index]! : axis.range.low + index;
}

/** The cell at `index` of the space in odometer order (the last axis fastest). */
function cellAt(axes: readonly SweepAxis[], index: number): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  let rest = index;
  for (let a = axes.length - 1; a >= 0; a--) {
    const size = axisSize(axes[a]!);
    values[axes[a]!.key] = axisValue(axes[a]!, rest % size);
    rest = Math.floor(rest / size);
  }
  return Object.fromEntries(axes.map((axis) => [axis.key, values[axis.key]!]));
}

function named(cells: readonly Record<string, JsonValue>[]): SweepCell[] {
  const width = Math.max(2, String(cells.length).length);
  return cells.map((values, n) => ({ id: `c${String(n + 1).padStart(width, '0')}`, values }));
}

/** Caps a sweep at a size a machine can run and a summary can show. */
export const MAX_CELLS = 100_000;

export function gridCells(axes: readonly SweepAxis[]): SweepCell[] {
  for (const axis of axes) {
    if (axis.kind === 'range') throw new InputError(`--param ${axis.key}=${axis.range.low}..${axis.range.high}: a range needs --random K`);
  }
  const size = spaceSize(axes);
  if (size > MAX_CELLS) throw new InputError(`the grid has ${size.toLocaleString('en-US')} cells (more than ${MAX_CELLS.toLocaleString('en-US')}): draw some with --random K`);
  return named(Array.from({ length: size }, (_, index) => cellAt(axes, index)));
}

/** Six significant digits: a drawn 0.0312748… is run (and reported) as 0.0312748. */
function drawContinuous(range: AxisRange, rng: Rng): number {
  const x = Number((range.low + rng.next() * (range.high - range.low)).toPrecision(6));
  return Math.min(range.high, Math.max(range.low, x));
}

/**
 * K distinct cells. A finite space (lists and whole-number ranges) is sampled without replacement
 * by index (Floyd's algorithm, so a huge grid is never listed); with a continuous range (or a space
 * beyond 2^53 cells) every axis is drawn on its own and a cell already drawn is drawn again.
 */
export function randomCells(axes: readonly SweepAxis[], count: number, seed: number): SweepCell[] {
  if (!Number.isSafeInteger(count) || count < 1) throw new InputError(`--random must be a whole number of cells ≥ 1, got ${count}`);
  if (count > MAX_CELLS) throw new InputError(`--random ${count}: at most ${MAX_CELLS.toLocaleString('en-US')} cells`);
  const rng = new Rng(seed);
  const size = spaceSize(axes);
  if (size <= Number.MAX_SAFE_INTEGER) {
    if (count > size) {
      throw new InputError(`--random ${count}: the parameter space has only ${size.toLocaleString('en-US')} distinct cells; ask for at most ${size}, or drop --random for the whole grid`);
    }
    const chosen = new Set<number>();
    for (let j = size - count; j < size; j++) {
      const t = rng.int(0, j);
      chosen.add(chosen.has(t) ? j : t);
    }
    return named([...chosen].sort((a, b) => a - b).map((index) => cellAt(axes, index)));
  }
  const cells: Record<string, JsonValue>[] = [];
  const seen = new Set<string>();
  for (let attempt = 0; cells.length < count; attempt++) {
    if (attempt > 100 * count + 1_000) throw new InputError(`--random ${count}: could not draw that many distinct cells; widen the ranges or ask for fewer`);
    const values: Record<string, JsonValue> = {};
    for (const axis of axes) {
      if (axis.kind === 'list') values[axis.key] = axis.values[rng.int(0, axis.values.length - 1)]!;
      else values[axis.key] = axis.range.integer ? rng.int(axis.range.low, axis.range.high) : drawContinuous(axis.range, rng);
    }
    const id = JSON.stringify(values);
    if (seen.has(id)) continue;
    seen.add(id);
    cells.push(values);
  }
  return named(cells);
}
