import { describe, expect, it } from 'vitest';
import { alertFromRecord, alertSchema, DEFAULT_LIMITS, recordOf } from '../../src/serving/alert-schema.ts';
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
