/** Operations on Q-tables, after the team's RL v2 deployment guide: the monitoring dashboard and hyperparameter tuning. */
export { AGENT_LABELS, tableStatistics, type AgentLabel, type TableStatistics } from './agent-statistics.js';
export { buildDashboard, renderDashboard, type Dashboard, type DashboardAgent, type HealthItem } from './dashboard.js';
export { STAGES, explorationLevel, stageOf, type Stage, type StageId } from './guide.js';
export { agentsToShow, listTables, readAgentTable, resolveTableFolder, type AgentReading, type TableFolder } from './qtable-folder.js';
export { makeSnapshot, progressSince, readSnapshot, writeSnapshot, type AgentProgress, type Snapshot } from './snapshot.js';
export { TableReader, readingsOf, type AgentState } from './table-reader.js';
