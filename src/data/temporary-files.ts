/**
 * Temporary files and folders being written: a run interrupted by Ctrl-C or SIGTERM removes them
 * (the CLI calls `removeTemporaries` from its signal handlers), so nothing half-written is left.
 */
import { rmSync } from 'node:fs';

const pending = new Set<string>();

export function trackTemporary(path: string): void {
  pending.add(path);
}

export function releaseTemporary(path: string): void {
  pending.delete(path);
}

/** Removes every temporary path still being written. Synchronous: safe in a signal handler. */
export function removeTemporaries(): string[] {
  const removed = [...pending];
  for (const path of removed) rmSync(path, { recursive: true, force: true });
  pending.clear();
  return removed;
}
