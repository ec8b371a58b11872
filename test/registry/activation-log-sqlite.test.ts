/** @module The activation log contract on SQLite, plus the durability settings it shares with the decision store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import { openStore } from '../../src/store/open-store.ts';
import { runActivationLogContract } from './activation-log-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'winnow-activations-'));
let counter = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runActivationLogContract('SQLite', (now) => openActivationLog(join(dir, `contract-${++counter}`, 'winnow.db'), { now }));

describe('SQLite activation log', () => {
  it('lives in the decision store file, in WAL mode with synchronous=FULL', async () => {
    const path = join(dir, 'shared', 'winnow.db');
    const store = await openStore(path);
    await store.close();
    const log = await openActivationLog(`sqlite:${path}`);
    await log.record({ model: { name: 'default', version: '1' }, action: 'initial', actor: 'test' });
    await log.close();
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('select model_name, model_version, action from activations').all()).toEqual([{ model_name: 'default', model_version: '1', action: 'initial' }]);
    } finally {
      raw.close();
    }
  });
});
