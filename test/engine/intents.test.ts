/** The hand-written fast check of order intents agrees with the schema that defines them. */
import { describe, expect, it } from 'vitest';
import { plainIntent } from '../../src/engine/replay.js';
import { OrderIntentSchema } from '../../src/policies/policy.js';

const dropUndefined = (value: object) => JSON.parse(JSON.stringify(value)) as unknown;

const candidates: unknown[] = [
  { type: 'close' },
  { type: 'close', extra: 1 },
  { type: 'open', side: 'long', fraction: 1 },
  { type: 'open', side: 'short', quantity: 3, leverage: 5, stopLoss: 0.02, takeProfit: 0.04, maxBars: 10 },
  { type: 'open', side: 'long', fraction: 0.5, decision: { strategy: 'breakout', model: 'xgb', weight: 0.4, sizeMultiplier: 0.6, leverage: 3, score: 0.7, tag: 'x' } },
  { type: 'open', side: 'long', fraction: 0.5, decision: { strategy: 3 } },
  { type: 'open', side: 'long', fraction: 0.5, decision: { colour: 'red' } },
  { type: 'open', side: 'long', fraction: 0.5, decision: { weight: Number.NaN } },
  { type: 'open', side: 'up', fraction: 1 },
  { type: 'open', side: 'long' },
  { type: 'open', side: 'long', fraction: 1, quantity: 1 },
  { type: 'open', side: 'long', fraction: 0 },
  { type: 'open', side: 'long', fraction: 1.5 },
  { type: 'open', side: 'long', quantity: -1 },
  { type: 'open', side: 'long', quantity: Number.POSITIVE_INFINITY },
  { type: 'open', side: 'long', fraction: 1, leverage: 0.5 },
  { type: 'open', side: 'long', fraction: 1, leverage: 126 },
  { type: 'open', side: 'long', fraction: 1, stopLoss: 1 },
  { type: 'open', side: 'long', fraction: 1, stopLoss: 0 },
  { type: 'open', side: 'long', fraction: 1, takeProfit: 0 },
  { type: 'open', side: 'long', fraction: 1, maxBars: 1.5 },
  { type: 'open', side: 'long', fraction: 1, maxBars: 0 },
  { type: 'open', side: 'long', fraction: 1, size: 1 },
  { type: 'open', side: 'long', fraction: '1' },
  { type: 'buy' },
  null,
  42,
  'close',
];

describe('plainIntent', () => {
  it.each(candidates.map((c) => [JSON.stringify(c) ?? String(c), c]))('%s', (_label, candidate) => {
    const quick = plainIntent(candidate);
    const parsed = OrderIntentSchema.safeParse(candidate);
    // The fast path may decline (the schema decides), but what it accepts the schema accepts, identically.
    if (quick !== undefined) {
      expect(parsed.success).toBe(true);
      expect(dropUndefined(quick)).toEqual(dropUndefined(parsed.data!));
    }
    // Every well-formed common intent takes the fast path.
    if (parsed.success) expect(quick).toBeDefined();
  });

  it('copies the intent: a policy changing its object later changes nothing queued', () => {
    const mine = { type: 'open', side: 'long', fraction: 1 } as const;
    const copy = plainIntent(mine);
    expect(copy).not.toBe(mine);
    expect(copy).toMatchObject({ type: 'open', side: 'long', fraction: 1, leverage: 1 });
  });
});
