/**
 * Tabular Q-learning (DESIGN §6), the core both RL v1 and RL v2 use.
 *
 *   TD update:  Q[s][a] ← Q[s][a] + α · (r + γ · max_{a' allowed in s'} Q[s'][a'] − Q[s][a])
 *   ε-greedy:   with probability ε a uniformly random allowed action, else the allowed action with
 *               the highest Q (ties broken uniformly at random); masked actions are never chosen.
 *   ε schedule: after every update ε ← max(εmin, ε · decay).
 *
 * States are whole numbers (a mixed-radix code of the bins, see `StateSpace`); a state never seen
 * has Q = 0 for every action. Every random draw comes from the run's seeded stream.
 */
import type { QLearningConfig } from '../config/agent-config.js';
import type { Rng } from '../config/random.js';

/** One state's row: a Q-value, a visit count (times chosen) and an update count per action. */
export interface StateRow {
  readonly q: Float64Array;
  readonly visits: Uint32Array;
  readonly updates: Uint32Array;
}

export interface QLearnerState {
  epsilon: number;
  updates: number;
  decisions: number;
}

export class QLearner {
  readonly table = new Map<number, StateRow>();
  /** Exploration rate now. */
  epsilon: number;
  /** TD updates applied since the table was created (a warm start continues the count). */
  updates = 0;
  /** Actions chosen while training (visits summed). */
  decisions = 0;
  private readonly ties: Int32Array;

  constructor(
    readonly actionCount: number,
    readonly params: QLearningConfig,
  ) {
    if (!Number.isInteger(actionCount) || actionCount < 1) throw new RangeError(`actionCount must be a whole number ≥ 1, got ${actionCount}`);
    this.epsilon = params.epsilon;
    this.ties = new Int32Array(actionCount);
  }

  row(state: number): StateRow {
    let row = this.table.get(state);
    if (row === undefined) {
      const n = this.actionCount;
      row = { q: new Float64Array(n), visits: new Uint32Array(n), updates: new Uint32Array(n) };
      this.table.set(state, row);
    }
    return row;
  }

  /** Q[s][a], 0 for a state never seen. */
  value(state: number, action: number): number {
    return this.table.get(state)?.q[action] ?? 0;
  }

  /** max over allowed actions of Q[s][a'] (0 for a state never seen; −∞ when nothing is allowed). */
  maxValue(state: number, allowed: Uint8Array): number {
    const row = this.table.get(state);
    let best = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < this.actionCount; a++) {
      if (allowed[a] === 0) continue;
      const q = row === undefined ? 0 : row.q[a]!;
      if (q > best) best = q;
    }
    return best;
  }

  /**
   * The greedy allowed action (ties broken at random), or −1 when nothing is allowed. `allowed[a]`
   * is 1 for an action that may be chosen.
   */
  greedy(state: number, allowed: Uint8Array, rng: Rng): number {
    const row = this.table.get(state);
    let best = Number.NEGATIVE_INFINITY;
    let count = 0;
    const ties = this.ties;
    for (let a = 0; a < this.actionCount; a++) {
      if (allowed[a] === 0) continue;
      const q = row === undefined ? 0 : row.q[a]!;
      if (q > best) {
        best = q;
        ties[0] = a;
        count = 1;
      } else if (q === best) {
        ties[count++] = a;
      }
    }
    if (count === 0) return -1;
    return count === 1 ? ties[0]! : ties[rng.int(0, count - 1)]!;
  }

  /**
   * ε-greedy choice among the allowed actions, or −1 when nothing is allowed. `explore: false`
   * (evaluation) always takes the greedy action. A training choice is counted in `visits`.
   */
  choose(state: number, allowed: Uint8Array, rng: Rng, explore: boolean): number {
    let action: number;
    if (explore && rng.next() < this.epsilon) {
      let count = 0;
      for (let a = 0; a < this.actionCount; a++) if (allowed[a] !== 0) this.ties[count++] = a;
      action = count === 0 ? -1 : this.ties[rng.int(0, count - 1)]!;
    } else {
      action = this.greedy(state, allowed, rng);
    }
    if (action >= 0 && explore) {
      this.row(state).visits[action]!++;
      this.decisions++;
    }
    return action;
  }

  /**
   * The TD update of Q[s][a] with reward r and next state s' (whose allowed actions bound the max),
   * then one step of the ε schedule. Returns the TD error.
   */
  update(state: number, action: number, reward: number, nextState: number, nextAllowed: Uint8Array): number {
    if (!(action >= 0 && action < this.actionCount)) throw new RangeError(`action ${action} is outside 0…${this.actionCount - 1}`);
    if (!Number.isFinite(reward)) throw new RangeError(`reward must be finite, got ${reward}`);
    const next = this.maxValue(nextState, nextAllowed);
    const bootstrap = Number.isFinite(next) ? next : 0;
    const row = this.row(state);
    const tdError = reward + this.params.gamma * bootstrap - row.q[action]!;
    row.q[action] = row.q[action]! + this.params.alpha * tdError;
    row.updates[action]!++;
    this.updates++;
    this.epsilon = Math.max(this.params.epsilonMin, this.epsilon * this.params.epsilonDecay);
    return tdError;
  }
}

