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
  const set = new DistinctSet(valueBins);
  const cats = [...o.categorical].sort((a, b) => a - b);
  const counts = categoryCounts(x, cats);
  for (let f = 0; f < p; f++) {
    if (o.categorical.has(f)) {
      features.push(categoricalBins(counts[cats.indexOf(f)]!, valueBins));
      continue;
    }
    const col = cols.subarray(f * m, (f + 1) * m);
    let c = 0;
    for (let k = 0; k < m; k++) {
      const v = col[k]!;
      if (!Number.isNaN(v)) col[c++] = v;
    }
    // A column with at most valueBins distinct values only needs those sorted (the edges are
    // their midpoints), not the whole sample.
    const few = distinctValues(col, c, set);
    features.push(numericBins(few ?? sortValues(col.subarray(0, c)), valueBins));
  }
  return { n, p, bins: mapToBins(x, features), features };
}

/** Longest range of whole numbers sorted by counting (an Int32Array count per number). */
const MAX_COUNTING_RANGE = 1 << 16;

/**
 * Sorts v (no NaN) in place and returns it: by counting when every value is a whole number in a
 * short range (counts, days, amounts: 12 ms -> under 1 ms for 200,000 values), else `sort()`.
 */
function sortValues(v: Float64Array): Float64Array {
  const m = v.length;
  if (m === 0) return v;
  let lo = v[0]!;
  let hi = v[0]!;
  let whole = true;
  for (let k = 0; k < m; k++) {
    const x = v[k]!;
    if ((x | 0) !== x) {
      whole = false;
      break;
    }
    if (x < lo) lo = x;
    else if (x > hi) hi = x;
  }
  if (!whole || hi - lo >= MAX_COUNTING_RANGE) return v.sort();
  const counts = new Int32Array(hi - lo + 1);
  for (let k = 0; k < m; k++) counts[v[k]! - lo]++;
  let w = 0;
  for (let j = 0; j < counts.length; j++) {
    const x = lo + j;
    for (let c = counts[j]!; c > 0; c--) v[w++] = x;
  }
  return v;
}

/**
 * Sorted distinct values of col[0 .. c) (no NaN), or null when there are more than the set's limit.
 * -0 counts as 0 (as a Set would).
 */
function distinctValues(col: Float64Array, c: number, set: DistinctSet): Float64Array | null {
  set.clear();
  for (let k = 0; k < c; k++) if (!set.add(col[k]!)) return null;
  return set.sorted();
}

/**
 * A set of at most `limit` doubles (no NaN) in typed arrays: open addressing, a generation stamp
 * per slot so that clearing is free. Measured 4-5x faster than a `Set` over the 200,000-row
 * binning sample, where the columns with few values add every row.
 */
class DistinctSet {
  private readonly keys: Float64Array;
  private readonly stamp: Int32Array;
  private readonly mask: number;
  private readonly shift: number;
  private readonly bits = new Float64Array(1);
  private readonly words = new Int32Array(this.bits.buffer);
  private gen = 1; // stamps start at 0: every slot empty
  size = 0;

