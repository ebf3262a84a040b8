/**
 * A stand-in for Binance's public data archive on loopback, for the download tests: serves zips
 * and their `.CHECKSUM` files at the archive's paths, answers Range requests, logs every request,
 * and can misbehave on purpose (a damaged zip, a stalled or broken-off download). The zips are
 * built here (`zipFile`, deflated with node:zlib) from CSVs split out of the project's generator,
 * so no test touches the network.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { generateMarket, parseInterval } from '../../src/data/index.js';

/** A zip of `[name, content]` entries, deflated, as Binance's archives are (theirs hold one CSV). */
export function zipFile(entries: readonly (readonly [string, Buffer | string])[]): Buffer {
  // DOS time 00:00:00, date 2024-01-01.
  const dosTime = 0;
  const dosDate = ((2024 - 1980) << 9) | (1 << 5) | 1;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const compressed = deflateRawSync(data);
    const fileName = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    // extra, comment, disk, internal and external attributes: 0.
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, compressed);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + compressed.length;
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8); // entries on this disk
  end.writeUInt16LE(entries.length, 10); // entries
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly range: string | undefined;
}

/** The archive on loopback. Paths are the archive's (`/data/spot/monthly/klines/…`). */
export class ArchiveServer {
  readonly requests: LoggedRequest[] = [];
  private readonly files = new Map<string, Buffer>();
  /** Paths whose download sends half the file, then nothing more (a stalled connection). */
  readonly stall = new Set<string>();
  /** Paths whose download sends this many bytes, then drops the connection (once). */
  readonly breakAfter = new Map<string, number>();
  /** Whether Range requests are answered (206), or ignored (200 with the whole file). */
  ranges = true;
  private server: Server | undefined;

  /** Serves a zip holding `content` as its CSV (or `zip` as it is), with its correct checksum file. */
  addArchive(zipPath: string, content: string, zip?: Buffer): Buffer {
    const name = zipPath.slice(zipPath.lastIndexOf('/') + 1);
    zip ??= zipFile([[name.replace(/\.zip$/, '.csv'), content]]);
    this.files.set(zipPath, zip);
    this.files.set(`${zipPath}.CHECKSUM`, Buffer.from(`${sha256(zip)}  ${name}\n`));
    return zip;
  }

  /** Replaces a file's bytes (say, a damaged zip) and keeps its checksum file as it was. */
  replace(path: string, data: Buffer): void {
    this.files.set(path, data);
  }

  remove(path: string): void {
    this.files.delete(path);
  }

  file(path: string): Buffer | undefined {
    return this.files.get(path);
  }

  /** Requests for zips (not checksums) in the log. */
  zipRequests(): LoggedRequest[] {
    return this.requests.filter((r) => r.path.endsWith('.zip'));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      this.requests.push({ method: req.method ?? 'GET', path, range: req.headers.range });
      const data = this.files.get(path);
      if (data === undefined) {
        res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
        return;
      }
      let start = 0;
      const range = this.ranges ? /^bytes=(\d+)-$/.exec(req.headers.range ?? '') : null;
      if (range !== null) {
        start = Number(range[1]);
        if (start >= data.length) {
          res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
          return;
        }
        res.writeHead(206, { 'content-length': data.length - start, 'content-range': `bytes ${start}-${data.length - 1}/${data.length}` });
      } else res.writeHead(200, { 'content-length': data.length });
      const body = data.subarray(start);
      if (this.stall.has(path)) {
        res.write(body.subarray(0, body.length >> 1)); // and never the rest
        return;
      }
      const cut = this.breakAfter.get(path);
      if (cut !== undefined) {
        this.breakAfter.delete(path);
        // Let the bytes arrive (and be written) before the connection drops.
        res.write(body.subarray(0, cut), () => setTimeout(() => res.destroy(), 50));
        return;
      }
      res.end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }
}

/** The rows of a generated market, split into Binance's monthly and daily files. */
export interface GeneratedRows {
  /** Header row of the `usdm` layout, or undefined for `spot`. */
  readonly klineHeader: string | undefined;
  readonly tradeHeader: string | undefined;
  readonly klines: readonly string[];
  readonly trades: readonly string[];
}

/** A seeded synthetic market from `data generate`, as lines (1h candles and their aggTrades). */
export async function generatedRows(options: { start: string; bars: number; market: 'spot' | 'usdm'; symbol?: string }): Promise<GeneratedRows> {
  const dir = mkdtempSync(join(tmpdir(), 'replaylab-archive-'));
  try {
    const symbol = options.symbol ?? 'BTCUSDT';
    const result = await generateMarket(join(dir, 'market'), {
      bars: options.bars,
      interval: parseInterval('1h')!,
      seed: 7,
      trades: true,
      symbol,
      market: options.market,
      startMs: Date.parse(options.start),
      startPrice: 40_000,
      annualVolatility: 0.6,
      tradesPerBar: 4,
      tickSize: 0.1,
      qtyStep: 0.001,
    });
    const lines = (kind: string) =>
      result.files
        .filter((f) => f.includes(`-${kind}-`))
        .sort()
        .flatMap((f) => readFileSync(f, 'utf8').trimEnd().split('\n'));
    const klines = lines('1h');
    const trades = lines('aggTrades');
    const header = options.market === 'usdm';
    return {
      klineHeader: header ? klines[0] : undefined,
      tradeHeader: header ? trades[0] : undefined,
      klines: klines.filter((l) => /^\d/.test(l)),
      trades: trades.filter((l) => /^\d/.test(l)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The lines whose time (field `timeField`, epoch ms) falls in `period` (`YYYY-MM` or `YYYY-MM-DD`), as a CSV text. */
export function csvOf(lines: readonly string[], timeField: number, period: string, header?: string): string {
  const rows = lines.filter((line) => new Date(Number(line.split(',')[timeField])).toISOString().startsWith(period));
  return `${[...(header === undefined ? [] : [header]), ...rows].join('\n')}\n`;
}

/** Serves the klines (and aggTrades) of `rows` as archives of `market`: monthly for `months`, daily for `days`. */
export function serveRows(
  server: ArchiveServer,
  rows: GeneratedRows,
  options: { market: 'spot' | 'um'; symbol?: string; months: readonly string[]; days: readonly string[]; trades: boolean },
): void {
  const symbol = options.symbol ?? 'BTCUSDT';
  const root = options.market === 'spot' ? '/data/spot' : '/data/futures/um';
  for (const [cadence, periods] of [
    ['monthly', options.months],
    ['daily', options.days],
  ] as const) {
    for (const period of periods) {
      server.addArchive(`${root}/${cadence}/klines/${symbol}/1h/${symbol}-1h-${period}.zip`, csvOf(rows.klines, 0, period, rows.klineHeader));
      if (options.trades) {
        server.addArchive(`${root}/${cadence}/aggTrades/${symbol}/${symbol}-aggTrades-${period}.zip`, csvOf(rows.trades, 5, period, rows.tradeHeader));
      }
    }
  }
}

/** `YYYY-MM-01` … for the first `count` days of a month. */
export function daysOf(month: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
}
