/** @module zod schemas of what the `/v1/experiments…` routes return: the source of their part of /openapi.json and of the response tests. */
import { z } from 'zod';
import { armStopSchema, experimentSchema } from '../experiments/experiment-schema.ts';

/** An experiment as recorded: its definition and its lifecycle. */
const experimentStateSchema = z.strictObject({
  id: z.string(),
  definition: experimentSchema,
  status: z.enum(['running', 'stopped']),
  createdAt: z.string(),
  createdBy: z.string().describe('the API key\'s name, or the console user'),
  stoppedAt: z.string().optional(),
  stopReason: z.string().optional(),
  stoppedArms: z.array(armStopSchema).describe('arms the guardrail took out; their traffic went to the control'),
});
/** `POST /v1/experiments`, `GET /v1/experiments/{id}` and `POST /v1/experiments/{id}/stop`. */
export const experimentResponseSchema = z.strictObject({ experiment: experimentStateSchema });
/** `GET /v1/experiments`. */
export const experimentsResponseSchema = z.strictObject({ experiments: z.array(experimentStateSchema).describe('newest first') });

/** A count with its interval at the report's confidence. */
const estimate = z.strictObject({ estimate: z.number(), low: z.number(), high: z.number() });
const armSummarySchema = z.strictObject({
  arm: z.string(),
  role: z.enum(['control', 'treatment', 'shadow']),
  status: z.enum(['live', 'stopped']).describe('stopped: a guardrail took the arm out'),
  stop: z.strictObject({ at: z.string(), reason: z.string() }).optional(),
  alerts: z.number().int(),
  closed: z.number().int(),
  reviewed: z.number().int(),
  escalated: z.number().int(),
  shareClosed: z.number(),
  shareReviewed: z.number(),
  labelled: z.number().int(),
  truePositivesFound: z.number().int().describe('labelled true positives among alerts sent to review or escalation, samples included'),
  queuePrecision: z.number().nullable().describe('labelled true positives / labelled alerts in the review queue the policy chose'),
  sample: z.strictObject({ rate: z.number().nullable(), sampled: z.number().int(), labelled: z.number().int(), positives: z.number().int() }).describe('the below-the-line sample'),
  missedTruePositives: estimate.nullable().describe('estimated true positives among the alerts the arm closed (inverse-probability weighted from the sample)'),
  missedRate: estimate.nullable().describe('estimated share of the arm\'s true positives it closed: 1 − recall'),
  analystHoursSaved: z.number(),
});
const comparisonSchema = z.strictObject({
  arm: z.string(),
  against: z.string().describe('the control arm'),
  shareClosed: z.strictObject({ difference: z.number(), relative: z.number().nullable(), z: z.number(), p: z.number() }).describe('share closed, arm minus control, two-proportion z-test'),
  recallDifference: z.number().nullable(),
  missedTest: z.strictObject({ p: z.number() }).describe('exact conditional test that both arms close true positives at the same rate'),
  alertsPerArmNeeded: z.number().nullable().describe('to detect minDetectableRecallLoss at 80% power'),
  moreAlertsPerArmNeeded: z.number().nullable(),
  verdict: z.string(),
});
const shadowSchema = z.strictObject({
  arm: z.string(),
  pairedAlerts: z.number().int().describe('alerts with both a shadow and a live decision'),
  changedDecisions: z.number().int(),
  shadowCloses: z.number().int(),
  liveCloses: z.number().int(),
  onlyShadowCloses: z.number().int(),
  onlyLiveCloses: z.number().int(),
  closureTest: z.strictObject({ z: z.number(), p: z.number() }).describe("McNemar's test on the discordant pairs"),
  knownTruePositivesShadowWouldClose: z.number().int(),
  estimatedTruePositivesShadowWouldClose: estimate.nullable(),
  verdict: z.string(),
});
/** `GET /v1/experiments/{id}/report`. */
export const experimentReportSchema = z.strictObject({
  experiment: z.strictObject({
    id: z.string(), status: z.enum(['running', 'stopped']), unit: z.string(), createdAt: z.string(),
    stoppedAt: z.string().optional(), stopReason: z.string().optional(),
  }),
  settings: z.strictObject({
    positive: z.array(z.string()).readonly().describe('dispositions counted as true risk'),
    minutesPerAlert: z.number(), confidence: z.number(), minDetectableRecallLoss: z.number(), maxMissedRate: z.number().nullable(),
  }),
  arms: z.array(armSummarySchema),
  comparisons: z.array(comparisonSchema).describe('each treatment arm against the control'),
  shadows: z.array(shadowSchema).describe('each shadow arm paired with the live decisions on the same alerts'),
  stoppedArms: z.array(armStopSchema),
});
