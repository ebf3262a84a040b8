/**
 * `replaylab data download` end to end through the built CLI, against a stand-in for Binance's
 * archive on loopback (no test touches the network): the dataset it writes is read by `data
 * inspect` and `replay`; a damaged archive, a missing month, being offline and bad options fail
 * with exit 2 and no dataset; Ctrl-C keeps what is verified for the next run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveServer, daysOf, generatedRows, serveRows, sha256, type GeneratedRows } from '../helpers/binance-archive-server.js';
import { CLI_PATH, makeTmpDir, parseJson, removeTmpDirs, runCli, type CliResult, type InspectJson } from './helpers.js';

const NOW = '2024-03-15T10:00:00Z';
const FEBRUARY = '/data/spot/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-02.zip';
const DOWNLOAD = ['data', 'download', '--symbol', 'BTCUSDT', '--interval', '1h', '--from', '2024-01', '--to', '2024-03', '--now', NOW];

let rows: GeneratedRows;
let server: ArchiveServer;
let baseUrl: string;

beforeAll(async () => {
  rows = await generatedRows({ start: '2024-01-01T00:00:00Z', bars: (31 + 29 + 14) * 24, market: 'spot' });
});

async function startServer(): Promise<void> {
  server = new ArchiveServer();
  serveRows(server, rows, { market: 'spot', months: ['2024-01', '2024-02'], days: daysOf('2024-03', 14), trades: true });
  baseUrl = await server.start();
}

afterEach(async () => server?.stop());
afterAll(removeTmpDirs);

/** Runs the CLI without blocking this process's event loop (the archive server runs in it). */
function runCliAsync(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd, env: { ...process.env, REPLAYLAB_CACHE_DIR: join(cwd, '.cache'), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('data download', () => {
  it('writes a dataset that data inspect and replay read', async () => {
    await startServer();
    const cwd = makeTmpDir();
    const result = await runCliAsync([...DOWNLOAD, '--trades', '--out', 'btc', '--base-url', baseUrl], cwd);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const zipBytes = server.zipRequests().reduce((sum, r) => sum + server.file(r.path)!.length, 0);
    expect(result.stdout.split('\n')).toEqual([
      'wrote         btc',
      `archive       ${baseUrl} (spot)`,
      'symbol        BTCUSDT',
      'interval      1h',
      'months        2024-01 to 2024-03 (2024-03: 14 days, to yesterday)',
      'candle files  16',
      'trade files   16',
      `downloaded    32 archives, ${(zipBytes / 1000).toFixed(1)} kB, each checked against its SHA-256`,
      '',
    ]);
    expect(existsSync(join(cwd, 'btc.partial'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(cwd, 'btc', 'dataset.json'), 'utf8'));
    expect(manifest.download.command).toBe(`replaylab data download --symbol BTCUSDT --interval 1h --from 2024-01 --to 2024-03 --now ${NOW} --trades --out btc --base-url ${baseUrl}`);

    const inspect = runCli(['data', 'inspect', 'btc', '--json'], { cwd });
    expect(inspect.stderr).toBe('');
    expect(inspect.status).toBe(0);
    const [dataset] = parseJson<InspectJson>(inspect.stdout).datasets;
    expect(dataset).toMatchObject({
      name: 'btc',
      symbol: 'BTCUSDT',
      market: 'spot',
      interval: '1h',
      synthetic: false,
      candles: { rows: rows.klines.length, first: '2024-01-01T00:00:00Z', last: '2024-03-14T23:00:00Z', gaps: { count: 0 } },
      trades: { rows: rows.trades.length },
      badRows: 0,
    });
    expect(dataset!.description).toMatch(/^Binance spot BTCUSDT 1h klines and aggTrades, 2024-01 to 2024-03/);
    expect(dataset!.files).toHaveLength(32);

    const replay = runCli(['replay', '--dataset', 'btc', '--policy', 'buy-and-hold', '--out', 'run', '--json'], { cwd });
    expect(replay.stderr).toBe('');
    expect(replay.status).toBe(0);
    const metrics = parseJson<{ trades: number; buyAndHoldReturnPct: number }>(replay.stdout);
    expect(metrics.trades).toBe(1);
    const first = rows.klines[0]!.split(',');
    const last = rows.klines.at(-1)!.split(',');
    // Buy-and-hold is measured from the first close to the last.
    expect(metrics.buyAndHoldReturnPct).toBeCloseTo((Number(last[4]) / Number(first[4]) - 1) * 100, 6);
    const runManifest = JSON.parse(readFileSync(join(cwd, 'run', 'manifest.json'), 'utf8'));
    expect(JSON.stringify(runManifest)).toContain('btc');
  });

  it('fails a damaged archive with both checksums, exit 2 and no dataset; the next run finishes', async () => {
    await startServer();
    const cwd = makeTmpDir();
    const good = server.file(FEBRUARY)!;
    const damaged = Buffer.concat([good.subarray(0, 100), Buffer.from('garbage'), good.subarray(107)]);
    server.replace(FEBRUARY, damaged);
    const env = { REPLAYLAB_BINANCE_URL: baseUrl }; // the base URL from the environment
    const result = await runCliAsync([...DOWNLOAD, '--out', 'btc'], cwd, env);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `replaylab: BTCUSDT-1h-2024-02.zip: checksum mismatch: expected SHA-256 ${sha256(good)} (from ${baseUrl}${FEBRUARY}.CHECKSUM), ` +
        `got ${sha256(damaged)}; the damaged download was deleted; ` +
        `the 1 archive verified so far is kept in ${join(cwd, 'btc.partial')}: run the same command again to resume`,
    ]);
    expect(existsSync(join(cwd, 'btc'))).toBe(false);
    expect(readdirSync(join(cwd, 'btc.partial')).filter((f) => f.includes('2024-02'))).toEqual([]);

    server.replace(FEBRUARY, good);
    const again = await runCliAsync([...DOWNLOAD, '--out', 'btc'], cwd, env);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^downloaded {4}15 archives, .*; 1 verified by an earlier run \(btc\.partial\)$/m);
    expect(readdirSync(join(cwd, 'btc'))).toHaveLength(16 + 1);
    expect(runCli(['data', 'inspect', 'btc', '--json'], { cwd }).status).toBe(0);
  });

  it('says which month does not exist, and when the archive cannot be reached (exit 2)', async () => {
    await startServer();
    const cwd = makeTmpDir();
    const missing = await runCliAsync([...DOWNLOAD, '--symbol', 'NOSUCHUSDT', '--out', 'x', '--base-url', baseUrl], cwd);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      `replaylab: Binance's archive has no spot NOSUCHUSDT 1h klines for 2024-01 ` +
        `(${baseUrl}/data/spot/monthly/klines/NOSUCHUSDT/1h/NOSUCHUSDT-1h-2024-01.zip.CHECKSUM: 404 Not Found); ` +
        "check --symbol and --market (a pair's archive begins with the month it was listed) and --from\n",
    );
    await server.stop();
    const offline = await runCliAsync([...DOWNLOAD, '--out', 'x', '--base-url', baseUrl], cwd);
    expect(offline.status).toBe(2);
    expect(offline.stderr).toMatch(/^replaylab: cannot reach 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\) \(fetching .*\.CHECKSUM\); check your internet connection, or --base-url\n$/);
    expect(readdirSync(cwd).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it.each([
    ['a month not written YYYY-MM', ['--from', '2024-1', '--to', '2024-02'], "--from '2024-1' is not a month written YYYY-MM (e.g. 2024-01)"],
    ['--from after --to', ['--from', '2024-02', '--to', '2024-01'], '--from 2024-02 is after --to 2024-01'],
    ['a month in the future', ['--from', '2024-02', '--to', '2024-05'], '--to 2024-05 is in the future (it is 2024-03 now, UTC)'],
    ['an interval the archive does not have', ['--from', '2024-01', '--to', '2024-01', '--interval', '2h30m'], "--interval '2h30m': not an interval of the archive"],
    ['a symbol with a separator', ['--from', '2024-01', '--to', '2024-01', '--symbol', 'BTC-USDT'], 'without a separator: BTCUSDT'],
    ['a base URL that is not http', ['--from', '2024-01', '--to', '2024-01', '--base-url', 'ftp://mirror'], "--base-url 'ftp://mirror' must be an http or https URL"],
    ['a market that does not exist', ['--from', '2024-01', '--to', '2024-01', '--market', 'cm'], 'Invalid values'],
  ])('refuses %s with exit 2 and one line', (_name, args, message) => {
    const cwd = makeTmpDir();
    const base = ['data', 'download', '--symbol', 'BTCUSDT', '--interval', '1h', '--now', NOW, '--out', 'x', '--base-url', 'http://127.0.0.1:1'];
    const result = runCli([...base, ...args], { cwd });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(readdirSync(cwd).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('Ctrl-C keeps the verified archives, says so, and the same command then resumes', async () => {
    await startServer();
    server.stall.add(FEBRUARY);
    const cwd = makeTmpDir();
    const args = [...DOWNLOAD, '--out', 'btc', '--base-url', baseUrl];
    const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt once part of February is on disk (the server then stalls).
    const part = join(cwd, 'btc.partial', 'BTCUSDT-1h-2024-02.zip.part');
    const started = Date.now();
    while (!(existsSync(part) && statSync(part).size > 0) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain(`replaylab: the 1 archive verified so far (and part of the next) is kept in ${join(cwd, 'btc.partial')}: run the same command again to resume`);
    expect(existsSync(join(cwd, 'btc'))).toBe(false);

    const kept = statSync(part).size;
    server.stall.delete(FEBRUARY);
    server.requests.length = 0;
    const again = await runCliAsync(args, cwd);
    expect(again.status).toBe(0);
    expect(server.zipRequests().map((r) => r.path)).not.toContain('/data/spot/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip');
    expect(server.zipRequests().find((r) => r.path === FEBRUARY)!.range).toBe(`bytes=${kept}-`);
    expect(readdirSync(join(cwd, 'btc'))).toHaveLength(16 + 1);
  });

  it('refuses a folder that is not empty (exit 2), and lists the command in --help', () => {
    const cwd = makeTmpDir();
    writeFileSync(join(cwd, 'notes.txt'), 'mine');
    const result = runCli([...DOWNLOAD, '--out', '.', '--base-url', 'http://127.0.0.1:1'], { cwd });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/already exists and is not empty; choose a new folder \(nothing was overwritten\)/);
    expect(readdirSync(cwd)).toEqual(['notes.txt']);
    const help = runCli(['data', '--help']).stdout;
    expect(help).toMatch(/replaylab data download\s+Download klines/);
    expect(runCli(['--help']).stdout).toMatch(/replaylab data download --symbol S --out DIR\s+fetch months of Binance's public archive/);
  });
});
