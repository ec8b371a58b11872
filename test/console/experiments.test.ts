/**
 * @module The console's experiments pages on the real app and a real SQLite store: the running
 * experiment's report (the API's own figures), start through the form, refusals naming the field,
 * scope and CSRF refusals of forged posts, stop.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentReport } from '../../src/experiments/report.ts';
import { newApiKey, type Scope } from '../../src/http/auth.ts';
import { createApp } from '../../src/http/app.ts';
import { ExperimentFollower } from '../../src/registry/experiment-follower.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { alertFromRecord } from '../../src/serving/alert-schema.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import type { DecisionRecordInput } from '../../src/store/decision-record.ts';
import { DEFAULT_POSITIVE_DISPOSITIONS } from '../../src/store/feedback-record.ts';
import { openStore } from '../../src/store/open-store.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { defaultPolicy, tempModels } from '../http/helpers.ts';

const quiet = { info() {}, warn() {}, error() {} };
let models: string;
let registry: ModelRegistry;
beforeAll(async () => {
  models = tempModels();
  registry = await ModelRegistry.open(models);
});
afterAll(async () => registry.close());

type App = ReturnType<typeof createApp>;

/** The real app with the console, over a fresh SQLite store; `keys` (by name) when given, else open. */
async function setup(keys: { name: string; scopes: Scope[] }[] = []) {
  const store = await openStore(join(mkdtempSync(join(tmpdir(), 'winnow-console-exp-')), 'winnow.db'));
  const follower = new ExperimentFollower({ store, modelsDir: models, base: { neverSuppress: ['scr_sanctions'] }, intervalMs: 60_000, logger: quiet });
  const recorded: DecisionRecordInput[] = [];
  const made = keys.map((k) => ({ ...k, ...newApiKey(k.name, k.scopes) }));
  const app = createApp({
    registry, policyFor: defaultPolicy, decisions: store, apiKeys: made.map((k) => k.entry),
    record: (results, model, requestId) => void recorded.push(...decisionRecords(results, model, requestId)),
    experiments: { current: () => follower.current(), routes: { store, positive: DEFAULT_POSITIVE_DISPOSITIONS, prepare: (d) => follower.prepare(d), onChange: () => follower.poll() } },
    console: { store, positive: DEFAULT_POSITIVE_DISPOSITIONS },
  });
  const secrets = Object.fromEntries(made.map((k) => [k.name, k.key]));
  return { store, follower, app, recorded, secrets, async close() { await follower.stop(); await store.close(); } };
}

/** A browser's view of the console: its session cookie and CSRF token. */
class Visitor {
  cookie = '';
  csrf = '';
  constructor(private readonly app: App) {}

