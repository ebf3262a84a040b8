/** `replaylab data download`: klines (and aggTrades) from Binance's public data archive, checked and unpacked into a dataset folder. */
import type { Argv } from 'yargs';
import { DEFAULT_ARCHIVE_URL, checkArchiveRequest, monthOf } from '../data/binance-archive.js';
import { downloadDataset, stagingFolder, stagingNote, type DownloadProgress } from '../data/download.js';
import { InputError, displayPath, parseIsoTime } from '../data/index.js';
import { formatPairs } from './output.js';
import { formatClock } from './progress.js';

export function downloadCommand(yargs: Argv) {
  return yargs.command(
    'download',
    "Download klines (and aggTrades) from Binance's public data archive into a dataset folder, checking every checksum",
    (y) =>
      y
        .option('symbol', { type: 'string', demandOption: true, describe: 'Binance symbol, e.g. BTCUSDT' })
        .option('interval', { type: 'string', demandOption: true, describe: 'kline interval: 1s (spot), 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w' })
        .option('from', { type: 'string', demandOption: true, describe: 'first month, YYYY-MM' })
        .option('to', { type: 'string', demandOption: true, describe: 'last month, YYYY-MM (the current month: its days up to yesterday, UTC)' })
        .option('market', { choices: ['spot', 'um', 'usdm'] as const, default: 'spot' as const, describe: 'spot, or um (USD-M futures; usdm is the same)' })
        .option('trades', { type: 'boolean', default: false, describe: 'also download the aggTrades of those months (large: hundreds of MB a month for BTCUSDT)' })
        .option('out', { type: 'string', demandOption: true, describe: 'new dataset folder (must not exist or be empty); work in progress is kept in <out>.partial' })
        .option('base-url', {
          type: 'string',
          default: process.env['REPLAYLAB_BINANCE_URL'] ?? DEFAULT_ARCHIVE_URL,
          defaultDescription: `$REPLAYLAB_BINANCE_URL or ${DEFAULT_ARCHIVE_URL}`,
          describe: 'the archive (a mirror, or a local server for tests)',
        })
        .option('timeout', { type: 'number', default: 60, describe: 'seconds without data before a request is given up' })
        // The present, for tests: which months are over and which days of the current one are.
        .option('now', { type: 'string', hidden: true })
        .epilogue(
          [
            'Examples:',
            '  replaylab data download --symbol BTCUSDT --interval 1h --from 2024-01 --to 2024-06 --out data/btc-1h',
            '  replaylab data download --symbol ETHUSDT --interval 1m --from 2024-05 --to 2024-05 --market um --trades --out data/eth-um',
            '',
            'Run the same command again after a failure or Ctrl-C: what was verified is kept and not fetched again.',
          ].join('\n'),
        ),
    async (args) => {
      const nowMs = args.now === undefined ? Date.now() : parseIsoTime(args.now);
      if (Number.isNaN(nowMs)) throw new InputError(`--now '${args.now}' is not an ISO 8601 date`);
      const request = checkArchiveRequest({ ...args, nowMs });
      const baseUrl = checkBaseUrl(args.baseUrl);
      if (!(args.timeout > 0)) throw new InputError(`--timeout must be above 0 seconds, got ${args.timeout}`);
      const command = ['replaylab data download', ...process.argv.slice(process.argv.findIndex((a) => a === 'download') + 1)].join(' ');

      const view = new ProgressView(process.stderr);
      // Ctrl-C: say what is kept for the next run (the CLI's own handler then exits).
      const onSignal = () => {
        view.finish();
        const note = stagingNote(args.out);
        if (note !== '') process.stderr.write(`\nreplaylab: ${note}`);
      };
      process.prependListener('SIGINT', onSignal);
      process.prependListener('SIGTERM', onSignal);
      let result;
      try {
        result = await downloadDataset({ request, outDir: args.out, baseUrl, stallMs: args.timeout * 1000, command, onProgress: (p) => view.update(p) });
      } finally {
        view.finish();
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
      const current = monthOf(nowMs);
      const days = result.files.filter((f) => f.file.includes(`-${current}-`) && f.file.startsWith(`${request.symbol}-${request.interval}-`)).length;
      process.stdout.write(
        `${formatPairs([
          ['wrote', displayPath(result.dir)],
          ['archive', `${baseUrl} (${request.market === 'spot' ? 'spot' : 'USD-M futures'})`],
          ['symbol', request.symbol],
          ['interval', request.interval],
          ['months', `${request.from} to ${request.to}${days > 0 ? ` (${current}: ${days} day${days === 1 ? '' : 's'}, to yesterday)` : ''}`],
          ['candle files', result.candleFiles],
          ...(request.trades ? [['trade files', result.tradeFiles] as const] : []),
          [
            'downloaded',
            `${result.downloaded} archive${result.downloaded === 1 ? '' : 's'}, ${formatBytes(result.bytes)}, each checked against its SHA-256` +
              (result.reused > 0 ? `; ${result.reused} verified by an earlier run (${displayPath(stagingFolder(args.out))})` : ''),
          ],
        ])}\n`,
      );
    },
  );
}

function checkBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`--base-url '${text}' is not a URL such as ${DEFAULT_ARCHIVE_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`--base-url '${text}' must be an http or https URL`);
  return text.replace(/\/+$/, '');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1_000).toFixed(1)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}

/**
 * The download's progress on stderr when it is a terminal (as `progress.ts` draws a batch's):
 * checksums checked, then files and bytes with the time left. Redrawn at most every 100 ms.
 */
class ProgressView {
  private started = performance.now();
  private phase: DownloadProgress['phase'] = 'check';
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(progress: DownloadProgress): void {
    if (!this.stream.isTTY) return;
    const now = performance.now();
    if (progress.phase !== this.phase) {
      // The time left is measured from the first byte, not from the checks.
      this.phase = progress.phase;
      this.started = now;
    } else if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.drawn = true;
    // One line that fits the terminal, so that `\r` redraws it in place.
    const width = (this.stream.columns ?? 100) - 1;
    this.stream.write(`\r${progressText(progress, now - this.started).slice(0, width)}\u001b[K`);
  }

  finish(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}

export function progressText(progress: DownloadProgress, elapsedMs: number, width = 24): string {
  const bar = (fraction: number) => {
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    return `[${'#'.repeat(filled)}${'·'.repeat(width - filled)}]`;
  };
  if (progress.phase === 'check') {
    return `checking ${bar(progress.total === 0 ? 1 : progress.done / progress.total)} ${progress.done}/${progress.total} checksums · ${formatClock(elapsedMs)} elapsed`;
  }
  const { filesDone, filesTotal, fileBytes, fileSize, bytes } = progress;
  const fileFraction = fileSize === undefined || fileSize === 0 ? 0 : fileBytes / fileSize;
  const fraction = filesTotal === 0 ? 1 : (filesDone + fileFraction) / filesTotal;
  const eta = fraction <= 0 ? '–' : formatClock((elapsedMs / fraction) * (1 - fraction));
  const current = progress.file === '' ? '' : ` · ${progress.file} ${formatBytes(fileBytes)}${fileSize === undefined ? '' : `/${formatBytes(fileSize)}`}`;
  return `${bar(fraction)} ${filesDone}/${filesTotal} files · ${formatBytes(bytes)}${current} · ${formatClock(elapsedMs)} elapsed · ETA ${eta}`;
}
