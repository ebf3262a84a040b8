/**
 * Binary cache of parsed files. A cache file holds one table's columns back to back after a JSON
 * header; it is keyed by the source's absolute path, size, mtime, the parser version and the load
 * options, and carries a CRC-32 of its columns, so a stale or damaged file is never trusted: it is
 * parsed again and the cache file rewritten.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { CANDLE_COLUMNS, TRADE_COLUMNS, viewTable } from './columns.js';
import { PARSER_VERSION, type LoadOptions, type ParsedFile } from './csv-loader.js';
import { releaseTemporary, trackTemporary } from './temporary-files.js';

const MAGIC = 'RPLYCOL1';
const PREFIX_BYTES = 16; // magic (8) + header length (4) + reserved (4)

export interface CacheOptions {
  /** Folder of cache files; created on first write. */
  readonly dir: string;
}

/** The default cache folder: `$REPLAYLAB_CACHE_DIR`, else `.replaylab-cache` in the working folder. */
export function defaultCacheDir(): string {
  return resolve(process.env.REPLAYLAB_CACHE_DIR ?? '.replaylab-cache');
}

interface SourceKey {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly parserVersion: number;
  readonly onBadRow: string;
  readonly expect: string;
}

interface CacheHeader {
  readonly key: SourceKey;
  readonly rows: number;
  readonly columns: readonly string[];
  readonly crc32: number;
  readonly meta: Omit<ParsedFile, 'table'>;
}

function sourceKey(file: string, size: number, mtimeMs: number, options: LoadOptions): SourceKey {
  return {
    path: resolve(file),
    size,
    mtimeMs,
    parserVersion: PARSER_VERSION,
    onBadRow: options.onBadRow ?? 'error',
    expect: options.expect ?? 'any',
  };
}

function cachePath(cache: CacheOptions, key: SourceKey): string {
  const digest = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
  return join(cache.dir, `${digest}.bin`);
}

export type CacheLookup =
  | { readonly status: 'hit'; readonly parsed: ParsedFile }
  | { readonly status: 'miss' }
  | { readonly status: 'damaged'; readonly reason: string };

/** Reads a cached table for the file as it is now on disk, straight into a shared buffer. */
export function readCache(cache: CacheOptions, file: string, size: number, mtimeMs: number, options: LoadOptions): CacheLookup {
  const key = sourceKey(file, size, mtimeMs, options);
  const path = cachePath(cache, key);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { status: 'miss' };
  }
  try {
    const total = fstatSync(fd).size;
    const prefix = Buffer.alloc(PREFIX_BYTES);
    if (readSync(fd, prefix, 0, PREFIX_BYTES, 0) !== PREFIX_BYTES || prefix.toString('latin1', 0, 8) !== MAGIC) {
      return { status: 'damaged', reason: 'bad magic' };
    }
    const headerBytes = prefix.readUInt32LE(8);
    if (headerBytes <= 0 || PREFIX_BYTES + headerBytes > total) return { status: 'damaged', reason: 'truncated header' };
    const headerBuffer = Buffer.alloc(headerBytes);
    readSync(fd, headerBuffer, 0, headerBytes, PREFIX_BYTES);
    let header: CacheHeader;
    try {
      header = JSON.parse(headerBuffer.toString('utf8').trimEnd()) as CacheHeader;
    } catch {
      return { status: 'damaged', reason: 'unreadable header' };
    }
    if (JSON.stringify(header.key) !== JSON.stringify(key)) return { status: 'damaged', reason: 'key mismatch' };
    const names = header.meta.kind === 'candles' ? CANDLE_COLUMNS : TRADE_COLUMNS;
    if (JSON.stringify(header.columns) !== JSON.stringify(names)) return { status: 'damaged', reason: 'column mismatch' };
    const dataOffset = PREFIX_BYTES + headerBytes;
    const dataBytes = header.rows * names.length * Float64Array.BYTES_PER_ELEMENT;
    if (total !== dataOffset + dataBytes) return { status: 'damaged', reason: 'wrong length' };
    const buffer = new SharedArrayBuffer(Math.max(8, dataBytes));
    const bytes = new Uint8Array(buffer, 0, dataBytes);
    let done = 0;
    while (done < dataBytes) {
      const n = readSync(fd, bytes, done, dataBytes - done, dataOffset + done);
      if (n <= 0) return { status: 'damaged', reason: 'short read' };
      done += n;
    }
    if (crc32(bytes) !== header.crc32) return { status: 'damaged', reason: 'checksum mismatch' };
    const table = viewTable(names as readonly string[], buffer, header.rows, header.rows);
    return { status: 'hit', parsed: { ...header.meta, table } as ParsedFile };
  } finally {
    closeSync(fd);
  }
}

/** Writes a parsed table to the cache atomically (a temporary file renamed into place). */
export function writeCache(cache: CacheOptions, size: number, mtimeMs: number, options: LoadOptions, parsed: ParsedFile): void {
  const key = sourceKey(parsed.file, size, mtimeMs, options);
  const path = cachePath(cache, key);
  const names: readonly string[] = parsed.kind === 'candles' ? CANDLE_COLUMNS : TRADE_COLUMNS;
  const columns = names.map((name) => (parsed.table.columns as Record<string, Float64Array>)[name]!);
  let checksum = 0;
  for (const column of columns) checksum = crc32(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), checksum);
  const { table: _table, ...meta } = parsed;
  const header: CacheHeader = { key, rows: parsed.table.rows, columns: names, crc32: checksum, meta };
  let headerText = JSON.stringify(header);
  // Pad so the columns start on an 8-byte boundary.
  headerText += ' '.repeat((8 - ((PREFIX_BYTES + Buffer.byteLength(headerText)) % 8)) % 8);
  const headerBuffer = Buffer.from(headerText, 'utf8');
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(headerBuffer.length, 8);

  mkdirSync(cache.dir, { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  trackTemporary(temporary);
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, prefix);
    writeSync(fd, headerBuffer);
    for (const column of columns) {
      const bytes = new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    }
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    releaseTemporary(temporary);
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
  releaseTemporary(temporary);
}
