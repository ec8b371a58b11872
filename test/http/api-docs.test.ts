/**
 * `GET /docs`: a page that loads only winnow's own assets (no CDN, no inline script), assets from an
 * allow-list with their content types and cache headers, public like /openapi.json but behind the
 * same Host and Origin guards, and hostile paths under /docs/ answered 4xx, never 5xx or a file.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { newApiKey } from '../../src/http/auth.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { defaultPolicy, tempModels } from './helpers.ts';

let registry: ModelRegistry;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
  app = createApp({ registry, policyFor: defaultPolicy });
}, 60_000);
afterAll(async () => {
  await registry.close();
});

const get = (path: string, headers: Record<string, string> = {}) => app.request(`http://localhost${path}`, { headers });
/** Every src and href of the page. */
const links = (html: string) => [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);

describe('GET /docs', () => {
  it('is an HTML page whose scripts, styles and icon are all served by winnow', async () => {
    const res = await get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    const html = await res.text();
    expect(html).toContain('<div id="swagger-ui"></div>');
    const urls = links(html);
    expect(urls.length).toBe(6);
    for (const url of urls) expect(url, 'a local absolute path').toMatch(/^\/(docs\/assets\/[\w.-]+\?v=[0-9a-f]{16}|openapi\.json)$/);
    // No inline script or style: the CSP below would refuse them.
    expect([...html.matchAll(/<script\b[^>]*>/g)].every((m) => m[0].includes(' src='))).toBe(true);
    expect(html).not.toMatch(/<style|\sstyle=|\son\w+=|javascript:/i);
  });

  it('sends a CSP that allows only its own scripts, styles and fetches, and is revalidated', async () => {
    const res = await get('/docs');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves every linked asset with its content type, immutable under its hash', async () => {
    const types: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', png: 'image/png' };
    const assets = links(await (await get('/docs')).text()).filter((u) => u.startsWith('/docs/assets/'));
    expect(assets.map((u) => u.slice('/docs/assets/'.length, u.indexOf('?')))).toEqual(['favicon-32x32.png', 'swagger-ui.css', 'docs.css', 'swagger-ui-bundle.js', 'docs-init.js']);
    for (const url of assets) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toBe(types[url.slice(url.lastIndexOf('.') + 1, url.indexOf('?'))]);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('etag')).toBe(`"${url.slice(url.indexOf('?v=') + 3)}"`);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
  });

  it('serves the swagger-ui-dist files as published, less the pointer to a source map it does not serve', async () => {
    const bundle = await (await get('/docs/assets/swagger-ui-bundle.js')).text();
    expect(bundle).toContain('SwaggerUIBundle');
    const css = await (await get('/docs/assets/swagger-ui.css')).text();
    expect(css).not.toContain('sourceMappingURL');
    const published = readFileSync(new URL('../../node_modules/swagger-ui-dist/swagger-ui.css', import.meta.url), 'utf8');
    expect(css.trimEnd()).toBe(published.replace('/*# sourceMappingURL=swagger-ui.css.map*/', '').trimEnd());
  });

  it('points the initializer at /openapi.json and at no other host', async () => {
    const init = await (await get('/docs/assets/docs-init.js')).text();
    expect(init).toContain("new URL('../../openapi.json', document.currentScript.src)");
    expect(init).toContain('validatorUrl: null');
    expect(init).not.toMatch(/https?:\/\//);
  });

  it('revalidates an asset asked for without its hash, and answers 304 to its ETag', async () => {
    const res = await get('/docs/assets/docs-init.js');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const etag = res.headers.get('etag')!;
    const again = await get('/docs/assets/docs-init.js', { 'if-none-match': `W/"x", ${etag}` });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await get('/docs/assets/docs-init.js?v=0000000000000000')).headers.get('cache-control')).toBe('no-cache');
  });

  it('gzips scripts and styles for clients that accept it', async () => {
    const plain = Buffer.from(await (await get('/docs/assets/swagger-ui-bundle.js')).arrayBuffer());
    for (const accept of ['gzip, deflate, br', 'br;q=1.0, gzip;q=0.8']) {
      const res = await get('/docs/assets/swagger-ui-bundle.js', { 'accept-encoding': accept });
      expect(res.headers.get('content-encoding'), accept).toBe('gzip');
      expect(res.headers.get('vary')).toBe('accept-encoding');
      const zipped = Buffer.from(await res.arrayBuffer());
      expect(zipped.length).toBeLessThan(plain.length / 2);
      expect(gunzipSync(zipped).equals(plain)).toBe(true);
    }
    for (const accept of ['identity', 'gzip;q=0', 'br']) {
      expect((await get('/docs/assets/swagger-ui-bundle.js', { 'accept-encoding': accept })).headers.get('content-encoding'), accept).toBeNull();
    }
    expect((await get('/docs/assets/favicon-32x32.png', { 'accept-encoding': 'gzip' })).headers.get('content-encoding')).toBeNull();
  });

  it('redirects /docs/ to /docs', async () => {
    const res = await get('/docs/');
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/docs');
  });
});

