/** Q-table files: a round trip that keeps every number, stable bytes, and clear errors for bad files. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QLearner } from '../../src/agents/q-learning.js';
import { loadQTableInto, readQTableFile, renderQTable, saveQTable, type AgentTable } from '../../src/agents/qtable-file.js';
import { StateSpace } from '../../src/agents/state-space.js';
import { Rng } from '../../src/config/random.js';

const params = { alpha: 0.05, gamma: 0.9, epsilon: 0.2, epsilonDecay: 0.999, epsilonMin: 0.01 };
const space = () =>
  new StateSpace([
    { name: 'regime', categories: ['TREND', 'RANGE'] },
    { name: 'volatility', edges: [0.3, 0.6] },
  ]);
const actionNames = ['a', 'b', 'c'];

function trainedTable(): AgentTable {
  const learner = new QLearner(3, params);
  const rng = new Rng(4);
  const all = Uint8Array.from([1, 1, 1]);
  for (let n = 0; n < 40; n++) {
    const s = n % 6;
    const a = learner.choose(s, all, rng, true);
    learner.update(s, a, rng.normal(), (n + 1) % 6, all);
  }
  return { kind: 'rl-v2-meta', learner, space: space(), actionNames };
}

const fresh = (kind: AgentTable['kind'] = 'rl-v2-meta'): AgentTable => ({ kind, learner: new QLearner(3, params), space: space(), actionNames });
const folder = () => mkdtempSync(join(tmpdir(), 'replaylab-qtable-'));

describe('Q-table files', () => {
  it('round-trips Q-values, visits, updates, ε and counts exactly, and gives the same bytes again', () => {
    const table = trainedTable();
    const file = join(folder(), 'rl-v2-meta.json');
    saveQTable(file, table);
    const loaded = fresh();
    loadQTableInto(file, readQTableFile(file, 'rl-v2-meta'), loaded);
    expect(loaded.learner.epsilon).toBe(table.learner.epsilon);
    expect(loaded.learner.updates).toBe(40);
    expect(loaded.learner.decisions).toBe(40);
    expect(loaded.learner.table.size).toBe(table.learner.table.size);
    for (const [state, row] of table.learner.table) {
      const other = loaded.learner.table.get(state)!;
      expect(Array.from(other.q)).toEqual(Array.from(row.q));
      expect(Array.from(other.visits)).toEqual(Array.from(row.visits));
      expect(Array.from(other.updates)).toEqual(Array.from(row.updates));
    }
    expect(renderQTable(loaded)).toBe(readFileSync(file, 'utf8'));
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc).toMatchObject({ format: 'replaylab-qtable', version: 1, agent: 'rl-v2-meta', hyperparameters: params, updates: 40 });
    expect(Object.keys(doc.table)[0]).toMatch(/^\d\|\d$/);
  });

  const write = (text: string) => {
    const file = join(folder(), 'rl-v2-meta.json');
    writeFileSync(file, text);
    return file;
  };
  const good = () => renderQTable(trainedTable());

  it('says a truncated file is not valid JSON, where, and that it looks cut short', () => {
    const text = good();
    const file = write(text.slice(0, Math.floor(text.length / 2)));
    expect(() => readQTableFile(file, 'rl-v2-meta')).toThrow(/not valid JSON.*truncated/s);
    expect(() => readQTableFile(write(''), 'rl-v2-meta')).toThrow(/truncated/);
  });

  it('refuses a foreign file, another version and another agent’s table, naming the file', () => {
    expect(() => readQTableFile(write('{"states": {}}'), 'rl-v2-meta')).toThrow(/not a replaylab Q-table/);
    expect(() => readQTableFile(write('time,open\n1,2\n'), 'rl-v2-meta')).toThrow(/not a replaylab Q-table \(not JSON: it starts with "time,open/);
    expect(() => readQTableFile(write(good().replace('"version": 1', '"version": 2')), 'rl-v2-meta')).toThrow(/format version 2; this replaylab reads version 1/);
    const file = write(good());
    expect(() => readQTableFile(file, 'rl-v2-sizing')).toThrow(new RegExp(`${file}.*belongs to agent "rl-v2-meta", not rl-v2-sizing`));
    expect(() => readQTableFile(write(good().replace('"updates": 40', '"updates": -1')), 'rl-v2-meta')).toThrow(/updates:/);
  });

  it('refuses a table whose states or actions do not fit the run', () => {
    const file = write(good());
    const doc = readQTableFile(file, 'rl-v2-meta');
    const otherBins: AgentTable = { ...fresh(), space: new StateSpace([{ name: 'regime', categories: ['TREND', 'RANGE'] }, { name: 'volatility', edges: [0.5] }]) };
    expect(() => loadQTableInto(file, doc, otherBins)).toThrow(/do not fit this run's bins[\s\S]*table: .*volatility \[0.3, 0.6\][\s\S]*config: .*volatility \[0.5\]/);
    const otherActions: AgentTable = { ...fresh(), actionNames: ['a', 'b', 'x'] };
    expect(() => loadQTableInto(file, doc, otherActions)).toThrow(/action 2: table c, config x/);
    const badKey = write(good().replace(/"\d\|\d": \{/, '"1|7": {'));
    expect(() => loadQTableInto(badKey, readQTableFile(badKey, 'rl-v2-meta'), fresh())).toThrow(/bin 7 of volatility is not one of 0…2/);
  });
});

describe('Q-table counts', () => {
  it('refuses a hand-edited table whose counts do not add up', () => {
    const dir = folder();
    const text = renderQTable(trainedTable());
    const header = join(dir, 'header.json');
    writeFileSync(header, text.replace('"updates": 40', '"updates": 41'));
    expect(() => loadQTableInto(header, readQTableFile(header, 'rl-v2-meta'), fresh())).toThrow(/inconsistent counts: the header says 41 updates and 40 decisions, its entries add up to 40 and 40/);
    const entry = join(dir, 'entry.json');
    writeFileSync(entry, text.replace(/":\[(-?[\d.e-]+),(\d+),(\d+)\]/, (_m, q: string, v: string) => `":[${q},${v},${Number(v) + 5}]`));
    expect(() => loadQTableInto(entry, readQTableFile(entry, 'rl-v2-meta'), fresh())).toThrow(/updates but only \d+ visits/);
    const word = join(dir, 'word.json');
    writeFileSync(word, text.replace(/":\[(-?[\d.e-]+),(\d+),/, '":["high",$2,'));
    expect(() => readQTableFile(word, 'rl-v2-meta')).toThrow(/a Q-value must be a number/);
  });
});
