/**
 * The console's stylesheet and scripts: linked by content hash, so after an upgrade a browser never
 * runs an old script against a new page, and kept for a year under that hash. The same mechanism
 * serves /docs (test/http/api-docs.test.ts).
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordingApp } from '../http/helpers.ts';

const server = recordingApp('console-assets');
let app: ReturnType<typeof server.app>;
beforeAll(() => {
  app = server.app({ console: { store: server.store, positive: ['true_positive', 'sar_filed'] }, experiments: server.experiments });
});

/** The asset URLs a page links, in order. */
async function linked(path: string): Promise<string[]> {
  const res = await app.request(path);
  expect(res.status, path).toBe(200);
  return [...(await res.text()).matchAll(/(?:href|src)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]);
}

describe('console assets', () => {
  it('are linked by the hash of what is served, and kept for a year under it', async () => {
    const urls = [...await linked('/'), ...await linked('/thresholds'), ...await linked('/experiments')];
    expect(urls).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\/console\/assets\/console\.css\?v=[0-9a-f]{16}$/),
      expect.stringMatching(/^\/console\/assets\/thresholds\.js\?v=[0-9a-f]{16}$/),
    ]));
    for (const url of new Set(urls)) {
      const res = await app.request(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toMatch(url.includes('.css') ? /^text\/css/ : /^text\/javascript/);
      expect(res.headers.get('cache-control'), url).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const body = Buffer.from(await res.arrayBuffer());
      expect(createHash('sha256').update(body).digest('hex').slice(0, 16), url).toBe(new URL(url, 'http://x').searchParams.get('v'));
    }
  });

  it('are revalidated when asked for without their hash or with an old one, and answer 304 to their ETag', async () => {
    for (const url of ['/console/assets/console.css', '/console/assets/console.css?v=0000000000000000']) {
      const res = await app.request(url);
      expect(res.headers.get('cache-control'), url).toBe('no-cache');
      const etag = res.headers.get('etag')!;
      expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
      const again = await app.request(url, { headers: { 'if-none-match': `W/${etag}` } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
    }
  });

  it('are gzipped for clients that accept it', async () => {
    const plain = Buffer.from(await (await app.request('/console/assets/experiments.js')).arrayBuffer());
    const res = await app.request('/console/assets/experiments.js', { headers: { 'accept-encoding': 'br, gzip;q=0.8' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await res.arrayBuffer()))).toEqual(plain);
    expect((await app.request('/console/assets/experiments.js', { headers: { 'accept-encoding': 'gzip;q=0' } })).headers.get('content-encoding')).toBeNull();
  });

  it('answer hostile caching and encoding headers and queries as if they were absent', async () => {
    const plain = await (await app.request('/console/assets/console.css')).text();
    const hostile = ['', '\u0000', '"', 'W/', ',,,', 'x'.repeat(100_000), 'gzip;q=', 'gzip;q=abc', `${'gzip;q=0.'.repeat(10_000)}`];
    for (const value of hostile) {
      const res = await app.request(`/console/assets/console.css?v=${encodeURIComponent(value)}`, { headers: { 'if-none-match': value.replace(/\u0000/g, ''), 'accept-encoding': value.replace(/\u0000/g, '') } });
      expect(res.status, value.slice(0, 20)).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      if (!res.headers.get('content-encoding')) expect(await res.text()).toBe(plain);
    }
  });

  it('refuse any other name with a 404 that names it', async () => {
    for (const name of ['nope.css', '__proto__', 'valueOf', '..%2F..%2Fpackage.json', '%00', 'console.css%00']) {
      const res = await app.request(`/console/assets/${name}`);
      expect(res.status, name).toBe(404);
      expect(await res.text(), name).toContain('no console asset');
    }
  });
});
