/**
 * @module Tazama's case-manager triage call, translated. Tazama POSTs `{"features": […]}`, a
 * positional vector, and reads `{priority, confidence}`; a case whose confidence reaches its
 * `CONFIDENCE_THRESHOLD` (95 in Tazama's .env) is auto-closed as refuted. So `confidence` here is
 * not the model's: it is 100 exactly when winnow's policy closes the alert, and always below the
 * threshold otherwise, so Tazama's threshold closes what winnow's policy closes and nothing else.
 */
import { z } from 'zod';
import type { AlertResult } from '../serving/score-alerts.ts';
import { canonicalJson, sha256 } from './jube-mapping.ts';

/** The features file (`winnow serve --tazama-features FILE`): position i of Tazama's vector is attribute `names[i]`; null skips a position. */
export const tazamaFeaturesSchema = z
  .array(z.string().min(1, 'must name an attribute (null skips the position)').max(256).nullable())
  .min(1, 'must name at least one position')
  .max(1024)
  .refine((names) => names.some((n) => n !== null), 'must name at least one attribute (every position is null)')
  .superRefine((names, ctx) => {
    const seen = new Map<string, number>();
    names.forEach((n, i) => {
      if (n === null) return;
      const first = seen.get(n);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i], message: `'${n}' again (also position ${first}): each attribute has one position` });
      else seen.set(n, i);
    });
  });

/** Validates a parsed features file; the error names the position. */
export function parseTazamaFeatures(input: unknown, source = 'Tazama features'): (string | null)[] {
  const parsed = tazamaFeaturesSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`${source}: ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

const idValue = z.union([z.string().min(1).max(1024), z.number().finite()]).transform(String);

/** The triage request: the vector, and the ids Tazama may send along. Other members are ignored. */
export function triageRequestSchema(length: number) {
  return z.looseObject({
    features: z
      .array(z.number().finite().nullable(), { error: (iss) => (iss.input === undefined ? 'is required: the case\'s feature vector' : 'must be an array of numbers') })
      .length(length, { error: (iss) => `must hold ${length} numbers (the configured feature list), got ${(iss.input as unknown[]).length}` }),
    /** The case's id in Tazama; winnow records the decision under it. */
    id: idValue.optional(),
    caseId: idValue.optional(),
    /** The rule or typology that raised the case: policy overrides and never-suppress lists name it. */
    ruleId: z.string().min(1).max(1024).optional(),
    entityId: idValue.optional(),
  });
}

export type TriageRequest = z.infer<ReturnType<typeof triageRequestSchema>>;

/**
 * The alert for one triage request. Its id is the request's `id` or `caseId`, else
 * `tazama-<sha256>` of the vector, rule and entity: a retried call is the same alert.
 */
export function triageToAlert(req: TriageRequest, names: readonly (string | null)[], defaultRuleId: string) {
  const attributes: Record<string, number | null> = {};
  names.forEach((name, i) => {
    if (name !== null) attributes[name] = req.features[i];
  });
  const ruleId = req.ruleId ?? defaultRuleId;
  const id = req.id ?? req.caseId ?? `tazama-${sha256(canonicalJson({ features: req.features, ruleId, entityId: req.entityId ?? null }))}`;
  return { id, ruleId, ...(req.entityId !== undefined ? { entityId: req.entityId } : {}), attributes };
}

export type Priority = 'High' | 'Medium' | 'Low';

/** Tazama's answer for winnow's result, under Tazama's confidence threshold `threshold` (1–100). */
export function triageAnswer(r: AlertResult, threshold: number): { priority: Priority; confidence: number } {
  const priority: Priority = r.decision === 'escalate' ? 'High' : r.decision === 'review' ? 'Medium' : 'Low';
  return { priority, confidence: triageConfidence(r, threshold) };
}

/**
 * 100 when winnow's decision is `auto_close` (never for a never-suppressed rule, a below-the-line
 * sample or an unscored alert: none of those is ever `auto_close`). Otherwise (1 − score) × (threshold − 1),
 * rounded down to two decimals: the model's probability that the case is a false positive, scaled
 * into [0, threshold − 1] so it can never reach the threshold; 0 when the alert was not scored.
 */
export function triageConfidence(r: AlertResult, threshold: number): number {
  if (r.decision === 'auto_close') return 100;
  if (r.score === null) return 0;
  return Math.floor((1 - r.score) * (threshold - 1) * 100) / 100;
}
