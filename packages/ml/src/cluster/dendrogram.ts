import { MlError } from '../errors.ts';

/**
 * A dendrogram over n points in scipy's linkage-matrix layout, as a struct of typed arrays of
 * length n - 1. Merge step s joins clusters `a[s]` and `b[s]` (`a[s] < b[s]`) at `height[s]`
 * into a cluster of `size[s]` points whose id is n + s; ids below n are the points themselves.
 * Steps are in non-decreasing height order, so each step only names clusters made before it.
 *
 * @example
 * // three points on a line at 0, 1 and 3:
 * // { a: [0, 2], b: [1, 3], height: [1, 2], size: [2, 3] }   (single linkage)
 */
export interface Merges {
  a: Int32Array;
  b: Int32Array;
  height: Float64Array;
  size: Int32Array;
}

/**
 * Turns merges recorded between representative points (any order, as the nearest-neighbour chain
 * and the spanning tree emit them) into a {@link Merges}: a stable sort by height, then cluster
 * ids renumbered by union-find, the way scipy's `linkage` does, so ids match scipy's exactly.
 * `repA` / `repB` name any point of each merged cluster. O(n log n).
 */
export function sortAndRelabel(repA: Int32Array, repB: Int32Array, height: Float64Array, n: number): Merges {
  const m = height.length;
  const order = new Int32Array(m);
  for (let s = 0; s < m; s++) order[s] = s;
  // The index tie-break keeps the sort stable whatever the engine's sort guarantees.
  order.sort((i, j) => height[i]! - height[j]! || i - j);

  const out: Merges = {
    a: new Int32Array(m),
    b: new Int32Array(m),
    height: new Float64Array(m),
    size: new Int32Array(m),
  };
  const parent = new Int32Array(2 * n - 1);
  const count = new Int32Array(2 * n - 1);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  count.fill(1, 0, n);
  for (let s = 0; s < m; s++) {
    const t = order[s]!;
    const x = findRoot(parent, repA[t]!);
    const y = findRoot(parent, repB[t]!);
    const id = n + s;
    out.a[s] = Math.min(x, y);
    out.b[s] = Math.max(x, y);
    out.height[s] = height[t]!;
    out.size[s] = count[x]! + count[y]!;
    parent[x] = id;
    parent[y] = id;
    count[id] = out.size[s]!;
  }
  return out;
}

/**
 * Flat clusters with exactly k groups: the partition left after the first n - k merges, i.e. the
 * dendrogram with its k - 1 highest merges undone (what scikit-learn's `AgglomerativeClustering`
 * returns for `n_clusters = k`). Labels are 0..k-1, numbered in order of each cluster's first
 * point: point 0 is in cluster 0, the first point outside it is in cluster 1, and so on.
 * O(n).
 *
 * @param merges dendrogram over n points (n - 1 steps)
 * @param n number of points
 * @param k number of clusters, 1 <= k <= n
 * @returns Int32Array of n labels
 * @example
 * const labels = cutByK(linkage(x, 'ward'), x.rows, 4);
 */
export function cutByK(merges: Merges, n: number, k: number): Int32Array {
  checkMerges(merges, n, 'cutByK');
  if (!Number.isInteger(k) || k < 1 || k > n) {
    const hint = n === 0 ? 'there are no rows to cluster' : `choose an integer k with 1 <= k <= ${n}`;
    throw new MlError('BAD_OPTION', `cutByK: k = ${k} does not fit ${n} rows; ${hint}`, { k, rows: n });
  }
  const parent = identityParents(n);
  for (let s = 0; s < n - k; s++) {
    parent[merges.a[s]!] = n + s;
    parent[merges.b[s]!] = n + s;
  }
  return labelsFromParents(parent, n);
}

/**
 * Flat clusters such that points in one cluster have cophenetic distance at most `h`: scipy's
 * `fcluster(Z, h, criterion='distance')`. A merge counts when it and every merge below it are at
 * height <= h, which matters only for dendrograms whose heights are not monotone. Labels are
 * numbered in order of each cluster's first point, as in {@link cutByK}. O(n).
 *
 * @param merges dendrogram over n points (n - 1 steps)
 * @param n number of points
 * @param h height threshold, in the units of `merges.height` (Euclidean distance for `linkage`)
 * @returns Int32Array of n labels
 * @example
 * const labels = cutByHeight(linkage(x, 'average'), x.rows, 2.5);
 */
export function cutByHeight(merges: Merges, n: number, h: number): Int32Array {
  checkMerges(merges, n, 'cutByHeight');
  if (Number.isNaN(h)) {
    throw new MlError('BAD_OPTION', 'cutByHeight: the height threshold is NaN; pass a number');
  }
  const parent = identityParents(n);
  const reach = new Float64Array(Math.max(n - 1, 0));
  for (let s = 0; s < n - 1; s++) {
    const a = merges.a[s]!;
    const b = merges.b[s]!;
    let top = merges.height[s]!;
    if (a >= n && reach[a - n]! > top) top = reach[a - n]!;
    if (b >= n && reach[b - n]! > top) top = reach[b - n]!;
    reach[s] = top;
    if (top <= h) {
      parent[a] = n + s;
      parent[b] = n + s;
    }
  }
  return labelsFromParents(parent, n);
}

function identityParents(n: number): Int32Array {
  const parent = new Int32Array(Math.max(2 * n - 1, 0));
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  return parent;
}

/** Roots of each point's tree, renumbered 0, 1, ... in order of first appearance. */
function labelsFromParents(parent: Int32Array, n: number): Int32Array {
  const labels = new Int32Array(n);
  const rootLabel = new Int32Array(parent.length).fill(-1);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const r = findRoot(parent, i);
    if (rootLabel[r]! < 0) rootLabel[r] = next++;
    labels[i] = rootLabel[r]!;
  }
  return labels;
}

/** Union-find root with path compression. */
function findRoot(parent: Int32Array, x: number): number {
  let r = x;
  while (parent[r] !== r) r = parent[r]!;
  while (parent[x] !== r) {
    const up = parent[x]!;
    parent[x] = r;
    x = up;
  }
  return r;
}

function checkMerges(merges: Merges, n: number, who: string): void {
  const m = Math.max(n - 1, 0);
  const { a, b, height, size } = merges;
  if (a.length !== m || b.length !== m || height.length !== m || size.length !== m) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: a dendrogram over ${n} points has ${m} merges, got a/b/height/size of lengths ` +
        `${a.length}/${b.length}/${height.length}/${size.length}`,
    );
  }
  for (let s = 0; s < m; s++) {
    // A merge may only join points or clusters made at earlier steps.
    if (a[s]! < 0 || b[s]! < 0 || a[s]! >= n + s || b[s]! >= n + s || a[s] === b[s]) {
      throw new MlError(
        'SHAPE_MISMATCH',
        `${who}: merge ${s} joins clusters ${a[s]} and ${b[s]}, but only ids 0..${n + s - 1} exist then`,
        { step: s },
      );
    }
  }
}
