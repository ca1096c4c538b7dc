import { elbow, GaussianMixture, KMeans, type Matrix, matrix, silhouetteScore } from '@clientele/ml';
import { embedSpace } from '../segmentation/embedSpace.ts';
import { fitClustering } from '../segmentation/fitClustering.ts';
import { sampleRows } from '../segmentation/sampleRows.ts';
import { scaleMatrix } from '../segmentation/scaleMatrix.ts';
import { type SelectionRow, selectModels } from '../segmentation/selectModels.ts';
import type { RunConfig } from './runConfig.ts';

export interface Segmentation {
  /** The matrix the segments were found on: transformed and scaled. */
  scaled: Matrix;
  selection: SelectionRow[];
  selectionRows: number;
  algorithm: string;
  k: number;
  labels: Int32Array;
  /** k x p means of the scaled features per segment (to match segments across runs). */
  centroids: Matrix;
  silhouette: number | null;
  /** How the algorithm and k were chosen. */
  chosenBy: 'elbow' | 'silhouette' | 'config';
  /** The k-means inertia per k = 1..kMax on the selection sample (the elbow chart). */
  elbowCurve: { k: number; inertia: number }[];
  transform: 'log' | 'none';
  scale: 'minmax' | 'robust' | 'standard';
}

/** sign(x) log(1 + |x|): tames heavy tails (revenue, counts) and keeps zero and sign. */
function signedLog(x: Matrix): Matrix {
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = x.data[i]!;
    out[i] = v < 0 ? -Math.log1p(-v) : Math.log1p(v);
  }
  return matrix(x.rows, x.cols, out);
}

/** Columns that do not vary say nothing about segments and break scalers: left out. */
function varyingColumns(x: Matrix): number[] {
  const keep: number[] = [];
  for (let j = 0; j < x.cols; j++) {
    const first = x.data[j]!;
    for (let i = 1; i < x.rows; i++) {
      if (x.data[i * x.cols + j] !== first) {
        keep.push(j);
        break;
      }
    }
  }
  return keep;
}

export function centroidsOf(x: Matrix, labels: Int32Array, k: number): Matrix {
  const c = new Float64Array(k * x.cols);
  const n = new Float64Array(k);
  for (let i = 0; i < x.rows; i++) {
    const s = labels[i]!;
    if (s < 0) continue;
    n[s]!++;
    for (let j = 0; j < x.cols; j++) c[s * x.cols + j]! += x.data[i * x.cols + j];
  }
  for (let s = 0; s < k; s++) for (let j = 0; j < x.cols; j++) c[s * x.cols + j]! /= Math.max(1, n[s]!);
  return matrix(k, x.cols, c);
}

export function nearestCentroid(x: Matrix, c: Matrix): Int32Array {
  const labels = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let s = 0; s < c.rows; s++) {
      let d = 0;
      for (let j = 0; j < x.cols; j++) {
        const t = x.data[i * x.cols + j]! - c.data[s * c.cols + j]!;
        d += t * t;
      }
      if (d < bestD) {
        bestD = d;
        best = s;
      }
    }
    labels[i] = best;
  }
  return labels;
}

/** Within-segment sum of squares of k-means for k = 1..kMax: the selection table's where it has them. */
function inertiaCurve(
  x: Matrix,
  selection: SelectionRow[],
  kMax: number,
  seed: number,
): { k: number; inertia: number }[] {
  const curve: { k: number; inertia: number }[] = [];
  for (let k = 1; k <= kMax; k++) {
    const row = selection.find((r) => r.algorithm === 'kmeans' && r.k === k && r.inertia !== undefined);
    curve.push({ k, inertia: row?.inertia ?? new KMeans({ k, seed }).fit(x).inertia });
  }
  return curve;
}

/**
 * The configured model; or the best silhouette of the table; or the elbow's k and, at that k,
 * the algorithm with the best silhouette (the elbow is read on k-means, the silhouette compares
 * the algorithms at that k).
 */
function chooseModel(
  rule: 'elbow' | 'silhouette' | 'config',
  selection: SelectionRow[],
  config: RunConfig['segmentation'],
  curve: { k: number; inertia: number }[],
): { algorithm: string; k: number; rule: 'elbow' | 'silhouette' | 'config' } {
  if (rule === 'config') return { algorithm: config.algorithm!, k: config.k!, rule };
  const bestOf = (rows: SelectionRow[]): SelectionRow =>
    rows.reduce((b, r) => ((r.silhouette ?? -2) > (b.silhouette ?? -2) ? r : b));
  const silhouette = (): { algorithm: string; k: number; rule: 'silhouette' } => {
    const b = bestOf(selection);
    return { algorithm: b.algorithm, k: b.k, rule: 'silhouette' };
  };
  // A curve that does not fall (every customer alike) has no elbow.
  if (rule === 'silhouette' || curve.length < 3 || !(curve[0]!.inertia > curve.at(-1)!.inertia)) {
    return silhouette();
  }
  const e = elbow(
    curve.map((c) => c.k),
    curve.map((c) => c.inertia),
  );
  const atK = selection.filter((r) => r.k === Math.max(curve[e.index]!.k, config.kMin));
  if (atK.length === 0) return silhouette();
  const b = bestOf(atK);
  return { algorithm: b.algorithm, k: b.k, rule: 'elbow' };
}

