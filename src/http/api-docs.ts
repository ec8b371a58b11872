/**
 * @module `GET /docs`: the API reference, Swagger UI rendering `/openapi.json`. Every file the page
 * loads is served by winnow from an allow-list (swagger-ui-dist's bundle, stylesheet and icon, and
 * the initializer beside this file): no CDN, no inline script, nothing else of node_modules.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Context, Hono } from 'hono';
import { apiError } from './errors.ts';

const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const OWN_DIR = fileURLToPath(new URL('./docs-assets/', import.meta.url));
const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';

/** What `/docs/assets/{name}` serves: these names and no other (a Map, so '__proto__' or '..' finds nothing). */
const ALLOWED = new Map<string, { file: string; type: string }>([
  ['swagger-ui.css', { file: join(SWAGGER_UI_DIR, 'swagger-ui.css'), type: CSS }],
  ['swagger-ui-bundle.js', { file: join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js'), type: JS }],
  ['favicon-32x32.png', { file: join(SWAGGER_UI_DIR, 'favicon-32x32.png'), type: 'image/png' }],
  ['docs.css', { file: join(OWN_DIR, 'docs.css'), type: CSS }],
  ['docs-init.js', { file: join(OWN_DIR, 'docs-init.js'), type: JS }],
]);

/** The page's headers: like the console's, scripts, styles and fetches from winnow only; it holds no data, so it may be cached if revalidated. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-cache',
};
/** An asset asked for with its current hash (`?v=`, as the page links it) never changes; without it, revalidate. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  type: string;
  body: Buffer;
  /** Short sha256 of the body: the `?v=` the page links and the ETag. */
  hash: string;
  gzipped?: Buffer;
}

/** Registers `GET /docs` and its assets on `app`; nothing is read from disk until the page is first asked for. */
export function addApiDocsRoutes(app: Hono): void {
  let loaded: { assets: Map<string, Asset>; page: string } | undefined;
  // Read once, on first use, so processes that never serve the page (the CLI) pay nothing.
  const load = () => (loaded ??= loadAssets());

  app.get('/docs', (c) => c.html(load().page, 200, PAGE_HEADERS));
  app.get('/docs/', (c) => c.redirect('/docs', 308));
  app.get('/docs/assets/:name', (c) => {
    const name = c.req.param('name');
    const asset = load().assets.get(name);
    if (!asset) return c.json(apiError('not_found', `no docs asset '${name}' (the page's assets are ${[...ALLOWED.keys()].join(', ')})`), 404);
    return serveAsset(c, asset);
  });
}

function serveAsset(c: Context, asset: Asset): Response {
  const etag = `"${asset.hash}"`;
  const headers: Record<string, string> = {
    'content-type': asset.type, etag, vary: 'accept-encoding', 'x-content-type-options': 'nosniff',
    'cache-control': c.req.query('v') === asset.hash ? IMMUTABLE : 'no-cache',
  };
  if (c.req.header('if-none-match')?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return c.body(null, 304, headers);
  // The bundle is 1.7 MB and compresses to a quarter of that; PNGs are compressed already.
  if (asset.type !== 'image/png' && acceptsGzip(c.req.header('accept-encoding'))) {
    asset.gzipped ??= gzipSync(asset.body);
    return c.body(new Uint8Array(asset.gzipped), 200, { ...headers, 'content-encoding': 'gzip' });
  }
  return c.body(new Uint8Array(asset.body), 200, headers);
}

/** True when the Accept-Encoding header lists gzip without q=0. */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    return (coding === 'gzip' || coding === 'x-gzip') && (!q || Number(q[1]) > 0);
  });
}

function loadAssets(): { assets: Map<string, Asset>; page: string } {
  const assets = new Map<string, Asset>();
  for (const [name, { file, type }] of ALLOWED) {
    let body = readFileSync(file);
    // Source maps are not served, so the pointer to them would only 404 in a browser's dev tools.
    if (type !== 'image/png') body = Buffer.from(body.toString('utf8').replace(/\n?(?:\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=[^*]*\*\/)\s*$/, '\n'));
    assets.set(name, { type, body, hash: createHash('sha256').update(body).digest('hex').slice(0, 16) });
  }
  const href = (name: string) => `/docs/assets/${name}?v=${assets.get(name)!.hash}`;
  const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>winnow API reference</title>
<link rel="icon" type="image/png" href="${href('favicon-32x32.png')}">
<link rel="stylesheet" href="${href('swagger-ui.css')}">
<link rel="stylesheet" href="${href('docs.css')}">
</head>
<body>
<noscript><p class="noscript">This page renders <a href="/openapi.json">/openapi.json</a> with JavaScript; without it, read that document directly.</p></noscript>
<div id="swagger-ui"></div>
<script src="${href('swagger-ui-bundle.js')}"></script>
<script src="${href('docs-init.js')}"></script>
</body>
</html>
`;
  return { assets, page };
}
