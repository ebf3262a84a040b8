/**
 * The run configuration: one zod schema, a default and a description on every field. A config file
 * (`--config FILE`) may give any subset; `resolveConfig()` fills the rest and checks it all.
 * `replaylab config defaults` prints the whole of it with each field described.
 */
import { z } from 'zod';
import { InputError } from '../data/errors.js';
import { AgentConfigSchema, binEdgeProblems } from './agent-config.js';

const fraction = (description: string, fallback: number) => z.number().min(0).max(1).default(fallback).describe(description);
const positive = (description: string, fallback: number) => z.number().positive().default(fallback).describe(description);
const nonNegative = (description: string, fallback: number) => z.number().min(0).default(fallback).describe(description);
const bars = (description: string, fallback: number) => z.number().int().min(1).max(100_000).default(fallback).describe(description);

export const EngineConfigSchema = z
  .strictObject({
    cash: positive('Starting cash, in quote currency (USDT for Binance pairs).', 10_000),
    feeRate: z
      .number()
      .min(0)
      .max(0.1)
      .default(0.0005)
      .describe('Fee per side as a fraction of notional (taker). Binance USD-M 0.0005, spot 0.001.'),
    slippageBps: nonNegative('Slippage in basis points against the order on every market fill (entries, signal, stop, time exits).', 0),
    volumeImpact: nonNegative(
      'Extra slippage per unit of participation: fraction of price added = volumeImpact × min(1, qty / bar volume). 0 turns it off.',
      0,
    ),
    qtyStep: nonNegative('Quantity step: sizes are rounded down to a multiple of it (1 = whole units). 0 = no rounding.', 0),
    maintenanceMarginRate: z
      .number()
      .min(0)
      .max(0.5)
      .default(0.004)
      .describe('Maintenance margin rate of isolated positions (Binance BTCUSDT tier 1: 0.004). Sets the liquidation price.'),
    maxLeverage: z.number().min(1).max(125).default(25).describe('Risk limit: an order asking for more leverage is rejected.'),
    maxNotionalToEquity: positive('Risk limit: position notional may be at most this multiple of equity at fill time.', 25),
    maxMarginFraction: z
      .number()
      .gt(0)
      .max(1)
      .default(1)
      .describe('Risk limit (max exposure): margin plus entry fee may be at most this fraction of equity.'),
    tickWalk: z
      .boolean()
      .default(true)
      .describe('With trade data, fill orders and check stops, targets and liquidation tick by tick inside each bar.'),
  })
  .describe('The simulated broker.');

export const FeatureConfigSchema = z
  .strictObject({
    volatilityWindow: bars('Bars of log returns in the realized volatility.', 20),
    volatilityRankWindow: bars('Bars over which realized volatility is ranked into [0, 1] (its rolling percentile).', 500),
    pressureWindow: bars('Bars over which taker buy and sell volume are summed for marketPressure.', 20),
    trendWindow: bars('Bars of the Kaufman efficiency ratio (trend strength).', 20),
    breakoutWindow: bars('Prior bars whose high–low range a close must leave to count as a range break.', 20),
    trendEfficiency: fraction('Efficiency ratio at or above which the market is trending (TREND or BREAKOUT).', 0.3),
    breakoutVolatility: fraction('Volatility rank at or above which a range break counts as BREAKOUT.', 0.6),
    meanReversionVolatility: fraction('Volatility rank at or above which a trendless market is MEAN_REVERSION (else RANGE).', 0.5),
    winRateTrades: bars('Closed trades in the rolling win rate.', 20),
    equitySlopeBars: bars('Bars over which the equity-curve slope is measured.', 50),
    equitySlopeScale: positive('Log-return of equity over equitySlopeBars that maps to slope tanh(1) ≈ 0.76.', 0.05),
    healthDrawdownLimit: z
      .number()
      .gt(0)
      .max(1)
      .default(0.2)
      .describe('Drawdown from the equity peak (fraction) at which the drawdown part of accountHealth reaches 0.'),
    healthSlopeWeight: fraction('Weight of the equity slope in accountHealth; the drawdown part has 1 − this.', 0.3),
  })
  .describe('Market features and account trackers (DESIGN §3).');

export const SignalConfigSchema = z
  .strictObject({
    dualMomentum: z
      .strictObject({
        shortLookback: bars('Bars of the short lookback return.', 12),
        longLookback: bars('Bars of the long lookback return.', 48),
        strengthScale: positive('Absolute long-lookback return (fraction) that maps to strength tanh(1).', 0.02),
      })
      .prefault({})
      .describe('Long (short) when the short and long lookback returns are both positive (negative).'),
    meanReversion: z
      .strictObject({
        window: bars('Bars of the moving average and standard deviation of the close.', 20),
        zEntry: positive('|z-score| beyond which the strategy bets on a return to the mean.', 2),
      })
      .prefault({})
      .describe('Short above the mean (z ≥ zEntry), long below it (z ≤ −zEntry); strength grows with |z|.'),
    breakout: z
      .strictObject({
        window: bars('Prior bars whose highest high and lowest low form the range.', 20),
        strengthScale: positive('Distance beyond the range, in range widths, that maps to strength tanh(1).', 0.25),
      })
      .prefault({})
      .describe('Long on a close above the prior range, short below it.'),
  })
  .describe('Rule-based strategies (DESIGN §4); each emits a direction in {−1, 0, 1} and a strength in [0, 1] at every close.');

