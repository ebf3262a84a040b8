/**
 * `replaylab monitor <run-dir|qtable-dir> [--continuous] [--interval S] [--json]`: the guide's RL v2
 * monitoring dashboard on a run's Q-tables or a copy of the live system's table folder; the learning
 * progress since the previous look (`monitor-snapshot.json`, kept next to the tables).
 *
 * `--continuous` refreshes every `--interval` seconds (60 by default, as the guide's script): in place
 * on a terminal, one dashboard after another (or one JSON object per line with `--json`) elsewhere. A
 * table that does not read then is taken to be being written: its last complete reading is shown.
 * Ctrl-C ends it with the CLI's exit code for an interruption (130); the last snapshot saved is whole.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { InputError, displayPath } from '../data/index.js';
import { buildDashboard, renderDashboard, type Dashboard } from '../ops/dashboard.js';
import { resolveTableFolder, type TableFolder } from '../ops/qtable-folder.js';
import { makeSnapshot, readSnapshot, snapshotPath, writeSnapshot, type Snapshot } from '../ops/snapshot.js';
import { TableReader, readingsOf } from '../ops/table-reader.js';
import { toJson } from '../runs/run-files.js';

interface MonitorArgs {
  path: string;
  continuous: boolean;
  interval: number | undefined;
  json: boolean;
}

export const DEFAULT_INTERVAL_SECONDS = 60;
const MIN_INTERVAL_SECONDS = 0.1;
/** Cursor home and clear screen: a terminal redraws the dashboard in place. */
const REDRAW = '\u001b[H\u001b[2J';

/** One look at the folder; saves the snapshot the next look compares with. */
class Monitor {
  private readonly reader: TableReader;
  private previous: Snapshot | null;
  /** A monitor-snapshot.json that is someone else's file is left alone (and progress is kept in memory only). */
  private readonly foreign: string | undefined;
  private readonly staticNotes: string[] = [];

  constructor(
    private readonly target: TableFolder,
    private readonly tolerant: boolean,
  ) {
    this.reader = new TableReader(target.folder);
    const lookup = readSnapshot(target.folder);
    this.previous = lookup.status === 'found' ? lookup.snapshot : null;
    this.foreign = lookup.status === 'foreign' ? lookup.problem : undefined;
    if (this.foreign !== undefined) this.staticNotes.push(`${this.foreign}: left as it is, so no progress is saved on disk`);
    if (existsSync(join(target.runFolder ?? target.folder, 'sweep.json'))) {
      this.staticNotes.push('this is a sweep folder: a sweep keeps no Q-tables (monitor the run folder of a replay)');
    }
  }

  look(): { dashboard: Dashboard; saved: boolean } {
    const now = new Date();
    const { agents, ignored } = this.reader.read(this.tolerant, now);
    const readings = readingsOf(agents);
    const notes = [...this.staticNotes];
    let saved = false;
    let snapshot: Snapshot | null = null;
    // Nothing is written into a folder without a table (a mistyped folder gets no snapshot file),
    // nor over someone else's file (--continuous then keeps the progress in memory only).
    if (readings.length > 0) {
      snapshot = makeSnapshot(now, readings);
      const problem = this.foreign === undefined ? writeSnapshot(this.target.folder, snapshot) : 'not saved';
      if (problem !== undefined && this.foreign === undefined) notes.push(`${problem}: the progress since this look is not kept on disk`);
      saved = problem === undefined;
    }
    const dashboard = buildDashboard({
      time: now,
      tables: this.target.folder,
      run: this.target.runFolder,
      kind: this.target.kind,
      agents,
      ignored,
      previous: this.previous,
      notes,
    });
    if (snapshot !== null) this.previous = snapshot;
    return { dashboard, saved };
  }
}

function jsonOf(target: TableFolder, dashboard: Dashboard, saved: boolean) {
  return { ...dashboard, snapshot: { file: snapshotPath(target.folder), saved } };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function monitorCommand(yargs: Argv) {
  return yargs.command(
    'monitor <path>',
    "The RL v2 monitoring dashboard on a run's Q-tables or a copy of the live table folder: growth, ε, Q-values, progress, health",
    (y) =>
      y
        .positional('path', { type: 'string', demandOption: true, describe: 'a run folder, its qtables/ folder, or any folder of replaylab Q-table files' })
        .option('continuous', { type: 'boolean', default: false, describe: 'refresh until Ctrl-C (in place on a terminal)' })
        .option('interval', { type: 'number', describe: `seconds between refreshes of --continuous (default ${DEFAULT_INTERVAL_SECONDS})` })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object with every figure (--continuous: one per line)' })
        .epilogue(
          'Examples:\n' +
            '  replaylab monitor runs/<id>\n' +
            '  replaylab monitor copy-of-live-tables/ --continuous --interval 30\n' +
            `Each look saves monitor-snapshot.json next to the tables; the next look shows the progress since it.\n` +
            'Exit codes: 0 done, 2 bad input (no such folder, a damaged table), 130 --continuous stopped by Ctrl-C.',
        ),
    async (args) => {
      const a = args as unknown as MonitorArgs;
      if (a.interval !== undefined && !a.continuous) throw new InputError('--interval sets how often --continuous refreshes: add --continuous');
      const interval = a.interval ?? DEFAULT_INTERVAL_SECONDS;
      if (!(Number.isFinite(interval) && interval >= MIN_INTERVAL_SECONDS)) throw new InputError(`--interval must be a number of seconds ≥ ${MIN_INTERVAL_SECONDS}, got ${a.interval}`);
      const target = resolveTableFolder(a.path, 'monitor');
      const monitor = new Monitor(target, a.continuous);
      const shown = { tables: displayPath(target.folder), snapshotFile: displayPath(snapshotPath(target.folder)) };
      if (!a.continuous) {
        const { dashboard, saved } = monitor.look();
        process.stdout.write(a.json ? toJson(jsonOf(target, dashboard, saved)) : renderDashboard(dashboard, shown));
        return;
      }
      const terminal = process.stdout.isTTY === true && !a.json;
      for (let first = true; ; first = false) {
        const { dashboard, saved } = monitor.look();
        if (a.json) process.stdout.write(`${JSON.stringify(jsonOf(target, dashboard, saved), (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
        else if (terminal) process.stdout.write(`${REDRAW}${renderDashboard(dashboard, shown)}\nRefreshing every ${interval} s — Ctrl-C to stop\n`);
        else process.stdout.write(`${first ? '' : '\n'}${renderDashboard(dashboard, shown)}`);
        await sleep(interval * 1000);
      }
    },
  );
}
