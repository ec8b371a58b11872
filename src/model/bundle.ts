/** @module Reads and writes model bundle directories (model.onnx, manifest.json, MODEL_CARD.md), refusing any that fail a check. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { featureSpecSchema, specHash } from '../features/spec.ts';
import { BundleError, isNotFound, isTargetTaken } from './bundle-error.ts';
import { BUNDLE_FILES, describeIssues, MANIFEST_FORMAT_VERSION, manifestSchema, SPEC_HASH_MISMATCH } from './manifest.ts';
import type { Manifest, ManifestDraft } from './manifest.ts';
import { renderModelCard } from './model-card.ts';

/** A bundle that passed every check: its manifest and the exact ONNX bytes the manifest vouches for. */
export interface Bundle {
  dir: string;
  manifest: Manifest;
  onnxBytes: Uint8Array;
}

/** Hex sha256 of some bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Validate a parsed manifest.json value, mapping zod issues to a BundleError that names the field. */
export function parseManifest(input: unknown, file: string): Manifest {
  const version = (input as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof input === 'object' && input !== null && version !== undefined && version !== MANIFEST_FORMAT_VERSION) {
    throw new BundleError('unsupported_format', file, `formatVersion ${JSON.stringify(version)} is not supported (this winnow reads ${MANIFEST_FORMAT_VERSION})`);
  }
  const res = manifestSchema.safeParse(input);
  if (res.success) return res.data;
  const hashIssue = res.error.issues.find((i) => i.code === 'custom' && i.params?.reason === SPEC_HASH_MISMATCH);
  if (hashIssue) throw new BundleError('spec_hash_mismatch', file, hashIssue.message);
  throw new BundleError('invalid_manifest', file, `invalid manifest: ${describeIssues(res.error.issues)}`);
}

/**
 * Load a bundle and refuse it unless manifest.json is present and valid, model.onnx is present,
 * its sha256 matches the manifest, and the manifest's specHash matches its feature spec.
 */
export async function readBundle(dir: string): Promise<Bundle> {
  const manifestPath = join(dir, BUNDLE_FILES.manifest);
  const onnxPath = join(dir, BUNDLE_FILES.onnx);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (err) {
    if (isNotFound(err)) throw new BundleError('missing_file', manifestPath, 'missing: not a model bundle, or an incomplete one', { cause: err });
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BundleError('invalid_manifest', manifestPath, `not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const manifest = parseManifest(json, manifestPath);
  let onnxBytes: Uint8Array;
  try {
    onnxBytes = new Uint8Array(await readFile(onnxPath));
  } catch (err) {
    if (isNotFound(err)) throw new BundleError('missing_file', onnxPath, 'missing: the bundle has a manifest but no model', { cause: err });
    throw err;
  }
  const actual = sha256Hex(onnxBytes);
  if (actual !== manifest.onnx.sha256) {
    throw new BundleError(
      'sha256_mismatch',
      onnxPath,
      `sha256 mismatch: manifest.json says ${manifest.onnx.sha256} but the file hashes to ${actual}; it was changed after the bundle was written`,
    );
  }
  return { dir, manifest, onnxBytes };
}

/** What to put in a new bundle; `cardMarkdown` replaces the card rendered from the manifest. */
export interface BundleContents {
  onnxBytes: Uint8Array;
  manifest: ManifestDraft;
  cardMarkdown?: string;
}

/** Complete a draft with the model's hash (and the spec hash if absent), then validate it as a reader would. */
export function completeManifest(draft: ManifestDraft, onnxBytes: Uint8Array, file: string): Manifest {
  const spec = featureSpecSchema.safeParse(draft.featureSpec);
  const full = {
    ...draft,
    formatVersion: MANIFEST_FORMAT_VERSION,
    // A bad spec gets no hash here; validation below then reports the spec itself.
    specHash: draft.specHash ?? (spec.success ? specHash(spec.data) : undefined),
    onnx: { ...draft.onnx, file: BUNDLE_FILES.onnx, sha256: sha256Hex(onnxBytes) },
  };
  return parseManifest(full, file);
}

/** Write a file and flush it to disk, so the rename that publishes the bundle never exposes unwritten data. */
async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flush a directory entry (after a rename); some platforms cannot open directories, which only costs durability. */
async function syncDir(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the rename itself is already atomic.
  }
}

/**
 * Write a bundle into `dir` atomically: files go into a hidden sibling directory that is renamed into
 * place, so a reader sees a whole bundle or none. Refuses an existing non-empty `dir` (bundles are
 * immutable) unless `overwrite` is set. Returns the manifest as written, sha256 included.
 */
export async function writeBundle(dir: string, contents: BundleContents, { overwrite = false }: { overwrite?: boolean } = {}): Promise<Manifest> {
  const manifest = completeManifest(contents.manifest, contents.onnxBytes, join(dir, BUNDLE_FILES.manifest));
  const card = contents.cardMarkdown ?? renderModelCard(manifest);
  const parent = dirname(dir);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(dir)}.tmp-${tag}`);
  await mkdir(parent, { recursive: true });
  await mkdir(tmp);
  try {
    await writeDurably(join(tmp, BUNDLE_FILES.onnx), contents.onnxBytes);
    await writeDurably(join(tmp, BUNDLE_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
    await writeDurably(join(tmp, BUNDLE_FILES.card), card);
    await syncDir(tmp);
    await publish(tmp, dir, overwrite, join(parent, `.${basename(dir)}.old-${tag}`));
    await syncDir(parent);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return manifest;
}

/** Rename the finished temp directory to `dir`; on overwrite, the old bundle is moved aside first, then removed. */
async function publish(tmp: string, dir: string, overwrite: boolean, aside: string): Promise<void> {
  try {
    await rename(tmp, dir);
    return;
  } catch (err) {
    if (!isTargetTaken(err)) throw err;
    if (!overwrite) throw new BundleError('already_exists', dir, 'a bundle already exists here; bundles are immutable (pass overwrite to replace it)', { cause: err });
  }
  // Two renames leave a moment with no bundle at `dir`, but never a partial one.
  await rename(dir, aside);
  try {
    await rename(tmp, dir);
  } catch (err) {
    await rename(aside, dir);
    throw err;
  }
  await rm(aside, { recursive: true, force: true });
}
