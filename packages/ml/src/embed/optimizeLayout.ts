import type { Rng } from '../random.ts';
import type { SparseGraph } from './fuzzySimplicialSet.ts';

/** Settings for `optimizeLayout` (UMAP's defaults in brackets). */
export interface LayoutSchedule {
  /** Epochs of stochastic gradient descent. */
  nEpochs: number;
  /** Curve parameters from `findAbParams`. */
  a: number;
  b: number;
  /** Initial learning rate, decayed linearly to 0 [1]. */
  learningRate: number;
  /** Negative samples per positive sample [5]. */
  negativeSampleRate: number;
  /** Weight of the repulsive term [1]. */
  repulsionStrength: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The edges SGD samples: entries of the fuzzy graph at least max(w) / nEpochs (weaker ones
 * would be sampled less than once), each with its sampling period max(w) / w in epochs, as
 * umap-learn's make_epochs_per_sample. Both directions of an edge are kept, as umap-learn.
 */
export function sampledEdges(
  graph: SparseGraph,
  nEpochs: number,
): { head: Int32Array; tail: Int32Array; epochsPerSample: Float64Array } {
  const { n, indptr, indices, values } = graph;
  let max = 0;
  for (let e = 0; e < values.length; e++) if (values[e] > max) max = values[e];
  const cut = max / (nEpochs > 10 ? nEpochs : 200);
  let m = 0;
  for (let e = 0; e < values.length; e++) if (values[e] >= cut && values[e] > 0) m++;
  const head = new Int32Array(m);
  const tail = new Int32Array(m);
  const epochsPerSample = new Float64Array(m);
  let t = 0;
  for (let i = 0; i < n; i++) {
    for (let e = indptr[i]; e < indptr[i + 1]; e++) {
      const w = values[e];
      if (w < cut || !(w > 0)) continue;
      head[t] = i;
      tail[t] = indices[e];
      epochsPerSample[t] = max / w;
      t++;
    }
  }
  return { head, tail, epochsPerSample };
}

/**
 * UMAP's layout optimisation (umap-learn's optimize_layout_euclidean, single-threaded): for each
 * epoch, every edge due by its schedule pulls its endpoints together with gradient
 * -2ab d^(2(b-1)) / (1 + a d^2b), then pushes the head away from negativeSampleRate random points
 * with 2 gamma b / ((0.001 + d^2)(1 + a d^2b)); each gradient coordinate is clipped to [-4, 4]
 * and the learning rate falls linearly to 0. Updates `embedding` (n x dim, row-major) in place.
 *
 * Complexity: O(nEpochs x (sum of w / max w) x (1 + negativeSampleRate) x dim).
 *
 * @example
 * const edges = sampledEdges(graph, 500);
 * optimizeLayout(embedding, 2, edges, { nEpochs: 500, a: 1.577, b: 0.895, learningRate: 1,
 *   negativeSampleRate: 5, repulsionStrength: 1 }, new Rng(0));
 */
export function optimizeLayout(
  embedding: Float64Array,
  dim: number,
  edges: { head: Int32Array; tail: Int32Array; epochsPerSample: Float64Array },
  schedule: LayoutSchedule,
  rng: Rng,
): void {
  const m = edges.head.length;
  const state: EpochState = {
    ...edges,
    epochOfNextSample: edges.epochsPerSample.slice(),
    epochsPerNegative: new Float64Array(m),
    epochOfNextNegative: new Float64Array(m),
    pow: powTable(schedule.b),
  };
  for (let e = 0; e < m; e++)
    state.epochsPerNegative[e] = edges.epochsPerSample[e] / schedule.negativeSampleRate;
  state.epochOfNextNegative.set(state.epochsPerNegative);
  const { nEpochs, onProgress } = schedule;
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const alpha = schedule.learningRate * (1 - epoch / nEpochs);
    if (dim === 2) epoch2d(embedding, state, schedule, alpha, epoch, rng);
    else epochAnyDim(embedding, dim, state, schedule, alpha, epoch, rng);
    onProgress?.(epoch + 1, nEpochs);
  }
}

interface EpochState {
  head: Int32Array;
  tail: Int32Array;
  epochsPerSample: Float64Array;
  epochOfNextSample: Float64Array;
  epochsPerNegative: Float64Array;
  epochOfNextNegative: Float64Array;
  pow: (x: number) => number;
}

/** 2^-32: maps a uniform 32-bit integer to [0, 1) with one multiply (a modulo costs far more). */
const INV_2_32 = 2.3283064365386963e-10;

