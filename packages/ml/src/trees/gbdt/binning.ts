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

/** Category codes must be below this (a split's bitset has a bit per code up to the largest). */
export const MAX_CATEGORY_CODE = 1 << 20;

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
  const m = sample.length;
  // The sample column-major, read in one pass over its (ascending) rows.
  const cols = new Float64Array(m * p);
  for (let k = 0; k < m; k++) {
    const src = sample[k]! * p;
    for (let f = 0; f < p; f++) cols[f * m + k] = data[src + f]!;
  }
  const features: FeatureBins[] = [];
  for (let f = 0; f < p; f++) {
    if (o.categorical.has(f)) {
      features.push(categoricalBins(x, f, valueBins));
      continue;
    }
    const col = cols.subarray(f * m, (f + 1) * m);
    let c = 0;
    // Distinct values while they are few: a column with at most valueBins of them only needs
    // those sorted (the edges are their midpoints), not the whole sample.
    let seen: Set<number> | null = new Set<number>();
    for (let k = 0; k < m; k++) {
      const v = col[k]!;
      if (Number.isNaN(v)) continue;
      col[c++] = v;
      if (seen !== null) {
        seen.add(v);
        if (seen.size > valueBins) seen = null;
      }
    }
    const sorted = seen !== null ? Float64Array.from(seen).sort() : col.subarray(0, c).sort();
    features.push(numericBins(sorted, valueBins));
  }
  return { n, p, bins: mapToBins(x, features), features };
}

/** Padded edge tables (255 per feature, +Infinity past the last edge) for the fixed-step search. */
function edgeTables(features: FeatureBins[]): Float64Array {
  const t = new Float64Array(features.length * 255).fill(Number.POSITIVE_INFINITY);
  features.forEach((fb, f) => {
    if (!fb.categorical) t.set(fb.thresholds, f * 255);
  });
  return t;
}

/**
 * Bins of every value of x, row-major (training or new data; an unseen category goes to the
 * missing bin). Numeric: the number of edges below the value, by eight halving steps over the
 * padded edge table (no data-dependent loop exit).
 */
export function mapToBins(x: Matrix, features: FeatureBins[]): Uint8Array {
  const { rows: n, cols: p, data } = x;
  const bins = new Uint8Array(n * p);
  const t = edgeTables(features);
  const isCat = Uint8Array.from(features, (fb) => (fb.categorical ? 1 : 0));
  const lookups = features.map((fb) => (fb.categorical ? categoryLookup(fb) : null));
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let f = 0; f < p; f++) {
      const v = data[o + f]!;
      if (Number.isNaN(v)) {
        bins[o + f] = features[f]!.nBins;
      } else if (isCat[f] === 0) {
        const base = f * 255;
        let b = 0;
        if (t[base + b + 127]! < v) b += 128;
        if (t[base + b + 63]! < v) b += 64;
        if (t[base + b + 31]! < v) b += 32;
        if (t[base + b + 15]! < v) b += 16;
        if (t[base + b + 7]! < v) b += 8;
        if (t[base + b + 3]! < v) b += 4;
        if (t[base + b + 1]! < v) b += 2;
        if (t[base + b]! < v) b += 1;
        bins[o + f] = b;
      } else {
        const lk = lookups[f]!;
        bins[o + f] =
          lk.dense !== null
            ? v < lk.dense.length
              ? lk.dense[v]!
              : lk.missing
            : (lk.map.get(v) ?? lk.missing);
      }
    }
  }
  return bins;
}

interface CategoryLookup {
  /** code -> bin for codes below 65,536 (missing bin for unseen codes), else null and `map` is used. */
  dense: Uint8Array | null;
  map: Map<number, number>;
  missing: number;
}

function categoryLookup(fb: FeatureBins): CategoryLookup {
  const map = new Map<number, number>();
  let maxCode = -1;
  fb.codes.forEach((g, b) => {
    for (const c of g) {
      map.set(c, b);
      maxCode = Math.max(maxCode, c);
    }
  });
  let dense: Uint8Array | null = null;
  if (maxCode < 65536) {
    dense = new Uint8Array(maxCode + 1).fill(fb.nBins);
    for (const [c, b] of map) dense[c] = b;
  }
  return { dense, map, missing: fb.nBins };
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
  const small = new Float64Array(1024); // counts of codes below 1024 (the usual case), without the map
  for (let i = 0; i < n; i++) {
    const v = data[i * p + f]!;
    if (Number.isNaN(v)) continue;
    if (v >= 0 && v < 1024 && Number.isInteger(v)) {
      small[v]++;
      continue;
    }
    if (!Number.isInteger(v) || v < 0 || v >= MAX_CATEGORY_CODE) {
      throw new MlError(
        'BAD_OPTION',
        `gbdt: categorical feature ${f} holds ${v} at row ${i}; categorical features hold whole-number codes 0 .. ${MAX_CATEGORY_CODE - 1} (NaN for missing): re-code the categories as 0, 1, 2, ...`,
        { row: i, column: f },
      );
    }
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  for (let c = 0; c < 1024; c++) if (small[c]! > 0) counts.set(c, small[c]!);
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
