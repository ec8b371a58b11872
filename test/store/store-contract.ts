/** @module The DecisionStore contract: one suite every backend must pass (run by sqlite- and postgres-store tests). */
import { afterEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { parseDecisionRecords } from '../../src/store/decision-record.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { currentFeedback, type FeedbackInput, IdempotencyConflictError } from '../../src/store/feedback-record.ts';
import { makeFullRecord, makeRecord, makeRecords, makeUnscoredRecord } from './fixtures.ts';

/** Runs the contract against stores from `openFresh`, which returns a store over an empty database, not yet initialised. */
export function runStoreContract(name: string, openFresh: () => Promise<DecisionStore>): void {
  describe(`DecisionStore contract: ${name}`, () => {
    let open: DecisionStore[] = [];

    async function freshStore(): Promise<DecisionStore> {
      const store = await openFresh();
      open.push(store);
      await store.init();
      return store;
    }

    afterEach(async () => {
      await Promise.all(open.map((store) => store.close()));
      open = [];
    });

    it('runs migrations idempotently: init twice keeps the data and the schema', async () => {
      const store = await freshStore();
      await store.writeDecisions([makeRecord(1)]);
      await store.init();
      expect(await store.getDecision('a-1')).toEqual(parseDecisionRecords([makeRecord(1)])[0]);
    });

    it('stores a Float32Array feature vector (a view into a larger matrix, as serving writes it) and returns its numbers', async () => {
      const store = await freshStore();
      const matrix = new Float32Array([9, 9, 1.5, Number.NaN, -0, Number.POSITIVE_INFINITY, Math.fround(0.1), 9]);
      await store.writeDecisions([{ ...makeRecord(3), features: matrix.subarray(2, 7) }]);
      const stored = await store.getDecision('a-3');
      expect(Array.isArray(stored?.features)).toBe(true);
      expect(stored?.features.map((value) => (Object.is(value, -0) ? '-0' : String(value)))).toEqual(['1.5', 'NaN', '-0', 'Infinity', String(Math.fround(0.1))]);
      // The same vector written as numbers is the same record: a retry is still a no-op.
      expect(await store.writeDecisions([{ ...makeRecord(3), features: [1.5, Number.NaN, -0, Number.POSITIVE_INFINITY, Math.fround(0.1)] }])).toEqual({ inserted: 0, duplicates: 1 });
    });

    it('round-trips every field, including NaN, ±Infinity and -0 features', async () => {
      const store = await freshStore();
      const input = makeFullRecord();
      await store.writeDecisions([input]);
      const stored = await store.getDecision('a-7');
      expect(stored).toEqual(parseDecisionRecords([input])[0]);
      // Spelled out so the test does not depend on how toEqual compares NaN and -0.
      expect(stored?.features.map((value) => Object.is(value, -0) ? '-0' : String(value))).toEqual(
        Array.from(input.features, (value) => Object.is(value, -0) ? '-0' : String(value)),
      );
      expect(stored?.experiment).toEqual({ id: 'exp-thresholds', arm: 'treatment' });
      expect(stored?.sample).toBe(true);
      expect(stored?.degraded).toBe(true);
    });

    it('round-trips an unscored alert: null score, empty vector, absent optionals', async () => {
      const store = await freshStore();
      await store.writeDecisions([makeUnscoredRecord(3)]);
      const stored = await store.getDecision('a-3');
      expect(stored).toEqual(parseDecisionRecords([makeUnscoredRecord(3)])[0]);
      expect(stored?.score).toBeNull();
      expect(stored?.segment).toBeUndefined();
      expect(stored?.experiment).toBeUndefined();
    });

    it('canonicalises decidedAt to UTC milliseconds', async () => {
      const store = await freshStore();
      await store.writeDecisions([makeRecord(1, { decidedAt: '2025-03-01T14:00:00+02:00' })]);
      expect((await store.getDecision('a-1'))?.decidedAt).toBe('2025-03-01T12:00:00.000Z');
    });

    it('returns undefined and an empty history for an unknown alert', async () => {
      const store = await freshStore();
      expect(await store.getDecision('nope')).toBeUndefined();
      expect(await store.getDecisionHistory('nope')).toEqual([]);
    });

    it('keeps every re-scoring and returns the latest decision', async () => {
      const store = await freshStore();
      const first = makeRecord(1, { decision: 'auto_close' });
      const second = makeRecord(1, { decidedAt: '2025-03-01T13:00:00.000Z', decision: 'escalate', score: 0.97 });
      await store.writeDecisions([first]);
      await store.writeDecisions([second]);
      expect((await store.getDecision('a-1'))?.decision).toBe('escalate');
      const history = await store.getDecisionHistory('a-1');
      expect(history.map((row) => row.record.decision)).toEqual(['auto_close', 'escalate']);
      expect(history[0].seq).toBeLessThan(history[1].seq);
    });

    it('getDecisions: the latest live record of each id in one call, shadow records and unknown ids left out', async () => {
      const store = await freshStore();
      await store.writeDecisions([makeRecord(1, { decision: 'auto_close' }), makeRecord(2), makeRecord(3, { shadow: true, experiment: { id: 'e', arm: 'c' } })]);
      await store.writeDecisions([makeRecord(1, { decidedAt: '2025-03-01T13:00:00.000Z', decision: 'escalate' })]);
      const ids = ['a-1', 'a-2', 'a-3', 'nope', 'a-1', ...Array.from({ length: 1200 }, (_, i) => `x-${i}`)];
      const found = await store.getDecisions(ids);
      expect(found.map((r) => [r.alertId, r.decision]).sort()).toEqual([['a-1', 'escalate'], ['a-2', 'auto_close']]);
      expect(found.find((r) => r.alertId === 'a-2')).toEqual(await store.getDecision('a-2'));
      expect(await store.getDecisions([])).toEqual([]);
    });

    it('orders re-scorings by decision time, not arrival, and by seq within the same instant', async () => {
      const store = await freshStore();
      const late = makeRecord(1, { decidedAt: '2025-03-01T13:00:00.000Z', decision: 'escalate' });
      const early = makeRecord(1, { decidedAt: '2025-03-01T12:30:00.000Z', decision: 'review' });
      await store.writeDecisions([late]);
      await store.writeDecisions([early]); // e.g. a slower replica writing an older decision
      expect((await store.getDecision('a-1'))?.decision).toBe('escalate');
      await store.writeDecisions([{ ...late, decision: 'auto_close', reason: 'same instant, written later' }]);
      expect((await store.getDecision('a-1'))?.decision).toBe('auto_close');
    });

    it('treats an identical record written twice (a retried batch) as a no-op', async () => {
      const store = await freshStore();
      const records = makeRecords(5);
      expect(await store.writeDecisions(records)).toEqual({ inserted: 5, duplicates: 0 });
      expect(await store.writeDecisions([...records, makeRecord(5)])).toEqual({ inserted: 1, duplicates: 5 });
      expect(await store.getDecisionHistory('a-2')).toHaveLength(1);
      expect(await store.listDecisions({ limit: 100 })).toHaveLength(6);
    });

    it('skips repeats wherever they fall in a large batch: between batches, and twice within one', async () => {
      const store = await freshStore();
      const first = makeRecords(100);
      expect(await store.writeDecisions(first)).toEqual({ inserted: 100, duplicates: 0 });
      const mixed = [...makeRecords(50, 100), ...first].sort((a, b) => (a.alertId < b.alertId ? -1 : 1));
      expect(await store.writeDecisions([...mixed, makeRecord(7)])).toEqual({ inserted: 50, duplicates: 101 });
      expect(await store.writeDecisions([makeRecord(500), makeRecord(500)])).toEqual({ inserted: 1, duplicates: 1 });
      expect(await store.listDecisions({ limit: 1_000 })).toHaveLength(151);
    });

    it('rejects a batch with an invalid record naming the field, and writes none of it', async () => {
      const store = await freshStore();
      const bad = { ...makeRecord(2), score: 1.5 };
      const error = await store.writeDecisions([makeRecord(1), bad]).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ZodError);
      expect((error as ZodError).issues[0].path).toEqual([1, 'score']);
      expect(await store.getDecision('a-1')).toBeUndefined();
    });

    it('writes a batch larger than one INSERT statement in one call', async () => {
      const store = await freshStore();
      expect(await store.writeDecisions(makeRecords(1_234))).toEqual({ inserted: 1_234, duplicates: 0 });
      expect(await store.listDecisions({ limit: 2_000 })).toHaveLength(1_234);
    });

    it('lists decisions in (decidedAt, seq) order with since, limit and a keyset cursor', async () => {
      const store = await freshStore();
      const order = [5, 0, 9, 3, 7, 1, 8, 2, 6, 4];
      await store.writeDecisions(order.map((i) => makeRecord(i)));
      await store.writeDecisions([makeRecord(3, { decision: 'review' })]); // same instant as a-3, later seq
      const all = await store.listDecisions({ limit: 100 });
      expect(all.map((row) => row.record.alertId)).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-3', 'a-4', 'a-5', 'a-6', 'a-7', 'a-8', 'a-9']);
      expect(all[4].seq).toBeGreaterThan(all[3].seq);
      expect((await store.listDecisions({ limit: 3 })).map((row) => row.record.alertId)).toEqual(['a-0', 'a-1', 'a-2']);
      const since = await store.listDecisions({ since: makeRecord(8).decidedAt, limit: 100 });
      expect(since.map((row) => row.record.alertId)).toEqual(['a-8', 'a-9']);

      const paged: string[] = [];
      let after: { decidedAt: string; seq: number } | undefined;
      for (;;) {
        const page = await store.listDecisions({ after, limit: 3 });
        if (page.length === 0) break;
        paged.push(...page.map((row) => `${row.record.alertId}#${row.seq}`));
        const last = page[page.length - 1];
        after = { decidedAt: last.record.decidedAt, seq: last.seq };
      }
      expect(paged).toEqual(all.map((row) => `${row.record.alertId}#${row.seq}`));
    });

    it('lists decision keys: the rows listDecisions gives for the same options, keys only', async () => {
      const store = await freshStore();
      const order = [5, 0, 9, 3, 7, 1, 8, 2, 6, 4];
      await store.writeDecisions(order.map((i) => makeRecord(i, { model: { name: i % 2 ? 'odd' : 'even', version: String(i % 3) } })));
      await store.writeDecisions([makeRecord(3, { decision: 'review' }), makeRecord(4, { shadow: true, experiment: { id: 'e', arm: 'S' } })]);
      const keyOf = ({ seq, record }: { seq: number; record: { alertId: string; decidedAt: string; model: { name: string; version: string } } }) =>
        ({ seq, alertId: record.alertId, decidedAt: record.decidedAt, model: record.model });
      for (const options of [{ limit: 100 }, { limit: 4 }, { limit: 100, includeShadow: true }, { limit: 100, since: makeRecord(6).decidedAt }]) {
        expect(await store.listDecisionKeys(options)).toEqual((await store.listDecisions(options)).map(keyOf));
      }
      const all = await store.listDecisionKeys({ limit: 100 });
      expect(all).toHaveLength(11); // the shadow record only with includeShadow
      expect(await store.listDecisionKeys({ after: { decidedAt: all[3].decidedAt, seq: all[3].seq }, limit: 100 })).toEqual(all.slice(4));
      await expect(store.listDecisionKeys({ limit: 0 })).rejects.toThrow(ZodError);
    });

    it('rejects a limit outside 1..10000 and a since that is not an ISO instant', async () => {
      const store = await freshStore();
      await expect(store.listDecisions({ limit: 0 })).rejects.toThrow(ZodError);
      await expect(store.listDecisions({ limit: 10_001 })).rejects.toThrow(/10000/);
      await expect(store.listDecisions({ since: 'yesterday', limit: 10 })).rejects.toThrow(ZodError);
    });

    it('reports health, and refuses work with a clear error once closed', async () => {
      const store = await freshStore();
      expect(await store.health()).toEqual({ ok: true });
      await store.close();
      expect(await store.health()).toEqual({ ok: false, error: 'decision store is closed' });
      await expect(store.getDecision('a-1')).rejects.toThrow(`decision store (${store.kind}) is closed`);
      await store.close(); // closing twice is harmless (shutdown paths may overlap)
    });

    describe('feedback', () => {
      const fb = (alertId: string, disposition: FeedbackInput['disposition'], minute: number, extra: Partial<FeedbackInput> = {}): FeedbackInput => ({
        alertId, disposition, analystId: 'analyst-7', decidedAt: `2025-03-02T10:${String(minute).padStart(2, '0')}:00+01:00`, ...extra,
      });

      it('commits a batch, says which alerts were scored, and treats a retry as a no-op', async () => {
        const store = await freshStore();
        await store.writeDecisions([makeRecord(1)]);
        const batch = [fb('a-1', 'false_positive', 0), fb('never-scored', 'true_positive', 1)];
        const first = await store.writeFeedback(batch, '2025-03-02T10:05:00.000Z');
        expect(first.map(({ alertId, status, matched }) => ({ alertId, status, matched }))).toEqual([
          { alertId: 'a-1', status: 'created', matched: true },
          { alertId: 'never-scored', status: 'created', matched: false },
        ]);
        const retry = await store.writeFeedback(batch, '2025-03-02T10:06:00.000Z');
        expect(retry.map((o) => o.status)).toEqual(['duplicate', 'duplicate']);
        expect(retry.map((o) => o.seq)).toEqual(first.map((o) => o.seq));
        const history = await store.getFeedbackHistory('a-1');
        expect(history).toEqual([{ seq: first[0].seq, alertId: 'a-1', disposition: 'false_positive', analystId: 'analyst-7', decidedAt: '2025-03-02T09:00:00.000Z', receivedAt: '2025-03-02T10:05:00.000Z', matched: true }]);
      });

      it('appends a correction, which becomes the current label while the history stays', async () => {
        const store = await freshStore();
        await store.writeFeedback([fb('a-2', 'false_positive', 0)]);
        await store.writeFeedback([fb('a-2', 'sar_filed', 30, { note: 'second look: layering', analystId: 'lead-1' })]);
        const history = await store.getFeedbackHistory('a-2');
        expect(history.map((f) => f.disposition)).toEqual(['false_positive', 'sar_filed']);
        expect(currentFeedback(history)?.disposition).toBe('sar_filed');
        expect(history[1].note).toBe('second look: layering');
      });

      it('uses the idempotency key: a rebuilt retry is a no-op, other content under a used key fails the whole batch', async () => {
        const store = await freshStore();
        await store.writeFeedback([fb('a-3', 'true_positive', 0, { idempotencyKey: 'case-9/1' })]);
        const again = await store.writeFeedback([fb('a-3', 'true_positive', 0, { idempotencyKey: 'case-9/1' })]);
        expect(again[0].status).toBe('duplicate');
        const conflicting = [fb('a-4', 'true_positive', 1), fb('a-3', 'false_positive', 2, { idempotencyKey: 'case-9/1' })];
        await expect(store.writeFeedback(conflicting)).rejects.toThrow(IdempotencyConflictError);
        await expect(store.writeFeedback(conflicting)).rejects.toThrow("feedback 1: idempotencyKey 'case-9/1' was already used for different content");
        expect(await store.getFeedbackHistory('a-4')).toEqual([]); // all or nothing
      });

      it('refuses invalid items naming the index and field, writing nothing', async () => {
        const store = await freshStore();
        const bad = [fb('a-5', 'true_positive', 0), { ...fb('a-6', 'true_positive', 1), disposition: 'maybe' }] as FeedbackInput[];
        const error = await store.writeFeedback(bad).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ZodError);
        expect((error as ZodError).issues[0].path).toEqual([1, 'disposition']);
        expect(await store.getFeedbackHistory('a-5')).toEqual([]);
      });

      it('lists feedback in commit order with a cursor', async () => {
        const store = await freshStore();
        await store.writeFeedback([fb('a-1', 'true_positive', 0), fb('a-2', 'false_positive', 1), fb('a-3', 'inconclusive', 2)]);
        const page1 = await store.listFeedback({ limit: 2 });
        const page2 = await store.listFeedback({ afterSeq: page1[1].seq, limit: 2 });
        expect([...page1, ...page2].map((f) => f.alertId)).toEqual(['a-1', 'a-2', 'a-3']);
      });
    });
  });
}
