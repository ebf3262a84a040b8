/** Q-table files and readings with known contents, for the tests of `src/ops`. */
import { QLearner } from '../../src/agents/q-learning.js';
import { saveQTable, type AgentKind } from '../../src/agents/qtable-file.js';
import { StateSpace } from '../../src/agents/state-space.js';
import type { AgentReading } from '../../src/ops/qtable-folder.js';

export const TEST_PARAMS = { alpha: 0.01, gamma: 0.99, epsilon: 0.1, epsilonDecay: 0.9995, epsilonMin: 0.01 };

const space = new StateSpace([
  { name: 'regime', categories: ['A', 'B'] },
  { name: 'volatility', edges: [0.5] },
]);

/** Writes a 4-state, 3-action table of `kind` holding `entries`: [state code, action, Q, visits, updates]. */
export function writeTable(
  file: string,
  entries: readonly (readonly [number, number, number, number, number])[],
  options: { epsilon?: number; kind?: AgentKind; params?: Partial<typeof TEST_PARAMS> } = {},
): void {
  const learner = new QLearner(3, { ...TEST_PARAMS, ...options.params });
  for (const [state, action, q, visits, updates] of entries) {
    const row = learner.row(state);
    row.q[action] = q;
    row.visits[action] = visits;
    row.updates[action] = updates;
    learner.updates += updates;
    learner.decisions += visits;
  }
  learner.epsilon = options.epsilon ?? 0.05;
  saveQTable(file, { kind: options.kind ?? 'rl-v2-meta', learner, space, actionNames: ['a0', 'a1', 'a2'] });
}

/** A reading as `readAgentTable` returns it, with the figures a test sets. */
export function fakeReading(kind: AgentKind, figures: Partial<AgentReading> = {}): AgentReading {
  return {
    kind,
    file: `/tables/${kind}.json`,
    sizeBytes: 2048,
    modifiedMs: 0,
    hyperparameters: TEST_PARAMS,
    epsilon: 0.09,
    updates: 50,
    decisions: 60,
    actions: 60,
    states: 10,
    stateActionPairs: 30,
    updatedPairs: 20,
    actionsPerState: 3,
    qMin: -0.1,
    qMax: 0.2,
    qMean: 0.05,
    qStd: 0.04,
    choiceConcentration: null,
    ...figures,
  };
}
