import { MlError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';
import { Rng } from '../random.ts';
import { sqDist, sqDistsToAll } from './kmeansSteps.ts';

/** Options for {@link kmeansPlusPlus}. */
export interface KMeansPlusPlusOptions {
  /** Seed for a fresh {@link Rng}; ignored when `rng` is given. Default 0. */
  seed?: number;
  /** Draw from this generator instead (so several seedings can share one stream). */
  rng?: Rng;
  /** Candidates tried per centre; default `2 + floor(ln k)`, as scikit-learn. */
  nLocalTrials?: number;
}

/** What {@link kmeansPlusPlus} returns. */
export interface KMeansPlusPlusResult {
  /** k x p: the chosen rows of `x`, in the order chosen. */
  centers: Matrix;
  /** Row index in `x` of each centre. */
  indices: Int32Array;
  /** For every row of `x`, the index of its nearest centre (lowest index on ties). */
  labels: Int32Array;
  /** For every row of `x`, its squared distance to that centre; the sum is the seeding's inertia. */
  sqDist: Float64Array;
}

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, as scikit-learn's `_kmeans_plusplus`):
 * the first centre is a uniform random row; each further centre is the best of `nLocalTrials`
 * rows drawn with probability proportional to their squared distance to the nearest centre so
 * far, "best" meaning the one that leaves the smallest total squared distance.
 *
 * Duplicate rows are fine: when every row already sits on a centre, the remaining centres
 * repeat existing rows rather than fail.
 *
 * Complexity: O(n p k nLocalTrials) time in the worst case, usually much less because a row
 * whose nearest centre is less than half as far as a candidate cannot move to it (triangle
 * inequality) and is skipped; O(n nLocalTrials) memory.
 *
 * @example
 * ```ts
 * const { centers, indices } = kmeansPlusPlus(x, 4, { seed: 1 });
 * ```
 */
export function kmeansPlusPlus(
  x: Matrix,
  k: number,
  options: KMeansPlusPlusOptions = {},
): KMeansPlusPlusResult {
  const n = x.rows;
  const p = x.cols;
  if (n === 0) throw new MlError('EMPTY_INPUT', 'k-means++: x has no rows; pass at least one row');
  if (!Number.isInteger(k) || k < 1) {
    throw new MlError('BAD_OPTION', `k-means++: k = ${k} must be a positive integer`);
  }
  if (k > n) {
    throw new MlError('TOO_FEW_ROWS', `k-means++: k = ${k} is larger than the ${n} rows; choose k <= ${n}`);
  }
  const nTrials = options.nLocalTrials ?? 2 + Math.floor(Math.log(k));
  if (!Number.isInteger(nTrials) || nTrials < 1) {
    throw new MlError('BAD_OPTION', `k-means++: nLocalTrials = ${nTrials} must be a positive integer`);
  }
  assertFinite(x, 'k-means++');
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const buf = new PlusPlusBuffers(n, k, p, nTrials);
  seedPlusPlus(x, rng, buf);
  return {
    centers: { data: buf.centers, rows: k, cols: p },
    indices: buf.indices,
    labels: buf.labels,
    sqDist: buf.closest,
  };
}

/**
 * Internal (used by KMeans). Buffers for {@link seedPlusPlus}, reusable across seedings of same-sized data (a fit with
 * nInit starts): fresh large arrays cost page faults that matter at 10^5+ rows.
 */
export class PlusPlusBuffers {
  readonly centers: Float64Array;
  readonly indices: Int32Array;
  readonly labels: Int32Array;
  readonly closest: Float64Array;
  readonly cand: Candidates;

  constructor(
    readonly n: number,
    readonly k: number,
    readonly p: number,
    readonly nTrials: number,
  ) {
    this.centers = new Float64Array(k * p);
    this.indices = new Int32Array(k);
    this.labels = new Int32Array(n);
    this.closest = new Float64Array(n);
    this.cand = new Candidates(nTrials, n, k, p);
  }
}

/** Internal (used by KMeans). The seeding itself, into `buf` (sized for x); callers validate k and x. */
export function seedPlusPlus(x: Matrix, rng: Rng, buf: PlusPlusBuffers): void {
  const { n, k, p } = buf;
  const xd = x.data;
  const { centers, indices, labels, closest, cand } = buf;
  labels.fill(0);
  const first = rng.int(n);
  indices[0] = first;
  centers.set(xd.subarray(first * p, first * p + p), 0);
  let pot = 0;
  for (let i = 0; i < n; i++) {
    const d = sqDist(xd, i * p, xd, first * p, p);
    closest[i] = d;
    pot += d;
  }
  for (let c = 1; c < k; c++) {
    // numpy's searchsorted(cumsum(closest), u * pot): the first row whose running sum reaches it.
    cand.drawThresholds(rng, pot);
    let acc = 0;
    for (let i = 0; i < n && cand.pending(); i++) {
      acc += closest[i]!;
      cand.found(acc, i);
    }
    cand.prepare(xd, n, centers, c);
    trialPass(xd, n, p, k, closest, labels, cand);
    const best = cand.best();
    const id = cand.ids[best]!;
    indices[c] = id;
    centers.set(xd.subarray(id * p, id * p + p), c * p);
    const count = cand.moveCount[best]!;
    const from = best * n;
    for (let q = from; q < from + count; q++) {
      const i = cand.moveIdx[q]!;
      labels[i] = c;
      closest[i] = cand.moveVal[q]!;
    }
    pot = 0;
    for (let i = 0; i < n; i++) pot += closest[i]!;
  }
}

/** The candidate centres of one k-means++ round and what is known about them. */
class Candidates {
  /** Row index of each candidate. */
  readonly ids: Int32Array;
  /** Candidate rows, copied side by side for the blocked distance kernel. */
  readonly rows: Float64Array;
  /** toCenter[t * k + j] = squared distance from candidate t to chosen centre j. */
  readonly toCenter: Float64Array;
  /** How much the potential (sum of squared distances to the nearest centre) drops with candidate t. */
  readonly gains: Float64Array;
  /**
   * The rows candidate t would take over: moveIdx/moveVal[t * n + q] for q < moveCount[t] hold
   * the row and its squared distance to the candidate. Sparse, because most rows stay put.
   */
  readonly moveIdx: Int32Array;
  readonly moveVal: Float64Array;
  readonly moveCount: Int32Array;
  private readonly thresholds: Float64Array;
  private readonly order: Int32Array;
  private next = 0;

  constructor(
    readonly count: number,
    readonly n: number,
    readonly k: number,
    readonly p: number,
  ) {
    this.ids = new Int32Array(count);
    this.rows = new Float64Array(count * p);
    this.toCenter = new Float64Array(count * k);
    this.gains = new Float64Array(count);
    this.moveIdx = new Int32Array(count * n);
    this.moveVal = new Float64Array(count * n);
    this.moveCount = new Int32Array(count);
    this.thresholds = new Float64Array(count);
    this.order = new Int32Array(count);
  }

  /** Draws the round's targets u_t * pot (in draw order, as numpy) and sorts them for one sweep. */
  drawThresholds(rng: Rng, pot: number): void {
    const m = this.count;
    for (let t = 0; t < m; t++) {
      this.thresholds[t] = rng.next() * pot;
      this.order[t] = t;
      // Until a sweep finds one, a target beyond the total (rounding) falls on the last row.
      this.ids[t] = -1;
    }
    this.order.sort((a, b) => this.thresholds[a]! - this.thresholds[b]!);
    this.next = 0;
  }

  pending(): boolean {
    return this.next < this.count;
  }

  /** Called with the running sum up to row i, in row order. */
  found(acc: number, i: number): void {
    while (this.next < this.count && acc >= this.thresholds[this.order[this.next]!]!) {
      this.ids[this.order[this.next]!] = i;
      this.next++;
    }
  }

  /** Resolves unfound targets and computes the candidate-to-centre distances. */
  prepare(xd: Float64Array, n: number, centers: Float64Array, c: number): void {
    const { p, k } = this;
    for (let t = 0; t < this.count; t++) {
      if (this.ids[t]! < 0) this.ids[t] = n - 1;
      const co = this.ids[t]! * p;
      this.rows.set(xd.subarray(co, co + p), t * p);
      for (let j = 0; j < c; j++) this.toCenter[t * k + j] = sqDist(xd, co, centers, j * p, p);
    }
  }

  /** Index of the candidate that lowers the potential most (the first on ties). */
  best(): number {
    let b = 0;
    for (let t = 1; t < this.count; t++) if (this.gains[t]! > this.gains[b]!) b = t;
    return b;
  }

  /** Row i would move to candidate t, at squared distance d, from squared distance cur. */
  move(t: number, i: number, d: number, cur: number): void {
    const q = t * this.n + this.moveCount[t]!;
    this.moveIdx[q] = i;
    this.moveVal[q] = d;
    this.moveCount[t]! += 1;
    this.gains[t]! += cur - d;
  }
}

/**
 * Potential drop of every candidate in one sweep over the rows (each row is read once for all
 * candidates). A row is skipped for candidate t when d(cand, c_a)^2 >= 4 d(x, c_a)^2, with c_a
 * its nearest centre: then d(x, cand) >= d(cand, c_a) - d(x, c_a) >= d(x, c_a) and the row
 * cannot move; the small margin keeps rounding from skipping a row a hair closer to cand.
 */
function trialPass(
  xd: Float64Array,
  n: number,
  p: number,
  k: number,
  closest: Float64Array,
  labels: Int32Array,
  cand: Candidates,
): void {
  const m = cand.count;
  const { rows, toCenter } = cand;
  const dist = new Float64Array(m);
  cand.gains.fill(0);
  cand.moveCount.fill(0);
  for (let i = 0; i < n; i++) {
    const cur = closest[i]!;
    const a = labels[i]!;
    const limit = 4.000000001 * cur;
    let need = 0;
    for (let t = 0; t < m; t++) if (toCenter[t * k + a]! < limit) need++;
    if (need === 0) continue;
    if (need === m) {
      sqDistsToAll(xd, i * p, rows, m, p, dist);
      for (let t = 0; t < m; t++) if (dist[t]! < cur) cand.move(t, i, dist[t]!, cur);
      continue;
    }
    for (let t = 0; t < m; t++) {
      if (toCenter[t * k + a]! >= limit) continue;
      const d = sqDist(xd, i * p, rows, t * p, p);
      if (d < cur) cand.move(t, i, d, cur);
    }
  }
}
