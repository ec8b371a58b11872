/** @module Request bodies, the same way on every route: a size cap (413) and JSON parsing (400), both in the one error shape. */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { findUnstorableText } from '../store/storable-text.ts';
import { apiError, type ApiError } from './errors.ts';
import { refuseNonJson } from './json-content-type.ts';
import { MAX_JSON_DEPTH, tooDeepAt } from './json-depth.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The request body as text, when `jsonBodyLimit` read it straight from Node's request. */
    bodyText: string;
    /** Set when the client left before its body ended (metrics count it as `aborted`). */
    clientAborted: boolean;
  }
}

/** The client went away before its request body ended: nobody is left to answer, and the server did nothing wrong. */
export class ClientAbortedError extends Error {
  override readonly name = 'ClientAbortedError';
}

/**
 * Middleware answering 413 `body_too_large` past `maxSize` bytes; `hint` says what the route expects.
 * First it answers 415 to a request not declared `application/json` (json-content-type.ts): every
 * state-changing route reads its body through here, after its API-key check.
 *
 * Under Node (`@hono/node-server` puts the request in `c.env.incoming`) it reads the body from
 * Node's stream itself. Going through `c.req` instead builds a web `Request` with a
 * `ReadableStream` and an `AbortSignal` for every call: about a seventh of the serving thread's
 * time for single-alert requests. Elsewhere (`app.request` in tests) hono's own limit does it.
 */
export function jsonBodyLimit(maxSize: number, hint = ''): MiddlewareHandler {
  const tooLarge = (c: Context) => c.json(apiError('body_too_large', `request body over ${maxSize} bytes${hint ? ` (${hint})` : ''}`), 413);
  const viaHono = bodyLimit({ maxSize, onError: tooLarge });
  return async function jsonBodyLimit(c, next) {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const notJson = refuseNonJson(c);
    if (notJson) {
      // Discard the body unread, so the connection stays usable for the answer.
      if (incoming !== undefined && !incoming.readableDidRead) incoming.resume();
      return notJson;
    }
    if (incoming === undefined || incoming.readableDidRead) return viaHono(c, next);
    const text = await readCapped(incoming, maxSize);
    if (text === undefined) return tooLarge(c);
    c.set('bodyText', text);
    await next();
  };
}

/**
 * The parsed JSON body, or the 400 error to answer with: `invalid_json`, or `invalid_text` for a
 * string no store could keep as sent (see store/storable-text.ts), on every route alike. With `optional`, an empty
 * body is `undefined` rather than an error (routes whose body only adds a note).
 */
export async function readJsonBody(c: Context, { optional = false } = {}): Promise<{ ok: true; value: unknown } | { ok: false; error: ApiError }> {
  const text = c.get('bodyText') ?? (await c.req.text());
  if (optional && text.trim() === '') return { ok: true, value: undefined };
  // Before parsing: a body a million levels deep took JSON.parse half a second.
  const deep = tooDeepAt(text);
  if (deep >= 0) {
    return { ok: false, error: apiError('too_deep', `request body nests deeper than ${MAX_JSON_DEPTH} levels (at character ${deep}); no winnow body needs more than a few`) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: apiError('invalid_json', `request body is not JSON: ${(err as Error).message}`) };
  }
  // U+0000 and lone surrogates reach a parsed string only through a \u escape (raw NUL is not
  // JSON, and UTF-8 decoding never yields a lone surrogate), so bodies without one skip the walk.
  const unstorable = text.includes('\\u') ? findUnstorableText(value) : undefined;
  if (unstorable) return { ok: false, error: apiError('invalid_text', `${unstorable.path}: ${unstorable.problem}`, unstorable.path) };
  return { ok: true, value };
}

/**
 * The body as UTF-8 text (a leading byte-order mark dropped, as `Request.text()` does), or
 * undefined once it is over `maxSize` bytes: by its declared length before reading anything, or
 * while reading a body sent without one. The rest of an oversized body is read and discarded, so
 * the connection stays usable for the 413.
 */
function readCapped(incoming: IncomingMessage, maxSize: number): Promise<string | undefined> {
  const declared = Number(incoming.headers['content-length']);
  if (declared > maxSize) {
    incoming.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (text: string | undefined, error?: Error) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxSize) return void chunks.push(chunk);
      incoming.resume();
      settle(undefined);
    };
    const onEnd = () => {
      const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)).toString('utf8');
      settle(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    };
    // Node reports a connection closed mid-body as an 'error' ("aborted", ECONNRESET) on the request.
    const onError = (error: Error) => settle(undefined, new ClientAbortedError(`the client closed the connection before the request body ended (${error.message})`));
    // A client that goes away mid-body: settle (as an error) rather than leave the handler waiting.
    const onClose = () => settle(undefined, new ClientAbortedError('the client closed the connection before the request body ended'));
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
