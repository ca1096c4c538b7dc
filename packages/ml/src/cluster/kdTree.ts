import { MlError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';
import { heapPush, heapReplaceTop } from './neighborHeap.ts';
import { NeighborList } from './neighborList.ts';
import { selectNth } from './selectNth.ts';

/** Options for {@link KdTree}. */
export interface KdTreeOptions {
  /**
   * Target points per leaf (scikit-learn's `leaf_size` semantics: leaves hold between about
   * `leafSize / 2` and `2 * leafSize` points). Smaller leaves prune more but cost more nodes.
   * Default 32; a value >= the row count gives a single leaf, i.e. brute force.
   */
  leafSize?: number;
}

/**
 * A k-d tree over the rows of a matrix, for exact Euclidean radius and k-nearest-neighbour
 * queries. Built like scikit-learn's `KDTree`: a complete binary tree whose nodes split at the
 * median of the widest dimension, each node keeping its tight bounding box.
 *
 * Distances are computed as `sum_j (q_j - x_j)^2` in column order and compared squared, so a
 * radius query returns exactly the rows a brute-force scan with `d^2 <= r * r` returns
 * (points at distance exactly `r` are included), and box pruning can never drop such a row.
 *
 * Cost: build O(n p log n) time, O(n p) memory (a reordered copy of the data, for locality).
 * A query on low-dimensional data (p up to ~15) touches O(log n + hits) nodes in practice; in
 * high dimension pruning fails and queries degrade toward O(n p). Queries write into a
 * caller-owned {@link NeighborList} and reuse the tree's scratch space, so a loop of queries
 * allocates only when a result outgrows every earlier one (queries are not re-entrant). Rows can be hidden from later queries with
 * {@link KdTree.remove} (and brought back with {@link KdTree.restoreAll}); the data never changes.
 *
 * @example
 * const tree = new KdTree(x);               // x: Matrix, n x p
 * const out = new NeighborList();
 * tree.radius(x.data, 0.5, out, 3 * x.cols); // neighbours of row 3 within 0.5 (row 3 included)
 * tree.knn(q, 5, out);                       // 5 nearest rows to q, closest first
 */
export class KdTree {
  readonly rows: number;
  readonly cols: number;
  readonly leafSize: number;
  /** Tree position -> original row index; the points of node `i` are `order[start[i] .. end[i])`. */
  readonly order: Int32Array;
  private readonly pts: Float64Array;
  private readonly nNodes: number;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  /** Dimension each internal node splits on; its children meet at point `start + size / 2`. */
  private readonly splitDim: Int32Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  /** Points of each node not removed by {@link remove}. */
  private readonly live: Int32Array;
  /** 1 per tree position whose row has not been removed. */
  private readonly alive: Uint8Array;
  /** Row index -> tree position. */
  private readonly posOf: Int32Array;
  private readonly stack: Int32Array;
  private readonly stackBound: Float64Array;
  private farSqDist = 0;
  private heapIdx = new Int32Array(0);
  private heapDist = new Float64Array(0);

  constructor(x: Matrix, options: KdTreeOptions = {}) {
    const leafSize = options.leafSize ?? 32;
    if (!Number.isInteger(leafSize) || leafSize < 1) {
      throw new MlError('BAD_OPTION', `k-d tree: leafSize = ${leafSize} must be an integer >= 1`);
    }
    assertFinite(x, 'k-d tree');
    const n = x.rows;
    const p = x.cols;
    this.rows = n;
    this.cols = p;
    this.leafSize = leafSize;
    // Same level count as scikit-learn: every leaf sits at the bottom level.
    const levels = n <= 1 ? 1 : Math.floor(Math.log2(Math.max(1, (n - 1) / leafSize))) + 1;
    const nNodes = 2 ** levels - 1;
    this.nNodes = nNodes;
    this.start = new Int32Array(nNodes);
    this.end = new Int32Array(nNodes);
    this.splitDim = new Int32Array(nNodes);
    this.lo = new Float64Array(nNodes * p);
    this.hi = new Float64Array(nNodes * p);
    this.stack = new Int32Array(levels + 1);
    this.stackBound = new Float64Array(levels + 1);

    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const data = x.data;
    const firstLeaf = (nNodes - 1) >> 1;
    this.start[0] = 0;
    this.end[0] = n;
    for (let node = 0; node < nNodes; node++) {
      const s = this.start[node];
      const e = this.end[node];
      const widest = this.fitBounds(node, data, order, s, e);
      if (node < firstLeaf) {
        const mid = s + ((e - s) >> 1);
        if (e - s > 1) selectNth(order, data, p, widest, s, e - 1, mid);
        this.splitDim[node] = widest;
        this.start[2 * node + 1] = s;
        this.end[2 * node + 1] = mid;
        this.start[2 * node + 2] = mid;
        this.end[2 * node + 2] = e;
      }
    }
    this.order = order;
    this.posOf = new Int32Array(n);
    for (let t = 0; t < n; t++) this.posOf[order[t]] = t;
    this.live = new Int32Array(nNodes);
    this.alive = new Uint8Array(n);
    this.restoreAll();
    const pts = new Float64Array(n * p);
    for (let t = 0; t < n; t++) pts.set(data.subarray(order[t] * p, order[t] * p + p), t * p);
    this.pts = pts;
  }

  /** Sets node's bounding box from its points; returns the dimension of widest spread. */
  private fitBounds(node: number, data: Float64Array, order: Int32Array, s: number, e: number): number {
    const p = this.cols;
    const lo = this.lo;
    const hi = this.hi;
    const b = node * p;
    for (let j = 0; j < p; j++) {
      lo[b + j] = Number.POSITIVE_INFINITY;
      hi[b + j] = Number.NEGATIVE_INFINITY;
    }
    for (let t = s; t < e; t++) {
      const o = order[t] * p;
      for (let j = 0; j < p; j++) {
        const v = data[o + j];
        if (v < lo[b + j]) lo[b + j] = v;
        if (v > hi[b + j]) hi[b + j] = v;
      }
    }
    let widest = 0;
    let spread = -1;
    for (let j = 0; j < p; j++) {
      if (hi[b + j] - lo[b + j] > spread) {
        spread = hi[b + j] - lo[b + j];
        widest = j;
      }
    }
    return widest;
  }

  /**
   * Squared distance from the query to node's box (0 inside). Each term is no larger than the
   * matching term of any point in the box, so in floating point too it never exceeds a point's
   * squared distance: pruning on it is exact.
   */
  private minSqDist(node: number, q: Float64Array, off: number): number {
    const p = this.cols;
    const b = node * p;
    let s = 0;
    for (let j = 0; j < p; j++) {
      const v = q[off + j];
      const l = this.lo[b + j];
      if (v < l) {
        const d = l - v;
        s += d * d;
      } else {
        const h = this.hi[b + j];
        if (v > h) {
          const d = v - h;
          s += d * d;
        }
      }
    }
    return s;
  }

  /**
   * One pass over node's box: returns {@link minSqDist} and leaves the squared distance to the
   * farthest corner in `farSqDist`. No point in the box is farther than that corner, with the
   * same floating-point argument, so "box inside the ball" is exact too.
   */
  private boxSqDist(node: number, q: Float64Array, off: number): number {
    const p = this.cols;
    const lo = this.lo;
    const hi = this.hi;
    const b = node * p;
    let near = 0;
    let far = 0;
    for (let j = 0; j < p; j++) {
      const v = q[off + j];
      const a = v - lo[b + j];
      const c = hi[b + j] - v;
      if (a < 0) near += a * a;
      else if (c < 0) near += c * c;
      const d = Math.max(a, c);
      far += d * d;
    }
    this.farSqDist = far;
    return near;
  }

  private sqDistAt(t: number, q: Float64Array, off: number): number {
    const p = this.cols;
    const pts = this.pts;
    const o = t * p;
    let s = 0;
    for (let j = 0; j < p; j++) {
      const d = q[off + j] - pts[o + j];
      s += d * d;
    }
    return s;
  }

  /** Rows not removed, i.e. the rows queries can return. */
  get size(): number {
    return this.rows === 0 ? 0 : this.live[0];
  }

  /**
   * Hides a row from every later query (a no-op when already hidden), in O(log n). Nodes whose
   * rows are all hidden are skipped whole, so a sweep that removes what it has visited (DBSCAN
   * removes each point as it gets a label) keeps finding only what is left.
   */
  remove(row: number): void {
    if (!(row >= 0 && row < this.rows) || !Number.isInteger(row)) {
      throw new MlError('BAD_OPTION', `k-d tree remove: row ${row} is not in 0 .. ${this.rows - 1}`);
    }
    const t = this.posOf[row];
    if (this.alive[t] === 0) return;
    this.alive[t] = 0;
    const firstLeaf = (this.nNodes - 1) >> 1;
    let node = 0;
    for (;;) {
      this.live[node]--;
      if (node >= firstLeaf) return;
      const s = this.start[node];
      node = t < s + ((this.end[node] - s) >> 1) ? 2 * node + 1 : 2 * node + 2;
    }
  }

  /** Undoes every {@link remove}. */
  restoreAll(): void {
    for (let node = 0; node < this.nNodes; node++) this.live[node] = this.end[node] - this.start[node];
    this.alive.fill(1);
  }

  private checkQuery(q: Float64Array, off: number, who: string): void {
    if (off < 0 || off + this.cols > q.length) {
      throw new MlError(
        'SHAPE_MISMATCH',
        `k-d tree ${who}: query needs ${this.cols} values from offset ${off}, but the array has ${q.length}`,
      );
    }
  }

  /**
   * All rows within Euclidean distance `r` of the query (`d <= r`), in no particular order.
   * Replaces the contents of `out`; returns the count.
   *
   * @param query - the query point is `query[offset .. offset + cols)`; pass the tree's own
   *   matrix data and `i * cols` to query row i without copying it (row i is then in the result).
   * @param r - radius, in the units of the data; negative gives no rows.
   */
  radius(query: Float64Array, r: number, out: NeighborList, offset = 0): number {
    this.checkQuery(query, offset, 'radius');
    out.length = 0;
    if (this.rows === 0 || !(r >= 0)) return 0;
    const r2 = r * r;
    const stack = this.stack;
    const firstLeaf = (this.nNodes - 1) >> 1;
    const withDist = out.withDistances;
    const p = this.cols;
    const order = this.order;
    const live = this.live;
    const alive = this.alive;
    let sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const node = stack[--sp];
      if (live[node] === 0 || this.boxSqDist(node, query, offset) > r2) continue;
      const s = this.start[node];
      const e = this.end[node];
      const full = live[node] === e - s;
      const inside = this.farSqDist <= r2;
      if (inside && !withDist && full) {
        // The whole box is inside the ball: take every point without testing it.
        out.reserve(e - s);
        out.indices.set(order.subarray(s, e), out.length);
        out.length += e - s;
      } else if (inside || node >= firstLeaf) {
        out.reserve(e - s);
        const pts = this.pts;
        for (let t = s; t < e; t++) {
          if (!full && alive[t] === 0) continue;
          const o = t * p;
          let d2 = 0;
          for (let j = 0; j < p; j++) {
            const d = query[offset + j] - pts[o + j];
            d2 += d * d;
          }
          if (d2 <= r2) {
            if (withDist) out.distances[out.length] = Math.sqrt(d2);
            out.indices[out.length++] = order[t];
          }
        }
      } else {
        stack[sp++] = 2 * node + 2;
        stack[sp++] = 2 * node + 1;
      }
    }
    return out.length;
  }

  /**
   * The number of rows within distance `r` of the query (`d <= r`), without listing them: nodes
   * entirely inside the ball are counted whole, so this is cheaper than {@link radius}.
   *
   * @param limit - stop once the count reaches this and return a value >= limit (not the full
   *   count): enough to decide "at least m neighbours" (DBSCAN's core test) in dense regions
   *   without visiting the whole ball. Nodes are visited nearest side first to reach it sooner.
   */
  radiusCount(query: Float64Array, r: number, offset = 0, limit = Number.POSITIVE_INFINITY): number {
    this.checkQuery(query, offset, 'radiusCount');
    if (this.rows === 0 || !(r >= 0)) return 0;
    const r2 = r * r;
    const stack = this.stack;
    const firstLeaf = (this.nNodes - 1) >> 1;
    const p = this.cols;
    const pts = this.pts;
    const live = this.live;
    const alive = this.alive;
    let count = 0;
    let sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const node = stack[--sp];
      if (live[node] === 0 || this.boxSqDist(node, query, offset) > r2) continue;
      const s = this.start[node];
      const e = this.end[node];
      const full = live[node] === e - s;
      if (this.farSqDist <= r2) {
        count += live[node];
      } else if (node >= firstLeaf) {
        for (let t = s; t < e; t++) {
          if (!full && alive[t] === 0) continue;
          const o = t * p;
          let d2 = 0;
          for (let j = 0; j < p; j++) {
            const d = query[offset + j] - pts[o + j];
            d2 += d * d;
          }
          if (d2 <= r2) count++;
        }
      } else {
        const mid = s + ((e - s) >> 1);
        const dim = this.splitDim[node];
        const leftFirst = query[offset + dim] < pts[mid * p + dim];
        stack[sp++] = leftFirst ? 2 * node + 2 : 2 * node + 1;
        stack[sp++] = leftFirst ? 2 * node + 1 : 2 * node + 2;
      }
      if (count >= limit) return count;
    }
    return count;
  }

  /**
   * The `k` rows nearest the query, closest first; ties in distance go to the lower row index,
   * so the result is exactly a stable sort of all (not removed) rows by distance, cut at k. Fills `out`
   * (allocated when omitted) with k indices and Euclidean distances and returns it; `out`
   * must keep distances.
   *
   * @throws MlError BAD_OPTION when k is not an integer in 1 .. {@link size}.
   */
  knn(query: Float64Array, k: number, out?: NeighborList, offset = 0): NeighborList {
    this.checkQuery(query, offset, 'knn');
    if (!Number.isInteger(k) || k < 1 || k > this.size) {
      throw new MlError(
        'BAD_OPTION',
        `k-d tree knn: k = ${k} must be an integer from 1 to the ${this.size} rows in the tree`,
      );
    }
    const res = out ?? new NeighborList({ capacity: k });
    if (!res.withDistances) {
      throw new MlError('BAD_OPTION', 'k-d tree knn: the output NeighborList must keep distances');
    }
    if (this.heapIdx.length < k) {
      this.heapIdx = new Int32Array(k);
      this.heapDist = new Float64Array(k);
    }
    const hIdx = this.heapIdx;
    const hDist = this.heapDist;
    // Max-heap on (d^2, index): the root is the worst of the best k found so far.
    let size = 0;
    const stack = this.stack;
    const bound = this.stackBound;
    const firstLeaf = (this.nNodes - 1) >> 1;
    let sp = 0;
    stack[0] = 0;
    bound[0] = this.minSqDist(0, query, offset);
    sp = 1;
    while (sp > 0) {
      sp--;
      const node = stack[sp];
      // Equal bounds are not pruned: a tied point with a lower index may still enter.
      if (this.live[node] === 0 || (size === k && bound[sp] > hDist[0])) continue;
      if (node >= firstLeaf) {
        for (let t = this.start[node], e = this.end[node]; t < e; t++) {
          if (this.alive[t] === 0) continue;
          const d2 = this.sqDistAt(t, query, offset);
          const idx = this.order[t];
          if (size < k) {
            heapPush(hIdx, hDist, size++, idx, d2);
          } else if (d2 < hDist[0] || (d2 === hDist[0] && idx < hIdx[0])) {
            heapReplaceTop(hIdx, hDist, size, idx, d2);
          }
        }
      } else {
        const a = 2 * node + 1;
        const b = a + 1;
        const da = this.minSqDist(a, query, offset);
        const db = this.minSqDist(b, query, offset);
        // Push the nearer child last so it is visited first and tightens the bound sooner.
        const nearA = da <= db;
        stack[sp] = nearA ? b : a;
        bound[sp++] = nearA ? db : da;
        stack[sp] = nearA ? a : b;
        bound[sp++] = nearA ? da : db;
      }
    }
    res.length = 0;
    res.reserve(k);
    // Pop the heap from worst to best into the tail of the output.
    for (let m = size; m > 0; m--) {
      res.indices[m - 1] = hIdx[0];
      res.distances[m - 1] = Math.sqrt(hDist[0]);
      heapReplaceTop(hIdx, hDist, m - 1, hIdx[m - 1], hDist[m - 1]);
    }
    res.length = size;
    return res;
  }
}
