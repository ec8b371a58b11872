/** @module `winnow serve`: the scoring service over the active bundle in a models folder. */
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import pino from 'pino';
import { createApp } from '../../http/app.ts';
import { DEFAULT_DRIFT_WINDOW, DriftMonitor } from '../../drift/drift-monitor.ts';
import { type ApiKey, apiKeysSchema } from '../../http/auth.ts';
import { type RunningServer, startServer } from '../../http/server.ts';
import { type Command, integer, oneOf, parseFlags, UsageError } from '../args.ts';
import { ACCESS_FLAGS, ACCESS_FLAGS_USAGE, accessOptions } from '../access-flags.ts';
import { ADAPTER_FLAGS, ADAPTER_FLAGS_USAGE, adapterOptions } from '../adapter-flags.ts';
import { readJson, RUNTIME_FLAGS, runtimeOptions, startServiceRuntime } from '../service-runtime.ts';

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
${ADAPTER_FLAGS_USAGE}
${ACCESS_FLAGS_USAGE}

Example:
  winnow serve --port 8080
  curl -s localhost:8080/v1/score -H 'content-type: application/json' \\
    -d '{"alerts":[{"id":"A-1","ruleId":"tm_structuring","attributes":{"amount_usd":9500}}]}'`;

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
      host: { type: 'string' }, port: { type: 'string' }, 'api-keys': { type: 'string' }, record: { type: 'string' }, 'drift-window': { type: 'string' },
      ...RUNTIME_FLAGS, ...ACCESS_FLAGS, ...ADAPTER_FLAGS, 'shutdown-timeout': { type: 'string' },
    });
    const env = process.env;
    const host = v.host ?? env.WINNOW_HOST ?? '127.0.0.1';
    const port = integer({ port: v.port ?? env.WINNOW_PORT }, 'port', 8080);
    const recordMode = oneOf({ record: v.record ?? env.WINNOW_RECORD }, 'record', ['durable', 'async'] as const) ?? 'durable';
    const shutdownMs = 1000 * integer({ 'shutdown-timeout': v['shutdown-timeout'] ?? env.WINNOW_SHUTDOWN_TIMEOUT }, 'shutdown-timeout', 10, 1);
    const options = await runtimeOptions(v, env, recordMode);
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
    const adapters = await adapterOptions(v, env);
    // Structured JSON logs on stderr; stdout stays free for anything a wrapper may want to parse.
    const logger = pino({ name: 'winnow', level: env.WINNOW_LOG_LEVEL ?? 'info' }, pino.destination(2));
    const log = (msg: string, extra: object = {}) => logger.info(extra, msg);
    // Model, store, writer, experiments and scoring options: the same for `winnow consume` (service-runtime.ts).
    const runtime = await startServiceRuntime(options, logger, `serve@${hostname()}:${process.pid}`);
    const { registry, follower, store, writer, experiments, metrics, activations } = runtime;
    const { positive, policy, neverSuppress } = options;
    const app = createApp({
      ...access, ...adapters,
      drift: new DriftMonitor(integer(v, 'drift-window', DEFAULT_DRIFT_WINDOW, 1)),
      metrics, log: (line) => logger.info(line, 'request'), ...runtime.scoring,
      apiKeys, decisions: store, feedback: store, console: { store, positive, policy: { policy, neverSuppress } },
      activations, modelFallback: () => follower.fallback,
      experiments: { current: () => experiments.current(), routes: { store, positive, prepare: (d) => experiments.prepare(d), onChange: () => experiments.poll() } },
      storeHealthy: () => writer.healthy(),
    });
    // The followers, the store's thread and the models keep the process alive: a failed listen must
    // release them, or the command would print its error and then hang, serving nothing.
    let unflushed = 0;
    const release = async (server?: RunningServer) => {
      unflushed = await runtime.release(shutdownMs, server && (async () => {
        const drained = await server.drain(shutdownMs);
        if (drained.forced > 0) logger.warn({ connections: drained.forced, afterMs: Math.round(drained.ms) }, 'shutdown timeout: closed connections still open');
      }));
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
