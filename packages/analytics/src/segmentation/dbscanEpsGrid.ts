import type { Matrix } from '@clientele/ml';
import { sampleRows } from './sampleRows.ts';

/**
 * Candidate DBSCAN radii for model selection: quantiles of each point's distance to its
 * `minSamples`-th nearest neighbour (the "k-distance" curve of Ester et al. 1996), on a seeded
 * sample of at most 2,000 rows so the brute-force distances stay cheap.
 */
export function dbscanEpsGrid(
  x: Matrix,
  minSamples: number,
  seed: number,
  quantiles: readonly number[] = [0.5, 0.7, 0.8, 0.9, 0.95, 0.98],
): number[] {
  const { x: s } = sampleRows(x, 2000, seed);
  const n = s.rows;
  const p = s.cols;
  const kth = Math.min(minSamples, n) - 1; // the point itself is its own first neighbour
  const kDist = new Float64Array(n);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let t = 0; t < p; t++) {
        const diff = s.data[i * p + t]! - s.data[j * p + t]!;
        acc += diff * diff;
      }
      d[j] = acc;
    }
    d.sort();
    kDist[i] = Math.sqrt(d[Math.max(0, kth)]!);
  }
  kDist.sort();
  const grid = quantiles.map((q) => kDist[Math.min(n - 1, Math.floor(q * (n - 1)))]!);
  return [...new Set(grid.filter((e) => e > 0))];
}
