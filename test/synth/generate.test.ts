/** @module Tests for the synthetic alert generator: determinism, shape, kinds, missingness, labels and time. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateAlerts } from '../../src/synth/generate.ts';
import { ALERT_COLUMNS, ALERT_COLUMN_NAMES, ALERT_FEATURE_COLUMNS, type AlertRow } from '../../src/synth/columns.ts';
import { NEVER_SUPPRESS_RULES, RULE_IDS } from '../../src/synth/rules.ts';

const rows = (n: number, seed: number | string, extra: { start?: string; months?: number } = {}): AlertRow[] => [
  ...generateAlerts({ rows: n, seed, ...extra }),
];
const SAMPLE = rows(20_000, 1);
const share = (xs: AlertRow[], pred: (r: AlertRow) => boolean): number => xs.filter(pred).length / xs.length;

describe('generateAlerts', () => {
  it('emits identical rows for the same seed and different rows for another seed', () => {
    expect(rows(500, 'demo')).toEqual(rows(500, 'demo'));
    const a = rows(500, 1);
    const b = rows(500, 2);
    expect(a.map((r) => r.entity_id)).not.toEqual(b.map((r) => r.entity_id));
    expect(a.map((r) => r.occurred_at)).not.toEqual(b.map((r) => r.occurred_at));
  });

  it('matches a fingerprint of seed 1, so any change to the generated data is deliberate', () => {
    // Update this hash only on purpose: models/ and benchmarks are built from this stream.
    const hash = createHash('sha256').update(JSON.stringify(rows(2_000, 1))).digest('hex').slice(0, 16);
    expect(hash).toMatchInlineSnapshot(`"8309b06224344f80"`);
  });

  it('emits the columns of ALERT_COLUMNS, in order, with about 30 features', () => {
    for (const r of SAMPLE.slice(0, 50)) expect(Object.keys(r)).toEqual(ALERT_COLUMN_NAMES);
    expect(ALERT_COLUMNS).toHaveLength(35);
    expect(ALERT_FEATURE_COLUMNS.length).toBeGreaterThanOrEqual(28);
    expect(ALERT_FEATURE_COLUMNS.length).toBeLessThanOrEqual(32);
    expect(new Set(ALERT_COLUMN_NAMES).size).toBe(ALERT_COLUMNS.length);
  });

  it('respects every column kind', () => {
    const ok: Record<string, (v: unknown, categories?: readonly string[]) => boolean> = {
      id: (v) => typeof v === 'string' && v.length > 0,
      time: (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(v),
      label: (v) => v === 0 || v === 1,
      numeric: (v) => v === null || (typeof v === 'number' && Number.isFinite(v)),
      boolean: (v) => v === null || typeof v === 'boolean',
      categorical: (v, categories) => v === null || (typeof v === 'string' && categories!.includes(v)),
    };
    const bad: string[] = [];
    for (const col of ALERT_COLUMNS) {
      for (const r of SAMPLE) {
        const v = (r as unknown as Record<string, unknown>)[col.name];
        if (!ok[col.kind](v, col.categories)) bad.push(`${r.alert_id} ${col.name}=${String(v)}`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('has a true-positive rate between 1% and 5%, for several seeds', () => {
    for (const seed of [1, 2, 'x']) {
      const rate = share(seed === 1 ? SAMPLE : rows(20_000, seed), (r) => r.is_true_positive === 1);
      expect(rate).toBeGreaterThan(0.01);
      expect(rate).toBeLessThan(0.05);
    }
  });

  it('gives each alert a unique id and lets customers recur', () => {
    expect(new Set(SAMPLE.map((r) => r.alert_id)).size).toBe(SAMPLE.length);
    const perEntity = new Map<string, number>();
    for (const r of SAMPLE) perEntity.set(r.entity_id, (perEntity.get(r.entity_id) ?? 0) + 1);
    expect(perEntity.size).toBeLessThan(SAMPLE.length / 3);
    expect(Math.max(...perEntity.values())).toBeGreaterThan(20);
  });

  it('sorts alerts by time across the requested months', () => {
    const times = SAMPLE.map((r) => Date.parse(r.occurred_at));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    expect(SAMPLE[0].occurred_at.slice(0, 7)).toBe('2025-01');
    expect(SAMPLE[SAMPLE.length - 1].occurred_at.slice(0, 7)).toBe('2025-09');
    expect(new Set(SAMPLE.map((r) => r.occurred_at.slice(0, 7))).size).toBe(9);
    const short = rows(1_000, 1, { start: '2024-06-15T00:00:00Z', months: 2 });
    expect(short[0].occurred_at >= '2024-06-15').toBe(true);
    expect(short[short.length - 1].occurred_at < '2024-08-15').toBe(true);
  });

  it('covers every rule and keeps the never-suppress rules in the catalogue', () => {
    expect(new Set(SAMPLE.map((r) => r.rule_id))).toEqual(new Set(RULE_IDS));
    for (const id of NEVER_SUPPRESS_RULES) expect(RULE_IDS).toContain(id);
  });

  it('leaves family-specific attributes missing outside their family', () => {
    const screening = SAMPLE.filter((r) => r.rule_id.startsWith('scr_'));
    const others = SAMPLE.filter((r) => !r.rule_id.startsWith('scr_'));
    expect(screening.every((r) => r.name_match_score !== null && r.name_match_score >= 0 && r.name_match_score <= 100)).toBe(true);
    expect(others.every((r) => r.name_match_score === null && r.dob_match === null)).toBe(true);
    expect(screening.every((r) => r.amount_usd === null && r.vpn_detected === null)).toBe(true);
    expect(SAMPLE.filter((r) => r.rule_id === 'kyc_document_mismatch').every((r) => (r.doc_mismatch_fields ?? 0) >= 1)).toBe(true);
    expect(SAMPLE.filter((r) => !r.rule_id.startsWith('mm_')).every((r) => r.self_trade_share === null)).toBe(true);
  });

  it('has random missing values in every family as well', () => {
    for (const name of ['kyc_tier', 'occupation', 'txn_count_24h', 'days_since_last_alert'] as const) {
      const missing = share(SAMPLE, (r) => r[name] === null);
      expect(missing, name).toBeGreaterThan(0.003);
      expect(missing, name).toBeLessThan(0.2);
    }
    const tm = SAMPLE.filter((r) => r.rule_id.startsWith('tm_'));
    expect(share(tm, (r) => r.vpn_detected === null)).toBeGreaterThan(0.01);
    const onchain = SAMPLE.filter((r) => r.channel === 'crypto_onchain');
    expect(share(onchain, (r) => r.counterparty_risk_score === null)).toBeGreaterThan(0.05);
  });

  it('makes the missing counterparty score informative and the screening score predictive', () => {
    const onchain = SAMPLE.filter((r) => r.channel === 'crypto_onchain');
    const tpRate = (xs: AlertRow[]): number => share(xs, (r) => r.is_true_positive === 1);
    expect(tpRate(onchain.filter((r) => r.counterparty_risk_score === null))).toBeGreaterThan(
      1.5 * tpRate(onchain.filter((r) => r.counterparty_risk_score !== null)),
    );
    const scr = SAMPLE.filter((r) => r.rule_id.startsWith('scr_'));
    expect(tpRate(scr.filter((r) => r.name_match_score! >= 92))).toBeGreaterThan(3 * tpRate(scr.filter((r) => r.name_match_score! < 85)));
  });

  it('drifts mildly: amounts grow through the window', () => {
    const logAmount = (xs: AlertRow[]): number => {
      const a = xs.filter((r) => r.amount_usd !== null && r.segment === 'retail').map((r) => Math.log(r.amount_usd!));
      return a.reduce((s, x) => s + x, 0) / a.length;
    };
    const shift = logAmount(SAMPLE.slice(-5_000)) - logAmount(SAMPLE.slice(0, 5_000));
    expect(shift).toBeGreaterThan(0.1);
    expect(shift).toBeLessThan(0.5);
  });

  it('streams lazily and accepts zero rows', () => {
    const stream = generateAlerts({ rows: 100_000, seed: 1 });
    expect(stream.next().value?.alert_id).toBe('A00000001');
    expect(stream.return(undefined).done).toBe(true);
    expect(rows(0, 1)).toEqual([]);
  });

  it('rejects bad options with the field and the problem', () => {
    expect(() => rows(-1, 1)).toThrow('rows: expected a whole number ≥ 0, got -1');
    expect(() => rows(1.5, 1)).toThrow('rows: expected a whole number ≥ 0, got 1.5');
    expect(() => rows(1, 1, { start: 'soon' })).toThrow("start: 'soon' is not an ISO 8601 time");
    expect(() => rows(1, 1, { months: 0 })).toThrow('months: expected a whole number ≥ 1, got 0');
  });
});
