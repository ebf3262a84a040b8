/** The tuning rules, one by one and in precedence, on readings and evidence with known figures. */
import { describe, expect, it } from 'vitest';
import { adviseAgent, improvementOverTraining, type AgentEvidence } from '../../src/ops/tune-rules.js';
import { fakeReading } from '../helpers/qtables.js';

const noEvidence: AgentEvidence = { training: null, tradePnlPct: null, source: null, missing: 'no run folder around the tables' };

/** Evidence with trades (pnlPct in closing order) and, optionally, a training summary. */
function evidence(trades: number[] | null, training: Partial<NonNullable<AgentEvidence['training']>> = {}): AgentEvidence {
  return {
    training: { agent: 'rl-v2-meta', updatesThisRun: trades?.length ?? 0, rewards: trades?.length ?? 0, meanReward: 0.1, meanRewardTerms: {}, learning: null, ...training },
    tradePnlPct: trades,
    source: 'runs/x',
    missing: null,
  };
}

/** n trades alternating ±amplitude around `mean` (sample std ≈ amplitude). */
const alternating = (n: number, amplitude: number, mean = 0) => Array.from({ length: n }, (_, i) => mean + (i % 2 === 0 ? amplitude : -amplitude));
const recommended = (advice: ReturnType<typeof adviseAgent>) => [advice.parameters.alpha.recommended, advice.parameters.gamma.recommended, advice.parameters.epsilon.recommended];

describe('the stage rule (Hyperparameter Guidelines)', () => {
  it('moves each parameter outside the stage range to its nearest end, and keeps the others', () => {
    const early = adviseAgent(fakeReading('rl-v2-meta', { updates: 47, epsilon: 0.095 }), noEvidence);
    expect(early.stage).toBe('early');
    expect(recommended(early)).toEqual([0.01, 0.99, 0.2]);
    expect(early.rationale).toContain('[Meta Strategy] Raised ε from 0.095 to 0.2: Early Learning (47 updates): the guide\'s range is 0.2–0.3');
    expect(early.rationale).toContain("[Meta Strategy] α 0.01 is within the guide's Early Learning range 0.01–0.02: kept");

    const active = adviseAgent(fakeReading('rl-v2-sizing', { updates: 500, epsilon: 0.15, hyperparameters: { alpha: 0.02, gamma: 0.95, epsilon: 0.1, epsilonDecay: 0.9995, epsilonMin: 0.01 } }), noEvidence);
    expect(recommended(active)).toEqual([0.015, 0.98, 0.15]);
    expect(active.rationale[0]).toBe("[Position Sizing] Reduced α from 0.02 to 0.015: Active Learning (500 updates): the guide's range is 0.01–0.015");

    const mature = adviseAgent(fakeReading('rl-v2-meta', { updates: 5000, epsilon: 0.3 }), noEvidence);
    expect(recommended(mature)).toEqual([0.005, 0.99, 0.05]);
    expect(mature.rationale.at(-1)).toMatch(/Reduced ε from 0.3 to 0.05: .*above 0.2 the agent is not exploiting \(Troubleshooting\)/);
    expect(mature.findings.find((f) => f.id === 'exploration')!.triggered).toBe(true);
  });

  it('says the current hyperparameters are optimal when nothing changes', () => {
    const advice = adviseAgent(fakeReading('rl-v1', { updates: 300, epsilon: 0.12 }), noEvidence);
    expect(advice.changed).toBe(false);
    expect(advice.rationale).toHaveLength(3);
    expect(advice.rationale.every((line) => line.endsWith(': kept'))).toBe(true);
    // Without a run around the tables the rules that need it say so.
    expect(advice.findings.find((f) => f.id === 'rewardVariance')!).toEqual({ id: 'rewardVariance', triggered: null, detail: 'n/a: no run folder around the tables' });
  });
});

