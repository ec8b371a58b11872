/**
 * @module `/v1/models…`: list bundles, activate one, roll back, and read the activation log.
 * With a log configured, activate and rollback record an entry (every replica follows it) and
 * swap this replica at once; without one they only swap this process.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { NothingToRollBackError, rollbackTarget } from '../registry/activation-commands.ts';
import { type ModelRegistry, UnknownModelError } from '../registry/model-registry.ts';
import {
  ActivationConflictError, type ActivationEntry, type ActivationLog, type ModelRef, MAX_HISTORY_LIMIT, MAX_NOTE_LENGTH,
} from '../store/activation-log.ts';
import { type ApiKey, requireScope } from './auth.ts';
import { apiError } from './errors.ts';
import { jsonBodyLimit, readJsonBody } from './json-body.ts';

export interface ModelRouteOptions {
  registry: ModelRegistry;
  /** The shared activation log; absent, activation is local and rollback/history answer 404. */
  activations?: ActivationLog;
  apiKeys: readonly ApiKey[];
}

/** The log could not be read or written: nothing changed (HTTP 503). */
class ActivationStoreError extends Error {
  override readonly name = 'ActivationStoreError';
}

/** The optional body of activate and rollback. */
export const noteBodySchema = z.object({ note: z.string().max(MAX_NOTE_LENGTH).optional().describe('why; kept in the activation log') }).strict();
const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(MAX_HISTORY_LIMIT).default(50) });

export function addModelRoutes(app: Hono, o: ModelRouteOptions): void {
  const { registry, activations: log, apiKeys } = o;
  // Only a note is ever sent: anything bigger is a mistake, not worth reading into memory.
  const smallBody = jsonBodyLimit(16 * 1024, 'only {"note": "…"} is expected');
  const notConfigured = (c: Context) => c.json(apiError('not_configured', 'this server keeps no activation log (it runs without a store)'), 404);

  app.get('/v1/models', requireScope(apiKeys, 'score'), async (c) => c.json({ models: await registry.list() }));

  app.get('/v1/models/activations', requireScope(apiKeys, ['score', 'admin']), async (c) => {
    if (!log) return notConfigured(c);
    const query = historyQuery.safeParse({ limit: c.req.query('limit') });
    if (!query.success) return c.json(apiError('invalid_request', query.error.issues[0].message, 'limit'), 400);
    try {
      return c.json({ active: activeRef(registry), activations: await fromStore(() => log.history(query.data.limit)) });
    } catch (err) {
      return failure(c, err as Error);
    }
  });

  app.post('/v1/models/rollback', requireScope(apiKeys, 'admin'), smallBody, async (c) => {
    if (!log) return notConfigured(c);
    const note = await readNote(c);
    if (typeof note === 'object') return c.json(note, 400);
    try {
      return c.json(await rollbackModel({ registry, activations: log, actor: actorOf(c), note }));
    } catch (err) {
      return failure(c, err as Error);
    }
  });

  app.post('/v1/models/:name/:version/activate', requireScope(apiKeys, 'admin'), smallBody, async (c) => {
    const note = await readNote(c);
    if (typeof note === 'object') return c.json(note, 400);
    const model = { name: c.req.param('name'), version: c.req.param('version') };
    try {
      return c.json(await activateModel(model, { registry, activations: log, actor: actorOf(c), note }));
    } catch (err) {
      return failure(c, err as Error);
    }
  });
}

/** Who acts: the API key's name, or 'anonymous' when the server runs without keys. */
function actorOf(c: Context): string {
  return c.get('apiKey')?.name ?? 'anonymous';
}

/** What activate and rollback need: the registry of this replica, the shared log (if any), who acts and why. */
export interface ModelActionOptions {
  registry: ModelRegistry;
  activations?: ActivationLog;
  actor: string;
  note?: string;
  /**
   * Act only if the log's latest entry still has this seq (null: an empty log), so what a person
   * confirmed (from what, to what) is what is recorded; the API does not send it.
   */
  expectedLatestSeq?: number | null;
}

