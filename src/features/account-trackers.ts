/**
 * Account trackers (DESIGN §3): how the run itself is doing, fed by the engine as trades close and
 * bars end. All are causal by construction: they only ever see what has already happened.
 *
 * - `WinRateTracker`: share of winners among the last N closed trades (0.5 before the first).
 * - `equitySlope(equity, past)`: tanh(ln(equity_i / equity_{i−N}) / scale) ∈ (−1, 1), the equity
 *   N bars back (the oldest there is before N bars have passed). The engine reads `past` from the
 *   equity curve it records anyway, so nothing is updated per bar.
 * - `drawdownFraction(equity, peak)`: drawdown from the equity peak, as a fraction of the peak.
 * - `accountHealth(drawdown, slope)` = (1 − w) · max(0, 1 − drawdown / healthDrawdownLimit)
 *   + w · (slope + 1) / 2, with w = healthSlopeWeight: in [0, 1], 1 at a new peak rising fast.
 */
import type { FeatureConfig } from '../config/run-config.js';

/** Share of winning trades among the last `trades` closed trades. */
export class WinRateTracker {
  readonly trades: number;
  private readonly outcomes: Uint8Array; // ring of 1 (won) / 0 (lost)
  private head = 0;
  private recorded = 0;
  private wins = 0;

  constructor(trades: number) {
    if (!Number.isInteger(trades) || trades < 1) throw new RangeError(`trades must be a whole number ≥ 1, got ${trades}`);
    this.trades = trades;
    this.outcomes = new Uint8Array(trades);
  }

  record(won: boolean): void {
    if (this.recorded === this.trades) this.wins -= this.outcomes[this.head]!;
    else this.recorded++;
    const outcome = won ? 1 : 0;
    this.outcomes[this.head] = outcome;
    this.wins += outcome;
    this.head = this.head + 1 === this.trades ? 0 : this.head + 1;
  }

  /** Trades in the window (up to `trades`). */
  get count(): number {
    return this.recorded;
  }

  /** Wins / trades in the window; 0.5 (no information) before the first trade. */
  get rate(): number {
    return this.recorded === 0 ? 0.5 : this.wins / this.recorded;
  }
}

/**
 * The equity-curve slope from two points of the curve, `past` being the equity N bars back (the
 * first one before N bars have passed): tanh(ln(equity / past) / scale) ∈ (−1, 1).
 */
export function equitySlope(equity: number, past: number, scale: number): number {
  if (equity > 0 && past > 0) return Math.tanh(Math.log(equity / past) / scale);
  if (equity > 0) return 1; // back above zero from nothing
  if (past > 0) return -1; // everything lost
  return 0;
}

/** (peak − equity) / peak: 0 at a peak, 1 when everything is lost (0 before any positive peak). */
export function drawdownFraction(equity: number, peak: number): number {
  return peak > 0 ? Math.max(0, 1 - equity / peak) : 0;
}

/** Account health in [0, 1] from the drawdown fraction and the equity slope (see the header). */
export function accountHealth(
  drawdownFraction: number,
  slope: number,
  config: Pick<FeatureConfig, 'healthDrawdownLimit' | 'healthSlopeWeight'>,
): number {
  const weight = config.healthSlopeWeight;
  const drawdownPart = Math.max(0, 1 - drawdownFraction / config.healthDrawdownLimit);
  const slopePart = (Math.min(1, Math.max(-1, slope)) + 1) / 2;
  return Math.min(1, (1 - weight) * Math.min(1, drawdownPart) + weight * slopePart);
}