describe('the tips', () => {
  const active = fakeReading('rl-v2-meta', { updates: 400, epsilon: 0.12 });

  it('lowers γ to 0.95 when a discounted return of such rewards would spread beyond 10', () => {
    // σ 1.5 at γ 0.99: 1.5 / √(1 − 0.9801) = 10.63 > 10; σ 1.2: 8.51.
    const high = adviseAgent(active, evidence(alternating(200, 1.5)));
    expect(high.measures.returnStd).toBeCloseTo(1.5 * Math.sqrt(200 / 199) / Math.sqrt(1 - 0.99 ** 2), 10);
    expect(high.parameters.gamma).toEqual({ current: 0.99, recommended: 0.95, changed: true });
    expect(high.rationale.find((line) => line.includes('γ from'))).toMatch(/Reduced γ from 0.99 to 0.95: high variance in rewards: .* above 10 .*at γ 0.95 it is 4\.8/);
    const calm = adviseAgent(active, evidence(alternating(200, 1.2)));
    expect(calm.parameters.gamma.changed).toBe(false);
    expect(calm.findings.find((f) => f.id === 'rewardVariance')!.triggered).toBe(false);
  });

  it('raises α to 0.02 when the last third of the trades does not beat the first, and says so with its CI', () => {
    const worse = [...alternating(100, 0.5, 0.3), ...alternating(100, 0.5, 0), ...alternating(100, 0.5, -0.3)];
    const advice = adviseAgent(active, evidence(worse));
    expect(advice.measures.improvement!.point).toBeLessThan(0.5);
    expect(advice.parameters.alpha).toEqual({ current: 0.01, recommended: 0.02, changed: true });
    expect(advice.findings.find((f) => f.id === 'learning')!.detail).toMatch(/over 100 trades each: ≤ 0.5, not learning/);
    // On a mature agent the measured symptom takes precedence over the stage's range.
    const mature = adviseAgent(fakeReading('rl-v2-meta', { updates: 3000, epsilon: 0.03 }), evidence(worse));
    expect(mature.parameters.alpha.recommended).toBe(0.02);
    expect(mature.rationale.at(-1)).toMatch(/Raised α from 0.005 to 0.02: agent not learning: .*\(this takes precedence over the Mature Agent range\)/);
    const better = adviseAgent(active, evidence([...worse].reverse()));
    expect(better.measures.improvement!.low).toBeGreaterThan(0.5);
    expect(better.parameters.alpha.changed).toBe(false);
    expect(adviseAgent(active, evidence(alternating(89, 1))).findings.find((f) => f.id === 'learning')!.triggered).toBeNull();
  });

  it('raises ε to 0.2 when choices pile on one action per state while the reward is not above 0', () => {
    const concentrated = fakeReading('rl-v2-meta', { updates: 400, epsilon: 0.12, choiceConcentration: { states: 12, share: 0.85 } });
    const losing = adviseAgent(concentrated, evidence(null, { meanReward: -0.2 }));
    expect(losing.parameters.epsilon).toEqual({ current: 0.12, recommended: 0.2, changed: true });
    expect(losing.rationale.at(-1)).toMatch(/stuck in a local optimum: 85% of the choices in its 12 states/);
    expect(adviseAgent(concentrated, evidence(null, { meanReward: 0.2 })).parameters.epsilon.changed).toBe(false);
    expect(adviseAgent(concentrated, noEvidence).findings.find((f) => f.id === 'stuck')!.triggered).toBeNull();
  });

  it('lowers γ to 0.95 and α to 0.005 when Q-values span −10 to +10', () => {
    const wide = adviseAgent(fakeReading('rl-v2-meta', { updates: 400, epsilon: 0.12, qMin: -10, qMax: 10 }), noEvidence);
    expect(recommended(wide)).toEqual([0.005, 0.95, 0.12]);
    expect(adviseAgent(fakeReading('rl-v2-meta', { updates: 400, epsilon: 0.12, qMin: -9.9, qMax: 10 }), noEvidence).changed).toBe(false);
  });

  it('lowers α to 0.005 and ε to 0.01 when a mature agent is not converging, and only then', () => {
    const learning = { first: { updates: 500, meanAbsChange: 0.01, newStates: 40 }, last: { updates: 500, meanAbsChange: 0.012, newStates: 2 } };
    const mature = adviseAgent(fakeReading('rl-v2-meta', { updates: 1500, epsilon: 0.04 }), evidence(null, { learning }));
    expect(recommended(mature)).toEqual([0.005, 0.99, 0.01]);
    expect(mature.measures.convergenceRatio).toBeCloseTo(1.2, 12);
    expect(mature.rationale.at(-1)).toMatch(/Reduced ε from 0.04 to 0.01: mature but unstable: mean \|ΔQ\| per update 0.01000 → 0.01200/);
    const active = adviseAgent(fakeReading('rl-v2-meta', { updates: 900, epsilon: 0.12 }), evidence(null, { learning }));
    expect(active.changed).toBe(false);
    expect(active.findings.find((f) => f.id === 'convergence')!.triggered).toBe(true);
  });
});

describe('improvementOverTraining', () => {
  it('is P(a last-third trade beats a first-third one) with a seeded bootstrap CI, from 30 trades a third', () => {
    expect(improvementOverTraining(alternating(89, 1))).toBeNull();
    const rising = Array.from({ length: 90 }, (_, i) => i);
    expect(improvementOverTraining(rising)).toEqual({ interval: { point: 1, low: 1, high: 1 }, perThird: 30 });
    const noisy = Array.from({ length: 150 }, (_, i) => Math.sin(i * 7.3) + i / 150);
    expect(improvementOverTraining(noisy)).toEqual(improvementOverTraining(noisy)); // same seed, same CI
  });
});
