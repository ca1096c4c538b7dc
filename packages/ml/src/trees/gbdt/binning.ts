import { MlError } from '../../errors.ts';
import type { Matrix } from '../../matrix.ts';
import { Rng } from '../../random.ts';

/**
 * How one feature maps to bins. Value bins are 0 .. nBins - 1; the missing bin (NaN) is nBins,
 * so a feature uses nBins + 1 histogram slots.
 *
 * Numeric: bin b holds thresholds[b - 1] < x <= thresholds[b] (thresholds has nBins - 1 values,
 * the upper edges of bins 0 .. nBins - 2), so "bin <= b" is exactly "x <= thresholds[b]".
 * Categorical: bin b holds the whole-number codes codes[b] (one code per bin, except the last
 * bin lumping the rarest codes when there are more codes than bins).
 */
export interface FeatureBins {
  categorical: boolean;
  nBins: number;
  thresholds: Float64Array;
  codes: number[][];
}

/**
 * Binned training data: Uint8 bins, row-major (`bins[i * p + f]`: building a histogram reads
 * each row's bins together, measured 1.5x faster than column-major on 300,000 x 40), and each
 * feature's mapping. Feature f's histogram slots are f * 256 .. f * 256 + nBins (the fixed
 * stride keeps the hot loop free of an offset lookup).
 */
export interface BinnedData {
  n: number;
  p: number;
  bins: Uint8Array;
  features: FeatureBins[];
}

/** Histogram slots per feature. */
export const STRIDE = 256;

export interface BinningOptions {
  /** Bins per feature including the missing bin, 3..256. */
  maxBins: number;
  /** Indices of the categorical features. */
  categorical: ReadonlySet<number>;
  /** Rows sampled (seeded) to place numeric quantile edges; all rows when n is smaller. */
  sampleRows: number;
  seed: number;
}

/**
 * Quantile binning as scikit-learn's `_BinMapper`: numeric features with at most maxBins - 1
 * distinct values (in the sample) get one bin per value, cut at the midpoints between
 * consecutive values; others are cut at the "midpoint" percentiles k / (maxBins - 1), k = 1 ..
 * maxBins - 2, of a seeded sample (duplicate edges merged). NaN goes to the missing bin.
 * Categorical features: one bin per distinct code (ascending); with more codes than
 * maxBins - 1, the maxBins - 2 most frequent keep their own bin and the rest share the last.
 *
 * O(p (s log s + n log maxBins)) for s sampled rows.
 */
export function binData(x: Matrix, o: BinningOptions): BinnedData {
  const { rows: n, cols: p, data } = x;
  const valueBins = o.maxBins - 1;
  const sample =
    n > o.sampleRows
      ? new Rng(o.seed).sample(n, o.sampleRows).sort()
      : Int32Array.from({ length: n }, (_, i) => i);
  const features: FeatureBins[] = [];
  const bins = new Uint8Array(n * p);
  const col = new Float64Array(sample.length);
  const colBins = new Uint8Array(n);
  for (let f = 0; f < p; f++) {
    let fb: FeatureBins;
    if (o.categorical.has(f)) {
      fb = categoricalBins(x, f, valueBins);
    } else {
      let m = 0;
      for (let k = 0; k < sample.length; k++) {
        const v = data[sample[k]! * p + f]!;
        if (!Number.isNaN(v)) col[m++] = v;
      }
      fb = numericBins(col.subarray(0, m).sort(), valueBins);
    }
    features.push(fb);
    mapColumn(x, f, fb, colBins);
    for (let i = 0; i < n; i++) bins[i * p + f] = colBins[i]!;
  }
  return { n, p, bins, features };
}

/** Edges from sorted non-missing values (scikit-learn `_find_binning_thresholds`). */
export function numericBins(sorted: Float64Array, valueBins: number): FeatureBins {
  const m = sorted.length;
  let distinct = 0;
  for (let k = 0; k < m; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) distinct++;
  const edges: number[] = [];
  if (distinct <= valueBins) {
    for (let k = 1; k < m; k++)
      if (sorted[k] !== sorted[k - 1]) edges.push(clip((sorted[k - 1]! + sorted[k]!) / 2));
  } else {
    // numpy percentile(method="midpoint"): the mean of the two order statistics around q (n - 1).
    for (let k = 1; k < valueBins; k++) {
      const pos = (k / valueBins) * (m - 1);
      const e = clip((sorted[Math.floor(pos)]! + sorted[Math.ceil(pos)]!) / 2);
      if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
    }
  }
  return { categorical: false, nBins: edges.length + 1, thresholds: Float64Array.from(edges), codes: [] };
}

function clip(v: number): number {
  return Math.min(Math.max(v, -Number.MAX_VALUE), Number.MAX_VALUE);
}

function categoricalBins(x: Matrix, f: number, valueBins: number): FeatureBins {
  const { rows: n, cols: p, data } = x;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = data[i * p + f]!;
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new MlError(
        'BAD_OPTION',
        `gbdt: categorical feature ${f} holds ${v} at row ${i}; categorical features hold whole-number codes >= 0 (NaN for missing)`,
        { row: i, column: f },
      );
    }
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  let codes = [...counts.keys()].sort((a, b) => a - b);
  const groups: number[][] = [];
  if (codes.length > valueBins) {
    // Most frequent first (ties: smaller code first); the tail shares one bin.
    const byCount = codes.slice().sort((a, b) => counts.get(b)! - counts.get(a)! || a - b);
    const kept = new Set(byCount.slice(0, valueBins - 1));
    codes = codes.filter((c) => kept.has(c));
    for (const c of codes) groups.push([c]);
    groups.push(byCount.slice(valueBins - 1).sort((a, b) => a - b));
  } else {
    for (const c of codes) groups.push([c]);
  }
  return {
    categorical: true,
    nBins: Math.max(1, groups.length),
    thresholds: new Float64Array(0),
    codes: groups,
  };
}

/** Bins of column f of x (training or new data; an unseen category goes to the missing bin). */
export function mapColumn(x: Matrix, f: number, fb: FeatureBins, out: Uint8Array): void {
  const { rows: n, cols: p, data } = x;
  const missing = fb.nBins;
  if (fb.categorical) {
    const lookup = new Map<number, number>();
    fb.codes.forEach((g, b) => {
      for (const c of g) lookup.set(c, b);
    });
    for (let i = 0; i < n; i++) out[i] = lookup.get(data[i * p + f]!) ?? missing;
    return;
  }
  const t = fb.thresholds;
  const nt = t.length;
  for (let i = 0; i < n; i++) {
    const v = data[i * p + f]!;
    if (Number.isNaN(v)) {
      out[i] = missing;
      continue;
    }
    // First edge >= v (binary search), i.e. the bin b with t[b - 1] < v <= t[b].
    let lo = 0;
    let hi = nt;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= t[mid]!) hi = mid;
      else lo = mid + 1;
    }
    out[i] = lo;
  }
}
