import { type BinnedData, STRIDE } from './binning.ts';
import type { HistogramKernel } from './histogramKernel.ts';

/**
 * Histograms of one node: slots of STRIDE bins, each bin three doubles: gradient sum, hessian
 * sum, row count. Feature f's histogram is the slot `layout.slotOf[f]` (bins 0 .. nBins - 1,
 * then the missing bin nBins); only the slots of the features in use are written.
 */
export const SLOT = 3;
// The hot loops below spell out STRIDE = 256 (<< 8) and SLOT = 3.

/** Most combinations in one bundle (its codes are bytes). */
const MAX_BUNDLE_CODES = STRIDE;
/** Features with more bins than this (the missing bin included) are not bundled. */
const MAX_BUNDLED_BINS = 64;
/** Earlier bundles a feature tries to join (each try is a pass over the rows). */
const MAX_BUNDLE_TRIES = 8;
/** Rows per block of the histogram loop (see `touch`). */
const BLOCK = 256;

/**
 * A bundle: features whose bins, taken together, show at most 256 distinct combinations over
 * the training rows (few-valued features, or features that follow one another such as store,
 * city and region). Its histogram is built over those combinations ("codes") once, in place of
 * one histogram per feature, and each feature's histogram is then summed from it. Row counts
 * stay exact; a bundled feature's gradient and hessian sums are the same numbers added in
 * another order.
 */
interface Bundle {
  /** Slot of the joint histogram (its column's slot). */
  slot: number;
  features: Int32Array;
  nCodes: number;
  /** codeBins[code * features.length + i]: the bin of features[i] in that combination. */
  codeBins: Uint8Array;
}

/**
 * How histograms are built for one binned data set, made once per fit: the columns (a feature
 * alone, or a bundle) as row-major byte codes, column c's histogram in slot c, and the bundled
 * features' own histograms in the slots after the columns.
 */
export class HistogramLayout {
  /** Doubles in one node's histograms. */
  readonly size: number;
  /** Histogram slot of each feature. */
  readonly slotOf: Int32Array;
  /** Columns: n x nCols codes, row-major (moved into the kernel's memory by `useKernel`). */
  codes: Uint8Array;
  /** The WebAssembly histogram loop, when `useKernel` gave one. */
  private kernel: HistogramKernel | null = null;
  readonly nCols: number;
  /** Codes each column uses (its histogram's extent). */
  readonly colCodes: Int32Array;
  readonly bundles: Bundle[];
  /** Column of each feature. */
  private readonly colOf: Int32Array;
  private readonly p: number;
  private readonly nBins: Int32Array;
  private readonly pick: Int32Array;
  private readonly picked: Uint8Array;
  /** Scratch: histogram start of each feature of the bundle being summed. */
  private readonly marginalLo: Int32Array;
  /** Sum of the bytes `touch` read (kept, so that the reads are not optimised away). */
  sink = 0;

