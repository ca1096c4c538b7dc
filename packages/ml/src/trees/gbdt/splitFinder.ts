import { type BinnedData, STRIDE } from './binning.ts';
import { SLOT } from './histogram.ts';

/** The split constraints and regularisation (see `GbdtOptions` for each). */
export interface SplitParams {
  minSamplesLeaf: number;
  minChildWeight: number;
  minSplitGain: number;
  l2: number;
  /** Categories with fewer rows in the node are not ordered (they go right); smooths G / (H + catSmooth). */
  catSmooth: number;
  /** Most categories on the left of a sorted categorical split. */
  maxCatThreshold: number;
  /** 'sorted': LightGBM's sorted-category scan; 'onehot': one category against the rest. */
  categoricalSplit: 'sorted' | 'onehot';
}

/** The best split of a node found so far; reused, never allocated in the hot path. */
export class SplitInfo {
  gain = Number.NEGATIVE_INFINITY;
  feature = -1;
  /** Numeric: value bins 0 .. binThreshold go left. */
  binThreshold = 0;
  missingLeft = false;
  /** Categorical: catLeft[b] = 1 when bin b (the missing bin included) goes left. */
  readonly catLeft = new Uint8Array(256);
  gL = 0;
  hL = 0;
  cL = 0;

  reset(): void {
    this.gain = Number.NEGATIVE_INFINITY;
    this.feature = -1;
  }

  copyFrom(s: SplitInfo): void {
    this.gain = s.gain;
    this.feature = s.feature;
    this.binThreshold = s.binThreshold;
    this.missingLeft = s.missingLeft;
    this.catLeft.set(s.catLeft);
    this.gL = s.gL;
    this.hL = s.hL;
    this.cL = s.cL;
  }
}

/** Scratch for the categorical sort. */
export class SplitScratch {
  readonly cats = new Int32Array(256);
  readonly keys = new Float64Array(256);
}

/**
 * The best split of a node with sums (G, H, C) over the features feats[0 .. nFeats) from its
 * histograms, by gain G_L^2 / (H_L + l2) + G_R^2 / (H_R + l2) - G^2 / (H + l2) (no 1/2 factor,
 * as scikit-learn and LightGBM). Numeric features scan the value bins left to right twice, with
 * the missing bin on the right and then on the left (the learned default direction); a node
 * without missing values sends future ones to the child with more rows. Categorical features
 * use `categoricalSplit`. A split needs each child to keep minSamplesLeaf rows and
 * minChildWeight hessian, and gain > minSplitGain; ties keep the first found.
 * Writes `out` (out.feature = -1 when there is none). O(total bins).
 */
export function findBestSplit(
  d: BinnedData,
  slotOf: Int32Array,
  feats: Int32Array,
  nFeats: number,
  hist: Float64Array,
  G: number,
  H: number,
  C: number,
  sp: SplitParams,
  scratch: SplitScratch,
  out: SplitInfo,
): void {
  out.reset();
  out.gain = sp.minSplitGain;
  const l2 = sp.l2;
  const parent = (G * G) / (H + l2);
  const minLeaf = sp.minSamplesLeaf;
  const minHess = sp.minChildWeight;
  for (let q = 0; q < nFeats; q++) {
    const f = feats[q]!;
    const fb = d.features[f]!;
    const lo = slotOf[f]! * STRIDE * SLOT;
    const nb = fb.nBins;
    const mj = lo + nb * SLOT;
    if (fb.categorical) {
      categoricalSplit(hist, lo, nb, f, G, H, C, parent, sp, scratch, out);
      continue;
    }
    const mc = hist[mj + 2]!;
    // Missing values (if any) on the right; with missing values, "all values left" is a split too.
    let gl = 0;
    let hl = 0;
    let cl = 0;
    const last = mc > 0 ? nb - 1 : nb - 2;
    for (let b = 0; b <= last; b++) {
      const j = lo + b * SLOT;
      gl += hist[j]!;
      hl += hist[j + 1]!;
      cl += hist[j + 2]!;
      if (cl < minLeaf || hl < minHess) continue;
      const cr = C - cl;
      const hr = H - hl;
      if (cr < minLeaf || hr < minHess) break;
      const gr = G - gl;
      const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;
      if (gain > out.gain) {
        out.gain = gain;
        out.feature = f;
        out.binThreshold = b;
        out.missingLeft = mc === 0 && cl >= cr;
        out.gL = gl;
        out.hL = hl;
        out.cL = cl;
      }
    }
    if (mc === 0) continue;
    // Missing values on the left.
    gl = hist[mj]!;
    hl = hist[mj + 1]!;
    cl = mc;
    for (let b = 0; b <= nb - 2; b++) {
      const j = lo + b * SLOT;
      gl += hist[j]!;
      hl += hist[j + 1]!;
      cl += hist[j + 2]!;
      if (cl < minLeaf || hl < minHess) continue;
      const cr = C - cl;
      const hr = H - hl;
      if (cr < minLeaf || hr < minHess) break;
      const gr = G - gl;
      const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;
      if (gain > out.gain) {
        out.gain = gain;
        out.feature = f;
        out.binThreshold = b;
        out.missingLeft = true;
        out.gL = gl;
        out.hL = hl;
        out.cL = cl;
      }
    }
  }
  if (out.feature < 0) out.gain = Number.NEGATIVE_INFINITY;
}

