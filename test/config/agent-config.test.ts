/** The agents section: defaults as DESIGN §6 gives them, names in step with the signals, bin edges checked. */
import { describe, expect, it } from 'vitest';
import { REGIME_IDS, STRATEGY_IDS } from '../../src/config/agent-config.js';
import { defaultConfig, resolveConfig } from '../../src/config/run-config.js';
import { REGIMES } from '../../src/data/generator.js';
import { STRATEGY_NAMES } from '../../src/signals/strategies.js';

describe('agents config', () => {
  it('names the same strategies and regimes as the signals and features', () => {
    expect([...STRATEGY_IDS]).toEqual([...STRATEGY_NAMES]);
    expect([...REGIME_IDS]).toEqual([...REGIMES]);
  });

  it('defaults to the action spaces of DESIGN §6: 3 × 4 × 5 = 60 meta actions, 5 × 8 = 40 sizing actions, RL v1 4 × 5 = 20', () => {
    const { agents, models } = defaultConfig();
    expect(agents.v2.strategies.length * models.names.length * agents.v2.weights.length).toBe(60);
    expect(agents.v2.sizeMultipliers).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(agents.v2.leverages).toEqual([1, 3, 5, 8, 10, 15, 20, 25]);
    expect(models.names.length * agents.v1.weights.length).toBe(20);
    for (const q of [agents.v2.meta, agents.v2.sizing, agents.v1.q]) expect(q).toEqual({ alpha: 0.01, gamma: 0.99, epsilon: 0.1, epsilonDecay: 0.9995, epsilonMin: 0.01 });
  });

  it('a partial regime table keeps the other regimes’ defaults', () => {
    const { regimeMask } = resolveConfig({ agents: { v2: { regimeMask: { TREND: [] } } } }).agents.v2;
    expect(regimeMask).toEqual({ TREND: [], RANGE: ['breakout'], BREAKOUT: ['mean_reversion'], MEAN_REVERSION: ['dual_momentum'] });
  });

  it('refuses bin edges that do not fit the feature, naming the field', () => {
    expect(() => resolveConfig({ agents: { v2: { metaBins: { volatility: [0.5, 0.2] } } } })).toThrow(/agents\.v2\.metaBins\.volatility: edges must be strictly increasing, got 0\.5 then 0\.2/);
    expect(() => resolveConfig({ agents: { v2: { sizingBins: { equityCurveSlope: [-1.5, 0] } } } })).toThrow(/agents\.v2\.sizingBins\.equityCurveSlope: edge -1\.5 is outside the feature's range \(-1, 1\)/);
    expect(() => resolveConfig({ agents: { v1: { bins: { confidence: [1] } } } })).toThrow(/agents\.v1\.bins\.confidence: edge 1 is outside/);
    expect(() => resolveConfig({ agents: { v2: { leverages: [1, 3, 3] } } })).toThrow(/agents\.v2\.leverages: values must be distinct/);
    expect(() => resolveConfig({ agents: { v2: { metaBins: { regime: [0.5] } } } })).toThrow(/agents\.v2\.metaBins.*regime/);
  });
});
