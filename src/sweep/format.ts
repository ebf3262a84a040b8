/** Numbers and plan facts as the sweep's reports and terminal table show them. */
import { valueText, type SweepAxis } from './axes.js';
import { axisSize, spaceSize } from './cells.js';
import type { SearchSpec } from './plan.js';

/** Fixed decimals; n/a for an undefined ratio, ∞ for an unbounded one. */
export function formatFigure(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'n/a';
  if (value === Number.POSITIVE_INFINITY) return '∞';
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  return value.toFixed(digits);
}

/** `0.01 – 0.05` */
export function formatRange(min: number, max: number, digits: number): string {
  return Number.isNaN(min) ? 'n/a' : `${formatFigure(min, digits)} – ${formatFigure(max, digits)}`;
}

/** `probability = 0.01, 0.05` or `alpha = 0.001 .. 0.1 (uniform)`. */
export function describeAxis(axis: SweepAxis): string {
  if (axis.kind === 'list') return `${axis.key} = ${axis.values.map(valueText).join(', ')}`;
  return `${axis.key} = ${axis.range.low} .. ${axis.range.high} (uniform${axis.range.integer ? ', whole numbers' : ''})`;
}

/** `grid of 4 cells (2 × 2)` or `random search: 12 of 60 cells (seed 1)`. */
export function describeSearch(search: SearchSpec, axes: readonly SweepAxis[], cells: number): string {
  const sizes = axes.map((axis) => (Number.isFinite(axisSize(axis)) ? String(axisSize(axis)) : '∞')).join(' × ');
  if (search.mode === 'grid') return `grid of ${cells} cell${cells === 1 ? '' : 's'} (${sizes})`;
  const size = spaceSize(axes);
  const of = Number.isFinite(size) ? `${size.toLocaleString('en-US')} (${sizes})` : `a continuous space (${sizes})`;
  return `random search: ${cells} distinct cells drawn from ${of} with seed ${search.seed}`;
}
