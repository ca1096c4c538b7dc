import { MlError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';

/**
 * One decision tree in flat typed arrays, indexed by node (root 0). The shared format of the
 * gradient-boosted trees, and what TreeSHAP and batch prediction read.
 *
 * A numeric split sends a row left when `x[feature] <= threshold`. A categorical split (catLength
 * > 0) sends it left when its category code (a whole number >= 0) is in the node's bitset, words
 * `catBits[catStart .. catStart + catLength)`; a code outside the bitset goes right. A missing
 * value (NaN) goes left when `missingLeft` is 1, else right. Leaves have feature = left = right = -1.
 */
export interface DecisionTree {
  nodeCount: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  catStart: Int32Array;
  catLength: Int32Array;
  catBits: Uint32Array;
  /** The output of a leaf (raw score, before the link); internal nodes hold what they would output as a leaf. */
  value: Float64Array;
  /** Training weight that reached the node (hessian sum for boosting, rows for forests): TreeSHAP's cover. */
  cover: Float64Array;
}

/** How raw scores become predictions. */
export type EnsembleLink = 'identity' | 'logistic' | 'softmax';

/**
 * A sum of trees: output k of a row is baseScore[k] plus the leaf values of the trees with
 * treeOutput = k; the link turns the outputs into a prediction (probability for logistic and
 * softmax).
 */
export interface TreeEnsemble {
  nFeatures: number;
  nOutputs: number;
  trees: DecisionTree[];
  treeOutput: Int32Array;
  baseScore: Float64Array;
  link: EnsembleLink;
}

/** The child a row at `node` goes to; x holds the row's features from `offset`. */
export function childOf(tree: DecisionTree, node: number, x: Float64Array, offset: number): number {
  const v = x[offset + tree.feature[node]!]!;
  if (Number.isNaN(v)) return tree.missingLeft[node] === 1 ? tree.left[node]! : tree.right[node]!;
  const n = tree.catLength[node]!;
  if (n === 0) return v <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  const word = v >>> 5;
  const inSet = v >= 0 && word < n && (tree.catBits[tree.catStart[node]! + word]! & (1 << (v & 31))) !== 0;
  return inSet ? tree.left[node]! : tree.right[node]!;
}

/** The leaf a row ends in. */
export function leafOf(tree: DecisionTree, x: Float64Array, offset: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) node = childOf(tree, node, x, offset);
  return node;
}

/** Raw scores (before the link), rows x nOutputs, row-major. */
export function predictRaw(ens: TreeEnsemble, x: Matrix): Float64Array {
  if (x.cols !== ens.nFeatures) {
    throw new MlError('SHAPE_MISMATCH', `the model has ${ens.nFeatures} features; x has ${x.cols} columns`);
  }
  const k = ens.nOutputs;
  const out = new Float64Array(x.rows * k);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = ens.baseScore[j]!;
  for (let t = 0; t < ens.trees.length; t++) {
    const tree = ens.trees[t]!;
    const o = ens.treeOutput[t]!;
    for (let i = 0; i < x.rows; i++) out[i * k + o] += tree.value[leafOf(tree, x.data, i * x.cols)]!;
  }
  return out;
}

/** Applies the link in place: logistic to each output, softmax across each row's outputs. */
export function applyLink(link: EnsembleLink, raw: Float64Array, nOutputs: number): Float64Array {
  if (link === 'logistic') {
    for (let i = 0; i < raw.length; i++) raw[i] = 1 / (1 + Math.exp(-raw[i]!));
  } else if (link === 'softmax') {
    for (let r = 0; r < raw.length; r += nOutputs) {
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < nOutputs; j++) max = Math.max(max, raw[r + j]!);
      let sum = 0;
      for (let j = 0; j < nOutputs; j++) {
        raw[r + j] = Math.exp(raw[r + j]! - max);
        sum += raw[r + j]!;
      }
      for (let j = 0; j < nOutputs; j++) raw[r + j]! /= sum;
    }
  }
  return raw;
}

/** Plain-JSON form of a tree (typed arrays as number arrays). */
export interface DecisionTreeJSON {
  nodeCount: number;
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  missingLeft: number[];
  catStart: number[];
  catLength: number[];
  catBits: number[];
  value: number[];
  cover: number[];
}

export function treeToJSON(t: DecisionTree): DecisionTreeJSON {
  return {
    nodeCount: t.nodeCount,
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold),
    left: Array.from(t.left),
    right: Array.from(t.right),
    missingLeft: Array.from(t.missingLeft),
    catStart: Array.from(t.catStart),
    catLength: Array.from(t.catLength),
    catBits: Array.from(t.catBits),
    value: Array.from(t.value),
    cover: Array.from(t.cover),
  };
}

export function treeFromJSON(j: DecisionTreeJSON): DecisionTree {
  return {
    nodeCount: j.nodeCount,
    feature: Int32Array.from(j.feature),
    threshold: Float64Array.from(j.threshold),
    left: Int32Array.from(j.left),
    right: Int32Array.from(j.right),
    missingLeft: Uint8Array.from(j.missingLeft),
    catStart: Int32Array.from(j.catStart),
    catLength: Int32Array.from(j.catLength),
    catBits: Uint32Array.from(j.catBits),
    value: Float64Array.from(j.value),
    cover: Float64Array.from(j.cover),
  };
}
