/** @module The zod schema of a bundle's manifest.json: the single source of truth for its shape and invariants. */
import { z } from 'zod';
import { featureSpecSchema, specHash } from '../features/spec.ts';
import { calibrationSchema } from '../calibration/calibration-schema.ts';
import { resolveMonotone } from '../gbdt/monotone.ts';

/** File names inside a bundle directory. */
export const BUNDLE_FILES = { manifest: 'manifest.json', onnx: 'model.onnx', card: 'MODEL_CARD.md' } as const;

/** The manifest format this code writes and reads; a reader refuses any other. */
export const MANIFEST_FORMAT_VERSION = 1;

/** Marks the zod issue raised when specHash disagrees with the spec, so readers can report it as such. */
export const SPEC_HASH_MISMATCH = 'spec_hash_mismatch';

// Names and versions become directories (models/<name>/<version>), so they must be one safe path segment;
// a leading dot is reserved for the temporary directories writeBundle renames into place.
export const pathSegment = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-", starting with a letter or digit');
const probability = z.number().min(0).max(1);
const count = z.number().int().nonnegative();
const timeRange = z.object({ from: z.string().min(1), to: z.string().min(1) });

/** Sums of sample weights, for data whose rows stand for more than one alert each (see `winnow train --weight`). */
export const weightedTotalsSchema = z.object({ rows: z.number().nonnegative(), positives: z.number().nonnegative() });

/** Recall and FP reduction that one data set gets at a fixed threshold. */
export const outcomeSchema = z.object({ recall: probability, fpReduction: probability });

/** Metrics of the model on one data set (validation or holdout); extra keys are kept for richer reports. */
export const evaluationMetricsSchema = z.looseObject({
  rows: count,
  positives: count,
  auc: probability,
  prAuc: probability,
  brier: probability,
  logLoss: z.number().nonnegative().optional(),
  ece: probability.optional(),
  /** FP reduction at the threshold that keeps 95% recall on THIS data set, and that threshold. */
  fpReduction95: probability,
  threshold95: probability,
  fpReduction99: probability,
  threshold99: probability,
  /** What this data set gets at the manifest's recommended thresholds (the honest out-of-time check). */
  atRecommended: z.object({ recall95: outcomeSchema, recall99: outcomeSchema }).optional(),
  /** Present when every metric above is sample-weighted; `rows` and `positives` stay row counts. */
  weighted: weightedTotalsSchema.optional(),
});

/**
 * Reference distribution of one feature for drift checks: `counts` per bin cut at `edges`
 * (see metrics/psi.ts `histogram` for the convention) plus the missing count. Kept permissive on purpose.
 */
export const referenceHistogramSchema = z.looseObject({
  edges: z.array(z.number()),
  counts: z.array(z.number().nonnegative()),
  missing: z.number().nonnegative().optional(),
});

/** Origin of an imported model: the tool, the exact file (name and sha256) and the file's own format version. */
export const provenanceSchema = z.looseObject({
  tool: z.enum(['xgboost', 'lightgbm', 'onnx']),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  formatVersion: z.string().min(1),
  importedAt: z.iso.datetime({ offset: true }),
});

/** What a network bundle records about its architecture and training run. */
export const networkSummarySchema = z.looseObject({
  algo: z.enum(['mlp', 'logreg']),
  /** Layer widths from the preprocessed input to the single output logit, e.g. [52, 64, 32, 1]. */
  layers: z.array(count).min(2),
  /** Trainable weights and biases. */
  weights: count,
  standardised: count,
  oneHotColumns: count,
  missingIndicators: count,
  epochsRun: count,
  bestEpoch: count,
  backend: z.string().min(1),
});

const manifestObjectSchema = z.object({
  formatVersion: z.literal(MANIFEST_FORMAT_VERSION),
  name: pathSegment,
  version: pathSegment,
  createdAt: z.iso.datetime({ offset: true }),
  featureSpec: featureSpecSchema,
  /** Must equal `specHash(featureSpec)`: a hand-edited spec cannot pass for the one the model was trained on. */
  specHash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" followed by 64 hex digits'),
  onnx: z.object({
    file: z.literal(BUNDLE_FILES.onnx),
    /** Hex sha256 of model.onnx, checked on every read. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
    inputName: z.string().min(1),
    outputNames: z.object({ probabilities: z.string().min(1), label: z.string().min(1) }),
    /** Opset per domain, as in the graph's opset_import; TreeEnsembleClassifier needs ai.onnx.ml, a network (standard ops) does not. */
    opset: z.object({ 'ai.onnx': z.number().int().positive(), 'ai.onnx.ml': z.number().int().positive().optional() }).catchall(z.number().int().positive()),
  }),
  training: z.looseObject({
    rows: count,
    positives: count,
    baseRate: probability,
    /** File name (not path) of the training data. */
    source: z.string().min(1),
    timeColumn: z.string().min(1).optional(),
    /** Column of per-row sample weights the model was trained and measured with; absent = unweighted. */
    weightColumn: z.string().min(1).optional(),
    /** Weighted totals of the training rows, with `weightColumn`. */
    weighted: weightedTotalsSchema.optional(),
    trainRange: timeRange.optional(),
    validRange: timeRange.optional(),
    holdoutRange: timeRange.optional(),
    /** Model family (`winnow train --algo`); absent = gbdt, as in every bundle written before networks existed. */
    algo: z.enum(['gbdt', 'mlp', 'logreg']).optional(),
  }),
  parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  metrics: z.object({ validation: evaluationMetricsSchema, holdout: evaluationMetricsSchema.optional() }),
  /** Recommended score thresholds: closing alerts below `recall95` kept 95% of true positives on validation. */
  thresholds: z.object({ recall95: probability, recall99: probability }),
  /** Shape of a tree model; exactly one of `trees` and `network` is present. */
  trees: z.object({ count, maxDepth: count, leaves: count }).optional(),
  /** Shape of a dense network (`--algo mlp|logreg`) and the preprocessing folded into its ONNX graph. */
  network: networkSummarySchema.optional(),
  reference: z.record(z.string(), referenceHistogramSchema).optional(),
  /** Holdout performance per rule family (rule_id prefix), when the data has a rule_id column; see family-metrics.ts. */
  holdoutByRuleFamily: z.array(z.looseObject({ family: z.string().min(1), rows: count, positives: count })).optional(),
  /** Reference distribution of the (calibrated) score, for drift checks; see src/drift. */
  scoreReference: referenceHistogramSchema.optional(),
  /** Map applied to ONNX Runtime's probability before anything reads it; absent = scores are used as ONNX gives them. */
  calibration: calibrationSchema.optional(),
  /** Where a model made by another tool came from (`winnow import`); absent for models winnow trained. */
  provenance: provenanceSchema.optional(),
});

