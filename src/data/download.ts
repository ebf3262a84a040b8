/**
 * Downloads a dataset from Binance's public data archive (see `binance-archive.ts` for the files):
 * each zip is checked against its published SHA-256 before it is unpacked, and the dataset folder
 * appears only when every file is in.
 *
 * Resumable: the work happens in `<DIR>.partial/`, which keeps every archive verified so far (its
 * CSV and a `.verified.json` record) and the part of a zip being fetched (continued with an HTTP
 * Range request). Running the same command again skips what is verified. When all is in,
 * `dataset.json` is written and `<DIR>.partial/` is renamed to `DIR`; a failure leaves no `DIR`.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { DatasetManifestInput } from '../config/dataset-manifest.js';
import { ArchiveHttp, DownloadError, tap } from './archive-http.js';
import { archiveUrl, planMonths, type ArchiveFile, type ArchiveRequest, type MonthPlan } from './binance-archive.js';
import { InputError } from './errors.js';
import { releaseTemporary, trackTemporary } from './temporary-files.js';
import { formatIsoTime } from './time.js';

export { DownloadError } from './archive-http.js';

export interface DownloadOptions {
  readonly request: ArchiveRequest;
  /** The dataset folder to write: must not exist, or be empty. */
  readonly outDir: string;
  readonly baseUrl: string;
  /** Give up on a request that sends nothing for this long. */
  readonly stallMs: number;
  /** The command line, recorded in `dataset.json`. */
  readonly command?: string;
  readonly onProgress?: (progress: DownloadProgress) => void;
}

export type DownloadProgress =
  | { readonly phase: 'check'; readonly done: number; readonly total: number }
  | {
      readonly phase: 'download';
      readonly file: string;
      readonly filesDone: number;
      readonly filesTotal: number;
      /** Bytes of the current zip so far, and its size when the server says. */
      readonly fileBytes: number;
      readonly fileSize: number | undefined;
      /** Bytes received in this run, over all files. */
      readonly bytes: number;
    };

/** What `.verified.json` records of an archive, and `dataset.json` lists under `download.files`. */
export interface VerifiedArchive {
  /** The CSV in the dataset folder. */
  readonly file: string;
  readonly url: string;
  /** The zip's SHA-256, as published in its `.CHECKSUM` file and checked. */
  readonly sha256: string;
  /** SHA-256 and size of the CSV unpacked from it, to check the folder later. */
  readonly csvSha256: string;
  readonly bytes: number;
}

export interface DownloadResult {
  readonly dir: string;
  readonly files: readonly VerifiedArchive[];
  readonly candleFiles: number;
  readonly tradeFiles: number;
  /** Archives fetched in this run, and archives a previous run had verified. */
  readonly downloaded: number;
  readonly reused: number;
  /** Bytes received in this run. */
  readonly bytes: number;
}

/** What a staging folder is a download of; a different request must not resume into it. */
interface StagingMarker {
  readonly format: 'replaylab-download';
  readonly version: 1;
  readonly archive: string;
  readonly market: string;
  readonly symbol: string;
  readonly interval: string;
}

const MARKER = '.replaylab-download.json';
const VERIFIED = '.verified.json';

/** The staging folder of a dataset folder: `<DIR>.partial`, beside it. */
export function stagingFolder(outDir: string): string {
  return `${resolve(outDir)}.partial`;
}

export async function downloadDataset(options: DownloadOptions): Promise<DownloadResult> {
  const target = resolve(options.outDir);
  checkTarget(options.outDir, target);
  const staging = stagingFolder(options.outDir);
  openStaging(staging, options);
  try {
    return await download(staging, target, options);
  } catch (error) {
    // Keep what is verified (and a part of a zip) for the next run; a folder with nothing in it goes.
    if (readdirSync(staging).every((name) => name === MARKER)) rmSync(staging, { recursive: true, force: true });
    const note = stagingNote(options.outDir);
    if (error instanceof InputError && note !== '') throw new DownloadError(`${error.message}; ${note}`, { cause: error.cause });
    throw error;
  }
}

