import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';

const BIN = fileURLToPath(new URL('../../bin/winnow.mjs', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe('winnow serve (the real process)', () => {
  it('serves the default model over HTTP and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'winnow-serve-'));
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        log += d.toString();
        const m = /"url":"(http:\/\/[^"]+)"/.exec(log);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${log}`)));
    });
    try {
      const res = await fetch(`${url}/v1/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ alerts: [{ id: 'A-1', ruleId: 'tm_structuring', attributes: { amount_usd: 9500 } }, { id: 'A-2', ruleId: 'scr_sanctions', attributes: { name_match_score: 64 } }] }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { model: object; results: { id: string; decision: string; reason: string }[] };
      expect(body.model).toEqual({ name: 'default', version: '1' });
      expect(body.results.map((r) => r.id)).toEqual(['A-1', 'A-2']);
      expect(body.results[1].decision).not.toBe('auto_close');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(log).toContain('"msg":"stopped"');
    // Shutdown drained the decision records into the embedded store.
    const store = await openStore(join(dataDir, 'winnow.db'));
    try {
      expect((await store.getDecision('A-1'))?.model).toEqual({ name: 'default', version: '1' });
      expect((await store.getDecision('A-2'))?.reason).toBe('never_suppress');
    } finally {
      await store.close();
    }
  });

  it('refuses to listen beyond loopback without API keys', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--host', '0.0.0.0', '--port', '0'], { cwd: REPO });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(err).toContain('refusing to listen on 0.0.0.0 without API keys');
  });

  it('exits with a clear error, instead of hanging, when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--data-dir', mkdtempSync(join(tmpdir(), 'winnow-serve-'))], { cwd: REPO });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      // Before the fix the process printed the error and stayed up (followers and the store's thread kept it alive).
      const hung = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const [code, signal] = await once(child, 'exit');
      clearTimeout(hung);
      expect(signal).toBeNull();
      expect(code).toBe(1);
      expect(err).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use (another winnow serve?); choose another with --port or WINNOW_PORT`);
    } finally {
      taken.close();
    }
  }, 30_000);
});
