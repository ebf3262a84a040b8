/**
 * HTTP access to Binance's archive: the checksum of an archive, and the archive itself (continuing
 * a part already on disk with a Range request), with errors that say what happened — offline, a
 * host that does not answer, a download that broke off — and a watchdog for servers that stall.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { archiveUrl, parseChecksum, type ArchiveFile } from './binance-archive.js';
import { InputError } from './errors.js';

/** A download that cannot be done: offline, a missing archive, a bad checksum. Exit code 2, like other bad input. */
export class DownloadError extends InputError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DownloadError';
  }
}

/** A pass-through stream that feeds a hash and counts bytes. */
export function tap(hash: Hash, onChunk: (bytes: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      onChunk(chunk.length);
      callback(null, chunk);
    },
  });
}

/** HTTP access to the archive: checksums, zips (resumed with Range), and errors that say what happened. */
export class ArchiveHttp {
  readonly baseUrl: string;
  private readonly host: string;

  constructor(
    baseUrl: string,
    private readonly stallMs: number,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.host = new URL(this.baseUrl).host;
  }

  /** The published SHA-256 of an archive, or undefined when the archive has no such file (404). */
  async checksum(file: ArchiveFile): Promise<string | undefined> {
    const url = archiveUrl(this.baseUrl, file, '.CHECKSUM');
    const watchdog = this.watchdog();
    try {
      const response = await this.get(url, {}, watchdog);
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (response.status !== 200) throw await this.httpError(response, url);
      const text = await response.text();
      return parseChecksum(text, `${file.name}.zip`, url);
    } catch (error) {
      throw this.failure(error, url);
    } finally {
      watchdog.stop();
    }
  }

  /**
   * Fetches an archive to `part`, continuing a part already there when the server takes a Range
   * request; returns the SHA-256 of the whole file.
   */
  async download(file: ArchiveFile, part: string, onBytes: (fileBytes: number, fileSize: number | undefined, delta: number) => void): Promise<string> {
    const url = archiveUrl(this.baseUrl, file);
    const watchdog = this.watchdog();
    try {
      let offset = existsSync(part) ? statSync(part).size : 0;
      let response = await this.get(url, offset > 0 ? { Range: `bytes=${offset}-` } : {}, watchdog);
      if (response.status === 416) {
        // The part is not a prefix of the file any more: start again.
        await response.body?.cancel();
        offset = 0;
        response = await this.get(url, {}, watchdog);
      }
      if (response.status === 404) {
        await response.body?.cancel();
        throw new DownloadError(`${url}: 404 Not Found, although its checksum file is there; run the same command again later`);
      }
      const resumed = response.status === 206 && (response.headers.get('content-range') ?? '').startsWith(`bytes ${offset}-`);
      if (response.status !== 200 && !resumed) throw await this.httpError(response, url);
      if (!resumed) offset = 0;
      const hash = createHash('sha256');
      if (offset > 0) for await (const chunk of createReadStream(part, { end: offset - 1 })) hash.update(chunk as Buffer);
      const length = Number(response.headers.get('content-length') ?? Number.NaN);
      const size = Number.isFinite(length) ? offset + length : undefined;
      let received = offset;
      onBytes(received, size, 0);
      if (response.body === null) throw new DownloadError(`${url}: the server sent no body`);
      try {
        await pipeline(
          Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
          tap(hash, (n) => {
            watchdog.poke();
            received += n;
            onBytes(received, size, n);
          }),
          createWriteStream(part, { flags: offset > 0 ? 'r+' : 'w', start: offset }),
        );
      } catch (error) {
        if (error instanceof InputError || (error as NodeJS.ErrnoException).syscall !== undefined) throw error;
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new DownloadError(
          `${url}: the download broke off after ${received}${size === undefined ? '' : ` of ${size}`} bytes (${cause}); run the same command again to resume`,
          { cause: error },
        );
      }
      if (size !== undefined && received !== size) {
        throw new DownloadError(`${url}: the connection closed after ${received} of ${size} bytes; run the same command again to resume`);
      }
      return hash.digest('hex');
    } catch (error) {
      throw this.failure(error, url);
    } finally {
      watchdog.stop();
    }
  }

  private async get(url: string, headers: Record<string, string>, watchdog: Watchdog): Promise<Response> {
    const response = await fetch(url, { headers, signal: watchdog.signal, redirect: 'follow' });
    watchdog.poke();
    return response;
  }

  private async httpError(response: Response, url: string): Promise<DownloadError> {
    await response.body?.cancel();
    const status = `HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`;
    const hint =
      response.status === 403
        ? 'the archive refuses this request (it answers so for some files it does not have, and for blocked networks)'
        : response.status >= 500 || response.status === 429
          ? `${this.host} has trouble or is busy; run the same command again later (what is verified is kept)`
          : 'unexpected answer';
    return new DownloadError(`${url}: ${status}: ${hint}`);
  }

  /** A DownloadError for anything a request threw: the network's own errors said in words. */
  private failure(error: unknown, url: string): Error {
    if (error instanceof InputError) return error;
    if ((error as NodeJS.ErrnoException).syscall !== undefined) return error as Error; // the disk's, not the network's
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? (error as NodeJS.ErrnoException).code;
    const reason = (code === undefined ? undefined : NETWORK_ERRORS[code]) ?? cause?.message ?? (error as Error).message;
    return new DownloadError(
      `cannot reach ${this.host}: ${reason}${code === undefined ? '' : ` (${code})`} (fetching ${url}); check your internet connection, or --base-url`,
      { cause: error },
    );
  }

  private watchdog(): Watchdog {
    return new Watchdog(this.stallMs, () => new DownloadError(`no data from ${this.host} for ${this.stallMs / 1000} s; run the same command again to resume`));
  }
}

const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'its name does not resolve (offline, or no DNS?)',
  EAI_AGAIN: 'its name could not be looked up (offline, or no DNS?)',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection broke off',
  ENETUNREACH: 'the network is unreachable (offline?)',
  EHOSTUNREACH: 'the host is unreachable (offline?)',
};

/** Aborts a request that sends nothing for `ms`; `poke` whenever data arrives. */
class Watchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    private readonly reason: () => Error,
  ) {
    this.timer = setTimeout(() => this.controller.abort(this.reason()), ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  poke(): void {
    this.timer.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
