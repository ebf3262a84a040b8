/**
 * `--train-frac F`: the period's first F is for training, then an embargo of the longest lookback
 * of any feature, signal or synthetic model, then the rest for a frozen evaluation. The embargo keeps
 * the evaluation's features and the training's last labels from sharing bars.
 */
import type { RunConfig } from '../config/run-config.js';
import { InputError } from '../data/errors.js';
import { featureWarmupBars } from '../features/market-features.js';
import type { Period } from './replay-run.js';

/** Bars the longest feature, strategy or synthetic-model window spans. */
export function longestLookbackBars(config: RunConfig): number {
  const { signals } = config;
  return Math.max(
    featureWarmupBars(config.features),
    signals.dualMomentum.longLookback,
    signals.meanReversion.window,
    signals.breakout.window,
    config.models.syntheticHorizon,
  );
}

export interface TrainEvalSplit {
  readonly train: Period;
  readonly embargoBars: number;
  readonly evaluation: Period;
}

export function splitPeriod(period: Period, trainFrac: number, config: RunConfig): TrainEvalSplit {
  if (!(trainFrac > 0 && trainFrac < 1)) throw new InputError(`--train-frac must be between 0 and 1 (exclusive), got ${trainFrac}`);
  const bars = period.endIndex - period.startIndex;
  const trainEnd = period.startIndex + Math.floor(bars * trainFrac);
  const embargoBars = longestLookbackBars(config);
  const evalStart = trainEnd + embargoBars;
  if (trainEnd <= period.startIndex || evalStart >= period.endIndex) {
    throw new InputError(
      `--train-frac ${trainFrac}: the period's ${bars.toLocaleString('en-US')} bars are too few: ${(trainEnd - period.startIndex).toLocaleString('en-US')} for training ` +
        `+ an embargo of ${embargoBars} (the longest feature lookback) leave ${Math.max(0, period.endIndex - evalStart)} for evaluation`,
    );
  }
  return { train: { startIndex: period.startIndex, endIndex: trainEnd }, embargoBars, evaluation: { startIndex: evalStart, endIndex: period.endIndex } };
}
