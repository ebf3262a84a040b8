/**
 * The plan of a sweep (what `sweep.json` holds): the policy, the axes and the cells drawn from them,
 * the seeds, the datasets and their periods, the metric that ranks the cells and the config file.
 * From it come the run specs, always in the same order (cell, then dataset, then seed), so a sweep's
 * results do not depend on how many workers ran it; and `--resume` compares the flags with it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { defaultConfig, mergeConfigInput, resolveConfig, type RunConfig } from '../config/run-config.js';
import { InputError } from '../data/errors.js';
import { formatIsoTime } from '../data/time.js';
import { loadPolicy, type LoadedPolicy } from '../policies/load-policy.js';
import type { PolicyParamValue } from '../policies/policy.js';
import type { DatasetInfo } from '../runner/markets.js';
import type { RunSpecInput } from '../runner/run-spec.js';
import type { Period } from '../runs/replay-run.js';
import { splitPeriod } from '../runs/train-split.js';
import { flagText, valueText, type JsonValue, type SweepAxis } from './axes.js';
import type { SweepCell } from './cells.js';
import { RESULT_METRICS, runKey, type MetricKey } from './results-csv.js';

export const SWEEP_FORMAT = 'replaylab-sweep';
export const SWEEP_VERSION = 1;

export type SearchSpec = { readonly mode: 'grid' } | { readonly mode: 'random'; readonly cells: number; readonly seed: number };

export interface PolicyInfo {
  /** The built-in name, or the module's path as given. */
  readonly name: string;
  readonly kind: 'builtin' | 'module';
  /** Absolute path of a module, and a digest of its text (a resumed sweep must run the same code). */
  readonly file: string | null;
  readonly sha256: string | null;
}

/** A dataset of the plan: its key (the path as given; results.csv's `dataset` column) and where it is. */
export interface PlanDataset {
  readonly key: string;
  readonly path: string;
}

/** The measured period of a dataset (the same for every cell), after a training part with --train-frac. */
export interface DatasetPeriods {
  readonly dataset: string;
  readonly train: Period | null;
  readonly embargoBars: number;
  readonly evaluation: Period;
}

/** Everything that decides which runs a sweep makes and how they are ranked. */
export interface SweepPlan {
  readonly policy: PolicyInfo;
  readonly search: SearchSpec;
  readonly axes: readonly SweepAxis[];
  readonly cells: readonly SweepCell[];
  readonly seeds: readonly number[];
  readonly datasets: readonly PlanDataset[];
  readonly trainFrac: number | null;
  readonly metric: MetricKey;
  /** The config file's name and parsed contents (every cell starts from them). */
  readonly config: { readonly file: string | null; readonly contents: Record<string, unknown> | null };
}

/** `agents.v2.meta.alpha` = 0.05 → `{ agents: { v2: { meta: { alpha: 0.05 } } } }`. */
export function nestedValue(path: string, value: JsonValue): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, segment) => ({ [segment]: inner }), value) as Record<string, unknown>;
}

/** `probability=0.01, leverage=2`: a cell's values as a reader sees them. */
export function describeCell(cell: SweepCell): string {
  return Object.entries(cell.values)
    .map(([key, value]) => `${key}=${valueText(value)}`)
    .join(', ');
}

/** The config input of a cell: the config file, then the cell's config values over it. */
export function cellConfigInput(plan: Pick<SweepPlan, 'axes' | 'config'>, cell: SweepCell): Record<string, unknown> {
  let input: unknown = plan.config.contents ?? {};
  for (const axis of plan.axes) if (axis.target === 'config') input = mergeConfigInput(input, nestedValue(axis.key, cell.values[axis.key]!));
  return input as Record<string, unknown>;
}

/** The policy parameters of a cell. */
export function cellPolicyParams(plan: Pick<SweepPlan, 'axes'>, cell: SweepCell): Record<string, PolicyParamValue> {
  const params: Record<string, PolicyParamValue> = {};
  for (const axis of plan.axes) {
    if (axis.target === 'policy') params[axis.key] = cell.values[axis.key] as PolicyParamValue;
  }
  return params;
}

