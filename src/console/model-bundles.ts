/**
 * @module What the models page reads about bundles: each manifest (not the ONNX file, so listing
 * stays cheap), the key metrics a person compares versions by, and the model card.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BUNDLE_FILES, type Manifest, parseManifest, renderModelCard } from '../model/index.ts';
import { pathSegment } from '../model/manifest.ts';
import type { ModelRegistry } from '../registry/model-registry.ts';
import type { ModelRef } from '../store/activation-log.ts';

/** A model card larger than this is not one winnow wrote: it is not read whole into a page. */
const MAX_CARD_BYTES = 1024 * 1024;

/** `name/version` as a query or form field: two bundle path segments, nothing that could leave the models folder. */
export const modelRefField = z.string().max(201, 'is too long (at most 201 characters)').transform((s, ctx) => {
  const parts = s.split('/');
  const name = pathSegment.max(100).safeParse(parts[0]);
  const version = pathSegment.max(100).safeParse(parts[1]);
  if (parts.length !== 2 || !name.success || !version.success) {
    ctx.addIssue({ code: 'custom', message: `must be <name>/<version>, each letters, digits, ".", "_" or "-" starting with a letter or digit (got ${JSON.stringify(s.slice(0, 60))})` });
    return z.NEVER;
  }
  return { name: name.data, version: version.data };
});

/** One bundle of the models folder, with its manifest or why it could not be read. */
export interface BundleSummary extends ModelRef {
  /** This replica serves it. */
  active: boolean;
  manifest?: Manifest;
  problem?: string;
}

/** Every bundle of the registry's folder with its manifest, in the registry's order. */
export async function bundleSummaries(registry: ModelRegistry): Promise<BundleSummary[]> {
  const bundles = await registry.list();
  return Promise.all(bundles.map(async (b) => {
    try {
      return { ...b, manifest: await readManifest(registry.modelsDir, b) };
    } catch (err) {
      return { ...b, problem: (err as Error).message };
    }
  }));
}

/** A bundle's manifest, checked as every reader checks it (the ONNX file is not read). */
export async function readManifest(modelsDir: string, ref: ModelRef): Promise<Manifest> {
  const file = join(modelsDir, ref.name, ref.version, BUNDLE_FILES.manifest);
  return parseManifest(JSON.parse(await readFile(file, 'utf8')), file);
}

/** The bundle's MODEL_CARD.md, or the card rendered from its manifest when the file is missing or oversized. */
export async function modelCard(modelsDir: string, ref: ModelRef, manifest: Manifest): Promise<{ markdown: string; fromFile: boolean }> {
  try {
    const text = await readFile(join(modelsDir, ref.name, ref.version, BUNDLE_FILES.card), 'utf8');
    if (Buffer.byteLength(text) <= MAX_CARD_BYTES) return { markdown: text, fromFile: true };
  } catch {
    // no card file: fall through to the manifest's
  }
  return { markdown: renderModelCard(manifest), fromFile: false };
}

/** The figures versions are compared by. */
export interface KeyMetrics {
  algo: string;
  trainedAt: string;
  rows: number;
  positives: number;
  /** Which data set the quality figures come from: holdout (time-ordered, preferred) or validation. */
  measuredOn: 'holdout' | 'validation';
  auc: number;
  prAuc: number;
  /** FP reduction at the threshold keeping 95% (99%) of true positives. */
  fpReduction95: number;
  fpReduction99: number;
  threshold95: number;
  specHash: string;
}

export function keyMetrics(m: Manifest): KeyMetrics {
  const measuredOn = m.metrics.holdout ? 'holdout' : 'validation';
  const e = m.metrics.holdout ?? m.metrics.validation;
  return {
    algo: m.provenance ? `imported (${m.provenance.tool})` : m.training.algo ?? 'gbdt',
    trainedAt: m.createdAt, rows: m.training.rows, positives: m.training.positives,
    measuredOn, auc: e.auc, prAuc: e.prAuc, fpReduction95: e.fpReduction95, fpReduction99: e.fpReduction99,
    threshold95: m.thresholds.recall95, specHash: m.specHash,
  };
}
