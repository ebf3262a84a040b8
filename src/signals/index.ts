export { readPredictions, syntheticModelScores, type ModelScores } from './models.js';
export {
  BreakoutStrategy,
  DualMomentumStrategy,
  MeanReversionStrategy,
  STRATEGY_NAMES,
  computeStrategySignals,
  createStrategies,
  type IncrementalStrategy,
  type StrategyName,
  type StrategySignals,
} from './strategies.js';
