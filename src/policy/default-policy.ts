/** @module The policy a model bundle implies when no policy file is given: close below its recall threshold, escalate the likely true positives. */
import { PolicyError, parsePolicy } from './policy-schema.ts';
import type { Band, Policy } from './policy-schema.ts';

/** The recommended thresholds of a bundle manifest (`manifest.thresholds`). */
export interface RecommendedThresholds {
  /** Closing alerts scored below it kept 95% of true positives on validation. */
  readonly recall95: number;
  /** Closing alerts scored below it kept 99% of true positives on validation (never above recall95). */
  readonly recall99: number;
}

/** Choices a compliance lead makes on top of the model's thresholds. */
export interface DefaultPolicyOptions {
  /** Which recall the closing threshold keeps; 'recall99' closes fewer alerts and misses fewer true positives. */
  readonly closeBelow?: 'recall95' | 'recall99';
  /** Scores at or above it are escalated; must be above the closing threshold. */
  readonly escalateAt?: number;
  /** Rule ids never closed automatically (e.g. sanctions, terrorist financing); the core knows no rule names. */
  readonly neverSuppress?: readonly string[];
  /** Share of would-be closures reviewed anyway to measure what closing misses. */
  readonly belowTheLineSampleRate?: number;
  /** Policy version; by default it spells out every choice, so two different default policies never share one. */
  readonly version?: string;
}

/**
 * Defaults and why:
 * - close below `recall95`: the operating point training reports ("FP reduction at 95% recall") and the one a
 *   lead signs off on; the below-the-line sample measures the 5% it gives up on live traffic.
 * - escalate at 0.5: the score is a probability of true risk (the manifest reports its calibration), so 0.5
 *   reads as "more likely than not a true positive" whatever the alert volume; with base rates of 1–5% it is
 *   a small, high-precision queue. Volume-based cut-offs (top k a day) depend on traffic, so they are left to policy files.
 * - sample 2%: at 10,000 closures a day that is 200 reviews, which over a few weeks estimates the miss rate of
 *   closing, while costing a small fraction of the analyst hours closing saves.
 * - no never-suppress rules by default: rule ids belong to the deployment, so the caller must name them.
 */
export const DEFAULT_POLICY_OPTIONS = {
  closeBelow: 'recall95',
  escalateAt: 0.5,
  neverSuppress: [] as readonly string[],
  belowTheLineSampleRate: 0.02,
} as const;

/**
 * Builds the three-band policy `low` (auto_close) < close threshold ≤ `medium` (review) < escalateAt ≤ `high`
 * (escalate) from a bundle's recommended thresholds; throws a PolicyError when the choices contradict each other.
 */
export function policyFromThresholds(thresholds: RecommendedThresholds, options: DefaultPolicyOptions = {}): Policy {
  const {
    closeBelow = DEFAULT_POLICY_OPTIONS.closeBelow,
    escalateAt = DEFAULT_POLICY_OPTIONS.escalateAt,
    neverSuppress = DEFAULT_POLICY_OPTIONS.neverSuppress,
    belowTheLineSampleRate = DEFAULT_POLICY_OPTIONS.belowTheLineSampleRate,
  } = options;
  const close = thresholds[closeBelow];
  if (!(close >= 0 && close <= 1)) {
    throw new PolicyError([{ path: `thresholds.${closeBelow}`, message: `must be a probability in [0, 1] (got ${close})` }], 'default policy');
  }
  if (!(escalateAt > close && escalateAt <= 1)) {
    throw new PolicyError(
      [{ path: 'escalateAt', message: `must be above the ${closeBelow} threshold and at most 1 (${escalateAt} vs ${close})` }],
      'default policy',
    );
  }
  const bands: Band[] = [];
  // A threshold of 0 closes nothing (no score is below it), and a band cannot end at 0, so the band is left out.
  if (close > 0) bands.push({ name: 'low', below: close, decision: 'auto_close' });
  bands.push({ name: 'medium', below: escalateAt, decision: 'review' }, { name: 'high', decision: 'escalate' });
  const version =
    options.version ??
    `default:${closeBelow}<${close}:escalate>=${escalateAt}:sample=${belowTheLineSampleRate}:never=${neverSuppress.join(',')}`;
  return parsePolicy(
    { version, bands, overrides: { rules: {}, segments: {} }, neverSuppress: [...neverSuppress], belowTheLineSampleRate },
    'default policy',
  );
}
