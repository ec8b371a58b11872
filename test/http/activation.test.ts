import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { readBundle, writeBundle } from '../../src/model/index.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { defaultPolicy, tempModels, twoAlerts } from './helpers.ts';

/** A models folder with default/1 and a second version (same trees, its own manifest). */
async function twoVersions(): Promise<string> {
  const dir = tempModels();
  const { manifest, onnxBytes } = await readBundle(join(dir, 'default', '1'));
  const { onnx, specHash: _s, formatVersion: _f, ...rest } = manifest;
  await writeBundle(join(dir, 'default', '2'), { onnxBytes, manifest: { ...rest, version: '2', onnx: { inputName: onnx.inputName, outputNames: onnx.outputNames, opset: onnx.opset } } });
  return dir;
}

describe('activating another bundle', () => {
  it('swaps under concurrent requests: every request is answered, by the old model or the new one', async () => {
    const registry = await ModelRegistry.open(await twoVersions(), 'default/1');
    const app = createApp({ registry, policyFor: defaultPolicy });
    const score = () => app.request('http://localhost/v1/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: twoAlerts }) });
    const before = Array.from({ length: 20 }, score);
    const activation = app.request('http://localhost/v1/models/default/2/activate', { method: 'POST', headers: { 'content-type': 'application/json' } });
    const during = Array.from({ length: 20 }, score);
    const responses = await Promise.all([...before, ...during]);
    expect((await activation).status).toBe(200);
    const versions = await Promise.all(responses.map(async (r) => {
      expect(r.status).toBe(200);
      const body = (await r.json()) as { model: { version: string }; results: { score: number | null; degraded: boolean }[] };
      for (const res of body.results) expect(res).toMatchObject({ degraded: false });
      return body.model.version;
    }));
    for (const v of versions) expect(['1', '2']).toContain(v);
    const after = (await (await score()).json()) as { model: { version: string } };
    expect(after.model.version).toBe('2');
    const listed = (await (await app.request('http://localhost/v1/models')).json()) as { models: { version: string; active: boolean }[] };
    expect(listed.models.find((m) => m.active)?.version).toBe('2');
    await registry.close();
  });

  it('keeps serving the old model when the new bundle is broken', async () => {
    const dir = await twoVersions();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'default', '2', 'model.onnx'), 'not a model');
    const registry = await ModelRegistry.open(dir, 'default/1');
    const app = createApp({ registry, policyFor: defaultPolicy });
    const res = await app.request('http://localhost/v1/models/default/2/activate', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/sha256 mismatch/);
    expect(registry.active.version).toBe('1');
    await registry.close();
  });
});
