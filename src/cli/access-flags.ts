/** @module `winnow serve`'s flags for who may reach it from a browser, and whether /metrics needs a key. */
import { isIP } from 'node:net';
import { type OriginGuardOptions, parseOrigin } from '../http/origin-guard.ts';
import { list, UsageError } from './args.ts';

/** Usage lines for the access flags. */
export const ACCESS_FLAGS_USAGE = `  --allowed-host HOST  a name (or name:port) clients address this server by, besides localhost,
                       127.0.0.1, [::1] and --host; repeatable or comma-separated
                       (WINNOW_ALLOWED_HOSTS). Any other Host gets 403: without API keys always
                       (DNS rebinding), with keys only once this flag is given
  --allowed-origin ORIGIN
                       scheme://host[:port] of pages that may call this server from a browser,
                       besides its own origin, e.g. pages a proxy serves same-origin with it;
                       repeatable or comma-separated (WINNOW_ALLOWED_ORIGINS). Any other Origin
                       header gets 403. winnow sends no CORS headers
  --public-metrics     with API keys, serve GET /metrics without a key (WINNOW_PUBLIC_METRICS=1);
                       by default it needs a key with the metrics or admin scope`;

/** parseFlags entries for the access flags. */
export const ACCESS_FLAGS = {
  'allowed-host': { type: 'string', multiple: true }, 'allowed-origin': { type: 'string', multiple: true }, 'public-metrics': { type: 'boolean' },
} as const;

/** createApp's `origins` and `publicMetrics` from the flags, the environment and the listening host. */
export function accessOptions(
  v: { 'allowed-host'?: string[]; 'allowed-origin'?: string[]; 'public-metrics'?: boolean },
  host: string,
  env: NodeJS.ProcessEnv = process.env,
): { origins: OriginGuardOptions; publicMetrics: boolean } {
  const hosts = list({ h: v['allowed-host'] ?? env.WINNOW_ALLOWED_HOSTS }, 'h');
  const origins = list({ o: v['allowed-origin'] ?? env.WINNOW_ALLOWED_ORIGINS }, 'o').map((o) => {
    try {
      return parseOrigin(o);
    } catch (err) {
      throw new UsageError(`--allowed-origin: ${(err as Error).message}`);
    }
  });
  // The address it listens on is a name it answers to, unless it is the any-address (no client sends that).
  const listenHost = host === '0.0.0.0' || host === '::' ? undefined : isIP(host) === 6 ? `[${host}]` : host;
  const flag = v['public-metrics'] ?? /^(1|true|yes)$/i.test(env.WINNOW_PUBLIC_METRICS ?? '');
  return { origins: { allowedHosts: hosts, allowedOrigins: origins, ...(listenHost ? { listenHost } : {}) }, publicMetrics: flag };
}
