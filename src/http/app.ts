/** @module The Hono app: thin routes that parse, call the data plane or registry, and present. */
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { LoadedModel } from '../registry/loaded-model.ts';
import type { ModelRegistry } from '../registry/model-registry.ts';
import { type AlertLimits, DEFAULT_LIMITS, scoreRequestSchema } from '../serving/alert-schema.ts';
import type { AlertResult, Decider, HistorySource } from '../serving/score-alerts.ts';
import type { ExperimentRuntime } from '../serving/experiment-scoring.ts';
import { ScoringService } from '../serving/scoring-service.ts';
import { presentResult } from '../serving/present-result.ts';
import { servingPolicy, type ServingPolicyOptions } from '../serving/policy-decider.ts';
import { addExperimentRoutes, type ExperimentRouteOptions } from './experiment-routes.ts';
import { type ApiKey, requireScope } from './auth.ts';
import type { ActivationLog } from '../store/activation-log.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import { apiError } from './errors.ts';
import { unstorableReason } from '../store/storable-text.ts';
import { DeadlineError, InFlightCalls, withCallDeadlines, withDeadline } from '../serving/deadline.ts';
import { addFeedbackRoutes } from './feedback-routes.ts';
import { addJubeRoutes } from './jube-routes.ts';
import type { JubeMapping } from './jube-mapping.ts';
import { addTazamaRoutes, type TazamaOptions } from './tazama-routes.ts';
import { ClientAbortedError, jsonBodyLimit, readJsonBody } from './json-body.ts';
import { addModelRoutes } from './model-routes.ts';
import { addOipRoutes } from './oip-routes.ts';
import { type FallbackSource, modelReadiness, watchModelStatus } from './model-status.ts';
import { ServiceMetrics } from './metrics.ts';
import { DriftMonitor } from '../drift/drift-monitor.ts';
import { addDriftRoutes } from './drift-routes.ts';
import { openApiDocument } from './openapi.ts';
import { addApiDocsRoutes } from './api-docs.ts';
import { originGuard, type OriginGuardOptions } from './origin-guard.ts';
import { addConsoleRoutes } from '../console/console-routes.ts';
import { DecisionExplainer } from '../console/decision-reasons.ts';
import { ConsoleSessions } from '../console/session.ts';

export interface AppOptions {
  registry: ModelRegistry;
  /** The policy that decides for alerts scored by `model`. */
  policyFor(model: LoadedModel): Decider;
  /**
   * Called with every batch's results before the response is sent (the decision record). When it
   * returns a promise, the answer waits for it: resolved means committed, and a rejection answers
   * 503 `record_unavailable` (nothing is acknowledged that is not on record), as does a commit that
   * takes longer than `recordTimeoutMs`. Returning nothing is the write-behind opt-out
   * (`winnow serve --record async`).
   */
  record?(results: AlertResult[], model: LoadedModel, requestId: string): Promise<void> | void;
  /** How long an answer waits for its records' commit before 503 (ms; default 5000). */
  recordTimeoutMs?: number;
  /** False while the decision store cannot write: readiness turns 503. */
  storeHealthy?(): boolean;
  /**
   * True while more decision records wait for the store than the process should hold (the
   * store is down or too slow). Scoring then answers 503 with Retry-After instead of taking on
   * decisions it may not be able to record; the caller still holds its alerts, so none is lost.
   */
  recordBacklogFull?(): boolean;
  limits?: Partial<AlertLimits>;
  /** Request body limit in bytes. */
  maxBodyBytes?: number;
  scoreTimeoutMs?: number;
  /** API keys; empty means no authentication (serve then binds to loopback only). */
  apiKeys?: readonly ApiKey[];
  /** Hosts and origins answered besides loopback and the server's own (src/http/origin-guard.ts). */
  origins?: OriginGuardOptions;
  /** With API keys, serve /metrics without one; by default it needs the `metrics` or `admin` scope. */
  publicMetrics?: boolean;
  /** Entity-history features for models that read them (src/serving/store-history.ts). */
  history?: HistorySource;
  /** Where analyst feedback is committed and read (`/v1/feedback`); absent, those routes 404. */
  feedback?: Pick<DecisionStore, 'writeFeedback' | 'getFeedbackHistory'>;
  /** The shared activation log: activate and rollback record there, and every replica follows it. */
  activations?: ActivationLog;
  /** Where decisions are read back from (`GET /v1/decisions/{alertId}`, and `…/quarantine`). */
  decisions?: Pick<DecisionStore, 'getDecision' | 'getQuarantined'>;
  /**
   * A/B experiments: while one runs, its arms score and decide (shadow arms only record), and the
   * `/v1/experiments` routes manage them. Absent, no experiment routes and no per-request cost.
   */
  experiments?: { current(): ExperimentRuntime | undefined; routes: Omit<ExperimentRouteOptions, 'apiKeys'> };
  /** Prometheus metrics served at /metrics; a fresh set when absent. */
  metrics?: ServiceMetrics;
  /** Rolling window of recent scored alerts for drift (`/v1/models/{name}/{version}/drift`, `winnow_drift_psi`); a fresh one when absent. */
  drift?: DriftMonitor;
  /** Reason codes per scored alert when a request does not say (`"explain": N` does); 0 or absent: none. */
  reasonCodes?: number;
  /** Wall-clock time a request's reason codes may take (ms; default `scoreTimeoutMs`); alerts past it keep their score, without reasons. */
  explainBudgetMs?: number;
  /** Access log: one line per request (method, route, status, ms, request id). */
  log?: (line: { requestId: string; method: string; path: string; status: number; ms: number }) => void;
  /**
   * The web console at `/` (src/console): pages over this store, acting through the same paths as
   * the API. Absent, `/` is 404 as before.
   */
  console?: {
    store: DecisionStore;
    positive: readonly string[];
    /** What the policy was built from (as given to policyForModels), so the thresholds page starts from the serving policy. */
    policy?: ServingPolicyOptions;
  };
  /** Set while an older verified model serves because the activation log's latest bundle cannot (/readyz stays 200, shows it; /metrics too). */
  modelFallback?: FallbackSource;
  /** `POST /v1/adapters/jube`: which payload fields are the alert's id, rule, entity and attributes (src/http/jube-mapping.ts); absent: the defaults for Jube's payload. */
  jubeMapping?: JubeMapping;
  /** `POST /v1/adapters/tazama/triage`: the names of the vector's positions and Tazama's threshold; absent, that route answers 404 not_configured. */
  tazama?: TazamaOptions;
}

