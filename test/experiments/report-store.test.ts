/** @module The report's queries on SQLite and PostgreSQL: decisions ⋈ current labels per arm, shadow rows paired with live ones. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentReport } from '../../src/pipeline/experiment-report.ts';
import type { DecisionStore } from '../../src/store/decision-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { makeRecord } from '../store/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.ts';

let pgDb: TestDatabase;
beforeAll(async () => { pgDb = await createTestDatabase(); }, 30_000);
afterAll(async () => pgDb.drop());

const backends: [string, () => Promise<DecisionStore>][] = [
  ['SQLite', () => openStore(join(mkdtempSync(join(tmpdir(), 'winnow-exp-')), 'winnow.db'))],
  ['PostgreSQL', async () => { await pgDb.reset(); return openStore(pgDb.url); }],
];

describe.each(backends)('experiment report on %s', (_name, open) => {
  it('counts per arm with the current label, pairs shadow decisions with live ones, and records an automatic stop', async () => {
    const store = await open();
    await store.createExperiment({ id: 'e1', guardrail: { maxMissedRate: 0.3 }, arms: [{ name: 'A' }, { name: 'B' }, { name: 'S', shadow: true }] }, 'tester');
    const exp = (arm: string) => ({ id: 'e1', arm });
    const records = [
      // A: 2 reviewed (1 TP), 1 closed, 1 sampled (FP).
      makeRecord(1, { decision: 'review', experiment: exp('A'), sampleRate: 0.5 }),
      makeRecord(2, { decision: 'review', experiment: exp('A'), sampleRate: 0.5 }),
      makeRecord(3, { decision: 'auto_close', experiment: exp('A'), sampleRate: 0.5 }),
      makeRecord(4, { decision: 'review', sample: true, reason: 'below_the_line_sample', experiment: exp('A'), sampleRate: 0.5 }),
      // B: closes a lot; 2 sampled positives.
      ...[5, 6, 7, 8].map((i) => makeRecord(i, { decision: 'auto_close', experiment: exp('B'), sampleRate: 0.5 })),
      makeRecord(9, { decision: 'review', sample: true, experiment: exp('B'), sampleRate: 0.5 }),
      makeRecord(10, { decision: 'review', sample: true, experiment: exp('B'), sampleRate: 0.5 }),
      // S shadows alerts 1 and 2: would close both.
      makeRecord(1, { decision: 'auto_close', experiment: exp('S'), shadow: true, sampleRate: 0.5, policyVersion: 'shadow' }),
      makeRecord(2, { decision: 'auto_close', experiment: exp('S'), shadow: true, sampleRate: 0.5, policyVersion: 'shadow' }),
    ];
    await store.writeDecisions(records);
    await store.writeFeedback([
      { alertId: 'a-1', disposition: 'false_positive', analystId: 'x', decidedAt: '2025-03-02T00:00:00Z' },
      // A correction: the latest disposition is the label.
      { alertId: 'a-1', disposition: 'true_positive', analystId: 'x', decidedAt: '2025-03-03T00:00:00Z' },
      { alertId: 'a-2', disposition: 'false_positive', analystId: 'x', decidedAt: '2025-03-02T00:00:00Z' },
      { alertId: 'a-4', disposition: 'false_positive', analystId: 'x', decidedAt: '2025-03-02T00:00:00Z' },
      { alertId: 'a-9', disposition: 'sar_filed', analystId: 'x', decidedAt: '2025-03-02T00:00:00Z' },
      { alertId: 'a-10', disposition: 'true_positive', analystId: 'x', decidedAt: '2025-03-02T00:00:00Z' },
    ]);
    // The shadow row is never the alert's decision.
    expect((await store.getDecision('a-1'))?.decision).toBe('review');

    const { report, stopped } = await experimentReport({ store, id: 'e1', minutesPerAlert: 30 });
    const [a, b, s] = report.arms;
    expect(a).toMatchObject({ alerts: 4, closed: 1, reviewed: 3, truePositivesFound: 1, labelled: 3, queuePrecision: 0.5, analystHoursSaved: 0.5 });
    expect(a.missedTruePositives).toMatchObject({ estimate: 0 });
    // B: 2 sampled positives at rate 0.5 stand for 4 positives among would-be closures, 2 of them closed.
    expect(b).toMatchObject({ alerts: 6, closed: 4, truePositivesFound: 2, sample: { rate: 0.5, sampled: 2, labelled: 2, positives: 2 } });
    expect(b.missedTruePositives!.estimate).toBeCloseTo(2);
    expect(s).toMatchObject({ role: 'shadow', alerts: 2, closed: 2 });
    expect(report.shadows[0]).toMatchObject({ arm: 'S', pairedAlerts: 2, shadowCloses: 2, liveCloses: 0, knownTruePositivesShadowWouldClose: 1, changedDecisions: 2 });
    // Too little data for B's lower bound to clear 30%: nothing stopped.
    expect(stopped).toEqual([]);

    await store.stopExperimentArm('e1', 'B', 'test stop');
    const again = await experimentReport({ store, id: 'e1', minutesPerAlert: 30 });
    expect(again.report.arms[1]).toMatchObject({ status: 'stopped', stop: { reason: 'test stop' } });
    expect((await store.getExperiment('e1'))?.stoppedArms).toEqual([{ arm: 'B', at: expect.any(String), reason: 'test stop' }]);
    await store.close();
  });
});
