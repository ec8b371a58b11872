/**
 * @module What `winnow serve` and `winnow consume` both run on: the activation follower and its
 * registry, the decision store in its thread, the group-commit writer, the experiment follower
 * with its guardrail checks, and the scoring options built over them. One function builds it for
 * both, so an alert scored over HTTP and one pulled from a broker meet the same model, policy,
 * experiment and record path (DESIGN.md rule 7); only the transport differs.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { followActivations } from '../registry/activation-follower.ts';
import type { ActivationFollower } from '../registry/activation-follower.ts';
import { ExperimentFollower } from '../registry/experiment-follower.ts';
import type { ModelRegistry } from '../registry/model-registry.ts';
import { experimentReport } from '../pipeline/experiment-report.ts';
import { type Policy, parsePolicy } from '../policy/index.ts';
import { MAX_REASON_CODES } from '../explain/index.ts';
import { decisionRecords } from '../serving/decision-records.ts';
import { withDeadline } from '../serving/deadline.ts';
import { policyForModels } from '../serving/policy-decider.ts';
import type { ScoringServiceOptions } from '../serving/scoring-service.ts';
import { storeHistory } from '../serving/store-history.ts';
import type { ActivationLog } from '../store/activation-log.ts';
import { BatchingWriter } from '../store/batching-writer.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import { openActivationLog } from '../store/open-activation-log.ts';
import { openWorkerStore } from '../store/worker-store.ts';
import { ServiceMetrics } from '../http/metrics.ts';
import { integer, list, UsageError } from './args.ts';

/** The flags both commands share, as parseFlags declares them (their help text is each command's own). */
export const RUNTIME_FLAGS = {
  models: { type: 'string' }, model: { type: 'string' }, policy: { type: 'string' }, 'never-suppress': { type: 'string' },
  'data-dir': { type: 'string' }, database: { type: 'string' }, 'max-pending-records': { type: 'string' },
  'record-timeout-ms': { type: 'string' }, positive: { type: 'string' }, 'poll-activations-ms': { type: 'string' },
  'guardrail-check-ms': { type: 'string' }, 'reason-codes': { type: 'string' }, 'explain-budget-ms': { type: 'string' },
} as const;

export interface RuntimeOptions {
  modelsDir: string;
  /** NAME/VER to serve whatever the activation log says. */
  pinned?: string;
  database?: string;
  dataDir: string;
  policy?: Policy;
  neverSuppress: string[];
  positive: string[];
  maxPending: number;
  recordTimeoutMs: number;
  /** durable: a scoring call resolves once its records are committed; async: at once (serve only). */
  recordMode: 'durable' | 'async';
  reasonCodes: number;
  explainBudgetMs: number;
  guardrailMs: number;
  pollActivationsMs: number;
}

/** The shared flags (and their WINNOW_* variables) as runtime options; `recordMode` is the command's. */
export async function runtimeOptions(v: { [K in keyof typeof RUNTIME_FLAGS]?: string }, env: NodeJS.ProcessEnv, recordMode: RuntimeOptions['recordMode']): Promise<RuntimeOptions> {
  const text = (name: keyof typeof RUNTIME_FLAGS) => v[name];
  const reasonCodes = integer({ 'reason-codes': text('reason-codes') ?? env.WINNOW_REASON_CODES }, 'reason-codes', 0);
  if (reasonCodes > MAX_REASON_CODES) throw new UsageError(`--reason-codes must be at most ${MAX_REASON_CODES}, got ${reasonCodes}`);
  const policyPath = text('policy') ?? env.WINNOW_POLICY;
  return {
    modelsDir: text('models') ?? env.WINNOW_MODELS ?? 'models',
    pinned: text('model'),
    database: text('database') ?? env.WINNOW_DATABASE_URL,
    dataDir: text('data-dir') ?? env.WINNOW_DATA_DIR ?? 'data',
    policy: policyPath ? parsePolicy(await readJson(policyPath, 'policy'), policyPath) : undefined,
    neverSuppress: list({ n: text('never-suppress') ?? env.WINNOW_NEVER_SUPPRESS ?? 'scr_sanctions' }, 'n'),
    positive: list({ p: text('positive') ?? env.WINNOW_POSITIVE ?? 'true_positive,sar_filed' }, 'p'),
    maxPending: integer({ 'max-pending-records': text('max-pending-records') ?? env.WINNOW_MAX_PENDING_RECORDS }, 'max-pending-records', 200_000, 1),
    recordTimeoutMs: integer({ 'record-timeout-ms': text('record-timeout-ms') ?? env.WINNOW_RECORD_TIMEOUT_MS }, 'record-timeout-ms', 5000, 1),
    recordMode,
    reasonCodes,
    explainBudgetMs: integer({ 'explain-budget-ms': text('explain-budget-ms') ?? env.WINNOW_EXPLAIN_BUDGET_MS }, 'explain-budget-ms', 2000, 1),
    guardrailMs: integer({ 'guardrail-check-ms': text('guardrail-check-ms') ?? env.WINNOW_GUARDRAIL_CHECK_MS }, 'guardrail-check-ms', 30_000, 100),
    pollActivationsMs: integer({ 'poll-activations-ms': text('poll-activations-ms') ?? env.WINNOW_POLL_ACTIVATIONS_MS }, 'poll-activations-ms', 2000, 50),
  };
}

