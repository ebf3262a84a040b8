/**
 * One load per process: the parent spawns `node dist/bench/main.js --child MODE --file F` so that
 * each load's peak RSS (`process.resourceUsage().maxRSS`) belongs to that load alone.
 *
 * Modes: `parse` parses the CSV with the cache off (`--no-cache`); `miss` loads with an empty
 * cache folder (parse + cache write); `hit` loads from the cache written by `miss`.
 */
import { spawn } from 'node:child_process';
import { RUNTIME_NODE_FLAGS } from '../src/config/runtime.js';
import { loadFile, type CacheStatus } from '../src/data/index.js';

export type ChildMode = 'parse' | 'miss' | 'hit';
export const CHILD_MODES: readonly ChildMode[] = ['parse', 'miss', 'hit'];

export interface ChildResult {
  readonly mode: ChildMode;
  readonly file: string;
  readonly kind: 'candles' | 'trades';
  readonly rows: number;
  readonly bytes: number;
  /** Bytes of the shared buffer behind the loaded table (capacity, not rows). */
  readonly bufferBytes: number;
  readonly cache: CacheStatus;
  /** Wall time of `loadFile`, measured around the call. */
  readonly ms: number;
  /** RSS just before the load (Node, the bench and the data layer loaded). */
  readonly baselineRssKB: number;
  /** Peak RSS of the process up to just before the load. */
  readonly baselineMaxRssKB: number;
  /** Peak RSS of the whole process, read after the load (`ru_maxrss`). */
  readonly peakRssKB: number;
  /** RSS after the load, table still alive. */
  readonly afterRssKB: number;
}

const EXPECTED_STATUS: Record<ChildMode, CacheStatus> = { parse: 'off', miss: 'miss', hit: 'hit' };

/** The child's side: one load, then one JSON line on stdout. */
export async function runChild(mode: ChildMode, file: string, cacheDir: string | undefined): Promise<ChildResult> {
  if (mode !== 'parse' && cacheDir === undefined) throw new Error(`--child ${mode} needs --cache-dir`);
  const baselineRssKB = Math.round(process.memoryUsage().rss / 1024);
  const baselineMaxRssKB = process.resourceUsage().maxRSS;
  const warnings: string[] = [];
  const started = performance.now();
  const loaded = await loadFile(file, {
    cache: mode === 'parse' ? false : { dir: cacheDir! },
    onWarning: (message) => warnings.push(message),
  });
  const ms = performance.now() - started;
  const peakRssKB = process.resourceUsage().maxRSS;
  const afterRssKB = Math.round(process.memoryUsage().rss / 1024);
  if (loaded.cache !== EXPECTED_STATUS[mode]) {
    throw new Error(`--child ${mode}: cache status '${loaded.cache}', expected '${EXPECTED_STATUS[mode]}'${warnings.length > 0 ? ` (${warnings.join('; ')})` : ''}`);
  }
  if (warnings.length > 0) throw new Error(`--child ${mode}: ${warnings.join('; ')}`);
  const result: ChildResult = {
    mode,
    file,
    kind: loaded.parsed.kind,
    rows: loaded.parsed.table.rows,
    bytes: loaded.bytes,
    bufferBytes: loaded.parsed.table.buffer.byteLength,
    cache: loaded.cache,
    ms,
    baselineRssKB,
    baselineMaxRssKB,
    peakRssKB,
    afterRssKB,
  };
  return result;
}

/** The parent's side: runs one child (with replaylab's V8 flags unless told otherwise) and returns what it measured. */
export function spawnChild(script: string, mode: ChildMode, file: string, cacheDir: string, nodeFlags: readonly string[] = RUNTIME_NODE_FLAGS): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, script, '--child', mode, '--file', file, '--cache-dir', cacheDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code !== 0) {
        reject(new Error(`child '${mode}' on ${file} failed (${signal ?? `exit ${code}`})${stderr === '' ? '' : `:\n${stderr}`}`));
        return;
      }
      const text = Buffer.concat(out).toString('utf8').trim();
      const line = text.split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ChildResult);
      } catch {
        reject(new Error(`child '${mode}' on ${file} printed no result:\n${text}\n${stderr}`));
      }
    });
  });
}
