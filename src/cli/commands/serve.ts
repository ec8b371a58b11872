/** @module `winnow serve`: the scoring service over the active bundle in a models folder. */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import pino from 'pino';
import { createApp } from '../../http/app.ts';
import { ServiceMetrics } from '../../http/metrics.ts';
import { DEFAULT_DRIFT_WINDOW, DriftMonitor } from '../../drift/drift-monitor.ts';
import { type ApiKey, apiKeysSchema } from '../../http/auth.ts';
import { withDeadline } from '../../serving/deadline.ts';
import { type RunningServer, startServer } from '../../http/server.ts';
import { parsePolicy } from '../../policy/index.ts';
import { MAX_REASON_CODES } from '../../explain/index.ts';
import { followActivations } from '../../registry/activation-follower.ts';
import { ExperimentFollower } from '../../registry/experiment-follower.ts';
import { experimentReport } from '../../pipeline/experiment-report.ts';
import { decisionRecords } from '../../serving/decision-records.ts';
import { policyForModels } from '../../serving/policy-decider.ts';
import { storeHistory } from '../../serving/store-history.ts';
import { BatchingWriter } from '../../store/batching-writer.ts';
import { openActivationLog } from '../../store/open-activation-log.ts';
import { openWorkerStore } from '../../store/worker-store.ts';
import { type Command, integer, list, oneOf, parseFlags, UsageError } from '../args.ts';
import { ACCESS_FLAGS, ACCESS_FLAGS_USAGE, accessOptions } from '../access-flags.ts';

const usage = `Usage: winnow serve [options]

Serve POST /v1/score (and /v1/models, /healthz, /readyz) over the active model bundle, and the
web console at / (overview, queue, alerts, thresholds, experiments, models).
Every option can also come from the environment variable shown.

Options:
  --host HOST          interface to listen on (WINNOW_HOST, default 127.0.0.1)
  --port PORT          port (WINNOW_PORT, default 8080)
  --models DIR         model bundles folder (WINNOW_MODELS, default models)
  --model NAME/VER     bundle to serve at start, whatever the activation log says (default: the
                       log's active model, else the latest version of "default")
  --poll-activations-ms MS
                       how often to read the store's activation log and follow 'winnow promote' /
                       'winnow rollback' (WINNOW_POLL_ACTIVATIONS_MS, default 2000)
                       (also how often running experiments are followed)
  --guardrail-check-ms MS
                       how often the running experiment's guardrail is checked: an arm whose
                       estimated missed-true-positive rate is confidently above its maxMissedRate is
                       stopped (WINNOW_GUARDRAIL_CHECK_MS, default 30000)
  --policy FILE        policy JSON (WINNOW_POLICY); default: the bundle's recommended thresholds
  --never-suppress IDS comma-separated rule ids never auto-closed by the default policy
                       (WINNOW_NEVER_SUPPRESS, default scr_sanctions)
  --data-dir DIR       where the embedded SQLite decision store lives (WINNOW_DATA_DIR, default data)
  --database URL       postgres://… to keep decisions in PostgreSQL instead (WINNOW_DATABASE_URL)
  --record MODE        when /v1/score answers (WINNOW_RECORD, default durable):
                       durable  after the request's decision records are committed (group
                                commit shares each transaction among concurrent requests); a 2xx
                                means every decision it returned is on record, across a crash
                       async    at once, with the records written behind the answer within ~20 ms;
                                a crash loses what was acknowledged but not yet written. Only for
                                deployments that accept that risk
  --record-timeout-ms MS
                       the store's deadline: /v1/score (durable mode) and /v1/feedback answer 503
                       with Retry-After when nothing is committed within MS (the store is down or
                       locked; decision records stay queued and are still written), and /readyz
                       answers 503 while a write has been waiting longer than that
                       (WINNOW_RECORD_TIMEOUT_MS, default 5000)
  --max-pending-records N
                       decision records held in memory while the store is slow or down; beyond
                       this /v1/score answers 503 with Retry-After (WINNOW_MAX_PENDING_RECORDS,
                       default 200000)
  --shutdown-timeout S on SIGTERM or SIGINT: stop accepting, finish what is in flight (answered
                       with Connection: close, so keep-alive clients go away), then flush the
                       decision records; connections still open after S seconds are closed, and
                       the flush gets S seconds more (WINNOW_SHUTDOWN_TIMEOUT, default 10). A
                       second signal closes every connection at once and still flushes
  --drift-window N     recent scored alerts per model version kept in memory for drift
                       (GET /v1/models/NAME/VER/drift, winnow_drift_psi; default 10000)
  --reason-codes N     give every scored alert its N reason codes (largest TreeSHAP contributions
                       to the log-odds) unless the request says otherwise with "explain": N
                       (WINNOW_REASON_CODES, default 0; about 1.5 ms per alert for 300 trees)
  --explain-budget-ms MS
                       wall-clock time one request's reason codes may take, riskiest alert
                       first; alerts not explained by then keep their score and decision and get
                       reasonsUnavailable (WINNOW_EXPLAIN_BUDGET_MS, default 2000)
  --positive LIST      dispositions counted as true risk in entity-history features; must match
                       'winnow export --positive' (WINNOW_POSITIVE, default true_positive,sar_filed)
  --api-keys FILE      JSON list of {name, sha256, scopes} (WINNOW_API_KEYS); see 'winnow api-key'.
                       Without keys the service accepts every request, so it refuses to listen
                       on anything but loopback.
${ACCESS_FLAGS_USAGE}

Example:
  winnow serve --port 8080
  curl -s localhost:8080/v1/score -H 'content-type: application/json' \\
    -d '{"alerts":[{"id":"A-1","ruleId":"tm_structuring","attributes":{"amount_usd":9500}}]}'`;

