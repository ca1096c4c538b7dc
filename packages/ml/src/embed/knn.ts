import type { Matrix } from '../matrix.ts';
import { heapPushUnchecked, makeHeap, type NeighborHeap, sortHeaps } from './neighborHeap.ts';

/**
 * Distances UMAP can build its neighbour graph from.
 * - `euclidean`: straight-line distance between rows.
 * - `hamming`: the fraction of columns in which two rows differ (values compared exactly), for
 *   categorical codes such as the leaf index of each tree in a forest.
 */
export type UmapMetric = 'euclidean' | 'hamming';

/**
 * A k-nearest-neighbour graph: row i's neighbours are `indices[i * k .. i * k + k)` in ascending
 * distance, with the point itself first (distance 0), as umap-learn expects.
 */
export interface KnnGraph {
  /** Rows (points). */
  n: number;
  /** Neighbours per row, the point itself included. */
  k: number;
  /** n x k neighbour indices, row-major. */
  indices: Int32Array;
  /** n x k distances in the metric's own units, row-major. */
  distances: Float64Array;
}

/**
 * A "reduced" distance between rows i and j of the same flat data: monotone in the true
 * distance and cheaper (squared euclidean, count of differing columns).
 */
export type ReducedDistance = (data: Float64Array, p: number, i: number, j: number) => number;

function sqEuclidean(data: Float64Array, p: number, i: number, j: number): number {
  const a = i * p;
  const b = j * p;
  let s = 0;
  for (let t = 0; t < p; t++) {
    const d = data[a + t] - data[b + t];
    s += d * d;
  }
  return s;
}

function hammingCount(data: Float64Array, p: number, i: number, j: number): number {
  const a = i * p;
  const b = j * p;
  let s = 0;
  for (let t = 0; t < p; t++) if (data[a + t] !== data[b + t]) s++;
  return s;
}

/** The reduced distance for a metric (see `ReducedDistance`). */
export function reducedDistance(metric: UmapMetric): ReducedDistance {
  return metric === 'hamming' ? hammingCount : sqEuclidean;
}

/** Converts a reduced distance back to the metric's units. */
export function trueDistance(metric: UmapMetric, reduced: number, p: number): number {
  return metric === 'hamming' ? reduced / p : Math.sqrt(reduced);
}

/**
 * Turns per-row heaps of the k - 1 nearest *other* rows (reduced distances) into a `KnnGraph`
 * with the point itself prepended, in true distances.
 */
export function heapToKnnGraph(h: NeighborHeap, metric: UmapMetric, p: number): KnnGraph {
  sortHeaps(h);
  const n = h.n;
  const k = h.size + 1;
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    indices[i * k] = i;
    distances[i * k] = 0;
    for (let s = 0; s < h.size; s++) {
      const j = h.indices[i * h.size + s];
      indices[i * k + 1 + s] = j;
      distances[i * k + 1 + s] =
        j < 0 ? Number.POSITIVE_INFINITY : trueDistance(metric, h.distances[i * h.size + s], p);
    }
  }
  return { n, k, indices, distances };
}

/**
 * Exact k nearest neighbours by brute force (each pair's distance computed once).
 * `k` counts the point itself, so k = 15 gives 14 other rows; requires 1 <= k <= x.rows.
 * Deterministic: ties at the k-th place are settled by the order rows are visited.
 *
 * Complexity: O(n^2 p / 2 + n^2 log k) time, O(n k) memory; fine up to a few thousand rows.
 *
 * @example
 * const g = exactKnn(fromRows([[0], [1], [3]]), 2, 'euclidean');
 * // g.indices = [0, 1, 1, 0, 2, 1], g.distances = [0, 1, 0, 1, 0, 2]
 */
export function exactKnn(x: Matrix, k: number, metric: UmapMetric): KnnGraph {
  const n = x.rows;
  const p = x.cols;
  const data = x.data;
  const dist = reducedDistance(metric);
  const heap = makeHeap(n, k - 1);
  if (k > 1) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const d = dist(data, p, i, j);
        heapPushUnchecked(heap, i, d, j, 0);
        heapPushUnchecked(heap, j, d, i, 0);
      }
    }
  }
  return heapToKnnGraph(heap, metric, p);
}
