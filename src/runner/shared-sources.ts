/**
 * Signal sources (market features, strategy signals, model scores, trade ranges) shared by the
 * runs of a batch across worker threads: each is computed once, by the first run that reads it,
 * into SharedArrayBuffers that every other run reads in place, as they read the candle columns.
 * Sources stay lazy: a run whose policy reads none (random, buy-and-hold) computes none.
 *
 * The runner (main thread) keeps a `SourceHub`: which sources exist, which are being computed and
 * by which run, and which runs wait for them. Each run talks to it through its own MessageChannel
 * with a `SharedSourceStore`, synchronously (the engine asks for a source in the middle of a bar):
 * it posts a request and sleeps (`Atomics.wait`) until the hub has answered and woken it.
 *
 *   claim K    → value V      K is there: read V in place
 *              → compute      K is yours: compute it, then publish it (or abandon it if that throws)
 *                             (while another run computes K, the answer waits until it publishes)
 *   publish K V → ok           V is kept for the other runs; the waiting ones get it
 *   abandon K  → ok            the next waiting run (if any) is told to compute K
 *
 * A source is kept while a run of the batch that has not finished may read it (the hub counts,
 * per source, the unfinished runs whose dataset, config and seed lead to it) and while the kept
 * sources fit `budgetBytes`; past that, the least recently used ones that no running run holds
 * are dropped, and computed again if a later run reads them (with the same values: every source
 * is a deterministic function of its key). A run that ends without publishing what it claimed
 * (its worker died, or it was cancelled) hands the claim on to the next waiting run.
 *
 * A dropped source's memory is freed once no thread refers to it; the workers collect their
 * garbage often, but the main thread allocates little and may not collect for the whole batch, and
 * V8 does not count shared buffers towards the memory that prompts a collection: so after dropping
 * COLLECT_AFTER_BYTES the hub has V8 collect the main thread's garbage itself.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { SHARED_COLUMNS } from '../data/columns.js';
import type { SourceKey, SourceStore } from '../engine/signal-sources.js';

/** What a task carries to reach the hub. */
export interface SharedSourcesLink {
  /** The dataset's key in the batch: the sources of one dataset are told apart from another's by it. */
  readonly dataset: string;
  readonly port: MessagePort;
  /** One Int32 cell in shared memory: 0 while a request waits for its answer, 1 once answered. */
  readonly answered: Int32Array;
}

type Request =
  | { readonly type: 'claim'; readonly key: string }
  | { readonly type: 'publish'; readonly key: string; readonly value: unknown }
  | { readonly type: 'abandon'; readonly key: string };

type Answer = { readonly type: 'value'; readonly value: unknown } | { readonly type: 'compute' } | { readonly type: 'ok' };

/** The hub's name for a source of a dataset. */
export function sharedSourceKey(dataset: string, key: SourceKey): string {
  return JSON.stringify([dataset, key.kind, key.id]);
}

// ---- worker side ------------------------------------------------------------------------------

/** A run's view of the hub (worker thread): sources are computed into shared memory; values it has obtained are kept for the run. */
export class SharedSourceStore implements SourceStore {
  readonly columns = SHARED_COLUMNS;
  private readonly obtained = new Map<string, unknown>();

  constructor(private readonly link: SharedSourcesLink) {}

  obtain<T>(sourceKey: SourceKey, compute: () => T): T {
    const key = sharedSourceKey(this.link.dataset, sourceKey);
    if (this.obtained.has(key)) return this.obtained.get(key) as T;
    const answer = this.request({ type: 'claim', key });
    let value: unknown;
    if (answer.type === 'value') {
      value = answer.value;
    } else {
      try {
        value = toSharedMemory(compute());
      } catch (error) {
        this.request({ type: 'abandon', key });
        throw error;
      }
      this.request({ type: 'publish', key, value });
    }
    this.obtained.set(key, value);
    return value as T;
  }

  private request(request: Request): Answer {
    const { port, answered } = this.link;
    Atomics.store(answered, 0, 0);
    port.postMessage(request);
    for (;;) {
      Atomics.wait(answered, 0, 0);
      const received = receiveMessageOnPort(port);
      if (received !== undefined) return received.message as Answer;
    }
  }
}

