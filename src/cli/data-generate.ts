/** `replaylab data generate`: a seeded synthetic market in Binance format. */
import type { Argv } from 'yargs';
import { GENERATOR_DEFAULTS, InputError, displayPath, generateMarket, parseInterval, parseIsoTime } from '../data/index.js';
import { formatPairs } from './output.js';

export function generateCommand(yargs: Argv) {
  return yargs.command(
    'generate',
    'Write a seeded synthetic market (regime-switching random walk, optional trades) in Binance format',
    (y) =>
      y
        .option('out', { type: 'string', demandOption: true, describe: 'new folder to write (must not exist or be empty)' })
        .option('bars', { type: 'number', default: GENERATOR_DEFAULTS.bars, describe: 'number of candles' })
        .option('interval', { type: 'string', default: '1m', describe: 'candle interval (1m, 5m, 1h, …)' })
        .option('seed', { type: 'number', default: GENERATOR_DEFAULTS.seed, describe: 'random seed: same seed, same files' })
        .option('trades', { type: 'boolean', default: false, describe: 'also write aggTrades files consistent with the candles' })
        .option('trades-per-bar', { type: 'number', default: GENERATOR_DEFAULTS.tradesPerBar, describe: 'trades per candle, roughly (4 to 17; open, high, low and close always trade)' })
        .option('symbol', { type: 'string', default: GENERATOR_DEFAULTS.symbol, describe: 'symbol in file names' })
        .option('market', { choices: ['spot', 'usdm'] as const, default: GENERATOR_DEFAULTS.market, describe: 'file layout to imitate: usdm (header rows) or spot (none)' })
        .option('start', { type: 'string', default: '2024-01-01T00:00:00Z', describe: 'open time of the first candle (ISO 8601, UTC)' })
        .option('start-price', { type: 'number', default: GENERATOR_DEFAULTS.startPrice, describe: 'price of the first candle' })
        .option('volatility', { type: 'number', default: GENERATOR_DEFAULTS.annualVolatility, describe: 'annualised volatility of calm stretches (0.6 = 60%)' })
        .epilogue('Examples:\n  replaylab data generate --out data/synth --interval 5m --trades'),
    async (args) => {
      const interval = parseInterval(args.interval);
      if (interval === undefined) throw new InputError(`--interval '${args.interval}' is not an interval such as 1m, 5m, 1h`);
      const startMs = parseIsoTime(args.start);
      if (Number.isNaN(startMs)) throw new InputError(`--start '${args.start}' is not an ISO 8601 date`);
      if (!Number.isInteger(args.seed)) throw new InputError(`--seed must be a whole number, got ${args.seed}`);
      if (!(args.startPrice > 0)) throw new InputError(`--start-price must be above 0, got ${args.startPrice}`);
      if (!(args.volatility > 0 && args.volatility < 10)) throw new InputError(`--volatility must be between 0 and 10, got ${args.volatility}`);
      if (args.tradesPerBar > 17) throw new InputError(`--trades-per-bar must be at most 17, got ${args.tradesPerBar}`);
      const command = ['replaylab data generate', ...process.argv.slice(process.argv.findIndex((a) => a === 'generate') + 1)].join(' ');
      const result = await generateMarket(
        args.out,
        {
          bars: args.bars,
          interval,
          seed: args.seed,
          trades: args.trades,
          symbol: args.symbol,
          market: args.market,
          startMs,
          startPrice: args.startPrice,
          annualVolatility: args.volatility,
          tradesPerBar: args.tradesPerBar,
          tickSize: GENERATOR_DEFAULTS.tickSize,
          qtyStep: GENERATOR_DEFAULTS.qtyStep,
        },
        command,
      );
      const regimes = Object.entries(result.regimeBars)
        .map(([regime, bars]) => `${regime} ${((bars / result.bars) * 100).toFixed(0)}%`)
        .join(', ');
      process.stdout.write(
        `${formatPairs([
          ['wrote', displayPath(result.dir)],
          ['candles', result.bars],
          ['trades', result.trades],
          ['regimes', regimes],
          ['files', result.files.length],
        ])}\n`,
      );
    },
  );
}
