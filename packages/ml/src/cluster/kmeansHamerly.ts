import type { Matrix } from '../matrix.ts';
import type { KMeansScheme, KMeansWorkspace, KnownAssignment } from './kmeansRun.ts';
import { moveRow, sqDist, sqDistsToAll } from './kmeansSteps.ts';

/**
 * Hamerly's bounds (Hamerly 2010): per row an upper bound on the distance to its centre and
 * one lower bound on the distance to every other centre. A row is looked at only when its upper
 * bound exceeds both its lower bound and half the distance from its centre to the nearest other
 * centre. O(n) per pass plus O(k p) per row whose bounds fail; O(n) memory. The fastest scheme
 * here for few clusters.
 *
 * Bounds are stored relative to how far the centres have drifted (upper: own centre's drift;
 * lower: the largest drift among the others), so a row whose bounds hold is only read, never
 * written.
 */
export const hamerly: KMeansScheme = {
  start(x: Matrix, ws: KMeansWorkspace, known?: KnownAssignment): void {
    const { data: xd, rows: n, cols: p } = x;
    const { k, labels, centers, dist } = ws;
    if (ws.upper.length !== n) ws.upper = new Float64Array(n);
    if (ws.lower.length !== n) ws.lower = new Float64Array(n);
    const { upper, lower } = ws;
    if (known) {
      labels.set(known.labels);
      for (let i = 0; i < n; i++) upper[i] = Math.sqrt(known.sqDist[i]!);
      // The second-nearest distance is unknown; 0 is a valid lower bound, and the half-distance
      // test still skips most rows on the first pass.
      lower.fill(0);
    } else {
      for (let i = 0; i < n; i++) {
        sqDistsToAll(xd, i * p, centers, k, p, dist);
        let best = 0;
        let d1 = dist[0]!;
        let d2 = Number.POSITIVE_INFINITY;
        for (let j = 1; j < k; j++) {
          const d = dist[j]!;
          if (d < d1) {
            d2 = d1;
            d1 = d;
            best = j;
          } else if (d < d2) d2 = d;
        }
        labels[i] = best;
        upper[i] = Math.sqrt(d1);
        lower[i] = Math.sqrt(d2);
      }
    }
    ws.initSums(x);
  },

  pass(x: Matrix, ws: KMeansWorkspace): number {
    const { data: xd, rows: n, cols: p } = x;
    const { k, labels, sums, counts, centers, dist, upper, lower, drift, otherDrift, nearest } = ws;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const a = labels[i]!;
      let u = upper[i]! + drift[a]!;
      const l = lower[i]! - otherDrift[a]!;
      const s = nearest[a]!;
      const m = Math.max(s, l);
      if (u <= m) continue;
      const xo = i * p;
      u = Math.sqrt(sqDist(xd, xo, centers, a * p, p));
      if (u <= m) {
        upper[i] = u - drift[a]!;
        continue;
      }
      sqDistsToAll(xd, xo, centers, k, p, dist);
      let best = 0;
      let d1 = dist[0]!;
      let d2 = Number.POSITIVE_INFINITY;
      for (let j = 1; j < k; j++) {
        const d = dist[j]!;
        if (d < d1) {
          d2 = d1;
          d1 = d;
          best = j;
        } else if (d < d2) d2 = d;
      }
      upper[i] = Math.sqrt(d1) - drift[best]!;
      lower[i] = Math.sqrt(d2) + otherDrift[best]!;
      if (best !== a) {
        labels[i] = best;
        changed++;
        moveRow(xd, xo, p, a, best, sums, counts);
      }
    }
    return changed;
  },
};
