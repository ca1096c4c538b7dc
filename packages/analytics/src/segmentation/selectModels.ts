import { cutByK, type LinkageMethod, linkage, type Matrix, type Merges } from '@clientele/ml';
import { type ClusterAlgorithm, HIERARCHICAL, HIERARCHICAL_MAX_ROWS } from './clusterAlgorithms.ts';
import { dbscanEpsGrid } from './dbscanEpsGrid.ts';
import { type ClusteringResult, fitClustering, scoreClustering } from './fitClustering.ts';
import { sampleRows } from './sampleRows.ts';

export interface SelectModelsOptions {
  algorithms: ClusterAlgorithm[];
  /** Inclusive range of cluster counts to try. */
  kMin: number;
  kMax: number;
  nInit?: number;
  minSamples?: number;
  seed?: number;
  /** Silhouettes on a seeded sample of this many rows (the same rows for every model) above it; default 20,000. */
  silhouetteRows?: number;
  /** Called after each fitted model, with how many are done out of the total planned. */
  onProgress?: (done: number, total: number) => void;
}

/** One row of the model-selection table (the seed's table: silhouette per algorithm per k). */
export interface SelectionRow {
  algorithm: ClusterAlgorithm;
  k: number;
  /** Rows the model was fitted on: all of them, or a seeded sample for hierarchical and DBSCAN. */
  nRows: number;
  silhouette: number | null;
  silhouetteSampled: boolean;
  calinskiHarabasz: number | null;
  daviesBouldin: number | null;
  inertia?: number;
  bic?: number;
  aic?: number;
  eps?: number;
  nNoise?: number;
  seconds: number;
}

/**
 * Fits every algorithm for every k in [kMin, kMax] and scores each. Hierarchical linkages and
 * DBSCAN run on a seeded sample of at most 20,000 rows (their memory or time grows fast with n);
 * DBSCAN has no k: it is tried at radii from the k-distance curve, and its k is what it found.
 */
export function selectModels(x: Matrix, opts: SelectModelsOptions): SelectionRow[] {
  const seed = opts.seed ?? 0;
  const minSamples = opts.minSamples ?? 5;
  const ks: number[] = [];
  for (let k = opts.kMin; k <= Math.min(opts.kMax, x.rows - 1); k++) ks.push(k);
  const sample = x.rows > HIERARCHICAL_MAX_ROWS ? sampleRows(x, HIERARCHICAL_MAX_ROWS, seed).x : x;
  const epsGrid = opts.algorithms.includes('dbscan') ? dbscanEpsGrid(sample, minSamples, seed) : [];
  const total = opts.algorithms.reduce((acc, a) => acc + (a === 'dbscan' ? epsGrid.length : ks.length), 0);
  let done = 0;
  const rows: SelectionRow[] = [];
  for (const algorithm of opts.algorithms) {
    const heavy = algorithm !== 'kmeans' && algorithm !== 'minibatch-kmeans' && algorithm !== 'gmm';
    const data = heavy ? sample : x;
    const settings = algorithm === 'dbscan' ? epsGrid.map((eps) => ({ eps })) : ks.map((k) => ({ k }));
    // One tree serves every k of a hierarchical linkage: build it once, cut it per k.
    let tree: { merges: Merges; seconds: number } | null = null;
    if (HIERARCHICAL.has(algorithm)) {
      const t0 = performance.now();
      const merges = linkage(data, algorithm as LinkageMethod);
      tree = { merges, seconds: (performance.now() - t0) / 1000 };
    }
    for (const setting of settings) {
      const fit = tree
        ? cutTree(tree, data.rows, algorithm, (setting as { k: number }).k)
        : fitClustering(data, { algorithm, ...setting, minSamples, nInit: opts.nInit, seed });
      const scores = scoreClustering(data, fit.labels, seed, opts.silhouetteRows);
      rows.push({
        algorithm,
        k: fit.k,
        nRows: data.rows,
        silhouette: scores.silhouette,
        silhouetteSampled: scores.silhouetteSampled,
        calinskiHarabasz: scores.calinskiHarabasz,
        daviesBouldin: scores.daviesBouldin,
        inertia: fit.inertia,
        bic: fit.bic,
        aic: fit.aic,
        eps: 'eps' in setting ? setting.eps : undefined,
        nNoise: fit.nNoise,
        seconds: fit.seconds,
      });
      opts.onProgress?.(++done, total);
    }
  }
  return rows;
}

/** Labels for k from an already built tree; its build time counts in every k's fit, as fitting k alone would. */
function cutTree(
  tree: { merges: Merges; seconds: number },
  n: number,
  algorithm: ClusterAlgorithm,
  k: number,
): ClusteringResult {
  const t0 = performance.now();
  const labels = cutByK(tree.merges, n, k);
  return { algorithm, k, labels, seconds: tree.seconds + (performance.now() - t0) / 1000 };
}
