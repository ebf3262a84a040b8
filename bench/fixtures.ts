/**
 * Bench inputs: a one-year 1-minute kline file and a 5,000,000-row aggTrades file, each made by
 * the synthetic generator (monthly files) and joined into one CSV. Both are kept in the work
 * folder and reused while the generator parameters recorded beside them still match.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATOR_DEFAULTS, generateMarket, parseInterval, type GeneratorOptions } from '../src/data/index.js';

export type FixtureKey = 'klines' | 'trades';

export interface FixtureSpec {
  readonly key: FixtureKey;
  readonly label: string;
  /** Folder (inside the work folder) the generator writes its monthly files to. */
  readonly generatedDir: string;
  /** The single joined CSV (inside the work folder). */
  readonly fileName: string;
  readonly generator: GeneratorOptions;
  /** Which monthly files are joined. */
  readonly joins: 'candles' | 'trades';
  /** Exact number of rows of the joined file. */
  readonly rows: number;
  /** Columns of the store table the file loads into. */
  readonly storeColumns: number;
}

export interface Fixture {
  readonly spec: FixtureSpec;
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  /** Rows the generator wrote (the joined trade file keeps the first `spec.rows`). */
  readonly generatedRows: number;
  /** What was done to get the file: reused as is, joined again, or generated and joined. */
  readonly prepared: 'reused' | 'joined' | 'generated';
  readonly prepareMs: number;
}

const ONE_YEAR_OF_MINUTES = 525_600;
export const TRADE_ROWS = 5_000_000;
/** Mean trades per bar is about tradesPerBar − 0.3 (open/high/low/close can coincide): ≈5.09M trades. */
const TRADES_PER_BAR = 10;

function interval1m(): NonNullable<ReturnType<typeof parseInterval>> {
  const interval = parseInterval('1m');
  if (interval === undefined) throw new Error('parseInterval("1m") returned undefined');
  return interval;
}

export function fixtureSpecs(): readonly FixtureSpec[] {
  const base: GeneratorOptions = {
    ...GENERATOR_DEFAULTS,
    bars: ONE_YEAR_OF_MINUTES,
    interval: interval1m(),
    seed: 1,
    trades: false,
    market: 'spot', // headerless Binance files, 8-column aggTrades
  };
  return [
    {
      key: 'klines',
      label: 'klines 1m, 1 year',
      generatedDir: 'klines-1m-2024',
      fileName: 'SYNTHUSDT-1m-2024.csv',
      generator: base,
      joins: 'candles',
      rows: ONE_YEAR_OF_MINUTES,
      storeColumns: 11,
    },
    {
      key: 'trades',
      label: 'aggTrades 5M',
      generatedDir: 'aggtrades-2024',
      fileName: 'SYNTHUSDT-aggTrades-2024.csv',
      generator: { ...base, trades: true, tradesPerBar: TRADES_PER_BAR },
      joins: 'trades',
      rows: TRADE_ROWS,
      storeColumns: 5,
    },
  ];
}

const progress = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

/** The parameters `generateMarket` records in `dataset.json`, as this bench wants them. */
function expectedManifest(options: GeneratorOptions): Record<string, unknown> {
  return {
    symbol: options.symbol,
    market: options.market,
    interval: options.interval.name,
    seed: options.seed,
    bars: options.bars,
    start: new Date(options.startMs).toISOString(),
    startPrice: options.startPrice,
    annualVolatility: options.annualVolatility,
    tradesPerBar: options.tradesPerBar,
    tickSize: options.tickSize,
    qtyStep: options.qtyStep,
    withTrades: options.trades,
  };
}

interface ManifestView {
  readonly params: Record<string, unknown>;
  readonly generatedTrades: number;
  readonly fromGenerator: boolean;
}

function readGeneratedManifest(dir: string): ManifestView | undefined {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const generator = (json.generator ?? {}) as Record<string, unknown>;
  const start = typeof generator.start === 'string' ? new Date(generator.start).toISOString() : undefined;
  return {
    params: {
      symbol: json.symbol,
      market: json.market,
      interval: json.interval,
      seed: generator.seed,
      bars: generator.bars,
      start,
      startPrice: generator.startPrice,
      annualVolatility: generator.annualVolatility,
      tradesPerBar: generator.tradesPerBar,
      tickSize: generator.tickSize,
      qtyStep: generator.qtyStep,
      withTrades: Array.isArray(json.trades) && json.trades.length > 0,
    },
    generatedTrades: typeof generator.trades === 'number' ? generator.trades : 0,
    fromGenerator: json.source === 'replaylab data generate' && json.synthetic === true,
  };
}

const sameParams = (a: Record<string, unknown>, b: Record<string, unknown>): boolean =>
  JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());

/** Sidecar written after a joined file is complete; the file is reused only while it matches. */
interface Sidecar {
  readonly version: 1;
  readonly params: Record<string, unknown>;
  readonly rows: number;
  readonly generatedRows: number;
  readonly bytes: number;
  readonly mtimeMs: number;
}

const sidecarPath = (path: string): string => `${path}.bench.json`;

function readSidecar(path: string): Sidecar | undefined {
  try {
    return JSON.parse(readFileSync(sidecarPath(path), 'utf8')) as Sidecar;
  } catch {
    return undefined;
  }
}

/** The monthly files of one kind the generator wrote, in month order. */
function monthlyFiles(dir: string, spec: FixtureSpec): string[] {
  const { symbol, interval } = spec.generator;
  const what = spec.joins === 'candles' ? interval.name : 'aggTrades';
  const pattern = new RegExp(`^${symbol}-${what}-\\d{4}-\\d{2}\\.csv$`);
  const files = readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => join(dir, f));
  if (files.length === 0) throw new Error(`${dir}: no ${what} files to join`);
  return files;
}

