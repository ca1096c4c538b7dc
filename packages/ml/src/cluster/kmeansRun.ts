/**
 * One k-means run from given initial centres, shared by the exact schemes (Lloyd, Hamerly,
 * Elkan): they differ only in how a pass finds each row's nearest centre.
 * Internal to `cluster/`.
 */
import type { Matrix } from '../matrix.ts';
import {
  centerShifts,
  clusterSums,
  halfCenterDistances,
  labelledInertia,
  updateCenters,
} from './kmeansSteps.ts';

/** Result of one run. `centers` and `labels` are workspace buffers: copy them to keep them. */
export interface KMeansRun {
  /** k x p final centres, row-major. */
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  nIter: number;
}

/** The assignment of every row to the initial centres, when the seeding already computed it. */
export interface KnownAssignment {
  labels: Int32Array;
  /** Squared distance of each row to its centre. */
  sqDist: Float64Array;
}

/**
 * Buffers of one fit, reused by its `nInit` runs so iterations allocate nothing.
 * Bound arrays are created by the schemes that need them.
 */
export class KMeansWorkspace {
  readonly labels: Int32Array;
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  /** Last shift of each centre (Euclidean). */
  readonly shift: Float64Array;
  /** Total distance each centre has moved in this run: bounds are stored relative to it. */
  readonly drift: Float64Array;
  /**
   * otherDrift[a]: sum over iterations of the largest shift among the centres other than a (how
   * far a lower bound on the distance to "any other centre" of a row in cluster a can drop).
   */
  readonly otherDrift: Float64Array;
  /** half[a * k + b] = ||c_a - c_b|| / 2. */
  readonly half: Float64Array;
  /** nearest[a] = half the distance from c_a to the closest other centre. */
  readonly nearest: Float64Array;
  /** k scratch values. */
  readonly dist: Float64Array;
  /** Current centres (k x p); `next` receives the update. */
  centers: Float64Array;
  next: Float64Array;
  upper: Float64Array = new Float64Array(0);
  lower: Float64Array = new Float64Array(0);

  constructor(
    readonly n: number,
    readonly k: number,
    readonly p: number,
  ) {
    this.labels = new Int32Array(n);
    this.sums = new Float64Array(k * p);
    this.counts = new Float64Array(k);
    this.shift = new Float64Array(k);
    this.drift = new Float64Array(k);
    this.otherDrift = new Float64Array(k);
    this.half = new Float64Array(k * k);
    this.nearest = new Float64Array(k);
    this.dist = new Float64Array(k);
    this.centers = new Float64Array(k * p);
    this.next = new Float64Array(k * p);
  }

  /** Sets sums and counts from the labels, one pass over x. */
  initSums(x: Matrix): void {
    clusterSums(x.data, x.rows, x.cols, this.labels, this.sums, this.counts);
  }
}

/**
 * How a scheme finds nearest centres. Both methods must leave `ws.labels`, `ws.sums` and
 * `ws.counts` consistent, and must give every row its nearest centre in `ws.centers`.
 */
export interface KMeansScheme {
  /** First assignment to `ws.centers` (may reuse `known`); sets up the scheme's bounds. */
  start(x: Matrix, ws: KMeansWorkspace, known?: KnownAssignment): void;
  /**
   * Reassigns rows after the centres moved by `ws.shift` (cumulated in `ws.drift`,
   * `ws.otherDrift`); returns how many labels changed.
   */
  pass(x: Matrix, ws: KMeansWorkspace): number;
}

/**
 * One run, step for step scikit-learn's `_kmeans_single_lloyd`: assign rows, move centres to
 * the means (relocating empty clusters), stop when no label changed ("strict" convergence) or
 * the summed squared centre shift is <= `tol` (absolute) or after `maxIter` iterations; when
 * the stop was not strict, rows are assigned once more to the final centres.
 */
export function runKMeans(
  x: Matrix,
  init: Float64Array,
  maxIter: number,
  tol: number,
  ws: KMeansWorkspace,
  scheme: KMeansScheme,
  known?: KnownAssignment,
): KMeansRun {
  const { data: xd, rows: n, cols: p } = x;
  const k = ws.k;
  ws.centers.set(init);
  ws.drift.fill(0);
  ws.otherDrift.fill(0);
  scheme.start(x, ws, known);
  let changed = n;
  let iter = 0;
  let strict = false;
  for (;;) {
    updateCenters(xd, n, p, ws.labels, ws.centers, ws.next, k, ws.sums, ws.counts);
    const shiftTotal = centerShifts(ws.centers, ws.next, k, p, ws.shift);
    const moved = ws.next;
    ws.next = ws.centers;
    ws.centers = moved;
    iter++;
    if (changed === 0) {
      strict = true;
      break;
    }
    if (shiftTotal <= tol || iter >= maxIter) break;
    changed = reassign(x, ws, scheme);
  }
  if (!strict) reassign(x, ws, scheme);
  return {
    centers: ws.centers,
    labels: ws.labels,
    inertia: labelledInertia(xd, n, p, ws.centers, ws.labels),
    nIter: iter,
  };
}

function reassign(x: Matrix, ws: KMeansWorkspace, scheme: KMeansScheme): number {
  const { k, shift, drift, otherDrift } = ws;
  let top = 0;
  for (let j = 1; j < k; j++) if (shift[j]! > shift[top]!) top = j;
  let second = 0;
  for (let j = 0; j < k; j++) if (j !== top && shift[j]! > second) second = shift[j]!;
  for (let j = 0; j < k; j++) {
    drift[j]! += shift[j];
    otherDrift[j]! += j === top ? second : shift[top]!;
  }
  halfCenterDistances(ws.centers, k, x.cols, ws.half, ws.nearest);
  return scheme.pass(x, ws);
}
