import { MlError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';
import { childOf, type DecisionTree, type TreeEnsemble } from '../trees/treeEnsemble.ts';

/**
 * SHAP values of a tree ensemble: how much each feature moved each raw output (margin, before
 * the link) of each row away from the model's expected output.
 *
 * `values` is rows x nFeatures x nOutputs, row-major: the contribution of feature f to output k
 * of row r is `values[(r * nFeatures + f) * nOutputs + k]` (for one output, simply
 * `values[r * nFeatures + f]`). For every row and output, the sum over features plus
 * `expectedValue[k]` is the raw output `predictRaw` gives, to rounding.
 */
export interface TreeShapResult {
  values: Float64Array;
  /** Per output: baseScore plus, over the trees of that output, the cover-weighted mean leaf value. */
  expectedValue: Float64Array;
  rows: number;
  nFeatures: number;
  nOutputs: number;
}

/**
 * Exact path-dependent TreeSHAP (Algorithm 2 of Lundberg, Erion, Lee et al. 2020, "From local
 * explanations to global understanding with explainable AI for trees"), O(T L D^2) per row for
 * T trees of L leaves and depth D.
 *
 * The values are the exact Shapley values of v(S) = E[f(x) | x_S] computed the path-dependent
 * way: at a node splitting on a feature in S the row's own branch is followed (through `childOf`,
 * so missing values and categorical splits go where prediction sends them); at any other node
 * both children are averaged, weighted by `cover[child] / cover[node]`. A node whose cover is 0
 * weighs its children one half each (the same rule gives `expectedValue`).
 *
 * Memory: the output and one path buffer sized by the deepest tree; nothing is allocated per row.
 */
export function treeShap(ens: TreeEnsemble, x: Matrix): TreeShapResult {
  checkEnsemble(ens);
  if (x.cols !== ens.nFeatures) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `treeShap: the model has ${ens.nFeatures} features; x has ${x.cols} columns`,
    );
  }
  const nF = ens.nFeatures;
  const nO = ens.nOutputs;
  const values = new Float64Array(x.rows * nF * nO);
  const expectedValue = Float64Array.from(ens.baseScore);
  let maxDepth = 0;
  for (let t = 0; t < ens.trees.length; t++) {
    const tree = ens.trees[t]!;
    maxDepth = Math.max(maxDepth, treeDepth(tree, 0, t, 0));
    expectedValue[ens.treeOutput[t]!]! += treeExpectation(tree, 0);
  }
  const walker = new PathWalker(maxDepth, values, nO);
  walker.x = x.data;
  for (let t = 0; t < ens.trees.length; t++) {
    walker.tree = ens.trees[t]!;
    walker.output = ens.treeOutput[t]!;
    for (let r = 0; r < x.rows; r++) {
      walker.xOffset = r * x.cols;
      walker.outOffset = r * nF * nO;
      walker.recurse(0, 0, 0, 0, 1, 1, -1);
    }
  }
  return { values, expectedValue, rows: x.rows, nFeatures: nF, nOutputs: nO };
}

/** The fraction of the cover at `node` that went to `child` (one half each when the node's cover is 0). */
function coverFraction(tree: DecisionTree, node: number, child: number): number {
  const w = tree.cover[node]!;
  return w > 0 ? tree.cover[child]! / w : 0.5;
}

/** Cover-weighted mean leaf value of the subtree at `node`: the tree's expected output with no feature known. */
function treeExpectation(tree: DecisionTree, node: number): number {
  if (tree.feature[node]! < 0) return tree.value[node]!;
  const l = tree.left[node]!;
  const r = tree.right[node]!;
  return (
    coverFraction(tree, node, l) * treeExpectation(tree, l) +
    coverFraction(tree, node, r) * treeExpectation(tree, r)
  );
}

/** Splits on the longest root-to-leaf path; throws on a cycle (a path longer than the tree). */
function treeDepth(tree: DecisionTree, node: number, t: number, above: number): number {
  if (tree.feature[node]! < 0) return 0;
  if (above >= tree.nodeCount) {
    throw new MlError('BAD_OPTION', `treeShap: tree ${t} has a cycle through node ${node}`, {
      tree: t,
      node,
    });
  }
  const l = treeDepth(tree, tree.left[node]!, t, above + 1);
  return 1 + Math.max(l, treeDepth(tree, tree.right[node]!, t, above + 1));
}

