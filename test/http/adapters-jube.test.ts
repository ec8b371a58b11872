/**
 * @module POST /v1/adapters/jube over the real app, the shipped model, ONNX Runtime and a SQLite
 * store: Adaptation v1.1 answers (and errors), the same score and decision as /v1/score for the
 * same alert, one decision record per call, and hostile payloads never answered with a 5xx.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { hashKey } from '../../src/http/auth.ts';
import { parseJubeMapping } from '../../src/http/jube-mapping.ts';
import { alertFromRecord } from '../../src/serving/alert-schema.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { recordingApp } from './helpers.ts';

const suite = recordingApp('jube');
const makeApp = (extra: Partial<Parameters<typeof createApp>[0]> = {}) => suite.app({ ...extra });
const post = (app: ReturnType<typeof createApp>, path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

type Alert = ReturnType<typeof alertFromRecord>;
/** The alert as Jube would send it: its transaction fields under Jube's names, the rest under the model's source names. */
function jubePayload(a: Alert): Record<string, unknown> {
  return {
    TxnId: a.id, RuleId: a.ruleId, AccountId: a.entityId, Segment: a.segment,
    // Jube writes TxnDateTime without an offset, in UTC.
    TxnDateTime: a.occurredAt?.replace(/(\.\d+)?Z$/, '').replace(/\+00:00$/, ''),
    // Jube payloads also carry fields no model reads.
    Currency: '826', DeviceId: 'OlaRoseGoldPhone6',
    ...a.attributes,
  };
}

