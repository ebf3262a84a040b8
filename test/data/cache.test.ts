import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CANDLE_COLUMNS, TRADE_COLUMNS } from '../../src/data/columns.js';
import type { ParsedCandles, ParsedFile, ParsedTrades } from '../../src/data/csv-loader.js';
import { loadFile } from '../../src/data/dataset.js';

const root = mkdtempSync(join(tmpdir(), 'replaylab-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HEADER = 'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';
const ROWS = [
  '1640995200000,100.1,101.2,99.3,100.5,12.25,1640998799999,1230.5,42,6.5,650.75,0',
  '1640998800000,100.5,102.0,100.0,101.5,7.125,1641002399999,720.25,17,3.0,301.5,0',
  '1641002400000,101.5,101.9,100.8,101.0,0.5,1641005999999,50.5,3,0.25,25.25,0',
];

let dir: string;
let cacheDir: string;
let n = 0;
beforeEach(() => {
  dir = join(root, `case-${++n}`);
  cacheDir = join(dir, 'cache');
  mkdirSync(dir);
});

function writeKlines(rows = ROWS): string {
  const file = join(dir, 'BTCUSDT-1h-2022-01.csv');
  writeFileSync(file, `${HEADER}\n${rows.join('\n')}\n`);
  return file;
}

function cacheFiles(): string[] {
  return readdirSync(cacheDir)
    .filter((f) => f.endsWith('.bin'))
    .map((f) => join(cacheDir, f));
}

/** Every column as a plain array (NaN compares equal to NaN in toEqual). */
function columnsOf(parsed: ParsedFile): Record<string, number[]> {
  const names: readonly string[] = parsed.kind === 'candles' ? CANDLE_COLUMNS : TRADE_COLUMNS;
  const columns = parsed.table.columns as Record<string, Float64Array>;
  return Object.fromEntries(names.map((name) => [name, Array.from(columns[name]!)]));
}

describe('loadFile with a cache', () => {
  it('misses first, then hits with identical columns and metadata', async () => {
    const file = writeKlines();
    const first = await loadFile(file, { cache: { dir: cacheDir } });
    expect(first.cache).toBe('miss');
    expect(cacheFiles()).toHaveLength(1);
    const second = await loadFile(file, { cache: { dir: cacheDir } });
    expect(second.cache).toBe('hit');
    expect(second.bytes).toBe(statSync(file).size);
    expect(columnsOf(second.parsed)).toEqual(columnsOf(first.parsed));
    const p = second.parsed as ParsedCandles;
    expect(p.kind).toBe('candles');
    expect(p.file).toBe(file);
    expect(p.format).toBe('binance-klines');
    expect(p.hasHeader).toBe(true);
    expect(p.timeUnit).toBe('ms');
    expect(p.presentColumns).toEqual((first.parsed as ParsedCandles).presentColumns);
    expect(p.table.rows).toBe(3);
    expect(Array.from(p.table.columns.close)).toEqual([100.5, 101.5, 101]);
    expect(Array.from(p.table.columns.takerBuyQuoteVolume)).toEqual([650.75, 301.5, 25.25]);
    expect(p.table.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const name of CANDLE_COLUMNS) expect(p.table.columns[name].buffer).toBe(p.table.buffer);
  });

  it('keeps NaN columns and trade tables through the cache', async () => {
    const file = join(dir, 'trades.csv');
    writeFileSync(file, 'timestamp,price,amount\n1640995200000,100.5,2\n1640995200000,100.25,0.5\n1640995201000.5,99,1\n');
    const first = await loadFile(file, { cache: { dir: cacheDir } });
    const second = await loadFile(file, { cache: { dir: cacheDir } });
    expect(second.cache).toBe('hit');
    expect(columnsOf(second.parsed)).toEqual(columnsOf(first.parsed));
    const t = second.parsed as ParsedTrades;
    expect(t.kind).toBe('trades');
    expect(Array.from(t.table.columns.time)).toEqual([1_640_995_200_000, 1_640_995_200_000, 1_640_995_201_000.5]);
    expect(Array.from(t.table.columns.id).every(Number.isNaN)).toBe(true);
  });

  it('misses after the source file changes, and reads the new values', async () => {
    const file = writeKlines();
    await loadFile(file, { cache: { dir: cacheDir } });
    expect((await loadFile(file, { cache: { dir: cacheDir } })).cache).toBe('hit');
    // Same size, different content and a later mtime.
    writeKlines(ROWS.map((r) => r.replace(',100.5,12.25,', ',100.7,12.25,')));
    const later = new Date(statSync(file).mtimeMs + 10_000);
    utimesSync(file, later, later);
    const changed = await loadFile(file, { cache: { dir: cacheDir } });
    expect(changed.cache).toBe('miss');
    expect(Array.from((changed.parsed as ParsedCandles).table.columns.close)).toEqual([100.7, 101.5, 101]);
    const again = await loadFile(file, { cache: { dir: cacheDir } });
    expect(again.cache).toBe('hit');
    expect(Array.from((again.parsed as ParsedCandles).table.columns.close)).toEqual([100.7, 101.5, 101]);
  });

  it('keys the cache on the load options', async () => {
    const file = writeKlines();
    await loadFile(file, { cache: { dir: cacheDir } });
    expect((await loadFile(file, { cache: { dir: cacheDir }, onBadRow: 'skip' })).cache).toBe('miss');
    expect((await loadFile(file, { cache: { dir: cacheDir }, onBadRow: 'skip' })).cache).toBe('hit');
    expect(cacheFiles()).toHaveLength(2);
  });

  it('keeps bad-row counts of a skip load in the cache', async () => {
    const file = writeKlines([ROWS[0]!, ROWS[1]!.replace(',102.0,', ',99.0,'), ROWS[2]!]);
    const first = await loadFile(file, { cache: { dir: cacheDir }, onBadRow: 'skip' });
    const second = await loadFile(file, { cache: { dir: cacheDir }, onBadRow: 'skip' });
    expect(second.cache).toBe('hit');
    expect(second.parsed.badRows).toBe(1);
    expect(second.parsed.badRowSamples).toEqual(first.parsed.badRowSamples);
    expect(second.parsed.table.rows).toBe(2);
  });

  describe('a damaged cache file is detected, reported and rebuilt', () => {
    async function damageAndReload(damage: (path: string) => void): Promise<{ warnings: string[]; status: string; closes: number[] }> {
      const file = writeKlines();
      await loadFile(file, { cache: { dir: cacheDir } });
      const [cachePath] = cacheFiles();
      damage(cachePath!);
      const warnings: string[] = [];
      const loaded = await loadFile(file, { cache: { dir: cacheDir }, onWarning: (m) => warnings.push(m) });
      // Rebuilt: the next load hits again.
      const after = await loadFile(file, { cache: { dir: cacheDir } });
      expect(after.cache).toBe('hit');
      expect(columnsOf(after.parsed)).toEqual(columnsOf(loaded.parsed));
      return {
        warnings,
        status: loaded.cache,
        closes: Array.from((loaded.parsed as ParsedCandles).table.columns.close),
      };
    }

    it('a flipped byte in the columns', async () => {
      const result = await damageAndReload((path) => {
        const bytes = readFileSync(path);
        const headerBytes = bytes.readUInt32LE(8);
        const dataStart = 16 + headerBytes;
        expect(bytes.length).toBe(dataStart + 3 * CANDLE_COLUMNS.length * 8);
        // The first byte of the `close` column's second value.
        const at = dataStart + (4 * 3 + 1) * 8;
        bytes[at] = bytes[at]! ^ 0x01;
        writeFileSync(path, bytes);
      });
      expect(result.status).toBe('rebuilt');
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).toMatch(/damaged \(checksum mismatch\)/);
      expect(result.warnings[0]).toContain('BTCUSDT-1h-2022-01.csv');
      expect(result.closes).toEqual([100.5, 101.5, 101]);
    });

    it('a truncated file', async () => {
      const result = await damageAndReload((path) => truncateSync(path, statSync(path).size - 13));
      expect(result.status).toBe('rebuilt');
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).toMatch(/damaged/);
      expect(result.closes).toEqual([100.5, 101.5, 101]);
    });

    it('a file cut inside its header', async () => {
      const result = await damageAndReload((path) => truncateSync(path, 40));
      expect(result.status).toBe('rebuilt');
      expect(result.warnings[0]).toMatch(/damaged/);
      expect(result.closes).toEqual([100.5, 101.5, 101]);
    });

    it('garbage', async () => {
      const result = await damageAndReload((path) => writeFileSync(path, 'this is not a cache file at all, just some text\n'));
      expect(result.status).toBe('rebuilt');
      expect(result.warnings[0]).toMatch(/damaged \(bad magic\)/);
      expect(result.closes).toEqual([100.5, 101.5, 101]);
    });

    it('an empty file', async () => {
      const result = await damageAndReload((path) => writeFileSync(path, ''));
      expect(result.status).toBe('rebuilt');
      expect(result.closes).toEqual([100.5, 101.5, 101]);
    });

    it('a garbled JSON header', async () => {
      const result = await damageAndReload((path) => {
        const bytes = readFileSync(path);
        bytes.write('#', 16 + 1, 'latin1');
        writeFileSync(path, bytes);
      });
      expect(result.status).toBe('rebuilt');
      expect(result.warnings[0]).toMatch(/damaged/);
      expect(result.closes).toEqual([100.5, 101.5, 101]);
    });
  });

  it('does not use the cache with cache: false, nor by default', async () => {
    const file = writeKlines();
    const off = await loadFile(file, { cache: false });
    expect(off.cache).toBe('off');
    expect((await loadFile(file)).cache).toBe('off');
    expect(() => readdirSync(cacheDir)).toThrow();
    expect(Array.from((off.parsed as ParsedCandles).table.columns.close)).toEqual([100.5, 101.5, 101]);
  });

  it('warns and still loads when the cache cannot be written', async () => {
    const file = writeKlines();
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const warnings: string[] = [];
    const loaded = await loadFile(file, { cache: { dir: join(blocker, 'cache') }, onWarning: (m) => warnings.push(m) });
    expect(loaded.cache).toBe('miss');
    expect(loaded.parsed.table.rows).toBe(3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not write the cache/);
  });
});
