import type { Matrix } from '../matrix.ts';
import type { Rng } from '../random.ts';

/**
 * A binary regression tree in flat typed arrays, indexed by node id (root 0, pre-order).
 * A row goes left when `x[feature] <= threshold`. Leaves have feature = left = right = -1.
 */
export interface FlatTree {
  nodeCount: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Mean training target of the samples that reached the node (the prediction at a leaf). */
  value: Float64Array;
  /** Distinct training rows that reached the node. */
  nSamples: Int32Array;
}

/** Growth limits for `buildRegressionTree`. */
export interface RegressionTreeParams {
  /** Deepest level a node may sit at (root = 0); Infinity for none. */
  maxDepth: number;
  /** A node with fewer samples is a leaf. */
  minSamplesSplit: number;
  /** Each child must keep at least this many distinct rows. */
  minSamplesLeaf: number;
  /** Non-constant features tried per split, 1..p, drawn without replacement. */
  maxFeatures: number;
}

/** Values closer than this are treated as equal when placing thresholds (scikit-learn's FEATURE_THRESHOLD). */
const FEATURE_THRESHOLD = 1e-7;

/**
 * Grows a CART regression tree on the distinct rows `samples` of x with per-row `weights`
 * (bootstrap counts; null = all 1), choosing each split to minimise the weighted squared error
 * of the children, as scikit-learn's DecisionTreeRegressor (criterion 'squared_error', best
 * splitter, sample_weight). Node sizes for minSamplesSplit / minSamplesLeaf count distinct rows,
 * as scikit-learn. Each node sorts its rows once per candidate feature.
 *
 * Complexity: O(maxFeatures m log m) per node of m samples, so about O(maxFeatures n log^2 n)
 * for a balanced tree; memory O(n).
 *
 * @example
 * const tree = buildRegressionTree(x, y, Int32Array.from({ length: x.rows }, (_, i) => i), null,
 *   { maxDepth: Infinity, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: x.cols }, new Rng(0));
 * tree.value[applyTree(tree, x.data, 0)]; // prediction for row 0
 */
export function buildRegressionTree(
  x: Matrix,
  y: Float64Array,
  samples: Int32Array,
  weights: Float64Array | null,
  params: RegressionTreeParams,
  rng: Rng,
): FlatTree {
  const w = weights ?? new Float64Array(x.rows).fill(1);
  const n = samples.length;
  const p = x.cols;
  const cap = Math.max(1, 2 * n - 1);
  const t: FlatTree = {
    nodeCount: 0,
    feature: new Int32Array(cap),
    threshold: new Float64Array(cap),
    left: new Int32Array(cap),
    right: new Int32Array(cap),
    value: new Float64Array(cap),
    nSamples: new Int32Array(cap),
  };
  const idx = samples.slice();
  const work = new Work(n, p);
  // Stack of (start, end, depth, parent, isLeft); pushing right before left numbers nodes in pre-order.
  const stack: number[] = [0, n, 0, -1, 0];
  while (stack.length > 0) {
    const isLeft = stack.pop()!;
    const parent = stack.pop()!;
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = t.nodeCount++;
    if (parent >= 0) {
      if (isLeft === 1) t.left[parent] = node;
      else t.right[parent] = node;
    }
    const m = end - start;
    let sum = 0;
    let weight = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let k = start; k < end; k++) {
      const s = idx[k];
      const v = y[s];
      sum += w[s] * v;
      weight += w[s];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    t.value[node] = weight > 0 ? sum / weight : 0;
    t.nSamples[node] = m;
    t.feature[node] = -1;
    t.left[node] = -1;
    t.right[node] = -1;
    const canSplit =
      depth < params.maxDepth && m >= params.minSamplesSplit && m >= 2 * params.minSamplesLeaf && hi > lo;
    if (!canSplit) continue;
    const split = bestSplit(x, y, w, idx, start, end, sum, weight, params, work, rng);
    if (split === null) continue;
    t.feature[node] = split.feature;
    t.threshold[node] = split.threshold;
    const mid = partition(x, idx, start, end, split.feature, split.threshold);
    stack.push(mid, end, depth + 1, node, 0, start, mid, depth + 1, node, 1);
  }
  const c = t.nodeCount;
  return {
    nodeCount: c,
    feature: t.feature.slice(0, c),
    threshold: t.threshold.slice(0, c),
    left: t.left.slice(0, c),
    right: t.right.slice(0, c),
    value: t.value.slice(0, c),
    nSamples: t.nSamples.slice(0, c),
  };
}

/** Leaf node id reached by the row starting at `offset` in `data` (p values). O(depth). */
export function applyTree(tree: FlatTree, data: Float64Array, offset: number): number {
  let node = 0;
  const { feature, threshold, left, right } = tree;
  while (feature[node] >= 0) {
    node = data[offset + feature[node]] <= threshold[node] ? left[node] : right[node];
  }
  return node;
}

