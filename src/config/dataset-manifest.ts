/** `dataset.json`: what a dataset folder holds and where it came from. */
import { z } from 'zod';

const INTERVAL = /^\d+[smhdwM]$/;

export const DatasetManifestSchema = z
  .object({
    name: z.string().min(1).optional().describe('Short name of the dataset; defaults to the folder name.'),
    symbol: z.string().min(1).optional().describe('Trading pair, e.g. BTCUSDT.'),
    market: z.enum(['spot', 'usdm']).default('spot').describe('Binance market the data comes from (or imitates).'),
    interval: z
      .string()
      .regex(INTERVAL, 'an interval such as 1m, 5m, 1h, 1d')
      .optional()
      .describe('Candle interval in Binance notation; inferred from file names or data when absent.'),
    candles: z.array(z.string().min(1)).optional().describe('Globs of candle files, relative to the folder.'),
    trades: z.array(z.string().min(1)).optional().describe('Globs of trade files (aggTrades or trades), relative to the folder.'),
    predictions: z.string().min(1).optional().describe('Model predictions CSV, relative to the folder.'),
    synthetic: z.boolean().default(false).describe('True when the data is generated, not real market data.'),
    description: z.string().optional().describe('Free text shown by `data inspect`.'),
    source: z.string().optional().describe('Where the data came from (URL, tool, licence).'),
    generator: z.record(z.string(), z.unknown()).optional().describe('How a synthetic dataset was generated (command and parameters).'),
  })
  .strict();

export type DatasetManifest = z.infer<typeof DatasetManifestSchema>;
export type DatasetManifestInput = z.input<typeof DatasetManifestSchema>;
