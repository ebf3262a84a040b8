/**
 * The A/B plan: the tasks (dataset × walk-forward fold) and, for each task, each seed and each arm,
 * one RunSpec. Both arms get identical datasets, periods, seeds and costs; only the policy and its
 * agent settings differ.
 *
 * Walk-forward with K folds (an expanding training window): the period is cut into K + 1 equal
 * blocks; fold k trains on blocks 1…k, skips an embargo of the longest feature lookback, and is
 * scored on the rest of block k + 1 with the tables frozen. `--train-frac F` is one such split;
 * with neither, the learning arms learn while they are scored, over the whole period.
 */
import type { RunConfig } from '../config/run-config.js';
import { formatIsoTime, InputError } from '../data/index.js';
import type { LoadedMarket } from '../runner/markets.js';
import type { RunSpecInput } from '../runner/run-spec.js';
import type { Period } from '../runs/replay-run.js';
import { splitPeriod } from '../runs/train-split.js';
import type { ArmKey, TaskInfo } from './report-model.js';

export type AbSplit = { readonly kind: 'walk-forward'; readonly folds: number } | { readonly kind: 'train-frac'; readonly trainFrac: number } | { readonly kind: 'none' };

export interface AbArm {
  readonly label: string;
  readonly policy: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  /** The arm's config input (file and flags merged); resolved in the worker. */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface PlannedTask {
  readonly info: TaskInfo;
  readonly datasetKey: string;
  readonly train: Period | undefined;
  readonly test: Period;
}

export interface PlannedRun {
  readonly spec: RunSpecInput;
  readonly arm: ArmKey;
  readonly task: number;
  readonly seed: number;
}

export interface AbPlan {
  readonly tasks: readonly PlannedTask[];
  readonly runs: readonly PlannedRun[];
  readonly embargoBars: number;
}

/** Expanding-window walk-forward folds of `bars` bars: K + 1 blocks, fold k trains on 1…k, tests on k + 1 after the embargo. */
export function walkForwardFolds(period: Period, folds: number, embargoBars: number): { train: Period; test: Period }[] {
  if (!Number.isInteger(folds) || folds < 1) throw new InputError(`--folds must be a whole number ≥ 1, got ${folds}`);
  const bars = period.endIndex - period.startIndex;
  const block = Math.floor(bars / (folds + 1));
  const out: { train: Period; test: Period }[] = [];
  for (let k = 1; k <= folds; k++) {
    const trainEnd = period.startIndex + k * block;
    const testStart = trainEnd + embargoBars;
    const testEnd = k === folds ? period.endIndex : trainEnd + block;
    if (testStart >= testEnd) {
      throw new InputError(
        `--folds ${folds}: the period's ${bars.toLocaleString('en-US')} bars make blocks of ${block.toLocaleString('en-US')}, ` +
          `too short for the embargo of ${embargoBars} bars (the longest feature lookback) before each test window: use fewer folds or more data`,
      );
    }
    out.push({ train: { startIndex: period.startIndex, endIndex: trainEnd }, test: { startIndex: testStart, endIndex: testEnd } });
  }
  return out;
}

const window = (market: LoadedMarket, period: Period) => {
  const time = market.market.candles.columns.openTime;
  return { start: formatIsoTime(time[period.startIndex]!), end: formatIsoTime(time[period.endIndex - 1]! + market.market.intervalMs), bars: period.endIndex - period.startIndex };
};

export function planAb(input: {
  readonly markets: readonly LoadedMarket[];
  readonly arms: Readonly<Record<ArmKey, AbArm>>;
  readonly seeds: readonly number[];
  readonly split: AbSplit;
  /** Resolved configs of the arms (the embargo is the longer of their lookbacks). */
  readonly embargoConfig: RunConfig;
  readonly embargoBars: number;
}): AbPlan {
  const { markets, arms, seeds, split, embargoBars } = input;
  const tasks: PlannedTask[] = [];
  const names = new Map<string, number>();
  for (const market of markets) names.set(market.info.name, (names.get(market.info.name) ?? 0) + 1);
  markets.forEach((market, d) => {
    const whole: Period = { startIndex: 0, endIndex: market.market.candles.rows };
    const name = names.get(market.info.name)! > 1 ? `${market.info.name}#${d + 1}` : market.info.name;
    let windows: { train: Period | undefined; test: Period }[];
    if (split.kind === 'walk-forward') windows = walkForwardFolds(whole, split.folds, embargoBars);
    else if (split.kind === 'train-frac') {
      const s = splitPeriod(whole, split.trainFrac, input.embargoConfig);
      windows = [{ train: s.train, test: s.evaluation }];
    } else windows = [{ train: undefined, test: whole }];
    windows.forEach((w, k) => {
      const fold = split.kind === 'none' ? 0 : k + 1;
      const id = split.kind === 'walk-forward' ? `${name}/fold${fold}` : name;
      tasks.push({
        datasetKey: market.key,
        train: w.train,
        test: w.test,
        info: { id, dataset: market.info.name, fold, train: w.train === undefined ? null : window(market, w.train), test: window(market, w.test) },
      });
    });
  });
  const runs: PlannedRun[] = [];
  tasks.forEach((task, t) => {
    for (const seed of seeds) {
      for (const arm of ['a', 'b'] as const) {
        const a = arms[arm];
        runs.push({
          arm,
          task: t,
          seed,
          spec: {
            id: `${arm}:${task.info.id}:s${seed}`,
            dataset: task.datasetKey,
            policy: { name: a.policy, params: { ...a.params } },
            config: { ...a.config },
            seed,
            period: task.test,
            ...(task.train === undefined ? {} : { train: task.train }),
          },
        });
      }
    }
  });
  return { tasks, runs, embargoBars };
}
