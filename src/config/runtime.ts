/**
 * V8 flags replaylab runs with: the CLI's shebang and `npm start` pass them, and `npm run bench`
 * runs its children with them. V8 flags are per process: the worker threads of `ab` and `sweep`
 * run with them too (a pool's `resourceLimits` are set to match for runs started without them, as
 * in the tests).
 *
 * `--max-semi-space-size=4`: parsing a CSV makes many short-lived strings. V8's default young
 * generation (semi-spaces growing to 16 MB) peaks at ~130 MB RSS parsing a one-year 1-minute kline
 * file; 8 MB semi-spaces peak at ~115 MB and 4 MB ones at ~107 MB, at the same speed, and replays
 * run as fast. Every worker thread has its own young generation: in the bench's sweep batch the
 * second worker added ~22–29% to the peak RSS with 4 MB semi-spaces, ~20–31% with 8 MB ones.
 *
 * Not `--single-threaded`, measured: V8's background threads (concurrent GC, concurrent optimizing
 * compiles) compete with the workers when a batch fills every core, and without them a 2-worker
 * sweep batch took ~8% less wall time (2 workers / 1 worker: ~1.85× instead of ~1.65×); but a
 * single replay, which has the other core to itself, ran slower (over a year of 1-minute bars, two
 * runs each: sma-cross 46 and 67 ms against 36 and 42 ms, rl-v2 cold 606 and 618 ms against 498 and
 * 576 ms). V8 flags cannot differ between the threads of a process, so the CLI keeps V8's default.
 */
export const SEMI_SPACE_MB = 4;
export const RUNTIME_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];
