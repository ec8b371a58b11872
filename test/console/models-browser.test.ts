/**
 * The models journey in a real Chromium against the real `winnow serve` (two bundles, default/1
 * serving): read the versions and a model card with its drift table, promote default/2 through
 * the confirmation, see it active and logged, roll back, and see default/1 active again.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleServer, SCREENSHOT_DIR, launchBrowser, startConsoleServer } from './browser-harness.ts';

let browser: Browser;
let server: ConsoleServer;
beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  server = await startConsoleServer({ versions: ['1', '2'], args: ['--model', 'default/1'], labelled: 800, unlabelled: 100 });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await browser?.close();
});

describe('the models pages', () => {
  it("shows a version's model card and its drift per feature per day", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/models`);
    await Promise.all([page.waitForURL(/\/models\/default\/1$/), page.click('[data-testid="model-default/1"] a[href="/models/default/1"]')]);
    expect(await page.locator('h1').textContent()).toBe('Model default/1');
    expect(await page.locator('[data-testid=model-card] h2').first().textContent()).toBe('Model card: default 1');
    const today = new Date().toISOString().slice(5, 10);
    const header = await page.locator('[data-testid=drift-table] thead tr').first().locator('th').allTextContents();
    expect(header.at(-1)!.replace('*', '')).toBe(today);
    expect(await page.locator('[data-testid=drift-table] tbody tr').count()).toBeGreaterThan(10);
    expect(await page.locator('[data-testid=drift-score] td').last().getAttribute('class')).toMatch(/psi-(stable|moderate|major)/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-model.png'), fullPage: false });
    await page.close();
  });

  it('promotes default/2 through the confirmation, then rolls back to default/1', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/models`);
    expect(await page.locator('[data-testid=active-model]').textContent()).toBe('default/1');

    await Promise.all([page.waitForURL(/\/models\/promote\?model=default%2F2$/), page.click('[data-testid="promote-default/2"]')]);
    expect(await page.locator('[data-testid=change]').textContent()).toBe('Every replica will serve default/2 instead of default/1.');
    expect(await page.locator('[data-testid=compare] thead th').allTextContents()).toEqual(['', 'now: default/1', 'after: default/2']);
    await page.fill('textarea[name=note]', 'browser journey');
    await Promise.all([page.waitForURL(/\/models\?done=/), page.click('[data-testid=confirm-promote]')]);
    expect(await page.locator('.flash.good').textContent()).toMatch(/^default\/2 is now active \(was default\/1\); activation #\d+ is in the log/);
    expect(await page.locator('[data-testid=active-model]').textContent()).toBe('default/2');
    expect(await page.locator('[data-testid="model-default/2"] [data-testid=active-marker]').count()).toBe(1);
    const latest = await page.locator('[data-testid=activations] tbody tr').first().locator('td').allTextContents();
    expect([latest[2], latest[3], latest[4], latest[5]]).toEqual(['activate', 'default/1 → default/2', 'local', 'browser journey']);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-models.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/models\/rollback$/), page.click('[data-testid=rollback]')]);
    expect(await page.locator('[data-testid=change]').textContent()).toMatch(/^Every replica will go back to default\/1, from default\/2 \(log entry #\d+: activate by local/);
    await Promise.all([page.waitForURL(/\/models\?done=/), page.click('[data-testid=confirm-rollback]')]);
    expect(await page.locator('.flash.good').textContent()).toMatch(/^Rolled back: default\/1 is now active \(was default\/2\)/);
    expect(await page.locator('[data-testid=active-model]').textContent()).toBe('default/1');
    expect(await page.locator('[data-testid=activations] tbody tr').first().locator('td').nth(2).textContent()).toBe('rollback');
    // The API agrees: this replica serves what the page says.
    const served = (await (await fetch(`${server.url}/v1/models`)).json()) as { models: { name: string; version: string; active: boolean }[] };
    expect(served.models.filter((m) => m.active).map((m) => `${m.name}/${m.version}`)).toEqual(['default/1']);
    await page.close();
  });
});