async function download(staging: string, target: string, options: DownloadOptions): Promise<DownloadResult> {
  const http = new ArchiveHttp(options.baseUrl, options.stallMs);
  const archives = await resolveArchives(planMonths(options.request), staging, http, options);
  const files: VerifiedArchive[] = [];
  const pending = archives.filter((a) => a.verified === undefined);
  let bytes = 0;
  let done = 0;
  for (const archive of archives) {
    if (archive.verified !== undefined) {
      files.push(archive.verified);
      continue;
    }
    const verified = await fetchArchive(archive.file, archive.sha256!, staging, http, (fileBytes, fileSize, delta) => {
      bytes += delta;
      options.onProgress?.({ phase: 'download', file: `${archive.file.name}.zip`, filesDone: done, filesTotal: pending.length, fileBytes, fileSize, bytes });
    });
    done++;
    files.push(verified);
  }
  options.onProgress?.({ phase: 'download', file: '', filesDone: done, filesTotal: pending.length, fileBytes: 0, fileSize: 0, bytes });

  finish(staging, target, options, files);
  return {
    dir: target,
    files,
    candleFiles: archives.filter((a) => a.file.kind === 'klines').length,
    tradeFiles: archives.filter((a) => a.file.kind === 'aggTrades').length,
    downloaded: pending.length,
    reused: archives.length - pending.length,
    bytes,
  };
}

/** `DIR` must not exist, or be an empty folder: nothing is overwritten. */
function checkTarget(outDir: string, target: string): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new InputError(`${outDir}: is a file, not a folder; choose a new folder (nothing was overwritten)`);
  if (readdirSync(target).length > 0) throw new InputError(`${outDir}: already exists and is not empty; choose a new folder (nothing was overwritten)`);
}

function openStaging(staging: string, options: DownloadOptions): void {
  const { request } = options;
  const marker: StagingMarker = {
    format: 'replaylab-download',
    version: 1,
    archive: options.baseUrl,
    market: request.market,
    symbol: request.symbol,
    interval: request.interval,
  };
  const markerPath = join(staging, MARKER);
  if (existsSync(staging)) {
    let found: Partial<StagingMarker> | undefined;
    try {
      found = JSON.parse(readFileSync(markerPath, 'utf8')) as Partial<StagingMarker>;
    } catch {
      found = undefined;
    }
    if (found?.format !== marker.format) {
      throw new InputError(`${staging}: exists and is not an unfinished replaylab download; move it away or choose another --out`);
    }
    const other = (['archive', 'market', 'symbol', 'interval'] as const).filter((key) => found[key] !== marker[key]);
    if (other.length > 0) {
      throw new InputError(
        `${staging}: holds an unfinished download of ${found.market} ${found.symbol} ${found.interval} from ${found.archive}, ` +
          `not ${marker.market} ${marker.symbol} ${marker.interval} from ${marker.archive}; run that command again to finish it, ` +
          `or remove the folder, or choose another --out`,
      );
    }
    return;
  }
  mkdirSync(dirname(staging), { recursive: true });
  mkdirSync(staging);
  writeFileSync(markerPath, `${JSON.stringify(marker, null, 2)}\n`);
}

/** An archive to have in the dataset: verified by an earlier run, or to fetch with this checksum. */
interface PlannedArchive {
  readonly file: ArchiveFile;
  readonly verified: VerifiedArchive | undefined;
  readonly sha256: string | undefined;
}

