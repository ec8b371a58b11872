/**
 * What /openapi.json (and so /docs) shows a client against what the routes answer: every JSON
 * success answer is documented with a schema, and the real answers of a store-backed server with a
 * running experiment parse under those schemas, strictly (a field the routes add and the document
 * leaves out fails here).
 */
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { DriftReport } from '../../src/drift/drift-report.ts';
import type { ExperimentState } from '../../src/experiments/experiment-schema.ts';
import type { ExperimentReport } from '../../src/experiments/report.ts';
import type { FeedbackOutcome, StoredFeedback } from '../../src/store/feedback-record.ts';
import { experimentReportSchema, experimentResponseSchema, experimentsResponseSchema } from '../../src/http/experiment-response-schemas.ts';
import {
  decisionRecordResponseSchema, driftResponseSchema, feedbackBatchResponseSchema, feedbackHistoryResponseSchema, feedbackResultSchema,
  healthResponseSchema, quarantineResponseSchema, readinessResponseSchema,
} from '../../src/http/response-schemas.ts';
import { alertFromRecord } from '../../src/serving/alert-schema.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { recordingApp } from './helpers.ts';

const server = recordingApp('openapi-answers');
let app: ReturnType<typeof server.app>;
beforeAll(() => {
  app = server.app({ feedback: server.store, experiments: server.experiments });
});

const request = (path: string, init?: { method: string; body: unknown }) => app.request(`http://localhost${path}`, init && {
  method: init.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body),
});
/** The answer's body parsed under `schema`, after checking its status. */
async function answer<S extends z.ZodType>(res: Response | Promise<Response>, status: number, schema: S): Promise<z.output<S>> {
  const r = await res;
  const body = await r.json();
  expect(r.status, JSON.stringify(body).slice(0, 300)).toBe(status);
  const parsed = schema.safeParse(body);
  expect(parsed.success ? [] : parsed.error.issues, JSON.stringify(body).slice(0, 300)).toEqual([]);
  return parsed.data!;
}

