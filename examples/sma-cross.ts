/**
 * SMA crossover, long and short: the template for your own policy.
 *
 *   replaylab replay --candles data.csv --policy examples/sma-cross.ts --param fast=10 --param slow=30
 *
 * A policy module's default export is a function that takes the `--param` values and returns a
 * `Policy`. `onBar(ctx)` runs at each bar's close and sees only bars up to it; the orders it
 * returns fill at the next bar's open, in the order returned.
 *
 * Here: when the fast simple moving average of the close crosses above the slow one, close any
 * short and go long with all available equity; when it crosses below, close any long and go short.
 *
 * Running state lives in the fields of a class: V8 updates numbers in object fields in place,
 * while numbers kept in closure variables are re-allocated on every change (twice as slow here).
 */
import type { OrderIntentInput, Policy, PolicyContext, PolicyFactory, PolicyOutput } from '../src/index.js';

class SmaCross implements Policy {
  readonly name: string;
  // Running sums over the last `fast` and `slow` closes: O(1) per bar.
  private fastSum = 0;
  private slowSum = 0;
  private seen = 0; // bars summed so far (the replay may start after the data does)
  private previousDiff = Number.NaN;

  constructor(
    private readonly fast: number,
    private readonly slow: number,
  ) {
    this.name = `sma-cross(${fast},${slow})`;
  }

  onBar(ctx: PolicyContext): PolicyOutput {
    const close = ctx.close;
    const history = ctx.history;
    this.seen++;
    this.fastSum += close;
    this.slowSum += close;
    if (this.seen > this.fast) this.fastSum -= history.close(this.fast);
    if (this.seen > this.slow) this.slowSum -= history.close(this.slow);
    if (this.seen < this.slow) return undefined;
    const diff = this.fastSum / this.fast - this.slowSum / this.slow;
    const previous = this.previousDiff;
    this.previousDiff = diff;
    const crossedUp = previous <= 0 && diff > 0;
    const crossedDown = previous >= 0 && diff < 0;
    if (!crossedUp && !crossedDown) return undefined;
    const side = crossedUp ? 'long' : 'short';
    const position = ctx.position;
    if (position?.side === side) return undefined;
    const open: OrderIntentInput = { type: 'open', side, fraction: 1, decision: { tag: crossedUp ? 'cross-up' : 'cross-down' } };
    return position === undefined ? open : [{ type: 'close' }, open];
  }
}

const smaCross: PolicyFactory = (params) => {
  const fast = Number(params.fast ?? 10);
  const slow = Number(params.slow ?? 30);
  if (!Number.isInteger(fast) || !Number.isInteger(slow) || fast < 1 || slow <= fast) {
    throw new Error(`need whole numbers 1 ≤ fast < slow, got fast=${params.fast ?? fast} slow=${params.slow ?? slow}`);
  }
  return new SmaCross(fast, slow);
};

export default smaCross;
