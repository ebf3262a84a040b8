/**
 * The runner: specs run in worker threads on shared columns, with the signal sources of the batch
 * computed once and shared, come back in spec order with the same results for any number of workers
 * (and as in this thread), and a run that throws or kills its worker is recorded as failed while the
 * others finish.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MarketData } from '../../src/engine/replay.js';
import { executeSpec, type RunOutcome } from '../../src/runner/execute-spec.js';
import { createRunner, runSpecs } from '../../src/runner/pool.js';
import type { RunSpecInput } from '../../src/runner/run-spec.js';
import { randomWalkMarket as walk } from '../engine/helpers.js';


const markets = new Map<string, MarketData>([
  ['a', walk(4_000, 1)],
  ['b', walk(3_000, 2)],
]);
const whole = (key: string) => ({ startIndex: 0, endIndex: markets.get(key)!.candles.rows });

const specs: RunSpecInput[] = [
  ...[1, 2, 3].map((seed) => ({ id: `random-a-${seed}`, dataset: 'a', policy: { name: 'random', params: { probability: 0.05 } }, seed, period: whole('a') })),
  { id: 'v2-b', dataset: 'b', policy: { name: 'rl-v2', params: {} }, seed: 4, period: { startIndex: 2_000, endIndex: 3_000 }, train: { startIndex: 0, endIndex: 1_400 } },
  { id: 'v1-a', dataset: 'a', policy: { name: 'rl-v1', params: {} }, seed: 5, period: whole('a'), config: { agents: { v1: { leverage: 3 } } } },
  // Other features, signals and models in one batch: each run must read its own config's sources.
  { id: 'v2-a-fast', dataset: 'a', policy: { name: 'rl-v2', params: {} }, seed: 4, period: { startIndex: 2_500, endIndex: 4_000 }, train: { startIndex: 0, endIndex: 2_500 }, config: { features: { volatilityWindow: 10, breakoutWindow: 10 }, signals: { breakout: { window: 10 } } } },
  { id: 'v2-a-models', dataset: 'a', policy: { name: 'rl-v2', params: {} }, seed: 4, period: { startIndex: 2_500, endIndex: 4_000 }, train: { startIndex: 0, endIndex: 2_500 }, config: { models: { syntheticHorizon: 3 } } },
  { id: 'v2-a', dataset: 'a', policy: { name: 'rl-v2', params: {} }, seed: 4, period: { startIndex: 2_500, endIndex: 4_000 }, train: { startIndex: 0, endIndex: 2_500 } },
  { id: 'v2-a-seed-6', dataset: 'a', policy: { name: 'rl-v2', params: {} }, seed: 6, period: { startIndex: 2_500, endIndex: 4_000 }, train: { startIndex: 0, endIndex: 2_500 } },
];

/** The outcome without its timing. */
const timeless = (o: RunOutcome) => (o.status === 'ok' ? { ...o, replayMs: 0 } : o);

