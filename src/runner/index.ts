export { executeSpec, type RunOutcome, type RunOutcomeFailed, type RunOutcomeOk } from './execute-spec.js';
export { createRunner, defaultWorkers, runSpecs, type BatchOptions, type Runner, type RunnerOptions } from './pool.js';
export { RunSpecSchema, type RunSpec, type RunSpecInput } from './run-spec.js';
