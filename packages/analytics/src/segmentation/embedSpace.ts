import { type Matrix, PCA, TSNE, treeEmbedding, UMAP } from '@clientele/ml';
import { InputError } from '../errors.ts';

export const EMBED_METHODS = ['pca', 'tsne', 'umap', 'tree'] as const;
export type EmbedMethod = (typeof EMBED_METHODS)[number];

export interface EmbedOptions {
  method: EmbedMethod;
  /** The column the tree embedding's random forest predicts (the seed used revenue). */
  target?: Float64Array;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface Embedding {
  /** n x 2 positions, one row per input row. */
  positions: Matrix;
  /** PCA only: share of the variance each of the two axes explains. */
  explainedVarianceRatio?: number[];
}

/** A 2-D view of the customers for charts: PCA, t-SNE, UMAP or the seed's tree embedding. */
export function embedSpace(x: Matrix, opts: EmbedOptions): Embedding {
  const seed = opts.seed ?? 0;
  switch (opts.method) {
    case 'pca': {
      const pca = new PCA({ nComponents: Math.min(2, x.cols) }).fit(x);
      return { positions: pca.transform(x), explainedVarianceRatio: Array.from(pca.explainedVarianceRatio) };
    }
    case 'tsne':
      return { positions: new TSNE({ seed, onProgress: opts.onProgress }).fit(x).embedding };
    case 'umap':
      return { positions: new UMAP({ seed, onProgress: opts.onProgress }).fit(x).embedding };
    case 'tree': {
      if (!opts.target) {
        throw new InputError(
          'BAD_OPTION',
          'the tree embedding needs a target column to predict: give --target COLUMN',
        );
      }
      return { positions: treeEmbedding(x, opts.target, { seed }).embedding };
    }
  }
}