  constructor(d: BinnedData) {
    const { n, p, bins, features } = d;
    this.p = p;
    this.nBins = Int32Array.from(features, (fb) => fb.nBins);
    // Greedy, fewest bins first: a feature joins the first of the earlier groups with which the
    // training rows show at most 256 combinations, else starts a group.
    const groups: { features: number[]; codes: Uint8Array; nCodes: number; combos: number[][] }[] = [];
    const order = Array.from({ length: p }, (_, f) => f)
      .filter((f) => features[f]!.nBins + 1 <= MAX_BUNDLED_BINS)
      .sort((a, b) => features[a]!.nBins - features[b]!.nBins || a - b);
    const table = new Int16Array(MAX_BUNDLE_CODES * STRIDE).fill(-1);
    const keys = new Int32Array(MAX_BUNDLE_CODES); // keys[code]: (old code << 8) | bin
    const trial = new Uint8Array(n);
    for (const f of order) {
      let joined = false;
      for (let t = 0; t < Math.min(groups.length, MAX_BUNDLE_TRIES); t++) {
        const grp = groups[t]!;
        let nCodes = 0;
        let i = 0;
        for (; i < n; i++) {
          const key = (grp.codes[i]! << 8) | bins[i * p + f]!;
          let c = table[key]!;
          if (c < 0) {
            if (nCodes === MAX_BUNDLE_CODES) break;
            c = nCodes++;
            table[key] = c;
            keys[c] = key;
          }
          trial[i] = c;
        }
        for (let c = 0; c < nCodes; c++) table[keys[c]!] = -1;
        if (i < n) continue;
        const combos: number[][] = new Array(nCodes);
        for (let c = 0; c < nCodes; c++) combos[c] = [...grp.combos[keys[c]! >> 8]!, keys[c]! & 255];
        grp.codes.set(trial);
        grp.nCodes = nCodes;
        grp.combos = combos;
        grp.features.push(f);
        joined = true;
        break;
      }
      if (!joined) {
        const codes = new Uint8Array(n);
        for (let i = 0; i < n; i++) codes[i] = bins[i * p + f]!;
        const nb = features[f]!.nBins + 1;
        groups.push({ features: [f], codes, nCodes: nb, combos: Array.from({ length: nb }, (_, b) => [b]) });
      }
    }
    const bundled = groups.filter((g) => g.features.length >= 2);
    const colOf = new Int32Array(p).fill(-1);
    const colCodes: number[] = [];
    const colSource: (Uint8Array | number)[] = [];
    // Columns: the features on their own, in feature order, then the bundles.
    for (let f = 0; f < p; f++) {
      if (bundled.some((g) => g.features.includes(f))) continue;
      colOf[f] = colCodes.length;
      colCodes.push(features[f]!.nBins + 1);
      colSource.push(f);
    }
    const slotOf = Int32Array.from(colOf);
    const bundles: Bundle[] = [];
    let nextSlot = colCodes.length + bundled.length;
    for (const g of bundled) {
      const m = g.features.length;
      const codeBins = new Uint8Array(g.nCodes * m);
      g.combos.forEach((combo, c) => {
        codeBins.set(combo, c * m);
      });
      const col = colCodes.length;
      for (const f of g.features) {
        colOf[f] = col;
        slotOf[f] = nextSlot++;
      }
      colCodes.push(g.nCodes);
      colSource.push(g.codes);
      bundles.push({ slot: col, features: Int32Array.from(g.features), nCodes: g.nCodes, codeBins });
    }
    const nCols = colCodes.length;
    const codes = new Uint8Array(n * nCols);
    for (let c = 0; c < nCols; c++) {
      const src = colSource[c]!;
      if (typeof src === 'number') for (let i = 0; i < n; i++) codes[i * nCols + c] = bins[i * p + src]!;
      else for (let i = 0; i < n; i++) codes[i * nCols + c] = src[i]!;
    }
    this.codes = codes;
    this.nCols = nCols;
    this.colCodes = Int32Array.from(colCodes);
    this.colOf = colOf;
    this.slotOf = slotOf;
    this.bundles = bundles;
    this.size = nextSlot * STRIDE * SLOT;
    this.pick = new Int32Array(nCols);
    this.picked = new Uint8Array(nCols);
    this.marginalLo = new Int32Array(p);
  }

  /**
   * Builds histograms with `kernel` from now on: the codes move into its memory (`codes`, a view
   * of it, n x nCols bytes), and `build` runs the kernel whenever the rows, gradients and
   * histograms it gets are views of that memory too.
   */
  useKernel(kernel: HistogramKernel, codes: Uint8Array): void {
    codes.set(this.codes);
    this.codes = codes;
    this.kernel = kernel;
  }

