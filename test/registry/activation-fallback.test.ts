/**
 * @module One bad activation entry cannot stop a fleet (issue 15, item 9): a replica restarting on a
 * log whose latest bundle was tampered with starts on the newest entry that verifies, says so in
 * its log, /readyz and /metrics, and follows the log again once the bundle is fixed. On SQLite and
 * PostgreSQL, in process (registry and app built as serve builds them) and as a real `winnow serve`.
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { ServiceMetrics } from '../../src/http/metrics.ts';
import { followActivations, type Following } from '../../src/registry/activation-follower.ts';
import type { KyselyActivationLog } from '../../src/store/activation-log.ts';
import { openActivationLog } from '../../src/store/open-activation-log.ts';
import { defaultPolicy, twoAlerts } from '../http/helpers.ts';
import { addVersion, modelsWithVersions } from '../helpers/model-versions.ts';
import { startServe } from '../helpers/serve-process.ts';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-database.ts';

const V1 = { name: 'default', version: '1' };
const V2 = { name: 'default', version: '2' };
const V3 = { name: 'default', version: '3' };

function recordingLogger() {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj: obj as Record<string, unknown> });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Change one byte of a bundle's model.onnx: its sha256 no longer matches the manifest. */
function tamperOnnx(modelsDir: string, version: string): void {
  const file = join(modelsDir, 'default', version, 'model.onnx');
  const bytes = readFileSync(file);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(file, bytes);
}

/** Rewrite a bundle's manifest.json so it no longer parses. */
function tamperManifest(modelsDir: string, version: string): void {
  appendFileSync(join(modelsDir, 'default', version, 'manifest.json'), '}');
}

interface Readiness {
  status: string;
  model: { name: string; version: string; degraded: boolean; wanted?: string; serving?: string; wantedSeq?: number; servingSeq?: number | null; reason?: string; since?: string };
}

const backends: [string, () => Promise<{ target: string; close(): Promise<void> }>][] = [
  ['SQLite', async () => ({ target: join(mkdtempSync(join(tmpdir(), 'winnow-fallback-')), 'winnow.db'), close: async () => {} })],
  ['PostgreSQL', async () => {
    database ??= await createTestDatabase();
    await database.reset();
    return { target: database.url, close: async () => {} };
  }],
];
let database: TestDatabase | undefined;
afterAll(async () => {
  await database?.drop();
});