/** Schema of manifest.json, with the cross-field checks (spec hash, threshold order, counts, reference names). */
export const manifestSchema = manifestObjectSchema.superRefine((m, ctx) => {
  const actual = specHash(m.featureSpec);
  if (m.specHash !== actual) {
    ctx.addIssue({
      code: 'custom',
      path: ['specHash'],
      message: `spec hash mismatch: manifest says ${m.specHash} but its featureSpec hashes to ${actual}`,
      params: { reason: SPEC_HASH_MISMATCH },
    });
  }
  // Keeping 99% of true positives can never need a higher threshold than keeping 95%.
  if (m.thresholds.recall99 > m.thresholds.recall95) {
    ctx.addIssue({ code: 'custom', path: ['thresholds', 'recall99'], message: `recall99 threshold ${m.thresholds.recall99} is above recall95 threshold ${m.thresholds.recall95}` });
  }
  if ((m.trees === undefined) === (m.network === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['trees'], message: 'a manifest describes exactly one model: give either trees or network' });
  }
  if (m.trees && m.onnx.opset['ai.onnx.ml'] === undefined) {
    ctx.addIssue({ code: 'custom', path: ['onnx', 'opset', 'ai.onnx.ml'], message: 'a tree model (TreeEnsembleClassifier) needs the ai.onnx.ml opset' });
  }
  if (m.training.positives > m.training.rows) {
    ctx.addIssue({ code: 'custom', path: ['training', 'positives'], message: `${m.training.positives} positives exceed ${m.training.rows} rows` });
  }
  const names = new Set(m.featureSpec.features.map((f) => f.name));
  for (const key of Object.keys(m.reference ?? {})) {
    if (!names.has(key)) ctx.addIssue({ code: 'custom', path: ['reference', key], message: `reference for '${key}', which is not a feature of the spec` });
  }
  // Monotone constraints (GBDT `monotone` parameter) must name features of this spec that can be monotone.
  const monotone = m.parameters.monotone;
  if (monotone !== undefined) {
    try {
      if (typeof monotone !== 'string') throw new Error(`must be a string like 'amount_usd:+1', got ${JSON.stringify(monotone)}`);
      resolveMonotone(monotone, m.featureSpec.features);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['parameters', 'monotone'], message: (err as Error).message.replace(/^training parameter monotone: /, '') });
    }
  }
});

/** A validated manifest. */
export type Manifest = z.infer<typeof manifestSchema>;
/** Metrics of the model on one data set, as stored in the manifest. */
export type EvaluationMetrics = z.infer<typeof evaluationMetricsSchema>;
/** Sums of sample weights over rows and positives. */
export type WeightedTotals = z.infer<typeof weightedTotalsSchema>;
/** One feature's reference histogram. */
export type ReferenceHistogram = z.infer<typeof referenceHistogramSchema>;

type ManifestInput = z.input<typeof manifestSchema>;

/**
 * What `writeBundle` takes: a manifest before model.onnx is hashed. `specHash` may be left out
 * (it is computed from the spec), and `formatVersion` and `onnx.file` have their only possible values.
 */
export type ManifestDraft = Omit<ManifestInput, 'formatVersion' | 'specHash' | 'onnx'> & {
  formatVersion?: typeof MANIFEST_FORMAT_VERSION;
  specHash?: string;
  onnx: Omit<ManifestInput['onnx'], 'file' | 'sha256'> & { file?: typeof BUNDLE_FILES.onnx };
};

/** First zod issue as `path: message` (root for an empty path), plus how many more there are. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const first = issues[0];
  const where = first.path.length > 0 ? first.path.join('.') : '(root)';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
  return `${where}: ${first.message}${more}`;
}

/** Why a bundle has no reason codes (TreeSHAP needs trees), or undefined for a tree model. */
export function whyNoTrees(m: Pick<Manifest, 'name' | 'version' | 'network'>): string | undefined {
  if (!m.network) return undefined;
  return `reason codes need a tree model: ${m.name}/${m.version} is ${m.network.algo === 'mlp' ? 'an MLP' : 'a logistic regression'} (--algo ${m.network.algo}), and TreeSHAP reads trees`;
}
