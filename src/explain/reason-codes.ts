/** @module Reason codes: an alert's largest TreeSHAP contributions, named and worded for an analyst. */
import type { AttributeValue } from '../features/index.ts';
import { isMissing } from '../features/values.ts';

/** One reason: a feature, the value the alert carried, and how far it moved the log-odds. */
export interface ReasonCode {
  /** Feature name, from the bundle's spec. */
  feature: string;
  /** The attribute value as sent (null when absent or missing). */
  value: number | string | boolean | null;
  /** Contribution to the raw margin (log-odds); positive raised the risk. */
  contribution: number;
  /** e.g. "amount_usd = 9500 raised the risk". */
  label: string;
}

/** Largest number of reason codes a request may ask for. */
export const MAX_REASON_CODES = 20;

/**
 * The `n` features with the largest |contribution| (ties: spec order), leaving out features that
 * contributed exactly 0. Both directions count: a value that lowered the risk is a reason too.
 */
export function topReasons(
  phi: ArrayLike<number>, n: number, names: readonly string[], valueOf: (feature: number) => AttributeValue,
): ReasonCode[] {
  return topFeatures(phi, n, names.length).map((j) => {
    const raw = valueOf(j);
    const value = raw === undefined || (typeof raw === 'number' && raw !== raw) ? null : raw;
    return { feature: names[j], value, contribution: phi[j], label: reasonLabel(names[j], value, phi[j]) };
  });
}

/** Indices of the `n` features of `phi[0 … numFeatures)` with the largest |contribution| (ties: spec order), zeros left out. */
export function topFeatures(phi: ArrayLike<number>, n: number, numFeatures: number): number[] {
  const order: number[] = [];
  for (let j = 0; j < numFeatures; j++) if (phi[j] !== 0) order.push(j);
  order.sort((a, b) => Math.abs(phi[b]) - Math.abs(phi[a]) || a - b);
  return order.slice(0, Math.max(0, n));
}

/** "amount_usd = 9500 raised the risk", "country = \"RU\" lowered the risk", "kyc_level missing raised the risk". */
export function reasonLabel(name: string, value: AttributeValue, contribution: number): string {
  const effect = contribution > 0 ? 'raised the risk' : 'lowered the risk';
  if (isMissing(value)) return `${name} missing ${effect}`;
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value) : String(value);
  return `${name} = ${shown} ${effect}`;
}