/**
 * The recursion of Algorithm 2 over one tree for one row. The "unique path" of each recursion
 * level is a segment of four flat arrays (feature, zero fraction, one fraction, permutation
 * weight); level d copies level d-1's segment and extends it, so the buffers hold
 * (D + 2)(D + 3) / 2 elements for depth D.
 *
 * zero fraction: the share of the cover that follows this path when the feature is unknown;
 * one fraction: 1 when the row itself follows it, else 0; pweight[i]: the summed permutation
 * weight of the feature subsets of size i along the path.
 */
class PathWalker {
  tree!: DecisionTree;
  output = 0;
  x: Float64Array = new Float64Array(0);
  xOffset = 0;
  outOffset = 0;
  private readonly feat: Int32Array;
  private readonly zero: Float64Array;
  private readonly one: Float64Array;
  private readonly pw: Float64Array;
  /** inv[n] = 1 / n: the loops multiply instead of divide (divisions dominated the run time). */
  private readonly inv: Float64Array;

  constructor(
    maxDepth: number,
    private readonly phi: Float64Array,
    private readonly nO: number,
  ) {
    const n = ((maxDepth + 2) * (maxDepth + 3)) / 2;
    this.feat = new Int32Array(n);
    this.zero = new Float64Array(n);
    this.one = new Float64Array(n);
    this.pw = new Float64Array(n);
    this.inv = Float64Array.from({ length: maxDepth + 3 }, (_, i) => (i === 0 ? 0 : 1 / i));
  }

  /**
   * Visits `node`, whose path is the first `depth` elements of the segment at `prevOff` extended
   * by (zeroFraction, oneFraction, feature); this level's segment starts at `off`.
   */
  recurse(
    node: number,
    depth: number,
    prevOff: number,
    off: number,
    zeroFraction: number,
    oneFraction: number,
    feature: number,
  ): void {
    const { feat, zero, one, pw, tree } = this;
    // plain loops: the paths are short, and copyWithin's call overhead dominated the run time
    for (let i = 0; i < depth; i++) {
      feat[off + i] = feat[prevOff + i]!;
      zero[off + i] = zero[prevOff + i]!;
      one[off + i] = one[prevOff + i]!;
      pw[off + i] = pw[prevOff + i]!;
    }
    this.extend(off, depth, zeroFraction, oneFraction, feature);

    const split = tree.feature[node]!;
    if (split < 0) {
      const v = tree.value[node]!;
      const base = this.outOffset + this.output;
      for (let i = 1; i <= depth; i++) {
        const w = this.unwoundSum(off, depth, i);
        this.phi[base + feat[off + i]! * this.nO] += w * (one[off + i]! - zero[off + i]!) * v;
      }
      return;
    }

    const hot = childOf(tree, node, this.x, this.xOffset);
    const cold = hot === tree.left[node]! ? tree.right[node]! : tree.left[node]!;
    const hotZero = coverFraction(tree, node, hot);
    const coldZero = coverFraction(tree, node, cold);
    let inZero = 1;
    let inOne = 1;
    // A feature already on the path: undo its earlier split, the two combine into one.
    for (let i = 1; i <= depth; i++) {
      if (feat[off + i] === split) {
        inZero = zero[off + i]!;
        inOne = one[off + i]!;
        this.unwind(off, depth, i);
        depth--;
        break;
      }
    }
    const next = off + depth + 1;
    // A branch with both fractions 0 adds nothing to any v(S); skipping it also avoids 0/0 in unwind.
    if (hotZero * inZero !== 0 || inOne !== 0)
      this.recurse(hot, depth + 1, off, next, hotZero * inZero, inOne, split);
    if (coldZero * inZero !== 0) this.recurse(cold, depth + 1, off, next, coldZero * inZero, 0, split);
  }

  /** EXTEND: adds an element at position `depth` and updates the permutation weights. */
  private extend(
    off: number,
    depth: number,
    zeroFraction: number,
    oneFraction: number,
    feature: number,
  ): void {
    const { pw, inv } = this;
    this.feat[off + depth] = feature;
    this.zero[off + depth] = zeroFraction;
    this.one[off + depth] = oneFraction;
    pw[off + depth] = depth === 0 ? 1 : 0;
    const a = oneFraction * inv[depth + 1]!;
    const b = zeroFraction * inv[depth + 1]!;
    for (let i = depth - 1; i >= 0; i--) {
      const w = pw[off + i]!;
      pw[off + i + 1] += a * w * (i + 1);
      pw[off + i] = b * w * (depth - i);
    }
  }

