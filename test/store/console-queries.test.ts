/**
 * The console's store queries on both backends: the queue pages through exactly the live review
 * and escalate decisions, riskiest first, unscored last, with every filter; the overview counts
 * add up; labelled scores take each alert once; and on SQLite the queue walks its partial index.
 */
import { CompiledQuery, sql } from 'kysely';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import type { QueueFilter, QueueRow } from '../../src/store/console-queries.ts';
import { openStore } from '../../src/store/open-store.ts';
import { openSqliteDb } from '../../src/store/sqlite.ts';
import { KyselyDecisionStore } from '../../src/store/kysely-decision-store.ts';
import type { DecisionRecordInput } from '../../src/store/decision-record.ts';
import type { FeedbackInput } from '../../src/store/feedback-record.ts';
import { QUEUE_SCAN_LIMIT } from '../../src/store/console-queries.ts';
import { makeRecord } from './fixtures.ts';
import { createTestDatabase, type TestDatabase } from './pg-test-database.ts';

const RULES = ['tm_a', 'tm_b', 'scr_c'];
const DECISIONS = ['auto_close', 'review', 'escalate', 'review'];

/** 240 decisions: scores with ties, a few unscored, some shadow, some re-scored, entities, over 4 days. */
function records(): DecisionRecordInput[] {
  const out: DecisionRecordInput[] = [];
  for (let i = 0; i < 240; i++) {
    const decision = DECISIONS[i % 4];
    out.push(makeRecord(i, {
      decidedAt: new Date(Date.parse('2026-03-01T00:00:00.000Z') + i * 1_440_000).toISOString(),
      ruleId: RULES[i % 3], segment: i % 5 === 0 ? 'vip' : 'retail', entityId: `e-${i % 9}`,
      score: i % 31 === 0 ? null : Math.round(((i * 37) % 100) / 5) / 20, // ties: 21 distinct values
      decision, band: decision === 'escalate' ? 'high' : decision === 'review' ? 'medium' : 'low',
      ...(i % 31 === 0 ? { features: [], degraded: true, decision: 'review', band: 'unscored' } : {}),
    }));
  }
  // Shadow records never show; a re-scored alert shows its latest decision row too (both rows are decisions).
  out.push(makeRecord(1000, { alertId: 'a-5', decision: 'escalate', score: 0.99, shadow: true, experiment: { id: 'x', arm: 'c' }, decidedAt: '2026-03-02T00:00:00.000Z' }));
  return out;
}

function expectedQueue(all: DecisionRecordInput[], keep: (r: DecisionRecordInput) => boolean): string[] {
  const live = all.map((r, seq) => ({ r, seq })).filter(({ r }) => !r.shadow && (r.decision === 'review' || r.decision === 'escalate') && keep(r));
  const scored = live.filter(({ r }) => r.score !== null).sort((a, b) => b.r.score! - a.r.score! || b.seq - a.seq);
  const unscored = live.filter(({ r }) => r.score === null).sort((a, b) => b.seq - a.seq);
  return [...scored, ...unscored].map(({ r }) => r.alertId);
}

async function allPages(store: DecisionStore, filter: Omit<QueueFilter, 'limit' | 'after'>, limit = 7): Promise<QueueRow[]> {
  const rows: QueueRow[] = [];
  let after: QueueFilter['after'];
  for (;;) {
    const page = await store.queuePage({ ...filter, limit, ...(after ? { after } : {}) });
    rows.push(...page.rows);
    if (!page.next) return rows;
    after = page.next;
  }
}

