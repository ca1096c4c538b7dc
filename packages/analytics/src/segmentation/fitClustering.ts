import {
  Agglomerative,
  calinskiHarabasz,
  DBSCAN,
  daviesBouldin,
  GaussianMixture,
  KMeans,
  type Matrix,
  MiniBatchKMeans,
  silhouetteScore,
} from '@clientele/ml';
import { InputError } from '../errors.ts';
import { type ClusterAlgorithm, HIERARCHICAL, SILHOUETTE_EXACT_MAX_ROWS } from './clusterAlgorithms.ts';

export interface FitClusteringOptions {
  algorithm: ClusterAlgorithm;
  /** Number of clusters (all but DBSCAN). */
  k?: number;
  /** Hierarchical only: cut the tree at this merge height instead of at k clusters. */
  height?: number;
  /** DBSCAN neighbourhood radius, in the units of the (scaled) data. */
  eps?: number;
  minSamples?: number;
  nInit?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

/** One fitted clustering and its quality figures; fields are absent where they do not apply. */
export interface ClusteringResult {
  algorithm: ClusterAlgorithm;
  k: number;
  labels: Int32Array;
  /** Seconds spent in the fit alone (not reading, scaling or scoring). */
  seconds: number;
  inertia?: number;
  logLikelihood?: number;
  bic?: number;
  aic?: number;
  nNoise?: number;
}

/** Fits one algorithm on an already scaled matrix. */
export function fitClustering(x: Matrix, opts: FitClusteringOptions): ClusteringResult {
  const { algorithm, seed = 0, onProgress } = opts;
  const needK = (): number => {
    if (opts.k === undefined)
      throw new InputError('BAD_OPTION', `${algorithm} needs the number of clusters: give --k`);
    return opts.k;
  };
  const t0 = performance.now();
  const seconds = (): number => (performance.now() - t0) / 1000;

  if (algorithm === 'kmeans' || algorithm === 'minibatch-kmeans') {
    const k = needK();
    const Model = algorithm === 'kmeans' ? KMeans : MiniBatchKMeans;
    const m = new Model({ k, nInit: opts.nInit, seed, onProgress }).fit(x);
    return { algorithm, k, labels: m.labels, seconds: seconds(), inertia: m.inertia };
  }
  if (algorithm === 'gmm') {
    const k = needK();
    const m = new GaussianMixture({ k, nInit: opts.nInit ?? 1, seed, onProgress }).fit(x);
    const labels = m.predict(x);
    const s = seconds();
    return {
      algorithm,
      k,
      labels,
      seconds: s,
      logLikelihood: m.logLikelihood(x),
      bic: m.bic(x),
      aic: m.aic(x),
    };
  }
  if (HIERARCHICAL.has(algorithm)) {
    const linkage = algorithm as 'ward' | 'average' | 'complete' | 'single';
    const cut = opts.height !== undefined ? { distanceThreshold: opts.height } : { k: needK() };
    const m = new Agglomerative({ linkage, ...cut, onProgress }).fit(x);
    return { algorithm, k: m.nClusters, labels: m.labels, seconds: seconds() };
  }
  if (opts.eps === undefined)
    throw new InputError('BAD_OPTION', 'dbscan needs a neighbourhood radius: give --eps');
  const m = new DBSCAN({ eps: opts.eps, minSamples: opts.minSamples ?? 5 }).fit(x);
  return { algorithm, k: m.nClusters, labels: m.labels, seconds: seconds(), nNoise: m.nNoise };
}

export interface ClusterScores {
  silhouette: number | null;
  silhouetteSampled: boolean;
  silhouetteSampleSize: number;
  calinskiHarabasz: number | null;
  daviesBouldin: number | null;
}

/**
 * Internal quality scores of a partition. DBSCAN noise (-1) is left out, as it is no cluster;
 * a partition with fewer than two clusters has no score (null).
 */
export function scoreClustering(
  x: Matrix,
  labels: Int32Array,
  seed = 0,
  exactMaxRows = SILHOUETTE_EXACT_MAX_ROWS,
): ClusterScores {
  const keep: number[] = [];
  const distinct = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= 0) {
      keep.push(i);
      distinct.add(labels[i]!);
    }
  }
  const n = keep.length;
  if (distinct.size < 2 || distinct.size >= n) {
    return {
      silhouette: null,
      silhouetteSampled: false,
      silhouetteSampleSize: 0,
      calinskiHarabasz: null,
      daviesBouldin: null,
    };
  }
  let xs = x;
  let ls = labels;
  if (n < labels.length) {
    const p = x.cols;
    const data = new Float64Array(n * p);
    ls = new Int32Array(n);
    keep.forEach((i, r) => {
      data.set(x.data.subarray(i * p, (i + 1) * p), r * p);
      ls[r] = labels[i]!;
    });
    xs = { data, rows: n, cols: p };
  }
  const sampled = n > exactMaxRows;
  const sil = silhouetteScore(xs, ls, sampled ? { sampleSize: exactMaxRows, seed } : {});
  return {
    silhouette: sil.score,
    silhouetteSampled: sampled,
    silhouetteSampleSize: sampled ? exactMaxRows : n,
    calinskiHarabasz: calinskiHarabasz(xs, ls),
    daviesBouldin: daviesBouldin(xs, ls),
  };
}
