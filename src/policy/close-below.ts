/** @module A policy that closes below chosen thresholds: a serving policy with its closing band moved, the rest kept. */
import { fnv1a64Hex } from './sample-hash.ts';
import { type Band, parsePolicy, type Policy } from './policy-schema.ts';

/**
 * `bands` with scores below `threshold` closed and every score at or above it decided as before:
 * the auto_close bands go (a ladder has them only at its bottom), so do review and escalate bands that
 * end at or below the threshold, and one auto_close band ending at the threshold comes first. A
 * threshold of 0 closes nothing, so no closing band is added (a band cannot end at 0).
 */
export function closeBelow(bands: readonly Band[], threshold: number): Band[] {
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`a closing threshold must be a score in [0, 1], got ${threshold}`);
  const kept = bands.filter((b) => b.decision !== 'auto_close' && (b.below === undefined || b.below > threshold));
  // A ladder that closed every score keeps nothing above the threshold: what is not closed is reviewed.
  if (kept.length === 0) kept.push({ name: 'review', decision: 'review' });
  if (threshold === 0) return kept;
  const taken = new Set(kept.map((b) => b.name));
  let name = bands.find((b) => b.decision === 'auto_close')?.name ?? 'low';
  while (taken.has(name)) name = `${name}-closed`;
  return [{ name, below: threshold, decision: 'auto_close' }, ...kept];
}

export interface ClosingThresholds {
  /** Close alerts scored below it (every rule without its own threshold). */
  threshold: number;
  /** Per rule id: close that rule's alerts scored below it instead. */
  rules?: Readonly<Record<string, number>>;
  /** Prefix of the new policy's version (which ends in a hash of the policy, so two different ones never share it). */
  versionPrefix: string;
}

/**
 * `base` (the policy serving now) closing below the chosen thresholds: its default ladder and every
 * segment and rule override get the global threshold; a rule with its own threshold gets an override
 * built from its base ladder (its rule override, else the default). Never-suppressed rules and the
 * below-the-line sample rate are kept, so the new policy never closes what the old one never closed.
 */
export function policyClosingBelow(base: Policy, t: ClosingThresholds): Policy {
  const ruleLadders: Record<string, { bands: Band[] }> = {};
  for (const [rule, ladder] of Object.entries(base.overrides.rules)) ruleLadders[rule] = { bands: closeBelow(ladder.bands, t.threshold) };
  for (const [rule, threshold] of Object.entries(t.rules ?? {})) {
    ruleLadders[rule] = { bands: closeBelow(Object.hasOwn(base.overrides.rules, rule) ? base.overrides.rules[rule].bands : base.bands, threshold) };
  }
  const segmentLadders = Object.fromEntries(Object.entries(base.overrides.segments).map(([s, ladder]) => [s, { bands: closeBelow(ladder.bands, t.threshold) }]));
  const body = {
    bands: closeBelow(base.bands, t.threshold),
    overrides: { rules: ruleLadders, segments: segmentLadders },
    neverSuppress: [...base.neverSuppress],
    belowTheLineSampleRate: base.belowTheLineSampleRate,
  };
  const version = `${t.versionPrefix}:${fnv1a64Hex(JSON.stringify(body)).slice(0, 12)}`;
  return parsePolicy({ version, ...body }, 'chosen policy');
}
