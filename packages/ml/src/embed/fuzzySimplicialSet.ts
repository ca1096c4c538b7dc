import type { KnnGraph } from './knn.ts';

/**
 * A square sparse matrix in CSR form: row i's entries are `indices/values[indptr[i] .. indptr[i+1])`,
 * columns ascending within a row.
 */
export interface SparseGraph {
  n: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/**
 * Per-point scale of the fuzzy neighbourhood (umap-learn's smooth_knn_dist): rho_i is the
 * distance to the nearest other point that is not a duplicate (local connectivity 1), and sigma_i
 * is found by 64 steps of bisection so that sum_j exp(-(d_ij - rho_i) / sigma_i) = log2(k) over
 * the k - 1 neighbours. sigma is floored at 1e-3 x the mean neighbour distance.
 *
 * Complexity: O(n k) per bisection step, O(64 n k) at most.
 *
 * @example
 * const { sigmas, rhos } = smoothKnnDistances(exactKnn(x, 15, 'euclidean'));
 */
export function smoothKnnDistances(knn: KnnGraph): { sigmas: Float64Array; rhos: Float64Array } {
  const { n, k, distances } = knn;
  const target = Math.log2(k);
  const sigmas = new Float64Array(n);
  const rhos = new Float64Array(n);
  let total = 0;
  for (let t = 0; t < n * k; t++) total += distances[t];
  const meanAll = total / (n * k);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let rho = 0;
    let rowSum = 0;
    // Rows are sorted, so the first positive distance is the nearest non-duplicate neighbour.
    for (let j = 0; j < k; j++) {
      const d = distances[base + j];
      rowSum += d;
      if (rho === 0 && d > 0) rho = d;
    }
    let lo = 0;
    let hi = Number.POSITIVE_INFINITY;
    let mid = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let j = 1; j < k; j++) {
        const d = distances[base + j] - rho;
        psum += d > 0 ? Math.exp(-d / mid) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Number.POSITIVE_INFINITY ? mid * 2 : (lo + hi) / 2;
      }
    }
    const floor = MIN_K_DIST_SCALE * (rho > 0 ? rowSum / k : meanAll);
    sigmas[i] = Math.max(mid, floor);
    rhos[i] = rho;
  }
  return { sigmas, rhos };
}

/**
 * The fuzzy simplicial set of a kNN graph (McInnes et al. 2018, section 3): directed memberships
 * w_ij = exp(-(d_ij - rho_i) / sigma_i) (1 for the nearest), symmetrised by the probabilistic
 * fuzzy union w + w^T - w o w^T. Zero entries (each point with itself) are dropped.
 *
 * Complexity: O(n k log k) time and O(n k) memory.
 *
 * @example
 * const graph = fuzzySimplicialSet(exactKnn(x, 15, 'euclidean'));
 * // graph.values[graph.indptr[i] .. graph.indptr[i + 1]) are i's memberships, in (0, 1]
 */
export function fuzzySimplicialSet(knn: KnnGraph): SparseGraph {
  const { n, k, indices, distances } = knn;
  const { sigmas, rhos } = smoothKnnDistances(knn);

  // Directed memberships in CSR form with sorted columns, so w_ji can be found by bisection.
  const dPtr = new Int32Array(n + 1);
  const dCol = new Int32Array(n * k);
  const dVal = new Float64Array(n * k);
  let nnz = 0;
  const order = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let m = 0;
    for (let j = 0; j < k; j++) {
      const c = indices[base + j];
      if (c >= 0 && c !== i) order[m++] = j;
    }
    // Insertion sort by column: rows hold about 15 entries.
    for (let a = 1; a < m; a++) {
      const v = order[a];
      let b = a - 1;
      while (b >= 0 && indices[base + order[b]] > indices[base + v]) {
        order[b + 1] = order[b];
        b--;
      }
      order[b + 1] = v;
    }
    for (let a = 0; a < m; a++) {
      const j = order[a];
      const d = distances[base + j] - rhos[i];
      dCol[nnz] = indices[base + j];
      dVal[nnz] = d <= 0 || sigmas[i] === 0 ? 1 : Math.exp(-d / sigmas[i]);
      nnz++;
    }
    dPtr[i + 1] = nnz;
  }

  // Each union entry is emitted once: from (i, j) itself, and for (j, i) only when w_ji is absent.
  const rows = new Int32Array(2 * nnz);
  const cols = new Int32Array(2 * nnz);
  const vals = new Float64Array(2 * nnz);
  let m = 0;
  for (let i = 0; i < n; i++) {
    for (let e = dPtr[i]; e < dPtr[i + 1]; e++) {
      const j = dCol[e];
      const w = dVal[e];
      const back = findInRow(dPtr, dCol, j, i);
      const wt = back < 0 ? 0 : dVal[back];
      const u = w + wt - w * wt;
      if (u <= 0) continue;
      rows[m] = i;
      cols[m] = j;
      vals[m] = u;
      m++;
      if (back < 0) {
        rows[m] = j;
        cols[m] = i;
        vals[m] = u;
        m++;
      }
    }
  }
  return cooToCsr(n, rows.subarray(0, m), cols.subarray(0, m), vals.subarray(0, m));
}

function findInRow(ptr: Int32Array, col: Int32Array, row: number, target: number): number {
  let lo = ptr[row];
  let hi = ptr[row + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = col[mid];
    if (c === target) return mid;
    if (c < target) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Builds CSR from coordinate triples without duplicate (row, col) pairs: a stable counting sort
 * by column, then by row, leaves columns ascending within each row. O(nnz + n).
 */
export function cooToCsr(n: number, rows: Int32Array, cols: Int32Array, vals: Float64Array): SparseGraph {
  const nnz = rows.length;
  const byCol = countingOrder(n, cols, null);
  const byRow = countingOrder(n, rows, byCol);
  const indptr = new Int32Array(n + 1);
  for (let e = 0; e < nnz; e++) indptr[rows[e] + 1]++;
  for (let i = 0; i < n; i++) indptr[i + 1] += indptr[i];
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let t = 0; t < nnz; t++) {
    const e = byRow[t];
    indices[t] = cols[e];
    values[t] = vals[e];
  }
  return { n, indptr, indices, values };
}

/** Stable counting sort of positions (in `within` order, or 0..nnz-1) by `keys`. */
function countingOrder(n: number, keys: Int32Array, within: Int32Array | null): Int32Array {
  const nnz = keys.length;
  const start = new Int32Array(n + 1);
  for (let e = 0; e < nnz; e++) start[keys[e] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const out = new Int32Array(nnz);
  for (let t = 0; t < nnz; t++) {
    const e = within === null ? t : within[t];
    out[start[keys[e]]++] = e;
  }
  return out;
}
