/**
 * `replaylab tune <run-dir|qtable-dir|sweep-dir> [--apply --out FILE] [--json]`: α, γ and ε
 * recommendations per agent from the RL v2 guide's table and tips, each with its rationale, on a run's
 * Q-tables (or a copy of the live folder); on a sweep's folder, the measured best cell's values with
 * how sure that is (P(best > runner-up) with its CI, the DSR). `--apply --out FILE` writes them as a
 * config file for `--config` (never over an existing file).
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { InputError, displayPath } from '../data/index.js';
import { resolveTableFolder } from '../ops/qtable-folder.js';
import { nestedConfig, writeConfigFile, type ConfigEntry } from '../ops/tune-config.js';
import { adviseFromSweep, renderSweepAdvice } from '../ops/tune-sweep.js';
import { adviseTables, renderTableAdvice, tableConfigEntries } from '../ops/tune-tables.js';
import { toJson } from '../runs/run-files.js';

interface TuneArgs {
  path: string;
  apply: boolean;
  out: string | undefined;
  json: boolean;
}

const isSweepFolder = (path: string) => existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'sweep.json'));

export function tuneCommand(yargs: Argv) {
  return yargs.command(
    'tune <path>',
    "α, γ, ε recommendations per agent from the RL v2 guide (on a run's Q-tables), or from a sweep's measured best cell",
    (y) =>
      y
        .positional('path', { type: 'string', demandOption: true, describe: 'a run folder, its qtables/, a folder of Q-table files, or a sweep folder' })
        .option('apply', { type: 'boolean', default: false, describe: 'write the recommendations as a config file (with --out)' })
        .option('out', { type: 'string', describe: 'the config file --apply writes (must not exist)' })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object with every figure' })
        .epilogue(
          'Examples:\n' +
            '  replaylab tune runs/<id>\n' +
            '  replaylab tune runs/<id> --apply --out tuned.json && replaylab replay --config tuned.json --policy rl-v2 …\n' +
            '  replaylab tune runs/sweep-<time>-rl-v2 --apply --out best-cell.json\n' +
            'Exit codes: 0 done, 2 bad input (no such folder, no table, a damaged file, --apply without --out, --out exists).',
        ),
    (args) => {
      const a = args as unknown as TuneArgs;
      if (a.apply && a.out === undefined) throw new InputError('--apply writes a config file: give its name with --out FILE');
      if (!a.apply && a.out !== undefined) throw new InputError('--out names the file --apply writes: add --apply');
      if (a.out !== undefined && existsSync(resolve(a.out))) throw new InputError(`--out ${a.out} already exists: replaylab never overwrites a file, give a new name`);
      const applyCommand = `replaylab tune ${a.path} --apply --out tuned-config.json`;
      const written = new Date().toISOString();
      let entries: ConfigEntry[];
      let text: string;
      let json: Record<string, unknown>;
      let comments: string[];
      if (isSweepFolder(resolve(a.path))) {
        const advice = adviseFromSweep(resolve(a.path));
        entries = advice.recommendations.filter((r) => r.target === 'config').map((r) => ({ path: r.key.split('.'), value: r.value }));
        if (a.apply && entries.length === 0) {
          throw new InputError(
            advice.best === null
              ? `--apply: the sweep ${a.path} has no cell with a finished run: nothing to apply`
              : `--apply: the sweep ${a.path} swept only policy parameters, which a config file cannot hold: pass them with --param (${advice.recommendations.map((r) => `${r.key}=${String(r.value)}`).join(' ')})`,
          );
        }
        text = renderSweepAdvice(advice, applyCommand);
        json = { mode: 'sweep', ...advice, folder: displayPath(advice.folder) };
        comments = [`replaylab tune ${a.path} (${written}): the values of the sweep's best cell.`, advice.verdict];
      } else {
        const target = resolveTableFolder(a.path, 'tune');
        const advice = adviseTables(target);
        entries = tableConfigEntries(advice);
        text = renderTableAdvice(advice, applyCommand);
        json = { mode: 'rules', ...advice, tables: displayPath(advice.tables), runFolder: advice.runFolder === null ? null : displayPath(advice.runFolder) };
        comments = [
          `replaylab tune ${a.path} (${written}): α, γ, ε from the RL v2 deployment guide's rules.`,
          ...(entries.length === 0 ? ['No change recommended: the current hyperparameters are optimal.'] : []),
          'epsilon is where a new table starts; a warm-started table goes on from its own ε.',
        ];
      }
      let applied: { file: string; config: Record<string, unknown> } | undefined;
      if (a.apply) {
        const config = nestedConfig(entries);
        writeConfigFile(a.out!, config, comments);
        applied = { file: a.out!, config };
      }
      if (a.json) process.stdout.write(toJson({ ...json, applied: applied ?? null }));
      else {
        process.stdout.write(text);
        if (applied !== undefined) {
          process.stdout.write(
            `\nwrote ${applied.file} (${entries.length === 0 ? 'no change: an empty config' : entries.map((e) => `${e.path.join('.')}=${String(e.value)}`).join(', ')}); use it with --config ${applied.file}\n`,
          );
        }
      }
    },
  );
}
