/** `replaylab data aggregate`: trades to candles, written as a Binance kline CSV. */
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Argv } from 'yargs';
import { BINANCE_KLINE_HEADER } from '../data/formats.js';
import { releaseTemporary, trackTemporary } from '../data/temporary-files.js';
import { InputError, displayPath, formatIsoTime, loadFileSet, type CandleTable } from '../data/index.js';
import { dataLoadOptions, withDataOptions, type DataArgs } from './data-options.js';

/** Writes candles as a Binance kline CSV with a header row, atomically (a temporary file renamed). */
export async function writeKlineCsv(path: string, candles: CandleTable): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  trackTemporary(temporary);
  const fd = openSync(temporary, 'w');
  try {
    const c = candles.columns;
    const number = (v: number): string => (Number.isNaN(v) ? '' : String(+v.toPrecision(15)));
    let lines = [BINANCE_KLINE_HEADER.join(',')];
    for (let i = 0; i < candles.rows; i++) {
      lines.push(
        [
          c.openTime[i],
          number(c.open[i]!),
          number(c.high[i]!),
          number(c.low[i]!),
          number(c.close[i]!),
          number(c.volume[i]!),
          c.closeTime[i],
          number(c.quoteVolume[i]!),
          c.tradeCount[i],
          number(c.takerBuyVolume[i]!),
          number(c.takerBuyQuoteVolume[i]!),
          0,
        ].join(','),
      );
      if (lines.length >= 10_000) {
        writeSync(fd, `${lines.join('\n')}\n`);
        lines = [];
        await new Promise((resolve) => setImmediate(resolve)); // let Ctrl-C be heard
      }
    }
    if (lines.length > 0) writeSync(fd, `${lines.join('\n')}\n`);
    closeSync(fd);
    renameSync(temporary, path);
    releaseTemporary(temporary);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    releaseTemporary(temporary);
    throw error;
  }
}

export function aggregateCommand(yargs: Argv) {
  return yargs.command(
    'aggregate <trades..>',
    'Build candles (OHLCV, trade count, taker-buy volume) from trade files and write a kline CSV',
    (y) =>
      withDataOptions(y)
        .positional('trades', { type: 'string', array: true, demandOption: true, describe: 'trade or aggTrades CSV files, joined in time order' })
        .option('out', { type: 'string', demandOption: true, describe: 'kline CSV to write (must not exist)' })
        .epilogue('Examples:\n  replaylab data aggregate XRP_ETH-trades.csv --interval 1m --out XRP_ETH-1m.csv'),
    async (args) => {
      const a = args as unknown as DataArgs & { trades: string[]; out: string };
      if (a.interval === undefined) throw new InputError('--interval is required: the candle interval to build, e.g. 1m');
      const options = dataLoadOptions(a); // checks --interval
      const interval = options.interval!;
      if (existsSync(a.out)) throw new InputError(`${a.out}: already exists; choose a new file (nothing was overwritten)`);
      const folder = dirname(a.out);
      if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new InputError(`${a.out}: the folder ${folder} does not exist`);
      // Trade-only data: the dataset's candles are these trades aggregated at --interval.
      const dataset = await loadFileSet([], a.trades, options);
      const candles = dataset.candles;
      await writeKlineCsv(a.out, candles);
      const first = formatIsoTime(candles.columns.openTime[0]!);
      const last = formatIsoTime(candles.columns.openTime[candles.rows - 1]!);
      process.stdout.write(
        `wrote ${displayPath(a.out)}: ${candles.rows.toLocaleString('en-US')} ${interval.name} candles from ${dataset.trades!.rows.toLocaleString('en-US')} trades (${first} → ${last})\n`,
      );
      if (dataset.badRows > 0) {
        const samples = dataset.tradeFiles.flatMap((f) => f.parsed.badRowSamples).slice(0, 5);
        process.stdout.write(`skipped ${dataset.badRows.toLocaleString('en-US')} bad row(s), the first:\n${samples.map((s) => `  ${s.message}`).join('\n')}\n`);
      }
    },
  );
}
