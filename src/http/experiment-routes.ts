/** @module `/v1/experiments…`: create (and start), list, read, stop, and report A/B experiments of thresholds and model versions. */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { ExperimentError, type Experiment, parseExperiment } from '../experiments/experiment-schema.ts';
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
const reportQuery = z.object({ minutesPerAlert: z.coerce.number().positive().max(24 * 60).optional() });

/** Adds the experiment routes to `app`. */
export function addExperimentRoutes(app: Hono, o: ExperimentRouteOptions): void {
  const { store, apiKeys } = o;
  const limit = jsonBodyLimit(256 * 1024);
  const actor = (c: Context) => c.get('apiKey')?.name ?? 'anonymous';

  app.post('/v1/experiments', requireScope(apiKeys, 'admin'), limit, async (c) => {
    const body = await readJsonBody(c);
    if (!body.ok) return c.json(body.error, 400);
    let definition: Experiment;
    try {
      definition = parseExperiment(body.value);
    } catch (err) {
      const e = err as ExperimentError;
      return c.json(apiError('invalid_experiment', e.message, e.issues[0].path), 400);
    }
    try {
      await o.prepare?.(definition);
    } catch (err) {
      const code = err instanceof PolicyError ? 'invalid_experiment' : 'arm_not_servable';
      return c.json(apiError(code, `${(err as Error).message}; nothing was recorded`), err instanceof PolicyError ? 400 : 422);
    }
    try {
      const created = await store.createExperiment(definition, actor(c));
      await o.onChange?.();
      return c.json({ experiment: created }, 201);
    } catch (err) {
      return failure(c, err as Error);
    }
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
    try {
      const stopped = await store.stopExperiment(c.req.param('id'), parsed.data.reason ?? `stopped by ${actor(c)}`);
      await o.onChange?.();
      return c.json({ experiment: stopped });
    } catch (err) {
      return failure(c, err as Error);
    }
  });

  app.get('/v1/experiments/:id/report', requireScope(apiKeys, ['admin', 'score']), async (c) => {
    const query = reportQuery.safeParse({ minutesPerAlert: c.req.query('minutesPerAlert') });
    if (!query.success) return c.json(apiError('invalid_request', query.error.issues[0].message, 'minutesPerAlert'), 400);
    try {
      const { report, stopped } = await experimentReport({ store, id: c.req.param('id'), positive: o.positive, minutesPerAlert: query.data.minutesPerAlert });
      if (stopped.length > 0) await o.onChange?.();
      return c.json(report);
    } catch (err) {
      return failure(c, err as Error);
    }
  });
}

/** One place where experiment errors become HTTP statuses. */
function failure(c: Context, err: Error) {
  if (err instanceof UnknownExperimentError) return c.json(apiError('not_found', err.message), 404);
  if (err instanceof ExperimentConflictError) return c.json(apiError('conflict', err.message), 409);
  return c.json(apiError('store_unavailable', `experiments: ${err.message}`), 503);
}

