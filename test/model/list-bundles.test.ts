/** @module listBundles: finds <name>/<version> bundles under models/, in a stable natural order. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBundles, writeBundle } from '../../src/model/index.ts';
import { fakeOnnx, sampleDraft, tempDir } from './fixtures.ts';

describe('listBundles', () => {
  it('lists bundles sorted by name, then numeric-aware version, skipping hidden and manifest-less directories', async () => {
    const models = join(await tempDir(), 'models');
    for (const [name, version] of [['fraud', '1'], ['aml', '10'], ['aml', '2'], ['aml', '1.0.0']]) {
      await writeBundle(join(models, name, version), { onnxBytes: fakeOnnx(), manifest: { ...sampleDraft(), name, version } });
    }
    await mkdir(join(models, 'aml', '.11.tmp-123-abcd'), { recursive: true });
    await writeFile(join(models, 'aml', '.11.tmp-123-abcd', 'manifest.json'), '{}');
    await mkdir(join(models, 'aml', '12'), { recursive: true });
    await writeFile(join(models, 'README.md'), 'not a bundle');
    expect(await listBundles(models)).toEqual([
      { name: 'aml', version: '1.0.0', dir: join(models, 'aml', '1.0.0') },
      { name: 'aml', version: '2', dir: join(models, 'aml', '2') },
      { name: 'aml', version: '10', dir: join(models, 'aml', '10') },
      { name: 'fraud', version: '1', dir: join(models, 'fraud', '1') },
    ]);
  });

  it('returns nothing for an empty models directory', async () => {
    expect(await listBundles(await tempDir())).toEqual([]);
  });

  it('refuses a models directory that does not exist', async () => {
    const missing = join(await tempDir(), 'nope');
    await expect(listBundles(missing)).rejects.toMatchObject({
      name: 'BundleError',
      code: 'missing_file',
      message: `${missing}: models directory does not exist`,
    });
  });
});
