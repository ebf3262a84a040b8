/**
 * `monitor-snapshot.json`: what `replaylab monitor` saw last, kept next to the tables, so that the
 * next look shows the learning progress since then ("LEARNING PROGRESS (Last vs Current)" of the
 * guide's dashboard). Written through a temporary file renamed over the old one. A file of that name
 * that is not a snapshot (another program's) is never overwritten.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AGENT_KINDS, type AgentKind } from '../agents/qtable-file.js';
import { writeFileAtomic } from '../sweep/sweep-folder.js';
import { MONITOR_SNAPSHOT_FILE, type AgentReading } from './qtable-folder.js';

export const SNAPSHOT_FORMAT = 'replaylab-monitor-snapshot';
export const SNAPSHOT_VERSION = 1;

const AgentFiguresSchema = z.strictObject({
  states: z.number().int().min(0),
  stateActionPairs: z.number().int().min(0),
  updatedPairs: z.number().int().min(0),
  updates: z.number().int().min(0),
  decisions: z.number().int().min(0),
  epsilon: z.number().min(0).max(1),
  sizeBytes: z.number().int().min(0),
  qMin: z.number().nullable(),
  qMax: z.number().nullable(),
  qMean: z.number().nullable(),
});
export type AgentFigures = z.infer<typeof AgentFiguresSchema>;

export const SnapshotSchema = z.strictObject({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(SNAPSHOT_VERSION),
  /** When it was taken (ISO 8601 UTC). */
  time: z.string(),
  agents: z.partialRecord(z.enum(AGENT_KINDS), AgentFiguresSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export function agentFigures(reading: AgentReading): AgentFigures {
  return {
    states: reading.states,
    stateActionPairs: reading.stateActionPairs,
    updatedPairs: reading.updatedPairs,
    updates: reading.updates,
    decisions: reading.decisions,
    epsilon: reading.epsilon,
    sizeBytes: reading.sizeBytes,
    qMin: reading.qMin,
    qMax: reading.qMax,
    qMean: reading.qMean,
  };
}

export function makeSnapshot(time: Date, readings: readonly AgentReading[]): Snapshot {
  const agents: Partial<Record<AgentKind, AgentFigures>> = {};
  for (const reading of readings) agents[reading.kind] = agentFigures(reading);
  return { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, time: time.toISOString(), agents };
}

export type SnapshotLookup =
  | { readonly status: 'none' }
  | { readonly status: 'found'; readonly snapshot: Snapshot }
  /** A file of that name that is not a snapshot: left alone. */
  | { readonly status: 'foreign'; readonly problem: string };

export function snapshotPath(folder: string): string {
  return join(folder, MONITOR_SNAPSHOT_FILE);
}

export function readSnapshot(folder: string): SnapshotLookup {
  const file = snapshotPath(folder);
  if (!existsSync(file)) return { status: 'none' };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { status: 'foreign', problem: `${MONITOR_SNAPSHOT_FILE} is not JSON (${(error as Error).message})` };
  }
  const parsed = SnapshotSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { status: 'foreign', problem: `${MONITOR_SNAPSHOT_FILE} is not a replaylab monitor snapshot (${issue.path.join('.') || 'top level'}: ${issue.message})` };
  }
  return { status: 'found', snapshot: parsed.data };
}

/** Saves the snapshot; returns why it could not (a read-only copy of a table folder, say), or undefined. */
export function writeSnapshot(folder: string, snapshot: Snapshot): string | undefined {
  try {
    writeFileAtomic(snapshotPath(folder), `${JSON.stringify(snapshot, null, 2)}\n`);
    return undefined;
  } catch (error) {
    return `could not save ${snapshotPath(folder)}: ${(error as Error).message}`;
  }
}

/** What changed for one agent since the previous snapshot. */
export interface AgentProgress {
  readonly kind: AgentKind;
  readonly newStates: number;
  readonly newStateActionPairs: number;
  readonly newUpdates: number;
  readonly newDecisions: number;
  readonly epsilonBefore: number;
  readonly epsilonNow: number;
  readonly sizeChangeBytes: number;
  /** Fewer updates than before: the table was replaced by another (a new training), not grown. */
  readonly replaced: boolean;
}

/** Progress of each agent read now that the previous snapshot also had; agents new since then count from 0. */
export function progressSince(previous: Snapshot, readings: readonly AgentReading[]): AgentProgress[] {
  return readings.map((now) => {
    const before = previous.agents[now.kind];
    const base = before ?? { states: 0, stateActionPairs: 0, updates: 0, decisions: 0, epsilon: now.hyperparameters.epsilon, sizeBytes: 0 };
    return {
      kind: now.kind,
      newStates: now.states - base.states,
      newStateActionPairs: now.stateActionPairs - base.stateActionPairs,
      newUpdates: now.updates - base.updates,
      newDecisions: now.decisions - base.decisions,
      epsilonBefore: base.epsilon,
      epsilonNow: now.epsilon,
      sizeChangeBytes: now.sizeBytes - base.sizeBytes,
      replaced: now.updates < base.updates,
    };
  });
}
