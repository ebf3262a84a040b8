/** monitor-snapshot.json: written whole, read back, someone else's file left alone; progress between two. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSnapshot, progressSince, readSnapshot, writeSnapshot } from '../../src/ops/snapshot.js';
import { fakeReading } from '../helpers/qtables.js';

const root = mkdtempSync(join(tmpdir(), 'replaylab-snapshot-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('snapshots', () => {
  it('are written whole and read back', () => {
    const snapshot = makeSnapshot(new Date('2025-12-02T15:30:00Z'), [fakeReading('rl-v2-meta', { states: 24, updates: 47 })]);
    expect(readSnapshot(root)).toEqual({ status: 'none' });
    expect(writeSnapshot(root, snapshot)).toBeUndefined();
    expect(readdirSync(root)).toEqual(['monitor-snapshot.json']); // no temporary file left
    expect(readSnapshot(root)).toEqual({ status: 'found', snapshot });
    expect(snapshot.agents['rl-v2-meta']).toMatchObject({ states: 24, updates: 47, sizeBytes: 2048 });
  });

  it("say so when the file there is not a snapshot, and say why one could not be saved", () => {
    const folder = mkdtempSync(join(root, 'foreign-'));
    writeFileSync(join(folder, 'monitor-snapshot.json'), '{"format": "something-else"}');
    const lookup = readSnapshot(folder);
    expect(lookup.status).toBe('foreign');
    writeFileSync(join(folder, 'monitor-snapshot.json'), '{"format": ');
    expect(readSnapshot(folder)).toMatchObject({ status: 'foreign', problem: expect.stringContaining('not JSON') });
    expect(writeSnapshot(join(folder, 'no', 'such', 'folder'), makeSnapshot(new Date(), []))).toMatch(/could not save/);
    expect(readFileSync(join(folder, 'monitor-snapshot.json'), 'utf8')).toBe('{"format": ');
  });
});

describe('progressSince', () => {
  it('counts new states, pairs, updates and decisions per agent; an agent new since then counts from 0', () => {
    const before = makeSnapshot(new Date(), [fakeReading('rl-v2-meta', { states: 16, stateActionPairs: 100, updates: 32, decisions: 40, epsilon: 0.096, sizeBytes: 5000 })]);
    const now = [
      fakeReading('rl-v2-meta', { states: 24, stateActionPairs: 156, updates: 47, decisions: 60, epsilon: 0.095, sizeBytes: 8653 }),
      fakeReading('rl-v2-sizing', { states: 18, stateActionPairs: 112, updates: 52, decisions: 52, epsilon: 0.093, sizeBytes: 6380 }),
    ];
    expect(progressSince(before, now)).toEqual([
      { kind: 'rl-v2-meta', newStates: 8, newStateActionPairs: 56, newUpdates: 15, newDecisions: 20, epsilonBefore: 0.096, epsilonNow: 0.095, sizeChangeBytes: 3653, replaced: false },
      { kind: 'rl-v2-sizing', newStates: 18, newStateActionPairs: 112, newUpdates: 52, newDecisions: 52, epsilonBefore: 0.1, epsilonNow: 0.093, sizeChangeBytes: 6380, replaced: false },
    ]);
    const replaced = progressSince(before, [fakeReading('rl-v2-meta', { updates: 3 })]);
    expect(replaced[0]).toMatchObject({ newUpdates: -29, replaced: true });
  });
});
