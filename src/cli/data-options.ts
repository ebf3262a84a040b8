/** Options shared by every command that reads data: cache and bad-row handling. */
import type { Argv } from 'yargs';
import { defaultCacheDir, parseInterval, InputError, type DataLoadOptions } from '../data/index.js';

export interface DataArgs {
  cache: boolean;
  cacheDir: string | undefined;
  onBadRow: 'error' | 'skip';
  interval: string | undefined;
}

export function withDataOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('cache', {
      type: 'boolean',
      default: true,
      describe: 'reuse parsed files from the binary cache (--no-cache parses every file)',
    })
    .option('cache-dir', { type: 'string', describe: 'cache folder (default: $REPLAYLAB_CACHE_DIR or ./.replaylab-cache)' })
    .option('on-bad-row', {
      choices: ['error', 'skip'] as const,
      default: 'error' as const,
      describe: 'stop at the first bad row, or skip bad rows and count them',
    })
    .option('interval', { type: 'string', describe: 'candle interval when files do not say (e.g. 1m); builds candles from trade-only data' });
}

export function dataLoadOptions(args: DataArgs): DataLoadOptions {
  let interval;
  if (args.interval !== undefined) {
    interval = parseInterval(args.interval);
    if (interval === undefined) throw new InputError(`--interval '${args.interval}' is not an interval such as 1m, 5m, 1h, 1d`);
  }
  return {
    onBadRow: args.onBadRow,
    cache: args.cache ? { dir: args.cacheDir ?? defaultCacheDir() } : false,
    ...(interval === undefined ? {} : { interval }),
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
  };
}
