/** @module `winnow serve`: the scoring service over the active bundle in a models folder. */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { createApp } from '../../http/app.ts';
import { type ApiKey, apiKeysSchema } from '../../http/auth.ts';
import { startServer } from '../../http/server.ts';
import { parsePolicy } from '../../policy/index.ts';
import { ModelRegistry } from '../../registry/model-registry.ts';
import { policyForModels } from '../../serving/policy-decider.ts';
import { type Command, integer, list, parseFlags, UsageError } from '../args.ts';

const usage = `Usage: winnow serve [options]

Serve POST /v1/score (and /v1/models, /healthz, /readyz) over the active model bundle.
Every option can also come from the environment variable shown.

Options:
  --host HOST          interface to listen on (WINNOW_HOST, default 127.0.0.1)
  --port PORT          port (WINNOW_PORT, default 8080)
  --models DIR         model bundles folder (WINNOW_MODELS, default models)
  --model NAME/VER     bundle to serve at start (default: latest version of "default")
  --policy FILE        policy JSON (WINNOW_POLICY); default: the bundle's recommended thresholds
  --never-suppress IDS comma-separated rule ids never auto-closed by the default policy
                       (WINNOW_NEVER_SUPPRESS, default scr_sanctions)
  --api-keys FILE      JSON list of {name, sha256, scopes} (WINNOW_API_KEYS); see 'winnow api-key'.
                       Without keys the service accepts every request, so it refuses to listen
                       on anything but loopback.

Example:
  winnow serve --port 8080
  curl -s localhost:8080/v1/score -H 'content-type: application/json' \\
    -d '{"alerts":[{"id":"A-1","ruleId":"tm_structuring","attributes":{"amount_usd":9500}}]}'`;

async function readJson(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`${what} ${path}: ${(err as Error).message}`);
  }
}

/** Loopback addresses, where no one but this machine can connect. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the scoring service (POST /v1/score) over the active model bundle',
  usage,
  async run(argv) {
    const v = parseFlags(argv, {
      host: { type: 'string' }, port: { type: 'string' }, models: { type: 'string' }, model: { type: 'string' },
      policy: { type: 'string' }, 'never-suppress': { type: 'string' }, 'api-keys': { type: 'string' },
    });
    const env = process.env;
    const host = v.host ?? env.WINNOW_HOST ?? '127.0.0.1';
    const port = integer({ port: v.port ?? env.WINNOW_PORT }, 'port', 8080);
    const keysPath = v['api-keys'] ?? env.WINNOW_API_KEYS;
    let apiKeys: ApiKey[] = [];
    if (keysPath) {
      const parsed = apiKeysSchema.safeParse(await readJson(keysPath, 'API keys'));
      if (!parsed.success) throw new Error(`API keys ${keysPath}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
      apiKeys = parsed.data;
    }
    if (apiKeys.length === 0 && !isLoopback(host)) {
      throw new UsageError(`refusing to listen on ${host} without API keys: anyone who can reach it could score and activate models (give --api-keys, or use a loopback host)`);
    }
    const policyPath = v.policy ?? env.WINNOW_POLICY;
    const policy = policyPath ? parsePolicy(await readJson(policyPath, 'policy'), policyPath) : undefined;
    const neverSuppress = list({ n: v['never-suppress'] ?? env.WINNOW_NEVER_SUPPRESS ?? 'scr_sanctions' }, 'n');
    const registry = await ModelRegistry.open(v.models ?? env.WINNOW_MODELS ?? 'models', v.model);
    const app = createApp({ registry, policyFor: policyForModels({ policy, neverSuppress }), apiKeys });
    const server = await startServer(app, host, port);
    const log = (msg: string, extra: object = {}) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...extra })}\n`);
    log('winnow serving', { url: server.url, model: `${registry.active.name}/${registry.active.version}`, auth: apiKeys.length > 0 ? `${apiKeys.length} API keys` : 'none (loopback only)' });
    await new Promise<void>((resolve) => {
      const stop = async (signal: string) => {
        log('shutting down', { signal });
        await server.close();
        await registry.close();
        resolve();
      };
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.once('SIGINT', () => void stop('SIGINT'));
    });
    log('stopped');
    return 0;
  },
};
