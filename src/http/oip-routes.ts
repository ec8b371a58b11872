/**
 * @module Open Inference Protocol V2 (KServe, Seldon, Triton clients) over winnow's loaded models.
 * Two inputs: `features` (FP32 rows in the bundle's encoded order) gives ONNX Runtime's probability
 * and decides nothing; `alerts` (BYTES, JSON alerts) goes through the one data plane
 * (ScoringService), so it is decided, experiment-assigned and recorded exactly like `/v1/score`.
 */
import { readFileSync } from 'node:fs';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { LoadedModel } from '../registry/loaded-model.ts';
import type { ModelRegistry } from '../registry/model-registry.ts';
import { presentResult } from '../serving/present-result.ts';
import type { ScoringService } from '../serving/scoring-service.ts';
import { type ApiKey, requireScope } from './auth.ts';
import { jsonBodyLimit, readJsonBody } from './json-body.ts';
import {
  ALERTS_INPUT, FEATURES_INPUT, type InferenceRequest, inferenceRequestSchema, inputTensors, oipError, outputTensors, type ResponseOutput,
} from './oip-schema.ts';
import { alertItems, featureRows } from './oip-tensors.ts';

export interface OipRouteOptions {
  registry: ModelRegistry;
  /** The data plane: the only way alerts become decisions. */
  scoring: ScoringService;
  apiKeys: readonly ApiKey[];
  maxBodyBytes: number;
  /** Bundles loaded besides the active one (a running experiment's arms): they take `features`, never alerts. */
  loaded?(): readonly LoadedModel[];
  /** Ready for inference, as /readyz says: the store can commit decision records. */
  ready(): boolean;
}

const SERVER_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
/** The protocol's platform name for an ONNX model run by ONNX Runtime (inference_rest.md, "Platforms"). */
const PLATFORM = 'onnx_onnxv1';

const byVersion = new Intl.Collator('en', { numeric: true }).compare;

type Resolved = { ok: true; model: LoadedModel; decides: boolean } | { ok: false; message: string };

/** Register `/v2…`: health, server and model metadata, model readiness, and inference. */
export function addOipRoutes(app: Hono, o: OipRouteOptions): void {
  const scope = requireScope(o.apiKeys, 'score');
  const body = jsonBodyLimit(o.maxBodyBytes);
  const withVersion = (suffix: string) => [`/v2/models/:name${suffix}`, `/v2/models/:name/versions/:version${suffix}`];

  /** The active model and every other loaded bundle, the active one first. */
  const loadedModels = (): LoadedModel[] => {
    const active = o.registry.active;
    const others = (o.loaded?.() ?? []).filter((m) => m.name !== active.name || m.version !== active.version);
    return [active, ...others];
  };

  /**
   * `{name}` without a version is the active model when it has that name (the one that decides),
   * else the highest loaded version of it; with a version, that loaded bundle. A bundle in the
   * models folder that is not loaded is not served: activating it, or an experiment arm, loads it.
   */
  const resolve = (name: string, version: string | undefined): Resolved => {
    const loaded = loadedModels();
    const named = loaded.filter((m) => m.name === name);
    const model = version !== undefined ? named.find((m) => m.version === version)
      : loaded[0].name === name ? loaded[0] : named.sort((a, b) => byVersion(b.version, a.version))[0];
    if (model) return { ok: true, model, decides: model === loaded[0] };
    const have = loaded.map((m) => `${m.name}/${m.version}`).join(', ');
    return { ok: false, message: `no loaded model ${version === undefined ? `'${name}'` : `'${name}' version '${version}'`} (loaded: ${have}; the active model is ${loaded[0].name}/${loaded[0].version})` };
  };

  // Hono's '/v2/*' matches '/v2' itself too.
  app.use('/v2/*', oipErrorShape);

  // Health answers with the status alone and an empty body, as the protocol asks; no key needed, like /healthz.
  app.get('/v2/health/live', (c) => c.body(null, 200));
  app.get('/v2/health/ready', (c) => c.body(null, o.ready() ? 200 : 400));
  app.on('GET', withVersion('/ready'), (c) => c.body(null, resolve(c.req.param('name')!, c.req.param('version')).ok ? 200 : 404));

  app.on('GET', ['/v2', '/v2/'], scope, (c) => c.json({ name: 'winnow', version: SERVER_VERSION, extensions: [] }));

  app.on('GET', withVersion(''), scope, (c) => {
    const found = resolve(c.req.param('name')!, c.req.param('version'));
    if (!found.ok) return c.json(oipError(found.message), 404);
    const { model, decides } = found;
    const features = model.manifest.featureSpec.features;
    return c.json({
      name: model.name,
      versions: loadedModels().filter((m) => m.name === model.name).map((m) => m.version).sort(byVersion),
      platform: PLATFORM,
      inputs: inputTensors(features.length, decides),
      outputs: outputTensors(decides),
      // How to build a `features` row: names, kinds and category codes (a code is the category's index) in input order.
      parameters: {
        version: model.version, active: decides, spec_hash: model.manifest.specHash,
        features: JSON.stringify(features.map((f) => ({ name: f.name, kind: f.kind, ...(f.categories ? { categories: f.categories } : {}) }))),
      },
    });
  });

  app.on('POST', withVersion('/infer'), scope, body, async (c) => {
    const read = await readJsonBody(c);
    if (!read.ok) return c.json(oipError(flatMessage(read.error.error)), 400);
    const parsed = inferenceRequestSchema.safeParse(read.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return c.json(oipError(`${issue.path.join('.') || '(body)'}: ${issue.message}`), 400);
    }
    const request = parsed.data;
    const found = resolve(c.req.param('name')!, c.req.param('version'));
    if (!found.ok) return c.json(oipError(found.message), 404);
    const { model, decides } = found;
    const nf = model.manifest.featureSpec.features.length;
    const takes = `'${FEATURES_INPUT}' (FP32 [-1, ${nf}])${decides ? ` or '${ALERTS_INPUT}' (BYTES [-1])` : ''}`;
    if (request.inputs.length !== 1) return c.json(oipError(`inputs: send one input, ${takes}; got ${request.inputs.length}`), 400);
    const input = request.inputs[0];
    const id = request.id ?? c.get('requestId');

    if (input.name === FEATURES_INPUT) {
      const wanted = requestedOutputs(request, outputTensors(false).map((t) => t.name));
      if (!wanted.ok) return c.json(oipError(wanted.message), 400);
      const decoded = featureRows(input, 'inputs.0', model.manifest.featureSpec, o.scoring.limits.maxBatch);
      if (!decoded.ok) return c.json(oipError(decoded.message), 400);
      const { rows, n } = decoded.value;
      model.acquire();
      let p: Float32Array;
      try {
        p = await model.scorer.score(rows, n);
      } catch (err) {
        return c.json(oipError(`model ${model.name}/${model.version} could not score: ${(err as Error).message}`), 500);
      } finally {
        model.release();
      }
      const outputs: ResponseOutput[] = [{ name: 'probability', datatype: 'FP32', shape: [n], data: Array.from(p) }];
      return c.json({ model_name: model.name, model_version: model.version, id, outputs: pick(outputs, wanted.names) });
    }

    if (input.name !== ALERTS_INPUT || !decides) {
      const why = input.name === ALERTS_INPUT
        ? `alerts are decided only by the active model (${loadedModels()[0].name}/${loadedModels()[0].version}) and the running experiment: send them to /v2/models/${loadedModels()[0].name}/infer; ${model.name}/${model.version} takes ${takes}`
        : `${model.name}/${model.version} takes ${takes}; got '${input.name}'`;
      return c.json(oipError(`inputs.0.name: ${why}`), 400);
    }
    const wanted = requestedOutputs(request, outputTensors(true).map((t) => t.name));
    if (!wanted.ok) return c.json(oipError(wanted.message), 400);
    const items = alertItems(input, 'inputs.0', o.scoring.limits.maxBatch);
    if (!items.ok) return c.json(oipError(items.message), 400);
    const outcome = await o.scoring.score(items.value, { requestId: c.get('requestId') });
    if (!outcome.ok) {
      c.header('retry-after', '1');
      return c.json(oipError(`${outcome.code}: ${outcome.message}`), 503);
    }
    const results = outcome.results.map(presentResult);
    const n = results.length;
    // JSON has no NaN: an alert that could not be scored has a null probability (its decision is review, its result says why).
    const outputs: ResponseOutput[] = [
      { name: 'probability', datatype: 'FP32', shape: [n], data: results.map((r) => r.score) },
      { name: 'decision', datatype: 'BYTES', shape: [n], data: results.map((r) => r.decision) },
      { name: 'result', datatype: 'BYTES', shape: [n], data: results.map((r) => JSON.stringify(r)) },
    ];
    return c.json({ model_name: outcome.model.name, model_version: outcome.model.version, id, outputs: pick(outputs, wanted.names) });
  });
}

