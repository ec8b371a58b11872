/** @module Request bodies, the same way on every route: a size cap (413) and JSON parsing (400), both in the one error shape. */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { apiError, type ApiError } from './errors.ts';

/** Middleware answering 413 `body_too_large` past `maxSize` bytes; `hint` says what the route expects. */
export function jsonBodyLimit(maxSize: number, hint = ''): MiddlewareHandler {
  return bodyLimit({ maxSize, onError: (c) => c.json(apiError('body_too_large', `request body over ${maxSize} bytes${hint ? ` (${hint})` : ''}`), 413) });
}

/**
 * The parsed JSON body, or the 400 `invalid_json` error to answer with. With `optional`, an empty
 * body is `undefined` rather than an error (routes whose body only adds a note).
 */
export async function readJsonBody(c: Context, { optional = false } = {}): Promise<{ ok: true; value: unknown } | { ok: false; error: ApiError }> {
  const text = await c.req.text();
  if (optional && text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: apiError('invalid_json', `request body is not JSON: ${(err as Error).message}`) };
  }
}
