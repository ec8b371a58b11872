/** @module The decision store's own thread: runs every store call it is sent, so database work never blocks serving. */
import { parentPort, workerData } from 'node:worker_threads';
import { ZodError } from 'zod';
import type { DecisionStore } from './decision-store.ts';
import { openPostgresStore } from './postgres.ts';
import { isPostgresUrl } from './open-store.ts';
import { openSqliteStore } from './sqlite.ts';

export interface StoreCall {
  id: number;
  method: 'init' | 'writeDecisions' | 'quarantineDecisions' | 'getQuarantined' | 'getDecision' | 'getDecisions' | 'getDecisionHistory' | 'listDecisions' | 'listDecisionKeys' | 'writeFeedback' | 'getFeedbackHistory' | 'listFeedback' | 'priorActivity' | 'queuePage' | 'overviewCounts' | 'entityDecisions' | 'labelledScores' | 'health' | 'close'
    | 'createExperiment' | 'getExperiment' | 'listExperiments' | 'stopExperiment' | 'stopExperimentArm' | 'experimentCounts';
  args: unknown[];
}

export type StoreReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string; issues?: unknown; index?: number; idempotencyKey?: string } };

const url = (workerData as { urlOrPath: string }).urlOrPath;
const store: DecisionStore = isPostgresUrl(url) ? openPostgresStore(url) : openSqliteStore(url.replace(/^sqlite:(\/\/)?/i, ''));
parentPort!.postMessage({ kind: store.kind });

parentPort!.on('message', async (call: StoreCall) => {
  let reply: StoreReply;
  try {
    const fn = store[call.method] as (...args: unknown[]) => Promise<unknown>;
    reply = { id: call.id, ok: true, value: await fn.apply(store, call.args) };
  } catch (err) {
    const e = err as Error;
    // Keep zod's issues, so the calling thread can rethrow a ZodError naming the field.
    reply = {
      id: call.id, ok: false,
      error: {
        name: e.name, message: e.message, code: typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : undefined,
        issues: err instanceof ZodError ? err.issues : undefined, index: (err as { index?: number }).index, idempotencyKey: (err as { idempotencyKey?: string }).idempotencyKey,
      },
    };
  }
  parentPort!.postMessage(reply);
  if (call.method === 'close') parentPort!.close();
});