/**
 * The value with every typed array not already in shared memory copied there (plain objects and
 * arrays are walked; other values are kept), so that posting it to another thread shares its
 * columns instead of copying them. Sources computed for a SharedSourceStore are allocated in shared
 * memory already (its `columns`); this catches any column that was not.
 */
export function toSharedMemory<T>(value: T): T {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const source = value as unknown as Float64Array;
    if (source.buffer instanceof SharedArrayBuffer) return value;
    const Typed = source.constructor as Float64ArrayConstructor;
    const shared = new Typed(new SharedArrayBuffer(source.byteLength));
    shared.set(source);
    return shared as unknown as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => toSharedMemory(item)) as T;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) out[name] = toSharedMemory(item);
    return out as T;
  }
  return value;
}

/** Bytes of the typed arrays in a value (walked like `toSharedMemory`). */
export function sharedBytes(value: unknown): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((sum: number, item: unknown) => sum + sharedBytes(item), 0);
  if (typeof value === 'object' && value !== null) return Object.values(value).reduce((sum: number, item: unknown) => sum + sharedBytes(item), 0);
  return 0;
}

// ---- main-thread side -------------------------------------------------------------------------

/** Bytes of dropped sources after which the hub has the main thread's garbage collected. */
export const COLLECT_AFTER_BYTES = 32e6;

let fullCollection: (() => void) | undefined;

/**
 * A full garbage collection of this thread (~5 ms with the runner's small heap): V8's `gc`, taken
 * from a fresh context with --expose-gc switched on for that moment only (as jest's leak detector does).
 */
function collectGarbage(): void {
  if (fullCollection === undefined) {
    setFlagsFromString('--expose-gc');
    fullCollection = runInNewContext('gc') as () => void;
    setFlagsFromString('--no-expose-gc');
  }
  fullCollection();
}

interface TaskLink {
  readonly id: number;
  readonly port: MessagePort;
  readonly answered: Int32Array;
  /** Sources this run may read (its refs), counted in `refs` until it ends. */
  readonly mayRead: readonly string[];
  /** Sources it holds: obtained (read or published). */
  readonly holds: Set<string>;
}

interface Entry {
  value: unknown;
  bytes: number;
  /** The run computing it, while it has no value yet. */
  computer: TaskLink | undefined;
  /** Runs waiting for its value, in claim order. */
  readonly waiting: TaskLink[];
  /** Running runs that hold the value. */
  holders: number;
  lastUse: number;
}

export interface SourceHubStats {
  /** Sources computed (published), recomputations after a drop included. */
  readonly computed: number;
  /** Claims answered with a kept value. */
  readonly shared: number;
  /** Most bytes kept at once. */
  readonly peakBytes: number;
}

export class SourceHub {
  private readonly entries = new Map<string, Entry>();
  /** Per source: runs not yet ended that may read it. */
  private readonly refs = new Map<string, number>();
  private readonly tasks = new Set<TaskLink>();
  private keptBytes = 0;
  private droppedBytes = 0;
  private clock = 0;
  private nextId = 0;
  private computed = 0;
  private shared = 0;
  private peakBytes = 0;

  constructor(private readonly budgetBytes: number) {}

  get stats(): SourceHubStats {
    return { computed: this.computed, shared: this.shared, peakBytes: this.peakBytes };
  }

