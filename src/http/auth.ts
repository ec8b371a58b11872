/** @module API keys: stored as sha256 hashes, compared in constant time, each with scopes. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { apiError } from './errors.ts';

/** `metrics` only reads /metrics (a Prometheus scraper's key); `admin` may do that too. */
export const scopeSchema = z.enum(['score', 'feedback', 'admin', 'metrics']);
export type Scope = z.infer<typeof scopeSchema>;

/** One configured key: only its hash is ever stored. */
export const apiKeySchema = z.object({
  name: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the hex sha256 of the key'),
  scopes: z.array(scopeSchema).min(1),
});
export type ApiKey = z.infer<typeof apiKeySchema>;
export const apiKeysSchema = z.array(apiKeySchema);

/** Hex sha256 of a presented key. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random key and the config entry that admits it (for `winnow api-key`). */
export function newApiKey(name: string, scopes: Scope[]): { key: string; entry: ApiKey } {
  const key = `wnw_${randomBytes(24).toString('base64url')}`;
  return { key, entry: { name, sha256: hashKey(key), scopes } };
}

/** The configured key matching `presented`, checking every key so timing says nothing about which. */
export function findKey(keys: readonly ApiKey[], presented: string): ApiKey | undefined {
  const digest = Buffer.from(hashKey(presented), 'hex');
  let found: ApiKey | undefined;
  for (const k of keys) if (timingSafeEqual(digest, Buffer.from(k.sha256, 'hex')) && !found) found = k;
  return found;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The key that authenticated the request; unset when the server runs without keys. */
    apiKey?: ApiKey;
  }
}

/**
 * Require a key with `scope`, or with any of several scopes (from `Authorization: Bearer …` or
 * `X-API-Key`). No key or an unknown key is 401; a known key without the scope is 403. The key is
 * left in the context as `apiKey`, so handlers can name who acted. With no keys configured every
 * request passes: the server then listens on loopback only (see serve).
 */
export function requireScope(keys: readonly ApiKey[], scope: Scope | readonly Scope[]): MiddlewareHandler {
  const scopes: readonly Scope[] = typeof scope === 'string' ? [scope] : scope;
  return async function requireScopeMiddleware(c, next) {
    if (keys.length === 0) return next();
    const header = c.req.header('authorization');
    const presented = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : c.req.header('x-api-key');
    const key = presented ? findKey(keys, presented) : undefined;
    if (!key) {
      c.header('WWW-Authenticate', 'Bearer realm="winnow"');
      return c.json(apiError('unauthorized', presented ? 'unknown API key' : 'missing API key (Authorization: Bearer <key>)'), 401);
    }
    if (!scopes.some((s) => key.scopes.includes(s))) {
      return c.json(apiError('forbidden', `key '${key.name}' lacks the ${scopes.map((s) => `'${s}'`).join(' or ')} scope`), 403);
    }
    c.set('apiKey', key);
    return next();
  };
}