  constructor(private readonly limit: number) {
    let cap = 16;
    while (cap < 4 * limit) cap *= 2;
    this.keys = new Float64Array(cap);
    this.stamp = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  clear(): void {
    this.gen++;
    this.size = 0;
  }

  /** Adds v; false when v is new and the set already holds `limit` values. */
  add(v: number): boolean {
    const iv = v | 0;
    let h: number;
    if (iv === v) {
      h = Math.imul(iv, 0x9e3779b1) >>> this.shift;
      v = iv; // -0 as 0
    } else {
      this.bits[0] = v;
      h = Math.imul(this.words[0]! ^ Math.imul(this.words[1]!, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
    }
    const { keys, stamp, gen, mask } = this;
    for (;;) {
      if (stamp[h] !== gen) {
        if (this.size === this.limit) return false;
        stamp[h] = gen;
        keys[h] = v;
        this.size++;
        return true;
      }
      if (keys[h] === v) return true;
      h = (h + 1) & mask;
    }
  }

  /** The values, ascending. */
  sorted(): Float64Array {
    const out = new Float64Array(this.size);
    let w = 0;
    for (let s = 0; s < this.keys.length; s++) if (this.stamp[s] === this.gen) out[w++] = this.keys[s]!;
    return out.sort();
  }
}

/** Padded edge tables (255 per feature, +Infinity past the last edge) for the fixed-step search. */
function edgeTables(features: FeatureBins[]): Float64Array {
  const t = new Float64Array(features.length * 255).fill(Number.POSITIVE_INFINITY);
  features.forEach((fb, f) => {
    if (!fb.categorical) t.set(fb.thresholds, f * 255);
  });
  return t;
}

/** Rows per block of `mapToBins` (a block's values, 256 x p doubles, stay in the cache while each feature is mapped). */
const MAP_BLOCK = 256;
/** Longest integer range mapped by a table (one byte per integer). */
const MAX_INT_TABLE = 1 << 16;

/**
 * Numeric feature: the bin of every whole number lo .. lo + table.length - 1, when the edges
 * span a short range of whole numbers (most counts, days, ages): whole-number values are then
 * looked up instead of searched.
 */
interface IntTable {
  lo: number;
  table: Uint8Array;
}

function intTable(t: Float64Array, f: number, fb: FeatureBins): IntTable | null {
  const e = fb.thresholds;
  if (e.length === 0) return null;
  const lo = Math.floor(e[0]!) - 1;
  const hi = Math.ceil(e[e.length - 1]!) + 1;
  if (!(lo > -(2 ** 30) && hi < 2 ** 30 && hi - lo < MAX_INT_TABLE)) return null;
  const table = new Uint8Array(hi - lo + 1);
  for (let k = 0; k < table.length; k++) table[k] = searchBin(t, f * 255, lo + k);
  return { lo, table };
}

/**
 * The number of edges below v (not NaN) by eight halving steps over a padded edge table: no
 * data-dependent branch (a compare turned into a number), 1.6x faster than `if` steps, whose
 * outcome on unordered values is a coin toss for the branch predictor.
 */
function searchBin(t: Float64Array, base: number, v: number): number {
  let b = +(t[base + 127]! < v) << 7;
  b += +(t[base + b + 63]! < v) << 6;
  b += +(t[base + b + 31]! < v) << 5;
  b += +(t[base + b + 15]! < v) << 4;
  b += +(t[base + b + 7]! < v) << 3;
  b += +(t[base + b + 3]! < v) << 2;
  b += +(t[base + b + 1]! < v) << 1;
  return b + +(t[base + b]! < v);
}

/**
 * Bins of every value of x, row-major (training or new data; an unseen category goes to the
 * missing bin). Numeric: the number of edges below the value, looked up for whole numbers in a
 * feature's `IntTable` range, else searched (`searchBin`). A block of rows at a time, one
 * feature after another: each loop does one kind of mapping.
 */
export function mapToBins(x: Matrix, features: FeatureBins[]): Uint8Array {
  const { rows: n, cols: p, data } = x;
  const bins = new Uint8Array(n * p);
  const t = edgeTables(features);
  const lookups = features.map((fb) => (fb.categorical ? categoryLookup(fb) : null));
  const tables = features.map((fb, f) => (fb.categorical ? null : intTable(t, f, fb)));
  for (let i0 = 0; i0 < n; i0 += MAP_BLOCK) {
    const i1 = Math.min(n, i0 + MAP_BLOCK);
    for (let f = 0; f < p; f++) {
      const missing = features[f]!.nBins;
      const lk = lookups[f];
      const it = tables[f];
      if (lk) mapCategorical(data, bins, p, f, i0, i1, lk);
      else if (it) mapIntTable(data, bins, p, f, i0, i1, missing, t, it.lo, it.table);
      else {
        for (let i = i0; i < i1; i++) {
          const v = data[i * p + f]!;
          bins[i * p + f] = Number.isNaN(v) ? missing : searchBin(t, f * 255, v);
        }
      }
    }
  }
  return bins;
}

function mapIntTable(
  data: Float64Array,
  bins: Uint8Array,
  p: number,
  f: number,
  i0: number,
  i1: number,
  missing: number,
  t: Float64Array,
  lo: number,
  table: Uint8Array,
): void {
  const len = table.length;
  for (let i = i0; i < i1; i++) {
    const v = data[i * p + f]!;
    const k = (v - lo) | 0;
    // k + lo === v: v is exactly that whole number (not NaN, not a fraction, in range).
    bins[i * p + f] =
      k >= 0 && k < len && k + lo === v ? table[k]! : Number.isNaN(v) ? missing : searchBin(t, f * 255, v);
  }
}

function mapCategorical(
  data: Float64Array,
  bins: Uint8Array,
  p: number,
  f: number,
  i0: number,
  i1: number,
  lk: CategoryLookup,
): void {
  const { dense, map, missing } = lk;
  for (let i = i0; i < i1; i++) {
    const v = data[i * p + f]!;
    bins[i * p + f] =
      dense !== null ? (v < dense.length ? (dense[v] ?? missing) : missing) : (map.get(v) ?? missing);
  }
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

/**
 * Rows per code of each categorical feature cats[q], in one pass over the rows; a code that is
 * not a whole number in 0 .. MAX_CATEGORY_CODE - 1 throws.
 */
function categoryCounts(x: Matrix, cats: number[]): Map<number, number>[] {
  const { rows: n, cols: p, data } = x;
  const u = cats.length;
  const counts = cats.map(() => new Map<number, number>());
  const small = new Float64Array(u * 1024); // counts of codes below 1024 (the usual case), without a map
  const col = Int32Array.from(cats);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < u; q++) {
      const v = data[i * p + col[q]!]!;
      const k = v | 0;
      if (k === v && k >= 0 && k < 1024) {
        small[q * 1024 + k]++;
        continue;
      }
      if (Number.isNaN(v)) continue; // missing
      if (!Number.isInteger(v) || v < 0 || v >= MAX_CATEGORY_CODE) {
        throw new MlError(
          'BAD_OPTION',
          `gbdt: categorical feature ${cats[q]} holds ${v} at row ${i}; categorical features hold whole-number codes 0 .. ${MAX_CATEGORY_CODE - 1} (NaN for missing): re-code the categories as 0, 1, 2, ...`,
          { row: i, column: cats[q] },
        );
      }
      counts[q]!.set(v, (counts[q]!.get(v) ?? 0) + 1);
    }
  }
  for (let q = 0; q < u; q++)
    for (let c = 0; c < 1024; c++) if (small[q * 1024 + c]! > 0) counts[q]!.set(c, small[q * 1024 + c]!);
  return counts;
}

/** Bins of a categorical feature from its rows per code. */
function categoricalBins(counts: Map<number, number>, valueBins: number): FeatureBins {
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
