/**
 * The Dockerfile and compose.yaml cannot be built or started on the machines winnow is developed
 * and tested on (no Docker daemon, no base images), so this keeps them in step with the code
 * instead: every `winnow` command they run exists and its own parser accepts their flags, every
 * variable they set is one winnow (or the dependency it is for) reads, the ports and health check
 * routes agree with the commands, the compose file refers only to what it declares, the
 * Dockerfile lints clean, and .dockerignore lets through what the Dockerfile copies.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from 'dockerfile-utils';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../../src/cli/command-list.ts';

// A command's parseFlags throws this instead of returning: its flags were accepted, and nothing
// (a server, a store, a NATS connection) starts. Unknown flags still throw the real UsageError.
const { Parsed } = vi.hoisted(() => ({
  Parsed: class Parsed extends Error {
    constructor(readonly values: Record<string, unknown>) {
      super('parsed');
    }
  },
}));
vi.mock('../../src/cli/args.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/cli/args.ts')>();
  return {
    ...real,
    parseFlags: (argv: string[], flags: Parameters<typeof real.parseFlags>[1]) => {
      throw new Parsed(real.parseFlags(argv, flags));
    },
  };
});

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

// ---- the Dockerfile, as instructions --------------------------------------------------------

interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments left out. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*(#|$)/.test(lines[i]!)) continue;
    const line = i + 1;
    let full = lines[i]!;
    while (full.endsWith('\\') && i + 1 < lines.length) full = `${full.slice(0, -1)} ${lines[++i]!.trim()}`;
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(full)!;
    out.push({ line, keyword: m[1]!.toUpperCase(), args: m[2]!.trim() });
  }
  return out;
}

const DOCKERFILE = read('Dockerfile');
const steps = instructions(DOCKERFILE);
const finalStage = steps.slice(steps.findLastIndex((s) => s.keyword === 'FROM'));
const one = (keyword: string) => {
  const found = finalStage.filter((s) => s.keyword === keyword);
  expect(found, `the final stage's ${keyword}`).toHaveLength(1);
  return found[0]!;
};
/** `KEY=value …` pairs of the final stage's ENV instructions. */
const imageEnv: Record<string, string> = Object.fromEntries(
  finalStage.filter((s) => s.keyword === 'ENV').flatMap((s) => [...s.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
);
const entrypoint = JSON.parse(one('ENTRYPOINT').args) as string[];
const cmd = JSON.parse(one('CMD').args) as string[];
const exposed = one('EXPOSE').args.split(/\s+/).map(Number);
const healthcheck = one('HEALTHCHECK').args;

// ---- compose.yaml, with ${VAR…} filled in as compose would ----------------------------------

/** The variables compose.yaml needs from .env or the shell; every other one has a default. */
const REQUIRED_VARIABLES = { POSTGRES_PASSWORD: 'pw' };
const COMPOSE_TEXT = read('compose.yaml');
const compose = parse(
  COMPOSE_TEXT.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    if (name in REQUIRED_VARIABLES) return REQUIRED_VARIABLES[name as keyof typeof REQUIRED_VARIABLES];
    if (kind === '-') return rest!;
    throw new Error(`compose.yaml needs \${${name}} without a default: add it to REQUIRED_VARIABLES and to docs/containers.md`);
  }),
  { merge: true },
) as Compose;

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  secrets?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file: string }>;
}
const services = compose.services;
const WINNOW_IMAGE = 'winnow:local';
/** The services that run the image built from the Dockerfile. */
const winnowServices = Object.entries(services).filter(([, s]) => s.image === WINNOW_IMAGE);

// ---- winnow invocations -----------------------------------------------------------------------

/** Every `winnow …` that the Dockerfile and compose.yaml run, with the environment it runs in. */
function invocations(): { where: string; argv: string[]; env: Record<string, string> }[] {
  const out = [{ where: 'Dockerfile CMD', argv: cmd, env: imageEnv }];
  for (const s of finalStage.filter((i) => i.keyword === 'RUN')) {
    for (const m of s.args.matchAll(/node bin\/winnow\.mjs ([^&>|;]+)/g)) {
      out.push({ where: `Dockerfile line ${s.line}`, argv: m[1]!.trim().split(/\s+/), env: imageEnv });
    }
  }
  for (const [name, s] of winnowServices) out.push({ where: `compose service ${name}`, argv: s.command ?? cmd, env: { ...imageEnv, ...s.environment } });
  return out;
}

/** The values a command's own parser makes of `flags`; a flag it does not know fails the test. */
async function parsedFlags(command: string, flags: string[]): Promise<Record<string, unknown>> {
  const entry = COMMANDS.find((c) => c.name === command)!;
  const error = await (await entry.load()).run(flags).then(() => undefined, (err: unknown) => err);
  if (error instanceof Parsed) return error.values;
  throw new Error(`winnow ${command} ${flags.join(' ')}: ${(error as Error)?.message ?? 'ran without parsing its flags'}`);
}

