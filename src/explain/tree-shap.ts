/**
 * @module Exact path-dependent TreeSHAP (Lundberg et al. 2018, Algorithm 2) over a TreeEnsemble:
 * per-feature contributions to the raw margin (log-odds) that add up, with the expected margin,
 * to the margin the evaluator computes. Rows follow the evaluator's path, missing values included.
 */
import type { TreeEnsemble } from '../trees/tree-ensemble.ts';
import { coverProblem } from './cover.ts';

/**
 * A TreeEnsemble compiled for explanation: every tree's nodes in flat typed arrays (absolute child
 * indices), each child's share of the cover precomputed, and path buffers allocated once,
 * so `explain` allocates nothing per row or node. Not re-entrant: one explainer per thread.
 */
export class TreeExplainer {
  readonly numFeatures: number;
  /**
   * The expected margin: baseScore plus each tree's leaf values weighted by the cover fractions on
   * their paths (the margin of "no feature known"). Contributions add up to margin − expectedValue.
   */
  readonly expectedValue: number;
  readonly #roots: Int32Array;
  readonly #feature: Int32Array;
  readonly #threshold: Float32Array;
  readonly #left: Int32Array;
  readonly #right: Int32Array;
  readonly #missingLeft: Uint8Array;
  readonly #value: Float64Array;
  /** Share of the node's training data that went left / right (cover of the child over both children's). */
  readonly #zeroLeft: Float64Array;
  readonly #zeroRight: Float64Array;
  // The path of unique features from the root, one copy per depth (Algorithm 2 copies it at each level).
  readonly #pFeature: Int32Array;
  readonly #pZero: Float64Array;
  readonly #pOne: Float64Array;
  readonly #pWeight: Float64Array;
  // Path-weight ratios by (depth, i), so the inner loops multiply instead of divide.
  readonly #stride: number;
  /** (i + 1) / (d + 1) */
  readonly #up: Float64Array;
  /** (d − i) / (d + 1) */
  readonly #down: Float64Array;
  /** (d + 1) / (i + 1) */
  readonly #invUp: Float64Array;
  /** (d + 1) / (d − i) */
  readonly #invDown: Float64Array;
  /** The row being explained, copied so the hot loop reads one array type. */
  readonly #row: Float64Array;
  #phi: Float64Array = new Float64Array(0);

