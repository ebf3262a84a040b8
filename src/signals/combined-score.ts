/**
 * The combined score of a meta action (DESIGN §6): score = weight · strategyScore + (1 − weight) ·
 * modelScore, where strategyScore = direction · strength ∈ [−1, 1] and modelScore ∈ [−1, 1]. A trade
 * is taken when |score| ≥ the entry threshold, on the side of its sign.
 */
export function combinedScore(weight: number, strategyScore: number, modelScore: number): number {
  return weight * strategyScore + (1 - weight) * modelScore;
}

/** +1, −1, or 0 when |score| is below the threshold. */
export function scoreDirection(score: number, entryThreshold: number): -1 | 0 | 1 {
  if (!(Math.abs(score) >= entryThreshold) || score === 0) return 0;
  return score > 0 ? 1 : -1;
}