/** The record of an archive an earlier run verified and unpacked, when its CSV is still whole. */
function readVerified(staging: string, file: ArchiveFile): VerifiedArchive | undefined {
  try {
    const record = JSON.parse(readFileSync(join(staging, `${file.name}${VERIFIED}`), 'utf8')) as VerifiedArchive;
    return statSync(join(staging, record.file)).size === record.bytes ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decides which archive holds each month (the monthly one, or its days) and fetches the checksum
 * of every archive still to download, so that a month that does not exist, or being offline, is
 * reported before any large file is fetched.
 */
async function resolveArchives(months: readonly MonthPlan[], staging: string, http: ArchiveHttp, options: DownloadOptions): Promise<PlannedArchive[]> {
  const isVerified = (file: ArchiveFile): boolean => readVerified(staging, file) !== undefined;
  const routes = months.map((plan) => {
    if (plan.monthly === undefined) return { plan, files: plan.days };
    if (isVerified(plan.monthly)) return { plan, files: [plan.monthly] };
    // An earlier run fetched this month day by day (it was the current month, or its archive was not out yet): go on so.
    if (plan.days.some(isVerified)) return { plan, files: plan.days };
    return { plan, files: [plan.monthly] };
  });
  let total = routes.reduce((sum, r) => sum + r.files.filter((f) => !isVerified(f)).length, 0);
  let done = 0;
  options.onProgress?.({ phase: 'check', done, total });
  const planned: PlannedArchive[] = [];
  for (const { plan, files } of routes) {
    let route = files;
    for (let i = 0; i < route.length; i++) {
      const file = route[i]!;
      const verified = readVerified(staging, file);
      if (verified !== undefined) {
        planned.push({ file, verified, sha256: verified.sha256 });
        continue;
      }
      const checksum = await http.checksum(file);
      if (checksum === undefined && file.cadence === 'monthly' && plan.lastComplete && plan.days.length > 0) {
        // The month just ended and its archive is not published yet: take its days instead.
        const firstDay = await http.checksum(plan.days[0]!);
        if (firstDay !== undefined) {
          route = plan.days;
          total += route.length - 1;
          planned.push({ file: route[0]!, verified: undefined, sha256: firstDay });
          options.onProgress?.({ phase: 'check', done: ++done, total });
          continue;
        }
      }
      if (checksum === undefined) throw missingArchive(file, plan, options);
      planned.push({ file, verified: undefined, sha256: checksum });
      options.onProgress?.({ phase: 'check', done: ++done, total });
    }
  }
  return planned;
}

function missingArchive(file: ArchiveFile, plan: MonthPlan, options: DownloadOptions): DownloadError {
  const { request, baseUrl } = options;
  const market = request.market === 'spot' ? 'spot' : 'USD-M futures';
  const what = file.kind === 'klines' ? `${request.interval} klines` : 'aggTrades';
  const hints = ["check --symbol and --market (a pair's archive begins with the month it was listed) and --from"];
  if (file.cadence === 'daily') hints.unshift("a day's archive is published on the next day (UTC)");
  else if (plan.lastComplete && new Date(request.nowMs).getUTCDate() <= 7) hints.unshift("a month's archive is published in the first days of the next month");
  return new DownloadError(
    `Binance's archive has no ${market} ${request.symbol} ${what} for ${file.period} ` +
      `(${archiveUrl(baseUrl, file, '.CHECKSUM')}: 404 Not Found); ${hints.join('; ')}`,
  );
}

/** Says what an unfinished download keeps in `<DIR>.partial` for the next run, or '' when it keeps nothing. */
export function stagingNote(outDir: string): string {
  const staging = stagingFolder(outDir);
  let entries: string[];
  try {
    entries = readdirSync(staging);
  } catch {
    return '';
  }
  const verified = entries.filter((name) => name.endsWith(VERIFIED)).length;
  const part = entries.some((name) => name.endsWith('.zip.part'));
  if (verified === 0 && !part) return '';
  const what =
    verified === 0
      ? 'the part of an archive downloaded so far is'
      : `the ${verified} archive${verified === 1 ? '' : 's'} verified so far${part ? ' (and part of the next)' : ''} ${verified === 1 ? 'is' : 'are'}`;
  return `${what} kept in ${staging}: run the same command again to resume`;
}

/**
 * Fetches one zip (continuing a part left by an interrupted run), checks its SHA-256, unpacks its
 * CSV and records it as verified. A zip whose checksum does not match is deleted.
 */
async function fetchArchive(
  file: ArchiveFile,
  expectedSha: string,
  staging: string,
  http: ArchiveHttp,
  onBytes: (fileBytes: number, fileSize: number | undefined, delta: number) => void,
): Promise<VerifiedArchive> {
  const zipName = `${file.name}.zip`;
  const part = join(staging, `${zipName}.part`);
  const url = archiveUrl(http.baseUrl, file);
  const sha256 = await http.download(file, part, onBytes);
  if (sha256 !== expectedSha) {
    rmSync(part, { force: true });
    throw new DownloadError(
      `${zipName}: checksum mismatch: expected SHA-256 ${expectedSha} (from ${url}.CHECKSUM), got ${sha256}; ` +
        `the damaged download was deleted`,
    );
  }
  const csvName = `${file.name}.csv`;
  const csvTemporary = join(staging, `${csvName}.tmp`);
  trackTemporary(csvTemporary);
  try {
    const csv = await unpackCsv(part, zipName, csvTemporary);
    renameSync(csvTemporary, join(staging, csvName));
    const verified: VerifiedArchive = { file: csvName, url, sha256, csvSha256: csv.sha256, bytes: csv.bytes };
    writeAtomically(join(staging, `${file.name}${VERIFIED}`), `${JSON.stringify(verified, null, 2)}\n`);
    rmSync(part, { force: true });
    return verified;
  } catch (error) {
    rmSync(part, { force: true }); // the archive as published cannot be unpacked: fetching it again will not help
    throw error;
  } finally {
    rmSync(csvTemporary, { force: true });
    releaseTemporary(csvTemporary);
  }
}

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** Streams the one CSV of a Binance zip to `destination`; returns its size and SHA-256. */
async function unpackCsv(zipPath: string, zipName: string, destination: string): Promise<{ bytes: number; sha256: string }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath);
  } catch (error) {
    throw new DownloadError(`${zipName}: not a readable zip file (${(error as Error).message})`);
  }
  let unpacked: { bytes: number; sha256: string } | undefined;
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      if (unpacked !== undefined || !entry.fileName.toLowerCase().endsWith('.csv')) {
        throw new DownloadError(`${zipName}: expected one CSV file in the zip, found ${entry.fileName} as well`);
      }
      const hash = createHash('sha256');
      let bytes = 0;
      const stream = await zip.openReadStreamPromise(entry);
      await pipeline(stream, tap(hash, (n) => (bytes += n)), createWriteStream(destination));
      unpacked = { bytes, sha256: hash.digest('hex') };
    }
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    throw new DownloadError(`${zipName}: cannot unpack it (${(error as Error).message})`);
  } finally {
    zip.close();
  }
  if (unpacked === undefined) throw new DownloadError(`${zipName}: the zip holds no CSV file`);
  return unpacked;
}

