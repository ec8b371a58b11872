/** @module The policy decision for one scored alert, and the fail-open decision for one that could not be scored. */
import { bandIndex, ladderFor } from './compile-policy.ts';
import type { CompiledPolicy } from './compile-policy.ts';
import type { DecisionResult } from './policy-schema.ts';
import { drawFromSeed } from './sample-hash.ts';

/** What the policy needs to know about one alert. */
export interface DecideInput {
  readonly alertId: string;
  readonly ruleId: string;
  readonly segment?: string | null;
  /** The model's probability of true risk, in [0, 1]. */
  readonly score: number;
}

/**
 * Decides one alert: the score picks a band on the ladder for its rule or segment, then guardrails may only
 * raise the outcome: a never-suppress rule turns `auto_close` into `review`, and so does a below-the-line sample.
 * A score that is not a probability (NaN, out of [0, 1]) means the model misbehaved, so the alert fails open.
 * Runs per alert on the hot path: it allocates only the result.
 */
export function decide(policy: CompiledPolicy, input: DecideInput): DecisionResult {
  const score = input.score;
  // Written so NaN fails the test too.
  if (!(score >= 0 && score <= 1)) return failOpen(policy, input.alertId, 'score is not a probability in [0, 1]');
  const ladder = ladderFor(policy, input.ruleId, input.segment);
  const i = bandIndex(ladder, score);
  const band = ladder.names[i];
  const decision = ladder.decisions[i];
  if (decision !== 'auto_close') return result(band, decision, 'score', false, policy.version);
  if (policy.neverSuppress.has(input.ruleId)) return result(band, 'review', 'never_suppress', false, policy.version);
  // Sampling is checked after never-suppress so that `sample: true` marks only alerts the policy would have closed.
  if (policy.sampleRate > 0 && drawFromSeed(policy.seed, input.alertId) < policy.sampleRate) {
    return result(band, 'review', 'below_the_line_sample', true, policy.version);
  }
  return result(band, 'auto_close', 'score', false, policy.version);
}

/**
 * The decision for an alert that could not be scored (bad item, model error, timeout): `review`, flagged as
 * degraded, so no alert is ever closed without a score. `alertId` keeps call sites symmetric with `decide`;
 * the outcome deliberately does not depend on it.
 */
export function failOpen(policy: Pick<CompiledPolicy, 'version'>, alertId: string, why: string): DecisionResult {
  return { band: null, decision: 'review', reason: 'not_scored', sample: false, degraded: true, policyVersion: policy.version, why };
}

// One literal shape for every scored decision keeps the result objects monomorphic.
function result(band: string, decision: DecisionResult['decision'], reason: DecisionResult['reason'], sample: boolean, policyVersion: string): DecisionResult {
  return { band, decision, reason, sample, degraded: false, policyVersion };
}
