/** The guide's stages and exploration levels at their boundaries. */
import { describe, expect, it } from 'vitest';
import { HIGH_RETURN_STD, STAGES, TABLE_TOO_LARGE_BYTES, WIDE_Q_RANGE, explorationLevel, stageOf } from '../../src/ops/guide.js';

describe('stageOf', () => {
  it('is early below 100 updates, active from 100 to 1000, mature beyond', () => {
    expect([0, 99, 100, 1000, 1001, 50_000].map((n) => stageOf(n).id)).toEqual(['early', 'early', 'active', 'active', 'mature', 'mature']);
  });

  it("holds the guide's Hyperparameter Guidelines table", () => {
    expect(STAGES.early).toMatchObject({ alpha: { low: 0.01, high: 0.02 }, gamma: { low: 0.95, high: 0.99 }, epsilon: { low: 0.2, high: 0.3 } });
    expect(STAGES.active).toMatchObject({ alpha: { low: 0.01, high: 0.015 }, gamma: { low: 0.98, high: 0.99 }, epsilon: { low: 0.1, high: 0.2 } });
    expect(STAGES.mature).toMatchObject({ alpha: { low: 0.001, high: 0.005 }, gamma: { low: 0.99, high: 0.999 }, epsilon: { low: 0.01, high: 0.05 } });
    expect(stageOf(47).healthLine).toBe('🌱 Early learning stage (< 100 updates)');
    expect(stageOf(500).healthLine).toBe('📚 Active learning (100-1000 updates)');
  });
});

describe('explorationLevel', () => {
  it("reads ε as the guide's Growth Expectations and Troubleshooting do", () => {
    const line = (epsilon: number) => explorationLevel(epsilon).line;
    expect(line(0.25)).toBe('⚠️  Agent not exploiting (ε > 0.2): always exploring');
    expect(line(0.2)).toBe('🔍 High exploration rate - still learning');
    expect(line(0.095)).toBe('🔍 High exploration rate - still learning'); // the guide's screen after 1 hour
    expect(line(0.075)).toBe('🔍 Reduced exploration, forming preferences'); // week 1: ~0.07-0.08
    expect(line(0.055)).toBe('✅ Mostly exploiting, occasional exploration'); // month 1: ~0.05-0.06
    expect(line(0.05)).toBe('✅ Highly exploitative, minimal exploration'); // month 3+: 0.01-0.05
    expect(explorationLevel(0.3).status).toBe('warn');
  });
});

describe('thresholds', () => {
  it('are the numbers the guide gives', () => {
    expect(TABLE_TOO_LARGE_BYTES).toBe(10 * 1024 * 1024);
    expect(WIDE_Q_RANGE).toBe(20); // "Q-values range from -10 to +10"
    expect(HIGH_RETURN_STD).toBe(10);
  });
});
