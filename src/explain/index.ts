/** @module explain: reason codes from exact path-dependent TreeSHAP over a served tree ensemble. */
export { TreeExplainer } from './tree-shap.ts';
export { coverFromData, coverProblem } from './cover.ts';
export { MAX_REASON_CODES, reasonLabel, topFeatures, topReasons } from './reason-codes.ts';
export type { ReasonCode } from './reason-codes.ts';
