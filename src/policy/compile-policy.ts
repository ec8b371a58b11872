/** @module Turns a validated policy into the precomputed form that `decide` reads on the hot path. */
import { parsePolicy } from './policy-schema.ts';
import type { Band, Decision, Policy, PolicyInput } from './policy-schema.ts';
import { versionSeed } from './sample-hash.ts';
import type { VersionSeed } from './sample-hash.ts';

/** A ladder as parallel arrays, so finding a band is a short scan over numbers with no lookups by name. */
export interface CompiledLadder {
  /** Upper bounds (exclusive) of every band but the last, strictly increasing. */
  readonly below: Float64Array;
  readonly names: readonly string[];
  readonly decisions: readonly Decision[];
}

/** A policy ready for `decide`: ladders and lookups built once, at load. */
export interface CompiledPolicy {
  readonly version: string;
  /** The validated policy it was compiled from, for reports and the decision record. */
  readonly policy: Policy;
  readonly ladder: CompiledLadder;
  readonly ruleLadders: ReadonlyMap<string, CompiledLadder>;
  readonly segmentLadders: ReadonlyMap<string, CompiledLadder>;
  readonly neverSuppress: ReadonlySet<string>;
  readonly sampleRate: number;
  readonly seed: VersionSeed;
}

function compileLadder(bands: readonly Band[]): CompiledLadder {
  const below = new Float64Array(bands.length - 1);
  for (let i = 0; i < below.length; i++) below[i] = bands[i].below as number;
  return Object.freeze({ below, names: Object.freeze(bands.map((b) => b.name)), decisions: Object.freeze(bands.map((b) => b.decision)) });
}

function compileLadders(ladders: Readonly<Record<string, { bands: Band[] }>>): ReadonlyMap<string, CompiledLadder> {
  return new Map(Object.entries(ladders).map(([id, l]) => [id, compileLadder(l.bands)]));
}

/**
 * Validates a policy (again, so a policy built in code gets the same checks as a file) and precomputes
 * its ladders, lookups and sampling seed; throws a PolicyError naming the offending path.
 */
export function compilePolicy(input: Policy | PolicyInput, source?: string): CompiledPolicy {
  const policy = parsePolicy(input, source);
  return Object.freeze({
    version: policy.version,
    policy,
    ladder: compileLadder(policy.bands),
    ruleLadders: compileLadders(policy.overrides.rules),
    segmentLadders: compileLadders(policy.overrides.segments),
    neverSuppress: new Set(policy.neverSuppress),
    sampleRate: policy.belowTheLineSampleRate,
    seed: versionSeed(policy.version),
  });
}

/** The ladder that applies to an alert: its rule's override, else its segment's, else the default. */
export function ladderFor(policy: CompiledPolicy, ruleId: string, segment?: string | null): CompiledLadder {
  const byRule = policy.ruleLadders.get(ruleId);
  if (byRule !== undefined) return byRule;
  if (segment != null) {
    const bySegment = policy.segmentLadders.get(segment);
    if (bySegment !== undefined) return bySegment;
  }
  return policy.ladder;
}

/** Index of the band a score falls in: the first whose `below` exceeds it, so a score equal to a threshold goes up. */
export function bandIndex(ladder: CompiledLadder, score: number): number {
  const below = ladder.below;
  let i = 0;
  while (i < below.length && score >= below[i]) i++;
  return i;
}