/**
 * ε after `updates` updates from `start`: max(εmin, start · decay^updates), the closed form of the
 * per-update schedule (equal to it up to rounding).
 */
export function epsilonAfter(start: number, updates: number, params: Pick<QLearningConfig, 'epsilonDecay' | 'epsilonMin'>): number {
  return Math.max(params.epsilonMin, start * params.epsilonDecay ** updates);
}

/**
 * Discounted returns of an episode's rewards: R_t = Σ_k γ^k · r_{t+k}, computed backwards.
 */
export function discountedReturns(rewards: readonly number[], gamma: number): Float64Array {
  const out = new Float64Array(rewards.length);
  let running = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    running = rewards[t]! + gamma * running;
    out[t] = running;
  }
  return out;
}

/** An episode: the rewards one agent received in a run, in order. */
export class EpisodeTracker {
  private readonly rewards: number[] = [];
  constructor(readonly gamma: number) {}

  step(reward: number): void {
    this.rewards.push(reward);
  }

  get steps(): number {
    return this.rewards.length;
  }

  summary(): { steps: number; totalReward: number; meanReward: number; discountedReturn: number } {
    const steps = this.rewards.length;
    const total = this.rewards.reduce((sum, r) => sum + r, 0);
    return {
      steps,
      totalReward: total,
      meanReward: steps === 0 ? 0 : total / steps,
      discountedReturn: steps === 0 ? 0 : discountedReturns(this.rewards, this.gamma)[0]!,
    };
  }
}

/** How one third of a run's updates went: the mean |ΔQ| per update and the states first seen in it. */
export interface LearningThird {
  readonly updates: number;
  readonly meanAbsChange: number;
  readonly newStates: number;
}

/**
 * A run's updates, in order: how far each moved its Q-value (|α·δ|) and the table's size after it.
 * Its thirds answer the go-live questions "are the Q-values converging" (the mean |ΔQ| of the last
 * third below the first's) and "is the table still growing" (states added in the last third).
 */
export class LearningTrace {
  private readonly changes: number[] = [];
  private readonly sizes: number[] = [];
  private startSize = 0;

  record(absChange: number, tableSize: number): void {
    this.changes.push(absChange);
    this.sizes.push(tableSize);
  }

  /** Null when the run made fewer than 3 updates. */
  thirds(): { first: LearningThird; last: LearningThird } | null {
    const n = this.changes.length;
    if (n < 3) return null;
    const cut = Math.floor(n / 3);
    return { first: this.third(0, cut), last: this.third(n - cut, n) };
  }

  // A method, not a closure made per call: V8 compiles a closure's loop again for every new closure.
  private third(from: number, to: number): LearningThird {
    let sum = 0;
    for (let k = from; k < to; k++) sum += this.changes[k]!;
    const before = from === 0 ? this.startSize : this.sizes[from - 1]!;
    return { updates: to - from, meanAbsChange: sum / (to - from), newStates: this.sizes[to - 1]! - before };
  }

  /** The table's size when the run began (so the first third counts the states it added exactly). */
  begin(tableSize: number): void {
    this.startSize = tableSize;
  }
}
