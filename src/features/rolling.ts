/**
 * Rolling-window building blocks for the causal features and strategies. Each takes one value per
 * bar and answers for the last `window` values: `LagBuffer` (the value k bars ago), `RollingStats`
 * (sum, mean, sample standard deviation), `RollingExtreme` (max or min) and `RankWindow`
 * (percentile rank in a sorted window). All are O(1) amortised per value except `RankWindow`: a
 * search that is short when the value moves little, and one memmove of up to `window` values.
 */

function checkWindow(window: number): void {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a whole number ≥ 1, got ${window}`);
}

/** The last `capacity` values pushed; `ago(k)` is the value pushed k pushes before the latest. */
export class LagBuffer {
  readonly capacity: number;
  private readonly values: Float64Array;
  private head = 0; // the slot the next push writes
  private pushed = 0;

  constructor(capacity: number) {
    checkWindow(capacity);
    this.capacity = capacity;
    this.values = new Float64Array(capacity);
  }

  push(value: number): void {
    this.values[this.head] = value;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.pushed++;
  }

  /** Values pushed so far (not capped at the capacity). */
  get count(): number {
    return this.pushed;
  }

  /** The value pushed `k` pushes before the latest (`ago(0)` is the latest); NaN when there is none. */
  ago(k: number): number {
    if (k < 0 || k >= this.capacity || k >= this.pushed) return Number.NaN;
    let slot = this.head - 1 - k;
    if (slot < 0) slot += this.capacity;
    return this.values[slot]!;
  }

  /** The oldest value held (the latest `capacity` pushes, or fewer at the start); NaN when empty. */
  oldest(): number {
    return this.ago(Math.min(this.pushed, this.capacity) - 1);
  }
}

/**
 * Sum, mean and sample standard deviation of the last `window` values (fewer at the start). The
 * sums are taken about a reference value near the data (so prices of 30,000 lose no precision to
 * cancellation) and recomputed from the ring each time it wraps, so rounding never drifts.
 */
export class RollingStats {
  readonly window: number;
  private readonly values: Float64Array;
  private head = 0;
  private filled = 0;
  private reference = 0;
  private shiftedSum = 0; // Σ (x − reference)
  private shiftedSquares = 0; // Σ (x − reference)²

  constructor(window: number) {
    checkWindow(window);
    this.window = window;
    this.values = new Float64Array(window);
  }

  push(value: number): void {
    if (this.filled === this.window) {
      const leaving = this.values[this.head]! - this.reference;
      this.shiftedSum -= leaving;
      this.shiftedSquares -= leaving * leaving;
    } else {
      if (this.filled === 0) this.reference = value;
      this.filled++;
    }
    this.values[this.head] = value;
    const entering = value - this.reference;
    this.shiftedSum += entering;
    this.shiftedSquares += entering * entering;
    if (++this.head === this.window) {
      this.head = 0;
      this.resync();
    }
  }

  /** Recomputes the sums exactly, about the current mean. */
  private resync(): void {
    const reference = this.reference + this.shiftedSum / this.filled;
    let sum = 0;
    let squares = 0;
    for (let k = 0; k < this.filled; k++) {
      const d = this.values[k]! - reference;
      sum += d;
      squares += d * d;
    }
    this.reference = reference;
    this.shiftedSum = sum;
    this.shiftedSquares = squares;
  }

  /** Values in the window (up to `window`). */
  get count(): number {
    return this.filled;
  }

  get full(): boolean {
    return this.filled === this.window;
  }

  get sum(): number {
    return this.reference * this.filled + this.shiftedSum;
  }

  /** NaN when empty. */
  get mean(): number {
    return this.reference + this.shiftedSum / this.filled;
  }

  /** Sample standard deviation (divisor n − 1); NaN with fewer than two values. */
  get sampleStd(): number {
    const n = this.filled;
    if (n < 2) return Number.NaN;
    const variance = (this.shiftedSquares - (this.shiftedSum * this.shiftedSum) / n) / (n - 1);
    return variance > 0 ? Math.sqrt(variance) : 0;
  }
}

/**
 * The highest (`'max'`) or lowest (`'min'`) of the last `window` values, by van Herk–Gil-Werman:
 * the pushes are cut into blocks of `window`; the last `window` values are a suffix of the
 * previous block and a prefix of the current one, so the answer is the larger of the previous
 * block's suffix extreme (computed once when the block completes) and the current block's running
 * prefix extreme. Three comparisons per value and no data-dependent branches.
 */
export class RollingExtreme {
  readonly window: number;
  /** Values times `sign`, so that one `Math.max` serves max (+1) and min (−1). */
  private readonly sign: number;
  private readonly block: Float64Array; // the current block's values
  private readonly suffix: Float64Array; // suffix[o] = extreme of the previous block's values o..window−1
  private offset = 0; // where the next value goes in the current block
  private prefix = Number.NEGATIVE_INFINITY; // extreme of the current block so far
  private pushed = 0;
  private current = Number.NaN;

  constructor(window: number, kind: 'max' | 'min') {
    checkWindow(window);
    this.window = window;
    this.sign = kind === 'max' ? 1 : -1;
    this.block = new Float64Array(window);
    this.suffix = new Float64Array(window + 1).fill(Number.NEGATIVE_INFINITY);
  }

  push(value: number): void {
    const signed = this.sign * value;
    const offset = this.offset;
    this.block[offset] = signed;
    this.prefix = Math.max(this.prefix, signed);
    // suffix[window] is −∞, so a full block (and the first one) reads just the prefix.
    this.current = this.sign * Math.max(this.suffix[offset + 1]!, this.prefix);
    this.pushed++;
    if (offset + 1 < this.window) {
      this.offset = offset + 1;
      return;
    }
    let extreme = Number.NEGATIVE_INFINITY;
    for (let k = this.window - 1; k >= 0; k--) {
      extreme = Math.max(extreme, this.block[k]!);
      this.suffix[k] = extreme;
    }
    this.offset = 0;
    this.prefix = Number.NEGATIVE_INFINITY;
  }

  /** Values pushed so far (not capped at the window). */
  get count(): number {
    return this.pushed;
  }

  get full(): boolean {
    return this.pushed >= this.window;
  }

  /** The extreme of the last `window` values (of all of them at the start); NaN when empty. */
  get value(): number {
    return this.current;
  }
}

/**
 * The percentile rank of each new value among the last `window` values (itself included): a
 * sorted copy of the window is kept, updated by one `copyWithin` per push. Both searches (where
 * the leaving value sits, where the new one goes) start from where the previous one ended, as a
 * rolling statistic moves little from bar to bar.
 * Rank = (values below x + ½ · values equal to x) / values in the window, the mid-rank: a lone
 * value ranks 0.5, the highest of n distinct values (n − ½)/n, the lowest ½/n.
 */
export class RankWindow {
  readonly window: number;
  private readonly sorted: Float64Array;
  private readonly arrival: Float64Array; // ring in push order, to know which value leaves
  private head = 0;
  private filled = 0;
  private insertHint = 0;
  private removeHint = 0;

  constructor(window: number) {
    checkWindow(window);
    this.window = window;
    this.sorted = new Float64Array(window);
    this.arrival = new Float64Array(window);
  }

  /** Adds `value` (dropping the oldest when the window is full) and returns its rank in [0, 1]. */
  push(value: number): number {
    if (Number.isNaN(value)) throw new RangeError('RankWindow: cannot rank NaN');
    const position = this.filled < this.window ? this.insert(value) : this.replaceOldest(value);
    this.insertHint = position;
    this.arrival[this.head] = value;
    if (++this.head === this.window) this.head = 0;
    const sorted = this.sorted;
    let above = position + 1;
    while (above < this.filled && sorted[above] === value) above++;
    // `position` is the lower bound, so the values equal to `value` are [position, above).
    return (position + 0.5 * (above - position)) / this.filled;
  }

  /** While the window fills: puts `value` in sorted order and returns where. */
  private insert(value: number): number {
    const sorted = this.sorted;
    const filled = this.filled;
    const position = lowerBoundNear(sorted, filled, value, this.insertHint);
    if (position < filled) sorted.copyWithin(position + 1, position, filled);
    sorted[position] = value;
    this.filled = filled + 1;
    return position;
  }

  /** Once full: removes the oldest value, puts `value` in sorted order and returns where. */
  private replaceOldest(value: number): number {
    const sorted = this.sorted;
    const filled = this.filled;
    const leaving = this.arrival[this.head]!;
    const from = lowerBoundNear(sorted, filled, leaving, this.removeHint); // an equal value: any one will do
    let position = lowerBoundNear(sorted, filled, value, this.insertHint);
    // One move closes the leaving value's slot and opens the new value's.
    if (position > from) {
      position--; // (from, position) slides down over the leaving value
      if (position > from) sorted.copyWithin(from, from + 1, position + 1);
    } else if (position < from) {
      sorted.copyWithin(position + 1, position, from);
    }
    sorted[position] = value;
    this.removeHint = from;
    return position;
  }

  get count(): number {
    return this.filled;
  }
}

/**
 * First index in sorted[0, length) whose value is not below `value`, found by stepping from `hint`
 * eight places at a time and then one at a time: a rolling statistic's rank moves a few places per
 * bar, and a short predictable scan beats a halving search's mispredicted branches.
 */
function lowerBoundNear(sorted: Float64Array, length: number, value: number, hint: number): number {
  let k = hint < length ? hint : length;
  if (k < length && sorted[k]! < value) {
    while (k + 8 < length && sorted[k + 8]! < value) k += 8;
    k++;
    while (k < length && sorted[k]! < value) k++;
  } else {
    while (k >= 8 && sorted[k - 8]! >= value) k -= 8;
    while (k > 0 && sorted[k - 1]! >= value) k--;
  }
  return k;
}
