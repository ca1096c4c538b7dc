import { type BinnedData, STRIDE } from './binning.ts';

/**
 * Histograms of one node: for every slot (feature f's bins at f * STRIDE .. f * STRIDE + nBins,
 * the last one the missing bin) three doubles: gradient sum, hessian sum, row count. Only the
 * slots of the features in use are written.
 */
export const SLOT = 3;
// The hot loops below spell out STRIDE = 256 (<< 8) and SLOT = 3.

/** Doubles in one node's histograms. */
export function histogramSize(p: number): number {
  return p * STRIDE * SLOT;
}

/**
 * Fills `hist` with the histograms of rows[start, end) over the features feats[0 .. nFeats)
 * (`allFeats`: feats is 0 .. p - 1, the fast path). Row-wise: each row's gradient and hessian
 * are read once and added to the bins of all its features. O((end - start) nFeats), no allocation.
 */
export function buildHistogram(
  d: BinnedData,
  feats: Int32Array,
  nFeats: number,
  rows: Int32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  hist: Float64Array,
): void {
  const { bins, p, features } = d;
  for (let q = 0; q < nFeats; q++) {
    const f = feats[q]!;
    hist.fill(0, f * STRIDE * SLOT, (f * STRIDE + features[f]!.nBins + 1) * SLOT);
  }
  if (nFeats === p) {
    // All features: four per step, slot index (f * 256 + bin) * 3 with literal constants
    // (measured 1.7x faster on 297,271 x 40 than the plain loop over imported constants).
    for (let k = start; k < end; k++) {
      const r = rows[k]!;
      const g = grad[r]!;
      const h = hess[r]!;
      const o = r * p;
      let f = 0;
      for (; f + 3 < p; f += 4) {
        const j0 = ((f << 8) + bins[o + f]!) * 3;
        const j1 = (((f + 1) << 8) + bins[o + f + 1]!) * 3;
        const j2 = (((f + 2) << 8) + bins[o + f + 2]!) * 3;
        const j3 = (((f + 3) << 8) + bins[o + f + 3]!) * 3;
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
      for (; f < p; f++) {
        const j = ((f << 8) + bins[o + f]!) * 3;
        hist[j] += g;
        hist[j + 1] += h;
        hist[j + 2]++;
      }
    }
    return;
  }
  for (let k = start; k < end; k++) {
    const r = rows[k]!;
    const g = grad[r]!;
    const h = hess[r]!;
    const o = r * p;
    for (let q = 0; q < nFeats; q++) {
      const f = feats[q]!;
      const j = ((f << 8) + bins[o + f]!) * 3;
      hist[j] += g;
      hist[j + 1] += h;
      hist[j + 2]++;
    }
  }
}

/** Histogram subtraction: `parent` becomes parent - child (the sibling's histograms), in place. */
export function subtractHistogram(
  d: BinnedData,
  feats: Int32Array,
  nFeats: number,
  parent: Float64Array,
  child: Float64Array,
): void {
  for (let q = 0; q < nFeats; q++) {
    const f = feats[q]!;
    const lo = f * STRIDE * SLOT;
    const hi = (f * STRIDE + d.features[f]!.nBins + 1) * SLOT;
    for (let j = lo; j < hi; j++) parent[j] -= child[j]!;
  }
}
