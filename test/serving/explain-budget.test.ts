/**
 * @module Budgeted, sliced reason codes (issue 15, item 5) on the real default model and ONNX
 * Runtime: within budget the reasons are exactly TreeSHAP's top N; past it alerts keep their score,
 * rank and decision and say why they have no reasons; explanation yields to the event loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layeredValue } from '../../src/features/index.ts';
import { topReasons } from '../../src/explain/index.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { type Alert, alertFromRecord, DEFAULT_LIMITS, recordLayers } from '../../src/serving/alert-schema.ts';
import { explainResults, overBudget } from '../../src/serving/explain-results.ts';
import { type AlertResult, scoreAlerts } from '../../src/serving/score-alerts.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { defaultPolicy, tempModels } from '../http/helpers.ts';

let registry: ModelRegistry;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
});
afterAll(async () => registry.close());

const alerts: Alert[] = Array.from(generateAlerts({ rows: 300, seed: 5 }), (a) => alertFromRecord(a));
const score = (explain: number, explainBudgetMs?: number) =>
  scoreAlerts(registry.active, defaultPolicy(registry.active), alerts, { limits: DEFAULT_LIMITS, timeoutMs: 10_000, explain, explainBudgetMs });

/** What scoring decided, without the reason codes. */
const verdicts = (results: AlertResult[]) => results.map(({ id, score, rank, band, decision, reason, sample, degraded }) => ({ id, score, rank, band, decision, reason, sample, degraded }));

describe('reason codes within an explanation budget', () => {
  it('within budget gives every alert exactly the top 20 TreeSHAP contributions of its scored features', async () => {
    const results = await score(20, 60_000);
    const built = registry.active.explainer();
    if (!built.ok) throw new Error(built.why);
    const features = registry.active.manifest.featureSpec.features;
    const names = features.map((f) => f.name);
    results.forEach((r, i) => {
      expect(r.reasonsUnavailable).toBeUndefined();
      const phi = built.explainer.explain(r.features!);
      const layers = recordLayers(alerts[i]);
      expect(r.reasons).toEqual(topReasons(phi, 20, names, (j) => layeredValue(layers, features[j].source)));
    });
  });

  it('past a 1-ms budget explains the riskiest alerts only, and scores, ranks and decides every alert as without reasons', async () => {
    const [plain, full, cut] = [await score(0), await score(20, 60_000), await score(20, 1)];
    expect(verdicts(cut)).toEqual(verdicts(plain));
    const explained = cut.filter((r) => r.reasons !== undefined);
    const unexplained = cut.filter((r) => r.reasons === undefined);
    // 300 alerts at ~1.7 ms each cannot fit in 1 ms; the first one always starts before the deadline.
    expect(explained.length).toBeGreaterThan(0);
    expect(unexplained.length).toBeGreaterThan(0);
    expect(explained.map((r) => r.rank).sort((a, b) => a! - b!)).toEqual(explained.map((_, k) => k + 1));
    for (const r of explained) expect(r.reasons).toEqual(full[r.index].reasons);
    for (const r of unexplained) {
      expect(r.score).toBe(plain[r.index].score);
      expect(r.reasonsUnavailable).toBe('explanation budget of 1 ms exceeded: scored and decided as usual, without reason codes');
      expect(r.reasonsOverBudget).toBe(true);
    }
    expect(overBudget(1)).toBe(unexplained[0].reasonsUnavailable);
  });

  it('yields to the event loop between slices instead of explaining the batch in one block', async () => {
    const results = await score(0);
    const pending = results.map((r, i) => ({ index: i, features: r.features!, record: recordLayers(alerts[i]) }));
    let turns = 0;
    let explaining = true;
    const count = () => {
      turns++;
      if (explaining) setImmediate(count);
    };
    setImmediate(count);
    await explainResults(registry.active, pending, results, { n: 5, sliceMs: 0 });
    explaining = false;
    // sliceMs 0 yields before every alert after the first: the loop turns once per alert.
    expect(turns).toBeGreaterThanOrEqual(alerts.length - 1);
    expect(results.every((r) => r.reasons?.length === 5)).toBe(true);
  });
});