/** Build the HTTP app over a registry and a policy. */
export function createApp(o: AppOptions): Hono {
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const envelope = scoreRequestSchema(limits);
  const metrics = o.metrics ?? new ServiceMetrics();
  const drift = o.drift ?? new DriftMonitor();
  watchModelStatus(metrics.registry, o.registry, o.modelFallback);
  const app = new Hono();
  app.use(requestId());
  app.use(metrics.middleware());
  if (o.log) {
    const log = o.log;
    app.use(async function accessLog(c, next) {
      const start = performance.now();
      await next();
      log({ requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - start) * 100) / 100 });
    });
  }

  const scoring = new ScoringService({
    registry: o.registry, policyFor: o.policyFor, limits, record: o.record, recordTimeoutMs: o.recordTimeoutMs, recordBacklogFull: o.recordBacklogFull,
    scoreTimeoutMs: o.scoreTimeoutMs, history: o.history, reasonCodes: o.reasonCodes, explainBudgetMs: o.explainBudgetMs,
    experiment: () => o.experiments?.current(),
    observe: (results, model) => {
      metrics.observeResults(results);
      drift.observe(model.manifest, results);
    },
  });
  const keys = o.apiKeys ?? [];
  app.use(originGuard({ ...o.origins, keysConfigured: keys.length > 0 }));
  app.post(
    '/v1/score',
    requireScope(keys, 'score'),
    jsonBodyLimit(o.maxBodyBytes ?? 4 * 1024 * 1024),
    async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return c.json(body.error, 400);
      const parsed = envelope.safeParse(body.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return c.json(apiError('invalid_request', issue.message, issue.path.join('.') || '(body)'), 400);
      }
      const outcome = await scoring.score(parsed.data.alerts, { requestId: c.get('requestId'), explain: parsed.data.explain });
      if (!outcome.ok) {
        c.header('retry-after', '1');
        return c.json(apiError(outcome.code, outcome.message), 503);
      }
      return c.json({ model: outcome.model, results: outcome.results.map(presentResult) });
    },
  );

  // Protocol adapters (issue 17): each translates its wire format to and from `scoring.score`, and never decides.
  addJubeRoutes(app, { scoring, apiKeys: keys, activeManifest: () => o.registry.active.manifest, mapping: o.jubeMapping, maxBodyBytes: o.maxBodyBytes });
  addTazamaRoutes(app, { scoring, apiKeys: keys, tazama: o.tazama, maxBodyBytes: o.maxBodyBytes });
  addOipRoutes(app, {
    registry: o.registry, scoring, apiKeys: keys, maxBodyBytes: o.maxBodyBytes ?? 4 * 1024 * 1024,
    loaded: () => o.experiments?.current()?.arms.flatMap((arm) => (arm.model ? [arm.model] : [])) ?? [],
    ready: () => (o.storeHealthy?.() ?? true) && feedbackCalls.oldestMs() <= storeDeadlineMs,
  });
  addModelRoutes(app, { registry: o.registry, activations: o.activations, apiKeys: keys });
  addDriftRoutes(app, { monitor: drift, apiKeys: keys, registry: metrics.registry });
  if (o.experiments) addExperimentRoutes(app, { ...o.experiments.routes, apiKeys: keys });
  app.get('/v1/decisions/:alertId', requireScope(keys, 'score'), async (c) => {
    if (!o.decisions) return c.json(apiError('not_configured', 'this server keeps no decision store'), 404);
    const alertId = c.req.param('alertId');
    const problem = unstorableReason(alertId);
    if (problem) return c.json(apiError('invalid_text', `alertId ${problem}`, 'alertId'), 400);
    const record = await o.decisions.getDecision(alertId);
    if (record) return c.json(record);
    const quarantined = await o.decisions.getQuarantined(alertId);
    const also = quarantined.length > 0 ? `; ${quarantined.length} record(s) of it are quarantined: GET /v1/decisions/${encodeURIComponent(alertId)}/quarantine` : '';
    return c.json(apiError('not_found', `no decision recorded for alert '${alertId}'${also}`), 404);
  });
  app.get('/v1/decisions/:alertId/quarantine', requireScope(keys, 'score'), async (c) => {
    if (!o.decisions) return c.json(apiError('not_configured', 'this server keeps no decision store'), 404);
    const quarantined = await o.decisions.getQuarantined(c.req.param('alertId'));
    if (quarantined.length === 0) return c.json(apiError('not_found', `no quarantined record for alert '${c.req.param('alertId')}'`), 404);
    return c.json({ alertId: c.req.param('alertId'), quarantined: quarantined.map((q) => ({ ...q, record: JSON.parse(q.record) as unknown })) });
  });
  // Feedback writes go straight to the store; a call stuck past the deadline answers 503 and
  // shows in /readyz, as a stalled decision write does through `storeHealthy`.
  const storeDeadlineMs = o.recordTimeoutMs ?? 5000;
  const feedbackCalls = new InFlightCalls();
  // One feedback path for the API and the console's disposition form: same deadline, in-flight count and metrics.
  const feedbackCommit = {
    deadlineMs: storeDeadlineMs, inFlight: feedbackCalls,
    onCommitted: (created: number, duplicates: number, unmatched: number) => metrics.observeFeedback(created, duplicates, unmatched),
  };
  if (o.feedback) addFeedbackRoutes(app, { ...feedbackCommit, store: o.feedback, apiKeys: keys, maxBodyBytes: o.maxBodyBytes });
  if (o.console) {
    addConsoleRoutes(app, {
      // Pages read under the store's deadline: a hung store gets a 503 page, not a tab that never loads.
      store: withCallDeadlines(o.console.store, storeDeadlineMs, 'store'), positive: o.console.positive, registry: o.registry, activations: o.activations, drift,
      sessions: new ConsoleSessions(keys), reasons: new DecisionExplainer(o.registry), modelFallback: o.modelFallback,
      feedback: { ...feedbackCommit, store: o.console.store },
      experiments: o.experiments?.routes, storeHealthy: () => o.storeHealthy?.() ?? true, now: () => new Date(),
      servingPolicy: () => servingPolicy(o.console?.policy ?? {}, o.registry.active),
    });
  }
  const openApi = openApiDocument(limits, { jubeMapping: o.jubeMapping, tazamaFeatures: o.tazama?.features.length });
  app.get('/openapi.json', (c) => c.json(openApi));
  addApiDocsRoutes(app);
  app.get('/metrics', requireScope(o.publicMetrics ? [] : keys, ['metrics', 'admin']), async (c) => c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const feedbackStalled = feedbackCalls.oldestMs() > storeDeadlineMs;
    const storeOk = (o.storeHealthy?.() ?? true) && !feedbackStalled;
    const body = { status: storeOk ? 'ready' : 'degraded', model: modelReadiness(o.registry, o.modelFallback), store: storeOk ? 'ok' : 'failing' };
    return c.json(body, storeOk ? 200 : 503);
  });
  app.notFound((c) => c.json(apiError('not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    if (err instanceof ClientAbortedError) {
      // Never seen by the client (it is gone); counted as `aborted` by the metrics, not as a 500.
      c.set('clientAborted', true);
      return c.json(apiError('client_aborted', err.message), 400);
    }
    if (err instanceof DeadlineError) return c.json(apiError('store_unavailable', err.message), 503, { 'retry-after': '1' });
    return c.json(apiError('internal', err.message), 500);
  });
  return app;
}
