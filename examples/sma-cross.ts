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
 */
import type { OrderIntentInput, PolicyContext, PolicyFactory } from '../src/index.js';

const smaCross: PolicyFactory = (params) => {
  const fast = Number(params.fast ?? 10);
  const slow = Number(params.slow ?? 30);
  if (!Number.isInteger(fast) || !Number.isInteger(slow) || fast < 1 || slow <= fast) {
    throw new Error(`need whole numbers 1 ≤ fast < slow, got fast=${params.fast ?? fast} slow=${params.slow ?? slow}`);
  }
  // Running sums over the last `fast` and `slow` closes: O(1) per bar.
  let fastSum = 0;
  let slowSum = 0;
  let seen = 0; // bars this policy has summed (the replay may start after the data does)
  let previousDiff = Number.NaN;
  return {
    name: `sma-cross(${fast},${slow})`,
    onBar(ctx: PolicyContext) {
      const { history } = ctx;
      seen++;
      fastSum += ctx.close;
      slowSum += ctx.close;
      if (seen > fast) fastSum -= history.close(fast);
      if (seen > slow) slowSum -= history.close(slow);
      if (seen < slow) return undefined;
      const diff = fastSum / fast - slowSum / slow;
      const crossedUp = previousDiff <= 0 && diff > 0;
      const crossedDown = previousDiff >= 0 && diff < 0;
      previousDiff = diff;
      if (!crossedUp && !crossedDown) return undefined;
      const side = crossedUp ? 'long' : 'short';
      if (ctx.position?.side === side) return undefined;
      const orders: OrderIntentInput[] = [];
      if (ctx.position !== undefined) orders.push({ type: 'close' });
      orders.push({ type: 'open', side, fraction: 1, decision: { tag: crossedUp ? 'cross-up' : 'cross-down' } });
      return orders;
    },
  };
};

export default smaCross;
