/**
 * Action spaces (DESIGN §6) and their masks.
 *
 * - Meta action = strategy × model × weight (RL v2: 3 × 4 × 5 = 60; RL v1: one strategy, 4 × 5 = 20),
 *   indexed strategy-major, then model, then weight, and named `strategy/model/weight`.
 * - Sizing action = size multiplier × leverage (5 × 8 = 40), multiplier-major, named `0.2x@5`.
 * - Regime mask: the strategies `agents.v2.regimeMask` forbids in a regime are never chosen there.
 * - Risk mask: a sizing action is allowed when its leverage ≤ engine.maxLeverage, its notional
 *   (baseRiskFraction · multiplier · leverage of equity) ≤ engine.maxNotionalToEquity, its margin
 *   plus the margin already in use ≤ engine.maxMarginFraction of equity, and leverage ·
 *   maintenanceMarginRate < 1 (not liquidated at entry): the broker's own limits, applied before
 *   the order so that it is not rejected for them.
 */
import type { EngineConfig } from '../config/run-config.js';
import { REGIME_IDS } from '../config/agent-config.js';

export interface MetaAction {
  readonly strategy: string;
  readonly model: string;
  readonly weight: number;
  readonly name: string;
}

export interface SizingAction {
  readonly sizeMultiplier: number;
  readonly leverage: number;
  readonly name: string;
}

export function metaActions(strategies: readonly string[], models: readonly string[], weights: readonly number[]): MetaAction[] {
  const actions: MetaAction[] = [];
  for (const strategy of strategies) {
    for (const model of models) {
      for (const weight of weights) actions.push({ strategy, model, weight, name: `${strategy}/${model}/${weight}` });
    }
  }
  return actions;
}

export function sizingActions(multipliers: readonly number[], leverages: readonly number[]): SizingAction[] {
  const actions: SizingAction[] = [];
  for (const sizeMultiplier of multipliers) {
    for (const leverage of leverages) actions.push({ sizeMultiplier, leverage, name: `${sizeMultiplier}x@${leverage}` });
  }
  return actions;
}

/** Per regime (REGIME_IDS order), 1 for each meta action whose strategy the regime allows. */
export function regimeMasks(actions: readonly MetaAction[], forbidden: Readonly<Record<string, readonly string[]>> | undefined): Uint8Array[] {
  return REGIME_IDS.map((regime) => {
    const masked = new Set(forbidden?.[regime] ?? []);
    return Uint8Array.from(actions, (a) => (masked.has(a.strategy) ? 0 : 1));
  });
}

/** 1 for each sizing action within the risk limits, given the share of equity already in margin. */
export function riskMask(actions: readonly SizingAction[], baseRiskFraction: number, exposure: number, engine: EngineConfig): Uint8Array {
  return Uint8Array.from(actions, (a) => {
    const margin = baseRiskFraction * a.sizeMultiplier;
    const allowed =
      a.leverage <= engine.maxLeverage &&
      margin * a.leverage <= engine.maxNotionalToEquity * (1 + 1e-12) &&
      margin + exposure <= engine.maxMarginFraction + 1e-12 &&
      a.leverage * engine.maintenanceMarginRate < 1;
    return allowed ? 1 : 0;
  });
}
