/** @module BatchingWriter: batching, draining, retry with health and counters, and no lost records. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { BatchingWriter, WriterClosedError } from '../../src/store/batching-writer.ts';
import type { WriterLogger } from '../../src/store/batching-writer.ts';
import type { DecisionRecord, DecisionRecordInput } from '../../src/store/decision-record.ts';
import type { WriteResult } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { makeRecord, makeRecords } from './fixtures.ts';

/** A store that keeps batches in memory and throws on its first `failures` calls. */
class FakeStore {
  readonly batches: string[][] = [];
  calls = 0;
  constructor(private failures = 0) {}
  async writeDecisions(records: readonly DecisionRecordInput[]): Promise<WriteResult> {
    this.calls += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error(`database is locked (call ${this.calls})`);
    }
    this.batches.push(records.map((record) => (record as DecisionRecord).alertId));
    return { inserted: records.length, duplicates: 0 };
  }
  get written(): string[] {
    return this.batches.flat();
  }
  readonly quarantined: { record: unknown; reason: string }[] = [];
  async quarantineDecisions(records: readonly { record: unknown; reason: string }[]): Promise<void> {
    this.quarantined.push(...records);
  }
}

/** A store that refuses, as a database CHECK constraint would, every batch holding one alert id. */
class PoisonStore extends FakeStore {
  constructor(private poison: string) {
    super();
  }
  override async writeDecisions(records: readonly DecisionRecordInput[]): Promise<WriteResult> {
    if (records.some((r) => r.alertId === this.poison)) {
      this.calls += 1;
      throw Object.assign(new Error('CHECK constraint failed: poison'), { code: 'SQLITE_CONSTRAINT_CHECK' });
    }
    return super.writeDecisions(records);
  }
}

