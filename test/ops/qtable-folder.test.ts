/** Finding and reading a folder of Q-tables: run folder, qtables/, a plain folder; each table's figures. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.js';
import { agentsToShow, listTables, readAgentTable, resolveTableFolder } from '../../src/ops/qtable-folder.js';
import { TEST_PARAMS, writeTable } from '../helpers/qtables.js';

const root = mkdtempSync(join(tmpdir(), 'replaylab-ops-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolveTableFolder', () => {
  it('finds the tables of a run folder, of its qtables/ folder, and of a plain folder', () => {
    const run = join(root, 'run');
    mkdirSync(join(run, 'qtables'), { recursive: true });
    writeFileSync(join(run, 'manifest.json'), '{}');
    expect(resolveTableFolder(run, 'monitor')).toMatchObject({ folder: join(run, 'qtables'), runFolder: run, kind: 'run' });
    expect(resolveTableFolder(join(run, 'qtables'), 'monitor')).toMatchObject({ folder: join(run, 'qtables'), runFolder: run, kind: 'qtables' });
    const plain = join(root, 'plain');
    mkdirSync(plain);
    expect(resolveTableFolder(plain, 'monitor')).toMatchObject({ folder: plain, runFolder: null, kind: 'folder' });
    // A run of a policy that does not learn has no qtables/: its (absent) tables are looked for there.
    const flat = join(root, 'flat-run');
    mkdirSync(flat);
    writeFileSync(join(flat, 'manifest.json'), '{}');
    expect(resolveTableFolder(flat, 'monitor')).toMatchObject({ folder: join(flat, 'qtables'), kind: 'run' });
  });

  it('refuses a path that does not exist or is a file', () => {
    expect(() => resolveTableFolder(join(root, 'missing'), 'tune')).toThrow(InputError);
    expect(() => resolveTableFolder(join(root, 'missing'), 'tune')).toThrow(/tune .*missing: no such folder/);
    writeFileSync(join(root, 'file.json'), '{}');
    expect(() => resolveTableFolder(join(root, 'file.json'), 'monitor')).toThrow(/is a file/);
  });
});

describe('listTables and agentsToShow', () => {
  it("lists the tables by name and the other .json files, never temporary files or the monitor's snapshot", () => {
    const folder = join(root, 'listing');
    mkdirSync(folder);
    for (const name of ['rl-v2-sizing.json', 'rl-v1.json', 'backup.json', 'monitor-snapshot.json', 'rl-v2-meta.json.42.tmp', '.rl-v2-meta.json.partial-9', 'notes.txt']) {
      writeFileSync(join(folder, name), '{}');
    }
    expect(listTables(folder)).toEqual({ present: ['rl-v1', 'rl-v2-sizing'], ignored: ['backup.json'] });
    expect(listTables(join(root, 'not-there'))).toEqual({ present: [], ignored: [] });
  });

  it("shows RL v2's two agents when a v2 table or no table is there, RL v1's when its table is", () => {
    expect(agentsToShow([])).toEqual(['rl-v2-meta', 'rl-v2-sizing']);
    expect(agentsToShow(['rl-v2-sizing'])).toEqual(['rl-v2-meta', 'rl-v2-sizing']);
    expect(agentsToShow(['rl-v1'])).toEqual(['rl-v1']);
    expect(agentsToShow(['rl-v1', 'rl-v2-meta'])).toEqual(['rl-v2-meta', 'rl-v2-sizing', 'rl-v1']);
  });
});

describe('readAgentTable', () => {
  it('counts states, pairs, updates, ε and the Q-values of the updated pairs', () => {
    const file = join(root, 'rl-v2-meta.json');
    writeTable(file, [
      [0, 0, 1.5, 3, 2],
      [0, 2, -0.5, 1, 1],
      [3, 1, 0, 2, 0], // chosen twice, never updated: held, but its Q-value says nothing
    ]);
    const reading = readAgentTable(file, 'rl-v2-meta');
    expect(reading).toMatchObject({
      kind: 'rl-v2-meta',
      states: 2,
      stateActionPairs: 3,
      updatedPairs: 2,
      actionsPerState: 1.5,
      updates: 3,
      decisions: 6,
      epsilon: 0.05,
      qMin: -0.5,
      qMax: 1.5,
      qMean: 0.5,
      qStd: 1,
      choiceConcentration: null,
      actions: 3,
    });
    expect(reading.hyperparameters).toEqual(TEST_PARAMS);
  });

  it("measures how concentrated the choices are in states chosen in at least 20 times", () => {
    const file = join(root, 'concentrated.json');
    writeTable(file, [
      [0, 0, 0.2, 18, 5],
      [0, 1, -0.1, 2, 2],
      [1, 0, 0.1, 10, 1],
      [1, 2, 0.1, 10, 1],
      [2, 1, 0.3, 5, 5], // chosen 5 times: too few to count
    ]);
    expect(readAgentTable(file, 'rl-v2-meta').choiceConcentration).toEqual({ states: 2, share: (18 + 10) / 40 });
  });

  it("names the file of a table that does not read, with the loader's line and column", () => {
    const file = join(root, 'cut.json');
    writeTable(file, [[0, 0, 1, 1, 1]]);
    writeFileSync(file, '{\n  "format": "replaylab-qtable",\n  "version": 1\n  "agent": "rl-v2-meta"\n}');
    expect(() => readAgentTable(file, 'rl-v2-meta')).toThrow(/cut\.json:4:3: not valid JSON/);
    writeFileSync(file, '{\n  "format": "replaylab-qtable",\n  "version": 1,\n  "agent": ');
    expect(() => readAgentTable(file, 'rl-v2-meta')).toThrow(/cut\.json: not valid JSON: .*truncated/);
    writeFileSync(file, '{"format": "replaylab-qtable", "version": 1, "agent": "rl-v1"}');
    expect(() => readAgentTable(file, 'rl-v2-meta')).toThrow(/belongs to agent "rl-v1"/);
  });
});
