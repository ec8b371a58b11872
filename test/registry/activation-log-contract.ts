/** @module The ActivationLog contract: one suite that the SQLite and the PostgreSQL log must both pass. */
import { afterEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { ActivationConflictError, type KyselyActivationLog } from '../../src/store/activation-log.ts';

const V1 = { name: 'default', version: '1' };
const V2 = { name: 'default', version: '2' };
const V3 = { name: 'default', version: '3' };

/** A clock that ticks one second per call, so entries have distinct, predictable times. */
export function tickingClock(start = Date.UTC(2026, 10, 24, 12, 0, 0)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

/** Runs the contract against logs from `openFresh`: a migrated log over an empty database. */
export function runActivationLogContract(name: string, openFresh: (now: () => Date) => Promise<KyselyActivationLog>): void {
  describe(`ActivationLog contract: ${name}`, () => {
    let open: KyselyActivationLog[] = [];
    async function fresh(): Promise<KyselyActivationLog> {
      const log = await openFresh(tickingClock());
      open.push(log);
      return log;
    }
    afterEach(async () => {
      await Promise.all(open.map((log) => log.close()));
      open = [];
    });

    it('starts empty', async () => {
      const log = await fresh();
      expect(await log.current()).toBeUndefined();
      expect(await log.history(10)).toEqual([]);
    });

    it('records entries whose from is the previous entry, and reads them back newest first', async () => {
      const log = await fresh();
      const first = await log.record({ model: V1, action: 'initial', actor: 'serve@host:1' });
      const second = await log.record({ model: V2, action: 'promote', actor: 'alice', note: 'retrained on Q3' });
      expect(first).toEqual({ seq: first.seq, model: V1, from: null, action: 'initial', actor: 'serve@host:1', activatedAt: '2026-11-24T12:00:01.000Z', note: null });
      expect(second).toEqual({ seq: second.seq, model: V2, from: V1, action: 'promote', actor: 'alice', activatedAt: '2026-11-24T12:00:02.000Z', note: 'retrained on Q3' });
      expect(typeof second.seq).toBe('number');
      expect(second.seq).toBeGreaterThan(first.seq);
      expect(await log.current()).toEqual(second);
      expect(await log.history(10)).toEqual([second, first]);
      expect(await log.history(1)).toEqual([second]);
    });

    it('records only when the latest entry is the expected one', async () => {
      const log = await fresh();
      const first = await log.record({ model: V1, action: 'initial', actor: 'a', expectedLatestSeq: null });
      await expect(log.record({ model: V2, action: 'initial', actor: 'b', expectedLatestSeq: null })).rejects.toThrow(
        new ActivationConflictError(first, null),
      );
      await expect(log.record({ model: V2, action: 'initial', actor: 'b', expectedLatestSeq: null })).rejects.toMatchObject({
        name: 'ActivationConflictError',
        message: `the activation log changed meanwhile: expected an empty log, found #${first.seq} (default/1, initial by a at 2026-11-24T12:00:01.000Z); nothing was recorded`,
      });
      const second = await log.record({ model: V2, action: 'promote', actor: 'c', expectedLatestSeq: first.seq });
      await expect(log.record({ model: V3, action: 'rollback', actor: 'd', expectedLatestSeq: first.seq })).rejects.toMatchObject({
        name: 'ActivationConflictError',
        message: expect.stringContaining(`expected latest entry #${first.seq}, found #${second.seq} (default/2, promote by c`),
      });
      expect(await log.history(10)).toEqual([second, first]);
    });

    it('chains concurrent records: every entry names the one before it as from', async () => {
      const log = await fresh();
      const models = Array.from({ length: 12 }, (_, i) => ({ name: 'm', version: String(i + 1) }));
      await Promise.all(models.map((model) => log.record({ model, action: 'activate', actor: 'api' })));
      const entries = (await log.history(100)).reverse();
      expect(entries).toHaveLength(12);
      expect(entries[0].from).toBeNull();
      for (let i = 1; i < entries.length; i++) expect(entries[i].from).toEqual(entries[i - 1].model);
      expect(new Set(entries.map((e) => e.model.version)).size).toBe(12);
    });

    it('refuses malformed entries and limits with the field named', async () => {
      const log = await fresh();
      await expect(log.record({ model: { name: '', version: '1' }, action: 'promote', actor: 'a' })).rejects.toThrow(ZodError);
      await expect(log.record({ model: V1, action: 'deploy' as 'promote', actor: 'a' })).rejects.toMatchObject({ issues: [{ path: ['action'] }] });
      await expect(log.record({ model: V1, action: 'promote', actor: '' })).rejects.toMatchObject({ issues: [{ path: ['actor'] }] });
      await expect(log.history(0)).rejects.toThrow(ZodError);
      expect(await log.current()).toBeUndefined();
    });

    it('migrates idempotently and keeps entries across reopening', async () => {
      const log = await fresh();
      await log.record({ model: V1, action: 'initial', actor: 'a' });
      await log.init();
      expect((await log.current())?.model).toEqual(V1);
    });

    it('refuses use after close', async () => {
      const log = await fresh();
      await log.close();
      await expect(log.current()).rejects.toThrow(/activation log \((sqlite|postgres)\) is closed/);
    });
  });
}
