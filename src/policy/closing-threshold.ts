/** @module The score below which a policy closes an alert: what a protocol that speaks in thresholds (Jube's Result.Threshold) needs to hear. */
import { type CompiledPolicy, ladderFor } from './compile-policy.ts';

/**
 * The score from which this alert's decision is no longer `auto_close` on its ladder (its rule's,
 * else its segment's, else the default): scores below it close, scores at or above it do not.
 * 0 when nothing can close it (no closing band, or a never-suppress rule); Infinity when the
 * ladder closes every score. The below-the-line sample is not part of it: it reviews some
 * alerts below the threshold, by a draw, never closes one above it.
 */
export function closingThreshold(policy: CompiledPolicy, ruleId: string, segment?: string | null): number {
  if (policy.neverSuppress.has(ruleId)) return 0;
  const ladder = ladderFor(policy, ruleId, segment);
  // Closing bands sit at the bottom of a ladder (a higher score never gets a milder decision).
  let i = 0;
  while (i < ladder.decisions.length && ladder.decisions[i] === 'auto_close') i++;
  if (i === 0) return 0;
  return i === ladder.decisions.length ? Infinity : ladder.below[i - 1];
}
