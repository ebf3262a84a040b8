/** `dataset.json`: what a dataset folder holds and where it came from. */
import { z } from 'zod';

const INTERVAL = /^\d+[smhdwM]$/;
const SHA256 = /^[0-9a-f]{64}$/;

const DownloadSchema = z.object({
  archive: z.string().describe('Base URL of the archive the files came from (https://data.binance.vision).'),
  market: z.enum(['spot', 'um']).describe("The archive's name for the market: spot, or um (USD-M futures)."),
  from: z.string().describe('First month requested, YYYY-MM.'),
  to: z.string().describe('Last month requested, YYYY-MM (a month not over yet comes as daily archives up to the day before the download).'),
  fetched: z.string().describe('When the download ran (UTC).'),
  command: z.string().optional().describe('The command that downloaded it.'),
  files: z
    .array(
      z.object({
        file: z.string().describe('The CSV in the folder.'),
        url: z.string().describe('The zip it was unpacked from.'),
        sha256: z.string().regex(SHA256).describe("The zip's SHA-256, as published in its .CHECKSUM file, checked before unpacking."),
        csvSha256: z.string().regex(SHA256).describe("The CSV's SHA-256, to check the folder later."),
        bytes: z.number().int().nonnegative().describe("The CSV's size in bytes."),
      }),
    )
    .describe('Each file of the dataset and the archive it came from.'),
});

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
    download: DownloadSchema.optional().describe('Where a dataset from `replaylab data download` came from: archive, months, files and checksums.'),
  })
  .strict();

export type DatasetManifest = z.infer<typeof DatasetManifestSchema>;
export type DatasetManifestInput = z.input<typeof DatasetManifestSchema>;
