/** @module The Open Inference Protocol (`/v2…`) part of the OpenAPI document, with zod schemas of its answers. */
import { z } from 'zod';
import { ALERTS_INPUT, FEATURES_INPUT, inferenceRequestSchema } from './oip-schema.ts';

type Json = (schema: z.ZodType, example?: unknown) => object;

const metadataTensorSchema = z.object({
  name: z.string(),
  datatype: z.enum(['FP32', 'BYTES']),
  shape: z.array(z.number().int()).describe('-1 marks a variable dimension (the batch)'),
});

/** `$metadata_server_response`. */
export const oipServerMetadataSchema = z.object({ name: z.literal('winnow'), version: z.string(), extensions: z.array(z.string()) });

/** `$metadata_model_response`, with winnow's parameters: how to build a `features` row. */
export const oipModelMetadataSchema = z.object({
  name: z.string(),
  versions: z.array(z.string()).describe('the loaded versions of this model'),
  platform: z.literal('onnx_onnxv1'),
  inputs: z.array(metadataTensorSchema),
  outputs: z.array(metadataTensorSchema),
  parameters: z.object({
    version: z.string(),
    active: z.boolean().describe('the active model: it takes alerts and decides'),
    spec_hash: z.string(),
    features: z.string().describe('JSON text: [{name, kind, categories?}] in input order; a categorical value is its category\'s index'),
  }),
});

/** `$inference_response`. */
export const oipInferenceResponseSchema = z.object({
  model_name: z.string(),
  model_version: z.string(),
  id: z.string().describe('the request\'s id, else the server\'s request id'),
  outputs: z.array(z.object({
    name: z.enum(['probability', 'decision', 'result']),
    datatype: z.enum(['FP32', 'BYTES']),
    shape: z.array(z.number().int()),
    data: z.array(z.union([z.number(), z.string(), z.null()])).describe('probability: null for an alert that could not be scored; result: the /v1/score result as JSON text'),
  })),
});

/** `{"error": "…"}`: the protocol's one error shape, used for every error under /v2. */
export const oipErrorSchema = z.object({ error: z.string() });

/** Path items for `/v2…`; each model path also exists with `/versions/{version}` after the name. `exampleAlert` is a /v1/score alert. */
export function oipPaths(json: Json, exampleAlert: object) {
  const secured = [{ apiKey: [] }];
  const error = (description: string) => ({ description, content: json(oipErrorSchema) });
  const name = { name: 'name', in: 'path', required: true, schema: { type: 'string' }, description: 'the model name; without a version, the active model when it has this name, else its highest loaded version' };
  const version = { name: 'version', in: 'path', required: true, schema: { type: 'string' } };
  const denied = { 401: error('missing or unknown API key'), 403: error('the key lacks the score scope') };

  const ready = (params: object[]) => ({
    get: { summary: 'Model readiness: loaded here (no key needed)', parameters: params, responses: { 200: { description: 'loaded (empty body)' }, 404: { description: 'not loaded (empty body)' } } },
  });
  const metadata = (params: object[]) => ({
    get: {
      summary: 'Model metadata: its input and output tensors, and how to build a features row', security: secured, parameters: params,
      responses: { 200: { description: 'the model', content: json(oipModelMetadataSchema) }, ...denied, 404: error('no such loaded model') },
    },
  });
  const infer = (params: object[]) => ({
    post: {
      summary: 'Inference: feature rows to probabilities, or alerts to decisions', security: secured, parameters: params,
      description: `Send one input. '${FEATURES_INPUT}' (FP32 [n, features], in the order the metadata lists) gives ONNX Runtime's probability and decides nothing. `
        + `'${ALERTS_INPUT}' (BYTES [n], each a /v1/score alert as JSON text), on the active model only, is scored, decided and recorded exactly like POST /v1/score, `
        + 'and gives probability, decision and result; `outputs` may ask for fewer.',
      requestBody: { required: true, content: json(inferenceRequestSchema, { inputs: [{ name: ALERTS_INPUT, datatype: 'BYTES', shape: [1], data: [JSON.stringify(exampleAlert)] }] }) },
      responses: {
        200: { description: 'the outputs asked for, in the order asked', content: json(oipInferenceResponseSchema) },
        400: error('not JSON, an invalid request, a tensor whose data does not fit its shape and datatype, or an input or output this model does not have (the message names the field)'),
        ...denied,
        404: error('no such loaded model'),
        413: error('the body is over the size limit'),
        500: error('the model failed to score feature rows'),
        503: error('alerts: the decision store is backed up or the records were not committed in time; retry after Retry-After seconds'),
      },
    },
  });
  const both = (suffix: string, item: (params: object[]) => object) => ({
    [`/v2/models/{name}${suffix}`]: item([name]),
    [`/v2/models/{name}/versions/{version}${suffix}`]: item([name, version]),
  });

  return {
    '/v2': {
      get: { summary: 'Server metadata (also at /v2/)', security: secured, responses: { 200: { description: 'the server', content: json(oipServerMetadataSchema) }, ...denied } },
    },
    '/v2/health/live': { get: { summary: 'Liveness (no key needed)', responses: { 200: { description: 'alive (empty body)' } } } },
    '/v2/health/ready': {
      get: { summary: 'Readiness, as /readyz (no key needed)', responses: { 200: { description: 'ready (empty body)' }, 400: { description: 'the decision store is failing (empty body)' } } },
    },
    ...both('', metadata),
    ...both('/ready', ready),
    ...both('/infer', infer),
  };
}