  /** Throws when a tree has no usable cover (see `coverProblem`). */
  constructor(model: TreeEnsemble) {
    const problem = coverProblem(model);
    if (problem) throw new Error(problem);
    this.numFeatures = model.numFeatures;
    this.#row = new Float64Array(model.numFeatures);
    const total = model.trees.reduce((n, t) => n + t.left.length, 0);
    this.#roots = new Int32Array(model.trees.length);
    this.#feature = new Int32Array(total);
    this.#threshold = new Float32Array(total);
    this.#left = new Int32Array(total).fill(-1);
    this.#right = new Int32Array(total).fill(-1);
    this.#missingLeft = new Uint8Array(total);
    this.#value = new Float64Array(total);
    this.#zeroLeft = new Float64Array(total);
    this.#zeroRight = new Float64Array(total);
    let base = 0;
    let maxDepth = 0;
    let expected = model.baseScore;
    model.trees.forEach((tree, t) => {
      this.#roots[t] = base;
      for (let i = 0; i < tree.left.length; i++) {
        const k = base + i;
        this.#value[k] = tree.value[i];
        if (tree.left[i] === -1) continue;
        this.#feature[k] = tree.feature[i];
        this.#threshold[k] = tree.threshold[i];
        this.#left[k] = base + tree.left[i];
        this.#right[k] = base + tree.right[i];
        this.#missingLeft[k] = tree.missingLeft[i] ? 1 : 0;
        // Shares of the children's total rather than of the parent's cover: the same when cover
        // is consistent, and never above 1 when it is not (rounded or hand-made cover would otherwise
        // blow up the path weights). A node no row reached passes no share to either child.
        const cl = tree.cover[tree.left[i]];
        const cr = tree.cover[tree.right[i]];
        this.#zeroLeft[k] = cl + cr > 0 ? cl / (cl + cr) : 0;
        this.#zeroRight[k] = cl + cr > 0 ? cr / (cl + cr) : 0;
      }
      const { depth, mean } = this.#walk(base, 0);
      maxDepth = Math.max(maxDepth, depth);
      expected += mean;
      base += tree.left.length;
    });
    this.expectedValue = expected;
    // Depth d uses d + 2 path slots (a dummy root element plus one per split); one copy per level.
    const size = ((maxDepth + 2) * (maxDepth + 3)) / 2;
    this.#pFeature = new Int32Array(size);
    this.#pZero = new Float64Array(size);
    this.#pOne = new Float64Array(size);
    this.#pWeight = new Float64Array(size);
    const stride = (this.#stride = maxDepth + 2);
    this.#up = new Float64Array(stride * stride);
    this.#down = new Float64Array(stride * stride);
    this.#invUp = new Float64Array(stride * stride);
    this.#invDown = new Float64Array(stride * stride);
    for (let d = 0; d < stride; d++) {
      for (let i = 0; i < d; i++) {
        this.#up[d * stride + i] = (i + 1) / (d + 1);
        this.#down[d * stride + i] = (d - i) / (d + 1);
        this.#invUp[d * stride + i] = (d + 1) / (i + 1);
        this.#invDown[d * stride + i] = (d + 1) / (d - i);
      }
    }
  }

  /** Depth below `node` and its cover-weighted mean leaf value. */
  #walk(node: number, depth: number): { depth: number; mean: number } {
    if (this.#left[node] === -1) return { depth, mean: this.#value[node] };
    const l = this.#walk(this.#left[node], depth + 1);
    const r = this.#walk(this.#right[node], depth + 1);
    return { depth: Math.max(l.depth, r.depth), mean: this.#zeroLeft[node] * l.mean + this.#zeroRight[node] * r.mean };
  }

  /**
   * Contribution of each feature to the margin of row `x[offset … offset + numFeatures)`, written
   * to `phi` (zeroed first; length ≥ numFeatures). Returns `phi`.
   */
  explain(x: ArrayLike<number>, phi: Float64Array = new Float64Array(this.numFeatures), offset = 0): Float64Array {
    phi.fill(0, 0, this.numFeatures);
    for (let j = 0; j < this.numFeatures; j++) this.#row[j] = x[offset + j];
    this.#phi = phi;
    for (let t = 0; t < this.#roots.length; t++) this.#recurse(this.#roots[t], 0, 0, 0, 1, 1, -1);
    return phi;
  }

  /**
   * Algorithm 2's RECURSE. The path for this level starts at `start`, right after the parent's
   * copy (which began at `parentStart` and held `depth` elements before this node's is added).
   */
  #recurse(node: number, depth: number, parentStart: number, start: number, zero: number, one: number, feature: number): void {
    // Neither reached by the row nor by any cover: nothing below can contribute.
    if (zero === 0 && one === 0) return;
    const pF = this.#pFeature, pZ = this.#pZero, pO = this.#pOne, pW = this.#pWeight;
    for (let i = 0; i < depth; i++) {
      pF[start + i] = pF[parentStart + i];
      pZ[start + i] = pZ[parentStart + i];
      pO[start + i] = pO[parentStart + i];
      pW[start + i] = pW[parentStart + i];
    }
    this.#extend(start, depth, zero, one, feature);
    const left = this.#left[node];
    if (left === -1) {
      const v = this.#value[node];
      const phi = this.#phi;
      const row = depth * this.#stride;
      const invUp = this.#invUp, down = this.#down, invDown = this.#invDown;
      const last = pW[start + depth];
      // Algorithm 2's UNWOUNDSUM for each element, inlined. The one-fraction is 1 (on the row's
      // path) or 0 (the root starts at 1, cold children get 0). For 0, the sum times the element's
      // weight (0 − zero) no longer depends on the element: computed once per leaf.
      let coldSum = NaN;
      for (let e = 1; e <= depth; e++) {
        const zero = pZ[start + e];
        if (pO[start + e] !== 0) {
          let total = 0;
          let nextOne = last;
          for (let i = depth - 1; i >= 0; i--) {
            const tmp = nextOne * invUp[row + i];
            total += tmp;
            nextOne = pW[start + i] - tmp * zero * down[row + i];
          }
          phi[pF[start + e]] += total * (1 - zero) * v;
        } else {
          if (coldSum !== coldSum) {
            coldSum = 0;
            for (let i = depth - 1; i >= 0; i--) coldSum += pW[start + i] * invDown[row + i];
          }
          phi[pF[start + e]] -= coldSum * v;
        }
      }
      return;
    }
    const split = this.#feature[node];
    const xv = this.#row[split];
    // The evaluator's route: NaN goes the stored way; otherwise x <= threshold, both float32.
    const goLeft = xv !== xv ? this.#missingLeft[node] === 1 : Math.fround(xv) <= this.#threshold[node];
    const right = this.#right[node];
    const hot = goLeft ? left : right;
    const cold = goLeft ? right : left;
    const hotZero = goLeft ? this.#zeroLeft[node] : this.#zeroRight[node];
    const coldZero = goLeft ? this.#zeroRight[node] : this.#zeroLeft[node];
    let inZero = 1;
    let inOne = 1;
    // A feature already on the path is undone and merged, so each feature appears once.
    let k = 1;
    while (k <= depth && pF[start + k] !== split) k++;
    let d = depth;
    if (k <= depth) {
      inZero = pZ[start + k];
      inOne = pO[start + k];
      this.#unwind(start, d, k);
      d--;
    }
    const next = start + depth + 1;
    this.#recurse(hot, d + 1, start, next, hotZero * inZero, inOne, split);
    this.#recurse(cold, d + 1, start, next, coldZero * inZero, 0, split);
  }

  #extend(s: number, depth: number, zero: number, one: number, feature: number): void {
    const pW = this.#pWeight;
    const up = this.#up, down = this.#down;
    const row = depth * this.#stride;
    this.#pFeature[s + depth] = feature;
    this.#pZero[s + depth] = zero;
    this.#pOne[s + depth] = one;
    pW[s + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      pW[s + i + 1] += one * pW[s + i] * up[row + i];
      pW[s + i] = zero * pW[s + i] * down[row + i];
    }
  }

  #unwind(s: number, depth: number, index: number): void {
    const pF = this.#pFeature, pZ = this.#pZero, pO = this.#pOne, pW = this.#pWeight;
    const down = this.#down, invUp = this.#invUp, invDown = this.#invDown;
    const row = depth * this.#stride;
    const one = pO[s + index];
    const zero = pZ[s + index];
    let nextOne = pW[s + depth];
    if (one !== 0) {
      for (let i = depth - 1; i >= 0; i--) {
        const tmp = pW[s + i];
        const w = nextOne * invUp[row + i];
        pW[s + i] = w;
        nextOne = tmp - w * zero * down[row + i];
      }
    } else {
      const invZero = 1 / zero;
      for (let i = depth - 1; i >= 0; i--) pW[s + i] = pW[s + i] * invDown[row + i] * invZero;
    }
    for (let i = index; i < depth; i++) {
      pF[s + i] = pF[s + i + 1];
      pZ[s + i] = pZ[s + i + 1];
      pO[s + i] = pO[s + i + 1];
    }
  }
}