describe('runSpecs', () => {
  it('returns the outcomes in spec order, identical with 1 and 2 workers and in this thread', async () => {
    const one = await runSpecs(specs, markets, { workers: 1 });
    const two = await runSpecs(specs, markets, { workers: 2 });
    expect(one.map((o) => o.id)).toEqual(specs.map((s) => s.id));
    expect(one.every((o) => o.status === 'ok')).toBe(true);
    expect(two.map(timeless)).toEqual(one.map(timeless));
    for (const [index, spec] of specs.entries()) {
      expect(timeless(await executeSpec(spec, markets.get(spec.dataset)!)), spec.id).toEqual(timeless(one[index]!));
    }
    const metrics = (id: string) => JSON.stringify((one.find((o) => o.id === id) as { metrics: unknown }).metrics);
    expect(new Set(['v2-a-fast', 'v2-a-models', 'v2-a', 'v2-a-seed-6'].map(metrics)).size).toBe(4);
    const v2 = one[3]!;
    if (v2.status !== 'ok') throw new Error('v2 failed');
    expect(v2.training).not.toBeNull();
    expect(v2.metrics.bars).toBe(1_000);
    expect(Object.keys(v2.qtables).sort()).toEqual(['rl-v2-meta', 'rl-v2-sizing']);
    expect(v2.dailyEquity[0]).toBe(10_000);
  }, 60_000);

  it('gives the same outcomes when every source is dropped as soon as no running run holds it (a budget of 0 bytes)', async () => {
    const [one, none] = await Promise.all([runSpecs(specs, markets, { workers: 2 }), runSpecs(specs, markets, { workers: 2, sharedSourcesBytes: 0 })]);
    expect(none.map(timeless)).toEqual(one.map(timeless));
  }, 60_000);

  it('fails every run that reads a source whose computation throws, with its error; the others finish', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replaylab-runner-'));
    const predictionsPath = join(dir, 'predictions.csv');
    writeFileSync(predictionsPath, 'timestamp,xgb\n2024-01-01T00:00:00Z,0.5\n');
    const bad = new Map<string, MarketData>([['bad', { ...markets.get('a')!, predictionsPath }]]);
    const outcomes = await runSpecs(
      [1, 2, 3, 4].map((seed) => ({ id: `v2-${seed}`, dataset: 'bad', policy: { name: seed === 4 ? 'random' : 'rl-v2', params: {} }, seed, period: { startIndex: 0, endIndex: 1_000 } })),
      bad,
      { workers: 2 },
    );
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'failed', 'ok']);
    for (const outcome of outcomes.slice(0, 3)) expect((outcome as { error: string }).error).toMatch(/predictions\.csv.*no column for model 'lgbm'/);
  }, 60_000);

  it('cancels the runs not yet finished when aborted, and keeps the finished ones', async () => {
    const controller = new AbortController();
    const outcomes = await runSpecs(
      [1, 2, 3, 4].map((seed) => ({ id: `r${seed}`, dataset: 'a', policy: { name: 'random', params: {} }, seed, period: whole('a') })),
      markets,
      { workers: 1, signal: controller.signal, onProgress: (done) => done === 1 && controller.abort() },
    );
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'failed', 'failed', 'failed']);
    expect(outcomes.slice(1).map((o) => (o as { error: string }).error)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  }, 60_000);

  it('records a run that throws, or whose worker dies, as failed; the others finish', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replaylab-runner-'));
    const module = join(dir, 'fragile.mjs');
    writeFileSync(
      module,
      `export default (params, env) => ({
  onBar(ctx) {
    if (ctx.bar === 500 && env.seed % 2 === 0) throw new Error('boom at 500');
    if (ctx.bar === 600 && env.seed === 3) process.exit(7);
    return ctx.bar === 10 ? { type: 'open', side: 'long', fraction: 0.5 } : undefined;
  },
});
`,
    );
    const progress: string[] = [];
    const outcomes = await runSpecs(
      [1, 2, 3, 4, 5].map((seed) => ({ id: `s${seed}`, dataset: 'a', policy: { name: module, params: {} }, seed, period: whole('a') })),
      markets,
      { workers: 2, onProgress: (done, total, o) => progress.push(`${done}/${total} ${o.id} ${o.status}`) },
    );
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'failed', 'failed', 'failed', 'ok']);
    expect((outcomes[1] as { error: string }).error).toMatch(/threw in onBar at bar 500 .*boom at 500/);
    expect((outcomes[2] as { error: string }).error).toMatch(/exit/i);
    expect(progress).toHaveLength(5);
    expect(progress.at(-1)).toMatch(/^5\/5 /);
  }, 60_000);
});

describe('createRunner', () => {
  it('runs batch after batch on one pool, each with the outcomes runSpecs gives, until it is closed', async () => {
    const expected = await runSpecs(specs, markets, { workers: 2 });
    const runner = createRunner({ workers: 2 });
    try {
      expect(runner.workers).toBe(2);
      const progress: string[] = [];
      const first = await runner.run(specs, markets, { onProgress: (done, total) => progress.push(`${done}/${total}`) });
      // A worker that died in a batch is replaced: the next batch still has its two workers.
      const fragile = join(mkdtempSync(join(tmpdir(), 'replaylab-runner-')), 'exits.mjs');
      writeFileSync(fragile, 'export default () => ({ onBar(ctx) { if (ctx.bar === 50) process.exit(3); } });\n');
      const died = await runner.run([{ id: 'exits', dataset: 'a', policy: { name: fragile, params: {} }, seed: 1, period: whole('a') }], markets);
      expect(died[0]!.status).toBe('failed');
      const second = await runner.run([...specs].reverse(), markets);
      expect(first.map(timeless)).toEqual(expected.map(timeless));
      expect(second.map(timeless)).toEqual([...expected].reverse().map(timeless));
      expect(progress.at(-1)).toBe(`${specs.length}/${specs.length}`);
      const concurrent = runner.run(specs.slice(0, 1), markets);
      await expect(runner.run(specs.slice(0, 1), markets)).rejects.toThrow('one batch at a time');
      await concurrent;
      await expect(runner.run(specs, new Map())).rejects.toThrow(/dataset a is not loaded/);
    } finally {
      await runner.close();
    }
    await expect(runner.run(specs, markets)).rejects.toThrow('closed');
    await runner.close(); // a second close does nothing
  }, 90_000);
});

