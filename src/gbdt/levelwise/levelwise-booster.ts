/**
 * @module Level-synchronous growth for depth-bound trees (maxLeaves ≥ 2^maxDepth, where leaf-wise
 * and depth-wise growth make the same tree). Each level is ONE pass over all rows in memory order
 * that routes every row to its child and builds the smaller child's histogram of each split, split
 * across threads by row range. Scattered per-leaf row lists, and their cache misses, never appear.
 */
import { addLeaf, type BinTree, emptyBinTree } from '../bin-tree.ts';
import type { Booster, EngineInputs } from '../booster.ts';
import type { FeatureBundles } from '../bundling.ts';
import { BINS, decodeHistogram, decodeRowCounts, FEATURE_STRIDE, subtractHistogram } from '../histogram.ts';
import { childBounds, clampValue } from '../monotone.ts';
import type { TrainParams } from '../params.ts';
import { findBestSplit, histogramTotals, leafValue, type Split } from '../split.ts';
import { type PassRunner, startPassRunner } from './pass-runner.ts';
import { PassKind } from './passes.ts';
import { allocateRowState, CHUNK_ROWS, Plan, PLAN_FIELDS, Scalar } from './row-state.ts';

/** Deepest tree this engine grows: node ids must fit in 15 bits and slots stay a few MB. */
export const LEVELWISE_MAX_DEPTH = 12;

interface Leaf {
  node: number;
  depth: number;
  count: number;
  sumG: number;
  sumH: number;
  /** Bounds on the leaf's value (monotone constraints; ±Infinity without). */
  lower: number;
  upper: number;
  hist: Float64Array | null;
  best: Split | null;
}

/** Start the engine: copies inputs into shared memory, starts workers and computes the first gradients. */
export async function levelwiseBooster(inp: EngineInputs, p: TrainParams): Promise<Booster> {
  const { numRows: n, numFeatures: nf, valueBins } = inp;
  const maxNodes = 2 ** (p.maxDepth + 1);
  if (!(inp.codes.buffer instanceof SharedArrayBuffer) || inp.codes.byteOffset !== 0) throw new Error('levelwise engine needs the bundle codes in their own SharedArrayBuffer');
  const buffers = allocateRowState(n, nf, inp.bundles.numColumns, inp.codes.buffer, maxNodes, 2 ** Math.max(0, p.maxDepth - 1), inp.countRows);
  const runner = await startPassRunner(buffers, inp.threads);
  const s = runner.state;
  const { bundles } = inp;
  for (let f = 0; f < nf; f++) {
    for (let code = 0; code < 256; code++) s.digits[f * 256 + code] = Math.floor(code / bundles.multiplier[f]) % bundles.size[f];
  }
  s.labels.set(inp.labels);
  s.weights.set(inp.weights);
  s.margins.fill(inp.baseMargin);
  s.plan.fill(-1);
  s.scalars[Scalar.bagRate] = p.subsample;
  s.scalars[Scalar.seed] = p.seed;
  s.scalars[Scalar.applyLeaves] = 0;
  const { scales } = inp;
  s.scalars[Scalar.gradScale] = scales.grad;
  s.scalars[Scalar.hessScale] = scales.hess;
  const pool: Float64Array[] = [];
  const take = () => pool.pop() ?? new Float64Array(s.histSize);
  const decoded = new Float64Array(nf * FEATURE_STRIDE);
  const rowCounts = inp.countRows ? new Float64Array(nf * BINS) : undefined;
  const chunks = Math.ceil(n / CHUNK_ROWS);
  const { monotone } = inp;

  return {
    currentMargins() {
      // The last tree's leaves are normally added by the next tree's first pass; add them now.
      if (s.scalars[Scalar.applyLeaves] === 1) {
        runner.run(PassKind.apply);
        s.scalars[Scalar.applyLeaves] = 0;
      }
      return s.margins;
    },
    grow(t, features) {
      s.scalars[Scalar.tree] = t;
      runner.run(PassKind.gradients);
      runner.run(PassKind.root);
      s.scalars[Scalar.applyLeaves] = 1;
      const rootHist = take();
      mergeSlot(runner, 0, rootHist);
      const count = sum(runner, (l) => l.counts[0]);
      const tree = emptyBinTree();
      const canSplit = (depth: number, rows: number) => (p.maxDepth === 0 || depth < p.maxDepth) && rows >= 2 * p.minDataInLeaf;
      const evaluate = (leaf: Leaf) => {
        decodeHistogram(leaf.hist!, valueBins, inp.bundles, scales, decoded);
        if (rowCounts) decodeRowCounts(leaf.hist!, valueBins, inp.bundles, rowCounts);
        const constraints = monotone ? { direction: monotone, lower: leaf.lower, upper: leaf.upper } : undefined;
        leaf.best = findBestSplit(decoded, features, valueBins, { sumG: leaf.sumG, sumH: leaf.sumH, count: leaf.count }, p, rowCounts, constraints);
      };
      decodeHistogram(rootHist, valueBins, inp.bundles, scales, decoded);
      const root: Leaf = { node: addLeaf(tree, 0, count), depth: 0, count, ...histogramTotals(decoded, valueBins[0]), lower: -Infinity, upper: Infinity, hist: rootHist, best: null };
      if (canSplit(0, count)) evaluate(root);
      const leaves: Leaf[] = [root];
      let frontier = root.best ? [root] : [];
      if (!root.best) pool.push(rootHist);

      while (frontier.length > 0) {
        const pairs = frontier.map((parent) => planSplit(tree, parent, s.plan, inp.bundles, monotone, p.l2));
        for (const lane of runner.lanes) for (const pair of pairs) lane.counts[pair.left.node] = lane.counts[pair.right.node] = 0;
        runner.run(PassKind.route);
        let slots = 0;
        for (const pair of pairs) {
          const { parent, left, right } = pair;
          s.plan[parent.node * PLAN_FIELDS + Plan.feature] = -1;
          left.count = tree.cover[left.node] = sum(runner, (l) => l.counts[left.node]);
          right.count = tree.cover[right.node] = sum(runner, (l) => l.counts[right.node]);
          if (canSplit(left.depth, Infinity)) {
            pair.small = left.count <= right.count ? left : right;
            pair.slot = slots++;
            s.plan[pair.small.node * PLAN_FIELDS + Plan.slot] = pair.slot;
          }
        }
        if (slots > 0) {
          for (const lane of runner.lanes) lane.hist.fill(0, 0, slots * s.histSize);
          runner.run(PassKind.build);
        }
        const next: Leaf[] = [];
        for (const pair of pairs) {
          const { parent, left, right, small, slot } = pair;
          leaves.splice(leaves.indexOf(parent), 1, left, right);
          if (small && slot !== undefined) {
            s.plan[small.node * PLAN_FIELDS + Plan.slot] = -1;
            small.hist = take();
            mergeSlot(runner, slot, small.hist);
            subtractHistogram(parent.hist!, small.hist);
            (small === left ? right : left).hist = parent.hist;
          } else {
            pool.push(parent.hist!);
          }
          parent.hist = null;
          for (const child of [left, right]) {
            if (child.hist && canSplit(child.depth, child.count)) evaluate(child);
            if (child.best) next.push(child);
            else if (child.hist) {
              pool.push(child.hist);
              child.hist = null;
            }
          }
        }
        frontier = next;
      }

      runner.run(PassKind.leafSums);
      for (const leaf of leaves) {
        let g = 0;
        let h = 0;
        for (let c = 0; c < chunks; c++) {
          g += s.chunkSums[(c * maxNodes + leaf.node) * 2];
          h += s.chunkSums[(c * maxNodes + leaf.node) * 2 + 1];
        }
        tree.value[leaf.node] = p.learningRate * clampValue(leafValue(g, h, p.l2), leaf.lower, leaf.upper);
        s.leafValue[leaf.node] = tree.value[leaf.node];
      }
      return tree;
    },
    close: () => runner.close(),
  };
}

