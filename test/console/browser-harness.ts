/**
 * @module What the console's browser tests stand on: the real `winnow serve` (a child process on a
 * temp SQLite store and a temp copy of the models), filled by replaying seeded synthetic alerts
 * with analyst feedback through the HTTP API, and Debian's Chromium driven by playwright-core.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { newApiKey, type Scope } from '../../src/http/auth.ts';
import { replay, type ReplayResult } from '../../src/pipeline/replay.ts';
import { ALERT_COLUMNS, type AlertRow } from '../../src/synth/columns.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { writeAlerts } from '../../src/io/write-table.ts';
import { modelsWithVersions } from '../helpers/model-versions.ts';
import { type ServeProcess, startServe } from '../helpers/serve-process.ts';

/** Debian's chromium (`apt-get install -y chromium`; .ci/run installs it when missing). */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Launches Chromium headless with the flags this machine needs (no sandbox, nothing fetched). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface ConsoleServerOptions {
  /** API keys to configure (each gets a fresh random key, in `keys` by name); none: open on loopback. */
  keys?: { name: string; scopes: Scope[] }[];
  /** Synthetic alerts replayed with feedback on every reviewed one (default 1500, seed 16). */
  labelled?: number;
  /** Further alerts replayed without feedback, so the queue has unlabelled work (default 300). */
  unlabelled?: number;
  /** Versions of models/default in the temp models folder (default ['1']; see test/helpers/model-versions.ts). */
  versions?: string[];
  /** More `winnow serve` flags. */
  args?: string[];
  /** The server's log level (default warn; info writes the access log). */
  logLevel?: 'info' | 'warn';
}

export interface ConsoleServer {
  url: string;
  dir: string;
  dataDir: string;
  modelsDir: string;
  /** The secret of each configured key, by name. */
  keys: Record<string, string>;
  serve: ServeProcess;
  /** Replays `rows` more seeded synthetic alerts (a key with score+feedback scope is used when keys exist). */
  replay(o: { rows: number; seed: number; feedback: boolean }): Promise<ReplayResult>;
  close(): Promise<void>;
}

/** Starts `winnow serve` on temp folders and fills its store through the API. */
export async function startConsoleServer(o: ConsoleServerOptions = {}): Promise<ConsoleServer> {
  const dir = mkdtempSync(join(tmpdir(), 'winnow-console-'));
  const dataDir = join(dir, 'data');
  const modelsDir = await modelsWithVersions(o.versions ?? ['1']);
  const keys: Record<string, string> = {};
  const args = ['--data-dir', dataDir, '--models', modelsDir, '--poll-activations-ms', '200', ...(o.args ?? [])];
  let writer: string | undefined;
  if (o.keys?.length) {
    const entries = o.keys.map((k) => {
      const made = newApiKey(k.name, k.scopes);
      keys[k.name] = made.key;
      return made.entry;
    });
    // The fixture's own key for replaying traffic and feedback.
    const pipeline = newApiKey('fixture-pipeline', ['score', 'feedback']);
    writer = pipeline.key;
    writeFileSync(join(dir, 'keys.json'), JSON.stringify([...entries, pipeline.entry]));
    args.push('--api-keys', join(dir, 'keys.json'));
  }
  const serve = await startServe(args, { timeoutMs: 60_000, env: { WINNOW_LOG_LEVEL: o.logLevel ?? 'warn' } });
  let files = 0;
  /** Writes `rows` as a CSV with alert ids made unique to this file (seeds restart the ids at 1) and replays it. */
  const send = async (rows: AlertRow[], feedback: boolean) => {
    const file = join(dir, `alerts-${++files}.csv`);
    await writeAlerts(file, rows.map((r) => ({ ...r, alert_id: `R${files}-${String(r.alert_id)}` })), ALERT_COLUMNS);
    return replay({ data: file, url: serve.url, label: 'is_true_positive', feedback, apiKey: writer });
  };
  const replayMore = ({ rows, seed, feedback }: { rows: number; seed: number; feedback: boolean }) => send([...generateAlerts({ rows, seed })], feedback);
  try {
    const labelled = o.labelled ?? 1500;
    const rows = [...generateAlerts({ rows: labelled + (o.unlabelled ?? 300), seed: 16 })];
    await send(rows.slice(0, labelled), true);
    if (rows.length > labelled) await send(rows.slice(labelled), false);
  } catch (err) {
    await serve.stop();
    throw err;
  }
  return {
    url: serve.url, dir, dataDir, modelsDir, keys, serve, replay: replayMore,
    async close() {
      await serve.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(modelsDir, { recursive: true, force: true });
    },
  };
}

/** Signs in on the console's login form with `key`. */
export async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.fill('input[name=key]', key);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type=submit]')]);
}

/**
 * Where the browser tests save their page screenshots: a temp folder, so a test run leaves the
 * checkout clean; `WINNOW_SCREENSHOTS=docs npx vitest run test/console` writes the README's
 * pictures (docs/console-*.png) instead.
 */
export const SCREENSHOT_DIR = process.env.WINNOW_SCREENSHOTS ? resolve(process.env.WINNOW_SCREENSHOTS) : join(tmpdir(), 'winnow-console-screenshots');
