/**
 * Shared signal sources: values move into shared memory, and the hub hands each source to the first
 * run that claims it to compute, to the others once published, hands a claim on when its run gives
 * up or ends without publishing, and keeps a source only while a run of the batch may still read it
 * and it fits the budget. (The runs here are played on this thread through their channels; the pool
 * tests run real workers, which block on their answers.)
 */
import type { MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { COLLECT_AFTER_BYTES, SourceHub, sharedBytes, sharedSourceKey, toSharedMemory, type SharedSourcesLink } from '../../src/runner/shared-sources.js';

describe('toSharedMemory', () => {
  it('copies every typed array of a value into shared memory, walking objects and arrays, and keeps the rest', () => {
    const value = { a: Float64Array.of(1.5, -2), nested: { b: Int8Array.of(-1, 0, 1) }, list: [Uint8Array.of(3)], name: 'x', count: 4 };
    const shared = toSharedMemory(value);
    expect(shared.a).toBeInstanceOf(Float64Array);
    expect(shared.a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared.a)).toEqual([1.5, -2]);
    expect(shared.nested.b).toBeInstanceOf(Int8Array);
    expect(shared.nested.b.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared.nested.b)).toEqual([-1, 0, 1]);
    expect(shared.list[0]!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.name).toBe('x');
    expect(shared.count).toBe(4);
    expect(sharedBytes(shared)).toBe(16 + 3 + 1);
  });

  it('leaves a column already in shared memory as it is (no copy)', () => {
    const column = new Float64Array(new SharedArrayBuffer(16));
    expect(toSharedMemory({ column }).column).toBe(column);
  });
});

type Answer = { type: 'value'; value: unknown } | { type: 'compute' } | { type: 'ok' };

/** Sends a request as a worker would, and resolves with the hub's answer (undefined if none comes before the next few turns). */
async function ask(link: SharedSourcesLink, request: object): Promise<Answer | undefined> {
  const answer = next(link.port);
  link.port.postMessage(request);
  return Promise.race([answer, settle().then(() => undefined)]);
}

const next = (port: MessagePort): Promise<Answer> => new Promise((resolve) => port.once('message', resolve));
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

const FEATURES = sharedSourceKey('a.csv', { kind: 'marketFeatures', id: '{"window":20}' });
const column = (value: number): Float64Array => toSharedMemory(Float64Array.of(value, value));

describe('SourceHub', () => {
  it('has the first run compute a source, hands it to the runs that wait and to later ones, and keeps it while a run may read it', async () => {
    const hub = new SourceHub(1e9);
    for (let run = 0; run < 3; run++) hub.expect([FEATURES]);
    const first = hub.open('a.csv', [FEATURES]);
    const second = hub.open('a.csv', [FEATURES]);
    expect(await ask(first.link, { type: 'claim', key: FEATURES })).toEqual({ type: 'compute' });
    const waiting = next(second.link.port);
    second.link.port.postMessage({ type: 'claim', key: FEATURES });
    await settle();
    expect(hub.has(FEATURES)).toBe(false);

    const value = column(7);
    expect(await ask(first.link, { type: 'publish', key: FEATURES, value })).toEqual({ type: 'ok' });
    const handed = (await waiting) as { type: 'value'; value: Float64Array };
    expect(handed.type).toBe('value');
    value[0] = 8; // the same memory, not a copy
    expect(handed.value[0]).toBe(8);
    expect(second.link.answered[0]).toBe(1);
    first.end();
    second.end();
    expect(hub.has(FEATURES)).toBe(true); // the third run may still read it

    const third = hub.open('a.csv', [FEATURES]);
    expect(await ask(third.link, { type: 'claim', key: FEATURES })).toMatchObject({ type: 'value' });
    third.end();
    expect(hub.has(FEATURES)).toBe(false); // no run left that may read it
    expect(hub.stats).toEqual({ computed: 1, shared: 2, peakBytes: 16 });
  });

  it('hands the claim on when the computing run gives up, or ends without publishing (its worker died)', async () => {
    const hub = new SourceHub(1e9);
    for (let run = 0; run < 3; run++) hub.expect([FEATURES]);
    const [first, second, third] = [0, 1, 2].map(() => hub.open('a.csv', [FEATURES]));
    expect(await ask(first!.link, { type: 'claim', key: FEATURES })).toEqual({ type: 'compute' });
    const secondTurn = next(second!.link.port);
    second!.link.port.postMessage({ type: 'claim', key: FEATURES });
    const thirdTurn = next(third!.link.port);
    third!.link.port.postMessage({ type: 'claim', key: FEATURES });
    await settle();

    expect(await ask(first!.link, { type: 'abandon', key: FEATURES })).toEqual({ type: 'ok' });
    expect(await secondTurn).toEqual({ type: 'compute' });
    second!.end(); // gone without publishing
    expect(await thirdTurn).toEqual({ type: 'compute' });
    expect(await ask(third!.link, { type: 'publish', key: FEATURES, value: column(1) })).toEqual({ type: 'ok' });
    expect(hub.has(FEATURES)).toBe(true);
    first!.end();
    third!.end();
    expect(hub.has(FEATURES)).toBe(false);
  });

  it('drops sources no running run holds when they exceed the budget; a later run computes them again', async () => {
    const hub = new SourceHub(0);
    hub.expect([FEATURES]);
    hub.expect([FEATURES]);
    const first = hub.open('a.csv', [FEATURES]);
    expect(await ask(first.link, { type: 'claim', key: FEATURES })).toEqual({ type: 'compute' });
    await ask(first.link, { type: 'publish', key: FEATURES, value: column(1) });
    expect(hub.has(FEATURES)).toBe(true); // held by its running run
    first.end();
    expect(hub.has(FEATURES)).toBe(false);
    const second = hub.open('a.csv', [FEATURES]);
    expect(await ask(second.link, { type: 'claim', key: FEATURES })).toEqual({ type: 'compute' });
    second.end();
  });

  it('has the main thread collect its garbage once it has dropped COLLECT_AFTER_BYTES (shared buffers do not prompt a collection)', async () => {
    const hub = new SourceHub(1e9);
    hub.expect([FEATURES]);
    const run = hub.open('a.csv', [FEATURES]);
    await ask(run.link, { type: 'claim', key: FEATURES });
    await ask(run.link, { type: 'publish', key: FEATURES, value: new Float64Array(new SharedArrayBuffer(COLLECT_AFTER_BYTES)) });
    let collected = false;
    const registry = new FinalizationRegistry(() => (collected = true));
    (() => registry.register({ garbage: true }, 'garbage'))();
    run.end();
    await settle();
    expect(hub.has(FEATURES)).toBe(false);
    expect(collected).toBe(true);
  });

  it('tells datasets apart by their key', () => {
    const key = { kind: 'strategySignals', id: '{}' } as const;
    expect(sharedSourceKey('a.csv', key)).not.toBe(sharedSourceKey('b.csv', key));
  });
});
