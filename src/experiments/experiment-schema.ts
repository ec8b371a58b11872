/** @module The zod schema of an experiment definition: arms (model × policy or thresholds, weight, shadow), unit, window, guardrail. */
import { z } from 'zod';
import { policySchema } from '../policy/policy-schema.ts';
import { boundedInstant, SCHEDULE_TIME } from '../store/bounded-instant.ts';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit');
const probability = (what: string) =>
  z.number({ error: (iss) => `must be a number (got ${JSON.stringify(iss.input)})` }).gt(0, `${what} must be greater than 0`).max(1, `${what} must be at most 1`);

/** Thresholds for an arm that only moves the cut-offs of the three-band default ladder. */
export const armThresholdsSchema = z.strictObject({
  /** Scores below it are closed (`auto_close`). */
  closeBelow: probability('closeBelow'),
  /** Scores at or above it are escalated (default 0.5). */
  escalateAt: probability('escalateAt').optional(),
  /** Below-the-line sample rate (default: the service's, 0.02). */
  belowTheLineSampleRate: z.number().min(0).lt(1).optional(),
}).refine((t) => t.escalateAt === undefined || t.escalateAt > t.closeBelow, { message: 'escalateAt must be above closeBelow', path: ['escalateAt'] });

/** One arm. With neither `policy` nor `thresholds` it decides under the service's own policy. */
export const armSchema = z.strictObject({
  name,
  /** `name/version` of a bundle in the models folder; absent: whatever model is active. */
  model: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'must be "name/version"').optional(),
  policy: policySchema.optional(),
  thresholds: armThresholdsSchema.optional(),
  /** Share of traffic, relative to the other live arms (default 1). Shadow arms take none. */
  weight: z.number().min(0, 'must be at least 0').optional(),
  /** Scores and records every alert but never decides one. */
  shadow: z.boolean().default(false),
});

/** A validated arm. */
export type Arm = z.infer<typeof armSchema>;

/** An experiment as `POST /v1/experiments` and `winnow experiment start FILE` take it. */
export const experimentSchema = z.strictObject({
  id: name,
  description: z.string().max(2000).optional(),
  /** What is hashed to pick an arm: each alert, or each entity (all of an entity's alerts in one arm). */
  unit: z.enum(['alert', 'entity']).default('alert'),
  /** The first arm is the control: live, and where traffic of a stopped arm goes back to. */
  arms: z.array(armSchema).min(2, 'must have at least two arms (a control and one to compare)').max(10, 'must have at most 10 arms'),
  // 1970 to now + 5 years: a schedule further out is a typo (see bounded-instant.ts).
  startAt: boundedInstant(SCHEDULE_TIME).optional(),
  stopAt: boundedInstant(SCHEDULE_TIME).optional(),
  guardrail: z.strictObject({
    /** An arm whose estimated share of true positives missed (1 − recall) is confidently above this is stopped. */
    maxMissedRate: z.number().gt(0, 'must be greater than 0').lt(1, 'must be less than 1'),
  }).optional(),
  /** The recall loss (absolute) the report must be able to detect before it calls a winner (default 0.05). */
  minDetectableRecallLoss: z.number().gt(0).lt(1).default(0.05),
}).superRefine((e, ctx) => {
  const seen = new Map<string, number>();
  e.arms.forEach((arm, i) => {
    const earlier = seen.get(arm.name);
    if (earlier !== undefined) ctx.addIssue({ code: 'custom', path: ['arms', i, 'name'], message: `duplicate arm name ${JSON.stringify(arm.name)} (also arms.${earlier}.name)` });
    else seen.set(arm.name, i);
    if (arm.policy && arm.thresholds) ctx.addIssue({ code: 'custom', path: ['arms', i, 'thresholds'], message: 'give policy or thresholds, not both' });
    if (arm.shadow && arm.weight !== undefined && arm.weight !== 0) ctx.addIssue({ code: 'custom', path: ['arms', i, 'weight'], message: 'must be absent: a shadow arm sees every alert and takes no traffic' });
    if (!arm.shadow && arm.weight === 0) ctx.addIssue({ code: 'custom', path: ['arms', i, 'weight'], message: 'must be greater than 0 for a live arm (make it a shadow arm to only watch it)' });
  });
  if (e.arms[0]?.shadow) ctx.addIssue({ code: 'custom', path: ['arms', 0, 'shadow'], message: 'the first arm is the control and must be live' });
  if (e.startAt && e.stopAt && e.stopAt <= e.startAt) ctx.addIssue({ code: 'custom', path: ['stopAt'], message: `must be after startAt (${e.stopAt} <= ${e.startAt})` });
});

/** A validated experiment definition. */
export type Experiment = z.infer<typeof experimentSchema>;
/** An experiment definition as written before defaults. */
export type ExperimentInput = z.input<typeof experimentSchema>;

/** A definition that failed validation; the message names the first offending path. */
export class ExperimentError extends Error {
  override name = 'ExperimentError';
  constructor(readonly issues: readonly { path: string; message: string }[], source = 'experiment') {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`invalid ${source}: ${issues[0].path}: ${issues[0].message}${more}`);
  }
}

/** Validates a definition (e.g. a parsed JSON file), throwing an ExperimentError naming the field. */
export function parseExperiment(input: unknown, source?: string): Experiment {
  const res = experimentSchema.safeParse(input);
  if (res.success) return res.data;
  throw new ExperimentError(res.error.issues.map((i) => ({ path: i.path.length > 0 ? i.path.join('.') : '(root)', message: i.message })), source);
}

/** Live weight of an arm: shadow arms 0, others their weight (default 1). */
export function armWeight(arm: Arm): number {
  return arm.shadow ? 0 : (arm.weight ?? 1);
}

/** An arm stopped while the experiment runs (by a guardrail), as the store keeps it. */
export const armStopSchema = z.object({ arm: z.string(), at: z.string(), reason: z.string() });
export type ArmStop = z.infer<typeof armStopSchema>;

/** An experiment as the store keeps it: the definition plus its lifecycle. */
export interface ExperimentState {
  id: string;
  definition: Experiment;
  status: 'running' | 'stopped';
  createdAt: string;
  createdBy: string;
  stoppedAt?: string;
  stopReason?: string;
  stoppedArms: ArmStop[];
}

/** Whether the experiment assigns alerts at `now`: running and inside its start/stop window. */
export function isActiveAt(e: ExperimentState, now: string): boolean {
  const d = e.definition;
  return e.status === 'running' && (d.startAt === undefined || now >= d.startAt) && (d.stopAt === undefined || now < d.stopAt);
}
