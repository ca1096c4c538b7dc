import type { Matrix } from '../matrix.ts';
import { Rng } from '../random.ts';

/** Ranges this small are scanned directly: cheaper than more levels of pivots. */
const BUCKET = 12;

/** Exact k nearest neighbours of every row: `indices[i * k + t]` is the t-th nearest (ascending). */
export interface KnnGraph {
  k: number;
  /** n * k row indices, nearest first; row i itself is never listed (its duplicates are). */
  indices: Int32Array;
  /** n * k Euclidean distances matching `indices`. */
  distances: Float64Array;
}

/**
 * Vantage-point tree (Yianilos 1993) over the rows of a matrix, for exact Euclidean
 * k-nearest-neighbour queries. Stored implicitly in two flat arrays: the node for the range
 * [lo, hi) of `order` has its vantage point at `order[lo]`, its median radius at
 * `radius[lo]`, the inside half at [lo + 1, mid) and the outside half at [mid, hi) with
 * mid = (lo + 1 + hi) >>> 1; ranges of at most 12 rows are leaves scanned directly.
 *
 * Build O(n log n) distance evaluations, O(n) memory (the matrix is referenced, not copied).
 * A query costs O(log n) distance evaluations when the data's intrinsic dimension is low and
 * degrades towards O(n) (a full scan) when it is high; it is never wrong, only slower.
 *
 * @example
 * const tree = new VpTree(x);            // x: Matrix n x p
 * const { indices } = tree.knnGraph(10);  // each row's 10 nearest other rows
 */
export class VpTree {
  private readonly x: Matrix;
  private readonly order: Int32Array;
  private readonly radius: Float64Array;
  // Query state, kept on the instance so the recursive search allocates nothing.
  private heapIdx = new Int32Array(0);
  private heapDist = new Float64Array(0);
  private heapSize = 0;
  private k = 0;
  private queryOffset = 0;
  private queryData: Float64Array = new Float64Array(0);
  private exclude = -1;

  /** Builds the tree; `seed` picks the vantage points (the answers do not depend on it, up to ties). */
  constructor(x: Matrix, seed = 0) {
    this.x = x;
    const n = x.rows;
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    this.radius = new Float64Array(n);
    const scratch = new Float64Array(n);
    this.build(0, n, new Rng(seed), scratch);
  }

  /**
   * k nearest rows of the tree to `point` (a length-p array, or row `offset / p` of `data`),
   * nearest first, written to `outIdx` / `outDist` (length >= k). `exclude` is a row index
   * to skip (-1 for none). Returns how many were found: min(k, rows available).
   */
  query(
    data: Float64Array,
    offset: number,
    k: number,
    outIdx: Int32Array,
    outDist: Float64Array,
    exclude = -1,
  ): number {
    if (this.heapIdx.length < k) {
      this.heapIdx = new Int32Array(k);
      this.heapDist = new Float64Array(k);
    }
    this.k = k;
    this.heapSize = 0;
    this.queryData = data;
    this.queryOffset = offset;
    this.exclude = exclude;
    if (k > 0 && this.order.length > 0) this.search(0, this.order.length);
    // Pop the max-heap from the back to get ascending order.
    const found = this.heapSize;
    for (let t = found - 1; t >= 0; t--) {
      outIdx[t] = this.heapIdx[0]!;
      outDist[t] = this.heapDist[0]!;
      this.popMax();
    }
    return found;
  }

