/**
 * The API reference at /docs in a real Chromium against the real `winnow serve`: Swagger UI renders
 * every operation of /openapi.json under the page's strict CSP, with no console error and no request
 * to any host but the server, and "Try it out" calls the server itself.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsWithVersions } from '../helpers/model-versions.ts';
import { type ServeProcess, startServe } from '../helpers/serve-process.ts';
import { launchBrowser, SCREENSHOT_DIR } from './browser-harness.ts';

let browser: Browser;
let serve: ServeProcess;
let dir: string;
let modelsDir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'winnow-docs-'));
  modelsDir = await modelsWithVersions(['1']);
  [browser, serve] = await Promise.all([launchBrowser(), startServe(['--data-dir', join(dir, 'data'), '--models', modelsDir], { timeoutMs: 60_000 })]);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(modelsDir, { recursive: true, force: true });
});

/** A page that records console errors, uncaught exceptions and every URL it requests. */
async function watchedPage(): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('request', (r) => requests.push(r.url()));
  return { page, problems, requests };
}

describe('/docs in a browser', () => {
  it('renders every operation of /openapi.json, fetching nothing from any other host', async () => {
    const { page, problems, requests } = await watchedPage();
    await page.goto(`${serve.url}/docs`);
    const score = page.locator('.opblock-post', { has: page.locator('.opblock-summary-path', { hasText: /^\/v1\/score$/ }) });
    await score.waitFor({ timeout: 30_000 });
    expect(await score.locator('.opblock-summary-method').textContent()).toBe('POST');
    expect(await page.locator('.info .title').textContent()).toContain('winnow');

    const doc = (await (await fetch(`${serve.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(await page.locator('.opblock').count()).toBe(operations);
    for (const path of ['/v1/adapters/jube', '/v1/adapters/tazama/triage', '/v2/models/{name}/infer']) {
      expect(await page.locator('.opblock-summary-path', { hasText: path }).count(), path).toBeGreaterThan(0);
    }
    expect(await page.locator('.opblock-tag').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Scoring'), expect.stringContaining('Open Inference Protocol (V2)')]));

    await page.screenshot({ path: join(SCREENSHOT_DIR, 'api-docs.png'), fullPage: false });
    // The request body of POST /v1/score, with the document's example.
    await score.locator('.opblock-summary').click();
    await score.locator('.opblock-body').waitFor();
    expect(await score.locator('.body-param__example, .example').first().textContent()).toContain('tm_structuring');

    const origin = new URL(serve.url).origin;
    expect(requests.filter((u) => new URL(u).origin !== origin)).toEqual([]);
    expect(requests).toEqual(expect.arrayContaining([`${origin}/openapi.json`, expect.stringMatching(/\/docs\/assets\/swagger-ui-bundle\.js\?v=/)]));
    expect(problems).toEqual([]);
    await page.close();
  });

  it('tries an operation out against the server itself', async () => {
    const { page, problems, requests } = await watchedPage();
    await page.goto(`${serve.url}/docs#/Operations/getHealthz`);
    const healthz = page.locator('.opblock-get', { has: page.locator('.opblock-summary-path', { hasText: /^\/healthz$/ }) });
    await healthz.locator('.opblock-body').waitFor({ timeout: 30_000 });
    await healthz.locator('button.try-out__btn').click();
    await healthz.locator('button.execute').click();
    const response = healthz.locator('.live-responses-table .response .response-col_status');
    await response.first().waitFor();
    expect((await response.first().textContent())?.trim()).toBe('200');
    expect(await healthz.locator('.live-responses-table .response .response-col_description').first().textContent()).toContain('"status": "ok"');
    const origin = new URL(serve.url).origin;
    expect(requests).toContain(`${origin}/healthz`);
    expect(requests.filter((u) => new URL(u).origin !== origin)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
