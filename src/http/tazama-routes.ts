/**
 * @module `POST /v1/adapters/tazama/triage`: the outside-AI triage call of Tazama's case manager.
 * The vector becomes one alert (positions named by the configured features list), `ScoringService`
 * scores, decides and records it like any other, and the answer is exactly `{priority, confidence}`
 * (winnow's alert id and decision ride in `x-winnow-alert-id` and `x-winnow-decision` headers).
 * Tazama documents no error body, so errors use winnow's.
 */
import type { Hono } from 'hono';
import type { ScoringService } from '../serving/scoring-service.ts';
import { type ApiKey, requireScope } from './auth.ts';
import { apiError } from './errors.ts';
import { jsonBodyLimit, readJsonBody } from './json-body.ts';
import { triageAnswer, triageRequestSchema, triageToAlert } from './tazama-triage.ts';

/** What `winnow serve --tazama-features/--tazama-threshold/--tazama-rule` configure. */
export interface TazamaOptions {
  /** Attribute name of each position of Tazama's vector; null skips a position. */
  features: readonly (string | null)[];
  /** Tazama's CONFIDENCE_THRESHOLD (1–100; Tazama's default 95): confidence reaches it only for alerts winnow closes. */
  threshold?: number;
  /** Rule id of cases sent without a `ruleId` (default `tazama`). */
  ruleId?: string;
}

export interface TazamaRouteOptions {
  scoring: ScoringService;
  apiKeys: readonly ApiKey[];
  /** Absent: the route answers 404 `not_configured`, naming the flag that configures it. */
  tazama?: TazamaOptions;
  maxBodyBytes?: number;
}

export function addTazamaRoutes(app: Hono, o: TazamaRouteOptions): void {
  const t = o.tazama;
  const threshold = t?.threshold ?? 95;
  if (!(threshold >= 1 && threshold <= 100)) throw new RangeError(`the Tazama confidence threshold must be from 1 to 100, got ${threshold}`);
  const request = triageRequestSchema(t?.features.length ?? 0);
  app.post('/v1/adapters/tazama/triage', requireScope(o.apiKeys, 'score'), jsonBodyLimit(o.maxBodyBytes ?? 64 * 1024, 'one Tazama case'), async (c) => {
    if (!t) return c.json(apiError('not_configured', 'no Tazama feature list is configured: start winnow serve with --tazama-features FILE (WINNOW_TAZAMA_FEATURES), e.g. examples/tazama-features.json'), 404);
    const body = await readJsonBody(c);
    if (!body.ok) return c.json(body.error, 400);
    const parsed = request.safeParse(body.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return c.json(apiError('invalid_request', issue.message, issue.path.join('.') || '(body)'), 400);
    }
    const alert = triageToAlert(parsed.data, t.features, t.ruleId ?? 'tazama');
    const outcome = await o.scoring.score([alert], { requestId: c.get('requestId'), explain: 0 });
    if (!outcome.ok) {
      c.header('retry-after', '1');
      return c.json(apiError(outcome.code, outcome.message), 503);
    }
    const r = outcome.results[0];
    c.header('x-winnow-alert-id', encodeURIComponent(alert.id));
    c.header('x-winnow-decision', r.decision);
    return c.json(triageAnswer(r, threshold));
  });
}