/**
 * Categorical feature f (bins 0 .. nb - 1 and the missing bin nb, all candidates).
 * 'sorted' (LightGBM, scikit-learn): categories with at least catSmooth rows, ordered by
 * G / (H + catSmooth); the left set is a prefix of that order, read from either end, of at most
 * min(maxCatThreshold, (used + 1) / 2) categories. 'onehot': each category alone on the left.
 */
function categoricalSplit(
  hist: Float64Array,
  lo: number,
  nb: number,
  f: number,
  G: number,
  H: number,
  C: number,
  parent: number,
  sp: SplitParams,
  scratch: SplitScratch,
  out: SplitInfo,
): void {
  const { cats, keys } = scratch;
  const l2 = sp.l2;
  const minLeaf = sp.minSamplesLeaf;
  const minHess = sp.minChildWeight;
  let used = 0;
  if (sp.categoricalSplit === 'onehot') {
    let best = -1;
    for (let b = 0; b <= nb; b++) {
      const j = lo + b * SLOT;
      const cl = hist[j + 2]!;
      const hl = hist[j + 1]!;
      if (cl < minLeaf || hl < minHess || C - cl < minLeaf || H - hl < minHess) continue;
      const gl = hist[j]!;
      const gr = G - gl;
      const gain = (gl * gl) / (hl + l2) + (gr * gr) / (H - hl + l2) - parent;
      if (gain > out.gain) {
        out.gain = gain;
        out.gL = gl;
        out.hL = hl;
        out.cL = cl;
        best = b;
      }
    }
    if (best >= 0) {
      out.feature = f;
      out.catLeft.fill(0);
      out.catLeft[best] = 1;
      out.missingLeft = best === nb;
    }
    return;
  }
  const smooth = sp.catSmooth;
  for (let b = 0; b <= nb; b++) {
    const j = lo + b * SLOT;
    if (hist[j + 2]! >= smooth && hist[j + 2]! > 0) {
      cats[used] = b;
      keys[used] = hist[j]! / (hist[j + 1]! + smooth);
      used++;
    }
  }
  if (used <= 1) return;
  // Insertion sort by key (stable: equal keys keep bin order); at most 256 categories.
  for (let a = 1; a < used; a++) {
    const kv = keys[a]!;
    const cv = cats[a]!;
    let z = a - 1;
    while (z >= 0 && keys[z]! > kv) {
      keys[z + 1] = keys[z]!;
      cats[z + 1] = cats[z]!;
      z--;
    }
    keys[z + 1] = kv;
    cats[z + 1] = cv;
  }
  const maxNum = Math.min(sp.maxCatThreshold, (used + 1) >> 1);
  let bestDir = 0;
  let bestLen = 0;
  for (let dir = 0; dir < 2; dir++) {
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let i = 0; i < maxNum; i++) {
      const b = cats[dir === 0 ? i : used - 1 - i]!;
      const j = lo + b * SLOT;
      gl += hist[j]!;
      hl += hist[j + 1]!;
      cl += hist[j + 2]!;
      if (cl < minLeaf || hl < minHess) continue;
      const cr = C - cl;
      const hr = H - hl;
      if (cr < minLeaf || hr < minHess) break;
      const gr = G - gl;
      const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;
      if (gain > out.gain) {
        out.gain = gain;
        out.gL = gl;
        out.hL = hl;
        out.cL = cl;
        bestDir = dir;
        bestLen = i + 1;
      }
    }
  }
  if (bestLen > 0) {
    out.feature = f;
    out.catLeft.fill(0);
    for (let i = 0; i < bestLen; i++) out.catLeft[cats[bestDir === 0 ? i : used - 1 - i]!] = 1;
    out.missingLeft = out.catLeft[nb] === 1;
  }
}