/** What activate and rollback answer: the model now serving here, and the log entry recorded (null without a log). */
export interface ModelActionResult {
  active: ModelRef;
  activation: ActivationEntry | null;
}

/**
 * Activate `model` (POST /v1/models/:name/:version/activate and the console's promote): load and
 * probe it, record the entry in the log (if any) only once it passed, then swap this replica.
 */
export function activateModel(model: ModelRef, o: ModelActionOptions): Promise<ModelActionResult> {
  const { activations: log, actor, note, expectedLatestSeq } = o;
  return swapAndRecord(o.registry, model, log && (() => log.record({ model, action: 'activate', actor, note, expectedLatestSeq })));
}

/**
 * Roll back to the model before the current log entry (POST /v1/models/rollback and the console's
 * rollback), recorded only if the log has not moved since its target was read.
 */
export async function rollbackModel(o: ModelActionOptions & { activations: ActivationLog }): Promise<ModelActionResult> {
  const { activations: log, actor, note } = o;
  const { current, target } = await fromStore(() => rollbackTarget(log));
  if (o.expectedLatestSeq !== undefined && o.expectedLatestSeq !== current.seq) throw new ActivationConflictError(current, o.expectedLatestSeq);
  return swapAndRecord(o.registry, target, () => log.record({ model: target, action: 'rollback', actor, note, expectedLatestSeq: current.seq }));
}

/** Load and probe `model`, record the entry (if any) only once it passed, then swap this replica. */
async function swapAndRecord(registry: ModelRegistry, model: ModelRef, record?: () => Promise<ActivationEntry>): Promise<ModelActionResult> {
  const recorded: { entry: ActivationEntry | null } = { entry: null };
  const m = await registry.activate(model.name, model.version, {
    beforeSwap: async () => {
      if (record) recorded.entry = await fromStore(record);
    },
  });
  return { active: { name: m.name, version: m.version }, activation: recorded.entry };
}

/** An activate or rollback failure as an HTTP status, an API error code and a message saying what to do. */
export interface ModelActionFailure {
  status: 404 | 409 | 422 | 503;
  code: 'not_found' | 'nothing_to_roll_back' | 'conflict' | 'store_unavailable' | 'activation_failed';
  message: string;
}

/** One place where domain errors of activate and rollback become HTTP statuses (the API's and the console's). */
export function modelActionFailure(err: Error): ModelActionFailure {
  if (err instanceof UnknownModelError) return { status: 404, code: 'not_found', message: err.message };
  if (err instanceof NothingToRollBackError) return { status: 409, code: 'nothing_to_roll_back', message: err.message };
  if (err instanceof ActivationConflictError) return { status: 409, code: 'conflict', message: `${err.message}; read GET /v1/models/activations and retry` };
  if (err instanceof ActivationStoreError) return { status: 503, code: 'store_unavailable', message: err.message };
  return { status: 422, code: 'activation_failed', message: `${err.message}; the previous model keeps serving and nothing was recorded` };
}

function failure(c: Context, err: Error) {
  const f = modelActionFailure(err);
  return c.json(apiError(f.code, f.message), f.status);
}

/** Runs a log call, turning database failures into ActivationStoreError; the log's own errors pass through. */
async function fromStore<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ActivationConflictError || err instanceof NothingToRollBackError) throw err;
    throw new ActivationStoreError(`activation log: ${(err as Error).message}; nothing was changed`, { cause: err });
  }
}

/** The optional `{ "note": "…" }` body; an error body to answer 400 with when it is malformed. */
async function readNote(c: Context): Promise<string | undefined | ReturnType<typeof apiError>> {
  const body = await readJsonBody(c, { optional: true });
  if (!body.ok) return body.error;
  if (body.value === undefined) return undefined;
  const parsed = noteBodySchema.safeParse(body.value);
  if (!parsed.success) return apiError('invalid_request', parsed.error.issues[0].message, parsed.error.issues[0].path.join('.') || '(body)');
  return parsed.data.note;
}

function activeRef(registry: ModelRegistry): ModelRef {
  return { name: registry.active.name, version: registry.active.version };
}
