/**
 * What one Q-table holds, as the guide's dashboard shows it: states learned, state-action pairs,
 * actions per state, updates, ε, and the Q-values' range, mean and spread; plus how concentrated the
 * agent's choices are (for `tune`'s "stuck in local optimum?").
 *
 * Counted as a run's metrics.json counts them (`rl.agents`): a pair is held when it was chosen or
 * updated at least once; the Q-value figures are over the pairs updated at least once (a pair only
 * chosen still holds its initial 0, which says nothing learned).
 */
import type { QLearner } from '../agents/q-learning.js';
import type { AgentKind } from '../agents/qtable-file.js';
import { STUCK_MIN_VISITS } from './guide.js';

export interface TableStatistics {
  readonly states: number;
  readonly stateActionPairs: number;
  readonly updatedPairs: number;
  /** Pairs per state (NaN with no state). */
  readonly actionsPerState: number;
  /** Over the updated pairs; null when none. */
  readonly qMin: number | null;
  readonly qMax: number | null;
  readonly qMean: number | null;
  /** Population standard deviation of the updated pairs' Q-values. */
  readonly qStd: number | null;
  /**
   * In the states chosen in at least STUCK_MIN_VISITS times: the share of those choices that went to
   * each state's most-chosen action (weighted by visits); null when no state was chosen in that often.
   */
  readonly choiceConcentration: { readonly states: number; readonly share: number } | null;
}

export function tableStatistics(learner: QLearner): TableStatistics {
  let pairs = 0;
  let updatedPairs = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let squares = 0;
  let busyStates = 0;
  let busyVisits = 0;
  let topVisits = 0;
  for (const row of learner.table.values()) {
    let visits = 0;
    let top = 0;
    for (let a = 0; a < learner.actionCount; a++) {
      const v = row.visits[a]!;
      visits += v;
      if (v > top) top = v;
      if (v !== 0 || row.updates[a] !== 0) pairs++;
      if (row.updates[a] === 0) continue;
      updatedPairs++;
      const q = row.q[a]!;
      sum += q;
      squares += q * q;
      if (q < min) min = q;
      if (q > max) max = q;
    }
    if (visits >= STUCK_MIN_VISITS) {
      busyStates++;
      busyVisits += visits;
      topVisits += top;
    }
  }
  const states = learner.table.size;
  const mean = updatedPairs === 0 ? null : sum / updatedPairs;
  return {
    states,
    stateActionPairs: pairs,
    updatedPairs,
    actionsPerState: states === 0 ? Number.NaN : pairs / states,
    qMin: updatedPairs === 0 ? null : min,
    qMax: updatedPairs === 0 ? null : max,
    qMean: mean,
    qStd: mean === null ? null : Math.sqrt(Math.max(0, squares / updatedPairs - mean * mean)),
    choiceConcentration: busyStates === 0 ? null : { states: busyStates, share: topVisits / busyVisits },
  };
}

/** How each agent is named on screen, in rationales and in a config file. */
export interface AgentLabel {
  /** Section heading, as the guide's dashboard writes it. */
  readonly heading: string;
  /** In the learning progress ("Meta Agent:"). */
  readonly short: string;
  /** In rationales ("[Meta Strategy] …"). */
  readonly tag: string;
  /** The config section of its Q-learning hyperparameters. */
  readonly configPath: readonly string[];
}

export const AGENT_LABELS: Readonly<Record<AgentKind, AgentLabel>> = {
  'rl-v2-meta': { heading: '📊 META STRATEGY AGENT', short: 'Meta Agent', tag: 'Meta Strategy', configPath: ['agents', 'v2', 'meta'] },
  'rl-v2-sizing': { heading: '📈 POSITION SIZING AGENT', short: 'Sizing Agent', tag: 'Position Sizing', configPath: ['agents', 'v2', 'sizing'] },
  'rl-v1': { heading: '📊 RL V1 AGENT', short: 'RL v1 Agent', tag: 'RL v1', configPath: ['agents', 'v1', 'q'] },
};
