/** @module The `/v1/experiments…` part of the OpenAPI document, kept beside its routes' schemas. */
import { z } from 'zod';
import { experimentSchema } from '../experiments/experiment-schema.ts';
import { stopBodySchema } from './experiment-routes.ts';
import { experimentReportSchema, experimentResponseSchema, experimentsResponseSchema } from './experiment-response-schemas.ts';

type Json = (schema: z.ZodType) => object;
type ErrorResponse = (description: string) => object;

/** Path items for the experiment routes. */
export function experimentPaths(json: Json, error: ErrorResponse) {
  const secured = [{ apiKey: [] }];
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  return {
    '/v1/experiments': {
      post: {
        summary: 'Create and start an experiment (admin)', security: secured,
        description: 'Arms name a model version and a policy or thresholds, with weights; shadow arms score and record every alert but never decide. An alert\'s arm is a hash of the experiment id and the alert (or entity) id. One experiment runs at a time.',
        requestBody: { required: true, content: json(experimentSchema) },
        responses: {
          201: { description: 'recorded and running; every replica follows within its poll interval', content: json(experimentResponseSchema) },
          400: error('not JSON, or the definition is invalid (the path names the field, e.g. arms.1.thresholds.closeBelow)'),
          409: error('the id exists, or another experiment is running'),
          422: error('an arm\'s model bundle cannot be loaded; nothing recorded'),
        },
      },
      get: { summary: 'Experiments, newest first (admin or score)', security: secured, responses: { 200: { description: 'every experiment recorded', content: json(experimentsResponseSchema) } } },
    },
    '/v1/experiments/{id}': {
      get: { summary: 'One experiment (admin or score)', security: secured, parameters: [id], responses: { 200: { description: 'the experiment', content: json(experimentResponseSchema) }, 404: error('no such experiment') } },
    },
    '/v1/experiments/{id}/stop': {
      post: {
        summary: 'Stop an experiment (admin): every alert goes back to the service\'s own model and policy', security: secured, parameters: [id],
        requestBody: { required: false, content: json(stopBodySchema) },
        responses: { 200: { description: 'stopped (or already stopped)', content: json(experimentResponseSchema) }, 404: error('no such experiment') },
      },
    },
    '/v1/experiments/{id}/report': {
      get: {
        summary: 'Per-arm results, comparisons with significance tests and verdicts, shadow arms paired (admin or score)', security: secured,
        description: 'Also applies the guardrail: an arm whose estimated missed-true-positive rate is confidently above maxMissedRate is stopped and listed in stoppedArms.',
        parameters: [id, { name: 'minutesPerAlert', in: 'query', required: false, schema: { type: 'number', exclusiveMinimum: 0, default: 15 } }],
        responses: { 200: { description: 'the report', content: json(experimentReportSchema) }, 400: error('minutesPerAlert is not a positive number'), 404: error('no such experiment') },
      },
    },
  };
}
