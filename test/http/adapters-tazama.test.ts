/**
 * @module POST /v1/adapters/tazama/triage over the real app, the shipped model, ONNX Runtime and a
 * SQLite store: `{priority, confidence}` answers, errors naming the field, the same decision and
 * score as /v1/score for the same alert, one decision record per call, never-suppress rules never
 * closable, and hostile bodies never answered with a 5xx.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { hashKey } from '../../src/http/auth.ts';
import { parseTazamaFeatures } from '../../src/http/tazama-triage.ts';
import { alertFromRecord } from '../../src/serving/alert-schema.ts';
import { policyForModels } from '../../src/serving/policy-decider.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { recordingApp } from './helpers.ts';

const features = parseTazamaFeatures(JSON.parse(readFileSync(new URL('../../examples/tazama-features.json', import.meta.url), 'utf8')), 'examples/tazama-features.json');
const suite = recordingApp('tazama');
const makeApp = (extra: Partial<Parameters<typeof createApp>[0]> = {}) => suite.app({ tazama: { features }, ...extra });
const post = (app: ReturnType<typeof createApp>, path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

type Alert = ReturnType<typeof alertFromRecord>;
/** Tazama's vector for an alert: position i holds the attribute the features list names there (booleans as 0/1, absent as null). */
function vectorOf(a: Alert): (number | null)[] {
  return features.map((name) => {
    const v = name === null ? undefined : a.attributes[name];
    if (typeof v === 'boolean') return v ? 1 : 0;
    return typeof v === 'number' ? v : null;
  });
}
/** The alert /v1/score gets for the same case: only what the vector carries. */
function asTazamaSees(a: Alert, ruleId: string): Alert {
  const v = vectorOf(a);
  const attributes: Alert['attributes'] = {};
  features.forEach((name, i) => { if (name !== null) attributes[name] = v[i]; });
  return { id: a.id, ruleId, attributes };
}

