/** `replaylab data generate` and `data aggregate` end to end. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH as CLI, makeTmpDir, parseJson, readCsvRows, removeTmpDirs, runCli, snapshotFiles, type CliResult, type InspectJson } from './helpers.js';

const GENERATE = ['data', 'generate', '--bars', '300', '--interval', '1m', '--seed', '3', '--trades'];
const CANDLE_FILE = 'SYNTHUSDT-1m-2024-01.csv';
const TRADE_FILE = 'SYNTHUSDT-aggTrades-2024-01.csv';

interface Manifest {
  name: string;
  symbol: string;
  market: string;
  interval: string;
  candles: string[];
  trades?: string[];
  synthetic: boolean;
  generator: { seed: number; bars: number; interval: string; trades: number };
}

let work: string;
let first: CliResult;

beforeAll(() => {
  work = makeTmpDir();
  first = runCli([...GENERATE, '--out', 'synth'], { cwd: work });
});

afterAll(removeTmpDirs);

const dir = (): string => join(work, 'synth');
const manifest = (folder: string): Manifest => JSON.parse(readFileSync(join(folder, 'dataset.json'), 'utf8')) as Manifest;

describe('data generate', () => {
  it('writes the candles, the aggTrades and a dataset.json that says the data is synthetic', () => {
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(readdirSync(dir()).sort()).toEqual([CANDLE_FILE, TRADE_FILE, 'dataset.json']);
    const m = manifest(dir());
    expect(m).toMatchObject({ name: 'synth', symbol: 'SYNTHUSDT', market: 'usdm', interval: '1m', synthetic: true });
    expect(m.candles).toEqual(['SYNTHUSDT-1m-*.csv']);
    expect(m.trades).toEqual(['SYNTHUSDT-aggTrades-*.csv']);
    expect(m.generator).toMatchObject({ seed: 3, bars: 300, interval: '1m' });

    // usdm files: a header row, then one line per candle or trade.
    const candles = readCsvRows(join(dir(), CANDLE_FILE));
    expect(candles[0]!.join(',')).toBe(
      'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore',
    );
    expect(candles).toHaveLength(301);
    const trades = readCsvRows(join(dir(), TRADE_FILE));
    expect(trades[0]!.join(',')).toBe('agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker');
    expect(trades.length - 1).toBe(m.generator.trades);
    // Each candle's trade count adds up to the trades written.
    expect(candles.slice(1).reduce((sum, row) => sum + Number(row[8]), 0)).toBe(m.generator.trades);

    expect(first.stdout).toMatch(/^candles\s+300$/m);
    expect(first.stdout).toMatch(new RegExp(`^trades\\s+${m.generator.trades.toLocaleString('en-US')}$`, 'm'));
    expect(first.stdout).toMatch(/^files\s+3$/m);
  });

  it('refuses to write into the same folder again, and leaves its files as they were', () => {
    const before = snapshotFiles(dir());
    const mtimes = [...before.keys()].map((f) => statSync(join(dir(), f)).mtimeMs);
    const again = runCli([...GENERATE, '--out', 'synth'], { cwd: work });
    expect(again.status).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('synth');
    expect(again.stderr).toMatch(/already exists/);
    expect(snapshotFiles(dir())).toEqual(before);
    expect([...before.keys()].map((f) => statSync(join(dir(), f)).mtimeMs)).toEqual(mtimes);
    // No temporary folder left beside it.
    expect(readdirSync(work).filter((name) => name.includes('synth'))).toEqual(['synth']);
  });

  it('writes byte-identical CSVs for the same seed, the same candles without --trades, and other candles for another seed', () => {
    const same = runCli([...GENERATE, '--out', 'synth-again'], { cwd: work });
    expect(same.status).toBe(0);
    const a = snapshotFiles(dir());
    const b = snapshotFiles(join(work, 'synth-again'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect(b.get(CANDLE_FILE)!.equals(a.get(CANDLE_FILE)!)).toBe(true);
    expect(b.get(TRADE_FILE)!.equals(a.get(TRADE_FILE)!)).toBe(true);

    const noTrades = runCli(['data', 'generate', '--bars', '300', '--interval', '1m', '--seed', '3', '--out', 'synth-no-trades'], { cwd: work });
    expect(noTrades.status).toBe(0);
    const c = snapshotFiles(join(work, 'synth-no-trades'));
    expect([...c.keys()]).toEqual([CANDLE_FILE, 'dataset.json']);
    expect(c.get(CANDLE_FILE)!.equals(a.get(CANDLE_FILE)!)).toBe(true);
    expect(manifest(join(work, 'synth-no-trades')).trades).toBeUndefined();

    const other = runCli(['data', 'generate', '--bars', '300', '--interval', '1m', '--seed', '4', '--out', 'synth-seed-4'], { cwd: work });
    expect(other.status).toBe(0);
    const d = snapshotFiles(join(work, 'synth-seed-4'));
    expect(d.get(CANDLE_FILE)!.equals(a.get(CANDLE_FILE)!)).toBe(false);
  });

  it('is read back by data inspect: 300 clean 1m candles and their trades', () => {
    const result = runCli(['data', 'inspect', 'synth', '--json'], { cwd: work });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const d = parseJson<InspectJson>(result.stdout).datasets[0]!;
    const m = manifest(dir());
    expect(d.synthetic).toBe(true);
    expect(d.symbol).toBe('SYNTHUSDT');
    expect(d.market).toBe('usdm');
    expect(d.interval).toBe('1m');
    expect(d.candlesFromTrades).toBe(false);
    expect(d.candles).toEqual({
      rows: 300,
      first: '2024-01-01T00:00:00Z',
      last: '2024-01-01T04:59:00Z',
      gaps: { count: 0, missingBars: 0, largest: null },
      offGrid: 0,
      shortCandles: 0,
    });
    expect(d.trades).not.toBeNull();
    expect(d.trades!.rows).toBe(m.generator.trades);
    // At least the open and the close of every bar are trades, usually the high and low too.
    expect(d.trades!.rows).toBeGreaterThan(300 * 4 - 300);
    expect(d.trades!.first >= '2024-01-01T00:00:00').toBe(true);
    expect(d.trades!.last < '2024-01-01T05:00:00').toBe(true);
    expect(d.badRows).toBe(0);
    expect(d.files.map((f) => [f.format, f.header, f.rows])).toEqual([
      ['binance-klines', true, 300],
      ['binance-aggTrades', true, m.generator.trades],
    ]);

    const human = runCli(['data', 'inspect', 'synth'], { cwd: work });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^dataset\s+synth\s+\(SYNTHETIC data\)$/m);
  });

  it('--market spot: no header rows, 8-column aggTrades with True/False', () => {
    const spot = runCli(['data', 'generate', '--bars', '30', '--interval', '5m', '--seed', '3', '--trades', '--market', 'spot', '--out', 'spot'], {
      cwd: work,
    });
    expect(spot.status).toBe(0);
    const candles = readCsvRows(join(work, 'spot', 'SYNTHUSDT-5m-2024-01.csv'));
    expect(candles).toHaveLength(30);
    expect(candles[0]![0]).toBe(String(Date.UTC(2024, 0, 1)));
    const trades = readCsvRows(join(work, 'spot', TRADE_FILE));
    expect(trades.every((row) => row.length === 8 && ['True', 'False'].includes(row[6]!) && row[7] === 'True')).toBe(true);

    const result = runCli(['data', 'inspect', 'spot', '--json'], { cwd: work });
    expect(result.status).toBe(0);
    const d = parseJson<InspectJson>(result.stdout).datasets[0]!;
    expect(d.interval).toBe('5m');
    expect(d.candles.rows).toBe(30);
    expect(d.trades!.rows).toBe(trades.length);
    expect(d.files.map((f) => [f.format, f.header])).toEqual([
      ['binance-klines', false],
      ['binance-aggTrades', false],
    ]);
  });
});

describe('data aggregate', () => {
  const out = (): string => join(work, 'from-trades.csv');
  let result: CliResult;

  beforeAll(() => {
    result = runCli(['data', 'aggregate', join('synth', TRADE_FILE), '--interval', '1m', '--out', 'from-trades.csv'], { cwd: work });
  });

  it('rebuilds the generated candles from the generated aggTrades', () => {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const m = manifest(dir());
    expect(result.stdout).toContain('from-trades.csv');
    expect(result.stdout).toContain(`300 1m candles from ${m.generator.trades.toLocaleString('en-US')} trades`);

    const built = readCsvRows(out());
    const generated = readCsvRows(join(dir(), CANDLE_FILE));
    expect(built[0]).toEqual(generated[0]); // the Binance kline header
    expect(built).toHaveLength(generated.length);
    for (let i = 1; i < generated.length; i++) {
      const g = generated[i]!.map(Number);
      const b = built[i]!.map(Number);
      const where = `row ${i}: ${built[i]!.join(',')} vs ${generated[i]!.join(',')}`;
      // open time, open, high, low, close, close time and trade count exactly
      expect([b[0], b[1], b[2], b[3], b[4], b[6], b[8]], where).toEqual([g[0], g[1], g[2], g[3], g[4], g[6], g[8]]);
      // volume, quote volume and taker-buy volumes are sums of decimals
      for (const column of [5, 7, 9, 10]) {
        expect(Math.abs(b[column]! - g[column]!), `${where}, column ${column + 1}`).toBeLessThan(1e-6 * Math.max(1, g[column]!));
      }
    }
  });

  it('refuses to overwrite its output file', () => {
    const before = readFileSync(out());
    const mtime = statSync(out()).mtimeMs;
    const again = runCli(['data', 'aggregate', join('synth', TRADE_FILE), '--interval', '1m', '--out', 'from-trades.csv'], { cwd: work });
    expect(again.status).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('from-trades.csv');
    expect(again.stderr).toMatch(/already exists/);
    expect(readFileSync(out()).equals(before)).toBe(true);
    expect(statSync(out()).mtimeMs).toBe(mtime);
    expect(readdirSync(work).filter((name) => name.startsWith('from-trades.csv'))).toEqual(['from-trades.csv']);
  });

  it('needs --interval', () => {
    const result = runCli(['data', 'aggregate', join('synth', TRADE_FILE), '--out', 'no-interval.csv'], { cwd: work });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--interval');
    expect(existsSync(join(work, 'no-interval.csv'))).toBe(false);
  });
});

describe('data generate and aggregate: interruptions and mistakes', () => {
  it('Ctrl-C during generate removes the partial output and exits 130', async () => {
    const dir = makeTmpDir();
    const child = spawn(process.execPath, [CLI, 'data', 'generate', '--out', 'big', '--bars', '5000000', '--trades'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Wait until the temporary folder exists, then interrupt.
    const started = Date.now();
    while (!readdirSync(dir).some((name) => name.startsWith('.big.tmp-')) && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(readdirSync(dir).some((name) => name.startsWith('.big.tmp-'))).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted; removed the partial output');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes the last of a repeated option', () => {
    const dir = makeTmpDir();
    const result = runCli(['data', 'generate', '--out', 'twice', '--bars', '5', '--bars', '12'], { cwd: dir });
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, 'twice', 'SYNTHUSDT-1m-2024-01.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(13);
  });

  it('generate into a path that is a file, and aggregate into a missing folder, are input errors', () => {
    const dir = makeTmpDir();
    writeFileSync(join(dir, 'afile'), 'precious');
    const generate = runCli(['data', 'generate', '--out', 'afile', '--bars', '5'], { cwd: dir });
    expect(generate.status).toBe(2);
    expect(generate.stderr).toMatch(/^replaylab: afile: is a file, not a folder/);
    expect(readFileSync(join(dir, 'afile'), 'utf8')).toBe('precious');
    const aggregate = runCli(['data', 'aggregate', join(work, 'synth', TRADE_FILE), '--interval', '1m', '--out', 'nodir/x.csv'], { cwd: dir });
    expect(aggregate.status).toBe(2);
    expect(aggregate.stderr).toMatch(/^replaylab: nodir\/x\.csv: the folder nodir does not exist/);
  });

  it('aggregate --on-bad-row skip says how many rows it skipped and where', () => {
    const dir = makeTmpDir();
    const lines = readFileSync(join(work, 'synth', TRADE_FILE), 'utf8').trimEnd().split('\n');
    lines[5] = lines[5]!.replace(/^(\d+),[^,]+,/, '$1,oops,');
    writeFileSync(join(dir, 'SYNTHUSDT-aggTrades-2024-01.csv'), `${lines.join('\n')}\n`);
    const result = runCli(['data', 'aggregate', 'SYNTHUSDT-aggTrades-2024-01.csv', '--interval', '1m', '--out', 'x.csv', '--on-bad-row', 'skip'], { cwd: dir });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('skipped 1 bad row(s), the first:');
    expect(result.stdout).toMatch(/SYNTHUSDT-aggTrades-2024-01\.csv:6:2 column 'price' value "oops": not a number/);
  });
});