  /**
   * Fills `hist` with the histograms of rows[start, end) over the features feats[0 .. nFeats)
   * (all p: every column; else the columns holding one of them), gradients and hessians
   * interleaved in `gh` (gh[2 r], gh[2 r + 1]). `identity`: rows[k] = k (the root without row
   * subsampling), read without the index. Row-wise: each row's gradient and hessian are read
   * once and added to the bins of all its columns; then the bundled features' histograms are
   * summed from their bundle's. O((end - start) columns + bundle codes), no allocation.
   */
  build(
    feats: Int32Array,
    nFeats: number,
    rows: Int32Array,
    start: number,
    end: number,
    gh: Float64Array,
    identity: boolean,
    hist: Float64Array,
    packing: Packing | null = null,
  ): void {
    const { codes, nCols, colCodes } = this;
    if (nFeats === this.p) {
      for (let c = 0; c < nCols; c++) hist.fill(0, c * STRIDE * SLOT, (c * STRIDE + colCodes[c]!) * SLOT);
      const k = this.kernel;
      if (packing === null && k !== null && k.owns(hist) && k.owns(gh) && (identity || k.owns(rows))) {
        k.accumulate(codes, nCols, identity ? null : rows, start, end, gh, hist);
      } else if (identity) {
        if (packing !== null) accumulatePacked(codes, nCols, null, start, end, gh, hist);
        else accumulateAll(codes, nCols, null, start, end, gh, hist);
      } else {
        // A block of rows at a time: first `touch`, then the histogram loop on rows now cached.
        for (let b = start; b < end; b += BLOCK) {
          const e = Math.min(end, b + BLOCK);
          this.sink += touch(codes, nCols, rows, b, e, gh);
          if (packing !== null) accumulatePacked(codes, nCols, rows, b, e, gh, hist);
          else accumulateAll(codes, nCols, rows, b, e, gh, hist);
        }
      }
      if (packing !== null) for (let c = 0; c < nCols; c++) unpack(hist, c, colCodes[c]!, packing);
      for (const b of this.bundles) this.marginals(b, hist);
      return;
    }
    const { pick, picked } = this;
    picked.fill(0);
    for (let q = 0; q < nFeats; q++) picked[this.colOf[feats[q]!]!] = 1;
    let u = 0;
    for (let c = 0; c < nCols; c++) {
      if (picked[c] === 0) continue;
      pick[u++] = c;
      hist.fill(0, c * STRIDE * SLOT, (c * STRIDE + colCodes[c]!) * SLOT);
    }
    for (let b = start; b < end; b += BLOCK) {
      const e = Math.min(end, b + BLOCK);
      this.sink += touch(codes, nCols, rows, b, e, gh);
      accumulateSome(codes, nCols, pick, u, rows, b, e, gh, hist, packing !== null);
    }
    if (packing !== null) for (let q = 0; q < u; q++) unpack(hist, pick[q]!, colCodes[pick[q]!]!, packing);
    for (const b of this.bundles) if (picked[b.slot] === 1) this.marginals(b, hist);
  }

  /**
   * Each feature of bundle b gets its histogram summed from the bundle's: codes in ascending
   * order, the empty ones (no row in this node) skipped.
   */
  private marginals(b: Bundle, hist: Float64Array): void {
    const { features, codeBins, nCodes } = b;
    const m = features.length;
    const src = b.slot * STRIDE * SLOT;
    const lo = this.marginalLo;
    for (let i = 0; i < m; i++) {
      const f = features[i]!;
      lo[i] = this.slotOf[f]! * STRIDE * SLOT;
      hist.fill(0, lo[i]!, lo[i]! + (this.nBins[f]! + 1) * SLOT);
    }
    for (let c = 0; c < nCodes; c++) {
      const s = src + c * SLOT;
      const count = hist[s + 2]!;
      if (count === 0) continue;
      const g = hist[s]!;
      const h = hist[s + 1]!;
      const o = c * m;
      for (let i = 0; i < m; i++) {
        const j = lo[i]! + codeBins[o + i]! * SLOT;
        hist[j] += g;
        hist[j + 1] += h;
        hist[j + 2] += count;
      }
    }
  }

  /** Histogram subtraction: `parent` becomes parent - child (the sibling's histograms), in place. */
  subtract(feats: Int32Array, nFeats: number, parent: Float64Array, child: Float64Array): void {
    for (let q = 0; q < nFeats; q++) {
      const f = feats[q]!;
      const lo = this.slotOf[f]! * STRIDE * SLOT;
      const hi = lo + (this.nBins[f]! + 1) * SLOT;
      for (let j = lo; j < hi; j++) parent[j] -= child[j]!;
    }
  }
}

/**
 * Quantized hessians: gh[2 r + 1] holds round(h / hStep) * countScale + 1, so one addition sums
 * both the hessian steps and the row count of a bin (exactly: every sum stays below 2^53).
 */
export interface Packing {
  countScale: number;
  hStep: number;
}

/** Column c's bins: the packed sum (in the hessian's place) back to hessian sum and row count. */
function unpack(hist: Float64Array, c: number, nCodes: number, pk: Packing): void {
  const lo = c * STRIDE * SLOT;
  const { countScale, hStep } = pk;
  for (let j = lo; j < lo + nCodes * SLOT; j += SLOT) {
    const v = hist[j + 1]!;
    const count = v % countScale;
    hist[j + 1] = ((v - count) / countScale) * hStep;
    hist[j + 2] = count;
  }
}

