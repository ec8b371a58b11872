/**
 * @module The web console, served by the same Hono app as the API: server-rendered pages over the
 * same store and data plane, readable with JavaScript off. Its assets are files in this folder,
 * served by winnow itself; nothing is fetched from elsewhere.
 */
import type { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { findKey } from '../http/auth.ts';
import { DeadlineError } from '../serving/deadline.ts';
import { CONSOLE_ASSETS } from './assets.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { formAction, MAX_FORM_BYTES, refuse } from './form.ts';
import { alertPage, recordDisposition } from './pages/alert.tsx';
import { addExperimentPages } from './pages/experiments.tsx';
import { loginPage } from './pages/login.tsx';
import { storeUnavailablePage } from './pages/store-unavailable.tsx';
import { addModelPages } from './pages/models.tsx';
import { overviewPage } from './pages/overview.tsx';
import { queuePage } from './pages/queue.tsx';
import { addThresholdPages } from './pages/thresholds.tsx';
import { clearSessionCookie, consoleSession, safeNext, SESSION_COOKIE, setSessionCookie } from './session.ts';

/** Security headers on every console page: no framing, no sniffing, scripts and styles from winnow only. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** Mounts the console at `/` on `app`. */
export function addConsoleRoutes(app: Hono, deps: ConsoleDeps): void {
  const { sessions } = deps;
  app.get('/console/assets/:name', (c) => CONSOLE_ASSETS.serve(c, c.req.param('name')) ?? refuse(c, 404, `no console asset '${c.req.param('name')}'`));

  const pages = ['/', '/queue', '/alerts/*', '/thresholds', '/thresholds/*', '/experiments', '/experiments/*', '/models', '/models/*', '/logout'];
  for (const path of pages) {
    app.use(path, async (c, next) => {
      await next();
      if (c.error instanceof DeadlineError) c.res = await c.html(storeUnavailablePage(c.error.message), 503, { 'retry-after': '1' });
      for (const [k, v] of Object.entries(PAGE_HEADERS)) c.res.headers.set(k, v);
    });
    app.use(path, consoleSession(sessions));
  }

  app.get('/login', (c) => {
    if (sessions.keys.length === 0) return c.redirect('/', 303);
    if (sessions.get(getCookie(c, SESSION_COOKIE))) return c.redirect(safeNext(c.req.query('next')), 303);
    return c.html(loginPage({ next: safeNext(c.req.query('next')) }), 200, PAGE_HEADERS);
  });
  app.post('/login', async (c) => {
    if (sessions.keys.length === 0) return c.redirect('/', 303);
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') return refuse(c, 415, 'sign in with the form at /login');
    const raw = await c.req.text();
    if (Buffer.byteLength(raw) > MAX_FORM_BYTES) return refuse(c, 413, 'form too large');
    const form = new URLSearchParams(raw);
    const next = safeNext(form.get('next') ?? undefined);
    const key = findKey(sessions.keys, form.get('key')?.trim() ?? '');
    if (!key) return c.html(loginPage({ next, error: 'That key is not one this server knows. Ask your administrator for a key (winnow api-key).' }), 401, PAGE_HEADERS);
    if (!key.scopes.some((s) => s !== 'metrics')) return c.html(loginPage({ next, error: `Key '${key.name}' may only read /metrics; the console needs a key with the score, feedback or admin scope.` }), 403, PAGE_HEADERS);
    setSessionCookie(c, sessions.open(key));
    return c.redirect(next, 303);
  });
  app.post('/logout', formAction(null, async (c) => {
    sessions.close(getCookie(c, SESSION_COOKIE));
    clearSessionCookie(c);
    return c.redirect('/login', 303);
  }));

  app.get('/', (c) => overviewPage(c, deps));
  app.get('/queue', (c) => queuePage(c, deps));
  app.get('/alerts/:alertId', (c) => alertPage(c, deps));
  app.post('/alerts/:alertId/disposition', formAction('feedback', (c) => recordDisposition(c, deps)));
  // Each page group registers its own routes (GET pages, form POSTs through formAction):
  addThresholdPages(app, deps);
  addExperimentPages(app, deps);
  addModelPages(app, deps);
}
