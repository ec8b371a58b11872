/**
 * @module Group commit of decision records: requests enqueue, one loop commits, and each request
 * learns when its records are durable. A record the store refuses is isolated (the batch is
 * bisected and the refused record quarantined with the reason), so one bad record never blocks
 * or drops the others.
 */
import { z } from 'zod';
import { DecisionRecordSchema, parseDecisionRecords } from './decision-record.ts';
import type { DecisionRecordInput, ValidDecisionRecord } from './decision-record.ts';
import type { DecisionStore, QuarantinedRecord } from './decision-store.ts';
import { isRecordError } from './record-error.ts';

/** The pino-compatible slice of a logger the writer needs (declared here, where it is used). */
export interface WriterLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Options for `BatchingWriter`; every number has a default tuned for the scoring hot path. */
export interface BatchingWriterOptions {
  store: Pick<DecisionStore, 'writeDecisions' | 'quarantineDecisions'>;
  logger: WriterLogger;
  /** Most records per transaction. */
  maxBatch?: number;
  /**
   * How long the first record of a quiet period may wait for company (ms). 0: commit at once, and
   * group whatever queues while a commit runs (what a caller awaiting each commit wants: its
   * latency is one commit, and under load each commit is shared by every request that waited).
   */
  flushIntervalMs?: number;
  /** First retry delay after a failed batch; doubles per failure up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /**
   * A write still running after this long (ms) makes `healthy()` false: a locked table or a
   * stalled disk fails nothing, it just never commits, and readiness must see that too.
   */
  stallMs?: number;
}

/** Counters for /metrics and logs. */
export interface WriterStats {
  /** Records durably written (duplicates of earlier writes included: they are durable too). */
  written: number;
  /** Batches whose transaction failed (each retry counts). */
  failedBatches: number;
  /** Records the store refused (or that failed validation), kept in its quarantine table instead. */
  quarantined: number;
  /** Records accepted but not yet durable. */
  pending: number;
  /** Message of the most recent failure, until a batch succeeds again. */
  lastError: string | undefined;
}

interface Ticket {
  remaining: number;
  resolve(): void;
  reject(error: Error): void;
}

/** A queued record, or what must be quarantined in its place (it failed validation). */
interface Item {
  record: ValidDecisionRecord | undefined;
  /** Set when `record` is undefined: the input as given and why it is invalid. */
  invalid?: QuarantinedRecord;
  /** Written or quarantined already: a retry of its batch after a later failure skips it. */
  done?: boolean;
  ticket: Ticket;
}

/** Thrown by `enqueue` after `close()`, and by `close()` when its timeout leaves records unwritten. */
export class WriterClosedError extends Error {
  override readonly name = 'WriterClosedError';
}

/**
 * Collects records from many requests and writes them in one transaction per batch. A batch that
 * fails because of a record (see record-error.ts) is bisected until the record is found; it goes
 * to the quarantine table with the reason and the rest are written. Any other failure (store down,
 * locked, disk full) is retried with backoff, forever while the process lives: it is counted,
 * logged, and turns `healthy()` false (readiness → 503) until a batch succeeds. Records are never
 * dropped; `flush()`/`close()` drain them for shutdown.
 */
export class BatchingWriter {
  readonly #store: Pick<DecisionStore, 'writeDecisions' | 'quarantineDecisions'>;
  readonly #logger: WriterLogger;
  readonly #maxBatch: number;
  readonly #flushIntervalMs: number;
  readonly #retryDelayMs: number;
  readonly #maxRetryDelayMs: number;
  #queue: Item[] = [];
  #inFlight = 0;
  /** When the batch in flight started (performance.now()), while one is. */
  #writeStartedAt: number | undefined;
  readonly #stallMs: number;
  #timer: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;
  #lastTicket: Promise<void> = Promise.resolve();
  #healthy = true;
  #closed = false;
  /** Set by flush()/close(): drain everything queued now, without waiting for company. */
  #urgent = false;
  #abandoned = false;
  #abandonError: Error | undefined;
  #wakeRetry: (() => void) | undefined;
  #stats = { written: 0, failedBatches: 0, quarantined: 0, lastError: undefined as string | undefined };

