import type { Matrix } from '../matrix.ts';
import { encodeClusterLabels } from './contingency.ts';

/**
 * Calinski-Harabasz index (variance ratio criterion), equal to scikit-learn 1.2's
 * `calinski_harabasz_score` to ~1e-12: between-cluster dispersion / within-cluster dispersion,
 * each divided by its degrees of freedom, (B / (k - 1)) / (W / (n - k)). Higher is better; it has no
 * upper bound and is only comparable across clusterings of the same rows.
 *
 * Returns 1 when every cluster is a single repeated point (W = 0), as scikit-learn does. Label -1
 * is an ordinary cluster.
 *
 * Shapes: x is n x p, labels has length n. Time O(n p), memory O(k p).
 * Throws `MlError`: EMPTY_INPUT, SHAPE_MISMATCH, NON_FINITE, BAD_OPTION unless 2 <= k <= n - 1.
 *
 * @example
 * calinskiHarabasz(fromRows([[0], [1], [10], [11]]), Int32Array.from([0, 0, 1, 1])); // 200
 */
export function calinskiHarabasz(x: Matrix, labels: ArrayLike<number>): number {
  const { codes, counts } = encodeClusterLabels(x, labels, 'calinskiHarabasz');
  const n = x.rows;
  const p = x.cols;
  const k = counts.length;
  const d = x.data;

  const mean = new Float64Array(p);
  const centroids = new Float64Array(k * p);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    const co = codes[i]! * p;
    for (let t = 0; t < p; t++) {
      mean[t] += d[o + t]!;
      centroids[co + t] += d[o + t]!;
    }
  }
  for (let t = 0; t < p; t++) mean[t] /= n;
  for (let c = 0; c < k; c++) for (let t = 0; t < p; t++) centroids[c * p + t] /= counts[c]!;

  let extra = 0;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let t = 0; t < p; t++) {
      const diff = centroids[c * p + t]! - mean[t]!;
      s += diff * diff;
    }
    extra += counts[c]! * s;
  }
  let intra = 0;
  for (let i = 0; i < n; i++) {
    const o = i * p;
    const co = codes[i]! * p;
    for (let t = 0; t < p; t++) {
      const diff = d[o + t]! - centroids[co + t]!;
      intra += diff * diff;
    }
  }
  return intra === 0 ? 1 : (extra * (n - k)) / (intra * (k - 1));
}