/** A store whose every write waits for `release()`, so a test controls what queues behind a commit. */
class GatedStore {
  readonly batches: string[][] = [];
  #waiting: (() => void)[] = [];
  #calls = 0;
  #onCall: (() => void) | undefined;
  async writeDecisions(records: readonly DecisionRecordInput[]): Promise<WriteResult> {
    this.#calls += 1;
    this.#onCall?.();
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.batches.push(records.map((record) => (record as DecisionRecord).alertId));
    return { inserted: records.length, duplicates: 0 };
  }
  get calls(): number {
    return this.#calls;
  }
  async quarantineDecisions(): Promise<void> {}
  release(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
  /** Resolves once `writeDecisions` has been called `n` times in all. */
  async called(n: number): Promise<void> {
    while (this.#calls < n) await new Promise<void>((resolve) => (this.#onCall = resolve));
  }
}

/** Lets every pending promise callback and immediate run. */
const ticks = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

function recordingLogger(): WriterLogger & { lines: { level: string; details: object; message: string }[] } {
  const lines: { level: string; details: object; message: string }[] = [];
  return {
    lines,
    info: (details, message) => lines.push({ level: 'info', details, message }),
    error: (details, message) => lines.push({ level: 'error', details, message }),
  };
}

const ids = (from: number, n: number) => Array.from({ length: n }, (_, k) => `a-${from + k}`);

describe('BatchingWriter', () => {
  it('splits a large enqueue into batches of at most maxBatch, in order', async () => {
    const store = new FakeStore();
    const writer = new BatchingWriter({ store, logger: recordingLogger(), maxBatch: 10 });
    await writer.enqueue(makeRecords(25));
    expect(store.batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(store.written).toEqual(ids(0, 25));
    expect(writer.stats()).toEqual({ written: 25, failedBatches: 0, quarantined: 0, pending: 0, lastError: undefined });
  });

  it('returns before writing and groups small enqueues into one batch after the interval', async () => {
    const store = new FakeStore();
    const writer = new BatchingWriter({ store, logger: recordingLogger(), flushIntervalMs: 30 });
    const done = [writer.enqueue([makeRecord(1)]), writer.enqueue([makeRecord(2)]), writer.enqueue([makeRecord(3)])];
    expect(store.calls).toBe(0);
    expect(writer.pending).toBe(3);
    await Promise.all(done);
    expect(store.batches).toEqual([['a-1', 'a-2', 'a-3']]);
  });

  it('after a commit, waits for company unless a full batch is waiting (a trickle is not one commit per record)', async () => {
    const gate = new GatedStore();
    const writer = new BatchingWriter({ store: gate, logger: recordingLogger(), flushIntervalMs: 50, maxBatch: 3 });
    const first = writer.enqueue([makeRecord(1)]);
    await gate.called(1);
    const trickle = [writer.enqueue([makeRecord(2)]), writer.enqueue([makeRecord(3)])];
    gate.release();
    await first;
    await ticks();
    expect(gate.calls).toBe(1); // two records queued: not yet worth a commit
    await gate.called(2); // after the flush interval
    gate.release();
    await Promise.all(trickle);
    expect(gate.batches).toEqual([['a-1'], ['a-2', 'a-3']]);
    // A full batch waiting behind a commit goes at once.
    const next = writer.enqueue([makeRecord(4)]);
    await gate.called(3);
    const full = writer.enqueue(makeRecords(3, 5));
    gate.release();
    await next;
    await gate.called(4);
    gate.release();
    await full;
    expect(gate.batches.slice(2)).toEqual([['a-4'], ['a-5', 'a-6', 'a-7']]);
  });

  it('flush() writes at once and close() drains what is left, then refuses new records', async () => {
    const store = new FakeStore();
    const writer = new BatchingWriter({ store, logger: recordingLogger(), flushIntervalMs: 60_000 });
    void writer.enqueue([makeRecord(1)]);
    await writer.flush();
    expect(store.written).toEqual(['a-1']);
    void writer.enqueue(makeRecords(3, 2));
    await writer.close();
    expect(store.written).toEqual(['a-1', 'a-2', 'a-3', 'a-4']);
    await expect(writer.enqueue([makeRecord(9)])).rejects.toThrow(new WriterClosedError('decision writer is closed'));
  });

  it('retries a failing store with backoff, is unhealthy meanwhile, counts and logs, and loses nothing', async () => {
    const store = new FakeStore(3);
    const logger = recordingLogger();
    const writer = new BatchingWriter({ store, logger, maxBatch: 4, flushIntervalMs: 1, retryDelayMs: 5 });
    const first = writer.enqueue(makeRecords(6));
    await expect.poll(() => store.calls).toBeGreaterThanOrEqual(1);
    expect(writer.healthy()).toBe(false);
    const second = writer.enqueue(makeRecords(3, 6)); // accepted while the store is down
    expect(writer.pending).toBe(9);
    await Promise.all([first, second]);

    expect(writer.healthy()).toBe(true);
    expect(store.written).toEqual(ids(0, 9));
    expect(writer.stats()).toEqual({ written: 9, failedBatches: 3, quarantined: 0, pending: 0, lastError: undefined });
    const errors = logger.lines.filter((line) => line.level === 'error');
    expect(errors.map((line) => line.message)).toEqual(Array(3).fill('decision batch write failed; will retry'));
    expect(errors.map((line) => (line.details as { retryInMs: number }).retryInMs)).toEqual([5, 10, 20]);
    expect(logger.lines.at(-1)?.message).toBe('decision store writes recovered');
  });

  it('exposes the last error while failing', async () => {
    const store = new FakeStore(Number.POSITIVE_INFINITY);
    const writer = new BatchingWriter({ store, logger: recordingLogger(), flushIntervalMs: 1, retryDelayMs: 5 });
    void writer.enqueue([makeRecord(1)]);
    await expect.poll(() => writer.stats().failedBatches).toBeGreaterThanOrEqual(2);
    const stats = writer.stats();
    expect(stats).toMatchObject({ written: 0, pending: 1, lastError: `database is locked (call ${stats.failedBatches})` });
    expect(writer.healthy()).toBe(false);
    await expect(writer.close({ timeoutMs: 20 })).rejects.toThrow(WriterClosedError);
  });

  it('close({ timeoutMs }) gives up on a dead store loudly: throws, logs and rejects the waiters', async () => {
    const store = new FakeStore(Number.POSITIVE_INFINITY);
    const logger = recordingLogger();
    const writer = new BatchingWriter({ store, logger, maxBatch: 2, flushIntervalMs: 1, retryDelayMs: 5 });
    const waiting = writer.enqueue(makeRecords(5));
    await expect(writer.close({ timeoutMs: 50 })).rejects.toThrow('decision writer closed after 50 ms with 5 records not written');
    await expect(waiting).rejects.toThrow(WriterClosedError);
    expect(logger.lines.at(-1)).toMatchObject({ level: 'error', message: 'decision records not written at shutdown', details: { lost: 5 } });
  });

  it('quarantines an invalid record with the field and message, and writes the rest of its batch', async () => {
    const store = new FakeStore();
    const writer = new BatchingWriter({ store, logger: recordingLogger(), flushIntervalMs: 1 });
    await writer.enqueue([makeRecord(1), { ...makeRecord(2), decidedAt: 'soon' }, makeRecord(3)]);
    expect(store.written).toEqual(['a-1', 'a-3']);
    expect(store.quarantined).toHaveLength(1);
    expect(store.quarantined[0].reason).toBe('invalid decision record: decidedAt: Invalid ISO datetime');
    expect((store.quarantined[0].record as { alertId: string }).alertId).toBe('a-2');
    expect(writer.stats()).toMatchObject({ written: 3, quarantined: 1, pending: 0 });
  });

  it('bisects a batch the store refuses because of one record, quarantines that record, writes the others', async () => {
    const store = new PoisonStore('a-37');
    const writer = new BatchingWriter({ store, logger: recordingLogger(), flushIntervalMs: 1, retryDelayMs: 1 });
    await writer.enqueue(makeRecords(100));
    expect(store.written.sort()).toEqual(makeRecords(100).map((r) => r.alertId).filter((id) => id !== 'a-37').sort());
    expect(store.quarantined).toEqual([{ record: expect.objectContaining({ alertId: 'a-37' }), reason: 'CHECK constraint failed: poison' }]);
    // One bad record among 100: the full batch, then about two transactions per halving.
    expect(store.calls).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(100)) + 1);
    expect(writer.healthy()).toBe(true);
    expect(writer.stats()).toMatchObject({ failedBatches: 0, quarantined: 1 });
  });

  it('never bisects for a failure of the store itself (a lock, a lost connection): it retries the whole batch', async () => {
    const store = new FakeStore(2);
    const writer = new BatchingWriter({ store, logger: recordingLogger(), flushIntervalMs: 1, retryDelayMs: 1 });
    await writer.enqueue(makeRecords(10));
    expect(store.batches).toEqual([makeRecords(10).map((r) => r.alertId)]);
    expect(store.quarantined).toEqual([]);
  });

  it('with flushIntervalMs 0, commits at once and groups what arrives during a commit into the next one', async () => {
    const store = new GatedStore();
    const writer = new BatchingWriter({ store, logger: recordingLogger(), flushIntervalMs: 0 });
    const first = writer.enqueue([makeRecord(1)]);
    await store.called(1); // no waiting for company: the first record commits alone
    const later = [writer.enqueue([makeRecord(2)]), writer.enqueue([makeRecord(3), makeRecord(4)])];
    await ticks();
    expect(store.calls).toBe(1); // one commit at a time
    store.release();
    await first;
    await store.called(2);
    store.release();
    await Promise.all(later);
    expect(store.batches).toEqual([['a-1'], ['a-2', 'a-3', 'a-4']]);
  });

  it('rejects a maxBatch that is not a positive integer', () => {
    expect(() => new BatchingWriter({ store: new FakeStore(), logger: recordingLogger(), maxBatch: 0 })).toThrow(
      new RangeError('maxBatch must be a positive integer, got 0'),
    );
  });
});

describe('BatchingWriter over SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'winnow-writer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores every record from many concurrent enqueues exactly once', async () => {
    const store = await openStore(join(dir, 'decisions.db'));
    const writer = new BatchingWriter({ store, logger: recordingLogger(), maxBatch: 64, flushIntervalMs: 2 });
    const calls = Array.from({ length: 40 }, (_, k) => writer.enqueue(makeRecords(25, k * 25)));
    await writer.close();
    await Promise.all(calls);
    const rows = await store.listDecisions({ limit: 2_000 });
    expect(rows).toHaveLength(1_000);
    expect(new Set(rows.map((row) => row.record.alertId)).size).toBe(1_000);
    expect(writer.stats()).toMatchObject({ written: 1_000, failedBatches: 0, pending: 0 });
    await store.close();
  });
});
