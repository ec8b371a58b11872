/**
 * @module Refuse requests a browser sent on behalf of another site: an `Origin` that is not this
 * server's own, or (DNS rebinding) a `Host` this server does not answer to.
 */
import type { MiddlewareHandler } from 'hono';
import { apiError } from './errors.ts';

/** The names a loopback server is always reached by. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export interface OriginGuardOptions {
  /** Hosts besides the loopback names that requests may be addressed to: `name` (any port) or `name:port`. */
  allowedHosts?: readonly string[];
  /** Origins besides the server's own whose pages may call it (e.g. pages a proxy serves same-origin with it). */
  allowedOrigins?: readonly string[];
  /** The host the server listens on (`serve --host`): answered too, without turning the Host check on when keys are configured. */
  listenHost?: string;
}

/**
 * Middleware answering 403 `host_not_allowed` and `origin_not_allowed`.
 *
 * The Host is checked when no API keys are configured (the server is then open to anything that
 * reaches loopback, which a page on a rebound DNS name does) or when hosts are listed. With keys and
 * no list it is not: a browser has no key to send, and keyed deployments are reached by names
 * (service DNS, pod IPs, proxies) the process cannot know. The `Origin`, which browsers set and
 * other clients do not, is checked always.
 */
export function originGuard({ allowedHosts = [], allowedOrigins = [], listenHost, keysConfigured = false }: OriginGuardOptions & { keysConfigured?: boolean } = {}): MiddlewareHandler {
  const answered = [...new Set([...LOOPBACK_HOSTS, ...(listenHost ? [splitHost(listenHost).name] : []), ...allowedHosts])];
  const hosts = answered.map(splitHost);
  const origins = new Set(allowedOrigins.map(normalOrigin));
  const checkHost = !keysConfigured || allowedHosts.length > 0;
  return async function originGuardMiddleware(c, next) {
    const url = new URL(c.req.url);
    // Under Node the URL is built from the Host header, except for an absolute request target: check both.
    const header = c.req.header('host');
    if (checkHost) {
      for (const host of header === undefined || header === url.host ? [url.host] : [header, url.host]) {
        if (!hostAllowed(host, hosts)) {
          return c.json(apiError('host_not_allowed', `Host '${host}' is not one this server answers to (${answered.join(', ')}): `
            + `a web page whose DNS name points here could otherwise call it from a browser. If clients really address it so, allow it with `
            + `'winnow serve --allowed-host ${splitHost(host).name}' (or WINNOW_ALLOWED_HOSTS)`), 403);
        }
      }
    }
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      const own = `${url.protocol}//${header ?? url.host}`;
      const sent = normalOrigin(origin);
      if (sent !== normalOrigin(own) && !origins.has(sent)) {
        const how = sent.includes('://')
          ? `If pages at that origin reach this server through a proxy, allow it with 'winnow serve --allowed-origin ${sent}' (or WINNOW_ALLOWED_ORIGINS)`
          : 'An opaque origin (a sandboxed page, a local file) cannot be allowed';
        return c.json(apiError('origin_not_allowed', `Origin '${origin}' is not this server's own (${normalOrigin(own)}): browsers send it for pages of other sites, which must not act here. ${how}`), 403);
      }
    }
    return next();
  };
}

/** `scheme://host[:port]` as a browser writes it, for an origin given on the command line; throws when it is not one. */
export function parseOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`'${text}' is not an origin (expected scheme://host[:port], e.g. https://ops.example.com)`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== text.replace(/\/$/, '').toLowerCase()) {
    throw new Error(`'${text}' is not an origin (expected scheme://host[:port] with no path, e.g. https://ops.example.com)`);
  }
  return url.origin;
}

/** `host`, `host:port`, `[v6]` or `[v6]:port` (lower case); a bare IPv6 address is bracketed. */
export function splitHost(text: string): { name: string; port?: string } {
  const host = text.trim().toLowerCase();
  if (host.includes(':') && !host.startsWith('[') && host.indexOf(':') !== host.lastIndexOf(':')) return { name: `[${host}]` };
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host);
  return m ? { name: m[1], ...(m[2] ? { port: m[2] } : {}) } : { name: host };
}

// The port is compared only where a listed host names one: a browser's Host always carries the
// port it connected to, so the name is all a rebinding page controls.
function hostAllowed(host: string, allowed: { name: string; port?: string }[]): boolean {
  const { name, port } = splitHost(host);
  return allowed.some((a) => a.name === name && (a.port === undefined || a.port === port));
}

/** An origin as compared: the URL's own serialisation (default port dropped), or the text itself when it is none (`null`). */
function normalOrigin(text: string): string {
  try {
    const origin = new URL(text).origin;
    return origin === 'null' ? text : origin;
  } catch {
    return text;
  }
}
