/**
 * @module A DecisionStore that runs in a worker thread. better-sqlite3 is synchronous (a commit
 * with synchronous=FULL waits for fsync) and record mapping costs CPU: on the serving thread that
 * stalls every request, so the store gets a thread of its own and is called by message.
 */
import { startTsWorker } from '../worker-url.ts';
import { ZodError } from 'zod';
import type { DecisionStore } from './decision-store.ts';
import type { StoreCall, StoreReply } from './store-worker.ts';
import { IdempotencyConflictError } from './feedback-record.ts';
import { ExperimentConflictError, UnknownExperimentError } from './experiment-queries.ts';

/** Open `urlOrPath` (as `openStore` would) in a worker thread; resolves once the worker runs. */
export async function openWorkerStore(urlOrPath: string): Promise<DecisionStore> {
  const worker = startTsWorker(new URL('./store-worker.ts', import.meta.url), { urlOrPath });
  const kind = await new Promise<DecisionStore['kind']>((resolve, reject) => {
    worker.once('message', (m: { kind: DecisionStore['kind'] }) => resolve(m.kind));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`decision store worker exited with code ${code} before it started`)));
  });
  worker.removeAllListeners('exit');
  worker.removeAllListeners('error');
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 0;
  let failure: Error | null = null;
  let closed = false;
  worker.on('message', (reply: StoreReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.value);
    else p.reject(rebuildError(reply.error));
  });
  const fail = (err: Error) => {
    failure = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => { if (!closed) fail(new Error(`decision store worker exited with code ${code}`)); });

  const call = <T>(method: StoreCall['method'], ...args: unknown[]): Promise<T> => {
    if (closed) return Promise.reject(new Error(`decision store (${kind}) is closed`));
    if (failure) return Promise.reject(failure);
    return new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        worker.postMessage({ id, method, args } satisfies StoreCall);
      } catch (err) {
        // Arguments that cannot be cloned (too deep, a function) never reach the thread: no reply will come.
        pending.delete(id);
        reject(err as Error);
      }
    });
  };
  return {
    kind,
    init: () => call('init'),
    writeDecisions: (records) => call('writeDecisions', records),
    quarantineDecisions: (records) => call('quarantineDecisions', records),
    getQuarantined: (alertId) => call('getQuarantined', alertId),
    getDecision: (alertId) => call('getDecision', alertId),
    getDecisions: (alertIds) => call('getDecisions', alertIds),
    getDecisionHistory: (alertId) => call('getDecisionHistory', alertId),
    listDecisions: (options) => call('listDecisions', options),
    listDecisionKeys: (options) => call('listDecisionKeys', options),
    writeFeedback: (items, receivedAt) => call('writeFeedback', items, receivedAt),
    getFeedbackHistory: (alertId) => call('getFeedbackHistory', alertId),
    listFeedback: (options) => call('listFeedback', options),
    priorActivity: (entityIds, t) => call('priorActivity', entityIds, t),
    createExperiment: (definition, createdBy) => call('createExperiment', definition, createdBy),
    getExperiment: (id) => call('getExperiment', id),
    listExperiments: (options) => call('listExperiments', options),
    stopExperiment: (id, reason) => call('stopExperiment', id, reason),
    stopExperimentArm: (id, arm, reason) => call('stopExperimentArm', id, arm, reason),
    experimentCounts: (id) => call('experimentCounts', id),
    queuePage: (filter) => call('queuePage', filter),
    overviewCounts: (from, to) => call('overviewCounts', from, to),
    entityDecisions: (entityId, exceptAlertId, limit) => call('entityDecisions', entityId, exceptAlertId, limit),
    labelledScores: (from, to) => call('labelledScores', from, to),
    health: async () => (closed ? { ok: false, error: 'decision store is closed' } : failure ? { ok: false, error: failure.message } : call('health')),
    async close() {
      if (closed) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      await call('close');
      closed = true;
      await exited;
    },
  };
}

// Errors cross the thread boundary as plain data; give back the classes callers test for.
function rebuildError(e: Extract<StoreReply, { ok: false }>['error']): Error {
  if (e.issues) return new ZodError(e.issues as ZodError['issues']);
  if (e.name === 'IdempotencyConflictError' && e.index !== undefined && e.idempotencyKey !== undefined) return new IdempotencyConflictError(e.index, e.idempotencyKey);
  if (e.name === 'ExperimentConflictError') return new ExperimentConflictError(e.message);
  if (e.name === 'UnknownExperimentError') return new UnknownExperimentError(e.message);
  // The driver's code (SQLSTATE, SQLITE_…) tells a refused record from a failing store (record-error.ts).
  return Object.assign(new Error(e.message), { name: e.name, ...(e.code === undefined ? {} : { code: e.code }) });
}
