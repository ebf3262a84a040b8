/**
 * `tune --apply --out FILE`: the recommended values as a config file, in the form `--config` of
 * replay, ab and sweep reads (`{ "agents": { "v2": { "meta": { "alpha": 0.005 } } } }`), holding only
 * the recommended keys. The file is checked with the config schema before it is written, written
 * under a temporary name and linked to its name only if nothing is there: never overwritten.
 */
import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { resolveConfig } from '../config/run-config.js';
import { InputError } from '../data/errors.js';
import { releaseTemporary, trackTemporary } from '../data/temporary-files.js';
import type { JsonValue } from '../sweep/axes.js';

export interface ConfigEntry {
  readonly path: readonly string[];
  readonly value: JsonValue;
}

/** The entries as one nested object, in the order given. */
export function nestedConfig(entries: readonly ConfigEntry[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { path, value } of entries) {
    let node = root;
    path.slice(0, -1).forEach((segment) => {
      node[segment] ??= {};
      node = node[segment] as Record<string, unknown>;
    });
    node[path[path.length - 1]!] = value;
  }
  return root;
}

/** The file's text: `//` comments saying where it comes from, then the JSON (a config file may have comments). */
export function renderConfigFile(config: Record<string, unknown>, comments: readonly string[]): string {
  return `${comments.map((line) => `// ${line}`).join('\n')}\n${JSON.stringify(config, null, 2)}\n`;
}

/** Writes a new file; an existing one is an InputError (nothing is overwritten). The config is checked first. */
export function writeConfigFile(file: string, config: Record<string, unknown>, comments: readonly string[]): void {
  const target = resolve(file);
  resolveConfig(config, file); // what replay --config will read must be valid
  mkdirSync(dirname(target), { recursive: true });
  const temporary = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  trackTemporary(temporary);
  try {
    writeFileSync(temporary, renderConfigFile(config, comments));
    try {
      linkSync(temporary, target); // fails if the name is taken, even by a file made a moment ago
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError(`--out ${file} already exists: replaylab never overwrites a file, give a new name`);
      throw error;
    }
  } finally {
    rmSync(temporary, { force: true });
    releaseTemporary(temporary);
  }
}