  /** UNWIND: removes element `index` (the inverse of EXTEND) from a path of depth + 1 elements. */
  private unwind(off: number, depth: number, index: number): void {
    const { feat, zero, one, pw, inv } = this;
    const oneFraction = one[off + index]!;
    const zeroFraction = zero[off + index]!;
    const d1 = depth + 1;
    if (oneFraction !== 0) {
      const a = d1 / oneFraction;
      const b = zeroFraction * inv[d1]!;
      let nextOne = pw[off + depth]!;
      for (let i = depth - 1; i >= 0; i--) {
        const tmp = pw[off + i]!;
        const w = nextOne * a * inv[i + 1]!;
        pw[off + i] = w;
        nextOne = tmp - w * b * (depth - i);
      }
    } else {
      const c = d1 / zeroFraction;
      for (let i = depth - 1; i >= 0; i--) pw[off + i] = pw[off + i]! * c * inv[depth - i]!;
    }
    for (let i = index; i < depth; i++) {
      feat[off + i] = feat[off + i + 1]!;
      zero[off + i] = zero[off + i + 1]!;
      one[off + i] = one[off + i + 1]!;
    }
  }

  /** The total permutation weight the path would have with element `index` unwound, without changing it. */
  private unwoundSum(off: number, depth: number, index: number): number {
    const { pw, inv } = this;
    const oneFraction = this.one[off + index]!;
    const zeroFraction = this.zero[off + index]!;
    const d1 = depth + 1;
    let total = 0;
    if (oneFraction !== 0) {
      // the terms of Algorithm 2 divided by d1 / oneFraction, which multiplies the total at the end
      const b = zeroFraction / oneFraction;
      let nextOne = pw[off + depth]!;
      for (let i = depth - 1; i >= 0; i--) {
        const tmp = nextOne * inv[i + 1]!;
        total += tmp;
        nextOne = pw[off + i]! - tmp * b * (depth - i);
      }
      return (total * d1) / oneFraction;
    }
    for (let i = depth - 1; i >= 0; i--) total += pw[off + i]! * inv[depth - i]!;
    return (total * d1) / zeroFraction;
  }
}

/** Fails with an MlError on an ensemble TreeSHAP cannot read safely (indices out of range, bad cover). */
function checkEnsemble(ens: TreeEnsemble): void {
  const nO = ens.nOutputs;
  if (ens.baseScore.length !== nO) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `treeShap: baseScore has ${ens.baseScore.length} values for ${nO} outputs`,
    );
  }
  if (ens.treeOutput.length !== ens.trees.length) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `treeShap: treeOutput has ${ens.treeOutput.length} entries for ${ens.trees.length} trees`,
    );
  }
  for (let t = 0; t < ens.trees.length; t++) {
    const o = ens.treeOutput[t]!;
    if (o < 0 || o >= nO) {
      throw new MlError('BAD_OPTION', `treeShap: tree ${t} feeds output ${o}; the model has ${nO} outputs`);
    }
    const tree = ens.trees[t]!;
    if (!(tree.nodeCount >= 1))
      throw new MlError('BAD_OPTION', `treeShap: tree ${t} has no nodes`, { tree: t });
    for (let n = 0; n < tree.nodeCount; n++) {
      const c = tree.cover[n]!;
      if (!(c >= 0) || c === Number.POSITIVE_INFINITY) {
        throw new MlError(
          'NON_FINITE',
          `treeShap: tree ${t} node ${n} has cover ${c}; covers must be finite and >= 0`,
          {
            tree: t,
            node: n,
          },
        );
      }
      const f = tree.feature[n]!;
      if (f < 0) continue;
      const l = tree.left[n]!;
      const r = tree.right[n]!;
      if (f >= ens.nFeatures || l < 0 || r < 0 || l >= tree.nodeCount || r >= tree.nodeCount || l === r) {
        throw new MlError(
          'BAD_OPTION',
          `treeShap: tree ${t} node ${n} (feature ${f}, children ${l} and ${r}) is not a valid split of a ${tree.nodeCount}-node tree over ${ens.nFeatures} features`,
          { tree: t, node: n },
        );
      }
    }
  }
}
