/** @module zod schemas of what the API returns: the source of /openapi.json and of the response tests. */
import { z } from 'zod';
import { activationEntrySchema } from '../store/activation-log.ts';

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), path: z.string().optional() }),
});

const modelRef = z.object({ name: z.string(), version: z.string() });

/** One reason code (src/explain): TreeSHAP contribution of a feature to the alert's log-odds. */
export const reasonCodeSchema = z.object({
  feature: z.string().describe('feature name in the model spec'),
  value: z.union([z.number(), z.string(), z.boolean(), z.null()]).describe('the attribute value as sent; null when missing'),
  contribution: z.number().describe('change in log-odds (raw margin, before calibration) this value made against the average alert; > 0 raised the risk'),
  label: z.string().describe('e.g. "amount_usd = 9500 raised the risk"'),
});

/** One alert's result in a `POST /v1/score` response. */
export const alertResultSchema = z.object({
  id: z.string().nullable().describe('the alert id; null when the item had no readable id'),
  index: z.number().int().describe('position of the alert in the request'),
  score: z.number().min(0).max(1).nullable().describe('probability of true risk; null when not scored'),
  rank: z.number().int().min(1).nullable().describe('1 = riskiest scored alert of the batch'),
  band: z.string().nullable(),
  decision: z.enum(['auto_close', 'review', 'escalate']),
  reason: z.enum(['score', 'never_suppress', 'below_the_line_sample', 'not_scored']),
  sample: z.boolean().describe('sent to review as a below-the-line sample'),
  degraded: z.boolean().describe('the model failed or timed out: fail-open review'),
  model: modelRef,
  policyVersion: z.string(),
  experiment: z.object({ id: z.string(), arm: z.string() }).optional().describe('the experiment arm that decided, while an experiment runs'),
  error: z.object({ path: z.string(), message: z.string() }).optional(),
  reasons: z.array(reasonCodeSchema).optional().describe('with explain: the features that moved the log-odds most, largest |contribution| first'),
  reasonsUnavailable: z.string().optional().describe('explain was asked for but no reason codes are given: the model cannot (e.g. its trees carry no node cover), or the request\'s explanation budget ran out first; score and decision stand'),
});

export const scoreResponseSchema = z.object({ model: modelRef, results: z.array(alertResultSchema) });
export const modelsResponseSchema = z.object({ models: z.array(z.object({ name: z.string(), version: z.string(), active: z.boolean() })) });

/** `POST /v1/models/{name}/{version}/activate` and `POST /v1/models/rollback`. */
export const activationResponseSchema = z.object({
  active: modelRef.describe('the model this replica now serves'),
  activation: activationEntrySchema.nullable().describe('the entry recorded in the activation log; null when the server keeps no log'),
});
/** `GET /v1/models/activations`. */
export const activationsResponseSchema = z.object({
  active: modelRef.describe('the model this replica serves (it follows the newest entry within one poll interval)'),
  activations: z.array(activationEntrySchema).describe('newest first'),
});