  /** k nearest other rows for every row of the indexed matrix (requires k <= n - 1). */
  knnGraph(k: number): KnnGraph {
    const n = this.x.rows;
    const p = this.x.cols;
    if (k > n - 1) throw new RangeError(`VpTree.knnGraph: k = ${k} needs at least ${k + 1} rows, have ${n}`);
    const indices = new Int32Array(n * k);
    const distances = new Float64Array(n * k);
    const idx = new Int32Array(k);
    const dist = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      this.query(this.x.data, i * p, k, idx, dist, i);
      indices.set(idx, i * k);
      distances.set(dist, i * k);
    }
    return { k, indices, distances };
  }

  private build(lo: number, hi: number, rng: Rng, dist: Float64Array): void {
    // Iterate on the outer half, recurse on the inner: depth stays O(log n).
    while (hi - lo > BUCKET) {
      const order = this.order;
      const r = lo + rng.int(hi - lo);
      const t = order[lo]!;
      order[lo] = order[r]!;
      order[r] = t;
      const vp = order[lo]!;
      for (let s = lo + 1; s < hi; s++) dist[s] = this.rowDistance(vp, order[s]!);
      const mid = (lo + 1 + hi) >>> 1;
      select(order, dist, lo + 1, hi - 1, mid);
      this.radius[lo] = dist[mid]!;
      this.build(lo + 1, mid, rng, dist);
      lo = mid;
    }
  }

  private search(lo: number, hi: number): void {
    const order = this.order;
    if (hi - lo <= BUCKET) {
      for (let s = lo; s < hi; s++) {
        const j = order[s]!;
        if (j !== this.exclude) this.offer(j, this.queryDistance(j));
      }
      return;
    }
    const vp = order[lo]!;
    const d = this.queryDistance(vp);
    if (vp !== this.exclude) this.offer(vp, d);
    const mu = this.radius[lo]!;
    const mid = (lo + 1 + hi) >>> 1;
    // Rows inside are within mu of vp, rows outside at least mu away; by the triangle
    // inequality a half can hold a closer row only if |d - mu| <= tau. The 1e-12 slack keeps
    // rounding from pruning an exact tie.
    if (d < mu) {
      this.search(lo + 1, mid);
      if (mu - d <= this.tau() * (1 + 1e-12)) this.search(mid, hi);
    } else {
      this.search(mid, hi);
      if (d - mu <= this.tau() * (1 + 1e-12)) this.search(lo + 1, mid);
    }
  }

  /** Current k-th best distance (infinite until k candidates are held). */
  private tau(): number {
    return this.heapSize < this.k ? Number.POSITIVE_INFINITY : this.heapDist[0]!;
  }

  private offer(j: number, d: number): void {
    const hd = this.heapDist;
    const hi = this.heapIdx;
    if (this.heapSize < this.k) {
      // Sift up.
      let c = this.heapSize++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (hd[parent]! >= d) break;
        hd[c] = hd[parent]!;
        hi[c] = hi[parent]!;
        c = parent;
      }
      hd[c] = d;
      hi[c] = j;
    } else if (d < hd[0]!) {
      this.siftDown(d, j, this.heapSize);
    }
  }

  private popMax(): void {
    const last = --this.heapSize;
    if (last > 0) this.siftDown(this.heapDist[last]!, this.heapIdx[last]!, last);
  }

  /** Places (d, j) at the root of a max-heap of `size` and sifts it down. */
  private siftDown(d: number, j: number, size: number): void {
    const hd = this.heapDist;
    const hi = this.heapIdx;
    let c = 0;
    for (;;) {
      let child = 2 * c + 1;
      if (child >= size) break;
      if (child + 1 < size && hd[child + 1]! > hd[child]!) child++;
      if (hd[child]! <= d) break;
      hd[c] = hd[child]!;
      hi[c] = hi[child]!;
      c = child;
    }
    hd[c] = d;
    hi[c] = j;
  }

  private rowDistance(a: number, b: number): number {
    const { data, cols: p } = this.x;
    const ao = a * p;
    const bo = b * p;
    let s = 0;
    for (let t = 0; t < p; t++) {
      const v = data[ao + t]! - data[bo + t]!;
      s += v * v;
    }
    return Math.sqrt(s);
  }

  private queryDistance(j: number): number {
    const { data, cols: p } = this.x;
    const q = this.queryData;
    const qo = this.queryOffset;
    const jo = j * p;
    let s = 0;
    for (let t = 0; t < p; t++) {
      const v = q[qo + t]! - data[jo + t]!;
      s += v * v;
    }
    return Math.sqrt(s);
  }
}

/**
 * Quickselect on positions [left, right] (inclusive) of `order`, keyed by `dist` (moved along):
 * afterwards dist[nth] is the value a full sort would put there, smaller-or-equal ones before it.
 */
function select(order: Int32Array, dist: Float64Array, left: number, right: number, nth: number): void {
  while (right > left) {
    // Median of three as pivot: sorted or clustered input would make a fixed pivot quadratic.
    const m = (left + right) >>> 1;
    if (dist[m]! < dist[left]!) swap(order, dist, m, left);
    if (dist[right]! < dist[left]!) swap(order, dist, right, left);
    if (dist[right]! < dist[m]!) swap(order, dist, right, m);
    const pivot = dist[m]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (dist[i]! < pivot) i++;
      while (dist[j]! > pivot) j--;
      if (i <= j) {
        swap(order, dist, i, j);
        i++;
        j--;
      }
    }
    if (nth <= j) right = j;
    else if (nth >= i) left = i;
    else return;
  }
}

function swap(order: Int32Array, dist: Float64Array, a: number, b: number): void {
  const t = order[a]!;
  order[a] = order[b]!;
  order[b] = t;
  const d = dist[a]!;
  dist[a] = dist[b]!;
  dist[b] = d;
}
