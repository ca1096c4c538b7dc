import type { Matrix } from '../matrix.ts';
import { encodeClusterLabels } from './contingency.ts';

/**
 * Davies-Bouldin index, equal to scikit-learn 1.2's `davies_bouldin_score` to ~1e-12: the mean over
 * clusters of max_j (s_i + s_j) / d(c_i, c_j), where s_i is the mean Euclidean distance of cluster
 * i's rows to its centroid c_i. Lower is better; 0 is the minimum.
 *
 * As in scikit-learn: returns 0 when all s_i are ~0 or all centroid distances are ~0 (|v| <= 1e-8),
 * and a pair of clusters with identical centroids is skipped (its distance counts as infinite).
 * Label -1 is an ordinary cluster.
 *
 * Shapes: x is n x p, labels has length n. Time O(n p + k^2 p), memory O(k p).
 * Throws `MlError`: EMPTY_INPUT, SHAPE_MISMATCH, NON_FINITE, BAD_OPTION unless 2 <= k <= n - 1.
 *
 * @example
 * daviesBouldin(fromRows([[0], [1], [10], [11]]), Int32Array.from([0, 0, 1, 1])); // 0.1
 */
export function daviesBouldin(x: Matrix, labels: ArrayLike<number>): number {
  const { codes, counts } = encodeClusterLabels(x, labels, 'daviesBouldin');
  const n = x.rows;
  const p = x.cols;
  const k = counts.length;
  const d = x.data;

  const centroids = new Float64Array(k * p);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    const co = codes[i]! * p;
    for (let t = 0; t < p; t++) centroids[co + t] += d[o + t]!;
  }
  for (let c = 0; c < k; c++) for (let t = 0; t < p; t++) centroids[c * p + t] /= counts[c]!;

  const intra = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    const co = codes[i]! * p;
    let s = 0;
    for (let t = 0; t < p; t++) {
      const diff = d[o + t]! - centroids[co + t]!;
      s += diff * diff;
    }
    intra[codes[i]!] += Math.sqrt(s);
  }
  // scikit-learn's np.allclose(v, 0): every |v| <= 1e-8.
  const tiny = 1e-8;
  let allIntraZero = true;
  for (let c = 0; c < k; c++) {
    intra[c] /= counts[c]!;
    if (Math.abs(intra[c]!) > tiny) allIntraZero = false;
  }
  const between = new Float64Array(k * k);
  let allBetweenZero = true;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let t = 0; t < p; t++) {
        const diff = centroids[a * p + t]! - centroids[b * p + t]!;
        s += diff * diff;
      }
      const dist = Math.sqrt(s);
      between[a * k + b] = dist;
      between[b * k + a] = dist;
      if (dist > tiny) allBetweenZero = false;
    }
  }
  if (allIntraZero || allBetweenZero) return 0;

  let total = 0;
  for (let a = 0; a < k; a++) {
    let worst = Number.NEGATIVE_INFINITY;
    for (let b = 0; b < k; b++) {
      const dist = between[a * k + b]!;
      // Zero distance (b = a, or coinciding centroids) is infinite in scikit-learn: ratio 0.
      const ratio = dist === 0 ? 0 : (intra[a]! + intra[b]!) / dist;
      if (ratio > worst) worst = ratio;
    }
    total += worst;
  }
  return total / k;
}
