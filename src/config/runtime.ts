/**
 * V8 flags replaylab runs with: the CLI's shebang and `npm start` pass them, and `npm run bench`
 * runs its children with them. V8 flags are per process: the worker threads of `ab` and `sweep`
 * run with them too (a pool's `resourceLimits` are set to match for runs started without them, as
 * in the tests).
 *
 * - `--max-semi-space-size=4`: parsing a CSV makes many short-lived strings. V8's default young
 *   generation (semi-spaces growing to 16 MB) peaks at ~130 MB RSS parsing a one-year 1-minute kline
 *   file; 8 MB semi-spaces peak at ~115 MB and 4 MB ones at ~107 MB, at the same speed. Every
 *   worker thread has its own young generation: in a sweep on that file, the second worker added
 *   ~22% to the peak RSS with 4 MB semi-spaces and ~30% with 8 MB ones.
 * - `--single-threaded`: V8's own background threads (concurrent marking and sweeping, parallel
 *   scavenges, concurrent optimizing compiles) run beside the JavaScript thread. With one worker
 *   they use an idle core; with as many workers as cores (the default of `ab` and `sweep`) they only
 *   compete with the workers and add synchronisation: a 64-run sweep batch on the one-year file took
 *   ~8% less wall time with 2 workers and ~8% less CPU without them, and ~5% more wall time with 1
 *   worker; a single replay and a CSV load ran as fast. (Measured with `npm run bench -- --only
 *   sweep`, medians of alternating batches.)
 */
export const SEMI_SPACE_MB = 4;
export const RUNTIME_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`, '--single-threaded'];
