/** @module Write-behind batching of decision records: the request path enqueues, one loop commits. */
import { parseDecisionRecords } from './decision-record.ts';
import type { DecisionRecord, DecisionRecordInput } from './decision-record.ts';
import type { DecisionStore } from './decision-store.ts';

/** The pino-compatible slice of a logger the writer needs (declared here, where it is used). */
export interface WriterLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Options for `BatchingWriter`; every number has a default tuned for the scoring hot path. */
export interface BatchingWriterOptions {
  store: Pick<DecisionStore, 'writeDecisions'>;
  logger: WriterLogger;
  /** Most records per transaction. */
  maxBatch?: number;
  /** How long the first record of a quiet period may wait for company (ms). */
  flushIntervalMs?: number;
  /** First retry delay after a failed batch; doubles per failure up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

/** Counters for /metrics and logs. */
export interface WriterStats {
  /** Records durably written (duplicates of earlier writes included: they are durable too). */
  written: number;
  /** Batches whose transaction failed (each retry counts). */
  failedBatches: number;
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

interface Item {
  record: DecisionRecord;
  ticket: Ticket;
}

/** Thrown by `enqueue` after `close()`, and by `close()` when its timeout leaves records unwritten. */
export class WriterClosedError extends Error {
  override readonly name = 'WriterClosedError';
}

/**
 * Collects records from many requests and writes them in one transaction per batch, so the hot
 * path pays for validation only. A failed batch is retried with backoff, forever while the
 * process lives: it is counted, logged, and turns `healthy()` false (readiness → 503) until a
 * batch succeeds. Records are never dropped; `flush()`/`close()` drain them for shutdown.
 */
export class BatchingWriter {
  readonly #store: Pick<DecisionStore, 'writeDecisions'>;
  readonly #logger: WriterLogger;
  readonly #maxBatch: number;
  readonly #flushIntervalMs: number;
  readonly #retryDelayMs: number;
  readonly #maxRetryDelayMs: number;
  #queue: Item[] = [];
  #inFlight = 0;
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
  #stats = { written: 0, failedBatches: 0, lastError: undefined as string | undefined };

  constructor({
    store,
    logger,
    // Under load, a batch is whatever queued while the last one committed; a high cap lets it
    // grow, so each fsync (and its index pages) is shared by more records.
    maxBatch = 2_000,
    flushIntervalMs = 20,
    retryDelayMs = 100,
    maxRetryDelayMs = 5_000,
  }: BatchingWriterOptions) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be a positive integer, got ${maxBatch}`);
    this.#store = store;
    this.#logger = logger;
    this.#maxBatch = maxBatch;
    this.#flushIntervalMs = flushIntervalMs;
    this.#retryDelayMs = retryDelayMs;
    this.#maxRetryDelayMs = maxRetryDelayMs;
  }

  /**
   * Validates and queues records; the returned promise resolves once all of them are durable.
   * Await it to acknowledge only committed records, or ignore it (it never rejects unhandled).
   */
  enqueue(records: readonly DecisionRecordInput[]): Promise<void> {
    if (this.#closed) return handled(Promise.reject(new WriterClosedError('decision writer is closed')));
    // Validation happens here, synchronously: an invalid record in the queue would fail its
    // batch on every retry and block every record behind it.
    let parsed: DecisionRecord[];
    try {
      parsed = parseDecisionRecords(records);
    } catch (error) {
      return handled(Promise.reject(error));
    }
    if (parsed.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { remaining: parsed.length, resolve, reject };
      for (const record of parsed) this.#queue.push({ record, ticket });
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

  /** False from the first failed batch until a batch succeeds again; drives readiness. */
  healthy(): boolean {
    return this.#healthy;
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
    if (this.#queue.length >= this.#maxBatch) {
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
      const ok = await this.#writeWithRetry(batch);
      this.#inFlight = 0;
      if (!ok) return;
      for (const { ticket } of batch) {
        ticket.remaining -= 1;
        if (ticket.remaining === 0) ticket.resolve();
      }
      if (!this.#urgent) return;
    }
    this.#urgent = false;
  }

  async #writeWithRetry(batch: Item[]): Promise<boolean> {
    const records = batch.map((item) => item.record);
    for (let attempt = 1; !this.#abandoned; attempt += 1) {
      try {
        await this.#store.writeDecisions(records);
        this.#stats.written += records.length;
        if (!this.#healthy) this.#logger.info({ batchSize: records.length, attempt }, 'decision store writes recovered');
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
          { err: error, batchSize: records.length, attempt, retryInMs, pending: this.pending },
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

  #abandon(error: Error): void {
    this.#abandoned = true;
    this.#abandonError = error;
    this.#wakeRetry?.();
    for (const { ticket } of this.#queue.splice(0)) ticket.reject(error);
  }
}

// Marks a promise as handled so a caller that ignores it cannot crash the process with an
// unhandled rejection; callers that await it still see the rejection.
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
