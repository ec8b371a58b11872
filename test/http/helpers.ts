/** @module Shared setup for HTTP tests: a registry over a temp copy of the default bundle. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyForModels } from '../../src/serving/policy-decider.ts';

export const DEFAULT_BUNDLE = new URL('../../models/default/1', import.meta.url).pathname;

/** A fresh models folder holding a copy of models/default/1. */
export function tempModels(): string {
  const dir = mkdtempSync(join(tmpdir(), 'winnow-models-'));
  cpSync(DEFAULT_BUNDLE, join(dir, 'default', '1'), { recursive: true });
  return dir;
}

/** Two plain alerts in the synthetic data's vocabulary. */
export const twoAlerts: { id: string; ruleId: string; segment: string; attributes: Record<string, number | boolean | string | null> }[] = [
  { id: 'A-1', ruleId: 'tm_structuring', segment: 'retail', attributes: { amount_usd: 9500, account_age_days: 12, txn_count_24h: 14, prior_alerts_90d: 3, vpn_detected: true } },
  { id: 'A-2', ruleId: 'tm_large_withdrawal', segment: 'vip', attributes: { amount_usd: 120000, account_age_days: 2100, prior_false_positives_90d: 6, prior_alerts_90d: 6 } },
];

/** The serving default: the bundle's recommended thresholds, sanctions never suppressed. */
export const defaultPolicy = policyForModels({ neverSuppress: ['scr_sanctions'] });