  constructor({
    store,
    logger,
    // Under load, a batch is whatever queued while the last one committed; a high cap lets it
    // grow, so each fsync (and its index pages) is shared by more records.
    maxBatch = 2_000,
    flushIntervalMs = 20,
    retryDelayMs = 100,
    maxRetryDelayMs = 5_000,
    stallMs = 5_000,
  }: BatchingWriterOptions) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be a positive integer, got ${maxBatch}`);
    if (!(flushIntervalMs >= 0)) throw new RangeError(`flushIntervalMs must be 0 or more, got ${flushIntervalMs}`);
    this.#store = store;
    this.#logger = logger;
    this.#maxBatch = maxBatch;
    this.#flushIntervalMs = flushIntervalMs;
    this.#retryDelayMs = retryDelayMs;
    this.#maxRetryDelayMs = maxRetryDelayMs;
    this.#stallMs = stallMs;
  }

  /**
   * Validates and queues records; the returned promise resolves once all of them are durable
   * (written, or quarantined). Await it to acknowledge only committed records, or ignore it (it
   * never rejects unhandled). A record that fails validation is quarantined with zod's message,
   * never thrown back: the caller has already decided for that alert, and its batch must not suffer.
   */
  enqueue(records: readonly DecisionRecordInput[]): Promise<void> {
    if (this.#closed) return handled(Promise.reject(new WriterClosedError('decision writer is closed')));
    if (records.length === 0) return Promise.resolve();
    const items = validated(records);
    const done = new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { remaining: items.length, resolve, reject };
      for (const item of items) this.#queue.push({ ...item, ticket });
    });
    this.#lastTicket = done;
    this.#schedule();
    return handled(done);
  }

  /** Writes everything queued so far and resolves when it is durable (waits through retries). */
  async flush(): Promise<void> {
    const last = this.#lastTicket;
    // Only when there is something to drain; otherwise a later trickle would skip its wait once.
    if (this.#queue.length > 0 || this.#loop !== undefined) this.#urgent = true;
    this.#startLoop();
    await last;
  }

  /**
   * Stops accepting records and drains the queue. With `timeoutMs`, gives up after that long
   * (the store stayed down): logs how many records were not written and throws.
   */
  async close({ timeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
    this.#closed = true;
    const drained = handled(this.flush());
    if (timeoutMs === undefined) return drained;
    let timeout: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timeout = setTimeout(() => resolve('expired'), timeoutMs);
    });
    const outcome = await Promise.race([drained.then(() => 'drained' as const), expired]);
    clearTimeout(timeout);
    if (outcome === 'drained') return;
    const lost = this.pending;
    const error = new WriterClosedError(`decision writer closed after ${timeoutMs} ms with ${lost} records not written`);
    this.#abandon(error);
    this.#logger.error({ lost, lastError: this.#stats.lastError }, 'decision records not written at shutdown');
    throw error;
  }

  /**
   * False from the first failed batch until a batch succeeds again, and while a write has run
   * longer than `stallMs` without committing or failing; drives readiness.
   */
  healthy(): boolean {
    return this.#healthy && !this.stalled();
  }

  /** A write has been running longer than `stallMs` (a locked table, a stalled disk). */
  stalled(): boolean {
    return this.#writeStartedAt !== undefined && performance.now() - this.#writeStartedAt > this.#stallMs;
  }

  /** Records accepted but not yet durable. */
  get pending(): number {
    return this.#queue.length + this.#inFlight;
  }

  /** A snapshot of the counters. */
  stats(): WriterStats {
    return { ...this.#stats, pending: this.pending };
  }

  #schedule(): void {
    if (this.#loop !== undefined) return; // the running loop picks new records up itself
    if (this.#queue.length >= this.#maxBatch || this.#flushIntervalMs === 0) {
      this.#startLoop();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#startLoop(), this.#flushIntervalMs);
    }
  }

  #startLoop(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#loop !== undefined || this.#queue.length === 0) return;
    this.#loop = this.#drain().finally(() => {
      this.#loop = undefined;
      // Records enqueued while the last batch committed start the next loop.
      if (this.#queue.length > 0 && !this.#abandoned) this.#schedule();
    });
  }

  // One batch at a time, oldest first: records commit in the order they were accepted. After a
  // commit the loop ends and #schedule decides: a full batch goes straight on (group commit under
  // load), a partial one waits for the flush interval like the first record did, so a trickle of
  // requests is not one commit (and one fsync) each: at 200 single-alert requests/s that was
  // 200 commits/s competing with serving. flush() and close() set #urgent: drain all, no waiting.
  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#abandoned) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#inFlight = batch.length;
      this.#writeStartedAt = performance.now();
      const ok = await this.#writeWithRetry(batch);
      this.#writeStartedAt = undefined;
      this.#inFlight = 0;
      if (!ok) return;
      for (const { ticket } of batch) {
        ticket.remaining -= 1;
        if (ticket.remaining === 0) ticket.resolve();
      }
      // With no wait for company, what queued during this commit is the next batch, at once.
      if (!this.#urgent && this.#flushIntervalMs > 0) return;
    }
    this.#urgent = false;
  }

  async #writeWithRetry(batch: Item[]): Promise<boolean> {
    for (let attempt = 1; !this.#abandoned; attempt += 1) {
      try {
        await this.#writeIsolating(batch);
        this.#stats.written += batch.length;
        if (!this.#healthy) this.#logger.info({ batchSize: batch.length, attempt }, 'decision store writes recovered');
        this.#healthy = true;
        this.#stats.lastError = undefined;
        return true;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const retryInMs = Math.min(this.#retryDelayMs * 2 ** (attempt - 1), this.#maxRetryDelayMs);
        this.#healthy = false;
        this.#stats.failedBatches += 1;
        this.#stats.lastError = message;
        this.#logger.error(
          { err: error, batchSize: batch.length, attempt, retryInMs, pending: this.pending },
          'decision batch write failed; will retry',
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, retryInMs);
          this.#wakeRetry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wakeRetry = undefined;
      }
    }
    // Abandoned by close({ timeoutMs }): the waiters of this batch learn it was not written.
    for (const { ticket } of batch) ticket.reject(this.#abandonError ?? new WriterClosedError('decision writer abandoned'));
    return false;
  }

  /**
   * Writes the batch's items not yet done, quarantining those the store refuses; throws only when
   * the store itself failed (the caller then retries the batch, and only what is not done is sent).
   * A batch refused because of a record is split in halves until the record is alone: ~2·log2(n)
   * extra transactions for one bad record among n, paid only when it happens.
   */
  async #writeIsolating(batch: readonly Item[]): Promise<void> {
    const items = batch.some((item) => item.done) ? batch.filter((item) => !item.done) : batch;
    const invalid = items.filter((item) => item.record === undefined);
    if (invalid.length > 0) await this.#quarantine(invalid, invalid.map((item) => item.invalid!));
    const valid = invalid.length === 0 ? items : items.filter((item) => item.record !== undefined);
    if (valid.length === 0) return;
    try {
      await this.#store.writeDecisions(valid.map((item) => item.record!));
      for (const item of valid) item.done = true;
    } catch (error) {
      if (!isRecordError(error)) throw error;
      if (valid.length === 1) {
        await this.#quarantine(valid, [{ record: valid[0].record, reason: (error as Error).message }]);
        return;
      }
      const half = valid.length >> 1;
      await this.#writeIsolating(valid.slice(0, half));
      await this.#writeIsolating(valid.slice(half));
    }
  }

  async #quarantine(items: readonly Item[], records: QuarantinedRecord[]): Promise<void> {
    await this.#store.quarantineDecisions(records);
    for (const item of items) item.done = true;
    this.#stats.quarantined += records.length;
    for (const { record, reason } of records) {
      const alertId = (record as { alertId?: unknown } | null)?.alertId;
      this.#logger.error({ alertId: typeof alertId === 'string' ? JSON.stringify(alertId) : undefined, reason }, 'decision record quarantined: the store refused it');
    }
  }

  #abandon(error: Error): void {
    this.#abandoned = true;
    this.#abandonError = error;
    this.#wakeRetry?.();
    for (const { ticket } of this.#queue.splice(0)) ticket.reject(error);
  }
}

/** Each record parsed, or (when it is invalid) what to quarantine in its place; the batch as one when all are valid. */
function validated(records: readonly DecisionRecordInput[]): Omit<Item, 'ticket'>[] {
  try {
    return parseDecisionRecords(records).map((record) => ({ record }));
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
  }
  return records.map((input) => {
    const parsed = DecisionRecordSchema.safeParse(input);
    if (parsed.success) return { record: parsed.data };
    const issue = parsed.error.issues[0];
    return { record: undefined, invalid: { record: input, reason: `invalid decision record: ${issue.path.join('.') || '(record)'}: ${issue.message}` } };
  });
}

// Marks a promise as handled so a caller that ignores it cannot crash the process with an
// unhandled rejection; callers that await it still see the rejection.
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
