/** @module Adapts a compiled policy (src/policy) to the data plane's Decider, one per served model. */
import { type CompiledPolicy, compilePolicy, decide, failOpen, type Policy, policyFromThresholds } from '../policy/index.ts';
import { closingThreshold } from '../policy/closing-threshold.ts';
import type { LoadedModel } from '../registry/loaded-model.ts';
import type { Decider } from './score-alerts.ts';

/** A Decider over a compiled policy. */
export function policyDecider(policy: CompiledPolicy): Decider {
  return {
    decide: (input) => ({ ...decide(policy, input), sampleRate: policy.sampleRate, closeBelow: closingThreshold(policy, input.ruleId, input.segment) }),
    failOpen: (alertId) => ({ ...failOpen(policy, alertId, 'not scored'), sampleRate: policy.sampleRate }),
  };
}

/** What `winnow serve` was told about its policy: a policy file, and the never-suppressed rules of the default one. */
export interface ServingPolicyOptions {
  policy?: Policy;
  neverSuppress?: readonly string[];
}

/** The policy that decides for `model`: the policy file's, else the default ladder from the bundle's recommended thresholds. */
export function servingPolicy(options: ServingPolicyOptions, model: LoadedModel): Policy {
  return options.policy ?? policyFromThresholds(model.manifest.thresholds, { neverSuppress: options.neverSuppress ?? [] });
}

/**
 * The Decider for a model: the policy file's, when one is configured, else the default ladder
 * built from the bundle's recommended thresholds. Compiled once per model, not per request.
 */
export function policyForModels(options: ServingPolicyOptions = {}): (model: LoadedModel) => Decider {
  const cache = new WeakMap<LoadedModel, Decider>();
  return (model) => {
    let d = cache.get(model);
    if (!d) {
      d = policyDecider(compilePolicy(servingPolicy(options, model)));
      cache.set(model, d);
    }
    return d;
  };
}
