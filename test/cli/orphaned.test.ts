import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { freePort, REPO_ROOT } from '../helpers/serve-process.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// `npx winnow serve &` then `kill %1`: npm exec and its `sh -c` die, and nothing passes the signal
// on. The guides stop their servers that way, so winnow must stop when its parent is gone.
it('a winnow whose parent dies shuts down gracefully instead of serving on, orphaned', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'winnow-orphan-'));
  const port = await freePort();
  // `; true` keeps sh from exec-ing node, so node's parent is this shell, as under npx.
  const shell = spawn('sh', ['-c', `"${process.execPath}" bin/winnow.mjs serve --port ${port} --data-dir "${dataDir}"; true`], {
    cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  shell.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  shell.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const deadline = Date.now() + 30_000;
  while (!/"msg":"winnow serving"/.test(log)) {
    if (Date.now() > deadline) throw new Error(`winnow serve did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = Number(/"pid":(\d+)/.exec(log)![1]);
  expect(pid).not.toBe(shell.pid);

  shell.kill('SIGKILL');
  const stopBy = Date.now() + 15_000;
  while (alive(pid) && Date.now() < stopBy) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  expect(alive(pid)).toBe(false);
  // The pipes outlive the shell: node wrote its shutdown through them.
  expect(log).toMatch(/"signal":"SIGTERM".*"msg":"shutting down"/);
  expect(log).toMatch(/"msg":"stopped"/);
});
