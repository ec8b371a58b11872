/**
 * @module Leaf-wise growth over per-leaf row lists: exact best-first order, for trees whose leaf
 * budget binds before their depth does (otherwise train.ts uses the faster level-synchronous engine).
 */
import { binTreeLeaf } from './bin-tree.ts';
import type { Booster, EngineInputs } from './booster.ts';
import { type GrowContext, growTree } from './grow.ts';
import { BINS, FEATURE_STRIDE, type HistogramBuilder, packedHistogramSize, serialHistogramBuilder } from './histogram.ts';
import { CHUNK_ROWS } from './levelwise/row-state.ts';
import { clampValue } from './monotone.ts';
import { computeGradients } from './objective.ts';
import { parallelHistogramBuilder } from './parallel/parallel-histogram.ts';
import type { TrainParams } from './params.ts';
import { transposeBins } from './partition.ts';
import { quantizeGradients } from './quantize.ts';
import { sampleRows } from './sampling.ts';
import { leafValue } from './split.ts';

/** Start the engine (workers only when `threads` > 1). */
export async function indexedBooster(inp: EngineInputs, p: TrainParams): Promise<Booster> {
  const { numRows: n, numFeatures: nf, bins, stride } = inp;
  const margins = new Float64Array(n).fill(inp.baseMargin);
  const grad = new Float32Array(n);
  const hess = new Float32Array(n);
  const packed = new Float64Array(new SharedArrayBuffer(8 * n));
  const rowIndex = new Uint32Array(new SharedArrayBuffer(4 * n));
  const inputs = { bins: inp.codes, numColumns: inp.bundles.numColumns, packed, rowIndex, countRows: inp.countRows };
  const histograms: HistogramBuilder = inp.threads > 1 ? await parallelHistogramBuilder(inputs, inp.threads) : serialHistogramBuilder(inputs);
  const ctx: GrowContext = {
    columns: transposeBins(bins, n, nf, stride), rowIndex, scratch: new Uint32Array(n), valueBins: inp.valueBins, bundles: inp.bundles,
    histograms, histPool: [], histSize: packedHistogramSize(inp.bundles.numColumns, inp.countRows), decoded: new Float64Array(nf * FEATURE_STRIDE),
    rowCounts: inp.countRows ? new Float64Array(nf * BINS) : null, monotone: inp.monotone,
  };
  const { scales } = inp;
  return {
    currentMargins: () => margins,
    grow(t, features) {
      computeGradients(margins, inp.labels, inp.weights, grad, hess);
      const m = sampleRows(n, p.subsample, p.seed, t, rowIndex);
      quantizeGradients(grad, hess, rowIndex, m, p.seed, t, scales, packed);
      const { tree, leaves } = growTree(ctx, m, features, scales, p);
      // Splits were chosen on quantized sums; leaf values come from the exact gradients, summed per
      // chunk of row ids and then chunk by chunk, exactly as the level-synchronous engine does.
      for (const leaf of leaves) {
        let g = 0;
        let h = 0;
        let pg = 0;
        let ph = 0;
        let chunk = -1;
        for (let i = leaf.begin; i < leaf.end; i++) {
          const r = rowIndex[i];
          if (Math.floor(r / CHUNK_ROWS) !== chunk) {
            g += pg;
            h += ph;
            pg = ph = 0;
            chunk = Math.floor(r / CHUNK_ROWS);
          }
          pg += grad[r];
          ph += hess[r];
        }
        tree.value[leaf.node] = p.learningRate * clampValue(leafValue(g + pg, h + ph, p.l2), leaf.lower, leaf.upper);
      }
      if (m === n) {
        for (const leaf of leaves) {
          const v = tree.value[leaf.node];
          for (let i = leaf.begin; i < leaf.end; i++) margins[rowIndex[i]] += v;
        }
      } else {
        for (let r = 0; r < n; r++) margins[r] += tree.value[binTreeLeaf(tree, bins, r * stride)];
      }
      return tree;
    },
    close: () => histograms.close(),
  };
}
