/**
 * The piscina worker: one task = one RunSpec on a market whose columns are views of the runner's
 * SharedArrayBuffers (structured clone shares them: no copy), with a link to the batch's shared
 * signal sources (computed once per batch, read in place). A run that throws rejects its task; the
 * runner records it as failed.
 */
import type { MarketData } from '../engine/replay.js';
import { executeSpec, type RunOutcomeOk } from './execute-spec.js';
import type { RunSpecInput } from './run-spec.js';
import { SharedSourceStore, type SharedSourcesLink } from './shared-sources.js';

export interface RunTask {
  readonly spec: RunSpecInput;
  readonly market: MarketData;
  readonly sources: SharedSourcesLink;
}

export default function runTask(task: RunTask): Promise<RunOutcomeOk> {
  return executeSpec(task.spec, task.market, { sources: new SharedSourceStore(task.sources) });
}
