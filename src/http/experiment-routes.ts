/** @module `/v1/experiments…`: create (and start), list, read, stop, and report A/B experiments of thresholds and model versions. */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { ExperimentError, type Experiment, type ExperimentState, parseExperiment } from '../experiments/experiment-schema.ts';
import type { ExperimentReport } from '../experiments/report.ts';
import { experimentReport } from '../pipeline/experiment-report.ts';
import { PolicyError } from '../policy/index.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import { ExperimentConflictError, UnknownExperimentError } from '../store/experiment-queries.ts';
import { type ApiKey, requireScope } from './auth.ts';
import { apiError } from './errors.ts';
import { jsonBodyLimit, readJsonBody } from './json-body.ts';

export interface ExperimentRouteOptions {
  store: Pick<DecisionStore, 'createExperiment' | 'getExperiment' | 'listExperiments' | 'stopExperiment' | 'stopExperimentArm' | 'experimentCounts'>;
  apiKeys: readonly ApiKey[];
  /** Loads the arms' bundles and compiles their policies before anything is recorded; throws when an arm cannot be served. */
  prepare?(definition: Experiment): Promise<void>;
  /** Called after this replica changed an experiment, so it follows at once instead of at its next poll. */
  onChange?(): Promise<void>;
  /** Dispositions counted as true risk in reports. */
  positive?: readonly string[];
}

/** The optional body of stop. */
export const stopBodySchema = z.strictObject({ reason: z.string().min(1).max(2000).optional().describe('why; kept with the experiment') });
/** The report's query (`?minutesPerAlert=`), the API's and the console's. */
export const reportQuery = z.object({ minutesPerAlert: z.coerce.number().positive().max(24 * 60).optional() });

/** Adds the experiment routes to `app`. */
export function addExperimentRoutes(app: Hono, o: ExperimentRouteOptions): void {
  const { store, apiKeys } = o;
  const limit = jsonBodyLimit(256 * 1024);
  const actor = (c: Context) => c.get('apiKey')?.name ?? 'anonymous';

  app.post('/v1/experiments', requireScope(apiKeys, 'admin'), limit, async (c) => {
    const body = await readJsonBody(c);
    if (!body.ok) return c.json(body.error, 400);
    const outcome = await startExperiment(o, body.value, actor(c));
    return outcome.ok ? c.json({ experiment: outcome.experiment }, 201) : refused(c, outcome);
  });

  app.get('/v1/experiments', requireScope(apiKeys, ['admin', 'score']), async (c) => {
    try {
      return c.json({ experiments: await store.listExperiments() });
    } catch (err) {
      return failure(c, err as Error);
    }
  });

  app.get('/v1/experiments/:id', requireScope(apiKeys, ['admin', 'score']), async (c) => {
    try {
      const found = await store.getExperiment(c.req.param('id'));
      return found ? c.json({ experiment: found }) : c.json(apiError('not_found', `no experiment '${c.req.param('id')}'`), 404);
    } catch (err) {
      return failure(c, err as Error);
    }
  });

  app.post('/v1/experiments/:id/stop', requireScope(apiKeys, 'admin'), limit, async (c) => {
    const body = await readJsonBody(c, { optional: true });
    if (!body.ok) return c.json(body.error, 400);
    const parsed = stopBodySchema.safeParse(body.value ?? {});
    if (!parsed.success) return c.json(apiError('invalid_request', parsed.error.issues[0].message, parsed.error.issues[0].path.join('.') || '(body)'), 400);
    const outcome = await stopRunningExperiment(o, c.req.param('id'), parsed.data.reason, actor(c));
    return outcome.ok ? c.json({ experiment: outcome.experiment }) : refused(c, outcome);
  });

  app.get('/v1/experiments/:id/report', requireScope(apiKeys, ['admin', 'score']), async (c) => {
    const query = reportQuery.safeParse({ minutesPerAlert: c.req.query('minutesPerAlert') });
    if (!query.success) return c.json(apiError('invalid_request', query.error.issues[0].message, 'minutesPerAlert'), 400);
    try {
      return c.json(await reportOfExperiment(o, c.req.param('id'), query.data.minutesPerAlert));
    } catch (err) {
      return failure(c, err as Error);
    }
  });
}

/** What starting or stopping an experiment came to: the experiment, or a refusal with its HTTP status. */
export type ExperimentOutcome =
  | { ok: true; experiment: ExperimentState }
  | { ok: false; status: 400 | 404 | 409 | 422 | 503; code: string; message: string; path?: string };

type Actions = Pick<ExperimentRouteOptions, 'store' | 'prepare' | 'onChange'>;

/**
 * Validates a definition, loads its arms (nothing is recorded when one cannot be served), records
 * it as running and lets this replica follow it. `POST /v1/experiments` and the console's start
 * form both start experiments here.
 */
export async function startExperiment(o: Actions, input: unknown, actor: string): Promise<ExperimentOutcome> {
  let definition: Experiment;
  try {
    definition = parseExperiment(input);
  } catch (err) {
    const e = err as ExperimentError;
    return { ok: false, status: 400, code: 'invalid_experiment', message: e.message, path: e.issues[0].path };
  }
  try {
    await o.prepare?.(definition);
  } catch (err) {
    const invalid = err instanceof PolicyError;
    return { ok: false, status: invalid ? 400 : 422, code: invalid ? 'invalid_experiment' : 'arm_not_servable', message: `${(err as Error).message}; nothing was recorded` };
  }
  try {
    const created = await o.store.createExperiment(definition, actor);
    await o.onChange?.();
    return { ok: true, experiment: created };
  } catch (err) {
    return failed(err as Error);
  }
}

/** Stops an experiment (`reason` absent: "stopped by ACTOR"); the API's stop route and the console's stop button. */
export async function stopRunningExperiment(o: Actions, id: string, reason: string | undefined, actor: string): Promise<ExperimentOutcome> {
  try {
    const stopped = await o.store.stopExperiment(id, reason ?? `stopped by ${actor}`);
    await o.onChange?.();
    return { ok: true, experiment: stopped };
  } catch (err) {
    return failed(err as Error);
  }
}

/**
 * The report `GET /v1/experiments/{id}/report` answers (the guardrail applied, and this replica
 * told when it stopped an arm); the console shows the same. Throws the store's errors.
 */
export async function reportOfExperiment(o: Pick<ExperimentRouteOptions, 'store' | 'onChange' | 'positive'>, id: string, minutesPerAlert?: number): Promise<ExperimentReport> {
  const { report, stopped } = await experimentReport({ store: o.store, id, positive: o.positive, minutesPerAlert });
  if (stopped.length > 0) await o.onChange?.();
  return report;
}

/** One place where experiment errors become HTTP statuses. */
export function failed(err: Error): Extract<ExperimentOutcome, { ok: false }> {
  if (err instanceof UnknownExperimentError) return { ok: false, status: 404, code: 'not_found', message: err.message };
  if (err instanceof ExperimentConflictError) return { ok: false, status: 409, code: 'conflict', message: err.message };
  return { ok: false, status: 503, code: 'store_unavailable', message: `experiments: ${err.message}` };
}

function refused(c: Context, r: Extract<ExperimentOutcome, { ok: false }>) {
  return c.json(apiError(r.code, r.message, r.path), r.status);
}

function failure(c: Context, err: Error) {
  return refused(c, failed(err));
}
