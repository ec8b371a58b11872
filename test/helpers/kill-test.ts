/** @module Pieces for kill tests of `winnow serve`: the two stores to run against, raw keep-alive HTTP, bounded concurrency. */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../store/pg-test-database.ts';

/** A store `winnow serve` can run on: the serve flags that select it, and how to throw it away. */
export interface ServeStore {
  name: string;
  prepare(): Promise<{ storeArgs: string[]; cleanup(): Promise<void> }>;
}

/** SQLite in a fresh temp `--data-dir`, and PostgreSQL in a fresh database on the test server. */
export const SERVE_STORES: ServeStore[] = [
  {
    name: 'SQLite',
    async prepare() {
      const dir = mkdtempSync(join(tmpdir(), 'winnow-kill-'));
      return { storeArgs: ['--data-dir', dir], cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    async prepare() {
      const db = await createTestDatabase();
      return { storeArgs: ['--database', db.url], cleanup: () => db.drop() };
    },
  },
];

/** What a client sees when the server dies under it: the request failed without a response. */
export const CONNECTION_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/**
 * One request over `agent` with node:http: no automatic retries (a retried POST could turn an
 * unacknowledged request into an acknowledged one behind the test's back), errors keep their code.
 */
export function requestJson(agent: http.Agent, method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method, agent, headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** `fn` over every item with at most `limit` calls running at once; results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