/** Writes `dataset.json`, drops what the dataset does not hold, and renames the staging folder to `DIR`. */
function finish(staging: string, target: string, options: DownloadOptions, files: readonly VerifiedArchive[]): void {
  const { request } = options;
  checkTarget(options.outDir, target);
  const keep = new Set(files.map((f) => f.file));
  for (const entry of readdirSync(staging)) {
    if (!keep.has(entry)) rmSync(join(staging, entry), { recursive: true, force: true });
  }
  const market = request.market === 'um' ? 'usdm' : 'spot';
  const marketName = request.market === 'um' ? 'USD-M futures' : 'spot';
  const days = files.filter((f) => /-\d{4}-\d{2}-\d{2}\.csv$/.test(f.file)).length;
  const manifest: DatasetManifestInput = {
    name: basename(target),
    symbol: request.symbol,
    market,
    interval: request.interval,
    candles: [`${request.symbol}-${request.interval}-*.csv`],
    ...(request.trades ? { trades: [`${request.symbol}-aggTrades-*.csv`] } : {}),
    synthetic: false,
    description:
      `Binance ${marketName} ${request.symbol} ${request.interval} klines${request.trades ? ' and aggTrades' : ''}, ` +
      `${request.from} to ${request.to}${days > 0 ? ` (${days} of the files are daily archives)` : ''}, ` +
      `from Binance's public data archive; every archive was checked against its published SHA-256.`,
    source: options.baseUrl,
    download: {
      archive: options.baseUrl,
      market: request.market,
      from: request.from,
      to: request.to,
      fetched: formatIsoTime(request.nowMs),
      ...(options.command === undefined ? {} : { command: options.command }),
      files: [...files],
    },
  };
  writeFileSync(join(staging, 'dataset.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (existsSync(target)) rmSync(target, { recursive: true }); // empty, checked above
  renameSync(staging, target);
}