describe('/docs with API keys and the browser guards', () => {
  it('needs no key, like /openapi.json', async () => {
    const keyed = createApp({ registry, policyFor: defaultPolicy, apiKeys: [newApiKey('ops', ['admin']).entry] });
    expect((await keyed.request('http://localhost/docs')).status).toBe(200);
    expect((await keyed.request('http://localhost/docs/assets/docs-init.js')).status).toBe(200);
    expect((await keyed.request('http://localhost/v1/models')).status).toBe(401);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin, as every route does', async () => {
    const rebound = await app.request('http://localhost/docs', { headers: { host: 'evil.example' } });
    expect(rebound.status).toBe(403);
    expect(((await rebound.json()) as { error: { code: string } }).error.code).toBe('host_not_allowed');
    const foreign = await get('/docs/assets/swagger-ui-bundle.js', { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
  });
});

describe('hostile paths under /docs/', () => {
  const bundle = readFileSync(new URL('../../node_modules/swagger-ui-dist/swagger-ui-bundle.js', import.meta.url), 'utf8').slice(0, 200);

  it.each([
    '/docs/assets/..%2f..%2f..%2fpackage.json', '/docs/assets/%2e%2e%2fpackage.json', '/docs/assets/..%5c..%5cpackage.json',
    '/docs/%2e%2e/%2e%2e/package.json', '/docs/assets/%2e%2e/%2e%2e/package.json', '/docs/assets/swagger-ui-bundle.js.map',
    '/docs/assets/swagger-ui-es-bundle.js', '/docs/assets/index.html', '/docs/assets/swagger-initializer.js', '/docs/assets/package.json',
    '/docs/assets/__proto__', '/docs/assets/constructor', '/docs/assets/%00', '/docs/assets/docs-init.js%00.png', '/docs/assets/%ED%A0%80',
    '/docs/assets/%ZZ', '/docs/assets/', '/docs/assets', `/docs/assets/${'x'.repeat(8_000)}`, '/docs/swagger-ui-bundle.js', '/docs/assets/docs-init.js/x',
  ])('%s is 404', async (path) => {
    const res = await app.request(`http://localhost${path}`);
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body).not.toContain('"name": "winnow"');
    expect(body).toContain('not_found');
  });

  it('never answers 5xx, and never serves a file outside the allow-list, for random paths', async () => {
    const allowed = new Set(['favicon-32x32.png', 'swagger-ui.css', 'docs.css', 'swagger-ui-bundle.js', 'docs-init.js']);
    const segment = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('..', '.', '%2e%2e', '%2f', '%5c', '%00', '\u0000', '\ud800', 'x\udfff', '%ED%A0%80', '%C0%AE%C0%AE', '~', 'node_modules', 'swagger-ui-dist', 'package.json', '__proto__'),
      fc.constantFrom(...allowed).map((name) => `${name}%00`),
      fc.integer({ min: 1, max: 4 }).map((k) => 'x'.repeat(k * 2_000)),
    );
    await fc.assert(fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.boolean(), async (segments, underAssets) => {
      const path = `/docs/${underAssets ? 'assets/' : ''}${segments.map((s) => s.replace(/[^\w.~%-]/g, (ch) => escape(ch))).join('/')}`;
      const res = await app.request(`http://localhost${path}`);
      const body = await res.text();
      expect(res.status, path).toBeLessThan(500);
      if (res.status === 200) {
        // Only an allow-listed asset, reached by its own name after the URL parser resolved dot segments.
        expect(allowed.has(new URL(`http://localhost${path}`).pathname.slice('/docs/assets/'.length)), path).toBe(true);
      } else {
        expect(res.status, path).toBeGreaterThanOrEqual(300);
        expect(body).not.toContain(bundle);
      }
    }), { numRuns: 2_000, seed: 1818 });
  });
});
