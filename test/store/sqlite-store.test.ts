/** @module The store contract on SQLite (a temp file per test), plus SQLite-only durability settings. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isPostgresUrl, openStore } from '../../src/store/open-store.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { openWorkerStore } from '../../src/store/worker-store.ts';
import { makeRecord } from './fixtures.ts';
import { runStoreContract } from './store-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'winnow-store-'));
let counter = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('SQLite', async () => openSqliteStore(join(dir, `contract-${++counter}`, 'decisions.db')));

describe('SQLite store', () => {
  it('opens the file in WAL mode, creating its directory', async () => {
    const path = join(dir, 'nested', 'data', 'decisions.db');
    const store = await openStore(path);
    await store.close();
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('keeps acknowledged records across a reopen of the same file', async () => {
    const path = join(dir, 'reopen.db');
    const first = await openStore(`sqlite:${path}`);
    await first.writeDecisions([makeRecord(1)]);
    await first.close();
    const second = await openStore(path);
    try {
      expect((await second.getDecision('a-1'))?.alertId).toBe('a-1');
    } finally {
      await second.close();
    }
  });

  it('chooses PostgreSQL only for postgres:// and postgresql:// URLs', () => {
    expect(isPostgresUrl('postgres://u@h/db')).toBe(true);
    expect(isPostgresUrl('POSTGRESQL://u@h/db')).toBe(true);
    expect(isPostgresUrl('data/decisions.db')).toBe(false);
    expect(isPostgresUrl('sqlite:data/postgres://x')).toBe(false);
  });
});

runStoreContract('SQLite in a worker thread', async () => openWorkerStore(join(dir, `worker-${++counter}`, 'decisions.db')));
