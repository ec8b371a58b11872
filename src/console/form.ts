/**
 * @module The console's form POSTs: a small urlencoded body, the session's CSRF token, and the
 * scope the action needs, checked in that order before the handler runs. A forged or stale form
 * gets a 4xx page saying what to do; nothing it carried is acted on.
 */
import type { Context, Handler } from 'hono';
import type { Scope } from '../http/auth.ts';
import { csrfMatches, may } from './session.ts';

/** Console forms hold a few short fields: anything bigger is not one of ours. */
export const MAX_FORM_BYTES = 64 * 1024;

/** A form's fields; a field sent twice keeps its first value. */
export type FormFields = Readonly<Record<string, string>>;

declare module 'hono' {
  interface ContextVariableMap {
    form: FormFields;
  }
}

/** Answers a refused console request: plain text, short, saying what to do. */
export function refuse(c: Context, status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 503, message: string) {
  return c.text(message, status, { 'cache-control': 'no-store' });
}

/**
 * Wraps a handler of a console form: checks content type, size, CSRF token and `scope` (null: any
 * signed-in user), then
 * leaves the fields in `c.var.form`.
 */
export function formAction(scope: Scope | null, handler: Handler): Handler {
  return async function formActionHandler(c, next) {
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      return refuse(c, 415, `console forms are sent as application/x-www-form-urlencoded, got '${type || 'no content type'}'`);
    }
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > MAX_FORM_BYTES) return refuse(c, 413, `form too large (${declared} bytes, at most ${MAX_FORM_BYTES})`);
    const raw = await c.req.text();
    if (Buffer.byteLength(raw) > MAX_FORM_BYTES) return refuse(c, 413, `form too large (at most ${MAX_FORM_BYTES} bytes)`);
    let params: URLSearchParams;
    try {
      params = new URLSearchParams(raw);
    } catch {
      return refuse(c, 400, 'the form could not be read');
    }
    const fields: Record<string, string> = {};
    for (const [k, v] of params) if (!(k in fields)) fields[k] = v;
    const user = c.get('consoleUser');
    if (!csrfMatches(user, fields._csrf)) {
      return refuse(c, 403, 'this form is stale or was not sent from the console (CSRF token missing or wrong): reload the page and try again');
    }
    if (scope !== null && !may(user, scope)) {
      return refuse(c, 403, `'${user.name}' lacks the '${scope}' scope this action needs`);
    }
    c.set('form', fields);
    return handler(c, next);
  };
}
