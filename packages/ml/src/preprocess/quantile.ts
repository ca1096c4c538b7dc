import type { Matrix } from '../matrix.ts';

/**
 * The q-quantile (q in [0, 1]) of ascending, finite, non-empty values by numpy's default 'linear'
 * method (R type 7): position (n - 1) q, interpolated between its neighbours with numpy's `_lerp`
 * formula, so results match `np.percentile(v, 100 q)` bit for bit at q = 0.25, 0.5, 0.75.
 *
 * O(1). The caller sorts; see {@link columnQuantiles} for whole columns.
 *
 * @example
 * quantileSorted(Float64Array.from([1, 2, 3, 4]), 0.25); // 1.75
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const pos = (n - 1) * q;
  const lo = Math.min(Math.max(Math.floor(pos), 0), n - 1);
  const hi = Math.min(lo + 1, n - 1);
  const gamma = pos - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const diff = b - a;
  // numpy interpolates from the nearer end, which keeps the result inside [a, b] when rounding.
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Median of ascending, finite, non-empty values as `np.median`: the mean of the middle two for even n. */
export function medianSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/** Per-column quartiles; columns not examined hold NaN. Each array has length p. */
export interface ColumnQuartiles {
  q1: Float64Array;
  median: Float64Array;
  q3: Float64Array;
}

/**
 * First quartile, median and third quartile of each column of a finite, non-empty matrix, as
 * `np.percentile(col, [25, 75])` and `np.median(col)`. Only the listed `columns` are computed (all
 * by default); the others stay NaN.
 *
 * Time O(n log n) per column, memory O(n) scratch.
 *
 * @example
 * const { q1, q3 } = columnQuartiles(x);
 */
export function columnQuartiles(x: Matrix, columns?: ArrayLike<number>): ColumnQuartiles {
  const { rows: n, cols: p, data } = x;
  const q1 = new Float64Array(p).fill(Number.NaN);
  const median = new Float64Array(p).fill(Number.NaN);
  const q3 = new Float64Array(p).fill(Number.NaN);
  const col = new Float64Array(n);
  const count = columns ? columns.length : p;
  for (let c = 0; c < count; c++) {
    const j = columns ? columns[c]! : c;
    for (let i = 0; i < n; i++) col[i] = data[i * p + j]!;
    col.sort();
    q1[j] = quantileSorted(col, 0.25);
    median[j] = medianSorted(col);
    q3[j] = quantileSorted(col, 0.75);
  }
  return { q1, median, q3 };
}
