/**
 * @module The console's sessions: an API key is asked for once and kept server-side, the browser
 * holds only a random session id in an HttpOnly, SameSite=Strict cookie; each session has its own
 * CSRF token, which every form POST must carry. Without configured keys (loopback only, as the
 * API) every visitor gets a session with every scope, so forms still carry a token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { ApiKey, Scope } from '../http/auth.ts';

export const SESSION_COOKIE = 'winnow_console';
/** A session ends this long after it was opened (ms), whatever happens in between. */
export const SESSION_TTL_MS = 12 * 3600_000;
/** Sessions kept at most; the oldest go first, so a flood of logins cannot exhaust memory. */
export const MAX_SESSIONS = 10_000;

/** Who is using the console, and what they may do. */
export interface ConsoleUser {
  /** The key's name, or "local" without keys: recorded as the actor of what they do. */
  name: string;
  scopes: ReadonlySet<Scope>;
  csrf: string;
  /** False when the server runs without keys (no login, no logout). */
  keyed: boolean;
}

declare module 'hono' {
  interface ContextVariableMap {
    consoleUser: ConsoleUser;
  }
}

interface Session {
  user: ConsoleUser;
  expiresAt: number;
}

const ALL_SCOPES: readonly Scope[] = ['score', 'feedback', 'admin', 'metrics'];

/** The open sessions of one server (in memory: a restart asks for the key again). */
export class ConsoleSessions {
  readonly #sessions = new Map<string, Session>();

  constructor(readonly keys: readonly ApiKey[], private readonly now: () => number = Date.now) {}

  /** Opens a session for `key` (or the keyless local user) and returns its id. */
  open(key: ApiKey | undefined): string {
    while (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    const user: ConsoleUser = key
      ? { name: key.name, scopes: new Set(key.scopes), csrf: randomBytes(24).toString('base64url'), keyed: true }
      : { name: 'local', scopes: new Set(ALL_SCOPES), csrf: randomBytes(24).toString('base64url'), keyed: false };
    this.#sessions.set(id, { user, expiresAt: this.now() + SESSION_TTL_MS });
    return id;
  }

  /** The session's user, or undefined when the id is unknown or expired. */
  get(id: string | undefined): ConsoleUser | undefined {
    if (id === undefined) return undefined;
    const s = this.#sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return s.user;
  }

  close(id: string | undefined): void {
    if (id !== undefined) this.#sessions.delete(id);
  }
}

/** Sets the session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export function setSessionCookie(c: Context, id: string): void {
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SESSION_TTL_MS / 1000, secure: new URL(c.req.url).protocol === 'https:',
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/**
 * Finds the visitor's session and leaves its user in `c.var.consoleUser`. Without keys a visitor
 * without one gets one; with keys, pages redirect to the login form and other requests get 401.
 */
export function consoleSession(sessions: ConsoleSessions): MiddlewareHandler {
  return async function consoleSessionMiddleware(c, next) {
    const id = getCookie(c, SESSION_COOKIE);
    let user = sessions.get(id);
    if (!user && sessions.keys.length === 0) {
      const opened = sessions.open(undefined);
      setSessionCookie(c, opened);
      user = sessions.get(opened)!;
    }
    if (!user) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const next = `${c.req.path}${new URL(c.req.url).search}`;
        return c.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
      }
      return c.text('Your console session has ended: sign in again at /login.', 401);
    }
    c.set('consoleUser', user);
    return next();
  };
}

/** True when the user may act with `scope` (admin may do everything a console offers). */
export function may(user: ConsoleUser, scope: Scope): boolean {
  return user.scopes.has(scope) || user.scopes.has('admin');
}

/** Whether a form's `_csrf` field is the session's token (constant time). */
export function csrfMatches(user: ConsoleUser, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(user.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Where to go after login: a path on this server only, never another site. */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
