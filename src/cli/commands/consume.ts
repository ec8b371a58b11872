/** @module `winnow consume`: score alerts from a NATS JetStream stream, publish the results, ack after commit. */
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import { DEFAULT_LIMITS } from '../../serving/alert-schema.ts';
import { withDeadline } from '../../serving/deadline.ts';
import { ScoringService } from '../../serving/scoring-service.ts';
import { JetStreamIntake } from '../../intake/jetstream-intake.ts';
import { IntakeMetrics } from '../../intake/intake-metrics.ts';
import { ensureIntake, publisherFor } from '../../intake/nats-setup.ts';
import { type Command, integer, parseFlags } from '../args.ts';
import { RUNTIME_FLAGS, runtimeOptions, startServiceRuntime } from '../service-runtime.ts';

const usage = `Usage: winnow consume [options]

Score alerts from a NATS JetStream stream through the same scoring, policy, experiment and record
path as POST /v1/score, and publish one result per alert. A message holds one alert object or
{"alerts":[…]} (the /v1/score body). Each message is acked only after its decision records are
committed; a redelivered alert (same id) is answered from its record, never decided twice. A
message that can never be scored (not JSON, no alerts) goes to the dead-letter subject, as
received, with the reason in its Winnow-Dead-Letter-Reason header, and is acked. While the store
is down or slow, pulling stops and the batch is redelivered later: nothing is lost.
Run several: they share the durable consumer's work. Every option can also come from the
environment variable shown.

Options:
  --server URL         NATS server (WINNOW_NATS_URL, default nats://127.0.0.1:4222)
  --stream NAME        stream holding the alerts, created over --subject when it does not
                       exist (WINNOW_NATS_STREAM, default WINNOW_ALERTS)
  --subject SUBJECT    subject the alerts are published on (WINNOW_NATS_SUBJECT, default winnow.alerts)
  --durable NAME       durable pull consumer shared by every winnow consume (created when absent;
                       WINNOW_NATS_DURABLE, default winnow)
  --results-subject S  where each alert's result goes, the shape of one /v1/score result
                       (WINNOW_NATS_RESULTS, default winnow.results). When a stream captures S,
                       results are published through JetStream and stored before the alert is acked
  --dead-letter-subject S
                       where poison messages go (WINNOW_NATS_DEAD_LETTER, default winnow.dead-letter)
  --batch N            most messages per pull, scored as one batch (WINNOW_NATS_BATCH, default 256)
  --concurrency N      batches in flight at once: they share the store's commits (WINNOW_NATS_CONCURRENCY, default 4)
  --ack-wait-ms MS     the consumer's ack wait when this creates it; batches held longer (a slow
                       store) are kept in progress (WINNOW_NATS_ACK_WAIT_MS, default 30000)
  --metrics-port PORT  serve Prometheus metrics at http://HOST:PORT/metrics, and /healthz
                       (WINNOW_METRICS_PORT; 0 picks a free port; default: no metrics server)
  --metrics-host HOST  interface for the metrics server (WINNOW_METRICS_HOST, default 127.0.0.1)
  --shutdown-timeout S on SIGTERM or SIGINT: stop pulling, finish the batches in flight (at most S
                       seconds; unfinished ones are redelivered), then flush the decision records
                       for S seconds more and drain the connection (WINNOW_SHUTDOWN_TIMEOUT, default 10)
  --models DIR, --model NAME/VER, --policy FILE, --never-suppress IDS, --data-dir DIR,
  --database URL, --record-timeout-ms MS, --max-pending-records N, --reason-codes N,
  --explain-budget-ms MS, --positive LIST, --poll-activations-ms MS, --guardrail-check-ms MS
                       as for 'winnow serve' (same variables and defaults): the same model, policy,
                       store, experiments and back-pressure. Records are always durable here.

Example:
  winnow generate --rows 1000 --seed 7 --out data/alerts.jsonl
  winnow consume --metrics-port 9464 &
  winnow publish --data data/alerts.jsonl --results 5`;

