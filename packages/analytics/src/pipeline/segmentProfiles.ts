import type { Matrix } from '@clientele/ml';
import { InputError } from '../errors.ts';
import type { SegmentReport } from './runReport.ts';

/** A segment's numbers, before it is named and explained. */
export type SegmentProfile = Omit<SegmentReport, 'name' | 'description' | 'drivers'>;

/**
 * What each segment looks like, in the units a person reads: one entry per segment 0..k-1, in
 * order, with its size, share of customers, share of revenue, and per feature the mean, population
 * standard deviation, min, quartiles (numpy's linear interpolation, as `np.percentile`), max and
 * the z-score of the segment's mean against all customers: (segment mean - overall mean) / overall
 * population std, 0 when the overall std is 0.
 *
 * - `x` is the unscaled feature matrix (n x p), `features` its p column names, `labels` the
 *   segment of each row (0..k-1).
 * - Rows labelled -1 (DBSCAN noise) belong to no segment: they are left out of the k segments but
 *   still count as customers, so `share` is size / n (the shares then sum to less than 1) and the
 *   overall mean and std behind `z` are over all n rows.
 * - `revenue` (n values, optional): `revenueShare` is the segment's sum over the sum of all n rows
 *   (noise included); null without revenue or when all revenue sums to 0. NaN revenue counts as 0.
 * - Missing values (NaN) in `x` are skipped: each statistic is over the rows that have the feature.
 *   A segment with no rows (or no values of a feature) gets NaN statistics and z = 0.
 *
 * Time O(n p): rows are grouped by segment once, then each feature is gathered in one pass and the
 * quartiles of each segment's slice found by quickselect (no sort). Memory O(n) besides the output.
 */
export function profileSegments(
  x: Matrix,
  features: string[],
  labels: Int32Array,
  k: number,
  opts: { revenue?: Float64Array } = {},
): SegmentProfile[] {
  const { rows: n, cols: p, data } = x;
  checkSegmentInput(x, features, labels, k);
  const revenue = opts.revenue;
  if (revenue !== undefined && revenue.length !== n) {
    throw new InputError('BAD_OPTION', `profileSegments: revenue has ${revenue.length} values for ${n} rows`);
  }

  // Rows grouped by segment (counting sort, input order kept within a segment).
  const size = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (c >= 0) size[c]!++;
  }
  const start = new Int32Array(k + 1);
  for (let c = 0; c < k; c++) start[c + 1] = start[c]! + size[c]!;
  const order = new Int32Array(start[k]!);
  const fill = start.slice(0, k);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (c >= 0) order[fill[c]!++] = i;
  }

  let revenueShare: Float64Array | null = null;
  if (revenue !== undefined) {
    const seg = new Float64Array(k);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const r = revenue[i]!;
      if (Number.isNaN(r)) continue;
      total += r;
      const c = labels[i]!;
      if (c >= 0) seg[c]! += r;
    }
    if (total !== 0) {
      revenueShare = seg;
      for (let c = 0; c < k; c++) seg[c]! /= total;
    }
  }

  const out: SegmentProfile[] = [];
  for (let c = 0; c < k; c++) {
    out.push({
      id: c,
      size: size[c]!,
      share: n === 0 ? 0 : size[c]! / n,
      revenueShare: revenueShare === null ? null : revenueShare[c]!,
      stats: [],
    });
  }

  const buf = new Float64Array(order.length);
  const quart = new Float64Array(5);
  for (let j = 0; j < p; j++) {
    // Overall mean and population std over all rows that have the feature (two passes).
    let sum = 0;
    let m = 0;
    for (let i = 0, o = j; i < n; i++, o += p) {
      const v = data[o]!;
      if (!Number.isNaN(v)) {
        sum += v;
        m++;
      }
    }
    const mean = m > 0 ? sum / m : Number.NaN;
    let ss = 0;
    for (let i = 0, o = j; i < n; i++, o += p) {
      const d = data[o]! - mean;
      if (!Number.isNaN(d)) ss += d * d;
    }
    const std = m > 0 ? Math.sqrt(ss / m) : Number.NaN;

    for (let c = 0; c < k; c++) {
      const lo = start[c]!;
      let hi = lo;
      let s = 0;
      for (let t = lo, end = start[c + 1]!; t < end; t++) {
        const v = data[order[t]! * p + j]!;
        if (!Number.isNaN(v)) {
          buf[hi++] = v;
          s += v;
        }
      }
      const cnt = hi - lo;
      const name = features[j]!;
      if (cnt === 0) {
        const nan = Number.NaN;
        out[c]!.stats.push({
          feature: name,
          mean: nan,
          std: nan,
          min: nan,
          q1: nan,
          median: nan,
          q3: nan,
          max: nan,
          z: 0,
        });
        continue;
      }
      const segMean = s / cnt;
      let sq = 0;
      for (let t = lo; t < hi; t++) {
        const d = buf[t]! - segMean;
        sq += d * d;
      }
      quartilesInPlace(buf.subarray(lo, hi), quart);
      out[c]!.stats.push({
        feature: name,
        mean: segMean,
        std: Math.sqrt(sq / cnt),
        min: quart[3]!,
        q1: quart[0]!,
        median: quart[1]!,
        q3: quart[2]!,
        max: quart[4]!,
        z: std > 0 ? (segMean - mean) / std : 0,
      });
    }
  }
  return out;
}

