/** `replaylab config defaults|check`: the configuration every run resolves. */
import type { Argv } from 'yargs';
import { readConfigFile, resolveConfig } from '../config/index.js';
import { renderDefaultConfig } from '../config/describe-config.js';
import { toJson } from '../runs/run-files.js';

export function configCommand(yargs: Argv) {
  return yargs.command('config', 'The run configuration: print the defaults, check a file', (y) =>
    y
      .command(
        'defaults',
        'Print the complete default configuration, each field described (a valid --config file)',
        (z) => z.option('json', { type: 'boolean', default: false, describe: 'plain JSON, without the comments' }),
        (args) => {
          process.stdout.write(renderDefaultConfig(!(args as unknown as { json: boolean }).json));
        },
      )
      .command(
        'check <file>',
        'Check a config file against the schema and print it resolved (defaults filled in)',
        (z) => z.positional('file', { type: 'string', demandOption: true }),
        (args) => {
          const file = (args as unknown as { file: string }).file;
          process.stdout.write(toJson(resolveConfig(readConfigFile(file), file)));
        },
      )
      .demandCommand(1, 'name a config command: defaults or check')
      .strict(),
  );
}