export const consumeCommand: Command = {
  name: 'consume',
  summary: 'score alerts from a NATS JetStream stream and publish the results (ack after commit)',
  usage,
  async run(argv) {
    const v = parseFlags(argv, {
      server: { type: 'string' }, stream: { type: 'string' }, subject: { type: 'string' }, durable: { type: 'string' },
      'results-subject': { type: 'string' }, 'dead-letter-subject': { type: 'string' }, batch: { type: 'string' }, concurrency: { type: 'string' },
      'ack-wait-ms': { type: 'string' }, 'metrics-port': { type: 'string' }, 'metrics-host': { type: 'string' }, 'shutdown-timeout': { type: 'string' },
      ...RUNTIME_FLAGS,
    });
    const env = process.env;
    const server = v.server ?? env.WINNOW_NATS_URL ?? 'nats://127.0.0.1:4222';
    const stream = v.stream ?? env.WINNOW_NATS_STREAM ?? 'WINNOW_ALERTS';
    const subject = v.subject ?? env.WINNOW_NATS_SUBJECT ?? 'winnow.alerts';
    const durable = v.durable ?? env.WINNOW_NATS_DURABLE ?? 'winnow';
    const resultsSubject = v['results-subject'] ?? env.WINNOW_NATS_RESULTS ?? 'winnow.results';
    const deadLetterSubject = v['dead-letter-subject'] ?? env.WINNOW_NATS_DEAD_LETTER ?? 'winnow.dead-letter';
    const batchSize = integer({ batch: v.batch ?? env.WINNOW_NATS_BATCH }, 'batch', 256, 1);
    const concurrency = integer({ concurrency: v.concurrency ?? env.WINNOW_NATS_CONCURRENCY }, 'concurrency', 4, 1);
    const ackWaitMs = integer({ 'ack-wait-ms': v['ack-wait-ms'] ?? env.WINNOW_NATS_ACK_WAIT_MS }, 'ack-wait-ms', 30_000, 1000);
    const metricsPortText = v['metrics-port'] ?? env.WINNOW_METRICS_PORT;
    const metricsPort = metricsPortText === undefined ? undefined : integer({ 'metrics-port': metricsPortText }, 'metrics-port', 0);
    const metricsHost = v['metrics-host'] ?? env.WINNOW_METRICS_HOST ?? '127.0.0.1';
    const shutdownMs = 1000 * integer({ 'shutdown-timeout': v['shutdown-timeout'] ?? env.WINNOW_SHUTDOWN_TIMEOUT }, 'shutdown-timeout', 10, 1);
    // Ack after commit is the point of this command: there is no write-behind mode.
    const options = await runtimeOptions(v, env, 'durable');
    const logger = pino({ name: 'winnow', level: env.WINNOW_LOG_LEVEL ?? 'info' }, pino.destination(2));

    const nc = await connect({ servers: server, name: `winnow consume ${hostname()}:${process.pid}`, maxReconnectAttempts: -1 }).catch((err: Error) => {
      throw new Error(`cannot connect to NATS at ${server}: ${err.message} (is nats-server running with -js?)`);
    });
    const runtime = await startServiceRuntime(options, logger, `consume@${hostname()}:${process.pid}`).catch(async (err: Error) => { await nc.close(); throw err; });
    const { registry, store, writer, metrics } = runtime;
    // The commit of each score call, so a batch refused with record_unavailable can wait for its
    // records (still queued) before its messages go back: see jetstream-intake.ts.
    const commits = new Map<string, Promise<void>>();
    const scoring = new ScoringService({
      ...runtime.scoring, limits: DEFAULT_LIMITS,
      record: (results, model, requestId) => {
        const committed = runtime.scoring.record!(results, model, requestId);
        if (committed) {
          commits.set(requestId, committed);
          const forget = () => commits.delete(requestId);
          committed.then(forget, forget);
        }
        return committed;
      },
      observe: (results) => metrics.observeResults(results),
    });
    let intake: JetStreamIntake;
    let metricsServer: Server | undefined;
    try {
      const { js, jsm, created } = await ensureIntake(nc, { stream, subject, durable, ackWaitMs, maxAckPending: Math.max(1000, batchSize * concurrency * 4) });
      const info = await jsm.consumers.info(stream, durable);
      const results = await publisherFor(nc, js, jsm, resultsSubject);
      const deadLetters = await publisherFor(nc, js, jsm, deadLetterSubject);
      intake = new JetStreamIntake({
        consumer: await js.consumers.get(stream, durable), stream, scoring, store,
        commitOf: (requestId) => commits.get(requestId),
        storeReady: () => writer.healthy() && writer.pending < options.maxPending,
        limits: DEFAULT_LIMITS, resultsSubject, deadLetterSubject,
        publish: async (subj, data, headers, msgId) => (subj === resultsSubject ? results : deadLetters).publish(subj, data, headers, msgId),
        batchSize, concurrency, ackWaitMs: Math.round((info.config.ack_wait ?? ackWaitMs * 1_000_000) / 1_000_000), lookupTimeoutMs: options.recordTimeoutMs,
        logger, metrics: new IntakeMetrics(metrics.registry),
      });
      if (metricsPort !== undefined) metricsServer = await serveMetrics(metricsHost, metricsPort, () => metrics.registry.metrics(), metrics.registry.contentType, () => !intake.paused);
      const address = metricsServer?.address();
      logger.info({
        server, stream, subject, durable, resultsSubject: `${resultsSubject}${results.durable ? ' (JetStream)' : ' (core NATS)'}`,
        deadLetterSubject: `${deadLetterSubject}${deadLetters.durable ? ' (JetStream)' : ' (core NATS)'}`, created,
        model: `${registry.active.name}/${registry.active.version}`, store: store.kind,
        ...(address && typeof address === 'object' ? { metrics: `http://${metricsHost}:${address.port}/metrics` } : {}),
      }, 'winnow consuming');
    } catch (err) {
      await runtime.release(shutdownMs);
      await nc.close();
      throw err;
    }
    const running = intake.run();
    let unflushed = 0;
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) {
          logger.warn({ signal }, 'second signal: already stopping (batches in flight get the shutdown timeout, then the records are flushed)');
          return;
        }
        stopping = true;
        logger.info({ signal, timeoutS: shutdownMs / 1000 }, 'shutting down');
        unflushed = await runtime.release(shutdownMs, async () => {
          const finished = await withDeadline(intake.stop(), shutdownMs, 'batches in flight').then(() => true, () => false);
          if (!finished) logger.warn({ afterMs: shutdownMs }, 'shutdown timeout: batches still in flight are left unacked (they will be redelivered)');
        });
        await withDeadline(nc.drain(), shutdownMs, 'NATS drain').catch(() => nc.close());
        metricsServer?.close();
        resolve();
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
      void running.catch((err: Error) => { logger.error({ err: err.message }, 'intake stopped'); void stop('intake failure'); });
    });
    logger.info(unflushed > 0 ? { unflushedRecords: unflushed } : {}, 'stopped');
    // The hung store's thread would keep the process alive past its bounded stop.
    if (unflushed > 0) setTimeout(() => process.exit(1), 0).unref();
    return unflushed > 0 ? 1 : 0;
  },
};

/** A small HTTP server for Prometheus: /metrics, and /healthz (503 while intake is paused by the store). */
function serveMetrics(host: string, port: number, text: () => Promise<string>, contentType: string, healthy: () => boolean): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      text().then((body) => { res.writeHead(200, { 'content-type': contentType }).end(body); }, (err: Error) => { res.writeHead(500).end(err.message); });
    } else if (req.url === '/healthz') {
      const ok = healthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'paused' }));
    } else res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
