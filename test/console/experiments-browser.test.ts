/**
 * The experiments journey in a real Chromium against the real `winnow serve`: an admin starts an
 * experiment from the form, traffic and labels arrive while the page is open, the report updates
 * without a reload, and the admin stops it. A score-only key sees the report but no start or stop.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleServer, SCREENSHOT_DIR, launchBrowser, signIn, startConsoleServer } from './browser-harness.ts';

let browser: Browser;
let server: ConsoleServer;
beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  server = await startConsoleServer({ keys: [{ name: 'lead', scopes: ['admin'] }, { name: 'scorer', scopes: ['score'] }], labelled: 600, unlabelled: 0 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Fails the test on any script error or CSP violation the page reports. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** The live status once the script has fetched the report at least once. */
const updated = (page: Page) => page.locator('[data-testid=updated]', { hasText: /^Updated \d\d:\d\d:\d\d/ });
const alertsShown = async (page: Page) => (await page.locator('[data-testid=row-alerts] td').allTextContents()).map((t) => Number(t.replace(/,/g, '')));

describe('experiments in the browser', () => {
  it('starts an experiment from the form, watches its report update live as traffic arrives, and stops it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await signIn(page, server.url, server.keys.lead);
    await page.goto(`${server.url}/experiments`);
    await expect(page.locator('[data-testid=none-running]').isVisible()).resolves.toBe(true);
    await Promise.all([page.waitForURL(/\/experiments\/new$/), page.click('[data-testid=new-experiment]')]);

    await page.fill('input[name=id]', 'ab-browser');
    await page.fill('textarea[name=description]', 'looser closing, with a shadow watching');
    await page.check('input[name=rule][value=thresholds]');
    await page.fill('input[name=closeBelow]', '0.08');
    await page.fill('input[name=escalateAt]', '0.6');
    await page.fill('input[name=sampleRate]', '0.1');
    await page.check('input[name=shadow]');
    await page.fill('input[name=shadowCloseBelow]', '0.2');
    await page.fill('input[name=maxMissedRate]', '0.9');
    await Promise.all([page.waitForURL(/\/experiments\/ab-browser\?done=/), page.click('[data-testid=start]')]);
    expect(await page.locator('.flash.good').textContent()).toBe('Started experiment ab-browser.');
    expect(await alertsShown(page)).toEqual([0, 0, 0]);

    // The script takes over: it says when it last fetched the report.
    await updated(page).waitFor({ timeout: 15_000 });
    // Traffic and analysts' labels arrive while the page stays open; a reload would lose this mark.
    await page.evaluate('window.notReloaded = true');
    await server.replay({ rows: 1500, seed: 41, feedback: true });
    await expect.poll(async () => {
      const [control, treatment, shadow] = await alertsShown(page);
      return control + treatment === 1500 && shadow === 1500;
    }, { timeout: 30_000, interval: 500 }).toBe(true);
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    const [control, treatment] = await alertsShown(page);
    expect(Math.abs(treatment / 1500 - 0.5)).toBeLessThan(0.06);
    expect(control + treatment).toBe(1500);
    expect(await page.locator('[data-testid=verdict] h3').textContent()).toBe('treatment against control');
    expect(await page.locator('[data-testid=verdict] .verdict-text').textContent()).toMatch(/recall/);
    expect(await page.locator('[data-testid=shadow-verdict]').count()).toBe(1);
    expect(await page.locator('[data-testid=row-missed-rate] td').first().textContent()).toMatch(/^\d+\.\d% \(\d+\.\d%–\d+\.\d%\)$/);
    expect(await page.locator('figure.chart svg').count()).toBe(1);

    // The experiments page shows the running one, live too: the picture for the README.
    await page.goto(`${server.url}/experiments`);
    await updated(page).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-experiments.png'), fullPage: true });

    await page.fill('[data-testid=stop-form] input[name=reason]', 'seen enough');
    await Promise.all([page.waitForURL(/\/experiments\/ab-browser\?done=/), page.click('[data-testid=stop]')]);
    expect(await page.locator('.flash.good').textContent()).toBe('Stopped experiment ab-browser.');
    expect(await page.locator('[data-testid=report]').getAttribute('data-status')).toBe('stopped');
    expect(await page.locator('[data-testid=stop-form]').count()).toBe(0);
    const api = await fetch(`${server.url}/v1/experiments/ab-browser`, { headers: { authorization: `Bearer ${server.keys.lead}` } });
    expect(((await api.json()) as { experiment: { status: string; stopReason: string } }).experiment).toMatchObject({ status: 'stopped', stopReason: 'seen enough' });
    await page.goto(`${server.url}/experiments`);
    expect(await page.locator('[data-testid=past] a', { hasText: 'ab-browser' }).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows a score-only key the report but no start or stop', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, server.url, server.keys.scorer);
    await page.goto(`${server.url}/experiments`);
    expect(await page.locator('[data-testid=new-experiment]').count()).toBe(0);
    await page.goto(`${server.url}/experiments/ab-browser`);
    expect(await page.locator('[data-testid=report]').count()).toBe(1);
    expect(await page.locator('[data-testid=stop-form]').count()).toBe(0);
    const forbidden = await page.goto(`${server.url}/experiments/new`);
    expect(forbidden?.status()).toBe(403);
    await context.close();
  }, 60_000);
});
