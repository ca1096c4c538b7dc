// Test-only references for TreeSHAP: exact Shapley values by enumerating every feature subset,
// and seeded random ensembles in the shared TreeEnsemble format.
import type { Matrix } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';
import {
  childOf,
  type DecisionTree,
  type EnsembleLink,
  type TreeEnsemble,
} from '../src/trees/treeEnsemble.ts';

/**
 * E[tree(x) | x_S] the path-dependent way: at a node splitting on a feature in S (bit f of
 * `mask`) follow the row; otherwise average the children weighted by cover (one half each under
 * a node of cover 0).
 */
function conditionalTree(
  tree: DecisionTree,
  node: number,
  x: Float64Array,
  off: number,
  mask: number,
): number {
  const f = tree.feature[node]!;
  if (f < 0) return tree.value[node]!;
  if ((mask >> f) & 1) return conditionalTree(tree, childOf(tree, node, x, off), x, off, mask);
  const l = tree.left[node]!;
  const r = tree.right[node]!;
  const w = tree.cover[node]!;
  const wl = w > 0 ? tree.cover[l]! / w : 0.5;
  const wr = w > 0 ? tree.cover[r]! / w : 0.5;
  return wl * conditionalTree(tree, l, x, off, mask) + wr * conditionalTree(tree, r, x, off, mask);
}

/**
 * Exact Shapley values of v(S) = E[f(x) | x_S] (above) for every row and output, by enumerating
 * all 2^M subsets: phi_i = sum over S without i of |S|! (M - |S| - 1)! / M! (v(S + i) - v(S)).
 * Same layout as treeShap: rows x nFeatures x nOutputs. expectedValue = v(empty set).
 */
export function bruteForceShapley(
  ens: TreeEnsemble,
  x: Matrix,
): { values: Float64Array; expectedValue: Float64Array } {
  const m = ens.nFeatures;
  const nO = ens.nOutputs;
  if (m > 16) throw new Error('bruteForceShapley: 2^M subsets; keep M small');
  const subsets = 1 << m;
  const fact = [1];
  for (let i = 1; i <= m; i++) fact.push(fact[i - 1]! * i);
  const weight = (s: number): number => (fact[s]! * fact[m - s - 1]!) / fact[m]!;
  const popcount = (v: number): number => {
    let c = 0;
    for (let b = v; b !== 0; b &= b - 1) c++;
    return c;
  };
  const values = new Float64Array(x.rows * m * nO);
  const v = new Float64Array(subsets * nO);
  let expectedValue = new Float64Array(nO);
  for (let r = 0; r < x.rows; r++) {
    const off = r * x.cols;
    for (let s = 0; s < subsets; s++) {
      for (let k = 0; k < nO; k++) v[s * nO + k] = ens.baseScore[k]!;
      for (let t = 0; t < ens.trees.length; t++) {
        v[s * nO + ens.treeOutput[t]!] += conditionalTree(ens.trees[t]!, 0, x.data, off, s);
      }
    }
    if (r === 0) expectedValue = v.slice(0, nO);
    for (let i = 0; i < m; i++) {
      for (let s = 0; s < subsets; s++) {
        if ((s >> i) & 1) continue;
        const w = weight(popcount(s));
        const si = s | (1 << i);
        for (let k = 0; k < nO; k++) values[(r * m + i) * nO + k] += w * (v[si * nO + k]! - v[s * nO + k]!);
      }
    }
  }
  return { values, expectedValue };
}

export interface RandomEnsembleOptions {
  nFeatures: number;
  /** Features 0 .. nCategorical-1 split by category bitsets (rows hold codes 0..63). */
  nCategorical: number;
  nOutputs: number;
  nTrees: number;
  maxDepth: number;
  link: EnsembleLink;
  /** Chance that a leaf has cover 0 (so whole subtrees can have cover 0). */
  zeroCover?: number;
}

/** A random tree: preorder node numbering, covers of a parent = sum of its children's. */
export function randomTree(rng: Rng, o: RandomEnsembleOptions): DecisionTree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const missingLeft: number[] = [];
  const catStart: number[] = [];
  const catLength: number[] = [];
  const catBits: number[] = [];
  const value: number[] = [];
  const cover: number[] = [];
  const build = (depth: number): number => {
    const n = feature.length;
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    missingLeft.push(0);
    catStart.push(0);
    catLength.push(0);
    value.push(0);
    cover.push(0);
    const split = depth < o.maxDepth && rng.next() < (depth === 0 ? 0.95 : 0.75);
    if (!split) {
      value[n] = rng.normal();
      cover[n] = rng.next() < (o.zeroCover ?? 0) ? 0 : 0.5 + rng.int(20);
      return n;
    }
    const f = rng.int(o.nFeatures);
    feature[n] = f;
    missingLeft[n] = rng.int(2);
    if (f < o.nCategorical) {
      catStart[n] = catBits.length;
      catLength[n] = 1 + rng.int(2);
      for (let w = 0; w < catLength[n]!; w++) catBits.push(rng.nextUint32());
    } else {
      threshold[n] = rng.normal();
    }
    const l = build(depth + 1);
    const r = build(depth + 1);
    left[n] = l;
    right[n] = r;
    cover[n] = cover[l]! + cover[r]!;
    value[n] = cover[n]! > 0 ? (cover[l]! * value[l]! + cover[r]! * value[r]!) / cover[n]! : 0;
    return n;
  };
  build(0);
  return {
    nodeCount: feature.length,
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    missingLeft: Uint8Array.from(missingLeft),
    catStart: Int32Array.from(catStart),
    catLength: Int32Array.from(catLength),
    catBits: Uint32Array.from(catBits),
    value: Float64Array.from(value),
    cover: Float64Array.from(cover),
  };
}

export function randomEnsemble(seed: number, o: RandomEnsembleOptions): TreeEnsemble {
  const rng = new Rng(seed);
  const trees = Array.from({ length: o.nTrees }, () => randomTree(rng, o));
  return {
    nFeatures: o.nFeatures,
    nOutputs: o.nOutputs,
    trees,
    treeOutput: Int32Array.from({ length: o.nTrees }, (_, t) => t % o.nOutputs),
    baseScore: Float64Array.from({ length: o.nOutputs }, () => rng.normal()),
    link: o.link,
  };
}

/** Rows for a random ensemble: codes 0..63 in the categorical columns, normals elsewhere, ~12% NaN. */
export function randomRows(seed: number, rows: number, o: RandomEnsembleOptions): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * o.nFeatures);
  for (let i = 0; i < data.length; i++) {
    const f = i % o.nFeatures;
    data[i] = rng.next() < 0.12 ? Number.NaN : f < o.nCategorical ? rng.int(64) : rng.normal();
  }
  return { data, rows, cols: o.nFeatures };
}
