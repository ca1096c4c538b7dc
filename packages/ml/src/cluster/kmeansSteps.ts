/**
 * Building blocks shared by the k-means variants (Lloyd, Hamerly, Elkan, mini-batch).
 * Internal to `cluster/`: flat buffers in, flat buffers out, no validation (callers validate).
 */
import type { Matrix } from '../matrix.ts';

/**
 * Squared Euclidean distance between a[ao .. ao+p) and b[bo .. bo+p), summed in column order
 * so it is bit-identical to {@link sqDistsToAll}.
 */
export function sqDist(a: Float64Array, ao: number, b: Float64Array, bo: number, p: number): number {
  let s = 0;
  for (let t = 0; t < p; t++) {
    const d = a[ao + t]! - b[bo + t]!;
    s += d * d;
  }
  return s;
}

/**
 * out[j] = squared distance from row xd[xo .. xo+p) to centre j, for all k centres. Centres are
 * taken four (then two) at a time so the row is loaded once per block and the sums run in
 * parallel (about 1.5x faster than k {@link sqDist} calls); each sum is bit-identical to sqDist.
 */
export function sqDistsToAll(
  xd: Float64Array,
  xo: number,
  centers: Float64Array,
  k: number,
  p: number,
  out: Float64Array,
): void {
  let j = 0;
  for (; j + 3 < k; j += 4) {
    const o0 = j * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let t = 0; t < p; t++) {
      const v = xd[xo + t]!;
      const d0 = v - centers[o0 + t]!;
      const d1 = v - centers[o1 + t]!;
      const d2 = v - centers[o2 + t]!;
      const d3 = v - centers[o3 + t]!;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  if (j + 1 < k) {
    const o0 = j * p;
    const o1 = o0 + p;
    let s0 = 0;
    let s1 = 0;
    for (let t = 0; t < p; t++) {
      const v = xd[xo + t]!;
      const d0 = v - centers[o0 + t]!;
      const d1 = v - centers[o1 + t]!;
      s0 += d0 * d0;
      s1 += d1 * d1;
    }
    out[j] = s0;
    out[j + 1] = s1;
    j += 2;
  }
  if (j < k) out[j] = sqDist(xd, xo, centers, j * p, p);
}

/**
 * Nearest centre of every row (lowest index on ties) into `labels`; returns the inertia.
 * O(n k p). When `sums`/`counts` are given they are overwritten with per-cluster sums and sizes.
 */
export function assignNearest(
  xd: Float64Array,
  n: number,
  p: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  sums?: Float64Array,
  counts?: Float64Array,
): number {
  if (sums) sums.fill(0);
  if (counts) counts.fill(0);
  const dist = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * p;
    sqDistsToAll(xd, xo, centers, k, p, dist);
    let best = 0;
    let bestD = dist[0]!;
    for (let j = 1; j < k; j++) {
      if (dist[j]! < bestD) {
        bestD = dist[j]!;
        best = j;
      }
    }
    labels[i] = best;
    total += bestD;
    if (sums && counts) {
      counts[best]! += 1;
      const so = best * p;
      for (let t = 0; t < p; t++) sums[so + t]! += xd[xo + t];
    }
  }
  return total;
}

/** Per-cluster sums of rows and sizes for the given labels (overwrites `sums`, `counts`). O(n p). */
export function clusterSums(
  xd: Float64Array,
  n: number,
  p: number,
  labels: Int32Array,
  sums: Float64Array,
  counts: Float64Array,
): void {
  sums.fill(0);
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const a = labels[i]!;
    counts[a]! += 1;
    const so = a * p;
    const xo = i * p;
    for (let t = 0; t < p; t++) sums[so + t]! += xd[xo + t];
  }
}

/** Moves row x (at offset xo) from cluster a's running sum to cluster b's. */
export function moveRow(
  xd: Float64Array,
  xo: number,
  p: number,
  a: number,
  b: number,
  sums: Float64Array,
  counts: Float64Array,
): void {
  counts[a]! -= 1;
  counts[b]! += 1;
  const ao = a * p;
  const bo = b * p;
  for (let t = 0; t < p; t++) {
    const v = xd[xo + t]!;
    sums[ao + t]! -= v;
    sums[bo + t]! += v;
  }
}

/** sum_i ||x_i - c_{labels_i}||^2, O(n p). */
export function labelledInertia(
  xd: Float64Array,
  n: number,
  p: number,
  centers: Float64Array,
  labels: Int32Array,
): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += sqDist(xd, i * p, centers, labels[i]! * p, p);
  return total;
}

/**
 * New centres = per-cluster means, written to `next`. Empty clusters are first moved, as in
 * scikit-learn, onto the rows farthest from their current centre (each such row leaves its old
 * cluster's sum); when every row sits exactly on its centre (fewer distinct rows than k) that is
 * pointless, and an empty cluster is parked on the largest cluster's centre instead of NaN.
 * `sums`/`counts` (k x p, k) are left untouched (relocation works on copies, allocated only
 * then), so incremental variants can keep updating them.
 */
