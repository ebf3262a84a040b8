/**
 * Runs a sweep's plan in the runner's worker pool: the runs not already ok in results.csv, each
 * row appended as its run ends (so an interrupted sweep keeps what it finished), then results.csv
 * rewritten whole in plan order (cell, dataset, seed), so the final file is the same bytes for any
 * number of workers and after any number of resumes.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { MarketData } from '../engine/replay.js';
import type { RunOutcome } from '../runner/execute-spec.js';
import { runSpecs } from '../runner/pool.js';
import { plannedRuns, type DatasetPeriods, type PlannedRun, type SweepPlan } from './plan.js';
import { renderResultRow, renderResultsCsv, runKey, type ResultColumns, type ResultRow } from './results-csv.js';
import { outcomeRow } from './run-row.js';
import { appendLines, writeFileAtomic } from './sweep-folder.js';

export function resultColumns(plan: Pick<SweepPlan, 'axes'>): ResultColumns {
  return { keys: plan.axes.map((axis) => ({ key: axis.key, target: axis.target })) };
}

export interface SweepExecution {
  readonly plan: SweepPlan;
  readonly periods: readonly DatasetPeriods[];
  readonly markets: ReadonlyMap<string, MarketData>;
  /** results.csv, appended to as runs end and rewritten in order at the end. */
  readonly resultsFile: string;
  /** Rows of an earlier attempt (--resume): its ok runs are not run again. */
  readonly previous?: readonly ResultRow[];
  readonly workers?: number;
  readonly signal?: AbortSignal;
  /** Called as each run ends: runs ended so far (ok or failed), runs to do, failures so far. */
  readonly onProgress?: (done: number, total: number, failed: number) => void;
}

export interface SweepOutcome {
  /** One row per run that has one, in plan order. */
  readonly rows: ResultRow[];
  /** Runs handed to the pool by this call, and how many of them ended (the rest were cancelled). */
  readonly attempted: number;
  readonly ended: number;
  readonly skipped: number;
  readonly interrupted: boolean;
}

/** The runs still to do: every planned run without an ok row. */
export function runsToDo(runs: readonly PlannedRun[], previous: readonly ResultRow[]): PlannedRun[] {
  const done = new Set(previous.filter((row) => row.status === 'ok').map((row) => runKey(row.cell, row.dataset, row.seed)));
  return runs.filter((run) => !done.has(run.key));
}

export async function executeSweep(execution: SweepExecution): Promise<SweepOutcome> {
  const { plan } = execution;
  const columns = resultColumns(plan);
  const runs = plannedRuns(plan, execution.periods);
  const previous = new Map((execution.previous ?? []).map((row) => [runKey(row.cell, row.dataset, row.seed), row]));
  const todo = runsToDo(runs, [...previous.values()]);
  const byId = new Map(todo.map((run) => [String(run.spec.id), run]));
  const fresh = new Map<string, ResultRow>();
  if (!existsSync(execution.resultsFile)) writeFileSync(execution.resultsFile, renderResultsCsv([], columns));
  let ended = 0;
  let failed = 0;
  const cancelled = (outcome: RunOutcome) => outcome.status === 'failed' && execution.signal?.aborted === true && outcome.error === 'cancelled';
  if (todo.length > 0) {
    await runSpecs(
      todo.map((run) => run.spec),
      execution.markets,
      {
        ...(execution.workers === undefined ? {} : { workers: execution.workers }),
        ...(execution.signal === undefined ? {} : { signal: execution.signal }),
        onProgress: (_done, total, outcome) => {
          if (cancelled(outcome)) return; // not run: a resume runs it
          const run = byId.get(outcome.id)!;
          const row = outcomeRow(outcome, { cell: run.cell.id, values: run.cell.values, dataset: run.dataset, seed: run.seed });
          appendLines(execution.resultsFile, renderResultRow(row, columns));
          fresh.set(run.key, row);
          ended++;
          if (row.status === 'failed') failed++;
          execution.onProgress?.(ended, total, failed);
        },
      },
    );
  }
  const rows = runs.flatMap((run) => {
    const row = fresh.get(run.key) ?? previous.get(run.key);
    return row === undefined ? [] : [row];
  });
  writeFileAtomic(execution.resultsFile, renderResultsCsv(rows, columns));
  return {
    rows,
    attempted: todo.length,
    ended,
    skipped: runs.length - todo.length,
    interrupted: execution.signal?.aborted === true,
  };
}
