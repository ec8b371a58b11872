/**
 * @module The Open Inference Protocol (V2, "Predict Protocol - Version 2") request as zod schemas,
 * and the tensors winnow's models take and give. Field names follow the protocol's REST spec
 * (kserve/open-inference-protocol, specification/protocol/inference_rest.md).
 */
import { z } from 'zod';

/** `$parameters`: no standard parameter is defined, so any object is taken and none is read. */
const parametersSchema = z.record(z.string(), z.unknown());

/** `$request_input`: one input tensor; `data` is row-major, flat or nested, and checked against `shape` afterwards. */
export const requestInputSchema = z.object({
  name: z.string().min(1).max(256),
  shape: z.array(z.number().int().min(0).max(2 ** 31)).min(1).max(8),
  datatype: z.string().min(1).max(16),
  parameters: parametersSchema.optional(),
  data: z.array(z.unknown()),
});
export type RequestInput = z.infer<typeof requestInputSchema>;

/** `$inference_request`. */
export const inferenceRequestSchema = z.object({
  id: z.string().max(1024).optional(),
  parameters: parametersSchema.optional(),
  inputs: z.array(requestInputSchema).min(1).max(8),
  outputs: z.array(z.object({ name: z.string().min(1).max(256), parameters: parametersSchema.optional() })).max(8).optional(),
});
export type InferenceRequest = z.infer<typeof inferenceRequestSchema>;

/** `$metadata_tensor`: -1 marks a variable dimension (the batch). */
export interface MetadataTensor {
  name: string;
  datatype: 'FP32' | 'BYTES';
  shape: number[];
}

/** `$response_output`. */
export interface ResponseOutput {
  name: string;
  datatype: 'FP32' | 'BYTES';
  shape: number[];
  data: (number | string | null)[];
}

/** Input names: encoded feature rows, or alerts as JSON text (the `/v1/score` alert item). */
export const FEATURES_INPUT = 'features';
export const ALERTS_INPUT = 'alerts';

/** What a bundle takes: feature rows always; alerts only on the active model, whose decisions the data plane makes. */
export function inputTensors(numFeatures: number, decides: boolean): MetadataTensor[] {
  const features: MetadataTensor = { name: FEATURES_INPUT, datatype: 'FP32', shape: [-1, numFeatures] };
  return decides ? [features, { name: ALERTS_INPUT, datatype: 'BYTES', shape: [-1] }] : [features];
}

/** What a bundle gives: the probability always; a decision and the full `/v1/score` result per alert when alerts were sent. */
export function outputTensors(decides: boolean): MetadataTensor[] {
  const probability: MetadataTensor = { name: 'probability', datatype: 'FP32', shape: [-1] };
  return decides ? [probability, { name: 'decision', datatype: 'BYTES', shape: [-1] }, { name: 'result', datatype: 'BYTES', shape: [-1] }] : [probability];
}

/** `{"error": "…"}`: the protocol's one error shape. */
export function oipError(message: string): { error: string } {
  return { error: message };
}
