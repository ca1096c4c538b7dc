import type { Matrix } from '../matrix.ts';
import type { KMeansScheme, KMeansWorkspace } from './kmeansRun.ts';
import { sqDistsToAll } from './kmeansSteps.ts';

/**
 * Plain Lloyd assignment: every pass computes all k distances of every row, O(n k p); no bounds,
 * no extra memory. Kept as the reference the bounded schemes are checked against.
 */
export const lloyd: KMeansScheme = {
  start(x: Matrix, ws: KMeansWorkspace): void {
    ws.labels.fill(-1);
    lloydPass(x, ws);
  },
  pass: lloydPass,
};

function lloydPass(x: Matrix, ws: KMeansWorkspace): number {
  const { data: xd, rows: n, cols: p } = x;
  const { k, labels, sums, counts, centers, dist } = ws;
  sums.fill(0);
  counts.fill(0);
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * p;
    sqDistsToAll(xd, xo, centers, k, p, dist);
    let best = 0;
    let bestD = dist[0]!;
    for (let j = 1; j < k; j++) {
      if (dist[j]! < bestD) {
        bestD = dist[j]!;
        best = j;
      }
    }
    if (labels[i] !== best) {
      labels[i] = best;
      changed++;
    }
    counts[best]! += 1;
    const so = best * p;
    for (let t = 0; t < p; t++) sums[so + t]! += xd[xo + t];
  }
  return changed;
}