describe('the documented answers', () => {
  it('describe the very types the routes answer with (checked by tsc: a field added to one and not the other fails the build)', () => {
    expectTypeOf<z.output<typeof experimentReportSchema>>().toEqualTypeOf<ExperimentReport>();
    expectTypeOf<z.output<typeof experimentResponseSchema>['experiment']>().toEqualTypeOf<ExperimentState>();
    expectTypeOf<z.output<typeof driftResponseSchema>>().branded.toEqualTypeOf<DriftReport & { model: { name: string; version: string }; windowCapacity: number }>();
    expectTypeOf<z.output<typeof feedbackHistoryResponseSchema>['current']>().branded.toEqualTypeOf<StoredFeedback>();
    expectTypeOf<z.output<typeof feedbackResultSchema>>().branded.toEqualTypeOf<FeedbackOutcome & { warning?: string }>();
  });

  it('documents a schema for every JSON success answer', async () => {
    type Op = { responses: Record<string, { content?: Record<string, { schema?: object }> }> };
    const doc = (await (await request('/openapi.json')).json()) as { paths: Record<string, Record<string, Op>> };
    // Not JSON: the Prometheus text, this document itself (its schema is OpenAPI's), and the Open
    // Inference Protocol's health answers, whose status is the answer (empty bodies, as the protocol says).
    const notJson = new Set([
      'get /metrics', 'get /openapi.json',
      'get /v2/health/live', 'get /v2/health/ready', 'get /v2/models/{name}/ready', 'get /v2/models/{name}/versions/{version}/ready',
    ]);
    const missing = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).flatMap(([method, op]) =>
      Object.entries(op.responses)
        .filter(([status, r]) => status.startsWith('2') && !notJson.has(`${method} ${path}`) && !r.content?.['application/json']?.schema)
        .map(([status]) => `${method} ${path} ${status}`)));
    expect(missing).toEqual([]);
    // zod's implicit ±(2^53 − 1) integer bounds are left out: /docs would print them beside every count.
    expect(JSON.stringify(doc)).not.toContain(String(Number.MAX_SAFE_INTEGER));
  });

  it('match what a store-backed server with a running experiment answers', async () => {
    expect((await answer(request('/healthz'), 200, healthResponseSchema)).status).toBe('ok');
    expect((await answer(request('/readyz'), 200, readinessResponseSchema)).model.degraded).toBe(false);

    const definition = { id: 'doc-1', arms: [{ name: 'A' }, { name: 'B', thresholds: { closeBelow: 0.05 } }, { name: 'watch', shadow: true, thresholds: { closeBelow: 0.4 } }] };
    const created = await answer(request('/v1/experiments', { method: 'POST', body: definition }), 201, experimentResponseSchema);
    expect(created.experiment.status).toBe('running');

    const rows = [...generateAlerts({ rows: 400, seed: 23 })];
    const scored = await request('/v1/score', { method: 'POST', body: { alerts: rows.map((r) => alertFromRecord(r)) } });
    expect(scored.status).toBe(200);
    const { results } = (await scored.json()) as { results: { id: string; decision: string }[] };
    const reviewed = rows.filter((_, i) => results[i].decision !== 'auto_close');
    expect(reviewed.length).toBeGreaterThan(20);
    const feedback = (r: (typeof rows)[number]) => ({
      alertId: r.alert_id, disposition: r.is_true_positive ? 'true_positive' : 'false_positive', analystId: 'analyst-7', decidedAt: '2025-10-01T09:00:00Z',
    });

    const one = await answer(request('/v1/feedback', { method: 'POST', body: feedback(reviewed[0]) }), 201, feedbackResultSchema);
    expect(one).toMatchObject({ status: 'created', matched: true });
    const again = await answer(request('/v1/feedback', { method: 'POST', body: feedback(reviewed[0]) }), 200, feedbackResultSchema);
    expect(again.status).toBe('duplicate');
    const unmatched = { ...feedback(reviewed[1]), alertId: 'never-scored', note: 'phoned the customer' };
    const batch = await answer(request('/v1/feedback', { method: 'POST', body: { items: [...reviewed.slice(1).map(feedback), unmatched] } }), 201, feedbackBatchResponseSchema);
    expect(batch.results.at(-1)).toMatchObject({ matched: false, warning: expect.stringContaining('never-scored') });
    const history = await answer(request('/v1/feedback/never-scored'), 200, feedbackHistoryResponseSchema);
    expect(history.current.note).toBe('phoned the customer');

    const decision = await answer(request(`/v1/decisions/${encodeURIComponent(reviewed[0].alert_id)}`), 200, decisionRecordResponseSchema);
    expect(decision.experiment?.id).toBe('doc-1');
    expect(decision.features.length).toBeGreaterThan(0);
    await server.store.quarantineDecisions([{ record: { alertId: 'Q-1', score: Number.NaN }, reason: 'refused by the test' }]);
    const quarantined = await answer(request('/v1/decisions/Q-1/quarantine'), 200, quarantineResponseSchema);
    expect(quarantined.quarantined[0].reason).toBe('refused by the test');

    const { name, version } = server.registry.active;
    const drift = await answer(request(`/v1/models/${name}/${version}/drift`), 200, driftResponseSchema);
    expect(drift.windowSize).toBe(400);
    expect(drift.features.length).toBeGreaterThan(0);

    const report = await answer(request('/v1/experiments/doc-1/report'), 200, experimentReportSchema);
    expect(report.arms.map((a) => a.role)).toEqual(['control', 'treatment', 'shadow']);
    expect(report.comparisons).toHaveLength(1);
    expect(report.shadows).toHaveLength(1);
    expect(report.arms[0].labelled).toBeGreaterThan(0);

    expect((await answer(request('/v1/experiments'), 200, experimentsResponseSchema)).experiments.map((e) => e.id)).toEqual(['doc-1']);
    await answer(request('/v1/experiments/doc-1'), 200, experimentResponseSchema);
    const stopped = await answer(request('/v1/experiments/doc-1/stop', { method: 'POST', body: { reason: 'documented' } }), 200, experimentResponseSchema);
    expect(stopped.experiment).toMatchObject({ status: 'stopped', stopReason: 'documented' });
  }, 60_000);
});
