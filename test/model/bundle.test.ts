/** @module writeBundle/readBundle: round trip, atomic writes, and refusal of tampered, edited or incomplete bundles. */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specHash } from '../../src/features/spec.ts';
import { readBundle, sha256Hex, writeBundle } from '../../src/model/index.ts';
import { fakeOnnx, sampleDraft, sampleSpec, tempDir } from './fixtures.ts';

async function written(): Promise<string> {
  const dir = join(await tempDir(), 'models', 'aml-default', '3');
  await writeBundle(dir, { onnxBytes: fakeOnnx(), manifest: sampleDraft() });
  return dir;
}

async function editManifest(dir: string, edit: (m: Record<string, any>) => void): Promise<void> {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(await readFile(path, 'utf8'));
  edit(m);
  await writeFile(path, JSON.stringify(m));
}

describe('writeBundle and readBundle', () => {
  it('round-trips the manifest and the exact ONNX bytes', async () => {
    const dir = join(await tempDir(), 'aml-default', '3');
    const manifest = await writeBundle(dir, { onnxBytes: fakeOnnx(), manifest: sampleDraft() });
    expect(manifest.onnx).toMatchObject({ file: 'model.onnx', sha256: sha256Hex(fakeOnnx()) });
    expect(manifest.specHash).toBe(specHash(sampleSpec()));
    const bundle = await readBundle(dir);
    expect(bundle.dir).toBe(dir);
    expect(bundle.manifest).toEqual(manifest);
    expect(bundle.onnxBytes).toEqual(fakeOnnx());
    expect((await readdir(dir)).sort()).toEqual(['MODEL_CARD.md', 'manifest.json', 'model.onnx']);
  });

  it('writes pretty JSON, a model card rendered from the manifest, and leaves no temp directory', async () => {
    const dir = await written();
    expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toMatch(/^\{\n {2}"formatVersion": 1,\n {2}"name": "aml-default",/);
    expect(await readFile(join(dir, 'MODEL_CARD.md'), 'utf8')).toMatch(/^# Model card: aml-default 3\n/);
    expect(await readdir(join(dir, '..'))).toEqual(['3']);
  });

  it('uses a given card instead of rendering one', async () => {
    const dir = join(await tempDir(), 'm', '1');
    await writeBundle(dir, { onnxBytes: fakeOnnx(), manifest: sampleDraft(), cardMarkdown: '# custom\n' });
    expect(await readFile(join(dir, 'MODEL_CARD.md'), 'utf8')).toBe('# custom\n');
  });

  it('refuses to overwrite an existing bundle unless asked, and then replaces it whole', async () => {
    const dir = await written();
    const other = Uint8Array.from([1, 2, 3]);
    await expect(writeBundle(dir, { onnxBytes: other, manifest: sampleDraft() })).rejects.toMatchObject({
      name: 'BundleError',
      code: 'already_exists',
      message: `${dir}: a bundle already exists here; bundles are immutable (pass overwrite to replace it)`,
    });
    expect((await readBundle(dir)).onnxBytes).toEqual(fakeOnnx());
    await writeBundle(dir, { onnxBytes: other, manifest: sampleDraft() }, { overwrite: true });
    expect((await readBundle(dir)).onnxBytes).toEqual(other);
    expect(await readdir(join(dir, '..'))).toEqual(['3']);
  });

  it('writes nothing when the manifest is invalid', async () => {
    const root = await tempDir();
    const draft = { ...sampleDraft(), thresholds: { recall95: 0.01, recall99: 1.5 } };
    await expect(writeBundle(join(root, 'm', '1'), { onnxBytes: fakeOnnx(), manifest: draft })).rejects.toMatchObject({
      name: 'BundleError',
      code: 'invalid_manifest',
      message: expect.stringContaining('thresholds.recall99: Too big: expected number to be <=1'),
    });
    expect(await readdir(root)).toEqual([]);
  });

  it('refuses a draft whose given specHash does not match its spec', async () => {
    const draft = { ...sampleDraft(), specHash: 'sha256:' + '0'.repeat(64) };
    await expect(writeBundle(join(await tempDir(), 'm', '1'), { onnxBytes: fakeOnnx(), manifest: draft })).rejects.toMatchObject({
      code: 'spec_hash_mismatch',
    });
  });
});

describe('readBundle refuses', () => {
  it('a tampered model.onnx (one flipped byte), naming the sha256 mismatch', async () => {
    const dir = await written();
    const bytes = fakeOnnx();
    bytes[100] ^= 0x01;
    await writeFile(join(dir, 'model.onnx'), bytes);
    await expect(readBundle(dir)).rejects.toMatchObject({
      name: 'BundleError',
      code: 'sha256_mismatch',
      path: join(dir, 'model.onnx'),
      message: `${join(dir, 'model.onnx')}: sha256 mismatch: manifest.json says ${sha256Hex(fakeOnnx())} but the file hashes to ${sha256Hex(bytes)}; it was changed after the bundle was written`,
    });
  });

  it('a manifest whose feature spec was edited after training', async () => {
    const dir = await written();
    await editManifest(dir, (m) => {
      m.featureSpec.features[0].source = 'amountUsd';
    });
    await expect(readBundle(dir)).rejects.toMatchObject({
      name: 'BundleError',
      code: 'spec_hash_mismatch',
      message: expect.stringMatching(/manifest\.json: spec hash mismatch: manifest says sha256:[0-9a-f]{64} but its featureSpec hashes to sha256:/),
    });
  });

  it('a missing manifest.json or model.onnx, and a missing directory', async () => {
    const dir = await written();
    await rm(join(dir, 'model.onnx'));
    await expect(readBundle(dir)).rejects.toMatchObject({
      code: 'missing_file',
      message: `${join(dir, 'model.onnx')}: missing: the bundle has a manifest but no model`,
    });
    await rm(join(dir, 'manifest.json'));
    await expect(readBundle(dir)).rejects.toMatchObject({
      name: 'BundleError',
      code: 'missing_file',
      message: `${join(dir, 'manifest.json')}: missing: not a model bundle, or an incomplete one`,
    });
    await expect(readBundle(join(dir, 'nope'))).rejects.toMatchObject({ code: 'missing_file' });
  });

  it('an invalid manifest, naming the zod path', async () => {
    const dir = await written();
    await editManifest(dir, (m) => {
      m.featureSpec.features[1].kind = 'text';
    });
    await expect(readBundle(dir)).rejects.toMatchObject({
      name: 'BundleError',
      code: 'invalid_manifest',
      message: expect.stringContaining(`${join(dir, 'manifest.json')}: invalid manifest: featureSpec.features.1.kind: Invalid option`),
    });
  });

  it('a manifest with a missing field or a malformed hash', async () => {
    const dir = await written();
    await editManifest(dir, (m) => {
      delete m.onnx.inputName;
    });
    await expect(readBundle(dir)).rejects.toThrow(/invalid manifest: onnx\.inputName: Invalid input: expected string, received undefined$/);
    await editManifest(dir, (m) => {
      m.onnx.inputName = 'features';
      m.onnx.sha256 = 'ABC';
    });
    await expect(readBundle(dir)).rejects.toThrow('invalid manifest: onnx.sha256: must be 64 lowercase hex digits');
  });

  it('a manifest that is not JSON or has another format version', async () => {
    const dir = await written();
    await editManifest(dir, (m) => {
      m.formatVersion = 2;
    });
    await expect(readBundle(dir)).rejects.toMatchObject({
      code: 'unsupported_format',
      message: `${join(dir, 'manifest.json')}: formatVersion 2 is not supported (this winnow reads 1)`,
    });
    await writeFile(join(dir, 'manifest.json'), '{"formatVersion": 1,');
    await expect(readBundle(dir)).rejects.toMatchObject({ code: 'invalid_manifest', message: expect.stringContaining('manifest.json: not valid JSON: ') });
  });
});