interface PlannedSplit {
  parent: Leaf;
  left: Leaf;
  right: Leaf;
  small?: Leaf;
  slot?: number;
}

/** Add the two children of `parent` to the tree and write the split into the shared plan. */
function planSplit(tree: BinTree, parent: Leaf, plan: Int32Array, bundles: FeatureBundles, monotone: Int8Array | null, l2: number): PlannedSplit {
  const s = parent.best!;
  const depth = parent.depth + 1;
  const [lb, rb] = childBounds(parent, s.leftG, s.leftH, monotone ? monotone[s.feature] : 0, l2);
  const left: Leaf = { node: addLeaf(tree, 0, 0), depth, count: 0, sumG: s.leftG, sumH: s.leftH, ...lb, hist: null, best: null };
  const right: Leaf = { node: addLeaf(tree, 0, 0), depth, count: 0, sumG: parent.sumG - s.leftG, sumH: parent.sumH - s.leftH, ...rb, hist: null, best: null };
  tree.feature[parent.node] = s.feature;
  tree.bin[parent.node] = s.bin;
  tree.missingLeft[parent.node] = s.missingLeft;
  tree.left[parent.node] = left.node;
  tree.right[parent.node] = right.node;
  const o = parent.node * PLAN_FIELDS;
  plan[o + Plan.feature] = s.feature;
  plan[o + Plan.column] = bundles.column[s.feature];
  plan[o + Plan.bin] = s.bin;
  plan[o + Plan.missingBin] = s.missingLeft ? 0 : 256;
  plan[o + Plan.left] = left.node;
  plan[o + Plan.right] = right.node;
  return { parent, left, right };
}

function sum(runner: PassRunner, pick: (lane: PassRunner['lanes'][number]) => number): number {
  let total = 0;
  for (const lane of runner.lanes) total += pick(lane);
  return total;
}

/** Sum every lane's histogram slot into `out` (exact: the sums are integers). */
function mergeSlot(runner: PassRunner, slot: number, out: Float64Array): void {
  const size = runner.state.histSize;
  out.set(runner.lanes[0].hist.subarray(slot * size, (slot + 1) * size));
  for (let i = 1; i < runner.lanes.length; i++) {
    const h = runner.lanes[i].hist;
    for (let k = 0, j = slot * size; k < size; k++, j++) out[k] += h[j];
  }
}