  /** Whether the source's value is kept (computed, and not dropped since). */
  has(key: string): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.computer === undefined;
  }

  /** Counts a run that may read these sources (call for every run before the first starts). */
  expect(mayRead: readonly string[]): void {
    for (const key of mayRead) this.refs.set(key, (this.refs.get(key) ?? 0) + 1);
  }

  /** A channel for one run about to start; `end` it when the run has ended, whatever the outcome. */
  open(dataset: string, mayRead: readonly string[]): { readonly link: SharedSourcesLink; readonly end: () => void } {
    const { port1, port2 } = new MessageChannel();
    const answered = new Int32Array(new SharedArrayBuffer(4));
    const task: TaskLink = { id: this.nextId++, port: port1, answered, mayRead, holds: new Set() };
    this.tasks.add(task);
    port1.on('message', (request: Request) => this.onRequest(task, request));
    return { link: { dataset, port: port2, answered }, end: () => this.end(task) };
  }

  private answer(task: TaskLink, answer: Answer): void {
    task.port.postMessage(answer);
    Atomics.store(task.answered, 0, 1);
    Atomics.notify(task.answered, 0);
  }

  private onRequest(task: TaskLink, request: Request): void {
    if (!this.tasks.has(task)) return;
    const { key } = request;
    switch (request.type) {
      case 'claim': {
        const entry = this.entries.get(key);
        if (entry === undefined) {
          this.entries.set(key, { value: undefined, bytes: 0, computer: task, waiting: [], holders: 0, lastUse: this.clock++ });
          this.answer(task, { type: 'compute' });
        } else if (entry.computer !== undefined) {
          entry.waiting.push(task);
        } else {
          this.hand(task, key, entry);
        }
        return;
      }
      case 'publish': {
        const entry = this.entries.get(key);
        if (entry?.computer === task) {
          this.computed++;
          entry.computer = undefined;
          entry.value = request.value;
          entry.bytes = sharedBytes(request.value);
          entry.holders++;
          task.holds.add(key);
          this.keptBytes += entry.bytes;
          this.peakBytes = Math.max(this.peakBytes, this.keptBytes);
          for (const waiting of entry.waiting.splice(0)) this.hand(waiting, key, entry);
          this.trim();
        }
        this.answer(task, { type: 'ok' });
        return;
      }
      case 'abandon': {
        const entry = this.entries.get(key);
        if (entry?.computer === task) this.passOn(key, entry);
        this.answer(task, { type: 'ok' });
        return;
      }
      default:
        request satisfies never;
    }
  }

  /** Gives a run the value of a computed source. */
  private hand(task: TaskLink, key: string, entry: Entry): void {
    this.shared++;
    entry.lastUse = this.clock++;
    if (!task.holds.has(key)) {
      task.holds.add(key);
      entry.holders++;
    }
    this.answer(task, { type: 'value', value: entry.value });
  }

  /** The computing run gave up its claim: the next waiting run computes the source, or it is forgotten. */
  private passOn(key: string, entry: Entry): void {
    const next = entry.waiting.shift();
    if (next === undefined) {
      this.entries.delete(key);
      return;
    }
    entry.computer = next;
    this.answer(next, { type: 'compute' });
  }

  private end(task: TaskLink): void {
    if (!this.tasks.delete(task)) return;
    task.port.close();
    for (const [key, entry] of this.entries) {
      const at = entry.waiting.indexOf(task);
      if (at >= 0) entry.waiting.splice(at, 1);
      if (entry.computer === task) this.passOn(key, entry);
    }
    for (const key of task.holds) {
      const entry = this.entries.get(key);
      if (entry !== undefined) entry.holders--;
    }
    for (const key of task.mayRead) {
      const left = (this.refs.get(key) ?? 1) - 1;
      if (left > 0) this.refs.set(key, left);
      else this.refs.delete(key);
    }
    this.trim();
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.keptBytes -= entry.bytes;
    this.droppedBytes += entry.bytes;
  }

  /** Drops kept sources no run may read any more, then the least recently used ones no running run holds, down to the budget. */
  private trim(): void {
    for (const [key, entry] of this.entries) {
      if (entry.computer === undefined && entry.holders === 0 && !this.refs.has(key)) this.drop(key, entry);
    }
    if (this.keptBytes > this.budgetBytes) {
      const idle = [...this.entries].filter(([, entry]) => entry.computer === undefined && entry.holders === 0).sort((a, b) => a[1].lastUse - b[1].lastUse);
      for (const [key, entry] of idle) {
        if (this.keptBytes <= this.budgetBytes) break;
        this.drop(key, entry);
      }
    }
    if (this.droppedBytes >= COLLECT_AFTER_BYTES) {
      this.droppedBytes = 0;
      collectGarbage();
    }
  }
}