/** `--name value` pairs of a command line (flags given as --name=value too). */
function flagValue(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i]!.startsWith(`--${name}=`)) return argv[i]!.slice(name.length + 3);
  }
  return undefined;
}

/** Every `src/**.ts` file's text: where winnow reads its environment. */
const SOURCES = (function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.ts') || name.endsWith('.tsx') ? [readFileSync(path, 'utf8')] : [];
  });
})(join(ROOT, 'src')).join('\n');

/** What a `fetch('http://HOST:PORT/PATH')` health check asks for. */
function healthUrl(text: string): { port: string; path: string } {
  const m = /http:\/\/127\.0\.0\.1:(?:' \+ \(process\.env\.(\w+) \|\| )?(\d+)\)?(?: \+ ')?(\/\w+)/.exec(text);
  expect(m, `a health check on 127.0.0.1 in: ${text}`).not.toBeNull();
  if (m![1]) expect(imageEnv[m![1]], `${m![1]} set in the image`).toBe(m![2]);
  return { port: m![2]!, path: m![3]! };
}

describe('the Dockerfile', () => {
  it('lints clean with dockerfile-utils (no error and no warning)', () => {
    const problems = validate(DOCKERFILE).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  it('runs bin/winnow.mjs from the folder it copies the sources to, as a non-root user', () => {
    expect(one('WORKDIR').args).toBe('/app');
    expect(entrypoint).toEqual(['node', '/app/bin/winnow.mjs']);
    expect(finalStage.some((s) => s.keyword === 'COPY' && s.args === 'bin ./bin')).toBe(true);
    expect(one('USER').args).toBe('node');
  });

  it('installs from the lockfile, without the dev tools, and tells onnxruntime-node not to download', () => {
    const deps = steps.slice(0, steps.findLastIndex((s) => s.keyword === 'FROM'));
    expect(deps.find((s) => s.keyword === 'RUN')?.args).toMatch(/^npm ci --omit=dev\b/);
    expect(deps.some((s) => s.keyword === 'ENV' && s.args === 'ONNXRUNTIME_NODE_INSTALL=skip')).toBe(true);
    // The variable is the dependency's own: its install script must still read it.
    expect(read('node_modules/onnxruntime-node/script/install-utils.js')).toContain('process.env.ONNXRUNTIME_NODE_INSTALL');
  });

  it('serves on a port it exposes, and checks the liveness route there', () => {
    expect(cmd.slice(0, 3)).toEqual(['serve', '--host', '0.0.0.0']);
    const port = flagValue(cmd, 'port') ?? imageEnv.WINNOW_PORT;
    expect(exposed).toContain(Number(port));
    expect(healthUrl(healthcheck)).toEqual({ port, path: '/healthz' });
  });
});

describe('the winnow commands the Dockerfile and compose.yaml run', () => {
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('exist, and their own parsers accept every flag', async () => {
    const names = COMMANDS.map((c) => c.name);
    const seen: string[] = [];
    for (const { where, argv } of invocations()) {
      const [command, ...flags] = argv;
      seen.push(command!);
      if (command === '--version') continue;
      expect(names, where).toContain(command);
      if (flags.includes('--help')) continue;
      await parsedFlags(command!, flags);
    }
    expect(new Set(seen)).toEqual(new Set(['--version', 'serve', 'consume']));
  });

  it('set only variables winnow reads, each one its --help names or winnow reads outside the flags', async () => {
    const readOutsideFlags = new Set(['WINNOW_LOG_LEVEL']);
    for (const { where, argv, env } of invocations()) {
      const usage = argv[0] === '--version' ? '' : (await COMMANDS.find((c) => c.name === argv[0])!.load()).usage;
      for (const name of Object.keys(env)) {
        if (name === 'NODE_ENV') continue;
        expect(name, `${where}: ${name}`).toMatch(/^WINNOW_/);
        expect(new RegExp(`env\\.${name}\\b`).test(SOURCES), `${where}: src/ reads env.${name}`).toBe(true);
        if (argv[0] === 'serve' && !readOutsideFlags.has(name)) expect(usage, `${where}: serve --help names ${name}`).toContain(`(${name}`);
      }
    }
  });

  it('serve: keys on a public interface, the port published and health-checked', async () => {
    const s = services.winnow!;
    const values = await parsedFlags('serve', s.command!.slice(1));
    expect(values.host).toBe('0.0.0.0');
    // Without keys serve refuses any interface but loopback: the keys file must be mounted where it is read.
    const keys = (values['api-keys'] as string | undefined) ?? s.environment?.WINNOW_API_KEYS;
    expect(keys).toBeDefined();
    expect(s.secrets?.map((name) => `/run/secrets/${name}`)).toContain(keys);
    const port = (values.port as string | undefined) ?? s.environment?.WINNOW_PORT ?? imageEnv.WINNOW_PORT;
    expect(exposed).toContain(Number(port));
    expect(s.ports?.map((p) => p.split(':').at(-1))).toContain(port);
    expect(healthUrl(s.healthcheck!.test.join(' '))).toEqual({ port, path: '/readyz' });
  });

  it('consume: on the NATS service, its metrics port exposed and health-checked', async () => {
    const s = services.consume!;
    const values = await parsedFlags('consume', s.command!.slice(1));
    const server = new URL(values.server as string);
    expect(services[server.hostname], `a service named ${server.hostname}`).toBeDefined();
    expect(server.port).toBe('4222');
    expect(services[server.hostname]!.command, 'nats-server with JetStream').toContain('-js');
    expect(s.depends_on?.[server.hostname]?.condition).toBe('service_healthy');
    const port = values['metrics-port'] as string;
    expect(values['metrics-host']).toBe('0.0.0.0');
    expect(exposed).toContain(Number(port));
    expect(s.expose).toContain(port);
    expect(healthUrl(s.healthcheck!.test.join(' '))).toEqual({ port, path: '/healthz' });
  });

  it('health checks ask for routes that serve and consume answer', () => {
    const app = read('src/http/app.ts');
    for (const path of ['/healthz', '/readyz']) expect(app).toContain(`app.get('${path}'`);
    expect(read('src/cli/commands/consume.ts')).toContain(`req.url === '/healthz'`);
  });
});

describe('compose.yaml', () => {
  it('runs winnow serve, winnow consume, PostgreSQL and NATS, each with a health check', () => {
    expect(Object.keys(services).sort()).toEqual(['consume', 'nats', 'postgres', 'winnow']);
    expect(winnowServices.map(([name]) => name).sort()).toEqual(['consume', 'winnow']);
    for (const [name, s] of Object.entries(services)) expect(s.healthcheck?.test?.[0], name).toBe('CMD');
    for (const [, s] of winnowServices) expect(s.build).toBe('.');
  });

  it('waits only for services it has, and only for healthy ones', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        expect(condition).toBe('service_healthy');
      }
    }
  });

  it('gives winnow the PostgreSQL the postgres service creates', () => {
    const pg = services.postgres!.environment!;
    for (const [name, s] of winnowServices) {
      const url = new URL(s.environment!.WINNOW_DATABASE_URL!);
      expect(url.protocol, name).toBe('postgres:');
      expect(services[url.hostname], name).toBe(services.postgres);
      expect([url.port, url.username, url.password, url.pathname.slice(1)], name).toEqual(['5432', pg.POSTGRES_USER, pg.POSTGRES_PASSWORD, pg.POSTGRES_DB]);
    }
    expect(services.postgres!.healthcheck!.test).toEqual(['CMD', 'pg_isready', '-U', pg.POSTGRES_USER, '-d', pg.POSTGRES_DB]);
  });

  it('declares every named volume and secret it uses, and git ignores the files it reads', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) expect(compose.volumes, `${name}: volume ${source}`).toHaveProperty([source]);
      }
      for (const secret of s.secrets ?? []) expect(compose.secrets, `${name}: secret ${secret}`).toHaveProperty([secret]);
    }
    const ignored = read('.gitignore').split('\n');
    expect(ignored).toContain('/.env');
    expect(ignored).toContain(`/${compose.secrets!['winnow-api-keys']!.file.replace(/^\.\//, '')}`);
  });
});

describe('.dockerignore', () => {
  /** Whether the build context holds a top-level entry: the last pattern that matches it decides. */
  function inContext(name: string): boolean {
    let included = true;
    for (const raw of read('.dockerignore').split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const negated = line.startsWith('!');
      const pattern = new RegExp(`^${(negated ? line.slice(1) : line).replace(/\/$/, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
      if (pattern.test(name)) included = negated;
    }
    return included;
  }

  it('lets through what the Dockerfile copies from the context, and keeps stores, keys and node_modules out', () => {
    const copied = steps
      .filter((s) => s.keyword === 'COPY' && !s.args.startsWith('--from'))
      .flatMap((s) => s.args.split(/\s+/).slice(0, -1));
    expect(copied.length).toBeGreaterThan(0);
    for (const source of copied) expect(inContext(source.split('/')[0]!), source).toBe(true);
    for (const kept of ['node_modules', '.git', 'data', 'demo', 'demo-models', '.env', 'api-keys.json', 'test']) expect(inContext(kept), kept).toBe(false);
  });
});
