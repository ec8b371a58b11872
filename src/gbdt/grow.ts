/** @module Leaf-wise tree growth: split the leaf with the largest gain until a limit says stop. */
import { addLeaf, emptyBinTree, type BinTree } from './bin-tree.ts';
import type { FeatureBundles } from './bundling.ts';
import { decodeHistogram, decodeRowCounts, type HistogramBuilder, subtractHistogram } from './histogram.ts';
import { childBounds } from './monotone.ts';
import type { TrainParams } from './params.ts';
import { partitionRows } from './partition.ts';
import type { GradientScales } from './quantize.ts';
import { findBestSplit, histogramTotals, type Split } from './split.ts';

/** A leaf of the tree being grown: its rows are `rowIndex[begin..end)`. */
interface Leaf {
  node: number;
  begin: number;
  end: number;
  depth: number;
  sumG: number;
  sumH: number;
  /** Bounds on the leaf's value (monotone constraints; ±Infinity without). */
  lower: number;
  upper: number;
  /** Packed histogram, kept only while the leaf may still be split. */
  hist: Float64Array | null;
  best: Split | null;
}

/** Everything growth needs besides parameters; buffers are reused across trees. */
export interface GrowContext {
  /** Bins column-major, for partitioning (histograms read the row-major copy through the builder). */
  columns: Uint8Array[];
  rowIndex: Uint32Array;
  scratch: Uint32Array;
  valueBins: Int32Array;
  bundles: FeatureBundles;
  histograms: HistogramBuilder;
  histPool: Float64Array[];
  histSize: number;
  /** Scratch for the dequantized histogram of the leaf under evaluation. */
  decoded: Float64Array;
  /** Scratch for its rows per bin, when histograms count rows (see `packedHistogramSize`); else null. */
  rowCounts: Float64Array | null;
  /** Monotone direction per feature (see monotone.ts), or null when nothing is constrained. */
  monotone: Int8Array | null;
}

/** A grown tree (leaf values not yet set) plus the row segment of each leaf. */
export interface GrownTree {
  tree: BinTree;
  /** `lower`/`upper` bound the leaf's value (before the learning rate) under monotone constraints. */
  leaves: { node: number; begin: number; end: number; lower: number; upper: number }[];
}

type GrowParams = Pick<TrainParams, 'maxLeaves' | 'maxDepth' | 'l2' | 'minChildWeight' | 'minDataInLeaf' | 'minSplitGain'>;

/** Grow one tree over rows `rowIndex[0..numRows)` using only `features` for splits. */
export function growTree(ctx: GrowContext, numRows: number, features: Int32Array, scales: GradientScales, p: GrowParams): GrownTree {
  const tree = emptyBinTree();
  const takeHist = () => ctx.histPool.pop() ?? new Float64Array(ctx.histSize);
  const canSplit = (depth: number, rows: number, leafCount: number) =>
    (p.maxDepth === 0 || depth < p.maxDepth) && leafCount < p.maxLeaves && rows >= 2 * p.minDataInLeaf;
  const evaluate = (leaf: Leaf) => {
    decodeHistogram(leaf.hist!, ctx.valueBins, ctx.bundles, scales, ctx.decoded);
    if (ctx.rowCounts) decodeRowCounts(leaf.hist!, ctx.valueBins, ctx.bundles, ctx.rowCounts);
    const stats = { sumG: leaf.sumG, sumH: leaf.sumH, count: leaf.end - leaf.begin };
    const constraints = ctx.monotone ? { direction: ctx.monotone, lower: leaf.lower, upper: leaf.upper } : undefined;
    leaf.best = findBestSplit(ctx.decoded, features, ctx.valueBins, stats, p, ctx.rowCounts ?? undefined, constraints);
  };

  const rootHist = takeHist();
  ctx.histograms.build(0, numRows, rootHist);
  decodeHistogram(rootHist, ctx.valueBins, ctx.bundles, scales, ctx.decoded);
  const totals = histogramTotals(ctx.decoded, ctx.valueBins[0]);
  const root: Leaf = { node: addLeaf(tree, 0, numRows), begin: 0, end: numRows, depth: 0, ...totals, lower: -Infinity, upper: Infinity, hist: rootHist, best: null };
  if (canSplit(0, numRows, 1)) evaluate(root);
  const leaves: Leaf[] = [root];

  while (leaves.length < p.maxLeaves) {
    let pick = -1;
    for (let i = 0; i < leaves.length; i++) {
      const b = leaves[i].best;
      if (b && (pick < 0 || b.gain > leaves[pick].best!.gain)) pick = i;
    }
    if (pick < 0) break;
    const parent = leaves[pick];
    const s = parent.best!;
    const mid = partitionRows(ctx.rowIndex, parent.begin, parent.end, ctx.columns[s.feature], s.bin, s.missingLeft, ctx.scratch);
    const depth = parent.depth + 1;
    const [lb, rb] = childBounds(parent, s.leftG, s.leftH, ctx.monotone ? ctx.monotone[s.feature] : 0, p.l2);
    const left: Leaf = { node: addLeaf(tree, 0, mid - parent.begin), begin: parent.begin, end: mid, depth, sumG: s.leftG, sumH: s.leftH, ...lb, hist: null, best: null };
    const right: Leaf = { node: addLeaf(tree, 0, parent.end - mid), begin: mid, end: parent.end, depth, sumG: parent.sumG - s.leftG, sumH: parent.sumH - s.leftH, ...rb, hist: null, best: null };
    tree.feature[parent.node] = s.feature;
    tree.bin[parent.node] = s.bin;
    tree.missingLeft[parent.node] = s.missingLeft;
    tree.left[parent.node] = left.node;
    tree.right[parent.node] = right.node;
    leaves.splice(pick, 1, left, right);

    // Children that can never split need no histogram: that skips the whole last level.
    const wantLeft = canSplit(depth, left.end - left.begin, leaves.length);
    const wantRight = canSplit(depth, right.end - right.begin, leaves.length);
    const parentHist = parent.hist!;
    parent.hist = null;
    if (wantLeft || wantRight) {
      // Build the smaller child; the larger is parent minus smaller, reusing the parent's buffer.
      const [small, large] = left.end - left.begin <= right.end - right.begin ? [left, right] : [right, left];
      small.hist = takeHist();
      ctx.histograms.build(small.begin, small.end, small.hist);
      subtractHistogram(parentHist, small.hist);
      large.hist = parentHist;
      for (const child of [left, right]) {
        if (child === left ? wantLeft : wantRight) evaluate(child);
        if (!child.best) {
          ctx.histPool.push(child.hist!);
          child.hist = null;
        }
      }
    } else {
      ctx.histPool.push(parentHist);
    }
  }

  for (const leaf of leaves) if (leaf.hist) ctx.histPool.push(leaf.hist);
  return { tree, leaves: leaves.map(({ node, begin, end, lower, upper }) => ({ node, begin, end, lower, upper })) };
}
