import { describe, expect, it } from 'vitest';
import { exactKnn } from '../src/embed/knn.ts';
import { treeEmbedding } from '../src/embed/treeEmbedding.ts';
import { MlError } from '../src/errors.ts';
import { type Matrix, matrix } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';

/**
 * 500 rows x 6 uniform features; the target has three levels (0, 100, 200, plus unit noise) set by
 * x0 + 0.5 x1, and the other four features are noise, so only a supervised view can see the levels.
 */
function leveled(seed: number): { x: Matrix; target: Float64Array; level: Int32Array } {
  const n = 500;
  const p = 6;
  const rng = new Rng(seed);
  const data = new Float64Array(n * p);
  const level = new Int32Array(n);
  const target = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) data[i * p + j] = rng.uniform(-1, 1);
    const s = data[i * p] + 0.5 * data[i * p + 1];
    level[i] = s < -0.4 ? 0 : s < 0.4 ? 1 : 2;
    target[i] = 100 * level[i] + rng.normal();
  }
  return { x: matrix(n, p, data), target, level };
}

/**
 * Leave-one-out 5-NN accuracy of `labels` (0, 1 or 2) in the embedding. Not helpers.ts's knnAccuracy:
 * a tied vote goes to the lowest label here, to the label met first among the neighbours there.
 */
function knnAccuracy(e: Matrix, labels: Int32Array): number {
  const g = exactKnn(e, 6, 'euclidean');
  let ok = 0;
  for (let i = 0; i < e.rows; i++) {
    const votes = [0, 0, 0];
    for (let q = 1; q < 6; q++) votes[labels[g.indices[i * 6 + q]]]++;
    if (votes.indexOf(Math.max(...votes)) === labels[i]) ok++;
  }
  return ok / e.rows;
}

describe('treeEmbedding', () => {
  const { x, target, level } = leveled(3);
  const opts = { nEstimators: 60, seed: 0, umap: { nEpochs: 200 } };
  const first = treeEmbedding(x, target, opts);

  it('separates the target levels in 2-D (5-NN accuracy > 0.9)', () => {
    expect([first.embedding.rows, first.embedding.cols]).toEqual([500, 2]);
    expect(knnAccuracy(first.embedding, level)).toBeGreaterThan(0.9);
  });

  it('separates them where the raw features do not', () => {
    // Same test on the first two raw noise features: close to chance, so the forest did the work.
    const noise = new Float64Array(500 * 2);
    for (let i = 0; i < 500; i++) {
      noise[2 * i] = x.data[i * 6 + 2];
      noise[2 * i + 1] = x.data[i * 6 + 3];
    }
    expect(knnAccuracy(matrix(500, 2, noise), level)).toBeLessThan(0.6);
  });

  it('returns the fitted forest, which predicts the target', () => {
    const pred = first.forest.predict(x);
    let err = 0;
    for (let i = 0; i < 500; i++) err += Math.abs(pred[i] - target[i]) / 500;
    expect(err).toBeLessThan(15);
    expect(first.forest.trees.length).toBe(60);
    for (const tree of first.forest.trees) {
      // maxDepth 10 by default: at most 2^11 - 1 nodes.
      expect(tree.nodeCount).toBeLessThan(2048);
    }
  });

  it('is deterministic for a seed', () => {
    const again = treeEmbedding(x, target, opts);
    expect(again.embedding.data).toEqual(first.embedding.data);
    const other = treeEmbedding(x, target, { ...opts, seed: 1 });
    expect(other.embedding.data).not.toEqual(first.embedding.data);
  });

  it('reports progress over trees then epochs', () => {
    const seen: [number, number][] = [];
    treeEmbedding(x, target, {
      nEstimators: 5,
      umap: { nEpochs: 10 },
      onProgress: (d, t) => seen.push([d, t]),
    });
    expect(seen.length).toBe(15);
    expect(seen[4]).toEqual([5, 15]);
    expect(seen[14]).toEqual([15, 15]);
  });

  it('rejects empty input and a target of the wrong length', () => {
    expect(() => treeEmbedding(matrix(0, 3), new Float64Array(0))).toThrow(MlError);
    expect(() => treeEmbedding(x, target.subarray(1))).toThrow(MlError);
  });
});
