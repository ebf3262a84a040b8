export { metaActions, regimeMasks, riskMask, sizingActions, type MetaAction, type SizingAction } from './actions.js';
export { EpisodeTracker, QLearner, discountedReturns, epsilonAfter, type StateRow } from './q-learning.js';
export {
  AGENT_KINDS,
  QTABLE_FORMAT,
  QTABLE_VERSION,
  QTableFileSchema,
  loadQTableInto,
  readQTableFile,
  renderQTable,
  saveQTable,
  type AgentKind,
  type AgentTable,
  type QTableFile,
} from './qtable-file.js';
export {
  effectiveLeverage,
  maxDrawdownPct,
  metaReward,
  pnlPct,
  riskPenalty,
  sharpeSignal,
  sizeReward,
  volatilityAdjustment,
  type MetaRewardTerms,
  type MetaRewardWeights,
  type SizeRewardTerms,
  type SizeRewardWeights,
} from './rewards.js';
export { RlPolicy, isRlPolicy, type AgentMode, type RlVariant } from './rl-policy.js';
export { StateSpace, binOf, type StateFeature } from './state-space.js';
