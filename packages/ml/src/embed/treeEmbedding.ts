import { MlError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';
import { RandomForestRegressor, type RandomForestRegressorOptions } from '../trees/randomForestRegressor.ts';
import { UMAP, type UmapOptions } from './umap.ts';

/** Options for `treeEmbedding`; every field is optional. */
export interface TreeEmbeddingOptions {
  /** Trees in the forest (the seed project used 2,000; 100 is plenty for a 2-D view). Default 100. */
  nEstimators?: number;
  /**
   * Depth limit of each tree. Default 10: deep enough to separate target levels, shallow enough
   * that leaves hold several customers, so sharing a leaf means something.
   */
  maxDepth?: number;
  /** Smallest leaf, in distinct rows. Default 1. */
  minSamplesLeaf?: number;
  /** Features tried per split (see `RandomForestRegressorOptions.maxFeatures`). Default 1 (all). */
  maxFeatures?: RandomForestRegressorOptions['maxFeatures'];
  /** Seed for the forest and for UMAP (unless `umap.seed` is given). Default 0. */
  seed?: number;
  /** UMAP settings for the leaf codes; `metric` is always 'hamming'. */
  umap?: Omit<UmapOptions, 'metric'>;
  /** Progress over both stages: trees first, then UMAP epochs, as (done, total) steps. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The seed project's "tree embedding": fit a random-forest regressor of `target` on x, describe
 * each row by the leaf it reaches in every tree, and embed those categorical codes with UMAP
 * under the Hamming metric, so two rows are close when many trees put them in the same leaf
 * (1 - Hamming distance is Breiman's random-forest proximity). Rows the forest treats alike
 * for predicting the target (e.g. revenue) form the groups of the view.
 *
 * Shapes: x is n x p, target has n values; the embedding is n x umap.nComponents (default 2).
 * Complexity: the forest's fit, O(n nEstimators depth) for the leaf codes, then UMAP on n x nEstimators.
 *
 * @example
 * const { embedding, forest } = treeEmbedding(features, revenue, { nEstimators: 100, seed: 1 });
 * // embedding: Matrix n x 2; forest.predict(features) ~ revenue
 */
export function treeEmbedding(
  x: Matrix,
  target: Float64Array,
  options: TreeEmbeddingOptions = {},
): { embedding: Matrix; forest: RandomForestRegressor } {
  if (x.rows === 0) {
    throw new MlError('EMPTY_INPUT', 'tree embedding: input has no rows; need at least one customer');
  }
  const seed = options.seed ?? 0;
  const nEstimators = options.nEstimators ?? 100;
  const onProgress = options.onProgress;
  const umapOptions: UmapOptions = { ...options.umap, metric: 'hamming', seed: options.umap?.seed ?? seed };
  // Total steps are known only once UMAP picks its epochs; estimate them the same way.
  const epochs = umapOptions.nEpochs ?? (x.rows <= 10_000 ? 500 : 200);
  const total = nEstimators + epochs;
  const forest = new RandomForestRegressor({
    nEstimators,
    maxDepth: options.maxDepth ?? 10,
    minSamplesLeaf: options.minSamplesLeaf ?? 1,
    maxFeatures: options.maxFeatures ?? 1,
    seed,
    onProgress: onProgress ? (done) => onProgress(done, total) : undefined,
  }).fit(x, target);
  const leaves = forest.apply(x);
  const codes: Matrix = { data: Float64Array.from(leaves), rows: x.rows, cols: nEstimators };
  const umapProgress = umapOptions.onProgress;
  const umap = new UMAP({
    ...umapOptions,
    onProgress: (done, all) => {
      umapProgress?.(done, all);
      onProgress?.(nEstimators + done, nEstimators + all);
    },
  });
  const { embedding } = umap.fit(codes);
  return { embedding, forest };
}
