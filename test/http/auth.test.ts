import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { findKey, hashKey, newApiKey } from '../../src/http/auth.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { tempModels, defaultPolicy, twoAlerts } from './helpers.ts';

let registry: ModelRegistry;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
});
afterAll(async () => registry.close());

const scorer = newApiKey('pipeline', ['score']);
const admin = newApiKey('ops', ['admin']);

describe('API keys', () => {
  const app = () => createApp({ registry, policyFor: defaultPolicy, apiKeys: [scorer.entry, admin.entry] });
  const score = (headers: Record<string, string>) => app().request('http://localhost/v1/score', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ alerts: twoAlerts }) });

  it.each([
    ['no key', {}, 401, 'missing API key (Authorization: Bearer <key>)'],
    ['an unknown key', { authorization: 'Bearer wnw_nope' }, 401, 'unknown API key'],
    ['a key without the score scope', { authorization: `Bearer ${admin.key}` }, 403, "key 'ops' lacks the 'score' scope"],
  ])('answers %s with %s', async (_name, headers, status, message) => {
    const res = await score(headers);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(message);
    if (status === 401) expect(res.headers.get('www-authenticate')).toBe('Bearer realm="winnow"');
  });

  it('admits a key with the scope, by bearer token or X-API-Key', async () => {
    expect((await score({ authorization: `Bearer ${scorer.key}` })).status).toBe(200);
    expect((await score({ 'x-api-key': scorer.key })).status).toBe(200);
  });

  it('keeps activation for admin keys', async () => {
    const activate = (key: string) => app().request('http://localhost/v1/models/default/1/activate', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
    expect((await activate(scorer.key)).status).toBe(403);
    expect((await activate(admin.key)).status).toBe(200);
  });

  it('stores only hashes and matches keys by them', () => {
    expect(scorer.entry.sha256).toBe(hashKey(scorer.key));
    expect(JSON.stringify(scorer.entry)).not.toContain(scorer.key);
    expect(findKey([scorer.entry, admin.entry], admin.key)?.name).toBe('ops');
    expect(findKey([scorer.entry], 'wnw_other')).toBeUndefined();
  });
});
