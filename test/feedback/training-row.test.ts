import { describe, expect, it } from 'vitest';
import { encodeRecord, inferFeatureSpec } from '../../src/features/index.ts';
import { decodeFeatures } from '../../src/feedback/training-row.ts';
import { readBundle } from '../../src/model/index.ts';
import { alertFromRecord, recordOf } from '../../src/serving/alert-schema.ts';
import type { DecisionRecord } from '../../src/store/decision-record.ts';
import { generateAlerts } from '../../src/synth/generate.ts';
import { DEFAULT_BUNDLE } from '../http/helpers.ts';

describe('decodeFeatures (export rows from decision records)', () => {
  it('gives values that encode back to exactly the vector as scored, and a spec inferred from them keeps every kind', async () => {
    const spec = (await readBundle(DEFAULT_BUNDLE)).manifest.featureSpec;
    const decoded = [...generateAlerts({ rows: 500, seed: 3 })].map((row) => {
      const alert = alertFromRecord(row);
      const features = Array.from(encodeRecord(recordOf(alert), spec));
      const record = { alertId: alert.id, ruleId: alert.ruleId, segment: alert.segment, entityId: alert.entityId, specHash: 'x', features } as DecisionRecord;
      const values = decodeFeatures(spec, record);
      expect(Array.from(encodeRecord(values, spec)), alert.id).toEqual(features);
      return values;
    });
    const names = spec.features.map((f) => f.source);
    const inferred = inferFeatureSpec({ names, columns: names.map((n) => decoded.map((v) => v[n])), rowCount: decoded.length }).spec;
    // Booleans come back as true/false, so a retrained model still reads the `true` pipelines send.
    for (const f of spec.features.filter((f) => f.kind === 'boolean')) {
      expect(inferred.features.find((g) => g.source === f.source)?.kind, f.source).toBe('boolean');
    }
  });
});
