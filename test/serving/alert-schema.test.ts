import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeLayered, encodeRecord, parseFeatureSpec } from '../../src/features/index.ts';
import { alertFromRecord, alertSchema, DEFAULT_LIMITS, recordLayers, recordOf } from '../../src/serving/alert-schema.ts';
import { generateAlerts } from '../../src/synth/generate.ts';

describe('alertFromRecord and recordOf', () => {
  it('turn a table row into a valid API alert and back, without the label', () => {
    for (const row of generateAlerts({ rows: 200, seed: 4 })) {
      const alert = alertFromRecord(row);
      expect(alertSchema(DEFAULT_LIMITS).safeParse(alert).success).toBe(true);
      // The id keys the alert; it is not a model input, so recordOf leaves it out.
      expect(alert.id).toBe(row.alert_id);
      const { is_true_positive: _label, alert_id: _id, ...expected } = row;
      const back = recordOf(alert);
      for (const [k, v] of Object.entries(expected)) expect(back[k] ?? null, k).toEqual(v ?? null);
      expect('is_true_positive' in back).toBe(false);
    }
  });
});

describe('recordLayers', () => {
  // Features over the envelope's column names, names Object.prototype has, and plain attributes.
  const spec = parseFeatureSpec({
    version: 1,
    features: [
      { name: 'rule', kind: 'categorical', source: 'rule_id', categories: ['r1', 'r2'] },
      { name: 'seg', kind: 'categorical', source: 'segment', categories: ['retail', 'sme'] },
      { name: 'ent', kind: 'categorical', source: 'entity_id', categories: ['e1'] },
      { name: 'ctor', kind: 'numeric', source: 'constructor' },
      { name: 'amount', kind: 'numeric', source: 'amount' },
      { name: 'vpn', kind: 'boolean', source: 'vpn' },
    ],
  });
  const name = fc.constantFrom('rule_id', 'segment', 'entity_id', 'occurred_at', 'constructor', 'amount', 'vpn', 'other');
  const value = fc.oneof(fc.constantFrom('r1', 'r2', 'retail', 'sme', 'e1', 'zz'), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const alert = fc.record(
    { id: fc.constant('a'), ruleId: fc.constantFrom('r1', 'r2', 'r3'), segment: fc.constantFrom('retail', 'sme'), entityId: fc.constant('e1'), attributes: fc.dictionary(name, value, { maxKeys: 8 }) },
    { requiredKeys: ['id', 'ruleId', 'attributes'] },
  );
  const encodeOrError = (f: () => Float32Array) => {
    try {
      return Array.from(f(), String);
    } catch (err) {
      return (err as Error).message;
    }
  };

  it('encode exactly as the merged record does: the envelope over the attributes, missing envelope fields hiding attributes', () => {
    fc.assert(
      fc.property(alert, (a) => {
        expect(encodeOrError(() => encodeLayered(recordLayers(a), spec))).toEqual(encodeOrError(() => encodeRecord(recordOf(a), spec)));
      }),
      { numRuns: 2000 },
    );
  });
});
