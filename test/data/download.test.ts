/** Downloading from Binance's archive: checksums, unpacking, resuming, and what is left after a failure — against a loopback server. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkArchiveRequest } from '../../src/data/binance-archive.js';
import { loadDataset } from '../../src/data/dataset.js';
import { DownloadError, downloadDataset, stagingFolder, type DownloadOptions, type DownloadProgress } from '../../src/data/download.js';
import { ArchiveServer, csvOf, daysOf, generatedRows, serveRows, sha256, zipFile, type GeneratedRows } from '../helpers/binance-archive-server.js';

const NOW = '2024-03-15T10:00:00Z';
const SPOT = '/data/spot/monthly/klines/BTCUSDT/1h';
const JANUARY = `${SPOT}/BTCUSDT-1h-2024-01.zip`;
const FEBRUARY = `${SPOT}/BTCUSDT-1h-2024-02.zip`;

let spotRows: GeneratedRows;
let work: string;
let server: ArchiveServer;
let baseUrl: string;

beforeAll(async () => {
  // 1h candles from 2024-01-01 to 2024-03-14 23:00 and their trades.
  spotRows = await generatedRows({ start: '2024-01-01T00:00:00Z', bars: (31 + 29 + 14) * 24, market: 'spot' });
  work = mkdtempSync(join(tmpdir(), 'replaylab-download-'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function startServer(rows: GeneratedRows = spotRows, market: 'spot' | 'um' = 'spot'): Promise<void> {
  server = new ArchiveServer();
  serveRows(server, rows, { market, months: ['2024-01', '2024-02'], days: daysOf('2024-03', 14), trades: true });
  baseUrl = await server.start();
}

afterEach(async () => server?.stop());

let runs = 0;
function options(overrides: Partial<DownloadOptions> & { from?: string; to?: string; trades?: boolean; now?: string; market?: string } = {}): DownloadOptions {
  const { from = '2024-01', to = '2024-03', trades = false, now = NOW, market = 'spot', ...rest } = overrides;
  return {
    request: checkArchiveRequest({ market, symbol: 'BTCUSDT', interval: '1h', from, to, trades, nowMs: Date.parse(now) }),
    outDir: join(work, `dataset-${++runs}`),
    baseUrl,
    stallMs: 5_000,
    ...rest,
  };
}

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DownloadError);
    return error as DownloadError;
  }
  throw new Error('the download did not fail');
}

const marchDays = daysOf('2024-03', 14);

describe('downloadDataset', () => {
  it('writes monthly files, the current month day by day, and a dataset.json the loader reads', async () => {
    await startServer();
    const progress: DownloadProgress[] = [];
    const opts = options({ trades: true, command: 'replaylab data download …', onProgress: (p) => progress.push(p) });
    const result = await downloadDataset(opts);

    const candleFiles = ['BTCUSDT-1h-2024-01.csv', 'BTCUSDT-1h-2024-02.csv', ...marchDays.map((d) => `BTCUSDT-1h-${d}.csv`)];
    const tradeFiles = ['BTCUSDT-aggTrades-2024-01.csv', 'BTCUSDT-aggTrades-2024-02.csv', ...marchDays.map((d) => `BTCUSDT-aggTrades-${d}.csv`)];
    expect(readdirSync(opts.outDir).sort()).toEqual([...candleFiles, ...tradeFiles, 'dataset.json'].sort());
    expect(existsSync(stagingFolder(opts.outDir))).toBe(false);
    expect(result).toMatchObject({ candleFiles: 16, tradeFiles: 16, downloaded: 32, reused: 0 });
    // Each CSV is the one that was zipped, byte for byte.
    expect(readFileSync(join(opts.outDir, 'BTCUSDT-1h-2024-02.csv'), 'utf8')).toBe(csvOf(spotRows.klines, 0, '2024-02'));
    expect(readFileSync(join(opts.outDir, 'BTCUSDT-aggTrades-2024-03-14.csv'), 'utf8')).toBe(csvOf(spotRows.trades, 5, '2024-03-14'));
    expect(result.bytes).toBe([...server.zipRequests()].reduce((sum, r) => sum + server.file(r.path)!.length, 0));

    const manifest = JSON.parse(readFileSync(join(opts.outDir, 'dataset.json'), 'utf8'));
    expect(manifest).toMatchObject({
      name: `dataset-${runs}`,
      symbol: 'BTCUSDT',
      market: 'spot',
      interval: '1h',
      candles: ['BTCUSDT-1h-*.csv'],
      trades: ['BTCUSDT-aggTrades-*.csv'],
      synthetic: false,
      source: baseUrl,
      download: { archive: baseUrl, market: 'spot', from: '2024-01', to: '2024-03', fetched: '2024-03-15T10:00:00Z', command: 'replaylab data download …' },
    });
    expect(manifest.description).toMatch(/^Binance spot BTCUSDT 1h klines and aggTrades, 2024-01 to 2024-03 \(28 of the files are daily archives\)/);
    const january = manifest.download.files.find((f: { file: string }) => f.file === 'BTCUSDT-1h-2024-01.csv');
    expect(january).toEqual({
      file: 'BTCUSDT-1h-2024-01.csv',
      url: `${baseUrl}${JANUARY}`,
      sha256: sha256(server.file(JANUARY)!),
      csvSha256: sha256(csvOf(spotRows.klines, 0, '2024-01')),
      bytes: Buffer.byteLength(csvOf(spotRows.klines, 0, '2024-01')),
    });

    const dataset = await loadDataset(opts.outDir);
    expect(dataset.candles.rows).toBe(spotRows.klines.length);
    expect(dataset.trades!.rows).toBe(spotRows.trades.length);
    expect(dataset.candles.columns.openTime[0]).toBe(Date.parse('2024-01-01T00:00:00Z'));
    expect(dataset.candles.columns.openTime[dataset.candles.rows - 1]).toBe(Date.parse('2024-03-14T23:00:00Z'));
    expect(dataset).toMatchObject({ symbol: 'BTCUSDT', market: 'spot', synthetic: false });

    // Checksums first (32), then the zips; progress ends with every file done.
    expect(progress.filter((p) => p.phase === 'check').at(-1)).toEqual({ phase: 'check', done: 32, total: 32 });
    expect(progress.at(-1)).toMatchObject({ phase: 'download', filesDone: 32, filesTotal: 32, bytes: result.bytes });
    const firstZip = server.requests.findIndex((r) => r.path.endsWith('.zip'));
    expect(server.requests.slice(0, firstZip).every((r) => r.path.endsWith('.CHECKSUM'))).toBe(true);
    expect(firstZip).toBe(32);
  });

  it('reads USD-M futures archives, whose files have header rows, as a usdm dataset', async () => {
    const rows = await generatedRows({ start: '2024-01-01T00:00:00Z', bars: (31 + 29 + 14) * 24, market: 'usdm' });
    await startServer(rows, 'um');
    const opts = options({ market: 'usdm', trades: true });
    await downloadDataset(opts);
    expect(readFileSync(join(opts.outDir, 'BTCUSDT-1h-2024-03-02.csv'), 'utf8').split('\n')[0]).toMatch(/^open_time,open,high/);
    const dataset = await loadDataset(opts.outDir);
    expect(dataset.market).toBe('usdm');
    expect(dataset.candles.rows).toBe(rows.klines.length);
    expect(dataset.trades!.rows).toBe(rows.trades.length);
    expect(JSON.parse(readFileSync(join(opts.outDir, 'dataset.json'), 'utf8')).download.market).toBe('um');
  });

  it('refuses a damaged archive: names it and both checksums, deletes it, and leaves no dataset', async () => {
    await startServer();
    const good = server.file(FEBRUARY)!;
    const damaged = Buffer.from(good);
    const middle = damaged.length >> 1;
    damaged[middle] = damaged[middle]! ^ 0xff;
    server.replace(FEBRUARY, damaged);
    const opts = options();
    const error = await failure(downloadDataset(opts));
    expect(error.message).toBe(
      `BTCUSDT-1h-2024-02.zip: checksum mismatch: expected SHA-256 ${sha256(good)} (from ${baseUrl}${FEBRUARY}.CHECKSUM), ` +
        `got ${sha256(damaged)}; the damaged download was deleted; ` +
        `the 1 archive verified so far is kept in ${stagingFolder(opts.outDir)}: run the same command again to resume`,
    );
    expect(existsSync(opts.outDir)).toBe(false);
    const staging = stagingFolder(opts.outDir);
    expect(readdirSync(staging).sort()).toEqual(['.replaylab-download.json', 'BTCUSDT-1h-2024-01.csv', 'BTCUSDT-1h-2024-01.verified.json']);

    // Once the archive is whole again, the same command finishes without fetching January again.
    server.replace(FEBRUARY, good);
    server.requests.length = 0;
    const result = await downloadDataset(opts);
    expect(result).toMatchObject({ downloaded: 15, reused: 1 });
    expect(server.requests.some((r) => r.path.startsWith(JANUARY))).toBe(false);
    expect(existsSync(staging)).toBe(false);
    expect((await loadDataset(opts.outDir)).candles.rows).toBe(spotRows.klines.length);
  });

  it('resumes a zip that broke off with a Range request, and checks the whole file', async () => {
    await startServer();
    server.breakAfter.set(FEBRUARY, 5_000);
    const opts = options({ to: '2024-02' });
    const error = await failure(downloadDataset(opts));
    const size = server.file(FEBRUARY)!.length;
    expect(error.message).toMatch(new RegExp(`^${baseUrl}${FEBRUARY}: the download broke off after 5000 of ${size} bytes \\(.+\\); run the same command again to resume; `));
    expect(error.message).toMatch(/the 1 archive verified so far \(and part of the next\) is kept in/);
    const part = join(stagingFolder(opts.outDir), 'BTCUSDT-1h-2024-02.zip.part');
    const kept = statSync(part).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(5_000);

    server.requests.length = 0;
    await downloadDataset(opts);
    expect(server.zipRequests()).toEqual([{ method: 'GET', path: FEBRUARY, range: `bytes=${kept}-` }]);
    expect(readFileSync(join(opts.outDir, 'BTCUSDT-1h-2024-02.csv'), 'utf8')).toBe(csvOf(spotRows.klines, 0, '2024-02'));
  });

  it('starts a part again when the server ignores Range, and when the part is longer than the file', async () => {
    await startServer();
    server.breakAfter.set(FEBRUARY, 5_000);
    const opts = options({ to: '2024-02' });
    await failure(downloadDataset(opts));
    server.ranges = false;
    await downloadDataset(opts);
    expect(readFileSync(join(opts.outDir, 'BTCUSDT-1h-2024-02.csv'), 'utf8')).toBe(csvOf(spotRows.klines, 0, '2024-02'));

    server.ranges = true;
    const again = options({ to: '2024-02' });
    mkdirSync(stagingFolder(again.outDir));
    writeFileSync(
      join(stagingFolder(again.outDir), '.replaylab-download.json'),
      JSON.stringify({ format: 'replaylab-download', version: 1, archive: baseUrl, market: 'spot', symbol: 'BTCUSDT', interval: '1h' }),
    );
    writeFileSync(join(stagingFolder(again.outDir), 'BTCUSDT-1h-2024-01.zip.part'), Buffer.alloc(server.file(JANUARY)!.length + 10));
    await downloadDataset(again);
    expect(readFileSync(join(again.outDir, 'BTCUSDT-1h-2024-01.csv'), 'utf8')).toBe(csvOf(spotRows.klines, 0, '2024-01'));
  });

  it('gives up on a server that stops sending, saying so', async () => {
    await startServer();
    server.stall.add(FEBRUARY);
    const opts = options({ to: '2024-02', stallMs: 300 });
    const error = await failure(downloadDataset(opts));
    expect(error.message).toMatch(/^no data from 127\.0\.0\.1:\d+ for 0\.3 s; run the same command again to resume; the 1 archive verified so far \(and part of the next\)/);
    expect(existsSync(opts.outDir)).toBe(false);
  });

  it('names the symbol, interval, month and URL of an archive that does not exist, before fetching any zip', async () => {
    await startServer();
    server.remove(`${FEBRUARY}.CHECKSUM`);
    const opts = options({ trades: true });
    const error = await failure(downloadDataset(opts));
    expect(error.message).toBe(
      `Binance's archive has no spot BTCUSDT 1h klines for 2024-02 (${baseUrl}${FEBRUARY}.CHECKSUM: 404 Not Found); ` +
        "check --symbol and --market (a pair's archive begins with the month it was listed) and --from",
    );
    expect(server.zipRequests()).toEqual([]);
    // Nothing was verified: no folder is left behind.
    expect(existsSync(opts.outDir)).toBe(false);
    expect(existsSync(stagingFolder(opts.outDir))).toBe(false);

    // Early in March, February's archive may just not be out yet (nor its days, here).
    const early = await failure(downloadDataset(options({ now: '2024-03-03T00:00:00Z' })));
    expect(early.message).toMatch(/\(.*BTCUSDT-1h-2024-02\.zip\.CHECKSUM: 404 Not Found\); a month's archive is published in the first days of the next month; check --symbol/);
    expect(server.requests.at(-1)!.path).toBe('/data/spot/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2024-02-01.zip.CHECKSUM');

    server.remove(`/data/spot/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2024-03-07.zip.CHECKSUM`);
    const day = await failure(downloadDataset(options({ from: '2024-03', trades: true })));
    expect(day.message).toMatch(/^Binance's archive has no spot BTCUSDT aggTrades for 2024-03-07 \(.*\); a day's archive is published on the next day \(UTC\); check --symbol/);
  });

  it("takes the days of the month that just ended while its monthly archive is not out, and keeps to them on a later run", async () => {
    server = new ArchiveServer();
    serveRows(server, spotRows, { market: 'spot', months: ['2024-01'], days: [...daysOf('2024-02', 29), '2024-03-01'], trades: false });
    baseUrl = await server.start();
    server.breakAfter.set('/data/spot/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2024-02-10.zip', 100);
    const opts = options({ now: '2024-03-02T08:00:00Z' });
    await failure(downloadDataset(opts));
    expect(readdirSync(stagingFolder(opts.outDir)).filter((f) => f.endsWith('.verified.json'))).toHaveLength(1 + 9);

    // The monthly archive of February appears; the unfinished download goes on with its days (no overlap).
    serveRows(server, spotRows, { market: 'spot', months: ['2024-02'], days: [], trades: false });
    server.requests.length = 0;
    const result = await downloadDataset(opts);
    expect(server.requests.some((r) => r.path.startsWith(FEBRUARY))).toBe(false);
    expect(result).toMatchObject({ candleFiles: 1 + 29 + 1, reused: 10, downloaded: 21 });
    const dataset = await loadDataset(opts.outDir);
    expect(dataset.candles.rows).toBe((31 + 29 + 1) * 24);

    // A new download now takes February's monthly archive.
    const fresh = await downloadDataset(options({ now: '2024-03-02T08:00:00Z' }));
    expect(fresh.files.map((f) => f.file)).toEqual(['BTCUSDT-1h-2024-01.csv', 'BTCUSDT-1h-2024-02.csv', 'BTCUSDT-1h-2024-03-01.csv']);
  });

  it('refuses a zip that is not one, or that holds more than one CSV, although its checksum matches', async () => {
    await startServer();
    const csv = csvOf(spotRows.klines, 0, '2024-01');
    server.addArchive(JANUARY, '', zipFile([['BTCUSDT-1h-2024-01/', ''], ['BTCUSDT-1h-2024-01.csv', csv], ['extra.csv', 'x\n']]));
    const two = await failure(downloadDataset(options({ to: '2024-01' })));
    expect(two.message).toBe('BTCUSDT-1h-2024-01.zip: expected one CSV file in the zip, found extra.csv as well');
    server.addArchive(JANUARY, '', Buffer.from('PK not really a zip'));
    const broken = await failure(downloadDataset(options({ to: '2024-01' })));
    expect(broken.message).toMatch(/^BTCUSDT-1h-2024-01\.zip: not a readable zip file \(.+\)$/);
    // A folder entry is skipped, and the CSV taken whatever its name in the zip.
    server.addArchive(JANUARY, '', zipFile([['folder/', ''], ['folder/klines.csv', csv]]));
    const opts = options({ to: '2024-01' });
    await downloadDataset(opts);
    expect(readFileSync(join(opts.outDir, 'BTCUSDT-1h-2024-01.csv'), 'utf8')).toBe(csv);
  });

  it('says when the archive cannot be reached', async () => {
    const port = await closedPort();
    baseUrl = `http://127.0.0.1:${port}`;
    const opts = options();
    const error = await failure(downloadDataset(opts));
    expect(error.message).toBe(
      `cannot reach 127.0.0.1:${port}: connection refused (ECONNREFUSED) (fetching ${baseUrl}${JANUARY}.CHECKSUM); check your internet connection, or --base-url`,
    );
    expect(existsSync(stagingFolder(opts.outDir))).toBe(false);
  });

  it('never writes into a folder that is not empty, nor resumes a download of something else', async () => {
    await startServer();
    const opts = options();
    mkdirSync(opts.outDir);
    writeFileSync(join(opts.outDir, 'mine.txt'), 'keep');
    await expect(downloadDataset(opts)).rejects.toThrow(`${opts.outDir}: already exists and is not empty; choose a new folder (nothing was overwritten)`);
    expect(readdirSync(opts.outDir)).toEqual(['mine.txt']);
    expect(existsSync(stagingFolder(opts.outDir))).toBe(false);

    // An empty folder is fine.
    const empty = options({ to: '2024-01' });
    mkdirSync(empty.outDir);
    await downloadDataset(empty);
    expect(readdirSync(empty.outDir).sort()).toEqual(['BTCUSDT-1h-2024-01.csv', 'dataset.json']);

    // A spot download left unfinished is not continued as a futures one.
    server.breakAfter.set(FEBRUARY, 100);
    const spot = options({ to: '2024-02' });
    await failure(downloadDataset(spot));
    expect(existsSync(stagingFolder(spot.outDir))).toBe(true);
    await expect(downloadDataset({ ...options({ market: 'um' }), outDir: spot.outDir })).rejects.toThrow(
      `${stagingFolder(spot.outDir)}: holds an unfinished download of spot BTCUSDT 1h from ${baseUrl}, not um BTCUSDT 1h from ${baseUrl}`,
    );
    // A folder by that name that is no download is left alone.
    const other = options();
    mkdirSync(stagingFolder(other.outDir));
    await expect(downloadDataset(other)).rejects.toThrow('exists and is not an unfinished replaylab download');
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
