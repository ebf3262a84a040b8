/** The config file of `tune --apply`: only the recommended keys, checked, never over another file. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfigFile, resolveConfig } from '../../src/config/index.js';
import { nestedConfig, writeConfigFile } from '../../src/ops/tune-config.js';

const root = mkdtempSync(join(tmpdir(), 'replaylab-tune-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('tune config files', () => {
  it('nest the recommended keys, and read back through --config to the values', () => {
    const config = nestedConfig([
      { path: ['agents', 'v2', 'meta', 'alpha'], value: 0.005 },
      { path: ['agents', 'v2', 'meta', 'gamma'], value: 0.95 },
      { path: ['agents', 'v2', 'sizing', 'epsilon'], value: 0.2 },
    ]);
    expect(config).toEqual({ agents: { v2: { meta: { alpha: 0.005, gamma: 0.95 }, sizing: { epsilon: 0.2 } } } });
    const file = join(root, 'tuned.json');
    writeConfigFile(file, config, ['from a test']);
    expect(readFileSync(file, 'utf8').startsWith('// from a test\n{')).toBe(true);
    const resolved = resolveConfig(readConfigFile(file), file);
    expect(resolved.agents.v2.meta).toMatchObject({ alpha: 0.005, gamma: 0.95, epsilon: 0.1 });
    expect(resolved.agents.v2.sizing.epsilon).toBe(0.2);
    expect(readdirSync(root)).toEqual(['tuned.json']); // no temporary file left
  });

  it('never overwrite a file, and refuse a config the schema refuses before writing anything', () => {
    const file = join(root, 'taken.json');
    writeFileSync(file, 'mine');
    expect(() => writeConfigFile(file, {}, [])).toThrow(/already exists: replaylab never overwrites a file/);
    expect(readFileSync(file, 'utf8')).toBe('mine');
    const bad = join(root, 'bad.json');
    expect(() => writeConfigFile(bad, nestedConfig([{ path: ['agents', 'v2', 'meta', 'alpha'], value: 2 }]), [])).toThrow(/alpha/);
    expect(existsSync(bad)).toBe(false);
  });
});