/** Scratch buffers reused across nodes. */
class Work {
  readonly vals: Float64Array;
  readonly order: Int32Array;
  readonly features: Int32Array;
  constructor(n: number, p: number) {
    this.vals = new Float64Array(n);
    this.order = new Int32Array(n);
    this.features = new Int32Array(p);
  }
}

function bestSplit(
  x: Matrix,
  y: Float64Array,
  w: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  total: number,
  totalWeight: number,
  params: RegressionTreeParams,
  work: Work,
  rng: Rng,
): { feature: number; threshold: number } | null {
  const p = x.cols;
  const data = x.data;
  const m = end - start;
  const { vals, order, features } = work;
  const minLeaf = params.minSamplesLeaf;
  for (let f = 0; f < p; f++) features[f] = f;
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestFeature = -1;
  let bestThreshold = 0;
  let found = 0;
  // Draw features without replacement until maxFeatures non-constant ones were examined.
  for (let drawn = 0; drawn < p && found < params.maxFeatures; drawn++) {
    const r = drawn + rng.int(p - drawn);
    const f = features[r];
    features[r] = features[drawn];
    features[drawn] = f;
    for (let k = 0; k < m; k++) {
      const s = idx[start + k];
      order[k] = s;
      vals[k] = data[s * p + f];
    }
    sortPairs(vals, order, 0, m - 1);
    if (vals[m - 1] <= vals[0] + FEATURE_THRESHOLD) continue;
    found++;
    let sumLeft = 0;
    let weightLeft = 0;
    for (let k = 0; k < m - 1; k++) {
      const s = order[k];
      sumLeft += w[s] * y[s];
      weightLeft += w[s];
      const nLeft = k + 1;
      if (vals[k + 1] <= vals[k] + FEATURE_THRESHOLD) continue;
      if (nLeft < minLeaf || m - nLeft < minLeaf) continue;
      const sumRight = total - sumLeft;
      // Maximising this is minimising the children's weighted squared error.
      const score = (sumLeft * sumLeft) / weightLeft + (sumRight * sumRight) / (totalWeight - weightLeft);
      if (score > bestScore) {
        bestScore = score;
        bestFeature = f;
        let thr = (vals[k] + vals[k + 1]) / 2;
        if (thr === vals[k + 1] || !Number.isFinite(thr)) thr = vals[k];
        bestThreshold = thr;
      }
    }
  }
  return bestFeature < 0 ? null : { feature: bestFeature, threshold: bestThreshold };
}

/** Moves rows with x[f] <= thr to the front of idx[start, end); returns the first right position. */
function partition(x: Matrix, idx: Int32Array, start: number, end: number, f: number, thr: number): number {
  const p = x.cols;
  const data = x.data;
  let i = start;
  let j = end - 1;
  while (i <= j) {
    if (data[idx[i] * p + f] <= thr) {
      i++;
    } else {
      const s = idx[i];
      idx[i] = idx[j];
      idx[j] = s;
      j--;
    }
  }
  return i;
}

/**
 * Sorts vals[lo..hi] ascending, carrying ids along: quicksort with a median-of-three pivot and
 * three-way partitioning (many equal values are common in customer data), insertion sort below 16.
 */
function sortPairs(vals: Float64Array, ids: Int32Array, lo: number, hi: number): void {
  while (hi - lo >= 16) {
    const mid = (lo + hi) >> 1;
    const a = vals[lo];
    const b = vals[mid];
    const c = vals[hi];
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c)); // median of three
    // Dutch national flag: [lo, lt) < pivot, [lt, i) == pivot, (gt, hi] > pivot.
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = vals[i];
      if (v < pivot) {
        swap(vals, ids, lt++, i++);
      } else if (v > pivot) {
        swap(vals, ids, i, gt--);
      } else {
        i++;
      }
    }
    // Recurse on the smaller side, loop on the larger: O(log n) stack.
    if (lt - lo < hi - gt) {
      sortPairs(vals, ids, lo, lt - 1);
      lo = gt + 1;
    } else {
      sortPairs(vals, ids, gt + 1, hi);
      hi = lt - 1;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = vals[i];
    const id = ids[i];
    let j = i - 1;
    while (j >= lo && vals[j] > v) {
      vals[j + 1] = vals[j];
      ids[j + 1] = ids[j];
      j--;
    }
    vals[j + 1] = v;
    ids[j + 1] = id;
  }
}

function swap(vals: Float64Array, ids: Int32Array, i: number, j: number): void {
  const v = vals[i];
  vals[i] = vals[j];
  vals[j] = v;
  const d = ids[i];
  ids[i] = ids[j];
  ids[j] = d;
}
