/** @module Public API of the policy: schema, default policy from a bundle's thresholds, compilation and decisions. */
export {
  DECISIONS,
  DECISION_PRIORITY,
  DECISION_REASONS,
  PolicyError,
  bandSchema,
  decisionResultSchema,
  decisionSchema,
  ladderSchema,
  parsePolicy,
  policySchema,
} from './policy-schema.ts';
export type { Band, Decision, DecisionReason, DecisionResult, Ladder, Policy, PolicyInput } from './policy-schema.ts';
export { DEFAULT_POLICY_OPTIONS, policyFromThresholds } from './default-policy.ts';
export type { DefaultPolicyOptions, RecommendedThresholds } from './default-policy.ts';
export { bandIndex, compilePolicy, ladderFor } from './compile-policy.ts';
export type { CompiledLadder, CompiledPolicy } from './compile-policy.ts';
export { decide, failOpen } from './decide.ts';
export type { DecideInput } from './decide.ts';
export { belowTheLineDraw, fnv1a64Hex } from './sample-hash.ts';
