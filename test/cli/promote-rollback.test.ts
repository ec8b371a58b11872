/**
 * @module Promote and roll back with the real `winnow` command: two `winnow serve` processes on ONE
 * PostgreSQL database follow `winnow promote` and `winnow rollback`; plus the commands' refusals.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import { modelsWithVersions } from '../helpers/model-versions.ts';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.ts';

const BIN = fileURLToPath(new URL('../../bin/winnow.mjs', import.meta.url));

/** Run `winnow ...args` without blocking this process (the servers' output keeps flowing). */
function winnow(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

interface Server {
  url: string;
  child: ChildProcess;
  log: () => string;
}

/** Start `winnow serve` on a free port; resolves once it logs its URL. */
async function serve(args: string[], cwd: string): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(log);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${log}`)));
  });
  return { url, child, log: () => log };
}

/** The model version that answers /v1/score right now. */
async function scoringVersion(server: Server): Promise<string> {
  const res = await fetch(`${server.url}/v1/score`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ alerts: [{ id: 'A-1', ruleId: 'tm_structuring', attributes: { amount_usd: 9500 } }] }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { model: { version: string } }).model.version;
}

/** Poll until every server scores with `version`; fails with what each one last answered. */
async function untilAllServe(servers: Server[], version: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = await Promise.all(servers.map(scoringVersion));
    if (seen.every((v) => v === version)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`after ${timeoutMs} ms the servers still score with versions ${seen.join(', ')}, not ${version}`);
}

describe('two winnow serve processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let modelsDir: string;
  const servers: Server[] = [];
  const cwd = mkdtempSync(join(tmpdir(), 'winnow-promote-'));
  const store = () => ['--database', database.url, '--models', modelsDir];

  beforeAll(async () => {
    database = await createTestDatabase();
    modelsDir = await modelsWithVersions(['1', '2']);
    // The first replica pins default/1 and records it as the initial entry; the second has no
    // --model and starts on what the log names, not on the latest version (default/2).
    servers.push(await serve([...store(), '--model', 'default/1', '--poll-activations-ms', '200'], cwd));
    servers.push(await serve([...store(), '--poll-activations-ms', '200'], cwd));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map(async ({ child, log }) => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code, log()).toBe(0);
    }));
    await database?.drop();
  }, 60_000);

  it('both start on the version the activation log names', async () => {
    expect(await Promise.all(servers.map(scoringVersion))).toEqual(['1', '1']);
  });

  it('winnow promote default 2 moves both to version 2', async () => {
    const res = await winnow(['promote', 'default', '2', ...store(), '--actor', 'ci', '--note', 'retrained'], cwd);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^default\/1 → default\/2 {2}\(promote by ci, #2 in the activation log\)\nReplicas serving from this store switch within about 2 s/);
    await untilAllServe(servers, '2');
  });

  it('winnow rollback moves both back to version 1, and the log shows the story', async () => {
    const res = await winnow(['rollback', ...store(), '--actor', 'ci'], cwd);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^default\/2 → default\/1 {2}\(rollback by ci, #3 in the activation log\)/);
    await untilAllServe(servers, '1');
    const history = (await (await fetch(`${servers[1].url}/v1/models/activations`)).json()) as { activations: { action: string; actor: string; model: { version: string } }[] };
    expect(history.activations.map((e) => `${e.action} ${e.model.version} by ${e.actor}`)).toEqual([
      'rollback 1 by ci',
      'promote 2 by ci',
      expect.stringMatching(/^initial 1 by serve@.+:\d+$/),
    ]);
    for (const server of servers) expect(server.log()).toContain('"msg":"followed the activation log"');
  });
});

describe('winnow promote / rollback refusals', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'winnow-promote-cli-'));
  let modelsDir: string;
  beforeAll(async () => {
    modelsDir = await modelsWithVersions(['1', '2']);
    // A store as `winnow serve --data-dir data` leaves it, with an empty activation log.
    await (await openActivationLog(join(cwd, 'data', 'winnow.db'))).close();
  });

  it('prints its usage for --help', async () => {
    const res = await winnow(['promote', '--help'], cwd);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Usage: winnow promote NAME VERSION \[options\]/);
  });

  it.each([
    ['a missing version', ['promote', 'default'], 2, "winnow promote: missing VERSION\n(see 'winnow promote --help')"],
    ['both store flags', ['rollback', '--data-dir', 'data', '--database', 'postgres://x/y'], 2, "winnow rollback: give --database or --data-dir, not both\n(see 'winnow rollback --help')"],
    ['a store that does not exist', ['promote', 'default', '2', '--data-dir', 'nowhere'], 1, "winnow promote: no store at nowhere/winnow.db: give the --data-dir (or --database) that 'winnow serve' used, or start 'winnow serve' there once"],
    ['rollback of an empty log', ['rollback'], 1, 'winnow rollback: nothing to roll back to: the activation log is empty (no replica has served from this store yet)'],
  ])('refuses %s', async (_what, args, code, message) => {
    const res = await winnow(args, cwd);
    expect(res.code).toBe(code);
    expect(res.stderr.trim()).toBe(message);
  });

  it('refuses a bundle that is not in the models folder, recording nothing', async () => {
    const res = await winnow(['promote', 'default', '9', '--models', modelsDir], cwd);
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe(`winnow promote: no bundle default/9 in ${modelsDir} (have default/1, default/2)`);
    const log = await openActivationLog(join(cwd, 'data', 'winnow.db'));
    try {
      expect(await log.current()).toBeUndefined();
    } finally {
      await log.close();
    }
  });
});
