/** @module features: the feature spec, the one encoder every path uses, and spec inference from data. */
export { featureKindSchema, featureSchema, featureSpecSchema, parseFeatureSpec, specHash } from './spec.ts';
export type { AttributeValue, Feature, FeatureKind, FeatureSpec } from './spec.ts';
export { FeatureError, encodeColumns, encodeLayered, encodeRecord, layeredValue } from './encode.ts';
export type { ColumnTable, FeatureErrorDetails } from './encode.ts';
export { inferFeatureSpec } from './infer.ts';
export type { InferOptions } from './infer.ts';
