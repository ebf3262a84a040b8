/**
 * Rewards (DESIGN §6), in percent units, every term a pure function of a closed trade and what was
 * known when it was opened:
 *
 *   meta = wPnl·pnlPct − wDrawdown·maxDrawdownPct + wSharpe·sharpeSignal + wRegime·regimeAlignment
 *   size = wPnl·pnlPct − wRisk·riskPenalty + wVolatility·volatilityAdjustment
 *
 *   pnlPct                = 100 · net PnL (after both fees) / equity at entry
 *   maxDrawdownPct        = the trade's worst adverse excursion, % of equity at entry (≥ 0)
 *   sharpeSignal          = mean / sample std of the agent's last N trade pnlPct (this one included),
 *                           clipped to ±clip; 0 with fewer than 2 trades or no dispersion
 *   regimeAlignment       = agents.v2.regimeAlignment[regime at entry][strategy] ∈ [−1, 1]
 *   riskPenalty           = max(0, effectiveLeverage · volatility − riskBudget), effectiveLeverage =
 *                           notional / equity at entry, volatility = the rank ∈ [0, 1] at entry
 *   volatilityAdjustment  = (1 − 2·volatility) · (2·sizeLevel − 1) ∈ [−1, 1], sizeLevel = multiplier ·
 *                           leverage / (largest multiplier · largest leverage): positive for a large
 *                           size in a calm market or a small one in a volatile market
 */
import type { ClosedTrade } from '../engine/events.js';

export function pnlPct(trade: Pick<ClosedTrade, 'netPnl' | 'entryEquity'>): number {
  return (trade.netPnl / trade.entryEquity) * 100;
}

export function maxDrawdownPct(trade: Pick<ClosedTrade, 'maeEquityPct'>): number {
  return Math.max(0, -trade.maeEquityPct);
}

/** The sharpeSignal term (above) over the last `count` values of `recentPnlPct` (all by default), without copying them. */
export function sharpeSignal(recentPnlPct: readonly number[], clip: number, count = recentPnlPct.length): number {
  const end = recentPnlPct.length;
  const from = Math.max(0, end - count);
  const n = end - from;
  if (n < 2) return 0;
  let sum = 0;
  for (let k = from; k < end; k++) sum += recentPnlPct[k]!;
  const mean = sum / n;
  let squares = 0;
  for (let k = from; k < end; k++) squares += (recentPnlPct[k]! - mean) ** 2;
  const std = Math.sqrt(squares / (n - 1));
  if (!(std > 0)) return 0;
  return Math.max(-clip, Math.min(clip, mean / std));
}

export function effectiveLeverage(trade: Pick<ClosedTrade, 'qty' | 'entryPrice' | 'entryEquity'>): number {
  return (trade.qty * trade.entryPrice) / trade.entryEquity;
}

export function riskPenalty(leverage: number, volatility: number, budget: number): number {
  return Math.max(0, leverage * volatility - budget);
}

export function volatilityAdjustment(volatility: number, sizeLevel: number): number {
  return (1 - 2 * volatility) * (2 * sizeLevel - 1);
}

export interface MetaRewardWeights {
  readonly pnl: number;
  readonly drawdown: number;
  readonly sharpe: number;
  readonly regime: number;
}

export interface SizeRewardWeights {
  readonly pnl: number;
  readonly risk: number;
  readonly volatility: number;
}

export interface MetaRewardTerms {
  readonly pnlPct: number;
  readonly maxDrawdownPct: number;
  readonly sharpeSignal: number;
  readonly regimeAlignment: number;
}

export interface SizeRewardTerms {
  readonly pnlPct: number;
  readonly riskPenalty: number;
  readonly volatilityAdjustment: number;
}

export function metaReward(terms: MetaRewardTerms, w: MetaRewardWeights): number {
  return w.pnl * terms.pnlPct - w.drawdown * terms.maxDrawdownPct + w.sharpe * terms.sharpeSignal + w.regime * terms.regimeAlignment;
}

export function sizeReward(terms: SizeRewardTerms, w: SizeRewardWeights): number {
  return w.pnl * terms.pnlPct - w.risk * terms.riskPenalty + w.volatility * terms.volatilityAdjustment;
}
