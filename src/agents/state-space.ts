/**
 * Binned states. A state is a tuple of bins, one per feature: a categorical feature (the regime)
 * takes its category's index; a continuous one the number of edges at or below its value
 * (value < edges[0] → 0, edges[k−1] ≤ value < edges[k] → k, value ≥ the last edge → edges.length).
 * In memory the tuple is one whole number (mixed radix); on disk it is the bins joined by `|`,
 * with the features and their edges written beside it so a table explains itself.
 */
import { InputError } from '../data/errors.js';

export type StateFeature =
  | { readonly name: string; readonly categories: readonly string[] }
  | { readonly name: string; readonly edges: readonly number[] };

/** Bin of a value given sorted edges. */
export function binOf(value: number, edges: readonly number[]): number {
  let bin = 0;
  while (bin < edges.length && value >= edges[bin]!) bin++;
  return bin;
}

export class StateSpace {
  readonly radices: readonly number[];
  readonly size: number;

  constructor(readonly features: readonly StateFeature[]) {
    this.radices = features.map((f) => ('categories' in f ? f.categories.length : f.edges.length + 1));
    this.size = this.radices.reduce((product, r) => product * r, 1);
  }

  /** The state code of a tuple of bins. */
  encode(bins: ArrayLike<number>): number {
    let code = 0;
    for (let f = 0; f < this.radices.length; f++) code = code * this.radices[f]! + bins[f]!;
    return code;
  }

  decode(code: number): number[] {
    const bins = new Array<number>(this.radices.length);
    for (let f = this.radices.length - 1; f >= 0; f--) {
      const r = this.radices[f]!;
      bins[f] = code % r;
      code = Math.floor(code / r);
    }
    return bins;
  }

  /** `2|0|1|…`: the bins of a state code, as a table file stores them. */
  key(code: number): string {
    return this.decode(code).join('|');
  }

  /** The state code of a stored key; throws a plain Error saying what does not fit. */
  parseKey(key: string): number {
    const parts = key.split('|');
    if (parts.length !== this.radices.length) {
      throw new Error(`state "${key}" has ${parts.length} bins, this state has ${this.radices.length} features (${this.features.map((f) => f.name).join(', ')})`);
    }
    const bins = parts.map((part, f) => {
      const bin = /^\d+$/.test(part) ? Number(part) : Number.NaN;
      if (!(bin < this.radices[f]!)) throw new Error(`state "${key}": bin ${part} of ${this.features[f]!.name} is not one of 0…${this.radices[f]! - 1}`);
      return bin;
    });
    return this.encode(bins);
  }

  /** Readable bin labels of a state, e.g. `regime=TREND volatility≥0.75`. */
  describe(code: number): string {
    return this.decode(code)
      .map((bin, f) => {
        const feature = this.features[f]!;
        if ('categories' in feature) return `${feature.name}=${feature.categories[bin]}`;
        const { edges } = feature;
        if (edges.length === 0) return `${feature.name}=any`;
        if (bin === 0) return `${feature.name}<${edges[0]}`;
        if (bin === edges.length) return `${feature.name}≥${edges[bin - 1]}`;
        return `${feature.name}∈[${edges[bin - 1]},${edges[bin]})`;
      })
      .join(' ');
  }
}

/** Two state layouts are the same (same features, categories and edges, in order). */
export function sameFeatures(a: readonly StateFeature[], b: readonly StateFeature[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function describeFeatures(features: readonly StateFeature[]): string {
  return features.map((f) => ('categories' in f ? `${f.name} {${f.categories.join(', ')}}` : `${f.name} [${f.edges.join(', ')}]`)).join('; ');
}

/** A state space whose size fits safely in a number. */
export function checkedStateSpace(features: readonly StateFeature[], agent: string): StateSpace {
  const space = new StateSpace(features);
  if (!Number.isSafeInteger(space.size)) throw new InputError(`${agent}: the state space has too many bins (${space.size})`);
  return space;
}
