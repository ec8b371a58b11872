/**
 * @module `winnow consume`'s loop: pull a batch from a durable JetStream consumer, answer what is
 * already on record, score the rest through `ScoringService.score` (the same path as
 * `POST /v1/score`), publish one result per alert, and ack each message only after its decision
 * records are committed. Several processes on the same durable consumer share the work.
 *
 * Nothing is lost and nothing decided twice:
 * - a message is acked only after its records are committed and its results published; a crash
 *   before the ack means redelivery, and the redelivered alerts are answered from their records
 *   (batch-plan.ts);
 * - while a batch waits for its commit, its messages are kept in progress (`working()`), so the
 *   server does not hand them to another consumer that would score them a second time;
 * - when the store refuses or is slow (`store_backlog`, `record_unavailable`, a failed lookup),
 *   pulling stops: the batch's queued records are awaited, its messages are nak'ed (they come back
 *   and replay from the store), and pulling resumes with a backoff once the store answers again;
 * - a message that can never be scored is published to the dead-letter subject with the reason,
 *   then acked, so it neither blocks the stream nor disappears.
 *
 * Residual risk, stated: two copies of the same alert id in flight at once in two processes (an
 * upstream that publishes an alert twice at the same instant) can each be scored. Publishers avoid
 * it with a JetStream message id (`winnow publish` sets one), which the stream deduplicates.
 */
import type { Consumer, JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { AlertLimits } from '../serving/alert-schema.ts';
import type { ScoringService } from '../serving/scoring-service.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import { withDeadline } from '../serving/deadline.ts';
import { type AnswerSource, type BatchMessage, messageResults, planScoring, recordKeys } from './batch-plan.ts';
import { parseIntakeMessage } from './intake-message.ts';
import type { IntakeMetrics } from './intake-metrics.ts';

/** Publishes one message; resolves when it is stored (JetStream) or handed to the connection (core NATS). */
export type Publish = (subject: string, data: Uint8Array, headers: MsgHdrs, msgId?: string) => Promise<void>;

export interface IntakeLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface IntakeOptions {
  consumer: Consumer;
  stream: string;
  scoring: ScoringService;
  store: Pick<DecisionStore, 'getDecisions'>;
  /** The commit of a score call's records, by request id, while it is pending (see `commitTracker`). */
  commitOf(requestId: string): Promise<void> | undefined;
  /** True while the decision writer can take more (not failing, not over its backlog). */
  storeReady(): boolean;
  limits: AlertLimits;
  resultsSubject: string;
  deadLetterSubject: string;
  publish: Publish;
  /** Most messages per pull. */
  batchSize: number;
  /** Pulls in flight at once in this process (each a batch). */
  concurrency: number;
  /** The consumer's ack wait (ms): messages held longer are kept alive with `working()`. */
  ackWaitMs: number;
  /** Deadline for the redelivery lookup (ms); past it the store counts as down. */
  lookupTimeoutMs: number;
  logger: IntakeLogger;
  metrics: IntakeMetrics;
}

/** A batch the store could not take: hold back, then pull again. */
class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
}

const encoder = new TextEncoder();
const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;

export class JetStreamIntake {
  #stopping = false;
  #pausedUntil = 0;
  #backoffMs = MIN_BACKOFF_MS;
  #batches = 0;
  /** Record keys being answered by a batch of this process right now. */
  readonly #inFlight = new Set<string>();
  /** Delivered messages no batch has taken yet. */
  #queue: JsMsg[] = [];
  #waiting: (() => void)[] = [];
  #pull: { stop(): void } | undefined;
  #running: Promise<void> | undefined;

  constructor(private readonly o: IntakeOptions) {}

  /** Whether pulling is held back because the store could not take the last batch. */
  get paused(): boolean {
    return Date.now() < this.#pausedUntil || !this.o.storeReady();
  }

