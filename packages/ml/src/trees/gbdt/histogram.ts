import { type BinnedData, STRIDE } from './binning.ts';

/**
 * Histograms of one node: for every slot (feature f's bins at f * STRIDE .. f * STRIDE + nBins,
 * the last one the missing bin) three doubles: gradient sum, hessian sum, row count. Only the
 * slots of the features in use are written.
 */
export const SLOT = 3;

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
    for (let k = start; k < end; k++) {
      const r = rows[k]!;
      const g = grad[r]!;
      const h = hess[r]!;
      const o = r * p;
      for (let f = 0; f < p; f++) {
        const j = (f * STRIDE + bins[o + f]!) * SLOT;
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
      const j = (f * STRIDE + bins[o + f]!) * SLOT;
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
