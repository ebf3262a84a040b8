/**
 * Reads a folder's tables again and again (`monitor --continuous`): a file whose size, modification
 * time and inode have not changed is not parsed again, and a file that does not read as a whole,
 * consistent table is, in tolerant mode, taken to be being written: its last complete reading is kept
 * and shown as such. In strict mode (one look) it is an error naming the file.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentKind } from '../agents/qtable-file.js';
import { InputError } from '../data/errors.js';
import { agentsToShow, listTables, readAgentTable, tableFileName, type AgentReading } from './qtable-folder.js';

export type AgentState =
  | { readonly kind: AgentKind; readonly status: 'ok'; readonly file: string; readonly reading: AgentReading }
  | { readonly kind: AgentKind; readonly status: 'missing'; readonly file: string }
  | {
      readonly kind: AgentKind;
      readonly status: 'being-written';
      readonly file: string;
      /** Why the file did not read (the loader's message). */
      readonly problem: string;
      /** The last complete reading of the file, and when it was made; null before the first. */
      readonly reading: AgentReading | null;
      readonly readAt: Date | null;
    };

export interface FolderReading {
  readonly agents: readonly AgentState[];
  readonly present: readonly AgentKind[];
  readonly ignored: readonly string[];
}

interface Kept {
  readonly key: string;
  readonly reading: AgentReading;
  readonly readAt: Date;
}

export class TableReader {
  private readonly kept = new Map<AgentKind, Kept>();

  constructor(readonly folder: string) {}

  /** Every agent a dashboard shows, as it stands now. `tolerant`: keep the last reading of a table that does not read. */
  read(tolerant: boolean, now = new Date()): FolderReading {
    const { present, ignored } = listTables(this.folder);
    const agents = agentsToShow(present).map((kind): AgentState => {
      const file = join(this.folder, tableFileName(kind));
      if (!present.includes(kind)) return { kind, status: 'missing', file };
      let key: string;
      try {
        const stat = statSync(file);
        key = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind, status: 'missing', file };
        throw error;
      }
      const kept = this.kept.get(kind);
      if (kept !== undefined && kept.key === key) return { kind, status: 'ok', file, reading: kept.reading };
      try {
        const reading = readAgentTable(file, kind);
        this.kept.set(kind, { key, reading, readAt: now });
        return { kind, status: 'ok', file, reading };
      } catch (error) {
        if (!tolerant || !(error instanceof InputError)) throw error;
        return { kind, status: 'being-written', file, problem: error.message, reading: kept?.reading ?? null, readAt: kept?.readAt ?? null };
      }
    });
    return { agents, present, ignored };
  }
}

/** The readings to show and count: complete tables, and the last complete reading of one being written. */
export function readingsOf(agents: readonly AgentState[]): AgentReading[] {
  return agents.flatMap((agent) => (agent.status === 'ok' ? [agent.reading] : agent.status === 'being-written' && agent.reading !== null ? [agent.reading] : []));
}
