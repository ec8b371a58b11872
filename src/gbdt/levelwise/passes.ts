/**
 * @module The row passes of level-synchronous training. Each reads rows a..b in memory order (so the
 * hardware prefetcher streams them) and touches only its own lane's outputs or its own rows, so any
 * number of threads can run them on disjoint ranges.
 */
import { addRow } from '../histogram.ts';
import { gradientAt } from '../objective.ts';
import { packRow } from '../quantize.ts';
import { bagStream, roundingStream, unitHash } from '../sampling.ts';
import { CHUNK_ROWS, type LaneViews, NODE_MASK, OUT_OF_BAG, Plan, PLAN_FIELDS, type RowState, Scalar } from './row-state.ts';

export const PassKind = { gradients: 1, root: 2, route: 3, build: 4, leafSums: 5, apply: 6 } as const;
export type PassKind = (typeof PassKind)[keyof typeof PassKind];

/** Run one pass over rows [a, b) (chunk-aligned except at the end). */
export function runPass(kind: PassKind, s: RowState, lane: LaneViews, a: number, b: number): void {
  switch (kind) {
    case PassKind.gradients: return gradientPass(s, a, b);
    case PassKind.root: return rootPass(s, lane, a, b);
    case PassKind.route: return routePass(s, lane, a, b);
    case PassKind.build: return buildPass(s, lane, a, b);
    case PassKind.leafSums: return leafSumPass(s, a, b);
    case PassKind.apply: return applyPass(s, a, b);
  }
}

/** First pass of a tree: add the previous tree's leaves to the margins, compute log-loss gradients, draw the bag. */
function gradientPass(s: RowState, a: number, b: number): void {
  const { margins, labels, weights, grad, hess, rowNode, leafValue, scalars } = s;
  const apply = scalars[Scalar.applyLeaves] === 1;
  const rate = scalars[Scalar.bagRate];
  const seed = scalars[Scalar.seed];
  const bag = bagStream(scalars[Scalar.tree]);
  for (let r = a; r < b; r++) {
    if (apply) margins[r] += leafValue[rowNode[r] & NODE_MASK];
    gradientAt(margins, labels, weights, grad, hess, r);
    rowNode[r] = rate >= 1 || unitHash(seed, bag, r) < rate ? 0 : OUT_OF_BAG;
  }
}

/**
 * Second pass: quantize in-bag rows (as packRow does for the indexed engine) and build the root
 * histogram in slot 0, with its row counts when histograms count rows (uneven sample weights).
 * Kept apart from the gradient pass: fused, the loop ran 20% slower in V8.
 */
function rootPass(s: RowState, lane: LaneViews, a: number, b: number): void {
  const { grad, hess, packed, rowNode, scalars, words, perRow, fullWords, tail, countOffset } = s;
  const scales = { grad: scalars[Scalar.gradScale], hess: scalars[Scalar.hessScale] };
  const seed = scalars[Scalar.seed];
  const rounding = roundingStream(scalars[Scalar.tree]);
  const out = lane.hist;
  out.fill(0, 0, s.histSize);
  let count = 0;
  for (let r = a; r < b; r++) {
    if (rowNode[r] & OUT_OF_BAG) continue;
    const pk = packRow(grad[r], hess[r], scales, unitHash(seed, rounding, r));
    packed[r] = pk;
    count++;
    addRow(out, 0, words, r * perRow, fullWords, tail, pk);
  }
  lane.counts[0] = count;
  // Counts in a loop of their own, so the unweighted loop above is the same code as before.
  if (countOffset < 0) return;
  for (let r = a; r < b; r++) if (!(rowNode[r] & OUT_OF_BAG)) addRow(out, countOffset, words, r * perRow, fullWords, tail, 1);
}

/** Add the last tree's leaf values to the margins (when they are wanted before the next tree). */
function applyPass(s: RowState, a: number, b: number): void {
  const { margins, rowNode, leafValue } = s;
  for (let r = a; r < b; r++) margins[r] += leafValue[rowNode[r] & NODE_MASK];
}

/** Send each row of a node split at this level to its child, counting in-bag rows per child. */
function routePass(s: RowState, lane: LaneViews, a: number, b: number): void {
  const { rowNode, plan, bins, digits, perRow } = s;
  const stride = perRow << 2;
  const counts = lane.counts;
  for (let r = a; r < b; r++) {
    const v = rowNode[r];
    const o = (v & NODE_MASK) * PLAN_FIELDS;
    const f = plan[o + Plan.feature];
    if (f < 0) continue;
    // One sequential stream of bundle codes, decoded through a small table, beats one stream per split feature.
    const bin = digits[(f << 8) + bins[r * stride + plan[o + Plan.column]]];
    // Branch-free: the left/right choice is a coin flip to the branch predictor.
    const effective = bin + ((bin - 1) >>> 31) * plan[o + Plan.missingBin];
    const goLeft = ((plan[o + Plan.bin] - effective) >>> 31) ^ 1;
    const right = plan[o + Plan.right];
    const child = right + goLeft * (plan[o + Plan.left] - right);
    rowNode[r] = child | (v & OUT_OF_BAG);
    counts[child] += 1 - (v >>> 15);
  }
}

/** Add every in-bag row whose node has a histogram slot to that slot (the smaller child of each split). */
function buildPass(s: RowState, lane: LaneViews, a: number, b: number): void {
  const { rowNode, plan, words, perRow, fullWords, tail, packed, histSize, countOffset } = s;
  const out = lane.hist;
  for (let r = a; r < b; r++) {
    const v = rowNode[r];
    // Out-of-bag rows carry bit 15, which no slot index reaches.
    const slot = v & OUT_OF_BAG ? -1 : plan[v * PLAN_FIELDS + Plan.slot];
    if (slot < 0) continue;
    addRow(out, slot * histSize, words, r * perRow, fullWords, tail, packed[r]);
  }
  if (countOffset < 0) return;
  for (let r = a; r < b; r++) {
    const v = rowNode[r];
    const slot = v & OUT_OF_BAG ? -1 : plan[v * PLAN_FIELDS + Plan.slot];
    if (slot >= 0) addRow(out, slot * histSize + countOffset, words, r * perRow, fullWords, tail, 1);
  }
}

/** Exact gradient and hessian sums per leaf, one partial per chunk of rows (reduced in chunk order). */
function leafSumPass(s: RowState, a: number, b: number): void {
  const { rowNode, grad, hess, chunkSums, maxNodes } = s;
  for (let c0 = a; c0 < b; c0 += CHUNK_ROWS) {
    const base = (c0 / CHUNK_ROWS) * maxNodes * 2;
    chunkSums.fill(0, base, base + maxNodes * 2);
    const end = Math.min(b, c0 + CHUNK_ROWS);
    for (let r = c0; r < end; r++) {
      const v = rowNode[r];
      if (v & OUT_OF_BAG) continue;
      const k = base + 2 * v;
      chunkSums[k] += grad[r];
      chunkSums[k + 1] += hess[r];
    }
  }
}
