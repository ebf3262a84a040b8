/**
 * A RunSpec (DESIGN §7): everything one run needs, as plain data, so that a worker thread (or, later,
 * another machine) can run it: the dataset (by key), the policy and its params, a config input (any
 * subset, resolved where it runs), the seed, the period, and for learning policies the mode, an
 * optional training period before it (train, then evaluate frozen) and tables to start from.
 */
import { z } from 'zod';

const PeriodSchema = z
  .strictObject({ startIndex: z.number().int().min(0), endIndex: z.number().int().min(1) })
  .refine((p) => p.startIndex < p.endIndex, { message: 'startIndex must be below endIndex' });

export const RunSpecSchema = z.strictObject({
  /** Unique within a batch; names the run in reports and results. */
  id: z.string().min(1),
  /** Key of a dataset the runner has loaded (its path as given). */
  dataset: z.string().min(1),
  policy: z.strictObject({
    name: z.string().min(1).describe('a built-in policy name or the path of a policy module'),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  }),
  /** A config input (any subset of `replaylab config defaults`). */
  config: z.record(z.string(), z.unknown()).default({}),
  seed: z.number().int(),
  /** The bars measured: the whole run, or the evaluation when `train` is given. */
  period: PeriodSchema,
  /**
   * Learning policies train on these bars first, then evaluate `period` with the tables frozen. A
   * policy that does not learn ignores it (so both arms of an A/B can share one plan).
   */
  train: PeriodSchema.optional(),
  mode: z.enum(['train', 'eval']).default('train'),
  /** Folder of Q-tables to start from (learning policies). */
  warmStart: z.string().optional(),
});
export type RunSpec = z.output<typeof RunSpecSchema>;
export type RunSpecInput = z.input<typeof RunSpecSchema>;