function contract(name: string, open: () => Promise<DecisionStore>) {
  describe(`console queries (${name})`, () => {
    let store: DecisionStore;
    const all = records();
    beforeAll(async () => {
      store = await open();
      await store.init();
      for (let i = 0; i < all.length; i += 50) await store.writeDecisions(all.slice(i, i + 50));
      // Labels: every 3rd queue alert, one relabelled (the latest counts).
      const items: FeedbackInput[] = all.filter((r, i) => i % 3 === 0 && !r.shadow).map((r) => ({ alertId: r.alertId, disposition: 'false_positive', analystId: 'an', decidedAt: '2026-03-05T00:00:00.000Z' }));
      items.push({ alertId: 'a-6', disposition: 'true_positive', analystId: 'an', decidedAt: '2026-03-06T00:00:00.000Z' });
      await store.writeFeedback(items);
    });
    afterAll(async () => store?.close());

    const labelled = new Set([...all.filter((r, i) => i % 3 === 0 && !r.shadow).map((r) => r.alertId), 'a-6']);

    it('pages through every live review/escalate decision once, riskiest first, unscored last', async () => {
      const rows = await allPages(store, {});
      expect(rows.map((r) => r.alertId)).toEqual(expectedQueue(all, () => true));
      expect(rows.find((r) => r.alertId === 'a-6')?.disposition).toBe('true_positive');
      expect(rows.find((r) => r.alertId === 'a-1')?.disposition).toBeNull();
    });

    it('filters by rule, segment, band, decision, period and label', async () => {
      const from = '2026-03-02T00:00:00.000Z';
      const to = '2026-03-03T12:00:00.000Z';
      const cases: [Omit<QueueFilter, 'limit'>, (r: DecisionRecordInput) => boolean][] = [
        [{ ruleId: 'tm_b' }, (r) => r.ruleId === 'tm_b'],
        [{ segment: 'vip', decision: 'review' }, (r) => r.segment === 'vip' && r.decision === 'review'],
        [{ band: 'high' }, (r) => r.band === 'high'],
        [{ from, to }, (r) => r.decidedAt >= from && r.decidedAt < to],
        [{ labelled: true }, (r) => labelled.has(r.alertId)],
        [{ labelled: false, ruleId: 'scr_c' }, (r) => !labelled.has(r.alertId) && r.ruleId === 'scr_c'],
        [{ ruleId: 'no_such_rule' }, () => false],
      ];
      for (const [filter, keep] of cases) {
        expect((await allPages(store, filter, 5)).map((r) => r.alertId), JSON.stringify(filter)).toEqual(expectedQueue(all, keep));
      }
    });

    it('refuses a filter it cannot run, naming the field', async () => {
      await expect(store.queuePage({ limit: 0 })).rejects.toThrow(/limit/);
      await expect(store.queuePage({ limit: 10, from: 'yesterday' })).rejects.toThrow(/from/);
      await expect(store.queuePage({ limit: 10, ruleId: 'a\u0000b' })).rejects.toThrow(/ruleId/);
    });

    it('counts the overview: per day, rule and decision; below-the-line groups; backlog', async () => {
      const counts = await store.overviewCounts('2026-03-01T00:00:00.000Z', '2026-03-10T00:00:00.000Z');
      const live = all.filter((r) => !r.shadow);
      expect(counts.daily.reduce((s, d) => s + d.alerts, 0)).toBe(live.length);
      expect(counts.daily.find((d) => d.day === '2026-03-01' && d.ruleId === 'tm_a' && d.decision === 'auto_close')?.alerts)
        .toBe(live.filter((r) => r.decidedAt.startsWith('2026-03-01') && r.ruleId === 'tm_a' && r.decision === 'auto_close').length);
      expect(counts.groups.reduce((s, g) => s + g.alerts, 0)).toBe(live.length);
      expect(counts.groups.filter((g) => g.disposition === 'true_positive').reduce((s, g) => s + g.alerts, 0)).toBe(1);
      expect(counts.backlog).toBe(expectedQueue(all, (r) => !labelled.has(r.alertId)).length);
    });

    it("lists an entity's other decisions, newest first", async () => {
      const rows = await store.entityDecisions('e-2', 'a-2', 100);
      expect(rows.map((r) => r.alertId)).toEqual(all.filter((r) => r.entityId === 'e-2' && r.alertId !== 'a-2' && !r.shadow).map((r) => r.alertId).reverse());
    });

    it('gives the simulation each labelled, scored alert once', async () => {
      const rows = await store.labelledScores('2026-03-01T00:00:00.000Z', '2026-03-10T00:00:00.000Z');
      const want = all.filter((r) => !r.shadow && r.score !== null && labelled.has(r.alertId));
      expect(rows.map((r) => r.alertId).sort()).toEqual(want.map((r) => r.alertId).sort());
      expect(rows.find((r) => r.alertId === 'a-6')?.disposition).toBe('true_positive');
    });
  });
}

