/** The top level of the `replaylab` command line: help, version, no command. */
import { readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUNTIME_NODE_FLAGS } from '../../src/config/runtime.js';
import { REPO_ROOT, removeTmpDirs, runCli } from './helpers.js';

const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; scripts: Record<string, string> };

afterAll(removeTmpDirs);

describe('replaylab', () => {
  it('is the package bin', () => {
    expect(packageJson.bin.replaylab).toBe('dist/src/cli/main.js');
  });

  it('runs as an executable after the build (shebang and mode)', () => {
    const bin = join(REPO_ROOT, packageJson.bin.replaylab!);
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${RUNTIME_NODE_FLAGS.join(' ')}`);
    const result = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(packageJson.version);
  });

  it('npm start runs the CLI with the same V8 flags', () => {
    expect(packageJson.scripts.start).toContain(`node ${RUNTIME_NODE_FLAGS.join(' ')} dist/src/cli/main.js ab`);
  });

  it('--help exits 0 and lists every command with a description', () => {
    const result = runCli(['--help']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    for (const command of ['data inspect', 'data generate', 'data aggregate']) {
      const line = lines.find((l) => l.includes(`replaylab ${command}`));
      expect(line, `no line for '${command}' in:\n${result.stdout}`).toBeDefined();
      // After the command and its arguments, a description of at least a few words.
      const description = line!.slice(line!.indexOf(command) + command.length).replace(/^\s*(?:<[^>]+>|--\S+(?: [A-Z]+)?)?\s*/, '');
      expect(description.split(/\s+/).length, `description of '${command}': '${description}'`).toBeGreaterThanOrEqual(3);
    }
    expect(result.stdout).toContain('--version');
    expect(result.stdout).toContain('--help');
  });

  it('data --help describes each data command; the commands that read data take the data options', () => {
    const result = runCli(['data', '--help']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/replaylab data inspect <paths\.\.>\s+\S+/);
    expect(result.stdout).toMatch(/replaylab data generate\s+\S+/);
    expect(result.stdout).toMatch(/replaylab data aggregate <trades\.\.>\s+\S+/);
    for (const command of ['inspect', 'aggregate']) {
      const help = runCli(['data', command, '--help']).stdout;
      for (const option of ['--cache', '--cache-dir', '--on-bad-row', '--interval']) expect(help).toContain(option);
    }
    const generateHelp = runCli(['data', 'generate', '--help']).stdout;
    for (const option of ['--cache-dir', '--on-bad-row']) expect(generateHelp).not.toContain(option);
  });

  it('--version prints the version of package.json', () => {
    const result = runCli(['--version']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(packageJson.version);
  });

  it('without arguments, exits 2 and says a command is needed', () => {
    const result = runCli([]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^replaylab: .*command/);
    expect(result.stderr).toContain('--help');
  });
});
