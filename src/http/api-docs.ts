/**
 * @module `GET /docs`: the API reference, Swagger UI rendering `/openapi.json`. Every file the page
 * loads is served by winnow from an allow-list (swagger-ui-dist's bundle, stylesheet and icon, and
 * the initializer beside this file): no CDN, no inline script, nothing else of node_modules.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { apiError } from './errors.ts';
import { CSS, JS, PNG, StaticAssets } from './static-assets.ts';

const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const OWN_DIR = fileURLToPath(new URL('./docs-assets/', import.meta.url));

/** What `/docs/assets/{name}` serves: these names and no other. */
const ASSETS = new StaticAssets('/docs/assets/', new Map([
  ['swagger-ui.css', { file: join(SWAGGER_UI_DIR, 'swagger-ui.css'), type: CSS }],
  ['swagger-ui-bundle.js', { file: join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js'), type: JS }],
  ['favicon-32x32.png', { file: join(SWAGGER_UI_DIR, 'favicon-32x32.png'), type: PNG }],
  ['docs.css', { file: join(OWN_DIR, 'docs.css'), type: CSS }],
  ['docs-init.js', { file: join(OWN_DIR, 'docs-init.js'), type: JS }],
]));

/** The page's headers: like the console's, scripts, styles and fetches from winnow only; it holds no data, so it may be cached if revalidated. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-cache',
};

/** Registers `GET /docs` and its assets on `app`; nothing is read from disk until the page is first asked for. */
export function addApiDocsRoutes(app: Hono): void {
  let page: string | undefined;
  app.get('/docs', (c) => c.html((page ??= docsPage()), 200, PAGE_HEADERS));
  app.get('/docs/', (c) => c.redirect('/docs', 308));
  app.get('/docs/assets/:name', (c) => {
    const name = c.req.param('name');
    return ASSETS.serve(c, name) ?? c.json(apiError('not_found', `no docs asset '${name}' (the page's assets are ${ASSETS.names().join(', ')})`), 404);
  });
}

/** The page, linking each asset by its content hash. */
function docsPage(): string {
  const href = (name: string) => ASSETS.href(name);
  return `<!DOCTYPE html>
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
}