contract('SQLite', async () => openStore(join(mkdtempSync(join(tmpdir(), 'winnow-console-q-')), 'w.db')));

let pg: TestDatabase;
beforeAll(async () => {
  pg = await createTestDatabase();
});
afterAll(async () => pg?.drop());
contract('PostgreSQL', async () => openStore(pg.url));

describe('the queue plan', () => {
  it('SQLite walks decisions_queue_idx in order (no sort), whatever the filters', async () => {
    const db = openSqliteDb(join(mkdtempSync(join(tmpdir(), 'winnow-queue-plan-')), 'w.db'));
    const store = new KyselyDecisionStore(db, 'sqlite');
    await store.init();
    try {
      await store.queuePage({ limit: 5 });
      const { rows } = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE name = 'decisions_queue_idx'`.execute(db);
      expect(rows[0].sql).toMatch(/WHERE decision IN \('review', 'escalate'\) AND NOT shadow/);
      for (const extra of ['', "AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.alert_id = d.alert_id)", 'AND (d.score, d.seq) < (0.5, 100)']) {
        const q = `SELECT d.seq FROM decisions d WHERE d.decision IN ('review', 'escalate') AND NOT d.shadow AND d.score IS NOT NULL ${extra} ORDER BY d.score DESC, d.seq DESC LIMIT 50`;
        const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${q}`));
        const details = plan.rows.map((r) => r.detail).join('; ');
        expect(details, extra).toMatch(/decisions_queue_idx/);
        expect(details, extra).not.toMatch(/TEMP B-TREE/);
      }
      const rule = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN SELECT d.seq FROM decisions d WHERE d.decision IN ('review', 'escalate') AND NOT d.shadow AND d.rule_id = 'x' AND d.score IS NOT NULL ORDER BY d.score DESC, d.seq DESC LIMIT 50`));
      expect(rule.rows.map((r) => r.detail)).toEqual(['SEARCH d USING INDEX decisions_queue_rule_idx (rule_id=? AND score>?)']);
    } finally {
      await store.close();
    }
  });
});

describe('the queue scan bound', () => {
  it(`stops a page after ${QUEUE_SCAN_LIMIT} index entries and continues from there, missing nothing`, async () => {
    const store = await openStore(join(mkdtempSync(join(tmpdir(), 'winnow-queue-bound-')), 'w.db'));
    await store.init();
    try {
      const n = QUEUE_SCAN_LIMIT + 500;
      // Scores fall with i, so entry i is the i-th of the walk; two rare rows, one beyond the bound.
      const rare = new Set([3, QUEUE_SCAN_LIMIT + 100]);
      const rows = Array.from({ length: n }, (_, i) => makeRecord(i, { decision: 'review', band: 'medium', score: 1 - i / (2 * n), segment: rare.has(i) ? 'rare' : 'common' }));
      for (let i = 0; i < n; i += 2_000) await store.writeDecisions(rows.slice(i, i + 2_000));
      const first = await store.queuePage({ segment: 'rare', limit: 50 });
      expect(first.rows.map((r) => r.alertId)).toEqual(['a-3']);
      expect(first.scanLimited).toBe(true);
      const second = await store.queuePage({ segment: 'rare', limit: 50, after: first.next });
      expect(second.rows.map((r) => r.alertId)).toEqual([`a-${QUEUE_SCAN_LIMIT + 100}`]);
      expect(second).toMatchObject({ scanLimited: false, next: undefined });
      // Without residual filters a page is full and nothing is scan-limited.
      const plain = await store.queuePage({ limit: 50 });
      expect(plain).toMatchObject({ scanLimited: false, next: { seq: plain.rows[49].seq } });
    } finally {
      await store.close();
    }
  });
});
