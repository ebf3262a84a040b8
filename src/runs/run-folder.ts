/**
 * A run's folder is written under a temporary name next to its destination and renamed when every
 * file is complete, so a folder with the final name is always a whole run. An interrupted or failed
 * run leaves nothing behind, and an existing folder is never overwritten.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../data/errors.js';
import { releaseTemporary, trackTemporary } from '../data/temporary-files.js';

export interface RunFolder {
  /** Where the files are being written. */
  readonly temporary: string;
  /** The folder's final path. */
  readonly destination: string;
  /** Renames the temporary folder to its destination. */
  commit(): string;
  /** Removes the temporary folder (after a failure). */
  discard(): void;
}

/** `runs/20261121-143005-buy-and-hold-s1`: the time (UTC) the run started, the policy, the seed. */
export function runId(now: Date, policy: string, seed: number): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slug = basename(policy).replace(/\.[cm]?[jt]s$/i, '').replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40);
  return `${stamp}-${slug}-s${seed}`;
}

/** `--out DIR` must not exist, or be an empty folder; returns its absolute path. */
export function checkOutFolder(out: string): string {
  const destination = resolve(out);
  if (existsSync(destination)) {
    if (!statSync(destination).isDirectory()) throw new InputError(`--out ${out} is a file; give a folder that does not exist yet`);
    if (readdirSync(destination).length > 0) throw new InputError(`--out ${out} already holds files; replaylab never overwrites a folder, give a new one`);
  }
  return destination;
}

/** A new run folder: `out` if given (it must not exist, or be empty), else a fresh id under `runsDir`. */
export function createRunFolder(options: { out?: string; runsDir: string; id: string }): RunFolder {
  let destination: string;
  if (options.out !== undefined) {
    destination = checkOutFolder(options.out);
  } else {
    const base = resolve(options.runsDir, options.id);
    destination = base;
    for (let n = 2; existsSync(destination); n++) destination = `${base}-${n}`;
  }
  mkdirSync(dirname(destination), { recursive: true });
  const temporary = join(dirname(destination), `.${basename(destination)}.partial-${process.pid}`);
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary);
  trackTemporary(temporary);
  return {
    temporary,
    destination,
    commit() {
      if (existsSync(destination)) {
        // Only an empty folder may be replaced (checked above); rename cannot replace it everywhere.
        if (readdirSync(destination).length > 0) throw new InputError(`${destination} appeared while the run was written; the run is in ${temporary}`);
        rmdirSync(destination);
      }
      renameSync(temporary, destination);
      releaseTemporary(temporary);
      return destination;
    },
    discard() {
      rmSync(temporary, { recursive: true, force: true });
      releaseTemporary(temporary);
    },
  };
}