export async function readJson(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`${what} ${path}: ${(err as Error).message}`);
  }
}

export interface ServiceRuntime {
  registry: ModelRegistry;
  follower: ActivationFollower;
  activations: ActivationLog;
  store: DecisionStore;
  writer: BatchingWriter;
  experiments: ExperimentFollower;
  metrics: ServiceMetrics;
  /** Everything `ScoringService` needs but its alert limits and observers, as serve has always built it. */
  scoring: Omit<ScoringServiceOptions, 'limits' | 'observe'>;
  /**
   * Stop following, run `drain` (the transport's own: finish what is in flight), then flush the
   * decision records within `shutdownMs` and close everything. Resolves to the number of records
   * the store did not commit in time (0 when all are on record).
   */
  release(shutdownMs: number, drain?: () => Promise<void>): Promise<number>;
}

/** Build the runtime; `actor` names this process in the activation log. */
export async function startServiceRuntime(o: RuntimeOptions, logger: Logger, actor: string): Promise<ServiceRuntime> {
  if (!o.database) await mkdir(o.dataDir, { recursive: true });
  const location = o.database ?? join(o.dataDir, 'winnow.db');
  // Which model serves is the store's activation log's call, so every replica agrees (see activation-follower.ts).
  const activations = await openActivationLog(location);
  const { registry, follower } = await followActivations({
    modelsDir: o.modelsDir, pinned: o.pinned, log: activations, logger, actor, intervalMs: o.pollActivationsMs,
  }).catch(async (err: Error) => { await activations.close(); throw err; });
  // The store runs in its own thread: SQLite commits (fsync) and record mapping stay off the serving loop.
  const store = await openWorkerStore(location);
  await store.init();
  // Durable: commit at once, and group what arrives during a commit (each request waits for its
  // own). Async: wait up to 20 ms for company, since nobody waits for the commit.
  // A write that has not committed within the record deadline turns /readyz 503, as a failed one does.
  const writer = new BatchingWriter({ store, logger, flushIntervalMs: o.recordMode === 'durable' ? 0 : 20, stallMs: o.recordTimeoutMs });
  // Experiments live in the store like activations: every replica polls and follows the running one.
  const experiments = new ExperimentFollower({
    store, modelsDir: o.modelsDir, intervalMs: o.pollActivationsMs, logger,
    base: { neverSuppress: [...new Set([...o.neverSuppress, ...(o.policy?.neverSuppress ?? [])])], belowTheLineSampleRate: o.policy?.belowTheLineSampleRate },
  });
  await experiments.start();
  const guardrails = setInterval(() => void checkGuardrails(), o.guardrailMs);
  guardrails.unref();
  async function checkGuardrails() {
    const id = experiments.current()?.state.id;
    if (!id) return;
    try {
      const { stopped } = await experimentReport({ store, id, positive: o.positive });
      for (const s of stopped) logger.warn({ experiment: id, arm: s.arm, reason: s.reason }, 'guardrail stopped an experiment arm');
      if (stopped.length > 0) await experiments.poll();
    } catch (err) {
      logger.error({ err: (err as Error).message, experiment: id }, 'guardrail check failed');
    }
  }
  const metrics = new ServiceMetrics();
  metrics.watchStore(() => writer.stats());
  const scoring: ServiceRuntime['scoring'] = {
    registry, policyFor: policyForModels({ policy: o.policy, neverSuppress: o.neverSuppress }), history: storeHistory(store, o.positive),
    reasonCodes: o.reasonCodes, explainBudgetMs: o.explainBudgetMs, recordTimeoutMs: o.recordTimeoutMs,
    experiment: () => experiments.current(),
    recordBacklogFull: () => writer.pending >= o.maxPending,
    record: (results, model, requestId) => {
      const committed = writer.enqueue(decisionRecords(results, model, requestId));
      if (o.recordMode === 'durable') return committed;
      // Async: written behind the response; failures show in /readyz, /metrics and the log.
      committed.catch((err: Error) => logger.error({ err }, 'decision record not written'));
    },
  };
  // Each step is bounded, so a hung store cannot keep a stopping process alive: the records a
  // flush could not write are counted in the log, and the exit code says so.
  const release = async (shutdownMs: number, drain?: () => Promise<void>) => {
    await follower.stop();
    clearInterval(guardrails);
    if (drain) await drain();
    const flushed = await withDeadline(writer.close(), shutdownMs, 'decision records').then(() => true, () => false);
    if (!flushed) {
      logger.error({ records: writer.pending, afterMs: shutdownMs }, 'shutdown timeout: decision records not flushed (the store did not commit them)');
      return writer.pending;
    }
    await experiments.stop();
    await withDeadline(store.close(), shutdownMs, 'store close').catch(() => {});
    await registry.close();
    await activations.close();
    return 0;
  };
  return { registry, follower, activations, store, writer, experiments, metrics, scoring, release };
}
