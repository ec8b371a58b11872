/**
 * The models pages over a real app, SQLite store and activation log, with two real bundles
 * (default/1 and default/2): listing, the model card and drift, promote and rollback through the
 * confirmation forms (the admin API's own functions), hostile parameters, and forged POSTs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { newApiKey } from '../../src/http/auth.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { decisionRecords } from '../../src/serving/decision-records.ts';
import { BatchingWriter } from '../../src/store/batching-writer.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { type KyselyActivationLog } from '../../src/store/activation-log.ts';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import { openWorkerStore } from '../../src/store/worker-store.ts';
import { breakVersion, addVersion, modelsWithVersions } from '../helpers/model-versions.ts';
import { defaultPolicy, twoAlerts } from '../http/helpers.ts';

const quiet = { info() {}, warn() {}, error() {} };
const admin = newApiKey('ops', ['admin', 'score']);
const scorer = newApiKey('pipeline', ['score', 'feedback']);

let modelsDir: string;
let registry: ModelRegistry;
let store: DecisionStore;
let log: KyselyActivationLog;
let writer: BatchingWriter;

/** An app over the shared registry, store and log; with `keys`, the console asks for a key. */
function app(keys?: { entry: ReturnType<typeof newApiKey>['entry'] }[]) {
  return createApp({
    registry, policyFor: defaultPolicy, decisions: store, feedback: store, activations: log, apiKeys: keys?.map((k) => k.entry),
    record: (results, model, requestId) => writer.enqueue(decisionRecords(results, model, requestId)),
    console: { store, positive: ['true_positive', 'sar_filed'] },
  });
}

/** A console session: its cookie and CSRF token (signed in with `key` when given). */
async function session(a: ReturnType<typeof app>, key?: string) {
  let cookie: string;
  if (key) {
    const res = await a.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key }).toString() });
    expect(res.status).toBe(303);
    cookie = res.headers.get('set-cookie')!.split(';')[0];
  } else {
    cookie = (await a.request('/')).headers.get('set-cookie')!.split(';')[0];
  }
  // Keyed sessions carry the token in the sign-out form; a keyless one (admin) in the confirmation's.
  const page = await (await a.request(key ? '/models' : '/models/promote?model=default/2', { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
  return {
    get: (path: string) => a.request(path, { headers: { cookie } }),
    post: (path: string, fields: Record<string, string>, token = csrf) => a.request(path, {
      method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...fields, _csrf: token }).toString(),
    }),
  };
}

