/** Bins and state codes. */
import { describe, expect, it } from 'vitest';
import { StateSpace, binOf } from '../../src/agents/state-space.js';

describe('binOf', () => {
  it('counts the edges at or below the value', () => {
    const edges = [0.25, 0.5, 0.75];
    expect([0, 0.2499, 0.25, 0.4, 0.5, 0.74, 0.75, 1].map((v) => binOf(v, edges))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(binOf(-0.9, [-0.2, 0.2])).toBe(0);
    expect(binOf(0, [-0.2, 0.2])).toBe(1);
    expect(binOf(0.7, [])).toBe(0);
  });
});

describe('StateSpace', () => {
  const space = new StateSpace([
    { name: 'regime', categories: ['TREND', 'RANGE', 'BREAKOUT', 'MEAN_REVERSION'] },
    { name: 'volatility', edges: [0.25, 0.5, 0.75] },
    { name: 'pressure', edges: [-0.2, 0.2] },
  ]);

  it('codes a tuple of bins as one number and back', () => {
    expect(space.radices).toEqual([4, 4, 3]);
    expect(space.size).toBe(48);
    const code = space.encode([2, 3, 1]);
    expect(code).toBe(2 * 12 + 3 * 3 + 1);
    expect(space.decode(code)).toEqual([2, 3, 1]);
    expect(space.key(code)).toBe('2|3|1');
    expect(space.parseKey('2|3|1')).toBe(code);
    expect(space.describe(code)).toBe('regime=BREAKOUT volatility≥0.75 pressure∈[-0.2,0.2)');
    const seen = new Set<number>();
    for (let r = 0; r < 4; r++) for (let v = 0; v < 4; v++) for (let p = 0; p < 3; p++) seen.add(space.encode([r, v, p]));
    expect(seen.size).toBe(48);
  });

  it('says what does not fit in a stored key', () => {
    expect(() => space.parseKey('1|2')).toThrow(/has 2 bins, this state has 3 features \(regime, volatility, pressure\)/);
    expect(() => space.parseKey('1|4|0')).toThrow(/bin 4 of volatility is not one of 0…3/);
    expect(() => space.parseKey('1|x|0')).toThrow(/bin x of volatility/);
  });
});