/** Throws InputError unless names, labels (0..k-1 or -1) and k fit x; shared by the segment steps. */
export function checkSegmentInput(x: Matrix, features: string[], labels: Int32Array, k: number): void {
  if (features.length !== x.cols) {
    throw new InputError('BAD_OPTION', `${features.length} feature names for ${x.cols} columns`);
  }
  if (labels.length !== x.rows) {
    throw new InputError('BAD_OPTION', `${labels.length} segment labels for ${x.rows} rows`);
  }
  if (!Number.isInteger(k) || k < 1) {
    throw new InputError('BAD_OPTION', `the number of segments must be a whole number >= 1, got ${k}`);
  }
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c < -1 || c >= k) {
      throw new InputError(
        'BAD_OPTION',
        `row ${i} has segment ${c}; segments are 0..${k - 1}, or -1 for noise`,
        { row: i, segment: c },
      );
    }
  }
}

/**
 * q1, median, q3, min and max (into out[0..4]) of finite, non-empty values, as `np.percentile(v,
 * [25, 75])`, `np.median(v)`, min and max: the order statistics around each position are found by
 * nested quickselects, then interpolated as `quantileSorted` does (numpy's linear method and its
 * `_lerp`). Reorders `a`. Expected O(n).
 */
export function quartilesInPlace(a: Float64Array, out: Float64Array): void {
  const n = a.length;
  const last = n - 1;
  const m = last >> 1;
  select(a, 0, last, m);
  const am = a[m]!;
  const mNext = m < last ? minOf(a, m + 1, last) : am;
  out[1] = n % 2 === 1 ? am : (am + mNext) / 2;
  // First quartile: its order statistics lie in [0, m].
  const p1 = last * 0.25;
  const l1 = Math.floor(p1);
  let a1 = am;
  let b1 = mNext;
  if (l1 < m) {
    select(a, 0, m - 1, l1);
    a1 = a[l1]!;
    b1 = l1 + 1 <= m - 1 ? minOf(a, l1 + 1, m - 1) : am;
  }
  out[0] = lerp(a1, b1, p1 - l1);
  // Third quartile: in [m, n - 1].
  const p3 = last * 0.75;
  const l3 = Math.floor(p3);
  let a3 = am;
  let b3 = mNext;
  if (l3 > m) {
    select(a, m + 1, last, l3);
    a3 = a[l3]!;
    b3 = l3 < last ? minOf(a, l3 + 1, last) : a3;
  }
  out[2] = lerp(a3, b3, p3 - l3);
  out[3] = l1 < m ? minOf(a, 0, l1) : minOf(a, 0, m);
  out[4] = maxOf(a, l3 > m ? l3 : m, last);
}

/** numpy's `_lerp`: interpolates from the nearer end, as `quantileSorted`. */
function lerp(a: number, b: number, gamma: number): number {
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

function minOf(a: Float64Array, lo: number, hi: number): number {
  let v = a[lo]!;
  for (let t = lo + 1; t <= hi; t++) if (a[t]! < v) v = a[t]!;
  return v;
}

function maxOf(a: Float64Array, lo: number, hi: number): number {
  let v = a[lo]!;
  for (let t = lo + 1; t <= hi; t++) if (a[t]! > v) v = a[t]!;
  return v;
}

/**
 * Hoare quickselect with a median-of-three pivot: afterwards a[k] is the k-th smallest of
 * a[lo..hi], smaller-or-equal values before it, larger-or-equal after. Runs of equal values split
 * evenly, so tied data do not go quadratic.
 */
function select(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const x = a[lo]!;
    const y = a[(lo + hi) >> 1]!;
    const z = a[hi]!;
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