/** The hidden fields of the confirmation form on `html`. */
function confirmFields(html: string): Record<string, string> {
  const form = /<form method="post" action="\/models\/(?:promote|rollback)"[\s\S]*?<\/form>/.exec(html)![0];
  return Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

const entries = async () => (await log.history(100)).map((e) => `${e.action}:${e.model.version}:${e.actor}${e.note ? `:${e.note}` : ''}`);

beforeAll(async () => {
  modelsDir = await modelsWithVersions(['1', '2']);
  registry = await ModelRegistry.open(modelsDir, 'default/1');
  const dir = mkdtempSync(join(tmpdir(), 'winnow-console-models-'));
  store = await openWorkerStore(join(dir, 'winnow.db'));
  await store.init();
  log = await openActivationLog(join(dir, 'winnow.db'));
  await log.record({ model: { name: 'default', version: '1' }, action: 'initial', actor: 'serve@test:1' });
  writer = new BatchingWriter({ store, logger: quiet, flushIntervalMs: 0 });
  // Decisions of default/1 today, for its drift table.
  const alerts = Array.from({ length: 60 }, (_, i) => ({ ...twoAlerts[i % 2], id: `M-${i}` }));
  const scored = await app().request('/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts }) });
  expect(scored.status).toBe(200);
  await writer.flush();
}, 60_000);
afterAll(async () => {
  await writer.close();
  await log.close();
  await store.close();
  await registry.close();
});

describe('reading the models pages', () => {
  it('lists both versions with their figures, marks the active one, and shows the activation log', async () => {
    const s = await session(app());
    const res = await s.get('/models');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="model-default/1"');
    expect(html).toContain('data-testid="model-default/2"');
    expect(/data-testid="model-default\/1" class="active">[\s\S]*?active-marker/.test(html)).toBe(true);
    expect(html).toContain('<span data-testid="active-model">default/1</span>');
    expect(html).toContain('0.8841'); // holdout AUC of the shipped bundle
    expect(html).toContain('href="/models/promote?model=default%2F2"');
    expect(html).not.toContain('href="/models/promote?model=default%2F1"'); // the active one is not offered
    expect(/data-testid="activations"[\s\S]*initial[\s\S]*serve@test:1/.test(html)).toBe(true);
  });

  it("renders a version's model card as escaped HTML and its drift per feature for today", async () => {
    const s = await session(app());
    const res = await s.get('/models/default/1?days=3');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h2>Model card: default 1</h2>');
    expect(html).toContain('<table><thead><tr><th>#</th><th>Name</th>');
    expect(html).toContain('<code>default-alerts.csv</code>');
    const drift = /<table class="heat" data-testid="drift-table">[\s\S]*?<\/table>/.exec(html)![0];
    const days = [...drift.matchAll(/<th class="num" title="(\d{4}-\d\d-\d\d)">/g)].map((m) => m[1]);
    expect(days).toHaveLength(3);
    expect(days[2]).toBe(new Date().toISOString().slice(0, 10));
    expect(drift).toContain('<tr data-testid="drift-score">');
    expect(drift).toContain('<tr data-testid="drift-amount_usd">');
    expect(/<th>decisions<\/th><th class="num">—<\/th><th class="num">—<\/th><th class="num">60<\/th>/.test(drift)).toBe(true);
    expect(html).toContain('Each day reads at most 2,000 stored live decisions');
  });

  it.each([
    ['/models/default/9', 404, '/models/default/9', /^no bundle default\/9 in the models folder \(have default\/1, default\/2\)$/],
    ['/models/default/1?days=0', 400, '/models/default/1?days=0', /^query 'days': must be 1 to 31$/],
    ['/models/default/1?days=ten', 400, '/models/default/1?days=ten', /^query 'days': must be a whole number of days, 1 to 31$/],
    ['/models/..%2F..%2Fetc/passwd', 400, '/models/..%2F..%2Fetc/passwd', /^model in the path must be <name>\/<version>/],
    ['/models/default%00/1', 400, '/models/default%00/1', /^model in the path must be <name>\/<version>/],
    ['/models/promote', 400, '/models/promote', /^query 'model' is missing/],
    ['/models/promote?model=../../etc', 400, '/models/promote?model=../../etc', /^query 'model' must be <name>\/<version>, each letters, digits/],
    ['/models/promote?model=default%00/2', 400, '/models/promote?model=default%00/2', /^query 'model' must be <name>\/<version>/],
    ['/models/promote?model=xxx…(5,000 x)/1', 400, `/models/promote?model=${'x'.repeat(5000)}/1`, /^query 'model' is too long/],
    ['/models/promote?model=default/9', 404, '/models/promote?model=default/9', /^query 'model': no bundle default\/9 in the models folder/],
  ])('GET %s answers %s naming the problem', async (_label, status, path, message) => {
    const s = await session(app());
    const res = await s.get(path);
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(message);
  });
});

describe('promote and roll back through the confirmation forms', () => {
  it('promote shows what changes, then activates default/2 through the API path and logs it; rollback restores default/1', async () => {
    const s = await session(app());
    const confirm = await s.get('/models/promote?model=default/2');
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain('Every replica will serve <strong>default/2</strong> instead of <strong>default/1</strong>');
    expect(html).toContain('<th class="num">now: default/1</th><th class="num">after: default/2</th>');
    const fields = confirmFields(html);
    expect(fields.model).toBe('default/2');

    const done = await s.post('/models/promote', { ...fields, note: 'canary looked good' });
    expect(done.status).toBe(303);
    expect(decodeURIComponent(done.headers.get('location')!)).toMatch(/^\/models\?done=default\/2 is now active \(was default\/1\); activation #\d+ is in the log/);
    expect(registry.active.version).toBe('2');
    expect((await entries())[0]).toBe('activate:2:local:canary looked good');
    const list = await (await s.get('/models')).text();
    expect(list).toContain('<span data-testid="active-model">default/2</span>');

    // The same confirmation sent again is stale: the log moved on, nothing is recorded.
    const stale = await s.post('/models/promote', { ...fields, model: 'default/1' });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('the activation log changed meanwhile');
    expect(registry.active.version).toBe('2');

    const back = await s.get('/models/rollback');
    expect(back.status).toBe(200);
    const backHtml = await back.text();
    expect(backHtml).toContain('Every replica will go back to <strong>default/1</strong>, from <strong>default/2</strong>');
    const rolled = await s.post('/models/rollback', confirmFields(backHtml));
    expect(rolled.status).toBe(303);
    expect(decodeURIComponent(rolled.headers.get('location')!)).toMatch(/^\/models\?done=Rolled back: default\/1 is now active \(was default\/2\)/);
    expect(registry.active.version).toBe('1');
    expect((await entries()).slice(0, 2)).toEqual(['rollback:1:local', 'activate:2:local:canary looked good']);
  });

  it('a bundle that fails to load is refused with 422, keeps the old model, and records nothing', async () => {
    await addVersion(modelsDir, '3');
    breakVersion(modelsDir, '3');
    const s = await session(app());
    const before = await entries();
    const fields = confirmFields(await (await s.get('/models/promote?model=default/3')).text());
    const res = await s.post('/models/promote', fields);
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/sha256 mismatch.*; the previous model keeps serving and nothing was recorded/);
    expect(registry.active.version).toBe('1');
    expect(await entries()).toEqual(before);
  });

  it.each([
    ['no model', { seq: '1' }, "field 'model'"],
    ['a path in model', { model: '../../etc/passwd', seq: '1' }, "field 'model' must be <name>/<version>"],
    ['a NUL in model', { model: 'default\u0000/2', seq: '1' }, "field 'model' must be <name>/<version>"],
    ['a huge model', { model: `${'x'.repeat(3000)}/2`, seq: '1' }, "field 'model' is too long"],
    ['no seq', { model: 'default/2' }, "field 'seq' is missing: reload the confirmation page"],
    ['a seq that is not a number', { model: 'default/2', seq: 'latest' }, "field 'seq' must be the number of a log entry"],
    ['a note too long', { model: 'default/2', seq: '1', note: 'n'.repeat(2001) }, "field 'note' must be at most 2000 characters"],
  ])('POST /models/promote with %s answers 400 naming the field', async (_what, fields, message) => {
    const s = await session(app());
    const before = await entries();
    const res = await s.post('/models/promote', fields);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(message);
    expect(await entries()).toEqual(before);
  });

  it('rollback with nothing before the current entry answers 409 on the page and the form', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winnow-console-models-empty-'));
    const lonely = await openActivationLog(join(dir, 'winnow.db'));
    await lonely.record({ model: { name: 'default', version: '1' }, action: 'initial', actor: 'serve@test:2' });
    try {
      const a = createApp({ registry, policyFor: defaultPolicy, activations: lonely, console: { store, positive: ['true_positive'] } });
      const s = await session(a);
      const page = await s.get('/models/rollback');
      expect(page.status).toBe(409);
      expect(await page.text()).toContain('nothing to roll back to: default/1 is the first entry of the activation log');
      const res = await s.post('/models/rollback', { seq: '1' });
      expect(res.status).toBe(409);
    } finally {
      await lonely.close();
    }
  });
});

describe('who may promote and roll back', () => {
  it('a key without admin sees no promote or rollback, cannot open the confirmations, and a forged POST gets 403', async () => {
    const a = app([admin, scorer]);
    const s = await session(a, scorer.key);
    const list = await (await s.get('/models')).text();
    expect(list).toContain('data-testid="model-default/2"');
    expect(list).not.toContain('/models/promote');
    expect(list).not.toContain('/models/rollback');
    expect((await s.get('/models/promote?model=default/2')).status).toBe(403);
    expect((await s.get('/models/rollback')).status).toBe(403);
    const before = await entries();
    for (const [path, fields] of [['/models/promote', { model: 'default/2', seq: '1' }], ['/models/rollback', { seq: '1' }]] as const) {
      const res = await s.post(path, fields);
      expect(res.status).toBe(403);
      expect(await res.text()).toBe("'pipeline' lacks the 'admin' scope this action needs");
    }
    expect(registry.active.version).toBe('1');
    expect(await entries()).toEqual(before);
  });

  it('an admin key promotes under its own name; a POST without the CSRF token gets 403', async () => {
    const a = app([admin, scorer]);
    const s = await session(a, admin.key);
    const fields = confirmFields(await (await s.get('/models/promote?model=default/2')).text());
    expect((await s.post('/models/promote', fields, 'not-the-token')).status).toBe(403);
    expect(registry.active.version).toBe('1');
    expect((await s.post('/models/promote', fields)).status).toBe(303);
    expect(registry.active.version).toBe('2');
    expect((await entries())[0]).toBe('activate:2:ops');
    const back = confirmFields(await (await s.get('/models/rollback')).text());
    expect((await s.post('/models/rollback', back)).status).toBe(303);
    expect(registry.active.version).toBe('1');
  });
});
