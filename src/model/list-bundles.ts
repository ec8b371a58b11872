/** @module Finds the bundles under a models/ directory (the repository side of the registry). */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleError, isNotFound } from './bundle-error.ts';
import { BUNDLE_FILES } from './manifest.ts';

/** Where a bundle lives: `models/<name>/<version>/`. Finding it says nothing about its validity; readBundle checks. */
export interface BundleRef {
  name: string;
  version: string;
  dir: string;
}

// Numeric-aware so version 10 sorts after 9; the plain comparison breaks ties like "1.01" vs "1.1" deterministically.
const collator = new Intl.Collator('en', { numeric: true });
const byNatural = (a: string, b: string): number => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/** Subdirectory names, skipping hidden ones (writeBundle's temporary directories start with a dot). */
async function subdirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * Every `<name>/<version>` directory under `modelsDir` holding a manifest.json, sorted by name then
 * version (numeric-aware). Throws a BundleError when `modelsDir` itself does not exist.
 */
export async function listBundles(modelsDir: string): Promise<BundleRef[]> {
  let names: string[];
  try {
    names = await subdirs(modelsDir);
  } catch (err) {
    if (isNotFound(err)) throw new BundleError('missing_file', modelsDir, 'models directory does not exist', { cause: err });
    throw err;
  }
  const found: BundleRef[] = [];
  for (const name of names.sort(byNatural)) {
    const versions = (await subdirs(join(modelsDir, name))).sort(byNatural);
    for (const version of versions) {
      const dir = join(modelsDir, name, version);
      if (await isFile(join(dir, BUNDLE_FILES.manifest))) found.push({ name, version, dir });
    }
  }
  return found;
}
