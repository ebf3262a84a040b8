/** Parameter sweeps: plan a grid or random search, run it in the worker pool, summarise it with the DSR. */
export { parseAxes, type JsonValue, type SweepAxis } from './axes.js';
export { gridCells, randomCells, type SweepCell } from './cells.js';
export { plannedRuns, type SweepPlan } from './plan.js';
export { parseResultsCsv, renderResultsCsv, RESULT_METRICS, type MetricKey, type ResultRow } from './results-csv.js';
export { executeSweep, type SweepExecution, type SweepOutcome } from './run-sweep.js';
export { summarizeSweep, type SweepSummary } from './summary.js';
