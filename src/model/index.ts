/** @module Public surface of the model-bundle package: manifest schema, bundle I/O, model card and evaluation summary. */
export { BundleError, type BundleErrorCode } from './bundle-error.ts';
export { readBundle, writeBundle, parseManifest, completeManifest, sha256Hex, type Bundle, type BundleContents } from './bundle.ts';
export { listBundles, type BundleRef } from './list-bundles.ts';
export {
  manifestSchema,
  evaluationMetricsSchema,
  referenceHistogramSchema,
  outcomeSchema,
  weightedTotalsSchema,
  describeIssues,
  whyNoTrees,
  BUNDLE_FILES,
  MANIFEST_FORMAT_VERSION,
  SPEC_HASH_MISMATCH,
  type Manifest,
  type ManifestDraft,
  type EvaluationMetrics,
  type ReferenceHistogram,
  type WeightedTotals,
} from './manifest.ts';
export { renderModelCard } from './model-card.ts';
export { evaluationMetrics, metricsFromEvaluation, recommendThresholds, weightedTotals, type RecommendedThresholds } from './evaluation.ts';
