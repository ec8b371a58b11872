/**
 * @module Per-row sample weights: validation, the weights the objective sees, and what they change
 * about quantization and row counting. LightGBM/XGBoost semantics: a row of weight w counts as w
 * rows in gradients, hessians, the base score and the losses, but as one row for minDataInLeaf.
 */

/** Refuse weights a loss cannot use, naming the first bad row (1-based, as in the label check). */
export function checkWeights(weights: Float32Array, numRows: number, what: string): void {
  if (weights.length !== numRows) throw new Error(`${what}: ${weights.length} weights for ${numRows} rows`);
  let total = 0;
  for (let i = 0; i < numRows; i++) {
    const w = weights[i];
    if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`${what} row ${i + 1}: weight must be a finite number >= 0, got ${w}`);
    total += w;
  }
  if (total === 0) throw new Error(`${what}: every weight is 0, so there is nothing to learn or measure`);
}

/** Sample weight × scalePosWeight for positives: the weight each row's gradient carries. */
export function effectiveWeights(labels: Float32Array, sample: Float32Array | undefined, scalePosWeight: number): Float32Array {
  const w = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) w[i] = (sample ? sample[i] : 1) * (labels[i] === 1 ? scalePosWeight : 1);
  return w;
}

/** True when not every row has the same sample weight (absent weights are all 1). */
export function unevenWeights(sample: Float32Array | undefined): boolean {
  if (!sample) return false;
  for (let i = 1; i < sample.length; i++) if (sample[i] !== sample[0]) return true;
  return false;
}

/**
 * The weight that gets the full quantization levels (see quantize.ts `logLossScales`): the largest
 * effective weight among the rows of the smallest positive sample weight. Without sample weights
 * that is the heaviest row, as it always was; with them, the common light rows (weight 1 beside
 * 1/r-weighted below-the-line samples) keep the precision they had unweighted, and heavy rows get
 * proportionally more levels instead of squeezing everyone else's.
 */
export function quantizationUnit(sample: Float32Array | undefined, effective: Float32Array): number {
  let minSample = Infinity;
  if (sample) for (const w of sample) if (w > 0 && w < minSample) minSample = w;
  let unit = 0;
  for (let i = 0; i < effective.length; i++) {
    if ((sample ? sample[i] : 1) === (sample ? minSample : 1) && effective[i] > unit) unit = effective[i];
  }
  return unit;
}