export const ModelConfigSchema = z
  .strictObject({
    names: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a model name: letters, digits and _'))
      .min(1)
      .max(16)
      .default(['xgb', 'lgbm', 'nhits', 'lstm'])
      .describe('The model axis of the meta action space; with predictions.csv, each is a column of it.'),
    syntheticHorizon: bars('Synthetic models: bars of the forward return they predict.', 12),
    informationCoefficients: z
      .record(z.string(), z.number().min(-1).max(1))
      .default({ xgb: 0.1, lgbm: 0.05, nhits: 0.02, lstm: 0 })
      .describe('Synthetic models: correlation of each model score with the forward return (a model not listed gets 0; entries for models not in names are ignored).'),
  })
  .describe('Model scores in [−1, 1]: from predictions.csv (as-of join, never ahead) or synthetic (seeded, uses the future).');

export const MetricsConfigSchema = z
  .strictObject({
    periodsPerYear: z
      .number()
      .positive()
      .default(365)
      .describe('Annualisation factor A for daily returns: 365 for crypto (trades every day), 252 for exchange-traded stocks.'),
    riskFreeRate: z.number().min(-0.5).max(1).default(0).describe('Annual risk-free rate (fraction) for Sharpe and Sortino.'),
  })
  .describe('Run metrics: the equity curve is resampled to daily returns (UTC days) and annualised by A.');

export const RunConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Optional: a JSON Schema for editors; ignored.'),
    engine: EngineConfigSchema.prefault({}),
    features: FeatureConfigSchema.prefault({}),
    signals: SignalConfigSchema.prefault({}),
    models: ModelConfigSchema.prefault({}),
    metrics: MetricsConfigSchema.prefault({}),
    agents: AgentConfigSchema.prefault({}),
  })
  .superRefine((config, context) => {
    const { dualMomentum } = config.signals;
    if (dualMomentum.shortLookback >= dualMomentum.longLookback) {
      context.addIssue({
        code: 'custom',
        path: ['signals', 'dualMomentum', 'shortLookback'],
        message: `must be below longLookback (${dualMomentum.longLookback}), got ${dualMomentum.shortLookback}`,
      });
    }
    if (new Set(config.models.names).size !== config.models.names.length) {
      context.addIssue({ code: 'custom', path: ['models', 'names'], message: 'model names must be distinct' });
    }
    const { v1, v2 } = config.agents;
    const binTables = [
      ['v2', 'metaBins', v2.metaBins],
      ['v2', 'sizingBins', v2.sizingBins],
      ['v1', 'bins', v1.bins],
    ] as const;
    for (const [agent, table, bins] of binTables) {
      for (const [feature, values] of Object.entries(bins)) {
        for (const message of binEdgeProblems(feature, values)) context.addIssue({ code: 'custom', path: ['agents', agent, table, feature], message });
      }
    }
    const distinct = [
      [['v2', 'strategies'], v2.strategies],
      [['v2', 'weights'], v2.weights],
      [['v2', 'sizeMultipliers'], v2.sizeMultipliers],
      [['v2', 'leverages'], v2.leverages],
      [['v1', 'weights'], v1.weights],
    ] as const;
    for (const [path, values] of distinct) {
      if (new Set<unknown>(values).size !== values.length) context.addIssue({ code: 'custom', path: ['agents', ...path], message: `values must be distinct, got ${JSON.stringify(values)}` });
    }
    if (config.engine.maxLeverage * config.engine.maintenanceMarginRate >= 1) {
      context.addIssue({
        code: 'custom',
        path: ['engine', 'maxLeverage'],
        message: `leverage ${config.engine.maxLeverage} with maintenance margin rate ${config.engine.maintenanceMarginRate} would be liquidated at once`,
      });
    }
  });

export type RunConfig = z.output<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;
export type EngineConfig = RunConfig['engine'];
export type FeatureConfig = RunConfig['features'];
export type SignalConfig = RunConfig['signals'];
export type ModelConfig = RunConfig['models'];
export type MetricsConfig = RunConfig['metrics'];
export type { AgentConfig, QLearningConfig, RlV1Config, RlV2Config } from './agent-config.js';

/** A config value that fails the schema, with every problem listed by its path. */
export class ConfigError extends InputError {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

/** Fills the defaults into a (partial) config and checks it. Throws `ConfigError` naming each bad field. */
export function resolveConfig(input: unknown = {}, source = 'config'): RunConfig {
  const result = RunConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new ConfigError(
      source,
      result.error.issues.map((issue) => {
        const at = formatIssuePath(issue.path);
        const received = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
        return `${at}: ${issue.message}${received}`;
      }),
    );
  }
  const { $schema: _schema, ...config } = result.data;
  return config as RunConfig;
}

/** The complete default configuration. */
export function defaultConfig(): RunConfig {
  return resolveConfig({});
}

/** Deep-merges `override` into `base` (objects merge, arrays and scalars replace). */
export function mergeConfigInput(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeConfigInput(base[key], value);
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