describe('POST /v1/adapters/jube', () => {
  it('answers an Adaptation v1.1 object with the score, model, threshold, calibration and contributions', async () => {
    const app = makeApp();
    const [row] = generateAlerts({ rows: 1, seed: 170 });
    const alert = alertFromRecord(row);
    const res = await post(app, '/v1/adapters/jube', jubePayload(alert));
    expect(res.status).toBe(200);
    const a = (await res.json()) as any;
    const m = suite.registry.active.manifest;
    expect(a.ProtocolVersion).toBe('1.1');
    expect(a.Value).toBeGreaterThan(0);
    expect(a.Value).toBeLessThan(1);
    expect(a.Error).toBeUndefined();
    expect(a.Model).toMatchObject({ Name: 'default', Version: '1', Family: 'GBDT', ArtifactHash: `sha256:${m.onnx.sha256}`, FeatureCount: m.featureSpec.features.length });
    // The default model has no calibration map: a probability by construction, not validated as calibrated.
    expect(a.Calibration).toEqual({ Space: 'Probability', Calibrated: false, Method: 'Native', Sample: (m.metrics.holdout ?? m.metrics.validation).rows, Brier: (m.metrics.holdout ?? m.metrics.validation).brier });
    // The default ladder closes below the bundle's recall95 threshold.
    expect(a.Result.Threshold).toBe(m.thresholds.recall95);
    expect(a.Result.Activated).toBe(a.Winnow.decision !== 'auto_close');
    expect(a.Contribution.Exact).toBe(true);
    expect(a.Contribution.Space).toBe('LogOdds');
    expect(a.Contribution.Items).toHaveLength(5);
    for (const item of a.Contribution.Items) {
      expect(typeof item.Weight).toBe('number');
      expect(item.Name).toMatch(/^Payload\./);
      expect(item.Source).toBe('Payload');
    }
    expect(a.Winnow).toMatchObject({ alertId: alert.id, policyVersion: expect.stringContaining('default:recall95') });
    expect(a.HumanLabel).toBe(`winnow: ${a.Winnow.decision}`);
  });

  it('gives the same score and decision as /v1/score for the same alert, and records one decision per call', async () => {
    const app = makeApp();
    const alerts = Array.from(generateAlerts({ rows: 40, seed: 171 }), (row) => ({ ...alertFromRecord(row), id: `J-SAME-${String(row.alert_id)}` }));
    const viaScore = (await (await post(app, '/v1/score', { alerts })).json()) as { results: { id: string; score: number; decision: string; band: string }[] };
    const decisions = new Set<string>();
    for (const [i, alert] of alerts.entries()) {
      const a = (await (await post(app, '/v1/adapters/jube', jubePayload(alert))).json()) as any;
      const expected = viaScore.results[i];
      expect(a.Value, alert.id).toBe(expected.score);
      expect(a.Winnow.decision, alert.id).toBe(expected.decision);
      expect(a.Winnow.band, alert.id).toBe(expected.band);
      expect(a.Result.Activated).toBe(expected.decision !== 'auto_close');
      if (a.Winnow.decision === 'auto_close') expect(a.Value).toBeLessThan(a.Result.Threshold);
      decisions.add(expected.decision);
      // One record from /v1/score and one from the adapter, both committed before their answers.
      const history = await suite.store.getDecisionHistory(alert.id);
      expect(history.map((h) => h.record.decision)).toEqual([expected.decision, expected.decision]);
    }
    expect(decisions.size).toBeGreaterThan(1);
  });

  it('never lets a never-suppress rule close: Threshold 0, Activated', async () => {
    const app = makeApp();
    const a = (await (await post(app, '/v1/adapters/jube', { TxnId: 'J-SANC', RuleId: 'scr_sanctions', name_match_score: 10, account_age_days: 3000 })).json()) as any;
    expect(a.Value).toBeLessThan(suite.registry.active.manifest.thresholds.recall95);
    expect(a.Result).toEqual({ Threshold: 0, Activated: true });
    expect(a.Winnow).toMatchObject({ decision: 'review', reason: 'never_suppress' });
  });

  it('reads renamed fields through the mapping file, and names payload fields in errors', async () => {
    const mapping = parseJubeMapping({ id: 'Ref', ruleId: null, defaultRuleId: 'tm_structuring', attributes: { amount_usd: 'SettlementAmount' }, reasonCodes: 0 });
    const app = makeApp({ jubeMapping: mapping });
    const ok = (await (await post(app, '/v1/adapters/jube', { Ref: 7, SettlementAmount: '9500.00', account_age_days: 12 })).json()) as any;
    const same = (await (await post(app, '/v1/score', { alerts: [{ id: '7', ruleId: 'tm_structuring', attributes: { amount_usd: '9500.00', account_age_days: 12 } }] })).json()) as any;
    expect(ok.Value).toBe(same.results[0].score);
    expect(ok.Contribution).toBeUndefined();
    // A value the alert schema refuses: fail open (review, recorded), Value null, Error naming Jube's field.
    const bad = (await (await post(app, '/v1/adapters/jube', { Ref: 'J-BAD', SettlementAmount: { nested: 1 } })).json()) as any;
    expect(bad.Value).toBeNull();
    expect(bad.Error).toMatch(/^SettlementAmount: /);
    expect(bad.Winnow).toMatchObject({ decision: 'review', degraded: false, reason: 'not_scored' });
    expect((await suite.store.getDecision('J-BAD'))?.decision).toBe('review');
  });

  it('derives the id from the payload when it has none, so a retry is the same alert', async () => {
    const app = makeApp();
    const payload = { RuleId: 'tm_structuring', amount_usd: 9100, txn_count_24h: 3 };
    const first = (await (await post(app, '/v1/adapters/jube', payload)).json()) as any;
    const again = (await (await post(app, '/v1/adapters/jube', { txn_count_24h: 3, amount_usd: 9100, RuleId: 'tm_structuring' })).json()) as any;
    expect(first.Winnow.alertId).toMatch(/^jube-[0-9a-f]{64}$/);
    expect(again.Winnow.alertId).toBe(first.Winnow.alertId);
  });

  it('answers bad bodies with a 4xx Adaptation error that names the problem', async () => {
    const app = makeApp();
    for (const [body, pattern] of [
      ['[1,2]', /\(body\): must be a JSON object/],
      ['{"TxnId":', /invalid_json/],
      ['{"TxnId":{"a":1}}', /TxnId: the alert id must be/],
      ['{"TxnId":"x\\u0000y"}', /invalid_text/],
    ] as const) {
      const res = await post(app, '/v1/adapters/jube', body);
      expect(res.status, body).toBe(400);
      const a = (await res.json()) as any;
      expect(a.Value).toBeNull();
      expect(a.Error).toMatch(pattern);
    }
    const notJson = await app.request('http://localhost/v1/adapters/jube', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(notJson.status).toBe(415);
  });

  it('requires a key with the score scope when keys are configured', async () => {
    const app = makeApp({ apiKeys: [{ name: 'jube', sha256: hashKey('k-score'), scopes: ['score'] }, { name: 'fb', sha256: hashKey('k-fb'), scopes: ['feedback'] }] });
    expect((await post(app, '/v1/adapters/jube', { TxnId: 'J-K' })).status).toBe(401);
    expect((await post(app, '/v1/adapters/jube', { TxnId: 'J-K' }, { authorization: 'Bearer k-fb' })).status).toBe(403);
    expect((await post(app, '/v1/adapters/jube', { TxnId: 'J-K' }, { authorization: 'Bearer k-score' })).status).toBe(200);
  });

  it('answers 2,000 hostile payloads without a 5xx', async () => {
    const app = makeApp();
    const hostile = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.dictionary(fc.constantFrom('TxnId', 'RuleId', 'AccountId', 'TxnDateTime', 'Segment', 'amount_usd', 'vpn_detected', 'rule_id', '__proto__', 'constructor'), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('\ud800', '', 'x'.repeat(5000), '2018-08-19T21:41:37.247', '9999-01-01T00:00:00'))).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 30 }),
    );
    const statuses = new Map<number, number>();
    for (const body of fc.sample(hostile, { seed: 1717, numRuns: 2_000 })) {
      const res = await post(app, '/v1/adapters/jube', body);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, body.slice(0, 200)).toBeLessThan(500);
      const a = (await res.json()) as any;
      if (res.status === 200) expect(a.ProtocolVersion).toBe('1.1');
      if (a.Value === null) expect(typeof a.Error).toBe('string');
    }
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
  }, 120_000);
});
