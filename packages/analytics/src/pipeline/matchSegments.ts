import { linearSumAssignment, type Matrix } from '@clientele/ml';
import { InputError } from '../errors.ts';

/** One current segment and the previous run's segment it continues (-1: none), by centroid distance. */
export interface SegmentMatch {
  segment: number;
  previous: number;
  distance: number;
}

/**
 * Pairs this run's segments with the previous run's, so names and ids stick across runs: the
 * one-to-one matching of centroids with the least total Euclidean distance (linear sum
 * assignment on the k x k_prev distance matrix).
 *
 * `previous` is k_prev x p, `current` k x p: centroids in the same scaled feature space (the
 * same features and scaler), one row per segment id. Returns one entry per current segment
 * 0..k-1, in order. When k > k_prev, the k - k_prev segments left over get `previous` -1 and, as
 * `distance`, the distance to the nearest previous centroid (taken by another segment); when
 * k < k_prev, some previous segments are matched by none.
 *
 * O(k k_prev p + min(k, k_prev)^2 max(k, k_prev)).
 */
export function matchSegments(previous: Matrix, current: Matrix): SegmentMatch[] {
  const kp = previous.rows;
  const k = current.rows;
  const p = current.cols;
  if (previous.cols !== p) {
    throw new InputError(
      'BAD_OPTION',
      `the previous run's segments have ${previous.cols} features, this run's ${p}; match runs on the same features`,
    );
  }
  const dist = new Float64Array(k * kp);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < kp; j++) {
      let s = 0;
      for (let t = 0; t < p; t++) {
        const d = current.data[i * p + t]! - previous.data[j * p + t]!;
        s += d * d;
      }
      dist[i * kp + j] = Math.sqrt(s);
    }
  }
  const out: SegmentMatch[] = [];
  for (let i = 0; i < k; i++) {
    let nearest = Number.POSITIVE_INFINITY;
    for (let j = 0; j < kp; j++) nearest = Math.min(nearest, dist[i * kp + j]!);
    out.push({ segment: i, previous: -1, distance: kp === 0 ? Number.NaN : nearest });
  }
  if (k === 0 || kp === 0) return out;
  const { rows, cols } = linearSumAssignment({ data: dist, rows: k, cols: kp });
  for (let t = 0; t < rows.length; t++) {
    const i = rows[t]!;
    out[i] = { segment: i, previous: cols[t]!, distance: dist[i * kp + cols[t]!]! };
  }
  return out;
}

/**
 * Renumbers this run's segments after the previous run's: `mapping[c]` is the new id of segment
 * c, its previous id when matched, else a fresh id after the largest previous one (max + 1, max +
 * 2, ... in segment order). `labels` gets the new ids; -1 (noise) stays -1.
 *
 * When segments disappeared (k < k_prev) the new ids have gaps (e.g. 0, 2, 3): size per-segment
 * tables by max id + 1.
 */
export function relabelToPrevious(
  labels: Int32Array,
  match: SegmentMatch[],
): { labels: Int32Array; mapping: Int32Array } {
  const k = match.length;
  const mapping = new Int32Array(k).fill(-1);
  let next = 0;
  for (const m of match) next = Math.max(next, m.previous + 1);
  for (const m of match) {
    if (!Number.isInteger(m.segment) || m.segment < 0 || m.segment >= k || mapping[m.segment] !== -1) {
      throw new InputError('BAD_OPTION', `the match lists segment ${m.segment} twice or out of 0..${k - 1}`);
    }
    mapping[m.segment] = m.previous >= 0 ? m.previous : next++;
  }
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c === -1) out[i] = -1;
    else if (c >= 0 && c < k) out[i] = mapping[c]!;
    else throw new InputError('BAD_OPTION', `row ${i} has segment ${c}; the match covers 0..${k - 1}`);
  }
  return { labels: out, mapping };
}

/**
 * Gives a segmentation the previous run's ids: matches the centroids, renumbers the labels and
 * moves each centroid row to its new id (rows of ids no segment took stay zero).
 */
export function followPrevious(
  previous: Matrix,
  labels: Int32Array,
  centroids: Matrix,
): { labels: Int32Array; centroids: Matrix; matched: SegmentMatch[] } {
  const matched = matchSegments(previous, centroids);
  const re = relabelToPrevious(labels, matched);
  const k = Math.max(...re.mapping) + 1;
  const moved = new Float64Array(k * centroids.cols);
  re.mapping.forEach((to, from) => {
    moved.set(
      centroids.data.subarray(from * centroids.cols, (from + 1) * centroids.cols),
      to * centroids.cols,
    );
  });
  return { labels: re.labels, centroids: { rows: k, cols: centroids.cols, data: moved }, matched };
}