export function updateCenters(
  xd: Float64Array,
  n: number,
  p: number,
  labels: Int32Array,
  current: Float64Array,
  next: Float64Array,
  k: number,
  sums: Float64Array,
  counts: Float64Array,
): void {
  let nEmpty = 0;
  for (let j = 0; j < k; j++) if (counts[j] === 0) nEmpty++;
  if (nEmpty > 0) {
    sums = sums.slice();
    counts = counts.slice();
    relocateEmpty(xd, n, p, labels, current, sums, counts, nEmpty, new Float64Array(n));
  }
  let biggest = 0;
  for (let j = 1; j < k; j++) if (counts[j]! > counts[biggest]!) biggest = j;
  for (let j = 0; j < k; j++) {
    const w = counts[j]!;
    if (w > 0) {
      // Multiplying by the reciprocal, as scikit-learn does, keeps results bit-comparable.
      const alpha = 1 / w;
      for (let t = 0; t < p; t++) next[j * p + t] = sums[j * p + t]! * alpha;
    }
  }
  for (let j = 0; j < k; j++) {
    if (counts[j]! > 0) continue;
    for (let t = 0; t < p; t++) next[j * p + t] = next[biggest * p + t]!;
  }
}

function relocateEmpty(
  xd: Float64Array,
  n: number,
  p: number,
  labels: Int32Array,
  current: Float64Array,
  sums: Float64Array,
  counts: Float64Array,
  nEmpty: number,
  dist: Float64Array,
): void {
  let maxD = 0;
  for (let i = 0; i < n; i++) {
    const d = sqDist(xd, i * p, current, labels[i]! * p, p);
    dist[i] = d;
    if (d > maxD) maxD = d;
  }
  if (maxD === 0) return;
  const far = farthest(dist, Math.min(nEmpty, n));
  let e = 0;
  for (let j = 0; j < counts.length && e < far.length; j++) {
    if (counts[j] !== 0) continue;
    const r = far[e++]!;
    const old = labels[r]!;
    const ro = r * p;
    for (let t = 0; t < p; t++) {
      sums[old * p + t]! -= xd[ro + t];
      sums[j * p + t] = xd[ro + t]!;
    }
    counts[j] = 1;
    counts[old]! -= 1;
  }
}

/** Indices of the m largest values, largest first (lower index first on ties); O(n m). */
function farthest(values: Float64Array, m: number): Int32Array {
  const idx = new Int32Array(m).fill(-1);
  const val = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v <= val[m - 1]!) continue;
    let s = m - 1;
    while (s > 0 && val[s - 1]! < v) {
      val[s] = val[s - 1]!;
      idx[s] = idx[s - 1]!;
      s--;
    }
    val[s] = v;
    idx[s] = i;
  }
  return idx;
}

/**
 * shift[j] = ||next_j - current_j|| (Euclidean, not squared); returns sum_j shift[j]^2, the
 * quantity scikit-learn compares with its tolerance.
 */
export function centerShifts(
  current: Float64Array,
  next: Float64Array,
  k: number,
  p: number,
  shift: Float64Array,
): number {
  let total = 0;
  for (let j = 0; j < k; j++) {
    const s = sqDist(current, j * p, next, j * p, p);
    shift[j] = Math.sqrt(s);
    total += s;
  }
  return total;
}

/**
 * half[a * k + b] = ||c_a - c_b|| / 2, and `nearest[a]` = half the distance from c_a to its
 * nearest other centre (Infinity when k = 1): a row within that radius of c_a cannot be closer
 * to any other centre.
 */
export function halfCenterDistances(
  centers: Float64Array,
  k: number,
  p: number,
  half: Float64Array,
  nearest: Float64Array,
): void {
  nearest.fill(Number.POSITIVE_INFINITY);
  for (let a = 0; a < k; a++) {
    half[a * k + a] = 0;
    for (let b = a + 1; b < k; b++) {
      const h = 0.5 * Math.sqrt(sqDist(centers, a * p, centers, b * p, p));
      half[a * k + b] = h;
      half[b * k + a] = h;
      if (h < nearest[a]!) nearest[a] = h;
      if (h < nearest[b]!) nearest[b] = h;
    }
  }
}

/** scikit-learn's `_tolerance`: tol times the mean over columns of the population variance. */
export function absoluteTolerance(x: Matrix, tol: number): number {
  if (tol === 0) return 0;
  const { data, rows: n, cols: p } = x;
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let t = 0; t < p; t++) mean[t]! += data[i * p + t];
  for (let t = 0; t < p; t++) mean[t]! /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < p; t++) {
      const d = data[i * p + t]! - mean[t]!;
      ss += d * d;
    }
  }
  return (ss / (n * p)) * tol;
}

/**
 * True when `a` refines `b` label by label (scikit-learn's `_is_same_clustering`): the same
 * partition up to renaming. Lets a later run with a rounding-level better inertia but the same
 * partition leave the earlier result in place.
 */
export function isSameClustering(a: Int32Array, b: Int32Array, k: number): boolean {
  const map = new Int32Array(k).fill(-1);
  for (let i = 0; i < a.length; i++) {
    const la = a[i]!;
    if (map[la] === -1) map[la] = b[i]!;
    else if (map[la] !== b[i]) return false;
  }
  return true;
}