  async signIn(key: string): Promise<this> {
    const res = await this.send('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key }).toString() });
    expect(res.status).toBe(303);
    return this;
  }

  async get(path: string): Promise<{ status: number; html: string; location: string | null }> {
    const res = await this.send(path);
    const html = await res.text();
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? this.csrf;
    return { status: res.status, html, location: res.headers.get('location') };
  }

  async post(path: string, fields: Record<string, string>, csrf = this.csrf): Promise<{ status: number; html: string; location: string | null }> {
    const res = await this.send(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, ...fields }).toString() });
    return { status: res.status, html: await res.text(), location: res.headers.get('location') };
  }

  private async send(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await this.app.request(`http://localhost${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...(this.cookie ? { cookie: this.cookie } : {}) } });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return res;
  }
}

const text = (html: string) => html.replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const json = (app: App, path: string, body: unknown) => app.request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Scores `rows` seeded alerts through the API, records them, and labels every alert sent to review. */
async function traffic(env: Awaited<ReturnType<typeof setup>>, rows: number, seed: number) {
  const records = Array.from(generateAlerts({ rows, seed }));
  const labels = new Map(records.map((a) => [String(a.alert_id), Number(a.is_true_positive)]));
  const batch = records.map((a) => alertFromRecord(a));
  const reviewed: string[] = [];
  for (let i = 0; i < batch.length; i += 1000) {
    const res = await json(env.app, '/v1/score', { alerts: batch.slice(i, i + 1000) });
    expect(res.status).toBe(200);
    for (const r of ((await res.json()) as { results: { id: string; decision: string }[] }).results) if (r.decision !== 'auto_close') reviewed.push(r.id);
  }
  await env.store.writeDecisions(env.recorded.splice(0));
  const now = new Date().toISOString();
  await env.store.writeFeedback(reviewed.map((alertId) => ({ alertId, disposition: labels.get(alertId) === 1 ? 'true_positive' as const : 'false_positive' as const, analystId: 'an', decidedAt: now })));
}

const START = { id: 'ab-console', description: 'looser close', rule: 'thresholds', closeBelow: '0.08', escalateAt: '0.6', sampleRate: '0.1', weight: '1', maxMissedRate: '0.9' };

describe('experiments pages', () => {
  it('starts an experiment from the form, shows its report with the API\'s figures and intervals, and stops it', async () => {
    const env = await setup();
    const admin = new Visitor(env.app);
    const empty = await admin.get('/experiments');
    expect(empty.status).toBe(200);
    expect(empty.html).toContain('data-testid="none-running"');
    expect(empty.html).toContain('href="/experiments/new"');
    expect((await admin.get('/experiments/new')).status).toBe(200);

    const started = await admin.post('/experiments', START);
    expect(started.status).toBe(303);
    expect(started.location).toBe('/experiments/ab-console?done=Started%20experiment%20ab-console.');
    // Recorded as POST /v1/experiments would record it, by the console user, and followed at once.
    const state = await env.store.getExperiment('ab-console');
    expect(state).toMatchObject({ status: 'running', createdBy: 'local', definition: {
      description: 'looser close', unit: 'alert', guardrail: { maxMissedRate: 0.9 },
      arms: [{ name: 'control', shadow: false }, { name: 'treatment', shadow: false, weight: 1, thresholds: { closeBelow: 0.08, escalateAt: 0.6, belowTheLineSampleRate: 0.1 } }],
    } });
    expect(env.follower.current()?.state.id).toBe('ab-console');

    await traffic(env, 3000, 21);
    const api = (await (await env.app.request('http://localhost/v1/experiments/ab-console/report')).json()) as ExperimentReport;
    expect(api.arms[0].alerts + api.arms[1].alerts).toBe(3000);
    expect(api.arms[1].missedRate).not.toBeNull();

    const page = await admin.get('/experiments');
    expect(page.status).toBe(200);
    const shown = text(page.html);
    expect(shown).toContain('Running: ab-console');
    for (const a of api.arms) {
      expect(shown).toContain(a.alerts.toLocaleString('en-US'));
      expect(shown).toContain(`${a.closed.toLocaleString('en-US')} (${(a.shareClosed * 100).toFixed(1)}%)`);
      expect(shown).toContain(`${(a.missedRate!.estimate * 100).toFixed(1)}% (${(a.missedRate!.low * 100).toFixed(1)}%–${(a.missedRate!.high * 100).toFixed(1)}%)`);
      expect(shown).toContain(`${a.missedTruePositives!.estimate.toFixed(1)} (${a.missedTruePositives!.low.toFixed(1)}–${a.missedTruePositives!.high.toFixed(1)})`);
    }
    expect(shown).toContain(api.comparisons[0].verdict);
    expect(page.html).toContain('<svg');
    expect(page.html).toContain('data-live-report="/experiments/ab-console/report.html"');
    expect(page.html).toMatch(/src="\/console\/assets\/experiments\.js\?v=[0-9a-f]{16}"/);
    expect(page.html).toContain('data-testid="stop-form"');
    expect(page.html).not.toContain('href="/experiments/new"');

    // The fragment the live update swaps in: the same report, alone, behind the console session.
    const fragment = await admin.get('/experiments/ab-console/report.html?minutesPerAlert=20');
    expect(fragment.status).toBe(200);
    expect(fragment.html.startsWith('<div class="report"')).toBe(true);
    expect(text(fragment.html)).toContain('analyst hours saved (20 min/alert)');
    expect((await admin.get('/experiments/ab-console/report.html?minutesPerAlert=abc')).html).toMatch(/^minutesPerAlert: /);
    expect((await new Visitor(env.app).get('/experiments/nope')).status).toBe(404);
    expect((await new Visitor(env.app).get('/experiments/no%20pe')).status).toBe(400);

    const stopped = await admin.post('/experiments/ab-console/stop', { reason: 'enough seen' });
    expect(stopped.status).toBe(303);
    expect(await env.store.getExperiment('ab-console')).toMatchObject({ status: 'stopped', stopReason: 'enough seen' });
    expect(env.follower.current()).toBeUndefined();
    const after = await admin.get('/experiments');
    expect(after.html).toContain('data-testid="none-running"');
    expect(after.html).toContain('href="/experiments/ab-console"');
    expect(text(after.html)).toContain('enough seen');
    const detail = await admin.get('/experiments/ab-console');
    expect(detail.html).toContain('data-status="stopped"');
    expect(detail.html).not.toContain('data-testid="stop-form"');
    expect(detail.html).not.toContain('experiments.js');
    await env.close();
  }, 60_000);

  it('re-renders the form with 400 naming the field and keeping what was typed; 422 for an arm that cannot be served; 409 while one runs', async () => {
    const env = await setup();
    const admin = new Visitor(env.app);
    await admin.get('/experiments/new');
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ closeBelow: '2' }, 'closeBelow', /Treatment close below: arms\.1\.thresholds\.closeBelow: closeBelow must be at most 1/],
      [{ closeBelow: 'abc' }, 'closeBelow', /Treatment close below: must be a number \(got "abc"\)/],
      [{ closeBelow: '' }, 'closeBelow', /Treatment close below: is required when the treatment decides by thresholds/],
      [{ escalateAt: '0.05' }, 'escalateAt', /Treatment escalate at: arms\.1\.thresholds\.escalateAt: escalateAt must be above closeBelow/],
      [{ id: 'no spaces' }, 'id', /Experiment id: id: must be 1–64 letters/],
      [{ weight: '0' }, 'weight', /Treatment weight: arms\.1\.weight: must be greater than 0 for a live arm/],
      [{ maxMissedRate: '1.5' }, 'maxMissedRate', /Guardrail: max missed rate: guardrail\.maxMissedRate: must be less than 1/],
      [{ stopAt: '2020-01-01T00:00' }, 'stopAt', /Stop at \(UTC\): stopAt: /],
      [{ rule: 'policy', policy: '{"version": ' }, 'policy', /Treatment policy \(JSON\): is not valid JSON/],
      [{ rule: 'policy', policy: '{"version":"p1","bands":[{"name":"low","below":2,"decision":"auto_close"},{"name":"rest","decision":"review"}],"neverSuppress":[],"belowTheLineSampleRate":0.02}' }, 'policy', /Treatment policy \(JSON\): arms\.1\.policy\.bands\.0\.below: must be at most 1/],
      [{ rule: 'sideways' }, 'rule', /Treatment decides by: must be one of thresholds, policy, service/],
      [{ shadow: 'on', shadowCloseBelow: '0' }, 'shadowCloseBelow', /Shadow close below: arms\.2\.thresholds\.closeBelow: closeBelow must be greater than 0/],
    ];
    for (const [fields, field, message] of cases) {
      const res = await admin.post('/experiments', { ...START, ...fields });
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(text(res.html)).toMatch(message);
      // The field at fault is marked, and what was typed is still there.
      expect(res.html).toMatch(field === 'rule' ? /<div class="choice invalid" aria-invalid="true">/ : new RegExp(`name="${field}"[^>]*class="invalid"|class="invalid"[^>]*name="${field}"`));
      for (const [k, v] of Object.entries(fields)) {
        if (k === 'rule' || k === 'shadow') continue;
        const escaped = v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
        expect(res.html.includes(`value="${escaped}"`) || res.html.includes(`>${escaped}</textarea>`), `${k} kept`).toBe(true);
      }
    }
    expect(await env.store.listExperiments()).toEqual([]);

    const missing = await admin.post('/experiments', { ...START, treatmentModel: 'default/9' });
    expect(missing.status).toBe(422);
    expect(text(missing.html)).toMatch(/default\/9.*nothing was recorded/);

    expect((await admin.post('/experiments', START)).status).toBe(303);
    const conflict = await admin.post('/experiments', { ...START, id: 'ab-2' });
    expect(conflict.status).toBe(409);
    expect(text(conflict.html)).toContain("experiment 'ab-console' is running; stop it first (one experiment at a time)");
    expect(conflict.html).toContain('value="ab-2"');
    await env.close();
  }, 60_000);

  it('pre-fills the policy the Thresholds page hands over, and starts an arm under it', async () => {
    const env = await setup();
    const admin = new Visitor(env.app);
    const policy = { version: 'thr-console-1', bands: [{ name: 'low', below: 0.05, decision: 'auto_close' }, { name: 'mid', below: 0.6, decision: 'review' }, { name: 'high', decision: 'escalate' }], neverSuppress: ['scr_sanctions'], belowTheLineSampleRate: 0.05 };
    const form = await admin.get(`/experiments/new?from=thresholds&policy=${encodeURIComponent(JSON.stringify(policy))}`);
    expect(form.status).toBe(200);
    const typed = /<textarea name="policy"[^>]*>([^<]*)<\/textarea>/.exec(form.html)![1].replace(/&quot;/g, '"');
    expect(JSON.parse(typed)).toEqual(policy);
    expect(form.html).toMatch(/value="policy" checked/);
    expect((await admin.get('/experiments/new?from=elsewhere')).status).toBe(400);
    const res = await admin.post('/experiments', { id: 'from-thr', rule: 'policy', policy: typed, weight: '1' });
    expect(res.status).toBe(303);
    expect((await env.store.getExperiment('from-thr'))?.definition.arms[1]).toMatchObject({ name: 'treatment', policy: { version: 'thr-console-1' } });
    await env.close();
  });

  it('offers no start or stop to a key without admin, refuses its forged posts with 403, and refuses a post without the CSRF token', async () => {
    const env = await setup([{ name: 'boss', scopes: ['admin'] }, { name: 'analyst', scopes: ['score', 'feedback'] }]);
    const boss = await new Visitor(env.app).signIn(env.secrets.boss);
    await boss.get('/experiments/new');
    expect((await boss.post('/experiments', START)).status).toBe(303);
    expect((await env.store.getExperiment('ab-console'))?.createdBy).toBe('boss');

    const analyst = await new Visitor(env.app).signIn(env.secrets.analyst);
    const page = await analyst.get('/experiments');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Running: ');
    expect(page.html).not.toContain('data-testid="stop-form"');
    expect(page.html).not.toContain('/experiments/new');
    expect((await analyst.get('/experiments/new')).status).toBe(403);
    const forgedStart = await analyst.post('/experiments', { ...START, id: 'sneaky' });
    expect(forgedStart.status).toBe(403);
    expect(forgedStart.html).toBe("'analyst' lacks the 'admin' scope this action needs");
    const forgedStop = await analyst.post('/experiments/ab-console/stop', { reason: 'mine now' });
    expect(forgedStop.status).toBe(403);
    expect((await env.store.getExperiment('ab-console'))?.status).toBe('running');

    // The admin's own form without its token, or with another session's: refused, nothing stopped.
    expect((await boss.post('/experiments/ab-console/stop', {}, '')).status).toBe(403);
    expect((await boss.post('/experiments/ab-console/stop', {}, analyst.csrf)).status).toBe(403);
    expect((await env.store.getExperiment('ab-console'))?.status).toBe('running');
    // Signed out, the report fragment is a redirect to the login page, not a report.
    const stranger = await new Visitor(env.app).get('/experiments/ab-console/report.html');
    expect(stranger.status).toBe(303);
    expect(stranger.location).toBe('/login?next=%2Fexperiments%2Fab-console%2Freport.html');

    const stop = await boss.post('/experiments/ab-console/stop', {});
    expect(stop.status).toBe(303);
    expect(await env.store.getExperiment('ab-console')).toMatchObject({ status: 'stopped', stopReason: 'stopped by boss' });
    await env.close();
  });
});