/** The policy as a worker loads it: a built-in name, or a module's absolute path. */
export const policySpecName = (policy: PolicyInfo): string => policy.file ?? policy.name;

export function fileDigest(file: string): string {
  return `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
}

/** Config paths whose last segment is `name` (`alpha` → agents.v2.meta.alpha, …): hints for a mistaken key. */
export function configPathsEndingWith(name: string): string[] {
  const found: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    for (const [key, child] of Object.entries(node)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (key === name) found.push(at);
      walk(child, at);
    }
  };
  walk(defaultConfig(), '');
  return found;
}

const validationEnvironment = (config: RunConfig, seed: number) => ({ seed, symbol: undefined, intervalMs: 60_000, config });

/**
 * Checks every value and every cell before any data is read: each config value alone (so the message
 * names its flag), each built-in policy parameter alone, then each cell's whole config and policy.
 * Returns the policy as loaded and each cell's resolved config.
 */
export async function checkPlanInputs(
  plan: Pick<SweepPlan, 'axes' | 'cells' | 'config' | 'seeds'> & { readonly policyName: string },
  rawFlags: ReadonlyMap<string, string>,
): Promise<{ policy: LoadedPolicy; configs: RunConfig[] }> {
  const source = plan.config.file ?? 'config';
  const base = resolveConfig(plan.config.contents ?? {}, source);
  const seed = plan.seeds[0] ?? 1;
  // The policy alone, with its defaults: an unknown name or a module that does not load fails here.
  const policy = await loadPolicy(plan.policyName, {}, validationEnvironment(base, seed)).catch((error: unknown) => {
    // A module may need its swept parameters to build; the cells below try it with them.
    if (error instanceof InputError && !/building the policy threw/.test(error.message)) throw error;
    return undefined;
  });
  for (const axis of plan.axes) {
    const raw = rawFlags.get(axis.key) ?? `${axis.key}=…`;
    const values: JsonValue[] = axis.kind === 'list' ? [...axis.values] : [axis.range.low, axis.range.high];
    for (const value of values) {
      if (axis.target === 'config') {
        resolveConfig(mergeConfigInput(plan.config.contents ?? {}, nestedValue(axis.key, value)), `${flagText(raw)}: value ${valueText(value)}`);
      } else if (policy?.kind === 'builtin') {
        try {
          await loadPolicy(plan.policyName, { [axis.key]: value as PolicyParamValue }, validationEnvironment(base, seed));
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          const similar = configPathsEndingWith(axis.key);
          const hint = similar.length === 0 ? '' : ` (config fields named ${axis.key}: ${similar.join(', ')})`;
          throw new InputError(
            `${flagText(raw)}: '${axis.key}' is not a config field, so it is a parameter of policy ${plan.policyName}, which refused ${valueText(value)}: ${error.message}${hint}`,
          );
        }
      }
    }
  }
  const configs: RunConfig[] = [];
  let loaded = policy;
  for (const cell of plan.cells) {
    const where = `cell ${cell.id} (${describeCell(cell)})`;
    const config = resolveConfig(cellConfigInput(plan, cell), where);
    configs.push(config);
    try {
      loaded = await loadPolicy(plan.policyName, cellPolicyParams(plan, cell), validationEnvironment(config, seed));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(`${where}: ${error.message}`);
    }
  }
  return { policy: loaded!, configs };
}

/**
 * The measured period of each dataset: the whole of it, or with --train-frac the part after the
 * training part and an embargo. The embargo is the longest lookback of any cell's config, so every
 * cell is trained and scored on the same bars even when a cell lengthens a feature window.
 */
export function datasetPeriods(datasets: readonly { key: string; bars: number }[], trainFrac: number | null, configs: readonly RunConfig[]): DatasetPeriods[] {
  return datasets.map(({ key, bars }) => {
    const whole = { startIndex: 0, endIndex: bars };
    if (trainFrac === null) return { dataset: key, train: null, embargoBars: 0, evaluation: whole };
    let widest = splitPeriod(whole, trainFrac, configs[0]!);
    for (const config of configs.slice(1)) {
      const split = splitPeriod(whole, trainFrac, config);
      if (split.embargoBars > widest.embargoBars) widest = split;
    }
    return { dataset: key, train: widest.train, embargoBars: widest.embargoBars, evaluation: widest.evaluation };
  });
}

/** One run of the plan: which cell, dataset and seed, and its spec. */
export interface PlannedRun {
  readonly key: string;
  readonly cell: SweepCell;
  readonly dataset: string;
  readonly seed: number;
  readonly spec: RunSpecInput;
}

/** Every run of the plan in spec order: by cell, then dataset, then seed. */
export function plannedRuns(plan: SweepPlan, periods: readonly DatasetPeriods[]): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const cell of plan.cells) {
    const config = cellConfigInput(plan, cell);
    const params = cellPolicyParams(plan, cell);
    plan.datasets.forEach((dataset, d) => {
      const period = periods[d]!;
      for (const seed of plan.seeds) {
        runs.push({
          key: runKey(cell.id, dataset.key, seed),
          cell,
          dataset: dataset.key,
          seed,
          spec: {
            id: `${cell.id}/d${d + 1}/s${seed}`,
            dataset: dataset.key,
            policy: { name: policySpecName(plan.policy), params },
            config,
            seed,
            period: period.evaluation,
            ...(period.train === null ? {} : { train: period.train }),
          },
        });
      }
    });
  }
  return runs;
}

// ---------------------------------------------------------------------------------------------
// sweep.json

const JsonSchema = z.json();
const PeriodSchema = z.strictObject({ startIndex: z.number().int(), endIndex: z.number().int(), start: z.string().optional(), end: z.string().optional() });

const AxisSchema = z.union([
  z.strictObject({ key: z.string(), target: z.enum(['config', 'policy']), kind: z.literal('list'), values: z.array(JsonSchema).min(1) }),
  z.strictObject({
    key: z.string(),
    target: z.enum(['config', 'policy']),
    kind: z.literal('range'),
    range: z.strictObject({ low: z.number(), high: z.number(), integer: z.boolean() }),
  }),
]);

export const SweepDocumentSchema = z.object({
  format: z.literal(SWEEP_FORMAT),
  version: z.literal(SWEEP_VERSION),
  status: z.enum(['complete', 'incomplete']),
  replaylab: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  commands: z.array(z.string()),
  policy: z.strictObject({ name: z.string(), kind: z.enum(['builtin', 'module']), file: z.string().nullable(), sha256: z.string().nullable() }),
  search: z.union([z.strictObject({ mode: z.literal('grid') }), z.strictObject({ mode: z.literal('random'), cells: z.number().int(), seed: z.number().int() })]),
  params: z.array(AxisSchema).min(1),
  cells: z.array(z.strictObject({ id: z.string(), values: z.record(z.string(), JsonSchema) })).min(1),
  seeds: z.array(z.number().int()).min(1),
  datasets: z.array(z.looseObject({ key: z.string(), path: z.string(), fingerprint: z.string() })).min(1),
  trainFrac: z.number().nullable(),
  periods: z.array(
    z.strictObject({ dataset: z.string(), train: PeriodSchema.nullable(), embargoBars: z.number().int(), evaluation: PeriodSchema }),
  ),
  metric: z.enum(RESULT_METRICS.map((m) => m.key) as [MetricKey, ...MetricKey[]]),
  config: z.strictObject({ file: z.string().nullable(), contents: z.record(z.string(), z.unknown()).nullable() }),
  runs: z.looseObject({ planned: z.number().int() }),
});
export type SweepDocument = z.output<typeof SweepDocumentSchema>;

export interface SweepProgress {
  readonly planned: number;
  readonly ok: number;
  readonly failed: number;
  readonly notRun: number;
}

/** A period with its first bar's open time and its end (the last bar's close), for readers. */
export function periodTimes(period: Period, openTime: Float64Array, intervalMs: number) {
  return { ...period, start: formatIsoTime(openTime[period.startIndex]!), end: formatIsoTime(openTime[period.endIndex - 1]! + intervalMs) };
}

/** sweep.json: the plan, where each dataset's periods fall, and how far the sweep got. */
export function sweepDocument(input: {
  plan: SweepPlan;
  datasets: readonly (DatasetInfo & { path: string })[];
  periods: SweepDocument['periods'];
  status: 'complete' | 'incomplete';
  version: string;
  createdAt: string;
  commands: readonly string[];
  progress: SweepProgress;
}): SweepDocument {
  const { plan } = input;
  return {
    format: SWEEP_FORMAT,
    version: SWEEP_VERSION,
    status: input.status,
    replaylab: input.version,
    createdAt: input.createdAt,
    updatedAt: new Date().toISOString(),
    commands: [...input.commands],
    policy: { ...plan.policy },
    search: plan.search,
    params: plan.axes.map((axis) => ({ ...axis }) as z.output<typeof AxisSchema>),
    cells: plan.cells.map((cell) => ({ id: cell.id, values: { ...cell.values } })),
    seeds: [...plan.seeds],
    datasets: input.datasets.map((d) => ({ ...d })),
    trainFrac: plan.trainFrac,
    periods: input.periods,
    metric: plan.metric,
    config: { file: plan.config.file, contents: plan.config.contents },
    runs: { ...input.progress },
  };
}

/** The plan stored in a sweep.json. */
export function planOfDocument(document: SweepDocument): SweepPlan {
  return {
    policy: document.policy,
    search: document.search,
    axes: document.params as SweepAxis[],
    cells: document.cells as SweepCell[],
    seeds: document.seeds,
    datasets: document.datasets.map((d) => ({ key: d.key, path: d.path })),
    trainFrac: document.trainFrac,
    metric: document.metric,
    config: document.config,
  };
}

/** What the flags of a resumed sweep say about the plan: only what was given. */
export interface GivenPlan {
  readonly policy?: string;
  readonly search?: SearchSpec;
  readonly axes?: readonly SweepAxis[];
  readonly seeds?: readonly number[];
  readonly datasets?: readonly string[];
  readonly trainFrac?: number;
  readonly metric?: MetricKey;
  readonly config?: Record<string, unknown>;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** How the flags given differ from the stored plan (empty when they agree). */
export function planDifferences(stored: SweepPlan, given: GivenPlan): string[] {
  const differences: string[] = [];
  const note = (flag: string, was: unknown, now: unknown) => differences.push(`${flag}: the sweep has ${JSON.stringify(was)}, the flags say ${JSON.stringify(now)}`);
  if (given.policy !== undefined && given.policy !== stored.policy.name && given.policy !== stored.policy.file) note('--policy', stored.policy.name, given.policy);
  if (given.search !== undefined && !same(given.search, stored.search)) note('--random/--random-seed', stored.search, given.search);
  if (given.axes !== undefined && !same(given.axes, stored.axes)) {
    note('--param', stored.axes.map(axisText), given.axes.map(axisText));
  }
  if (given.seeds !== undefined && !same(given.seeds, stored.seeds)) note('--seeds', stored.seeds.length, given.seeds.length);
  if (given.datasets !== undefined && !same(given.datasets, stored.datasets.map((d) => d.path))) note('--dataset', stored.datasets.map((d) => d.path), given.datasets);
  if (given.trainFrac !== undefined && given.trainFrac !== stored.trainFrac) note('--train-frac', stored.trainFrac, given.trainFrac);
  if (given.metric !== undefined && given.metric !== stored.metric) note('--metric', stored.metric, given.metric);
  if (given.config !== undefined && !same(given.config, stored.config.contents)) note('--config (its contents)', stored.config.file, 'another config');
  return differences;
}

/** `key=v1,v2` or `key=lo..hi`, as the flag was written. */
export function axisText(axis: SweepAxis): string {
  return axis.kind === 'list' ? `${axis.key}=${axis.values.map(valueText).join(',')}` : `${axis.key}=${axis.range.low}..${axis.range.high}`;
}