/** One epoch for 2-D output, unrolled (the common case and the hot loop). */
function epoch2d(
  y: Float64Array,
  st: EpochState,
  sc: LayoutSchedule,
  alpha: number,
  epoch: number,
  rng: Rng,
): void {
  const { head, tail, epochsPerSample, epochOfNextSample, epochsPerNegative, epochOfNextNegative, pow } = st;
  const { a } = sc;
  const twoAb = 2 * a * sc.b;
  const twoGammaB = 2 * sc.repulsionStrength * sc.b;
  const nVertices = y.length / 2;
  for (let e = 0; e < head.length; e++) {
    if (epochOfNextSample[e] > epoch) continue;
    const j = head[e] * 2;
    const k = tail[e] * 2;
    let cx = y[j];
    let cy = y[j + 1];
    const dx = cx - y[k];
    const dy = cy - y[k + 1];
    const d2 = dx * dx + dy * dy;
    if (d2 > 0) {
      const pb = pow(d2);
      // -2ab d^(2b-2) / (1 + a d^2b), with d^(2b-2) = d^2b / d^2 to need one power.
      const coeff = (-twoAb * pb) / d2 / (a * pb + 1);
      const gx = clip4(coeff * dx) * alpha;
      const gy = clip4(coeff * dy) * alpha;
      cx += gx;
      cy += gy;
      y[k] -= gx;
      y[k + 1] -= gy;
    }
    epochOfNextSample[e] += epochsPerSample[e];
    const nNeg = Math.floor((epoch - epochOfNextNegative[e]) / epochsPerNegative[e]);
    for (let s = 0; s < nNeg; s++) {
      const kk = ((rng.nextUint32() * nVertices * INV_2_32) | 0) * 2;
      if (kk === j) continue;
      const ex = cx - y[kk];
      const ey = cy - y[kk + 1];
      const n2 = ex * ex + ey * ey;
      // Coincident points exert no push (umap-learn): the direction is undefined.
      if (!(n2 > 0)) continue;
      const coeff = twoGammaB / ((0.001 + n2) * (a * pow(n2) + 1));
      cx += clip4(coeff * ex) * alpha;
      cy += clip4(coeff * ey) * alpha;
    }
    y[j] = cx;
    y[j + 1] = cy;
    if (nNeg > 0) epochOfNextNegative[e] += nNeg * epochsPerNegative[e];
  }
}

/** One epoch for any output dimension; the same arithmetic as `epoch2d`. */
function epochAnyDim(
  y: Float64Array,
  dim: number,
  st: EpochState,
  sc: LayoutSchedule,
  alpha: number,
  epoch: number,
  rng: Rng,
): void {
  const { head, tail, epochsPerSample, epochOfNextSample, epochsPerNegative, epochOfNextNegative, pow } = st;
  const { a } = sc;
  const twoAb = 2 * a * sc.b;
  const twoGammaB = 2 * sc.repulsionStrength * sc.b;
  const nVertices = y.length / dim;
  for (let e = 0; e < head.length; e++) {
    if (epochOfNextSample[e] > epoch) continue;
    const j = head[e] * dim;
    const k = tail[e] * dim;
    let d2 = 0;
    for (let d = 0; d < dim; d++) {
      const diff = y[j + d] - y[k + d];
      d2 += diff * diff;
    }
    if (d2 > 0) {
      const pb = pow(d2);
      const coeff = (-twoAb * pb) / d2 / (a * pb + 1);
      for (let d = 0; d < dim; d++) {
        const g = clip4(coeff * (y[j + d] - y[k + d])) * alpha;
        y[j + d] += g;
        y[k + d] -= g;
      }
    }
    epochOfNextSample[e] += epochsPerSample[e];
    const nNeg = Math.floor((epoch - epochOfNextNegative[e]) / epochsPerNegative[e]);
    for (let s = 0; s < nNeg; s++) {
      const kk = ((rng.nextUint32() * nVertices * INV_2_32) | 0) * dim;
      if (kk === j) continue;
      let n2 = 0;
      for (let d = 0; d < dim; d++) {
        const diff = y[j + d] - y[kk + d];
        n2 += diff * diff;
      }
      if (!(n2 > 0)) continue;
      const coeff = twoGammaB / ((0.001 + n2) * (a * pow(n2) + 1));
      for (let d = 0; d < dim; d++) y[j + d] += clip4(coeff * (y[j + d] - y[kk + d])) * alpha;
    }
    if (nNeg > 0) epochOfNextNegative[e] += nNeg * epochsPerNegative[e];
  }
}

function clip4(g: number): number {
  return Math.min(4, Math.max(-4, g));
}

const CELLS_PER_OCTAVE_BITS = 8;
const MIN_EXP = -64;
const MAX_EXP = 64;
const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * x -> x^b for x > 0, by linear interpolation in a table of 256 cells per octave over
 * [2^-64, 2^64): relative error below 1.3e-6 for UMAP's usual b (0.8 to 1.4), below 4e-6 for
 * b <= 2 (SGD steps are clipped and noisy far beyond that); exact `**` outside the range.
 * Math.pow dominated the layout's run time; the table lookup is several times faster.
 */
export function powTable(b: number): (x: number) => number {
  const cells = 1 << CELLS_PER_OCTAVE_BITS;
  const octaves = MAX_EXP - MIN_EXP;
  const table = new Float64Array(octaves * cells + 1);
  for (let o = 0; o < octaves; o++) {
    for (let c = 0; c < cells; c++) table[o * cells + c] = (2 ** (MIN_EXP + o) * (1 + c / cells)) ** b;
  }
  table[octaves * cells] = (2 ** MAX_EXP) ** b;
  const shift = 20 - CELLS_PER_OCTAVE_BITS;
  const base = (1023 + MIN_EXP) << CELLS_PER_OCTAVE_BITS;
  const limit = octaves * cells;
  const fracMask = (1 << shift) - 1;
  const fracScale = 1 / 2 ** shift;
  return (x: number): number => {
    scratch[0] = x;
    const hi = scratchWords[HI];
    const cell = (hi >>> shift) - base;
    if (cell < 0 || cell >= limit) return x ** b;
    // Position inside the cell from the next 12 mantissa bits, in [0, 1); the low word would
    // refine it by less than the table's own error.
    const frac = (hi & fracMask) * fracScale;
    const lo = table[cell];
    return lo + frac * (table[cell + 1] - lo);
  };
}
