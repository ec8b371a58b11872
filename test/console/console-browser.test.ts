/**
 * Journeys through the console in a real Chromium against the real `winnow serve`: the overview of
 * a filled store, filtering the queue, recording a disposition (then reading it from the store),
 * and what a key without the needed scopes sees and may do.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { type ConsoleServer, SCREENSHOT_DIR, launchBrowser, signIn, startConsoleServer } from './browser-harness.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

describe('the console without keys (loopback)', () => {
  let server: ConsoleServer;
  beforeAll(async () => {
    server = await startConsoleServer({ logLevel: 'info' });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it('shows the overview of the filled store', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/`);
    expect(await page.locator('h1').textContent()).toBe('Overview');
    const scored = await page.locator('.tile', { hasText: 'Alerts scored' }).locator('.value').textContent();
    expect(scored).toBe('1,800');
    expect(await page.locator('figure.chart svg').count()).toBe(1);
    expect(await page.locator('[data-testid=families] tbody tr').count()).toBeGreaterThan(2);
    const sampled = Number((await page.locator('[data-testid=sample] td').first().textContent())!.replace(/,/g, ''));
    expect(sampled).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-overview.png'), fullPage: true });
    await page.close();
  });

  it('filters the queue and pages through it, riskiest first', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/queue`);
    const scores = async () => (await page.locator('[data-testid=queue] tbody tr td:first-child').allTextContents()).map(Number);
    const first = await scores();
    expect(first.length).toBe(50);
    expect(first).toEqual([...first].sort((a, b) => b - a));
    await page.selectOption('select[name=labelled]', 'no');
    await page.fill('input[name=rule]', 'tm_structuring');
    await Promise.all([page.waitForURL(/labelled=no/), page.click('form.filters button[type=submit]')]);
    const rows = page.locator('[data-testid=queue] tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.locator('td:nth-child(4)').allTextContents()) expect(text).toBe('tm_structuring');
    for (const text of await rows.locator('td:nth-child(9)').allTextContents()) expect(text).toBe('unlabelled');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-queue.png'), fullPage: false });
    // The next page continues below the last score of this one.
    await page.goto(`${server.url}/queue`);
    const last = first.at(-1)!;
    await Promise.all([page.waitForURL(/after=/), page.click('a[rel=next]')]);
    const second = await scores();
    expect(second.length).toBeGreaterThan(0);
    expect(Math.max(...second)).toBeLessThanOrEqual(last);
    await page.close();
  });

  it('opens an alert, records a disposition, and the store has it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${server.url}/queue?labelled=no`);
    const link = page.locator('[data-testid=queue] tbody tr a').first();
    const alertId = (await link.textContent())!;
    await Promise.all([page.waitForURL(/\/alerts\//), link.click()]);
    expect(await page.locator('h1').textContent()).toBe(`Alert ${alertId}`);
    expect(await page.locator('figure.chart svg').count()).toBe(1);
    expect(await page.locator('[data-testid=features] tbody tr').count()).toBeGreaterThan(5);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-alert.png'), fullPage: true });
    const idempotencyKey = (await page.locator('input[name=idempotencyKey]').getAttribute('value'))!;
    const csrf = (await page.locator('[data-testid=disposition-form] input[name=_csrf]').getAttribute('value'))!;
    const decidedAt = (await page.locator('[data-testid=disposition-form] input[name=decidedAt]').getAttribute('value'))!;
    await page.selectOption('select[name=disposition]', 'sar_filed');
    await page.fill('input[name=analystId]', 'ana.lyst');
    await page.fill('textarea[name=note]', 'structuring below the reporting threshold, 4 deposits');
    await Promise.all([page.waitForURL(/done=/), page.click('[data-testid=disposition-form] button[type=submit]')]);
    expect(await page.locator('[data-testid=current-label]').textContent()).toContain('sar_filed');
    // Sending the same form again (a double submit, a retried POST) is one disposition: the form's idempotency key.
    const again = await page.request.post(`${server.url}/alerts/${encodeURIComponent(alertId)}/disposition`, {
      form: { _csrf: csrf, idempotencyKey, decidedAt, disposition: 'sar_filed', analystId: 'ana.lyst', note: 'structuring below the reporting threshold, 4 deposits' },
      headers: { origin: server.url }, maxRedirects: 0,
    });
    expect(again.status(), await again.text()).toBe(303);
    expect(decodeURIComponent(again.headers().location)).toContain('Already recorded');
    const store = await openStore(join(server.dataDir, 'winnow.db'));
    try {
      const history = await store.getFeedbackHistory(alertId);
      expect(history.map((f) => [f.disposition, f.analystId, f.note])).toEqual([['sar_filed', 'ana.lyst', 'structuring below the reporting threshold, 4 deposits']]);
    } finally {
      await store.close();
    }
    await page.close();
  });

  it('reads with JavaScript off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    for (const path of ['/', '/queue', '/thresholds', '/experiments', '/models']) {
      const res = await page.goto(`${server.url}${path}`);
      expect(res?.status(), path).toBe(200);
      expect(await page.locator('main h1').count(), path).toBe(1);
      expect((await page.locator('main').innerText()).length, path).toBeGreaterThan(100);
    }
    await context.close();
  });

  it('writes no customer attribute values, filter values or notes to the log', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/queue?segment=vip&rule=tm_structuring`);
    await page.close();
    const log = server.serve.stderr();
    expect(log).toContain('"path":"/queue"');
    expect(log).not.toContain('segment=vip');
    expect(log).not.toContain('structuring below the reporting threshold');
    expect(log).not.toContain('ana.lyst');
  });
});

describe('the console with API keys', () => {
  let server: ConsoleServer;
  beforeAll(async () => {
    server = await startConsoleServer({
      keys: [{ name: 'pipeline-only', scopes: ['score'] }, { name: 'ana', scopes: ['feedback'] }, { name: 'lead', scopes: ['admin'] }],
      labelled: 400, unlabelled: 100,
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it('asks for a key once, and the session cookie is HttpOnly and SameSite=Strict', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/queue`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name=key]', 'wnw_not-a-key');
    await page.click('button[type=submit]');
    expect(await page.locator('.flash.bad').textContent()).toContain('not one this server knows');
    // The form still knows where the user was going.
    await page.fill('input[name=key]', server.keys.ana);
    await Promise.all([page.waitForURL(/\/queue$/), page.click('button[type=submit]')]);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'winnow_console', httpOnly: true, sameSite: 'Strict' });
    await page.goto(`${server.url}/`);
    expect(await page.locator('h1').textContent()).toBe('Overview');
    await context.close();
  });

  it('a score-only key is not offered what it may not do, and a forged POST gets 403', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, server.keys['pipeline-only']);
    await page.goto(`${server.url}/queue`);
    const alertId = (await page.locator('[data-testid=queue] tbody tr a').first().textContent())!;
    await page.goto(`${server.url}/alerts/${encodeURIComponent(alertId)}`);
    expect(await page.locator('[data-testid=disposition-form]').count()).toBe(0);
    expect(await page.locator('header .tag').count()).toBe(0);
    // Forge the disposition with the session's own valid CSRF token (from the sign-out form).
    const csrf = await page.locator('header input[name=_csrf]').getAttribute('value');
    const forged = await page.request.post(`${server.url}/alerts/${encodeURIComponent(alertId)}/disposition`, {
      form: { _csrf: csrf!, disposition: 'false_positive', analystId: 'mallory' }, headers: { origin: server.url },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain("lacks the 'feedback' scope");
    await context.close();
  });

  it('a score-only key sees no admin buttons, and its forged admin POSTs get 403 with nothing changed', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, server.keys['pipeline-only']);
    await page.goto(`${server.url}/models`);
    expect(await page.locator('main h1').textContent()).toBe('Models');
    expect(await page.locator('main a[href^="/models/promote"], main a[href^="/models/rollback"]').count()).toBe(0);
    await page.goto(`${server.url}/experiments`);
    expect(await page.locator('main a[href="/experiments/new"], main form[action$="/stop"]').count()).toBe(0);
    const csrf = (await page.locator('header input[name=_csrf]').getAttribute('value'))!;
    const forgeries: [string, Record<string, string>][] = [
      ['/models/promote', { model: 'default/1', note: 'forged' }],
      ['/models/rollback', { note: 'forged' }],
      ['/experiments', { id: 'forged', treatmentCloseBelow: '0.5' }],
      ['/experiments/forged/stop', { reason: 'forged' }],
    ];
    for (const [path, form] of forgeries) {
      const res = await page.request.post(`${server.url}${path}`, { form: { _csrf: csrf, ...form }, headers: { origin: server.url }, maxRedirects: 0 });
      expect(res.status(), path).toBe(403);
      expect(await res.text(), path).toContain("lacks the 'admin' scope");
    }
    const log = await (await page.request.get(`${server.url}/v1/models/activations`, { headers: { authorization: `Bearer ${server.keys.lead}` } })).json() as { activations: unknown[] };
    expect(log.activations).toHaveLength(1);
    const experiments = await (await page.request.get(`${server.url}/v1/experiments`, { headers: { authorization: `Bearer ${server.keys.lead}` } })).json() as { experiments: unknown[] };
    expect(experiments.experiments).toEqual([]);
    await context.close();
    // The same selectors find the buttons for an admin, so the absences above are not vacuous.
    const admin = await browser.newContext();
    const adminPage = await admin.newPage();
    await signIn(adminPage, server.url, server.keys.lead);
    await adminPage.goto(`${server.url}/models`);
    expect(await adminPage.locator('main a[href^="/models/promote"], main a[href^="/models/rollback"]').count()).toBeGreaterThan(0);
    await adminPage.goto(`${server.url}/experiments`);
    expect(await adminPage.locator('main a[href="/experiments/new"], main form[action$="/stop"]').count()).toBeGreaterThan(0);
    await admin.close();
  });

  it('an admin form without the session CSRF token is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, server.keys.lead);
    await page.goto(`${server.url}/queue`);
    const alertId = (await page.locator('[data-testid=queue] tbody tr a').first().textContent())!;
    const forged = await page.request.post(`${server.url}/alerts/${encodeURIComponent(alertId)}/disposition`, {
      form: { _csrf: 'guessed', disposition: 'false_positive', analystId: 'mallory' }, headers: { origin: server.url },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('CSRF');
    await context.close();
  });
});
