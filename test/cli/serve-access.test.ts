/** @module `winnow serve --allowed-host/--allowed-origin/--public-metrics`: parsed from flags and environment, and obeyed by the real process. */
import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessOptions } from '../../src/cli/access-flags.ts';
import { newApiKey } from '../../src/http/auth.ts';
import { startServe } from '../helpers/serve-process.ts';

/** A raw request to `base`, so the Host header can be anything. */
function send(base: string, method: string, path: string, headers: Record<string, string>): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString();
        resolve({ status: res.statusCode!, code: text.startsWith('{"error"') ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve access flags', () => {
  it('read repeatable or comma-separated flags before the environment, and refuse what is not an origin', () => {
    expect(accessOptions({ 'allowed-host': ['a.example', 'b.example:8443,c.example'], 'allowed-origin': ['https://ops.example/'] }, '127.0.0.1', {})).toEqual({
      origins: { allowedHosts: ['a.example', 'b.example:8443', 'c.example'], allowedOrigins: ['https://ops.example'], listenHost: '127.0.0.1' },
      publicMetrics: false,
    });
    expect(accessOptions({}, '::1', { WINNOW_ALLOWED_HOSTS: 'w.example', WINNOW_ALLOWED_ORIGINS: 'http://w.example:8080', WINNOW_PUBLIC_METRICS: '1' })).toEqual({
      origins: { allowedHosts: ['w.example'], allowedOrigins: ['http://w.example:8080'], listenHost: '[::1]' },
      publicMetrics: true,
    });
    expect(accessOptions({ 'public-metrics': true }, '0.0.0.0', {}).origins).toEqual({ allowedHosts: [], allowedOrigins: [] });
    expect(() => accessOptions({ 'allowed-origin': ['https://ops.example/console'] }, '127.0.0.1', {})).toThrow(
      "--allowed-origin: 'https://ops.example/console' is not an origin (expected scheme://host[:port] with no path, e.g. https://ops.example.com)",
    );
    expect(() => accessOptions({ 'allowed-origin': ['ops.example'] }, '127.0.0.1', {})).toThrow("--allowed-origin: 'ops.example' is not an origin");
  });

  it('the real process refuses foreign Hosts and text/plain admin calls, answers --allowed-host, and guards /metrics with keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winnow-access-'));
    const open = await startServe(['--data-dir', join(dir, 'open'), '--allowed-host', 'winnow.test']);
    try {
      const port = new URL(open.url).port;
      expect(await send(open.url, 'GET', '/healthz', { host: `evil.example:${port}` })).toEqual({ status: 403, code: 'host_not_allowed' });
      expect((await send(open.url, 'GET', '/healthz', { host: `winnow.test:${port}` })).status).toBe(200);
      expect(await send(open.url, 'POST', '/v1/models/default/1/activate', { 'content-type': 'text/plain' })).toEqual({ status: 415, code: 'unsupported_media_type' });
      expect((await send(open.url, 'POST', '/v1/models/default/1/activate', { 'content-type': 'application/json' })).status).toBe(200);
    } finally {
      await open.stop();
    }

    const scraper = newApiKey('prometheus', ['metrics']);
    const keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify([scraper.entry]));
    for (const [extra, anonymous] of [[[], 401], [['--public-metrics'], 200]] as const) {
      const keyed = await startServe(['--data-dir', join(dir, `keyed${extra.length}`), '--api-keys', keysFile, ...extra]);
      try {
        expect((await send(keyed.url, 'GET', '/metrics', {})).status, extra.join(' ')).toBe(anonymous);
        expect((await send(keyed.url, 'GET', '/metrics', { authorization: `Bearer ${scraper.key}` })).status).toBe(200);
      } finally {
        await keyed.stop();
      }
    }
  }, 90_000);
});