describe.each(backends)('restarting on a tampered activation (%s)', (_name, backend) => {
  let modelsDir: string;
  let target: string;
  let log: KyselyActivationLog;
  let logger: ReturnType<typeof recordingLogger>;
  let running: Following[] = [];

  beforeEach(async () => {
    modelsDir = await modelsWithVersions(['1', '2']);
    ({ target } = await backend());
    log = await openActivationLog(target);
    logger = recordingLogger();
  });
  afterEach(async () => {
    for (const { follower, registry } of running) {
      await follower.stop();
      await registry.close();
    }
    running = [];
    await log.close();
  });

  /** What `winnow serve` does at start: follow the log, then build the app over the registry and the follower. */
  async function restart() {
    const following = await followActivations({ modelsDir, log, logger, intervalMs: 60_000, actor: 'serve@test:1' });
    running.push(following);
    const metrics = new ServiceMetrics();
    const app = createApp({ registry: following.registry, policyFor: defaultPolicy, activations: log, metrics, modelFallback: () => following.follower.fallback });
    const readyz = async () => {
      const res = await app.request('http://localhost/readyz');
      return { status: res.status, body: (await res.json()) as Readiness };
    };
    const metricsText = async () => (await app.request('http://localhost/metrics')).text();
    return { ...following, app, readyz, metricsText };
  }

  it('starts on the previous verified entry, logs it at error level, and shows it in /readyz (200) and /metrics', async () => {
    await log.record({ model: V1, action: 'promote', actor: 'alice' });
    await log.record({ model: V2, action: 'promote', actor: 'bob' });
    tamperOnnx(modelsDir, '2');

    const r = await restart();
    expect(`${r.registry.active.name}/${r.registry.active.version}`).toBe('default/1');
    const errors = logger.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(2);
    expect(errors[0].msg).toMatch(/^activation log entry #2 names default\/2, promote by bob at .*, but this replica cannot serve it: .*model\.onnx: sha256 mismatch/);
    expect(errors[1].msg).toMatch(/^serving default\/1 \(entry #1 of the activation log\) instead of default\/2 \(#2, the latest entry\), which this replica cannot serve: .*sha256 mismatch/);
    expect(errors[1].obj).toMatchObject({ wanted: 'default/2', wantedSeq: 2, serving: 'default/1', servingSeq: 1 });

    const ready = await r.readyz();
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect(ready.body.model).toMatchObject({ name: 'default', version: '1', degraded: true, wanted: 'default/2', wantedSeq: 2, serving: 'default/1', servingSeq: 1 });
    expect(ready.body.model.reason).toMatch(/sha256 mismatch/);
    const metrics = await r.metricsText();
    expect(metrics).toMatch(/^winnow_model_activation_fallback 1$/m);
    expect(metrics).toMatch(/^winnow_model_serving_info\{serving="default\/1",wanted="default\/2"\} 1$/m);

    // It serves: scores come from the verified model.
    const scored = await r.app.request('http://localhost/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: twoAlerts }) });
    expect(scored.status).toBe(200);
    expect(((await scored.json()) as { model: object }).model).toEqual(V1);
    // The log is left alone: it still says what the fleet should serve.
    expect((await log.current())?.model).toEqual(V2);

    // Fixed bundle: the next poll serves it, and the fallback is over.
    await addVersion(modelsDir, '2');
    await r.follower.poll();
    expect(r.registry.active.version).toBe('2');
    expect((await r.readyz()).body.model).toEqual({ name: 'default', version: '2', degraded: false });
    expect(await r.metricsText()).toMatch(/^winnow_model_activation_fallback 0$/m);
    expect(await r.metricsText()).toMatch(/^winnow_model_serving_info\{serving="default\/2",wanted="default\/2"\} 1$/m);
  });

  it('walks back past every entry that does not verify (tampered manifest, missing bundle) to the newest that does', async () => {
    await addVersion(modelsDir, '3');
    await log.record({ model: V1, action: 'promote', actor: 'alice' });
    await log.record({ model: V2, action: 'promote', actor: 'alice' });
    await log.record({ model: V3, action: 'promote', actor: 'alice' });
    await log.record({ model: { name: 'default', version: '9' }, action: 'promote', actor: 'alice' });
    tamperManifest(modelsDir, '3');
    tamperOnnx(modelsDir, '2');

    const r = await restart();
    expect(r.registry.active.version).toBe('1');
    const refused = logger.lines.filter((l) => l.level === 'error' && l.msg.startsWith('activation log entry'));
    expect(refused.map((l) => [l.obj.seq, l.obj.model])).toEqual([[4, 'default/9'], [3, 'default/3'], [2, 'default/2']]);
    expect(refused[1].obj.err).toMatch(/manifest\.json: not valid JSON/);
    const { body } = await r.readyz();
    expect(body.model).toMatchObject({ degraded: true, wanted: 'default/9', wantedSeq: 4, serving: 'default/1', servingSeq: 1 });
    expect(body.model.reason).toMatch(/no bundle default\/9/);
  });

  it('serves the --model default when no entry verifies, and still refuses to start when nothing can be served', async () => {
    await log.record({ model: { name: 'default', version: '7' }, action: 'promote', actor: 'alice' });
    const r = await restart();
    expect(r.registry.active.version).toBe('2');
    expect((await r.readyz()).body.model).toMatchObject({ degraded: true, wanted: 'default/7', serving: 'default/2', servingSeq: null });
    expect(logger.lines.at(-1)?.msg).toMatch(/^serving default\/2 \(the default model, as no entry of the activation log can be served\) instead of default\/7/);

    tamperOnnx(modelsDir, '2');
    await expect(restart()).rejects.toThrow(/^no bundle the activation log names can be served \(default\/7: .*\), nor the default: .*sha256 mismatch.*Fix the bundles in /);
  });

  it('a running replica whose newly activated bundle fails to verify keeps serving, and shows it until the log names a servable model', async () => {
    await log.record({ model: V1, action: 'promote', actor: 'alice' });
    const r = await restart();
    expect((await r.readyz()).body.model).toEqual({ name: 'default', version: '1', degraded: false });
    expect(await r.metricsText()).toMatch(/^winnow_model_activation_fallback 0$/m);

    tamperOnnx(modelsDir, '2');
    await log.record({ model: V2, action: 'promote', actor: 'bob' });
    await r.follower.poll();
    expect(r.registry.active.version).toBe('1');
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual(['cannot activate default/2 (#2 in the activation log); still serving default/1, retrying every 60000 ms']);
    const ready = await r.readyz();
    expect(ready.status).toBe(200);
    expect(ready.body.model).toMatchObject({ degraded: true, wanted: 'default/2', wantedSeq: 2, serving: 'default/1', servingSeq: 1 });
    expect(await r.metricsText()).toMatch(/^winnow_model_serving_info\{serving="default\/1",wanted="default\/2"\} 1$/m);

    // A rollback to what it serves ends the fallback without a reload.
    await log.record({ model: V1, action: 'rollback', actor: 'bob' });
    await r.follower.poll();
    expect((await r.readyz()).body.model).toEqual({ name: 'default', version: '1', degraded: false });
    expect(await r.metricsText()).toMatch(/^winnow_model_activation_fallback 0$/m);
  });

  it('a real `winnow serve` restarted on the tampered entry is ready and shows the fallback', async () => {
    await log.record({ model: V1, action: 'promote', actor: 'alice' });
    await log.record({ model: V2, action: 'promote', actor: 'bob' });
    tamperOnnx(modelsDir, '2');
    const store = target.startsWith('postgres') ? ['--database', target] : ['--data-dir', join(target, '..')];
    const serve = await startServe(['--models', modelsDir, ...store]);
    try {
      const ready = await fetch(`${serve.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as Readiness).model).toMatchObject({ name: 'default', version: '1', degraded: true, wanted: 'default/2', serving: 'default/1' });
      expect(await (await fetch(`${serve.url}/metrics`)).text()).toMatch(/^winnow_model_activation_fallback 1$/m);
      expect(serve.stderr()).toMatch(/"level":50.*serving default\/1 \(entry #1 of the activation log\) instead of default\/2/);
    } finally {
      await serve.stop();
    }
  });
});
