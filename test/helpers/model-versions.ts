/** @module A temp models folder holding the default bundle under several versions (same trees, each manifest naming its folder). */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundle, writeBundle } from '../../src/model/index.ts';

const DEFAULT_BUNDLE = new URL('../../models/default/1', import.meta.url).pathname;

/** `models/default/<v>` for every version given; `default/1` is a plain copy of the shipped bundle. */
export async function modelsWithVersions(versions: string[] = ['1', '2']): Promise<string> {
  if (!versions.includes('1')) throw new Error('modelsWithVersions: versions must include "1"');
  const dir = mkdtempSync(join(tmpdir(), 'winnow-models-'));
  cpSync(DEFAULT_BUNDLE, join(dir, 'default', '1'), { recursive: true });
  for (const version of versions) if (version !== '1') await addVersion(dir, version);
  return dir;
}

/** Write `default/<version>` into `modelsDir` (replacing it if present), a valid bundle. */
export async function addVersion(modelsDir: string, version: string): Promise<void> {
  const { manifest, onnxBytes } = await readBundle(DEFAULT_BUNDLE);
  const { onnx, specHash: _s, formatVersion: _f, ...rest } = manifest;
  await writeBundle(join(modelsDir, 'default', version), {
    onnxBytes,
    manifest: { ...rest, version, onnx: { inputName: onnx.inputName, outputNames: onnx.outputNames, opset: onnx.opset } },
  }, { overwrite: true });
}

/** Make `default/<version>` unloadable: its model.onnx no longer matches the manifest's sha256. */
export function breakVersion(modelsDir: string, version: string): void {
  writeFileSync(join(modelsDir, 'default', version, 'model.onnx'), 'not a model');
}
