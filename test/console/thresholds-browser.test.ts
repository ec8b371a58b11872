/**
 * The thresholds journey in a real Chromium against the real `winnow serve` on a store filled by
 * replaying synthetic alerts with feedback: open the page, move the threshold (the recall field,
 * then the slider the page's script adds), download the policy file and check that it parses and
 * closes below the threshold the page shows.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/index.ts';
import { type ConsoleServer, SCREENSHOT_DIR, launchBrowser, startConsoleServer } from './browser-harness.ts';

let browser: Browser;
let server: ConsoleServer;
beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  server = await startConsoleServer();
}, 120_000);
afterAll(async () => {
  await server?.close();
  await browser?.close();
});

const threshold = async (page: Page) => Number(await page.locator('[data-testid=threshold]').textContent());
const recallKept = async (page: Page) => Number((await page.locator('[data-testid=recall-kept]').textContent())!.replace('%', '')) / 100;

describe('the thresholds page', () => {
  it('moves the threshold and downloads a policy that closes below it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${server.url}/thresholds`);
    expect(await page.locator('h1').textContent()).toBe('Thresholds');
    expect(await page.locator('figure.chart svg').count()).toBe(1);
    expect(await page.locator('[data-testid=rules] tbody tr').count()).toBeGreaterThan(3);
    await expect.poll(() => page.locator('[data-testid=rules] tr[data-rule=scr_sanctions] .pill.never').count()).toBe(1);
    const at95 = await threshold(page);
    expect(await recallKept(page)).toBeGreaterThanOrEqual(0.95);

    // A stricter target through the form (works without the script): a lower threshold, more recall.
    await page.fill('[data-testid=recall]', '0.99');
    await Promise.all([page.waitForURL(/recall=0\.99/), page.click('[data-testid=threshold-form] button[type=submit]')]);
    expect(await recallKept(page)).toBeGreaterThanOrEqual(0.99);
    expect(await threshold(page)).toBeLessThanOrEqual(at95);

    // The slider sets the field and submits when let go.
    const slider = page.locator('[data-testid=recall-slider]');
    expect(await slider.inputValue()).toBe('0.99');
    await Promise.all([page.waitForURL(/recall=0\.9(&|$)/), slider.fill('0.9')]);
    expect(await page.locator('[data-testid=recall]').inputValue()).toBe('0.9');
    const at90 = await threshold(page);
    expect(at90).toBeGreaterThanOrEqual(at95);
    expect(await recallKept(page)).toBeGreaterThanOrEqual(0.9);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-policy]')]);
    expect(download.suggestedFilename()).toMatch(/^winnow-policy-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.json$/);
    const policy = parsePolicy(JSON.parse(readFileSync((await download.path())!, 'utf8')), 'downloaded policy');
    expect(policy.bands[0].decision).toBe('auto_close');
    // The page shows the threshold to 3 significant digits.
    expect(Number(policy.bands[0].below!.toPrecision(3))).toBe(at90);
    expect(policy.neverSuppress).toContain('scr_sanctions');
    expect(policy.version).toContain('recall>=0.9');

    // Loopback without keys is an admin: the experiment button carries the same policy.
    const handed = await page.locator('[data-testid=start-experiment] input[name=policy]').getAttribute('value');
    expect(parsePolicy(JSON.parse(handed!))).toEqual(policy);
    expect(errors).toEqual([]);

    await page.goto(`${server.url}/thresholds?recall=0.95&by=rule`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-thresholds.png'), fullPage: true });
    await context.close();
  });
});
