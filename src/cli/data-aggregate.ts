/** `replaylab data aggregate`: trades to candles, written as a Binance kline CSV. */
import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Argv } from 'yargs';
import { BINANCE_KLINE_HEADER } from '../data/formats.js';
import { InputError, aggregateTrades, displayPath, formatIsoTime, loadFileSet, parseInterval, type CandleTable } from '../data/index.js';
import { dataLoadOptions, type DataArgs } from './data-options.js';

/** Writes candles as a Binance kline CSV with a header row, atomically. */
export function writeKlineCsv(path: string, candles: CandleTable): void {
  const temporary = `${path}.tmp-${process.pid}`;
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
      }
    }
    if (lines.length > 0) writeSync(fd, `${lines.join('\n')}\n`);
    closeSync(fd);
    renameSync(temporary, path);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}

export function aggregateCommand(yargs: Argv) {
  return yargs.command(
    'aggregate <trades..>',
    'Build candles (OHLCV, trade count, taker-buy volume) from trade files and write a kline CSV',
    (y) =>
      y
        .positional('trades', { type: 'string', array: true, demandOption: true, describe: 'trade or aggTrades CSV files, joined in time order' })
        .option('out', { type: 'string', demandOption: true, describe: 'kline CSV to write (must not exist)' }),
    async (args) => {
      const a = args as unknown as DataArgs & { trades: string[]; out: string };
      if (a.interval === undefined) throw new InputError('--interval is required: the candle interval to build, e.g. 1m');
      const interval = parseInterval(a.interval)!;
      if (existsSync(a.out)) throw new InputError(`${a.out}: already exists; choose a new file (nothing was overwritten)`);
      const options = dataLoadOptions(a);
      const dataset = await loadFileSet([], a.trades, options);
      const candles = aggregateTrades(dataset.trades!, interval ?? dataset.interval);
      writeKlineCsv(a.out, candles);
      const first = formatIsoTime(candles.columns.openTime[0]!);
      const last = formatIsoTime(candles.columns.openTime[candles.rows - 1]!);
      process.stdout.write(
        `wrote ${displayPath(a.out)}: ${candles.rows.toLocaleString('en-US')} ${interval.name} candles from ${dataset.trades!.rows.toLocaleString('en-US')} trades (${first} → ${last})\n`,
      );
    },
  );
}
