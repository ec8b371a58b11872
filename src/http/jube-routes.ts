/**
 * @module `POST /v1/adapters/jube`: Jube's HTTP Adaptation Protocol v1.1. Jube POSTs a transaction's
 * fields; the mapping makes them one alert, `ScoringService` scores, decides and records it like any
 * other, and the answer is an Adaptation object. Errors are Adaptation objects too
 * (`{"Value": null, "Error": "…"}`), so Jube archives the reason; only the API-key check (401/403)
 * and the body-size and content-type checks (413/415) answer in winnow's own error shape.
 */
import type { Hono } from 'hono';
import type { Manifest } from '../model/index.ts';
import type { ScoringService } from '../serving/scoring-service.ts';
import { type ApiKey, requireScope } from './auth.ts';
import { adaptationError, toAdaptation } from './jube-adaptation.ts';
import { DEFAULT_JUBE_MAPPING, type JubeMapping, PayloadError, payloadToAlert } from './jube-mapping.ts';
import { jsonBodyLimit, readJsonBody } from './json-body.ts';

export interface JubeRouteOptions {
  scoring: ScoringService;
  apiKeys: readonly ApiKey[];
  /** The serving model's manifest now: its feature sources are the payload fields read as they are. */
  activeManifest(): Manifest;
  mapping?: JubeMapping;
  maxBodyBytes?: number;
}

export function addJubeRoutes(app: Hono, o: JubeRouteOptions): void {
  const mapping = o.mapping ?? DEFAULT_JUBE_MAPPING;
  const sourcesOf = new WeakMap<Manifest, string[]>();
  const sources = (m: Manifest) => {
    let s = sourcesOf.get(m);
    if (!s) sourcesOf.set(m, (s = [...new Set(m.featureSpec.features.map((f) => f.source))]));
    return s;
  };
  app.post('/v1/adapters/jube', requireScope(o.apiKeys, 'score'), jsonBodyLimit(o.maxBodyBytes ?? 1024 * 1024, 'one Jube transaction payload'), async (c) => {
    const body = await readJsonBody(c);
    if (!body.ok) {
      const e = body.error.error;
      return c.json(adaptationError(`${e.code}${e.path ? ` at ${e.path}` : ''}: ${e.message}`), 400);
    }
    let mapped;
    try {
      mapped = payloadToAlert(body.value, mapping, sources(o.activeManifest()));
    } catch (err) {
      if (err instanceof PayloadError) return c.json(adaptationError(`invalid_request: ${err.message}`), 400);
      throw err;
    }
    const outcome = await o.scoring.score([mapped.alert], { requestId: c.get('requestId'), explain: mapping.reasonCodes });
    if (!outcome.ok) {
      c.header('retry-after', '1');
      return c.json(adaptationError(`${outcome.code}: ${outcome.message}`), 503);
    }
    const r = outcome.results[0];
    const sameModel = r.model.name === outcome.model.name && r.model.version === outcome.model.version;
    return c.json(toAdaptation(r, sameModel ? outcome.manifest : undefined, mapped.fieldOf));
  });
}
