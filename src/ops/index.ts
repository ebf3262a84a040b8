/** Operations on Q-tables, after the team's RL v2 deployment guide: the monitoring dashboard and hyperparameter tuning. */
export { AGENT_LABELS, tableStatistics, type AgentLabel, type TableStatistics } from './agent-statistics.js';
export { buildDashboard, renderDashboard, type Dashboard, type DashboardAgent, type HealthItem } from './dashboard.js';
export { STAGES, explorationLevel, stageOf, type Stage, type StageId } from './guide.js';
export { agentsToShow, listTables, readAgentTable, resolveTableFolder, type AgentReading, type TableFolder } from './qtable-folder.js';
export { makeSnapshot, progressSince, readSnapshot, writeSnapshot, type AgentProgress, type Snapshot } from './snapshot.js';
export { TableReader, readingsOf, type AgentState } from './table-reader.js';
export { readRunEvidence, readTradePnlPct, type AgentTraining, type RunEvidence } from './run-evidence.js';
export { nestedConfig, writeConfigFile, type ConfigEntry } from './tune-config.js';
export { PARAMETERS, adviseAgent, improvementOverTraining, type AgentAdvice, type AgentEvidence, type Finding, type ParameterKey } from './tune-rules.js';
export { adviseFromSummary, adviseFromSweep, renderSweepAdvice, type SweepAdvice } from './tune-sweep.js';
export { adviseTables, renderTableAdvice, tableConfigEntries, type TableAdvice } from './tune-tables.js';
