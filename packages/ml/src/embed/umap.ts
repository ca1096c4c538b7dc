import { MlError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';
import { Rng } from '../random.ts';
import { findAbParams } from './findAbParams.ts';
import { fuzzySimplicialSet, type SparseGraph } from './fuzzySimplicialSet.ts';
import { exactKnn, type KnnGraph, type UmapMetric } from './knn.ts';
import { nnDescent } from './nnDescent.ts';
import { optimizeLayout, sampledEdges } from './optimizeLayout.ts';
import { spectralLayout } from './spectralInit.ts';

/** Options for `UMAP`; every field is optional. */
export interface UmapOptions {
  /** Output dimensions. Default 2. */
  nComponents?: number;
  /** Neighbourhood size, the point itself included (as umap-learn). Default 15; at least 2. */
  nNeighbors?: number;
  /** Smallest distance between embedded points, in output units. Default 0.1; 0 <= minDist <= spread. */
  minDist?: number;
  /** Scale of the embedded clusters, in output units. Default 1. */
  spread?: number;
  /** SGD epochs. Default 500 for up to 10,000 rows, else 200 (as umap-learn). */
  nEpochs?: number;
  /** Initial SGD learning rate, decayed linearly to 0. Default 1. */
  learningRate?: number;
  /** Negative samples per positive sample. Default 5. */
  negativeSampleRate?: number;
  /** Weight of the repulsion between non-neighbours. Default 1. */
  repulsionStrength?: number;
  /** Input distance. Default 'euclidean'; 'hamming' for categorical codes. */
  metric?: UmapMetric;
  /**
   * Neighbour search: 'exact' (brute force, O(n^2)), 'approximate' (NN-descent seeded by
   * random-projection trees), or 'auto' = exact up to 4,096 rows. Default 'auto'.
   */
  knn?: 'auto' | 'exact' | 'approximate';
  /** Starting layout: 'spectral' (umap-learn's default) or 'random' (uniform in [-10, 10]). Default 'spectral'. */
  init?: 'spectral' | 'random';
  /** Seed for every random choice. Default 0. */
  seed?: number;
  /** Called after each SGD epoch with (epochs done, total epochs). */
  onProgress?: (done: number, total: number) => void;
}

type Resolved = Required<Omit<UmapOptions, 'nEpochs' | 'onProgress'>> & {
  nEpochs: number | undefined;
  onProgress: ((done: number, total: number) => void) | undefined;
};

const EXACT_KNN_MAX_ROWS = 4096;

/**
 * Uniform Manifold Approximation and Projection (McInnes, Healy & Melville 2018), following
 * umap-learn: kNN graph (exact or NN-descent), fuzzy simplicial set (smoothed kNN distances,
 * fuzzy union), a/b fitted from minDist and spread, spectral initialisation, and SGD with
 * per-edge epoch schedules, negative sampling and gradient clipping at 4. Deterministic for a
 * seed (single-threaded). Typed arrays throughout; no `transform` of new points.
 * Differences from umap-learn: x^b in the SGD comes from a lookup table (relative error ~1e-6,
 * see `powTable`); the spectral eigensolver is capped at 100 Krylov vectors (see `spectralLayout`).
 *
 * Shapes: x is n x p; the embedding is n x nComponents, each axis in about [0, 10] at the start
 * of optimisation (umap-learn's scaling), unbounded after.
 * Complexity: kNN O(n^2 p) exact or about O(n k^2 p log n) approximate; layout
 * O(nEpochs n k (1 + negativeSampleRate)). 10,000 x 10 takes seconds.
 *
 * @example
 * const { embedding } = new UMAP({ nNeighbors: 15, minDist: 0.1, seed: 42 }).fit(x);
 * // embedding: Matrix n x 2
 */
export class UMAP {
  readonly options: Resolved;
  /** n x nComponents layout after `fit` (0 rows before). */
  embedding: Matrix;
  /** The neighbour graph used (self first in each row) after `fit`. */
  knnGraph: KnnGraph | null = null;
  /** Symmetric fuzzy membership graph after `fit`. */
  graph: SparseGraph | null = null;
  /** Curve parameters of the low-dimensional similarity 1 / (1 + a d^2b) after `fit`. */
  a = Number.NaN;
  b = Number.NaN;

  constructor(options: UmapOptions = {}) {
    const o: Resolved = {
      nComponents: options.nComponents ?? 2,
      nNeighbors: options.nNeighbors ?? 15,
      minDist: options.minDist ?? 0.1,
      spread: options.spread ?? 1,
      nEpochs: options.nEpochs,
      learningRate: options.learningRate ?? 1,
      negativeSampleRate: options.negativeSampleRate ?? 5,
      repulsionStrength: options.repulsionStrength ?? 1,
      metric: options.metric ?? 'euclidean',
      knn: options.knn ?? 'auto',
      init: options.init ?? 'spectral',
      seed: options.seed ?? 0,
      onProgress: options.onProgress,
    };
    validate(o);
    this.options = o;
    this.embedding = { data: new Float64Array(0), rows: 0, cols: o.nComponents };
  }

  /**
   * Embeds the rows of x into `embedding` (n x nComponents) and returns this.
   * One row gives the origin; fewer rows than nNeighbors shrink the neighbourhood to all rows.
   */
  fit(x: Matrix): this {
    const o = this.options;
    if (x.rows === 0 || x.cols === 0) {
      throw new MlError(
        'EMPTY_INPUT',
        `UMAP: input is ${x.rows} x ${x.cols}; need at least one row and one column`,
      );
    }
    assertFinite(x, 'UMAP');
    const n = x.rows;
    const dim = o.nComponents;
    const { a, b } = findAbParams(o.minDist, o.spread);
    this.a = a;
    this.b = b;
    if (n === 1) {
      this.embedding = { data: new Float64Array(dim), rows: 1, cols: dim };
      return this;
    }
    const rng = new Rng(o.seed);
    const k = Math.min(o.nNeighbors, n);
    const exact = o.knn === 'exact' || (o.knn === 'auto' && n <= EXACT_KNN_MAX_ROWS);
    const knn = exact ? exactKnn(x, k, o.metric) : nnDescent(x, k, o.metric, rng);
    const graph = fuzzySimplicialSet(knn);
    this.knnGraph = knn;
    this.graph = graph;

    const nEpochs = o.nEpochs ?? (n <= 10_000 ? 500 : 200);
    const coords =
      o.init === 'spectral'
        ? noisyScale(spectralLayout(graph, dim, rng, o.metric === 'euclidean' ? x : null), rng)
        : randomLayout(n, dim, rng);
    scaleToBox(coords, n, dim);
    const edges = sampledEdges(graph, nEpochs);
    optimizeLayout(
      coords,
      dim,
      edges,
      {
        nEpochs,
        a,
        b,
        learningRate: o.learningRate,
        negativeSampleRate: o.negativeSampleRate,
        repulsionStrength: o.repulsionStrength,
        onProgress: o.onProgress,
      },
      rng,
    );
    this.embedding = { data: coords, rows: n, cols: dim };
    return this;
  }
}

function validate(o: Resolved): void {
  const bad = (msg: string): never => {
    throw new MlError('BAD_OPTION', `UMAP: ${msg}`);
  };
  if (!Number.isInteger(o.nComponents) || o.nComponents < 1) {
    bad(`nComponents = ${o.nComponents}; use a whole number >= 1 (2 for a scatter plot)`);
  }
  if (!Number.isInteger(o.nNeighbors) || o.nNeighbors < 2) {
    bad(`nNeighbors = ${o.nNeighbors}; use a whole number >= 2 (15 is typical)`);
  }
  if (!(o.spread > 0) || !Number.isFinite(o.spread)) bad(`spread = ${o.spread}; use a finite number > 0`);
  if (!(o.minDist >= 0) || o.minDist > o.spread) {
    bad(`minDist = ${o.minDist}; use 0 <= minDist <= spread (${o.spread})`);
  }
  if (o.nEpochs !== undefined && (!Number.isInteger(o.nEpochs) || o.nEpochs < 1)) {
    bad(`nEpochs = ${o.nEpochs}; use a whole number >= 1`);
  }
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate)) {
    bad(`learningRate = ${o.learningRate}; use a finite number > 0`);
  }
  if (!Number.isInteger(o.negativeSampleRate) || o.negativeSampleRate < 0) {
    bad(`negativeSampleRate = ${o.negativeSampleRate}; use a whole number >= 0`);
  }
  if (!(o.repulsionStrength >= 0) || !Number.isFinite(o.repulsionStrength)) {
    bad(`repulsionStrength = ${o.repulsionStrength}; use a finite number >= 0`);
  }
  if (o.metric !== 'euclidean' && o.metric !== 'hamming')
    bad(`metric '${o.metric}'; use 'euclidean' or 'hamming'`);
  if (o.knn !== 'auto' && o.knn !== 'exact' && o.knn !== 'approximate') {
    bad(`knn '${o.knn}'; use 'auto', 'exact' or 'approximate'`);
  }
  if (o.init !== 'spectral' && o.init !== 'random') bad(`init '${o.init}'; use 'spectral' or 'random'`);
}

/** umap-learn's noisy_scale_coords: largest |coordinate| to 10, plus N(0, 1e-4) jitter. */
function noisyScale(coords: Float64Array, rng: Rng): Float64Array {
  let maxAbs = 0;
  for (let t = 0; t < coords.length; t++) maxAbs = Math.max(maxAbs, Math.abs(coords[t]));
  const expansion = maxAbs > 0 ? 10 / maxAbs : 1;
  for (let t = 0; t < coords.length; t++) coords[t] = coords[t] * expansion + 1e-4 * rng.normal();
  return coords;
}

function randomLayout(n: number, dim: number, rng: Rng): Float64Array {
  const out = new Float64Array(n * dim);
  for (let t = 0; t < out.length; t++) out[t] = rng.uniform(-10, 10);
  return out;
}

/** Min-max scales each axis to [0, 10] (umap-learn); a constant axis becomes 0. */
function scaleToBox(coords: Float64Array, n: number, dim: number): void {
  for (let d = 0; d < dim; d++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = coords[i * dim + d];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi - lo;
    for (let i = 0; i < n; i++) coords[i * dim + d] = span > 0 ? (10 * (coords[i * dim + d] - lo)) / span : 0;
  }
}
