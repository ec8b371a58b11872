/**
 * The thresholds page on a real app over a real SQLite store filled with labelled decisions: it draws
 * the closure curve and the per-rule table; the policy it offers parses, and on the decisions it was
 * chosen on keeps the recall it promised (or meets the review budget); never-suppressed rules are never
 * closed; bad query strings get a 400 naming the field; too few labels say what to do; only admins
 * are offered the experiment button.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { newApiKey } from '../../src/http/auth.ts';
import { compilePolicy, decide, parsePolicy, type Policy } from '../../src/policy/index.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import type { LabelledScore } from '../../src/store/console-queries.ts';
import type { DecisionRecordInput } from '../../src/store/decision-record.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { defaultPolicy, tempModels } from '../http/helpers.ts';
import { makeRecord } from '../store/fixtures.ts';

const RULES = ['tm_structuring', 'tm_large_cash', 'kyc_mismatch', 'scr_sanctions'];
const START = Date.parse('2026-03-01T00:00:00.000Z');
const DAYS = 20;
const N = 4000;
const CLOSE_BELOW = 0.05;
const SAMPLE_RATE = 0.05;
const POSITIVE = ['true_positive', 'sar_filed'];
const PERIOD = 'from=2026-03-01&to=2026-03-31';

/** A small seeded generator, so the data (and what the page chooses) is the same every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Decisions as the serving policy made them (close below 0.05, 1 in 20 of those sampled to review),
 * with labels on every reviewed one, as analysts would record them: 6% true positives, scored higher.
 */
function fill(): { records: DecisionRecordInput[]; labels: { alertId: string; disposition: 'true_positive' | 'false_positive' }[] } {
  const rnd = mulberry32(16);
  const records: DecisionRecordInput[] = [];
  const labels: { alertId: string; disposition: 'true_positive' | 'false_positive' }[] = [];
  for (let i = 0; i < N; i++) {
    const positive = rnd() < 0.06;
    const score = Math.min(0.999, positive ? 0.02 + 0.9 * Math.sqrt(rnd()) : 0.6 * rnd() ** 3);
    const ruleId = RULES[Math.floor(rnd() * RULES.length)];
    const closes = score < CLOSE_BELOW && ruleId !== 'scr_sanctions';
    const sampled = closes && rnd() < SAMPLE_RATE;
    const decision = closes && !sampled ? 'auto_close' : score >= 0.5 ? 'escalate' : 'review';
    records.push(makeRecord(i, {
      alertId: `t-${i}`, decidedAt: new Date(START + (i / N) * DAYS * 86_400_000).toISOString(), ruleId, segment: i % 3 ? 'retail' : 'business',
      score, decision, band: closes ? 'low' : score >= 0.5 ? 'high' : 'medium', sample: sampled, sampleRate: SAMPLE_RATE,
      reason: sampled ? 'below_the_line_sample' : null,
    }));
    if (decision !== 'auto_close') labels.push({ alertId: `t-${i}`, disposition: positive ? 'true_positive' : 'false_positive' });
  }
  return { records, labels };
}

let registry: ModelRegistry;
let store: DecisionStore;
let rows: LabelledScore[];
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
  store = await openStore(join(mkdtempSync(join(tmpdir(), 'winnow-thr-')), 'winnow.db'));
  const { records, labels } = fill();
  for (let i = 0; i < records.length; i += 500) await store.writeDecisions(records.slice(i, i + 500));
  await store.writeFeedback(labels.map((l) => ({ ...l, analystId: 'an-1', decidedAt: '2026-03-25T00:00:00Z' })));
  rows = await store.labelledScores('2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z');
});
afterAll(async () => {
  await registry?.close();
  await store?.close();
});

const admin = newApiKey('lead', ['admin']);
const scorer = newApiKey('pipeline', ['score']);
const app = (apiKeys = [admin.entry, scorer.entry]) => createApp({
  registry, policyFor: defaultPolicy, apiKeys,
  console: { store, positive: POSITIVE, policy: { neverSuppress: ['scr_sanctions'] } },
});
let open: ReturnType<typeof createApp> | undefined;
/** The console without keys (loopback): every visitor may do everything. */
const openApp = () => (open ??= app([]));

