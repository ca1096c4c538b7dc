import type { Matrix } from '../matrix.ts';
import type { KMeansScheme, KMeansWorkspace, KnownAssignment } from './kmeansRun.ts';
import { moveRow, sqDist } from './kmeansSteps.ts';

/**
 * Elkan's bounds (Elkan 2003): per row an upper bound on the distance to its centre and a lower
 * bound on the distance to each centre, plus the k x k centre-centre distances. O(n) per pass
 * plus O(p) per distance the bounds cannot rule out; O(n k) memory. Computes the fewest
 * distances; worth it over Hamerly when k is large (tens of clusters).
 *
 * Bounds are stored relative to how far each centre has drifted, so a row whose upper bound is
 * within half the distance to its nearest other centre is only read, never written.
 */
export const elkan: KMeansScheme = {
  start(x: Matrix, ws: KMeansWorkspace, known?: KnownAssignment): void {
    const { data: xd, rows: n, cols: p } = x;
    const { k, labels, centers } = ws;
    if (ws.upper.length !== n) ws.upper = new Float64Array(n);
    if (ws.lower.length !== n * k) ws.lower = new Float64Array(n * k);
    const { upper, lower } = ws;
    if (known) {
      labels.set(known.labels);
      lower.fill(0);
      for (let i = 0; i < n; i++) {
        const u = Math.sqrt(known.sqDist[i]!);
        upper[i] = u;
        lower[i * k + labels[i]!] = u;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const xo = i * p;
        const lo = i * k;
        let best = 0;
        let bestD = Number.POSITIVE_INFINITY;
        for (let j = 0; j < k; j++) {
          const d = Math.sqrt(sqDist(xd, xo, centers, j * p, p));
          lower[lo + j] = d;
          if (d < bestD) {
            bestD = d;
            best = j;
          }
        }
        labels[i] = best;
        upper[i] = bestD;
      }
    }
    ws.initSums(x);
  },

  pass(x: Matrix, ws: KMeansWorkspace): number {
    const { data: xd, rows: n, cols: p } = x;
    const { k, labels, sums, counts, centers, upper, lower, drift, half, nearest } = ws;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const a0 = labels[i]!;
      let u = upper[i]! + drift[a0]!;
      if (u <= nearest[a0]!) continue;
      const xo = i * p;
      const lo = i * k;
      let a = a0;
      let tight = false;
      for (let j = 0; j < k; j++) {
        if (j === a) continue;
        const lj = lower[lo + j]! - drift[j]!;
        const hj = half[a * k + j]!;
        if (u <= lj || u <= hj) continue;
        if (!tight) {
          u = Math.sqrt(sqDist(xd, xo, centers, a * p, p));
          lower[lo + a] = u + drift[a]!;
          tight = true;
          if (u <= lj || u <= hj) continue;
        }
        const d = Math.sqrt(sqDist(xd, xo, centers, j * p, p));
        lower[lo + j] = d + drift[j]!;
        if (d < u) {
          a = j;
          u = d;
        }
      }
      if (!tight) continue;
      upper[i] = u - drift[a]!;
      if (a !== a0) {
        labels[i] = a;
        changed++;
        moveRow(xd, xo, p, a0, a, sums, counts);
      }
    }
    return changed;
  },
};