/** The outputs asked for (all when the request names none), or why one cannot be given. */
function requestedOutputs(request: InferenceRequest, available: string[]): { ok: true; names: string[] } | { ok: false; message: string } {
  if (!request.outputs) return { ok: true, names: available };
  for (const [i, out] of request.outputs.entries()) {
    if (!available.includes(out.name)) {
      const hint = out.name === 'decision' || out.name === 'result' ? ` ('${out.name}' comes only with the '${ALERTS_INPUT}' input)` : '';
      return { ok: false, message: `outputs.${i}.name: no output '${out.name}'${hint}; this request gives ${available.map((a) => `'${a}'`).join(', ')}` };
    }
  }
  return { ok: true, names: [...new Set(request.outputs.map((out) => out.name))] };
}

function pick(outputs: ResponseOutput[], names: string[]): ResponseOutput[] {
  return names.map((name) => outputs.find((out) => out.name === name)!);
}

/** winnow's `{code, message, path?}` as one line of text. */
function flatMessage(e: { code: string; message: string; path?: string }): string {
  return e.path ? `${e.path}: ${e.message}` : e.message;
}

/**
 * Every error under /v2 in the protocol's shape, `{"error": "…"}`: answers built by shared
 * middleware (API key 401/403, body 413/415, unknown route 404, internal 500) come in winnow's
 * `{error: {code, message}}` and are rewritten here, headers (WWW-Authenticate, Retry-After) kept.
 */
const oipErrorShape: MiddlewareHandler = async function oipErrorShape(c: Context, next) {
  await next();
  const res = c.res;
  if (res.status < 400 || !res.headers.get('content-type')?.includes('application/json')) return;
  const body = (await res.clone().json().catch(() => undefined)) as { error?: unknown } | undefined;
  const e = body?.error as { code?: unknown; message?: unknown; path?: string } | undefined;
  if (typeof e !== 'object' || e === null || typeof e.message !== 'string') return;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  c.res = undefined;
  c.res = new Response(JSON.stringify(oipError(flatMessage(e as { code: string; message: string; path?: string }))), { status: res.status, headers });
};
