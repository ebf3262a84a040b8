/**
 * V8 flags replaylab runs with (the CLI's shebang and npm scripts pass them; worker pools will
 * set the matching `resourceLimits`). Parsing a CSV makes many short-lived strings: with V8's
 * default young generation (semi-spaces growing to 16 MB) a 1-year 1-minute kline parse peaks at
 * ~130 MB RSS; with 8 MB semi-spaces it peaks ~15 MB lower and parses a little faster (measured in
 * `npm run bench`, which runs its loads with these flags and once without for comparison).
 */
export const SEMI_SPACE_MB = 8;
export const RUNTIME_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];
