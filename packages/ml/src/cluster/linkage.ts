import { MlError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';
import { assertFinite } from '../matrix.ts';
import type { Merges } from './dendrogram.ts';
import { sortAndRelabel } from './dendrogram.ts';

/** How the distance between two clusters is defined. */
export type LinkageMethod = 'ward' | 'average' | 'complete' | 'single';

/** The accepted {@link LinkageMethod} values. */
export const LINKAGE_METHODS: readonly LinkageMethod[] = ['ward', 'average', 'complete', 'single'];

/**
 * Largest row count for the matrix-based linkages (ward, average, complete): their condensed
 * distance matrix takes 4 n (n - 1) bytes, 1.6 GB at n = 20,000 and 3.6 GB at 30,000.
 */
export const MAX_MATRIX_ROWS = 30_000;

/**
 * Up to this many rows the matrix-based linkages keep the full square matrix (8 n^2 bytes,
 * 512 MB at 8,000 rows) unless `compact` is set: every scan then reads one contiguous row, about
 * twice as fast as the condensed half, whose column reads stride across memory.
 */
export const SQUARE_MAX_ROWS = 8_000;

/** Options for {@link linkage}. */
export interface LinkageOptions {
  /** Called with (merges done, n - 1) about a hundred times while merging. */
  onProgress?: (done: number, total: number) => void;
  /** Always use the condensed matrix: half the memory, about half the speed. Default false. */
  compact?: boolean;
}

/**
 * The full agglomerative dendrogram of the rows of `x` under Euclidean distance, identical to
 * scipy's `scipy.cluster.hierarchy.linkage(x, method)` (same ids, same heights, same order) when
 * no two merge heights tie.
 *
 * - ward, average, complete: nearest-neighbour chain with Lance-Williams updates on the pairwise
 *   distance matrix (Müllner 2011). O(n^2 p) time for the distances plus O(n^2) for the chain.
 *   Memory: 8 n^2 bytes up to {@link SQUARE_MAX_ROWS} rows (153 MB at n = 4,372), else (or with
 *   `compact`) the condensed 4 n (n - 1) bytes (1.6 GB at n = 20,000); n is capped at
 *   {@link MAX_MATRIX_ROWS}. Ward heights are on scipy's scale: the Lance-Williams Ward distance,
 *   which between two single points is their Euclidean distance.
 * - single: minimum spanning tree by Prim's algorithm with distances computed on the fly.
 *   O(n^2 p) time, O(n) memory, no row cap.
 *
 * @param x n x p data, finite
 * @param method linkage criterion
 * @returns {@link Merges} with n - 1 steps in non-decreasing height order
 * @example
 * const z = linkage(fromRows([[0], [1], [3]]), 'single');
 * // z.a = [0, 2], z.b = [1, 3], z.height = [1, 2], z.size = [2, 3]
 */
export function linkage(x: Matrix, method: LinkageMethod, options: LinkageOptions = {}): Merges {
  checkLinkageMethod(method, 'linkage');
  checkData(x, method, 'linkage');
  const n = x.rows;
  const rec: Recorded = {
    a: new Int32Array(n - 1),
    b: new Int32Array(n - 1),
    height: new Float64Array(n - 1),
  };
  const report = progress(n - 1, options.onProgress);
  if (method === 'single') {
    primSingle(x, rec, report);
  } else if (n > 1) {
    const square = !options.compact && n <= SQUARE_MAX_ROWS;
    // d[rowStart[i] + j] is the pair (i, j) for i < j in both layouts; the square one also
    // holds (j, i) at rowStart[j] + i. Int32 suffices: n <= MAX_MATRIX_ROWS.
    const rowStart = new Int32Array(n);
    for (let i = 0; i < n; i++) rowStart[i] = square ? i * n : n * i - (i * (i + 1)) / 2 - i - 1;
    const d = pairwiseDistances(x, rowStart, square, method === 'ward');
    nnChain(d, n, rowStart, square, method, rec, report);
    if (method === 'ward') for (let s = 0; s < n - 1; s++) rec.height[s] = Math.sqrt(rec.height[s]!);
  }
  return sortAndRelabel(rec.a, rec.b, rec.height, n);
}

/** Merges by representative point, in the order found. */
interface Recorded {
  a: Int32Array;
  b: Int32Array;
  height: Float64Array;
}

type Report = (done: number) => void;

function progress(total: number, onProgress?: (done: number, total: number) => void): Report {
  if (!onProgress) return () => {};
  const every = Math.max(1, Math.floor(total / 100));
  return (done) => {
    if (done % every === 0 || done === total) onProgress(done, total);
  };
}

/**
 * Euclidean distances between rows (squared for Ward, whose update is linear in squared
 * distances and so needs no square root per update). Each sum runs over the columns in order,
 * as scipy's pdist does, so the values match it bit for bit.
 */
function pairwiseDistances(x: Matrix, rowStart: Int32Array, square: boolean, squared: boolean): Float64Array {
  const n = x.rows;
  const p = x.cols;
  const xd = x.data;
  const d = new Float64Array(square ? n * n : (n * (n - 1)) / 2);
  const xi = new Float64Array(p);
  for (let i = 0; i < n - 1; i++) {
    xi.set(xd.subarray(i * p, i * p + p));
    const base = rowStart[i]!;
    let j = i + 1;
    // Four pairs at a time: independent sums keep the floating-point pipeline busy.
    for (; j + 3 < n; j += 4) {
      const o0 = j * p;
      const o1 = o0 + p;
      const o2 = o1 + p;
      const o3 = o2 + p;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < p; t++) {
        const v = xi[t]!;
        const e0 = v - xd[o0 + t]!;
        const e1 = v - xd[o1 + t]!;
        const e2 = v - xd[o2 + t]!;
        const e3 = v - xd[o3 + t]!;
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      d[base + j] = s0;
      d[base + j + 1] = s1;
      d[base + j + 2] = s2;
      d[base + j + 3] = s3;
    }
    for (; j < n; j++) {
      const o = j * p;
      let s = 0;
      for (let t = 0; t < p; t++) {
        const e = xi[t]! - xd[o + t]!;
        s += e * e;
      }
      d[base + j] = s;
    }
    for (j = i + 1; j < n; j++) {
      const v = squared ? d[base + j]! : Math.sqrt(d[base + j]!);
      if (v === Number.POSITIVE_INFINITY) throw overflow('linkage');
      d[base + j] = v;
    }
  }
  if (square) mirrorUpper(d, n);
  return d;
}

/** Copies the upper triangle of a square n x n matrix onto the lower, in cache-sized blocks. */
function mirrorUpper(d: Float64Array, n: number): void {
  const B = 64;
  for (let bi = 0; bi < n; bi += B) {
    const ei = Math.min(bi + B, n);
    for (let bj = bi; bj < n; bj += B) {
      const ej = Math.min(bj + B, n);
      for (let i = bi; i < ei; i++) {
        for (let j = Math.max(bj, i + 1); j < ej; j++) d[j * n + i] = d[i * n + j]!;
      }
    }
  }
}

function overflow(who: string): MlError {
  return new MlError(
    'NON_FINITE',
    `${who}: a squared distance between rows overflows to Infinity; rescale the columns (e.g. standardise) first`,
  );
}

/**
 * Nearest-neighbour chain (Müllner 2011, NN-chain-linkage) on the distance matrix `d`, which it
 * overwrites. Mirrors scipy's `nn_chain`: the chain starts at the lowest active cluster, ties
 * prefer the previous chain element and then the lowest index, and the merged cluster keeps the
 * larger index. Records merges by representative point, unsorted.
 */
function nnChain(
  d: Float64Array,
  n: number,
  rowStart: Int32Array,
  square: boolean,
  method: LinkageMethod,
  rec: Recorded,
  report: Report,
): void {
  const size = new Int32Array(n).fill(1);
  // Active clusters in increasing index order.
  const act = new Int32Array(n);
  for (let i = 0; i < n; i++) act[i] = i;
  let m = n;
  const chain = new Int32Array(n);
  let len = 0;

  for (let step = 0; step < n - 1; step++) {
    if (len === 0) chain[len++] = act[0]!;
    let x: number;
    let y: number;
    let best: number;
    for (;;) {
      x = chain[len - 1]!;
      // Starting from the previous element means a tie never sends the chain round in a cycle.
      if (len > 1) {
        y = chain[len - 2]!;
        best = d[x < y ? rowStart[x]! + y : rowStart[y]! + x]!;
      } else {
        y = x === act[0] ? act[1]! : act[0]!;
        best = Number.POSITIVE_INFINITY;
      }
      let r = 0;
      if (!square) {
        for (; act[r]! < x; r++) {
          const i = act[r]!;
          const v = d[rowStart[i]! + x]!;
          if (v < best) {
            best = v;
            y = i;
          }
        }
      }
      const rx = rowStart[x]!;
      for (; r < m; r++) {
        const i = act[r]!;
        if (i === x) continue;
        const v = d[rx + i]!;
        if (v < best) {
          best = v;
          y = i;
        }
      }
      if (len > 1 && y === chain[len - 2]) break;
      chain[len++] = y;
    }
    len -= 2;
    if (x > y) {
      const t = x;
      x = y;
      y = t;
    }
    rec.a[step] = x;
    rec.b[step] = y;
    rec.height[step] = best;
    const nx = size[x]!;
    const ny = size[y]!;
    // x leaves; y becomes the merged cluster.
    size[x] = 0;
    size[y] = nx + ny;
    const px = positionOf(act, m, x);
    act.copyWithin(px, px + 1, m);
    m--;
    updateRows(d, rowStart, square, act, m, size, x, y, nx, ny, best, method);
    report(step + 1);
  }
}

function positionOf(sorted: Int32Array, m: number, v: number): number {
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Lance-Williams update of every active cluster's distance to the new cluster in slot y. */
function updateRows(
  d: Float64Array,
  rowStart: Int32Array,
  square: boolean,
  act: Int32Array,
  m: number,
  size: Int32Array,
  x: number,
  y: number,
  nx: number,
  ny: number,
  dxy: number,
  method: LinkageMethod,
): void {
  const rx = rowStart[x]!;
  const ry = rowStart[y]!;
  // One loop per method keeps a per-element switch out of the hot loop. The square layout
  // also needs the mirror entry (i, y) written.
  if (method === 'ward') {
    for (let r = 0; r < m; r++) {
      const i = act[r]!;
      if (i === y) continue;
      const ix = square || i > x ? rx + i : rowStart[i]! + x;
      const iy = square || i > y ? ry + i : rowStart[i]! + y;
      const ni = size[i]!;
      let v = ((ni + nx) * d[ix]! + (ni + ny) * d[iy]! - ni * dxy) / (ni + nx + ny);
      // Rounding can push a zero distance (duplicate points) just below zero.
      if (v < 0) v = 0;
      d[iy] = v;
      if (square) d[rowStart[i]! + y] = v;
    }
  } else if (method === 'average') {
    for (let r = 0; r < m; r++) {
      const i = act[r]!;
      if (i === y) continue;
      const ix = square || i > x ? rx + i : rowStart[i]! + x;
      const iy = square || i > y ? ry + i : rowStart[i]! + y;
      const v = (nx * d[ix]! + ny * d[iy]!) / (nx + ny);
      d[iy] = v;
      if (square) d[rowStart[i]! + y] = v;
    }
  } else {
    for (let r = 0; r < m; r++) {
      const i = act[r]!;
      if (i === y) continue;
      const ix = square || i > x ? rx + i : rowStart[i]! + x;
      const iy = square || i > y ? ry + i : rowStart[i]! + y;
      const v = Math.max(d[ix]!, d[iy]!);
      d[iy] = v;
      if (square) d[rowStart[i]! + y] = v;
    }
  }
}

/**
 * Single linkage as a minimum spanning tree (Prim, dense, distances on the fly), the way scipy's
 * `mst_single_linkage` does it: each step records (last added point, nearest outside point), and
 * the later sort and union-find turn those edges into the dendrogram.
 */
function primSingle(x: Matrix, rec: Recorded, report: Report): void {
  const n = x.rows;
  const p = x.cols;
  const xd = x.data;
  // Squared distances: the order is the same and only the n - 1 chosen edges need a root.
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const rest = new Int32Array(Math.max(n - 1, 0));
  for (let i = 1; i < n; i++) rest[i - 1] = i;
  let restLen = n - 1;
  let cur = 0;
  for (let step = 0; step < n - 1; step++) {
    const co = cur * p;
    let best = Number.POSITIVE_INFINITY;
    let bestPos = 0;
    for (let r = 0; r < restLen; r++) {
      const i = rest[r]!;
      const io = i * p;
      let s = 0;
      for (let t = 0; t < p; t++) {
        const diff = xd[co + t]! - xd[io + t]!;
        s += diff * diff;
      }
      if (s < nearest[i]!) nearest[i] = s;
      if (nearest[i]! < best) {
        best = nearest[i]!;
        bestPos = r;
      }
    }
    if (best === Number.POSITIVE_INFINITY) throw overflow('linkage');
    const y = rest[bestPos]!;
    // Keeping `rest` in index order keeps tie-breaking the same as scipy's.
    rest.copyWithin(bestPos, bestPos + 1, restLen);
    restLen--;
    rec.a[step] = cur;
    rec.b[step] = y;
    rec.height[step] = Math.sqrt(best);
    cur = y;
    report(step + 1);
  }
}

/** Throws MlError BAD_OPTION unless `method` is one of {@link LINKAGE_METHODS}. */
export function checkLinkageMethod(method: unknown, who: string): asserts method is LinkageMethod {
  if (!LINKAGE_METHODS.includes(method as LinkageMethod)) {
    throw new MlError(
      'BAD_OPTION',
      `${who}: linkage '${String(method)}' is unknown; use one of ${LINKAGE_METHODS.join(', ')}`,
      { linkage: method },
    );
  }
}

function checkData(x: Matrix, method: LinkageMethod, who: string): void {
  if (x.rows === 0) throw new MlError('EMPTY_INPUT', `${who}: the data has no rows; nothing to cluster`);
  if (x.cols === 0) {
    throw new MlError('EMPTY_INPUT', `${who}: the data has no columns; give each row at least one feature`);
  }
  assertFinite(x, who);
  if (method !== 'single' && x.rows > MAX_MATRIX_ROWS) {
    const gb = ((4 * x.rows * (x.rows - 1)) / 1e9).toFixed(1);
    throw new MlError(
      'BAD_OPTION',
      `${who}: ${method} linkage on ${x.rows} rows needs a ${gb} GB distance matrix (limit ` +
        `${MAX_MATRIX_ROWS} rows); cluster a sample, pre-aggregate with k-means, or use single linkage`,
      { rows: x.rows, maxRows: MAX_MATRIX_ROWS },
    );
  }
}
