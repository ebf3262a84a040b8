/**
 * A sweep's folder. Unlike a run folder (written under a temporary name, renamed when complete), a
 * sweep's folder has its final name from the start, because an interrupted sweep must keep the runs
 * it finished: sweep.json says `"status": "incomplete"` until the last run is written, results.csv
 * grows by one row as each run ends, and every whole-file write (sweep.json, the summaries, the
 * final results.csv in run order) goes to a temporary file renamed over the old one, so a file is
 * never half written.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../data/errors.js';
import { releaseTemporary, trackTemporary } from '../data/temporary-files.js';

/** `sweep-20261121-143005-random`: the time (UTC) the sweep started and the policy. */
export function sweepId(now: Date, policy: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slug = basename(policy).replace(/\.[cm]?[jt]s$/i, '').replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40);
  return `sweep-${stamp}-${slug}`;
}

/** Checks that `--out` can be used (it must not exist, or be an empty folder), before anything runs. */
export function checkOutFolder(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new InputError(`--out ${out} is a file; give a folder that does not exist yet`);
  if (readdirSync(out).length > 0) throw new InputError(`--out ${out} already holds files; replaylab never overwrites a folder, give a new one (or --resume it)`);
}

/** Makes the sweep's folder: `out` (new or empty), or a new `runsDir/id` (`-2`, `-3`… if taken). */
export function createSweepFolder(options: { out?: string; runsDir: string; id: string }): string {
  if (options.out !== undefined) {
    checkOutFolder(options.out);
    const folder = resolve(options.out);
    mkdirSync(folder, { recursive: true });
    return folder;
  }
  mkdirSync(resolve(options.runsDir), { recursive: true });
  const base = resolve(options.runsDir, options.id);
  for (let n = 1; ; n++) {
    const folder = n === 1 ? base : `${base}-${n}`;
    try {
      mkdirSync(folder); // fails if it exists: two sweeps started in the same second never share a folder
      return folder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Writes a whole file through a temporary one in the same folder, renamed over the old file. */
export function writeFileAtomic(file: string, text: string): void {
  const temporary = join(dirname(file), `.${basename(file)}.partial-${process.pid}`);
  trackTemporary(temporary);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } finally {
    releaseTemporary(temporary);
  }
}

/** Adds lines at the end of a file (results.csv as runs end). */
export function appendLines(file: string, text: string): void {
  appendFileSync(file, text);
}