async function readJson(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`${what} ${path}: ${(err as Error).message}`);
  }
}

/** Loopback addresses, where no one but this machine can connect. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the scoring service (POST /v1/score) over the active model bundle',
  usage,
  async run(argv) {
    const v = parseFlags(argv, {
      host: { type: 'string' }, port: { type: 'string' }, models: { type: 'string' }, model: { type: 'string' },
      policy: { type: 'string' }, 'never-suppress': { type: 'string' }, 'api-keys': { type: 'string' },
      'data-dir': { type: 'string' }, database: { type: 'string' }, 'max-pending-records': { type: 'string' },
      record: { type: 'string' }, 'record-timeout-ms': { type: 'string' }, 'drift-window': { type: 'string' }, positive: { type: 'string' },
      'poll-activations-ms': { type: 'string' }, 'guardrail-check-ms': { type: 'string' }, 'reason-codes': { type: 'string' }, ...ACCESS_FLAGS,
      'explain-budget-ms': { type: 'string' },
      'shutdown-timeout': { type: 'string' },
    });
    const env = process.env;
    const host = v.host ?? env.WINNOW_HOST ?? '127.0.0.1';
    const port = integer({ port: v.port ?? env.WINNOW_PORT }, 'port', 8080);
    const maxPending = integer({ 'max-pending-records': v['max-pending-records'] ?? env.WINNOW_MAX_PENDING_RECORDS }, 'max-pending-records', 200_000, 1);
    const recordMode = oneOf({ record: v.record ?? env.WINNOW_RECORD }, 'record', ['durable', 'async'] as const) ?? 'durable';
    const recordTimeoutMs = integer({ 'record-timeout-ms': v['record-timeout-ms'] ?? env.WINNOW_RECORD_TIMEOUT_MS }, 'record-timeout-ms', 5000, 1);
    const shutdownMs = 1000 * integer({ 'shutdown-timeout': v['shutdown-timeout'] ?? env.WINNOW_SHUTDOWN_TIMEOUT }, 'shutdown-timeout', 10, 1);
    const reasonCodes = integer({ 'reason-codes': v['reason-codes'] ?? env.WINNOW_REASON_CODES }, 'reason-codes', 0);
    const explainBudgetMs = integer({ 'explain-budget-ms': v['explain-budget-ms'] ?? env.WINNOW_EXPLAIN_BUDGET_MS }, 'explain-budget-ms', 2000, 1);
    if (reasonCodes > MAX_REASON_CODES) throw new UsageError(`--reason-codes must be at most ${MAX_REASON_CODES}, got ${reasonCodes}`);
    const guardrailMs = integer({ 'guardrail-check-ms': v['guardrail-check-ms'] ?? env.WINNOW_GUARDRAIL_CHECK_MS }, 'guardrail-check-ms', 30_000, 100);
    const pollActivationsMs = integer({ 'poll-activations-ms': v['poll-activations-ms'] ?? env.WINNOW_POLL_ACTIVATIONS_MS }, 'poll-activations-ms', 2000, 50);
    const keysPath = v['api-keys'] ?? env.WINNOW_API_KEYS;
    let apiKeys: ApiKey[] = [];
    if (keysPath) {
      const parsed = apiKeysSchema.safeParse(await readJson(keysPath, 'API keys'));
      if (!parsed.success) throw new Error(`API keys ${keysPath}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
      apiKeys = parsed.data;
    }
    if (apiKeys.length === 0 && !isLoopback(host)) {
      throw new UsageError(`refusing to listen on ${host} without API keys: anyone who can reach it could score and activate models (give --api-keys, or use a loopback host)`);
    }
    const access = accessOptions(v, host, env);
    const policyPath = v.policy ?? env.WINNOW_POLICY;
    const policy = policyPath ? parsePolicy(await readJson(policyPath, 'policy'), policyPath) : undefined;
    const positive = list({ p: v.positive ?? env.WINNOW_POSITIVE ?? 'true_positive,sar_filed' }, 'p');
    const neverSuppress = list({ n: v['never-suppress'] ?? env.WINNOW_NEVER_SUPPRESS ?? 'scr_sanctions' }, 'n');
    // Structured JSON logs on stderr; stdout stays free for anything a wrapper may want to parse.
    const logger = pino({ name: 'winnow', level: env.WINNOW_LOG_LEVEL ?? 'info' }, pino.destination(2));
    const log = (msg: string, extra: object = {}) => logger.info(extra, msg);
    const database = v.database ?? env.WINNOW_DATABASE_URL;
    const dataDir = v['data-dir'] ?? env.WINNOW_DATA_DIR ?? 'data';
    if (!database) await mkdir(dataDir, { recursive: true });
    // Which model serves is the store's activation log's call, so every replica agrees (see activation-follower.ts).
    const activations = await openActivationLog(database ?? join(dataDir, 'winnow.db'));
    const { registry, follower } = await followActivations({
      modelsDir: v.models ?? env.WINNOW_MODELS ?? 'models', pinned: v.model, log: activations, logger, actor: `serve@${hostname()}:${process.pid}`,
      intervalMs: pollActivationsMs,
    }).catch(async (err: Error) => { await activations.close(); throw err; });
    // The store runs in its own thread: SQLite commits (fsync) and record mapping stay off the serving loop.
    const store = await openWorkerStore(database ?? join(dataDir, 'winnow.db'));
    await store.init();
    // Durable: commit at once, and group what arrives during a commit (each request waits for its
    // own). Async: wait up to 20 ms for company, since nobody waits for the commit.
    // A write that has not committed within the record deadline turns /readyz 503, as a failed one does.
    const writer = new BatchingWriter({ store, logger, flushIntervalMs: recordMode === 'durable' ? 0 : 20, stallMs: recordTimeoutMs });
    // Experiments live in the store like activations: every replica polls and follows the running one.
    const experiments = new ExperimentFollower({
      store, modelsDir: v.models ?? env.WINNOW_MODELS ?? 'models', intervalMs: pollActivationsMs, logger,
      base: { neverSuppress: [...new Set([...neverSuppress, ...(policy?.neverSuppress ?? [])])], belowTheLineSampleRate: policy?.belowTheLineSampleRate },
    });
    await experiments.start();
    const guardrails = setInterval(() => void checkGuardrails(), guardrailMs);
    guardrails.unref();
    async function checkGuardrails() {
      const id = experiments.current()?.state.id;
      if (!id) return;
      try {
        const { stopped } = await experimentReport({ store, id, positive });
        for (const s of stopped) logger.warn({ experiment: id, arm: s.arm, reason: s.reason }, 'guardrail stopped an experiment arm');
        if (stopped.length > 0) await experiments.poll();
      } catch (err) {
        logger.error({ err: (err as Error).message, experiment: id }, 'guardrail check failed');
      }
    }
    const metrics = new ServiceMetrics();
    metrics.watchStore(() => writer.stats());
    const app = createApp({
      ...access,
      drift: new DriftMonitor(integer(v, 'drift-window', DEFAULT_DRIFT_WINDOW, 1)),
      metrics, log: (line) => logger.info(line, 'request'), reasonCodes, explainBudgetMs,
      registry, policyFor: policyForModels({ policy, neverSuppress }), apiKeys, decisions: store, feedback: store, console: { store, positive, policy: { policy, neverSuppress } }, history: storeHistory(store, positive),
      activations, modelFallback: () => follower.fallback,
      experiments: { current: () => experiments.current(), routes: { store, positive, prepare: (d) => experiments.prepare(d), onChange: () => experiments.poll() } },
      storeHealthy: () => writer.healthy(), recordTimeoutMs,
      recordBacklogFull: () => writer.pending >= maxPending,
      record: (results, model, requestId) => {
        const committed = writer.enqueue(decisionRecords(results, model, requestId));
        if (recordMode === 'durable') return committed;
        // Async: written behind the response; failures show in /readyz, /metrics and the log.
        committed.catch((err: Error) => logger.error({ err }, 'decision record not written'));
      },
    });
    // The followers, the store's thread and the models keep the process alive: a failed listen must
    // release them, or the command would print its error and then hang, serving nothing.
    // Each step is bounded, so a hung store cannot keep a stopping process alive: the records a
    // flush could not write are counted in the log, and the exit code says so.
    let unflushed = 0;
    const release = async (server?: RunningServer) => {
      await follower.stop();
      clearInterval(guardrails);
      if (server) {
        const drained = await server.drain(shutdownMs);
        if (drained.forced > 0) logger.warn({ connections: drained.forced, afterMs: Math.round(drained.ms) }, 'shutdown timeout: closed connections still open');
      }
      const flushed = await withDeadline(writer.close(), shutdownMs, 'decision records').then(() => true, () => false);
      if (!flushed) {
        unflushed = writer.pending;
        logger.error({ records: unflushed, afterMs: shutdownMs }, 'shutdown timeout: decision records not flushed (the store did not commit them)');
        return;
      }
      await experiments.stop();
      await withDeadline(store.close(), shutdownMs, 'store close').catch(() => {});
      await registry.close();
      await activations.close();
    };
    let server: RunningServer;
    try {
      server = await startServer(app, host, port);
    } catch (err) {
      await release();
      throw listenError(err as NodeJS.ErrnoException, host, port);
    }
    log('winnow serving', { url: server.url, model: `${registry.active.name}/${registry.active.version}`, store: store.kind, record: recordMode, auth: apiKeys.length > 0 ? `${apiKeys.length} API keys` : 'none (loopback only)' });
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) {
          // Not the default action (exit at once): what was acknowledged still gets flushed.
          logger.warn({ signal }, 'second signal: closing every connection now; still flushing decision records');
          server.closeAll();
          return;
        }
        stopping = true;
        log('shutting down', { signal, timeoutS: shutdownMs / 1000 });
        await release(server);
        resolve();
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
    });
    log('stopped', unflushed > 0 ? { unflushedRecords: unflushed } : {});
    // The hung store's thread would keep the process alive past its bounded stop.
    if (unflushed > 0) setTimeout(() => process.exit(1), 0).unref();
    return unflushed > 0 ? 1 : 0;
  },
};

/** What a user can do about a failed listen, for the two failures that have a usual cause. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code === 'EADDRINUSE') return new Error(`cannot listen on ${host}:${port}: the port is in use (another winnow serve?); choose another with --port or WINNOW_PORT`);
  if (err.code === 'EACCES') return new Error(`cannot listen on ${host}:${port}: permission denied (ports below 1024 need privileges); choose another with --port`);
  return err;
}
