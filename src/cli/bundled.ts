/** Paths inside the installed package: its root and the bundled dataset. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding replaylab's package.json (from src/ in development, dist/src/ when built). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('replaylab: cannot find the package root (no package.json above the code)');
    dir = parent;
  }
  return dir;
}

/** The bundled synthetic dataset, as a path relative to the working directory when it is below it. */
export function bundledDataset(): string {
  const path = join(packageRoot(), 'datasets', 'synthetic-5m');
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') || shown === '' ? path : shown;
}

/** replaylab's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