describe('POST /v1/adapters/tazama/triage', () => {
  it('answers exactly {priority, confidence}, the same decision and score as /v1/score, one record per call', async () => {
    const app = makeApp();
    const alerts = Array.from(generateAlerts({ rows: 60, seed: 172 }), (row) => ({ ...alertFromRecord(row), id: `T-${String(row.alert_id)}` }));
    // Tazama sends the rule (or typology) that raised the case as `ruleId`.
    const byScore = (await (await post(app, '/v1/score', { alerts: alerts.map((a) => asTazamaSees(a, a.ruleId)) })).json()) as { results: { score: number; decision: string }[] };
    const seen = new Set<string>();
    for (const [i, a] of alerts.entries()) {
      const res = await post(app, '/v1/adapters/tazama/triage', { features: vectorOf(a), caseId: a.id, ruleId: a.ruleId });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { priority: string; confidence: number };
      expect(Object.keys(body).sort()).toEqual(['confidence', 'priority']);
      const expected = byScore.results[i];
      expect(res.headers.get('x-winnow-decision')).toBe(expected.decision);
      expect(body.priority).toBe({ escalate: 'High', review: 'Medium', auto_close: 'Low' }[expected.decision]);
      // Closed by Tazama's threshold (95) exactly when winnow's policy closes it.
      expect(body.confidence >= 95).toBe(expected.decision === 'auto_close');
      if (expected.decision !== 'auto_close') expect(body.confidence).toBe(Math.floor((1 - expected.score) * 94 * 100) / 100);
      seen.add(expected.decision);
      const history = await suite.store.getDecisionHistory(a.id);
      expect(history.map((h) => [h.record.decision, h.record.score])).toEqual([[expected.decision, expected.score], [expected.decision, expected.score]]);
    }
    expect(seen.has('auto_close') && seen.has('review')).toBe(true);
  });

  it('never answers a closable confidence for a never-suppress rule, at any threshold', async () => {
    for (const threshold of [95, 50, 1]) {
      const app = makeApp({ tazama: { features, threshold } });
      const alerts = Array.from(generateAlerts({ rows: 40, seed: 173 }), (row) => alertFromRecord(row));
      for (const a of alerts) {
        const res = await post(app, '/v1/adapters/tazama/triage', { features: vectorOf(a), ruleId: 'scr_sanctions' });
        const body = (await res.json()) as { priority: string; confidence: number };
        expect(body.confidence).toBeLessThan(threshold);
        expect(body.priority).not.toBe('Low');
      }
    }
  });

  it('follows a team\'s own threshold: a closed case reaches it, no other does', async () => {
    // A policy that closes below 0.2 makes closures common; the threshold moves to 80.
    const policyFor = policyForModels({ policy: { version: 'wide', bands: [{ name: 'low', below: 0.2, decision: 'auto_close' }, { name: 'high', decision: 'review' }], overrides: { rules: {}, segments: {} }, neverSuppress: [], belowTheLineSampleRate: 0 } });
    const app = makeApp({ policyFor, tazama: { features, threshold: 80 } });
    for (const a of Array.from(generateAlerts({ rows: 30, seed: 174 }), (row) => alertFromRecord(row))) {
      const res = await post(app, '/v1/adapters/tazama/triage', { features: vectorOf(a) });
      const body = (await res.json()) as { confidence: number };
      expect(body.confidence >= 80).toBe(res.headers.get('x-winnow-decision') === 'auto_close');
    }
  });

  it('derives a deterministic id when the request carries none', async () => {
    const app = makeApp();
    const vector = vectorOf(alertFromRecord([...generateAlerts({ rows: 1, seed: 175 })][0]));
    const first = await post(app, '/v1/adapters/tazama/triage', { features: vector });
    const again = await post(app, '/v1/adapters/tazama/triage', { features: vector });
    const id = decodeURIComponent(first.headers.get('x-winnow-alert-id')!);
    expect(id).toMatch(/^tazama-[0-9a-f]{64}$/);
    expect(decodeURIComponent(again.headers.get('x-winnow-alert-id')!)).toBe(id);
    expect(await suite.store.getDecisionHistory(id)).toHaveLength(2);
  });

  it('answers a body of the wrong shape with a 400 naming the field', async () => {
    const app = makeApp();
    const cases: [unknown, string, RegExp][] = [
      [{}, 'features', /is required/],
      [{ features: 'x' }, 'features', /must be an array of numbers/],
      [{ features: [1, 2, 3] }, 'features', /must hold 34 numbers/],
      [{ features: [...Array(33).fill(0), 'a'] }, 'features.33', /number/],
      [{ features: Array(34).fill(0), caseId: {} }, 'caseId', /./],
      [[1, 2], '(body)', /object/],
    ];
    for (const [body, path, message] of cases) {
      const res = await post(app, '/v1/adapters/tazama/triage', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const e = (await res.json()) as { error: { code: string; path: string; message: string } };
      expect(e.error.code).toBe('invalid_request');
      expect(e.error.path).toBe(path);
      expect(e.error.message).toMatch(message);
    }
    expect((await post(app, '/v1/adapters/tazama/triage', '{"features":[')).status).toBe(400);
  });

  it('is 404 not_configured without a features list, and needs the score scope when keys are configured', async () => {
    const bare = makeApp({ tazama: undefined });
    const res = await post(bare, '/v1/adapters/tazama/triage', { features: [1] });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.message).toMatch(/--tazama-features/);
    const keyed = makeApp({ apiKeys: [{ name: 't', sha256: hashKey('k-t'), scopes: ['score'] }, { name: 'm', sha256: hashKey('k-m'), scopes: ['metrics'] }] });
    const body = { features: Array(34).fill(0) };
    expect((await post(keyed, '/v1/adapters/tazama/triage', body)).status).toBe(401);
    expect((await post(keyed, '/v1/adapters/tazama/triage', body, { 'x-api-key': 'k-m' })).status).toBe(403);
    expect((await post(keyed, '/v1/adapters/tazama/triage', body, { 'x-api-key': 'k-t' })).status).toBe(200);
  });

  it('answers 2,000 hostile bodies without a 5xx', async () => {
    const app = makeApp();
    const num = fc.oneof(fc.double(), fc.integer(), fc.constant(null), fc.constantFrom(1e308, -0, 'NaN', '1', true));
    const hostile = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.record({ features: fc.oneof(fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)), { minLength: 34, maxLength: 34 }), fc.array(num, { minLength: 34, maxLength: 34 }), fc.array(num, { maxLength: 40 }), fc.jsonValue({ maxDepth: 2 })), id: fc.oneof(fc.string(), fc.integer(), fc.constantFrom('\ud800', 'x'.repeat(5000), '', 'a/b'), fc.jsonValue({ maxDepth: 1 })), ruleId: fc.oneof(fc.string(), fc.constant('scr_sanctions'), fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] })
        .map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 30 }),
    );
    const statuses = new Map<number, number>();
    for (const body of fc.sample(hostile, { seed: 1718, numRuns: 2_000 })) {
      const res = await post(app, '/v1/adapters/tazama/triage', body);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, body.slice(0, 200)).toBeLessThan(500);
      const answer = (await res.json()) as any;
      if (res.status === 200) {
        expect(['High', 'Medium', 'Low']).toContain(answer.priority);
        if (answer.confidence >= 95) expect(res.headers.get('x-winnow-decision')).toBe('auto_close');
      }
    }
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
  }, 120_000);
});
