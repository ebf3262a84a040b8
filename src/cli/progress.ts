/**
 * Progress of a batch of runs on stderr, and Ctrl-C for batches.
 *
 * The bar (`[#####·····] 12/60 runs · 1 failed · 0:08 elapsed · ETA 0:31`) is drawn only when stderr
 * is a terminal, redrawn at most every 100 ms, and cleared when the batch ends; elsewhere (a pipe, a
 * CI log) nothing is printed per run, so logs stay readable.
 *
 * A batch command registers an interrupt handler for the time it runs: the first Ctrl-C calls it
 * (the command stops handing out runs, keeps the finished ones and writes them), a second one exits
 * at once, as a plain command does on the first.
 */

export interface ProgressBar {
  update(done: number, failed: number): void;
  /** Removes the bar from the terminal. */
  finish(): void;
}

export function formatClock(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

/** The bar's text: done/total, failures, elapsed time and the time left at the rate so far. */
export function progressLine(done: number, total: number, failed: number, elapsedMs: number, width = 24, unit = 'runs'): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const eta = done === 0 ? '–' : formatClock((elapsedMs / done) * (total - done));
  const bar = `${'#'.repeat(filled)}${'·'.repeat(width - filled)}`;
  return `[${bar}] ${done}/${total} ${unit}${failed > 0 ? ` · ${failed} failed` : ''} · ${formatClock(elapsedMs)} elapsed · ETA ${eta}`;
}

export function progressBar(total: number, options: { stream?: NodeJS.WriteStream; unit?: string; now?: () => number } = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY) return { update() {}, finish() {} };
  const now = options.now ?? (() => performance.now());
  const started = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  const draw = (done: number, failed: number) => {
    stream.write(`\r${progressLine(done, total, failed, now() - started, 24, options.unit)}\u001b[K`);
    lastDraw = now();
  };
  draw(0, 0);
  return {
    update(done, failed) {
      if (done === total || now() - lastDraw >= 100) draw(done, failed);
    },
    finish() {
      stream.write('\r\u001b[K');
    },
  };
}

type InterruptHandler = () => void;
let handler: InterruptHandler | undefined;

/** While a batch runs, the first Ctrl-C calls `onInterrupt` instead of exiting; returns the release function. */
export function handleInterrupts(onInterrupt: InterruptHandler): () => void {
  handler = onInterrupt;
  return () => {
    if (handler === onInterrupt) handler = undefined;
  };
}

/** Called by the CLI's signal handler: true when a batch took the interrupt (and the process should go on). */
export function takeInterrupt(): boolean {
  const current = handler;
  if (current === undefined) return false;
  handler = undefined;
  current();
  return true;
}

/**
 * Exit codes of batch commands beyond 0/1/2: 3 when the batch finished but some runs failed (the
 * report lists them), 130 when it was interrupted (the finished runs are written).
 */
export const EXIT_RUNS_FAILED = 3;
export const EXIT_INTERRUPTED = 130;
let pendingExitCode = 0;

/** A command that completed but must not exit 0 (runs failed, or interrupted) says so here. */
export function setExitCode(code: number): void {
  pendingExitCode = code;
}

export function takeExitCode(): number {
  const code = pendingExitCode;
  pendingExitCode = 0;
  return code;
}
