/**
 * Helpers for end-to-end tests of the built CLI (`dist/src/cli/main.js`, built by `npm run build`,
 * which `npm test` runs first). Every run gets `REPLAYLAB_CACHE_DIR` in a temporary folder and a
 * temporary working folder unless told otherwise, so tests never write into the repository.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is `test/cli/helpers.ts`). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The built CLI entry point, as the package's `bin` names it. */
export const CLI_PATH = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Working folder of the run; default a temporary folder shared by this test file. */
  readonly cwd?: string;
  /** Extra environment; `REPLAYLAB_CACHE_DIR` defaults to a temporary folder. */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the run after this long (default 20 s). */
  readonly timeoutMs?: number;
}

const created: string[] = [];

/** A new empty folder `replaylab-cli-*` under the system's temporary folder. */
export function makeTmpDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'replaylab-cli-'));
  created.push(dir);
  return dir;
}

let sharedDir: string | undefined;
/** The default working folder and cache folder of runs, made on first use. */
function shared(): string {
  sharedDir ??= makeTmpDir();
  return sharedDir;
}

/** Removes every folder made by `makeTmpDir` or `runCli` in this process (call it from `afterAll`). */
export function removeTmpDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
  sharedDir = undefined;
}

/** Runs `replaylab ARGS` with the current Node binary and waits for it. */
export function runCli(args: readonly string[], options: RunOptions = {}): CliResult {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} does not exist: run 'npm run build' first (npm test does)`);
  const base = shared();
  const result = spawnSync(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd ?? base,
    env: {
      ...process.env,
      REPLAYLAB_CACHE_DIR: join(base, 'cache'),
      ...options.env,
    },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 20_000,
  });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file of a folder (not recursive) with its bytes, to compare before and after a run. */
export function snapshotFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.isFile()) files.set(entry.name, readFileSync(join(dir, entry.name)));
  }
  return files;
}

/** Parses `--json` output, failing with the output shown when it is not JSON. */
export function parseJson<T>(stdout: string): T {
  try {
    return JSON.parse(stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON value:\n${stdout.slice(0, 2000)}`);
  }
}

/** The lines of a CSV text split into cells (no quoting: Binance and generated files have none). */
export function readCsvRows(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split(','));
}

/** The shape of `data inspect --json` that the tests read. */
export interface InspectJson {
  datasets: DatasetJson[];
}

export interface GapsJson {
  count: number;
  missingBars: number;
  largest: { from: string; to: string; duration: string; durationMs: number } | null;
}

export interface DatasetJson {
  path: string;
  name: string;
  symbol: string | null;
  market: string;
  interval: string;
  synthetic: boolean;
  description: string | null;
  candlesFromTrades: boolean;
  candles: { rows: number; first: string; last: string; gaps: GapsJson; offGrid: number; shortCandles: number };
  trades: { rows: number; first: string; last: string; takerBuyShare: number | null } | null;
  predictions: string | null;
  badRows: number;
  files: FileJson[];
}

export interface FileJson {
  path: string;
  kind: 'candles' | 'trades';
  format: string;
  header: boolean;
  timeUnit: string;
  symbol: string | null;
  rows: number;
  badRows: number;
  badRowSamples: { line: number; message: string }[];
  cache: 'hit' | 'miss' | 'rebuilt' | 'off';
  bytes: number;
  interval: string | null;
  first: string;
  last: string;
  gaps?: GapsJson;
  offGrid?: number;
  shortCandles?: number;
  takerBuyShare?: number | null;
  largestPause?: string;
}