/** As accumulateAll, with the hessian and the count packed in one number: two additions per column. */
function accumulatePacked(
  codes: Uint8Array,
  m: number,
  rows: Int32Array | null,
  start: number,
  end: number,
  gh: Float64Array,
  hist: Float64Array,
): void {
  for (let k = start; k < end; k++) {
    const r = rows === null ? k : rows[k]!;
    const g = gh[2 * r]!;
    const h = gh[2 * r + 1]!;
    const o = r * m;
    let c = 0;
    for (; c + 3 < m; c += 4) {
      const j0 = ((c << 8) + codes[o + c]!) * 3;
      const j1 = (((c + 1) << 8) + codes[o + c + 1]!) * 3;
      const j2 = (((c + 2) << 8) + codes[o + c + 2]!) * 3;
      const j3 = (((c + 3) << 8) + codes[o + c + 3]!) * 3;
      hist[j0] += g;
      hist[j0 + 1] += h;
      hist[j1] += g;
      hist[j1 + 1] += h;
      hist[j2] += g;
      hist[j2 + 1] += h;
      hist[j3] += g;
      hist[j3 + 1] += h;
    }
    for (; c < m; c++) {
      const j = ((c << 8) + codes[o + c]!) * 3;
      hist[j] += g;
      hist[j + 1] += h;
    }
  }
}

/**
 * Reads one byte of every row's codes and its gradient: a short loop with many cache misses in
 * flight at once, so that the histogram loop (long per row, so one miss at a time) finds the
 * rows of a sparse node in the cache.
 */
function touch(
  codes: Uint8Array,
  m: number,
  rows: Int32Array,
  start: number,
  end: number,
  gh: Float64Array,
): number {
  let s = 0;
  for (let k = start; k < end; k++) {
    const r = rows[k]!;
    s += codes[r * m]! + codes[r * m + m - 1]! + gh[2 * r]!;
  }
  return s;
}

/** Every column, four per step; rows === null: rows start .. end - 1 themselves. */
function accumulateAll(
  codes: Uint8Array,
  m: number,
  rows: Int32Array | null,
  start: number,
  end: number,
  gh: Float64Array,
  hist: Float64Array,
): void {
  for (let k = start; k < end; k++) {
    const r = rows === null ? k : rows[k]!;
    const g = gh[2 * r]!;
    const h = gh[2 * r + 1]!;
    const o = r * m;
    let c = 0;
    for (; c + 3 < m; c += 4) {
      const j0 = ((c << 8) + codes[o + c]!) * 3;
      const j1 = (((c + 1) << 8) + codes[o + c + 1]!) * 3;
      const j2 = (((c + 2) << 8) + codes[o + c + 2]!) * 3;
      const j3 = (((c + 3) << 8) + codes[o + c + 3]!) * 3;
      hist[j0] += g;
      hist[j0 + 1] += h;
      hist[j0 + 2]++;
      hist[j1] += g;
      hist[j1 + 1] += h;
      hist[j1 + 2]++;
      hist[j2] += g;
      hist[j2 + 1] += h;
      hist[j2 + 2]++;
      hist[j3] += g;
      hist[j3 + 1] += h;
      hist[j3 + 2]++;
    }
    for (; c < m; c++) {
      const j = ((c << 8) + codes[o + c]!) * 3;
      hist[j] += g;
      hist[j + 1] += h;
      hist[j + 2]++;
    }
  }
}

/** The columns pick[0 .. u) (feature subsampling); `packed`: no count of its own (it is in h). */
function accumulateSome(
  codes: Uint8Array,
  m: number,
  pick: Int32Array,
  u: number,
  rows: Int32Array,
  start: number,
  end: number,
  gh: Float64Array,
  hist: Float64Array,
  packed: boolean,
): void {
  const one = packed ? 0 : 1;
  for (let k = start; k < end; k++) {
    const r = rows[k]!;
    const g = gh[2 * r]!;
    const h = gh[2 * r + 1]!;
    const o = r * m;
    for (let q = 0; q < u; q++) {
      const c = pick[q]!;
      const j = ((c << 8) + codes[o + c]!) * 3;
      hist[j] += g;
      hist[j + 1] += h;
      hist[j + 2] += one;
    }
  }
}
