#!/usr/bin/env -S node --max-semi-space-size=4
/** The `replaylab` command line. Exit codes: 0 done, 2 bad input or usage, 1 a bug, 3 a batch finished with failed runs, 130 interrupted. */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError } from '../data/index.js';
import { removeTemporaries } from '../data/temporary-files.js';
import { abCommand } from './ab.js';
import { aggregateCommand } from './data-aggregate.js';
import { downloadCommand } from './data-download.js';
import { generateCommand } from './data-generate.js';
import { inspectCommand } from './data-inspect.js';
import { configCommand } from './config.js';
import { monitorCommand } from './monitor.js';
import { takeExitCode, takeInterrupt } from './progress.js';
import { replayCommand } from './replay.js';
import { statsCommand } from './stats.js';
import { sweepCommand } from './sweep.js';
import { tuneCommand } from './tune.js';

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

class UsageError extends InputError {}

/** Arguments that are lists by design (variadic positionals); every other option is a scalar. */
const LIST_ARGUMENTS = new Set(['_', 'paths', 'trades', 'candles', 'param']);
/** Options that are lists in one command only (`replay --dataset` is one folder, `ab --dataset` several). */
const COMMAND_LIST_ARGUMENTS: Readonly<Record<string, ReadonlySet<string>>> = {
  ab: new Set(['dataset', 'param-a', 'paramA', 'param-b', 'paramB']),
  sweep: new Set(['dataset']),
};

/** Every command with its one-line description, for the top-level help. */
const COMMAND_SUMMARY: readonly (readonly [string, string])[] = [
  ['data inspect <paths..>', 'format, interval, rows, time range, gaps, bad rows'],
  ['data generate --out DIR', 'write a seeded synthetic market in Binance format'],
  ['data aggregate <trades..>', 'build candles from trades, write a kline CSV'],
  ['data download --symbol S --out DIR', "fetch months of Binance's public archive into a dataset, checksums checked"],
  ['replay --dataset DIR --policy P', 'replay one policy; write runs/<id>/ (metrics, trades, equity)'],
  ['ab [--dataset DIR…] [--a P] [--b P]', 'A/B of RL v1 vs RL v2 (or any two policies): CIs, verdict, report.html'],
  ['ab --history', 'past A/B verdicts (runs/ab-history.jsonl)'],
  ['sweep --policy P --param k=a,b', 'run a grid (or --random K) of params × seeds; rank cells, DSR of the best'],
  ['monitor <run-dir|qtable-dir>', 'the RL v2 monitoring dashboard: Q-table growth, ε, Q-values, progress, health'],
  ['tune <run-dir|sweep-dir> [--apply]', 'α, γ, ε recommendations per agent (guide rules, or a sweep\'s best cell); write a config'],
  ['stats --equity|--returns FILE', 'Sharpe, Sortino, drawdown, PSR of your own series'],
  ['config defaults', 'the complete default configuration, each field described'],
  ['config check <file>', 'check a config file and print it resolved'],
];

function commandEpilogue(): string {
  const width = Math.max(...COMMAND_SUMMARY.map(([name]) => name.length));
  const lines = COMMAND_SUMMARY.map(([name, text]) => `  replaylab ${name.padEnd(width)}  ${text}`);
  return ['All commands:', ...lines, '', "Run 'replaylab <command> --help' for its options.", 'Exit codes: 0 done, 2 bad input or usage, 1 internal error, 3 some runs of a batch failed (the report lists them), 130 interrupted.'].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const cli = yargs(argv)
    .scriptName('replaylab')
    .usage('$0 <command> [options]\n\nReplay historical markets for RL trading agents, and compare them.')
    // An option given twice takes its last value (as most CLIs do); variadic positionals stay lists.
    .middleware((argv) => {
      const lists = COMMAND_LIST_ARGUMENTS[String(argv._[0])];
      for (const [key, value] of Object.entries(argv)) {
        if (Array.isArray(value) && !LIST_ARGUMENTS.has(key) && lists?.has(key) !== true) argv[key] = value[value.length - 1];
      }
    }, true)
    .command('data', 'Market data: inspect files and datasets, generate a synthetic market, build candles from trades, download Binance archives', (y) =>
      downloadCommand(generateCommand(aggregateCommand(inspectCommand(y))))
        .demandCommand(1, 'name a data command: inspect, generate, aggregate or download')
        .strict(),
    );
  configCommand(statsCommand(tuneCommand(monitorCommand(sweepCommand(abCommand(replayCommand(cli)))))))
    .demandCommand(1, 'name a command')
    .epilogue(commandEpilogue())
    .strict()
    .recommendCommands()
    .version(packageJson.version)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((message, error) => {
      if (error !== undefined && error !== null) throw error;
      throw new UsageError(`${message}\nRun 'replaylab --help' for usage.`);
    })
    .exitProcess(false);
  try {
    await cli.parseAsync();
    return takeExitCode();
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`replaylab: ${error.message}\n`);
      return error.exitCode;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && USER_FILE_ERRORS.has(code)) {
      // A path the user gave that cannot be used: their input, not our bug.
      process.stderr.write(`replaylab: ${(error as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`replaylab: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

const USER_FILE_ERRORS = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EEXIST', 'ENOSPC', 'EROFS', 'ENAMETOOLONG']);

/** Ctrl-C and SIGTERM remove whatever was being written, then exit as the shell expects. */
for (const [signal, exitCode] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    if (takeInterrupt()) {
      process.stderr.write(`\nreplaylab: interrupted: stopping; the runs that finished are kept and reported (Ctrl-C again to quit at once)\n`);
      return;
    }
    const removed = removeTemporaries();
    process.stderr.write(`\nreplaylab: interrupted${removed.length > 0 ? '; removed the partial output' : ''}\n`);
    process.exit(exitCode);
  });
}

process.exitCode = await main(hideBin(process.argv));
