import { Agglomerative, adjustedRandIndex, type Matrix, Rng } from '@clientele/ml';
import { describe, expect, it } from 'vitest';
import { fitClustering, scoreClustering } from '../src/segmentation/fitClustering.ts';
import { selectModels } from '../src/segmentation/selectModels.ts';

function blobs(n: number, seed: number): { x: Matrix; truth: Int32Array } {
  const rng = new Rng(seed);
  const centres = [
    [0, 0, 0],
    [6, 6, 0],
    [0, 6, 6],
    [6, 0, 6],
  ];
  const data = new Float64Array(n * 3);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = i % 4;
    for (let j = 0; j < 3; j++) data[i * 3 + j] = centres[i % 4]![j]! + rng.normal();
  }
  return { x: { data, rows: n, cols: 3 }, truth };
}

describe('selectModels', () => {
  const { x, truth } = blobs(200, 3);
  const rows = selectModels(x, {
    algorithms: ['kmeans', 'gmm', 'ward', 'average', 'dbscan'],
    kMin: 2,
    kMax: 6,
  });

  it('has one row per algorithm and k, with the figures that apply', () => {
    for (const a of ['kmeans', 'gmm', 'ward', 'average']) {
      expect(rows.filter((r) => r.algorithm === a).map((r) => r.k)).toEqual([2, 3, 4, 5, 6]);
    }
    expect(rows.filter((r) => r.algorithm === 'kmeans').every((r) => r.inertia! > 0)).toBe(true);
    expect(rows.filter((r) => r.algorithm === 'gmm').every((r) => Number.isFinite(r.bic))).toBe(true);
    expect(rows.filter((r) => r.algorithm === 'ward').every((r) => r.inertia === undefined)).toBe(true);
    expect(rows.some((r) => r.algorithm === 'dbscan' && r.eps! > 0)).toBe(true);
  });

  it('scores the planted k best by silhouette for each algorithm', () => {
    for (const a of ['kmeans', 'gmm', 'ward', 'average']) {
      const mine = rows.filter((r) => r.algorithm === a);
      const best = mine.reduce((b, r) => (r.silhouette! > b.silhouette! ? r : b));
      expect(best.k, a).toBe(4);
    }
  });

  it('cuts one hierarchical tree per k exactly as fitting that k alone would', () => {
    for (const k of [2, 3, 5]) {
      const alone = new Agglomerative({ linkage: 'ward', k }).fit(x).labels;
      const viaCut = fitClustering(x, { algorithm: 'ward', k }).labels;
      expect(adjustedRandIndex(alone, viaCut)).toBe(1);
      const row = rows.find((r) => r.algorithm === 'ward' && r.k === k)!;
      expect(row.silhouette).toBeCloseTo(scoreClustering(x, alone).silhouette!, 12);
    }
    expect(adjustedRandIndex(fitClustering(x, { algorithm: 'ward', k: 4 }).labels, truth)).toBe(1);
  });
});

describe('scoreClustering', () => {
  it('leaves DBSCAN noise out of the scores and gives none for a single cluster', () => {
    const { x } = blobs(40, 1);
    const labels = Int32Array.from({ length: 40 }, (_, i) => (i < 2 ? -1 : i % 2));
    const withNoise = scoreClustering(x, labels);
    const kept = { data: x.data.slice(6), rows: 38, cols: 3 };
    const withoutNoise = scoreClustering(kept, labels.slice(2));
    expect(withNoise.silhouette).toBeCloseTo(withoutNoise.silhouette!, 12);
    expect(scoreClustering(x, new Int32Array(40)).silhouette).toBeNull();
  });
});
