/** @module The zod schema of a policy file and of the decision it yields: the single source of truth for both shapes. */
import { z } from 'zod';
import { closestName } from '../text/did-you-mean.ts';

/** The outcomes a policy can give an alert, lowest priority first. */
export const DECISIONS = ['auto_close', 'review', 'escalate'] as const;

/** An outcome for one alert. */
export type Decision = (typeof DECISIONS)[number];

/** Explicit priority of each outcome: guardrails may only raise it, and a ladder may never lower it as the score rises. */
export const DECISION_PRIORITY: Readonly<Record<Decision, number>> = { auto_close: 0, review: 1, escalate: 2 };

/** Why an alert got its decision: its score, a guardrail, or that it could not be scored. */
export const DECISION_REASONS = ['score', 'never_suppress', 'below_the_line_sample', 'not_scored'] as const;

/** One of DECISION_REASONS. */
export type DecisionReason = (typeof DECISION_REASONS)[number];

/** One outcome, with an error that lists the allowed ones. */
export const decisionSchema = z.enum(DECISIONS, {
  error: (iss) => `must be one of ${DECISIONS.join(', ')} (got ${JSON.stringify(iss.input)})`,
});

/** One rung of a ladder: scores below `below` (exclusive) that passed the previous rung; the last rung has no `below`. */
export const bandSchema = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  below: z
    .number({ error: (iss) => `must be a number (got ${JSON.stringify(iss.input)})` })
    .gt(0, { error: (iss) => `must be greater than 0 (got ${iss.input})` })
    .max(1, { error: (iss) => `must be at most 1 (got ${iss.input})` })
    .optional(),
  decision: decisionSchema,
});

/** A band of a ladder. */
export type Band = z.infer<typeof bandSchema>;

type Issues = { addIssue(issue: { code: 'custom'; path: (string | number)[]; message: string }): void };

/**
 * Checks a band list as a whole, because each rule relates two bands; paths are relative to the object
 * holding `bands`, so zod prefixes them for override ladders (e.g. `overrides.rules.x.bands.1.below`).
 */
function checkBands(bands: readonly Band[], ctx: Issues): void {
  const last = bands.length - 1;
  const seen = new Map<string, number>();
  for (let i = 0; i <= last; i++) {
    const band = bands[i];
    const earlier = seen.get(band.name);
    if (earlier !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['bands', i, 'name'], message: `duplicate band name ${JSON.stringify(band.name)} (also bands.${earlier}.name)` });
    } else seen.set(band.name, i);
    if (i < last && band.below === undefined) {
      ctx.addIssue({ code: 'custom', path: ['bands', i, 'below'], message: `is required: only the last band (bands.${last}) is open-ended` });
    }
    if (i === last && band.below !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['bands', i, 'below'], message: 'must be absent: the last band is open-ended and takes every higher score' });
    }
    if (i === 0) continue;
    const prev = bands[i - 1];
    if (band.below !== undefined && prev.below !== undefined && band.below <= prev.below) {
      ctx.addIssue({ code: 'custom', path: ['bands', i, 'below'], message: `must be greater than bands.${i - 1}.below (${band.below} <= ${prev.below})` });
    }
    // A higher score must never buy a milder outcome, or more model confidence in the risk could close an alert.
    if (DECISION_PRIORITY[band.decision] < DECISION_PRIORITY[prev.decision]) {
      ctx.addIssue({ code: 'custom', path: ['bands', i, 'decision'], message: `must not be lower than bands.${i - 1}.decision (${band.decision} < ${prev.decision})` });
    }
  }
}

const bandsSchema = z.array(bandSchema).min(1, 'must have at least one band');

/** A full threshold ladder from low to high score, as an override holds it. */
export const ladderSchema = z.strictObject({ bands: bandsSchema }).superRefine((l, ctx) => checkBands(l.bands, ctx));

/** A validated ladder. */
export type Ladder = z.infer<typeof ladderSchema>;

const key = z.string().min(1, 'must not be empty');

