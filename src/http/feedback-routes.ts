/**
 * @module `POST /v1/feedback` and `GET /v1/feedback/{alertId}`: analysts' dispositions in, history out.
 * A 2xx means every item of the request is committed (the store's transaction returned); any
 * failure answers non-2xx with nothing written, so a client that retries until 2xx loses nothing.
 */
import { DeadlineError, type InFlightCalls, withDeadline } from '../serving/deadline.ts';
import type { Hono } from 'hono';
import { z, ZodError } from 'zod';
import type { DecisionStore } from '../store/decision-store.ts';
import { currentFeedback, FEEDBACK_LIMITS, FeedbackInputSchema, type FeedbackOutcome, IdempotencyConflictError } from '../store/feedback-record.ts';
import { type ApiKey, requireScope } from './auth.ts';
import { apiError } from './errors.ts';
import { unstorableReason } from '../store/storable-text.ts';
import { jsonBodyLimit, readJsonBody } from './json-body.ts';

/** A single item (an object with `alertId`) or a batch `{ "items": [...] }`; items are checked by the store's schema. */
const feedbackEnvelope = z.union([
  z.object({ items: z.array(z.unknown()).min(1).max(FEEDBACK_LIMITS.maxBatch) }),
  z.object({ alertId: z.unknown() }).passthrough(),
]);

export interface FeedbackRouteOptions {
  store: Pick<DecisionStore, 'writeFeedback' | 'getFeedbackHistory'>;
  apiKeys: readonly ApiKey[];
  maxBodyBytes?: number;
  /** Answer 503 with Retry-After when the store has not committed within this long (ms). */
  deadlineMs?: number;
  /** Where store calls in flight are counted, so readiness can see one that hangs. */
  inFlight?: InFlightCalls;
  /** Called with what was committed, for metrics and logs. */
  onCommitted?(created: number, duplicates: number, unmatched: number): void;
}

export function addFeedbackRoutes(app: Hono, o: FeedbackRouteOptions): void {
  const maxSize = o.maxBodyBytes ?? 4 * 1024 * 1024;
  app.post(
    '/v1/feedback',
    requireScope(o.apiKeys, 'feedback'),
    jsonBodyLimit(maxSize),
    async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return c.json(body.error, 400);
      const envelope = feedbackEnvelope.safeParse(body.value);
      if (!envelope.success) {
        return c.json(apiError('invalid_request', `expected one feedback item (with alertId) or {"items": [...]} of 1..${FEEDBACK_LIMITS.maxBatch}`, '(body)'), 400);
      }
      const batch = 'items' in envelope.data;
      const outcome = await commitFeedback(o, 'items' in envelope.data ? envelope.data.items as unknown[] : [envelope.data]);
      if (outcome.retryAfter) c.header('retry-after', '1');
      if (!outcome.ok) {
        const { error } = outcome;
        const field = error.field === undefined ? undefined : (batch ? ['items', ...error.field] : error.field.slice(1)).join('.') || '(body)';
        return c.json(apiError(error.code, error.message, field), outcome.status);
      }
      return c.json(batch ? { results: outcome.results } : outcome.results[0], outcome.status);
    },
  );

  app.get('/v1/feedback/:alertId', requireScope(o.apiKeys, 'feedback'), async (c) => {
    const alertId = c.req.param('alertId');
    const problem = unstorableReason(alertId);
    if (problem) return c.json(apiError('invalid_text', `alertId ${problem}`, 'alertId'), 400);
    const history = await o.store.getFeedbackHistory(alertId);
    if (history.length === 0) return c.json(apiError('not_found', `no feedback recorded for alert '${alertId}'`), 404);
    return c.json({ alertId, current: currentFeedback(history), history });
  });
}

/** What committing a batch of feedback came to: the answer's status, and results or the error. */
export type FeedbackCommit =
  | { ok: true; status: 200 | 201; retryAfter?: false; results: (FeedbackOutcome & { warning?: string })[] }
  | { ok: false; status: 400 | 409 | 503; retryAfter: boolean; error: { code: string; message: string; field?: (string | number)[] } };

/**
 * The one path feedback takes into the store, for `POST /v1/feedback` and the console's
 * disposition form alike: check every item, commit them in one transaction within the deadline,
 * count them. `field` is the failing item's path with its index first.
 */
export async function commitFeedback(o: Pick<FeedbackRouteOptions, 'store' | 'deadlineMs' | 'inFlight' | 'onCommitted'>, raw: readonly unknown[]): Promise<FeedbackCommit> {
  // Checked here, on the serving thread, before anything crosses to the store's thread: the
  // store checks again, but only parsed items (flat strings) are cloned for it. A raw item
  // with a value nested thousands deep made the clone itself throw ("Maximum call stack
  // size exceeded"), answered 503 instead of 400.
  const items = z.array(FeedbackInputSchema).safeParse(raw);
  if (!items.success) {
    const issue = items.error.issues[0];
    return { ok: false, status: 400, retryAfter: false, error: { code: 'invalid_feedback', message: issue.message, field: issue.path as (string | number)[] } };
  }
  try {
    const write = o.store.writeFeedback(items.data);
    const outcomes = await withDeadline(o.inFlight ? o.inFlight.track(write) : write, o.deadlineMs ?? 5000, 'feedback');
    const created = outcomes.filter((r) => r.status === 'created').length;
    const unmatched = outcomes.filter((r) => !r.matched).length;
    o.onCommitted?.(created, outcomes.length - created, unmatched);
    const results = outcomes.map((r) => ({
      ...r,
      ...(r.matched ? {} : { warning: `no decision is recorded for alert '${r.alertId}'; the feedback is kept, and joins once the alert is scored` }),
    }));
    return { ok: true, status: created > 0 ? 201 : 200, results };
  } catch (err) {
    if (err instanceof ZodError) {
      const issue = err.issues[0];
      return { ok: false, status: 400, retryAfter: false, error: { code: 'invalid_feedback', message: issue.message, field: issue.path as (string | number)[] } };
    }
    if (err instanceof IdempotencyConflictError) {
      return { ok: false, status: 409, retryAfter: false, error: { code: 'idempotency_conflict', message: err.message, field: [err.index, 'idempotencyKey'] } };
    }
    // Not committed: say so, so the client retries rather than assuming it landed.
    if (err instanceof DeadlineError) {
      // It may still commit: a retry is recognised (idempotencyKey, else content) as a duplicate.
      return { ok: false, status: 503, retryAfter: true, error: { code: 'store_unavailable', message: `${err.message}; it may still be recorded: retry with the same items (a repeat is answered as a duplicate)` } };
    }
    return { ok: false, status: 503, retryAfter: true, error: { code: 'store_unavailable', message: `feedback not recorded, retry: ${(err as Error).message}` } };
  }
}