/** The features a segmentation is found on: constant columns left out, then transformed and scaled. */
export function prepareFeatures(
  x: Matrix,
  config: Pick<RunConfig['segmentation'], 'transform' | 'scale'>,
): { scaled: Matrix; columns: number[]; transform: 'log' | 'none'; scale: 'minmax' | 'robust' | 'standard' } {
  const transform = config.transform === 'auto' ? 'log' : config.transform;
  const columns = varyingColumns(x);
  const kept = matrix(
    x.rows,
    columns.length,
    Float64Array.from({ length: x.rows * columns.length }, (_, q) => {
      const i = Math.floor(q / columns.length);
      return x.data[i * x.cols + columns[q % columns.length]!]!;
    }),
  );
  const scale = config.scale === 'auto' ? 'standard' : config.scale;
  const scaled = scaleMatrix(transform === 'log' ? signedLog(kept) : kept, scale);
  return { scaled, columns, transform, scale };
}

export type ChosenModel = Pick<
  Segmentation,
  'selection' | 'selectionRows' | 'algorithm' | 'k' | 'labels' | 'silhouette' | 'chosenBy' | 'elbowCurve'
> & {
  /** The rows of the selection sample (seeded: the same rows for any matrix with as many rows). */
  sampleRows: Int32Array;
};

/**
 * The model-selection table on a seeded sample of `space` (every algorithm for every k), then the
 * model chosen by the elbow or the silhouette (or the configured algorithm and k; see
 * `chooseModel`) fitted for every row: k-means on all rows; a Gaussian mixture fitted on the sample
 * and applied to all; a hierarchical tree cut on the sample, the rest assigned to the nearest
 * segment mean. The silhouette is on the sample, in `space`.
 */
export function chooseAndFit(
  space: Matrix,
  config: RunConfig['segmentation'],
  seed: number,
  onProgress?: (fraction: number) => void,
): ChosenModel {
  const sample = sampleRows(space, config.selectionRows, seed);
  const kMax = Math.min(config.kMax, sample.x.rows - 1);
  const selection = selectModels(sample.x, {
    algorithms: config.algorithms,
    kMin: Math.min(config.kMin, kMax),
    kMax,
    seed,
    silhouetteRows: config.silhouetteRows,
    onProgress: (done, total) => onProgress?.((0.8 * done) / total),
  });
  const rule = config.algorithm !== undefined && config.k !== undefined ? 'config' : config.choose;
  const elbowCurve = inertiaCurve(sample.x, selection, kMax, seed);
  const best = chooseModel(rule, selection, config, elbowCurve);
  let labels: Int32Array;
  if (best.algorithm === 'kmeans' || best.algorithm === 'minibatch-kmeans') {
    labels = new KMeans({ k: best.k, seed }).fit(space).labels;
  } else if (best.algorithm === 'gmm') {
    labels = new GaussianMixture({ k: best.k, seed }).fit(sample.x).predict(space);
  } else {
    const fit = fitClustering(sample.x, { algorithm: best.algorithm as 'ward', k: best.k, seed });
    labels = nearestCentroid(space, centroidsOf(sample.x, fit.labels, best.k));
  }
  onProgress?.(0.95);
  return {
    selection,
    selectionRows: sample.x.rows,
    algorithm: best.algorithm,
    k: best.k,
    labels,
    silhouette: sampleSilhouette(sample.x, sample.rows, labels),
    chosenBy: best.rule,
    elbowCurve,
    sampleRows: sample.rows,
  };
}

/** The silhouette of `labels` (one per row of the whole data) on the sample `x` of rows `rows`; null for one segment. */
export function sampleSilhouette(x: Matrix, rows: Int32Array, labels: Int32Array): number | null {
  const sampleLabels = Int32Array.from(rows, (i) => labels[i]!);
  return new Set(sampleLabels).size > 1 ? silhouetteScore(x, sampleLabels).score : null;
}

/**
 * Finds the segments: `prepareFeatures` (constant columns out, transform, scale), then
 * `chooseAndFit` on the scaled features.
 */
export function findSegments(
  x: Matrix,
  config: RunConfig['segmentation'],
  seed: number,
  onProgress?: (fraction: number) => void,
): Segmentation & { columns: number[] } {
  const { scaled, columns, transform, scale } = prepareFeatures(x, config);
  const fit = chooseAndFit(scaled, config, seed, onProgress);
  return {
    scaled,
    selection: fit.selection,
    selectionRows: fit.selectionRows,
    algorithm: fit.algorithm,
    k: fit.k,
    labels: fit.labels,
    centroids: centroidsOf(scaled, fit.labels, fit.k),
    silhouette: fit.silhouette,
    chosenBy: fit.chosenBy,
    elbowCurve: fit.elbowCurve,
    transform,
    scale,
    columns,
  };
}

/**
 * 2-D views of a seeded sample, each point with its segment. 'tree' (the seed's tree embedding:
 * a random forest predicting `target`, its leaves embedded) needs a target per customer (revenue
 * for a log, the churn label for a snapshot) and is left out without one.
 */
export function segmentViews(
  scaled: Matrix,
  labels: Int32Array,
  methods: string[],
  size: number,
  seed: number,
  target?: Float64Array,
): { method: string; x: number[]; y: number[]; segment: number[] }[] {
  const sample = sampleRows(scaled, size, seed);
  const segment = Array.from(sample.rows, (i) => labels[i]!);
  const sampleTarget = target ? Float64Array.from(sample.rows, (i) => target[i]!) : undefined;
  return methods
    .filter((m) => m !== 'tree' || sampleTarget !== undefined)
    .map((method) => {
      const p = embedSpace(sample.x, { method: method as 'pca', seed, target: sampleTarget }).positions;
      const round = (v: number): number => Math.round(v * 1000) / 1000;
      return {
        method,
        x: Array.from({ length: p.rows }, (_, i) => round(p.data[2 * i]!)),
        y: Array.from({ length: p.rows }, (_, i) => round(p.data[2 * i + 1]!)),
        segment,
      };
    });
}