/** A session cookie for `key`, through the login form. */
async function signIn(a: ReturnType<typeof createApp>, key: string): Promise<string> {
  const res = await a.request('http://localhost/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key, next: '/thresholds' }).toString() });
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0];
}

const get = (path: string, a = openApp(), cookie?: string) => a.request(`http://localhost${path}`, cookie ? { headers: { cookie } } : {});

/** What a policy does to the labelled decisions, sampling off: weighted recall, alerts reviewed, and any never-suppressed alert closed. */
function outcome(policy: Policy) {
  const compiled = compilePolicy({ ...policy, belowTheLineSampleRate: 0 });
  const positive = new Set(POSITIVE);
  let kept = 0;
  let positives = 0;
  let reviewed = 0;
  let sanctionsClosed = 0;
  for (const r of rows) {
    const d = decide(compiled, { alertId: r.alertId, ruleId: r.ruleId, segment: r.segment, score: r.score });
    const closed = d.decision === 'auto_close';
    if (positive.has(r.disposition)) {
      positives += r.weight;
      if (!closed) kept += r.weight;
    }
    if (!closed) reviewed += r.weight;
    if (closed && r.ruleId === 'scr_sanctions') sanctionsClosed++;
  }
  return { recall: kept / positives, reviewed, sanctionsClosed };
}