/**
 * A policy as a JSON policy file holds it. Objects are strict because a misspelt key (say `neverSupress`)
 * silently ignored would switch a guardrail off; `neverSuppress` and the sample rate are required for the same reason.
 */
export const policySchema = z.strictObject({
  /** Recorded with every decision and part of the sampling hash: change it whenever the policy changes. */
  version: z.string().min(1, 'must not be empty'),
  /** The default ladder. */
  bands: bandsSchema,
  /** Full ladders replacing the default for one rule id or one segment; a rule override wins over a segment override. */
  overrides: z
    .strictObject({
      rules: z.record(key, ladderSchema).default({}),
      segments: z.record(key, ladderSchema).default({}),
    })
    .default({ rules: {}, segments: {} }),
  /** Rule ids whose alerts are never closed automatically (sanctions, terrorist financing): at least `review`. */
  neverSuppress: z.array(key),
  /** Share of would-be `auto_close` alerts sent to `review` anyway, so missed true positives can be measured. */
  belowTheLineSampleRate: z
    .number({ error: (iss) => `must be a number (got ${JSON.stringify(iss.input)})` })
    .min(0, { error: (iss) => `must be at least 0 (got ${iss.input})` })
    .lt(1, { error: (iss) => `must be less than 1 (got ${iss.input}): a rate of 1 would review every would-be closure; use a ladder without auto_close instead` }),
}).superRefine((p, ctx) => checkBands(p.bands, ctx));

/** A validated policy. */
export type Policy = z.infer<typeof policySchema>;
/** What a policy file may hold before defaults are filled in. */
export type PolicyInput = z.input<typeof policySchema>;

/** What the policy decided for one alert, as responses and decision records carry it. */
export const decisionResultSchema = z.object({
  /** Band the score fell in; null when the alert could not be scored. */
  band: z.string().nullable(),
  decision: decisionSchema,
  reason: z.enum(DECISION_REASONS),
  /** True when a below-the-line sample turned an `auto_close` into a `review`. */
  sample: z.boolean(),
  /** True when the alert could not be scored and the policy failed open. */
  degraded: z.boolean(),
  policyVersion: z.string(),
  /** Why the alert could not be scored; only with reason `not_scored`. */
  why: z.string().optional(),
});

/** A decision for one alert. */
export type DecisionResult = z.infer<typeof decisionResultSchema>;

/** A policy that failed validation; the message names the first offending path, `issues` holds all of them. */
export class PolicyError extends Error {
  override name = 'PolicyError';
  readonly issues: readonly { path: string; message: string }[];

  constructor(issues: readonly { path: string; message: string }[], source = 'policy') {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
    super(`invalid ${source}: ${first.path}: ${first.message}${more}`);
    this.issues = issues;
  }
}

/** Validates a policy (e.g. a parsed JSON file), throwing a PolicyError that names the path; `source` names the file in the message. */
export function parsePolicy(input: unknown, source?: string): Policy {
  const res = policySchema.safeParse(input);
  if (res.success) return res.data;
  // An unknown key comes first, by name: a misspelt `neverSupress` is the cause, the "missing
  // neverSuppress" it also produces only the symptom.
  const unknown = res.error.issues.flatMap((i) => (i.code === 'unrecognized_keys'
    ? i.keys.map((k) => ({ path: [...i.path, k].join('.'), message: unknownKeyMessage(k, allowedKeys(i.path)) }))
    : []));
  const others = res.error.issues.filter((i) => i.code !== 'unrecognized_keys').map((i) => ({ path: i.path.length > 0 ? i.path.join('.') : '(root)', message: i.message }));
  throw new PolicyError([...unknown, ...others], source);
}

/** The keys an object at `path` of a policy may have. */
function allowedKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(policySchema.shape);
  const last = path[path.length - 1];
  if (typeof last === 'number') return Object.keys(bandSchema.shape);
  if (path.length === 1 && last === 'overrides') return ['rules', 'segments'];
  return ['bands'];
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const near = closestName(key, allowed);
  return `unknown key${near ? `; did you mean '${near}'?` : ''} (allowed here: ${allowed.join(', ')})`;
}