function writeAll(fd: number, buffer: Buffer, length: number): void {
  let done = 0;
  while (done < length) done += writeSync(fd, buffer, done, length - done);
}

/**
 * Joins headerless CSV files into `target` (via a temporary file renamed into place), keeping at
 * most `rowLimit` rows. Returns the rows written.
 */
function joinCsvFiles(sources: readonly string[], target: string, rowLimit: number): number {
  const temporary = `${target}.tmp-${process.pid}`;
  const out = openSync(temporary, 'w');
  const buffer = Buffer.allocUnsafe(4 << 20);
  let rows = 0;
  try {
    for (const source of sources) {
      if (rows >= rowLimit) break;
      const fd = openSync(source, 'r');
      try {
        let first = true;
        let last = 0x0a;
        for (;;) {
          const n = readSync(fd, buffer, 0, buffer.length, null);
          if (n === 0) break;
          if (first) {
            first = false;
            const c = buffer[0]!;
            if (c < 0x30 || c > 0x39) throw new Error(`${source}: starts with a header row; the bench joins headerless (spot) files only`);
          }
          let end = n;
          for (let at = buffer.indexOf(0x0a, 0); at >= 0 && at < n; at = buffer.indexOf(0x0a, at + 1)) {
            rows++;
            if (rows === rowLimit) {
              end = at + 1;
              break;
            }
          }
          writeAll(out, buffer, end);
          last = buffer[end - 1]!;
          if (rows >= rowLimit) break;
        }
        if (last !== 0x0a) {
          writeAll(out, Buffer.from('\n'), 1);
          rows++;
        }
      } finally {
        closeSync(fd);
      }
    }
  } catch (error) {
    closeSync(out);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(out);
  renameSync(temporary, target);
  return rows;
}

/** Removes everything the bench creates in the work folder (and nothing else). */
export function removeFixtures(workDir: string, cacheDir: string): void {
  for (const spec of fixtureSpecs()) {
    const path = join(workDir, spec.fileName);
    rmSync(path, { force: true });
    rmSync(sidecarPath(path), { force: true });
    const generated = join(workDir, spec.generatedDir);
    if (existsSync(generated)) {
      const manifest = readGeneratedManifest(generated);
      if (manifest?.fromGenerator === true || readdirSync(generated).length === 0) rmSync(generated, { recursive: true, force: true });
      else throw new Error(`${generated}: not a folder written by the generator; refusing to delete it (choose another --dir)`);
    }
  }
  rmSync(cacheDir, { recursive: true, force: true });
}

/** Makes sure the joined file of `spec` exists in `workDir`, generating and joining as needed. */
export async function prepareFixture(workDir: string, spec: FixtureSpec): Promise<Fixture> {
  const started = performance.now();
  const path = join(workDir, spec.fileName);
  const generated = join(workDir, spec.generatedDir);
  const wanted = expectedManifest(spec.generator);

  let manifest = existsSync(generated) ? readGeneratedManifest(generated) : undefined;
  const generatedOk = manifest !== undefined && sameParams(manifest.params, wanted);
  const sidecar = readSidecar(path);
  if (generatedOk && sidecar !== undefined && existsSync(path)) {
    const info = statSync(path);
    if (sameParams(sidecar.params, wanted) && sidecar.rows === spec.rows && info.size === sidecar.bytes && info.mtimeMs === sidecar.mtimeMs) {
      progress(`${spec.label}: reusing ${path}`);
      return {
        spec,
        path,
        rows: sidecar.rows,
        bytes: info.size,
        generatedRows: sidecar.generatedRows,
        prepared: 'reused',
        prepareMs: performance.now() - started,
      };
    }
  }

  let prepared: Fixture['prepared'] = 'joined';
  if (!generatedOk) {
    if (existsSync(generated) && readdirSync(generated).length > 0) {
      if (manifest?.fromGenerator !== true) {
        throw new Error(`${generated}: exists and was not written by the generator; refusing to delete it (choose another --dir)`);
      }
      progress(`${spec.label}: ${generated} has other generator parameters; regenerating`);
      rmSync(generated, { recursive: true, force: true });
    }
    const { bars, tradesPerBar } = spec.generator;
    progress(`${spec.label}: generating ${bars.toLocaleString('en-US')} bars${spec.generator.trades ? ` with trades (tradesPerBar ${tradesPerBar})` : ''} into ${generated} …`);
    const t0 = performance.now();
    await generateMarket(generated, spec.generator, 'bench/main.ts');
    progress(`${spec.label}: generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    manifest = readGeneratedManifest(generated);
    prepared = 'generated';
  }
  const generatedRows = spec.joins === 'candles' ? spec.generator.bars : (manifest?.generatedTrades ?? 0);
  if (generatedRows < spec.rows) {
    throw new Error(`${spec.label}: the generator wrote ${generatedRows} rows, fewer than the ${spec.rows} wanted; raise tradesPerBar`);
  }
  rmSync(sidecarPath(path), { force: true });
  progress(`${spec.label}: joining monthly files into ${path} …`);
  const rows = joinCsvFiles(monthlyFiles(generated, spec), path, spec.rows);
  if (rows !== spec.rows) throw new Error(`${path}: joined ${rows} rows, expected ${spec.rows}`);
  const info = statSync(path);
  const record: Sidecar = { version: 1, params: wanted, rows, generatedRows, bytes: info.size, mtimeMs: info.mtimeMs };
  writeFileSync(sidecarPath(path), `${JSON.stringify(record, null, 2)}\n`);
  return { spec, path, rows, bytes: info.size, generatedRows, prepared, prepareMs: performance.now() - started };
}