async function downloadPolicy(query: string): Promise<Policy> {
  const res = await get(`/thresholds/policy.json?${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="winnow-policy-2026-03-01-2026-03-31\.json"$/);
  return parsePolicy(await res.json(), 'download');
}

describe('GET /thresholds', () => {
  it('reads labelled decisions with below-the-line weights', () => {
    expect(rows.length).toBeGreaterThan(2000);
    expect(rows.filter((r) => r.weight === 1 / SAMPLE_RATE).length).toBeGreaterThan(20);
    expect(rows.every((r) => r.weight === 1 || r.weight === 1 / SAMPLE_RATE)).toBe(true);
  });

  it('draws the closure curve, the chosen point and the per-rule table', async () => {
    const res = await get(`/thresholds?${PERIOD}&recall=0.9`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<svg');
    expect(html).toContain('Alerts closed against true positives kept');
    expect(html).toContain('chosen: close below');
    expect(html).toMatch(/data-testid="recall-kept">9\d\.\d\d%/);
    for (const rule of RULES) expect(html).toContain(`data-rule="${rule}"`);
    // The never-suppressed rule is shown as such, and closes nothing.
    expect(html).toMatch(/data-rule="scr_sanctions"><td>scr_sanctions <span class="pill never">never closed<\/span><\/td>(<td class="num">[^<]*<\/td>){3}<td class="num">0\.0%<\/td>/);
    expect(html).toMatch(/src="\/console\/assets\/thresholds\.js\?v=[0-9a-f]{16}"/);
    expect(html).not.toMatch(/<script>|style="/);
  });

  it('shows per-rule thresholds when asked', async () => {
    const html = await (await get(`/thresholds?${PERIOD}&recall=0.9&by=rule`)).text();
    expect(html).toContain('data-testid="per-rule-summary"');
    expect(html).toContain("rule&#39;s threshold");
  });

  it('says plainly when there are too few labelled decisions, and what to do', async () => {
    const res = await get('/thresholds?from=2020-01-01&to=2020-01-31');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="too-few"');
    expect(html).toContain('Record analysts&#39; dispositions');
    const policy = await get('/thresholds/policy.json?from=2020-01-01&to=2020-01-31');
    expect(policy.status).toBe(409);
    expect(await policy.text()).toContain('at least 20 labelled true positives');
  });

  it.each([
    ['from=garbage', 'from'],
    ['to=2026-02-30', 'to'],
    ['from=2026-03-20&to=2026-03-01', 'to'],
    ['recall=2', 'recall'],
    ['recall=NaN', 'recall'],
    ['recall=0', 'recall'],
    [`recall=${'9'.repeat(20_000)}`, 'recall', 'a 20,000-digit recall'],
    [`from=${'2'.repeat(20_000)}`, 'from', 'a 20,000-character date'],
    ['choose=budget', 'budget'],
    ['choose=budget&budget=-5', 'budget'],
    ['choose=maybe', 'choose'],
    ['per=year', 'per'],
    ['by=segment', 'by'],
  ])('refuses %s with a 400 naming %s (page and download)', async (query, field, _name?: string) => {
    for (const path of ['/thresholds', '/thresholds/policy.json']) {
      const res = await get(`${path}?${query}`);
      expect(res.status, path).toBe(400);
      const text = await res.text();
      expect(text).toContain(`'${field}'`);
      expect(text.length).toBeLessThan(300);
    }
  });
});

describe('the policy file', () => {
  it.each([0.8, 0.9, 0.95, 0.99])('at recall %s parses and keeps at least that recall on the decisions it was chosen on', async (target) => {
    const policy = await downloadPolicy(`${PERIOD}&recall=${target}`);
    expect(policy.neverSuppress).toEqual(['scr_sanctions']);
    expect(policy.bands[0].decision).toBe('auto_close');
    const o = outcome(policy);
    expect(o.recall).toBeGreaterThanOrEqual(target);
    expect(o.sanctionsClosed).toBe(0);
  });

  it('with per-rule thresholds keeps the overall recall target too', async () => {
    const policy = await downloadPolicy(`${PERIOD}&recall=0.9&by=rule`);
    const o = outcome(policy);
    expect(o.recall).toBeGreaterThanOrEqual(0.9);
    expect(o.sanctionsClosed).toBe(0);
    expect(policy.version).toContain(':by-rule');
  });

  it('closes as many alerts as the page says, at the recall it says', async () => {
    const html = await (await get(`/thresholds?${PERIOD}&recall=0.9`)).text();
    const shown = Number(/data-testid="recall-kept">([\d.]+)%/.exec(html)![1]) / 100;
    const policy = await downloadPolicy(`${PERIOD}&recall=0.9`);
    expect(outcome(policy).recall).toBeCloseTo(shown, 4);
  });

  it('for a review budget leaves at most that many alerts a day to review', async () => {
    const policy = await downloadPolicy(`${PERIOD}&choose=budget&budget=120&per=day`);
    const days = (Date.parse(rows.at(-1)!.decidedAt) - Date.parse(rows[0].decidedAt)) / 86_400_000;
    expect(outcome(policy).reviewed / days).toBeLessThanOrEqual(120);
    expect(outcome(policy).sanctionsClosed).toBe(0);
  });

  it('answers a budget that cannot be met with a 409 saying why', async () => {
    const res = await get(`/thresholds/policy.json?${PERIOD}&choose=budget&budget=1&per=day`);
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/cannot be met.*never-suppressed.*span 20 days/);
  });
});

describe('start an A/B experiment with this policy', () => {
  it('is offered to an admin, carrying the policy to /experiments/new', async () => {
    const a = app();
    const html = await (await get(`/thresholds?${PERIOD}&recall=0.9`, a, await signIn(a, admin.key))).text();
    const form = /<form method="get" action="\/experiments\/new"[^>]*>(.*?)<\/form>/s.exec(html);
    expect(form).not.toBeNull();
    expect(form![1]).toContain('name="from" value="thresholds"');
    const value = /name="policy" value="([^"]*)"/.exec(form![1])![1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(parsePolicy(JSON.parse(value))).toEqual(await downloadPolicy(`${PERIOD}&recall=0.9`));
  });

  it('is not offered to a key without the admin scope', async () => {
    const a = app();
    const res = await get(`/thresholds?${PERIOD}&recall=0.9`, a, await signIn(a, scorer.key));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="download-policy"');
    expect(html).not.toContain('/experiments/new');
  });
});