  /**
   * Start pulling; resolves when `stop()` has let every batch finish. One pull streams messages in
   * (up to `batchSize × concurrency` outstanding), and each of `concurrency` workers takes what has
   * arrived, up to `batchSize`, as its next batch: under load batches fill up, and a lone alert
   * does not wait for company.
   */
  run(): Promise<void> {
    // Delivered messages waiting for a worker count against the ack wait too: keep them ours, or
    // the server would hand them to another consumer that would decide them a second time.
    const keepAlive = setInterval(() => { for (const m of this.#queue) m.working(); }, Math.max(500, this.o.ackWaitMs / 3));
    const workers = Array.from({ length: this.o.concurrency }, () => this.#work());
    this.#running = Promise.all([this.#pump(), ...workers]).then(() => {}).finally(() => clearInterval(keepAlive));
    return this.#running;
  }

  /** Stop pulling; in-flight batches finish (scored, committed, published, acked); undelivered ones go back at once. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#pull?.stop();
    this.#wakeAll();
    await this.#running;
  }

  async #pump(): Promise<void> {
    while (!this.#stopping) {
      if (this.paused) {
        this.o.metrics.paused.set(1);
        await sleep(100);
        continue;
      }
      this.o.metrics.paused.set(0);
      try {
        const messages = await this.o.consumer.consume({ max_messages: this.o.batchSize });
        this.#pull = messages;
        for await (const m of messages) {
          this.#queue.push(m);
          this.#wakeAll();
          // Enough for every worker's next batch: the rest stays on the server, free for other consumers.
          while (this.#queue.length >= this.o.batchSize * this.o.concurrency && !this.#stopping && !this.paused) await sleep(2);
          // Hold back: what is delivered and not taken goes back now, rather than after the ack wait.
          if (this.#stopping || this.paused) break;
        }
        messages.stop();
      } catch (err) {
        if (this.#stopping) break;
        this.o.logger.warn({ err: (err as Error).message }, 'pull failed; retrying');
        await sleep(500);
      } finally {
        this.#pull = undefined;
      }
      if (this.paused || this.#stopping) this.#returnQueued(this.#stopping ? 0 : this.#backoffMs);
    }
  }

  #wakeAll(): void {
    for (const wake of this.#waiting.splice(0)) wake();
  }

  #returnQueued(delayMs: number): void {
    const queued = this.#queue.splice(0);
    for (const m of queued) m.nak(delayMs);
    if (queued.length > 0) this.o.metrics.messages.inc({ outcome: 'retried' }, queued.length);
  }

  async #work(): Promise<void> {
    while (!this.#stopping) {
      if (this.#queue.length === 0 || this.paused) {
        await new Promise<void>((resolve) => {
          this.#waiting.push(resolve);
          setTimeout(resolve, 100);
        });
        continue;
      }
      const messages = this.#queue.splice(0, this.o.batchSize);
      const start = performance.now();
      try {
        await this.#handle(messages);
        this.#backoffMs = MIN_BACKOFF_MS;
      } catch (err) {
        if (!(err instanceof StoreUnavailable)) this.o.logger.error({ err: (err as Error).message }, 'batch failed; its messages will be redelivered');
        else this.o.logger.warn({ err: err.message, messages: messages.length, retryInMs: this.#backoffMs }, 'store unavailable: intake paused, batch returned for redelivery');
        this.#pausedUntil = Date.now() + this.#backoffMs;
        for (const m of messages) m.nak(this.#backoffMs);
        this.#returnQueued(this.#backoffMs);
        this.#backoffMs = Math.min(MAX_BACKOFF_MS, this.#backoffMs * 2);
        this.o.metrics.messages.inc({ outcome: 'retried' }, messages.length);
      }
      this.o.metrics.batchSeconds.observe((performance.now() - start) / 1000);
    }
    // Stopping: whatever no batch took goes back to the stream for the other consumers.
    this.#returnQueued(0);
  }

  async #handle(messages: JsMsg[]): Promise<void> {
    const o = this.o;
    const batchRequestId = `nats:${o.stream}:${messages[0].seq}+${messages.length}:${process.pid}:${++this.#batches}`;
    const parsed: BatchMessage[] = [];
    const held: JsMsg[] = [];
    const poison: { msg: JsMsg; reason: string }[] = [];
    for (const msg of messages) {
      const p = parseIntakeMessage(msg.data, o.limits);
      if (p.ok) {
        parsed.push({ seq: msg.seq, alerts: p.alerts, explain: p.explain });
        held.push(msg);
      } else poison.push({ msg, reason: p.reason });
    }
    await Promise.all(poison.map(({ msg, reason }) => this.#deadLetter(msg, reason)));
    if (parsed.length === 0) return;

    // A key another batch of this process is answering right now: let that one finish first.
    let keys = recordKeys(parsed, o.stream);
    const busy = new Set<number>();
    keys.forEach((ks, i) => { if (ks.some((k) => this.#inFlight.has(k))) busy.add(i); });
    if (busy.size > 0) {
      for (const i of busy) held[i].nak(50);
      const keep = (_: unknown, i: number) => !busy.has(i);
      parsed.splice(0, parsed.length, ...parsed.filter(keep));
      held.splice(0, held.length, ...held.filter(keep));
      keys = keys.filter(keep);
      if (parsed.length === 0) return;
    }
    const claimed = [...new Set(keys.flat())];
    for (const k of claimed) this.#inFlight.add(k);
    const keepAlive = setInterval(() => { for (const m of held) m.working(); }, Math.max(500, o.ackWaitMs / 3));
    try {
      const answers = new Map<string, AnswerSource>();
      const recorded = await withDeadline(o.store.getDecisions(claimed), o.lookupTimeoutMs, 'decision lookup').catch((err: Error) => {
        throw new StoreUnavailable(err.message);
      });
      for (const record of recorded) answers.set(record.alertId, { record });
      const calls = planScoring(parsed, keys, new Set(answers.keys()), o.stream, batchRequestId);
      for (const call of calls) {
        const outcome = await o.scoring.score(call.items, { requestId: call.requestId, explain: call.explain });
        if (!outcome.ok) {
          // record_unavailable: this call's records are queued and will still be written. Its
          // messages must not come back before they are, or a redelivery would score them again.
          await this.#settled(call.requestId);
          throw new StoreUnavailable(`${outcome.code}: ${outcome.message}`);
        }
        outcome.results.forEach((r, i) => {
          const { message, item } = call.slots[i];
          answers.set(keys[message][item], { result: r });
        });
      }
      let replayed = 0;
      for (const source of answers.values()) if ('record' in source) replayed++;
      await Promise.all(parsed.map((m, i) => this.#publishResults(held[i], m, keys[i], answers)));
      for (const msg of held) msg.ack();
      o.metrics.messages.inc({ outcome: 'scored' }, held.length);
      o.metrics.alerts.inc({ outcome: 'replayed' }, replayed);
      o.metrics.alerts.inc({ outcome: 'scored' }, answers.size - replayed);
    } finally {
      clearInterval(keepAlive);
      for (const k of claimed) this.#inFlight.delete(k);
    }
  }

  /** Wait (however long the store takes) for a refused call's queued records to be written or given up. */
  async #settled(requestId: string): Promise<void> {
    const commit = this.o.commitOf(requestId);
    if (commit) await commit.catch(() => {});
  }

  async #publishResults(msg: JsMsg, m: BatchMessage, keys: readonly string[], answers: ReadonlyMap<string, AnswerSource>): Promise<void> {
    const results = messageResults(m, keys, answers);
    await Promise.all(results.map((r, i) => {
      const h = natsHeaders();
      h.set('Winnow-Source-Seq', String(msg.seq));
      if ('record' in answers.get(keys[i])!) h.set('Winnow-Replayed', 'true');
      // The stream holding results (if any) drops a republished result within its duplicate window.
      return this.o.publish(this.o.resultsSubject, encoder.encode(JSON.stringify(r)), h, `winnow:${keys[i]}`);
    }));
  }

  async #deadLetter(msg: JsMsg, reason: string): Promise<void> {
    const h = natsHeaders();
    // Header values are one line: the reason's own line breaks (a JSON parser's message) become spaces.
    h.set('Winnow-Dead-Letter-Reason', reason.replace(/[\r\n]+/g, ' ').slice(0, 1000));
    h.set('Winnow-Source-Subject', msg.subject);
    h.set('Winnow-Source-Stream', this.o.stream);
    h.set('Winnow-Source-Seq', String(msg.seq));
    // The payload exactly as received (it may not even be text), so it can be fixed and re-sent.
    await this.o.publish(this.o.deadLetterSubject, msg.data, h, `winnow-dead-letter:${this.o.stream}:${msg.seq}`);
    msg.ack();
    this.o.metrics.messages.inc({ outcome: 'dead_letter' });
    this.o.logger.warn({ seq: msg.seq, subject: msg.subject, reason }, 'message dead-lettered');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
