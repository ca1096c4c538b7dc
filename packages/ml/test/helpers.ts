// Helpers shared by the test files of packages/ml.
import { expect } from 'vitest';
import { exactKnn } from '../src/embed/knn.ts';
import { MlError } from '../src/errors.ts';
import { type Matrix, matrix } from '../src/matrix.ts';
import { Rng } from '../src/random.ts';

/** Fails unless `fn` throws an MlError with this `code`. */
export function expectMlError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MlError);
    expect((e as MlError).code).toBe(code);
    return;
  }
  throw new Error(`expected MlError ${code}`);
}

/** The MlError `f` throws, for further checks; anything else thrown is rethrown, no throw fails. */
export function thrown(f: () => unknown): MlError {
  try {
    f();
  } catch (e) {
    if (e instanceof MlError) return e;
    throw e;
  }
  throw new Error('expected an MlError');
}

/** The code of the MlError `f` throws (anything else thrown fails the test), undefined if it returns. */
export function mlErrorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MlError);
    return (e as MlError).code;
  }
  return undefined;
}

/** A fixture's row-major `x` as a Matrix. */
export const toMatrix = (d: { rows: number; cols: number; x: ArrayLike<number> }): Matrix =>
  matrix(d.rows, d.cols, Float64Array.from(d.x));

/** True when the two labelings are the same partition (ARI = 1): a bijection between labels. */
export function samePartition(p: ArrayLike<number>, q: ArrayLike<number>): boolean {
  if (p.length !== q.length) return false;
  const pq = new Map<number, number>();
  const qp = new Map<number, number>();
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!;
    const b = q[i]!;
    if ((pq.has(a) && pq.get(a) !== b) || (qp.has(b) && qp.get(b) !== a)) return false;
    pq.set(a, b);
    qp.set(b, a);
  }
  return true;
}

/** |a - b| / max(1, |b|): absolute for small values, relative for large ones. */
export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

/** Largest relErr over the elements; the lengths must match. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, relErr(a[i]!, b[i]!));
  return worst;
}

/** Largest |a - b| over the elements; the lengths must match. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** `centers` unit-variance Gaussian blobs in p dimensions, centres uniform in [-10, 10]; row i in blob i % centers. */
export function gaussianBlobs(
  n: number,
  p: number,
  centers: number,
  seed: number,
): { x: Matrix; labels: Int32Array } {
  const rng = new Rng(seed);
  const c = Array.from({ length: centers }, () => Array.from({ length: p }, () => rng.uniform(-10, 10)));
  const data = new Float64Array(n * p);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % centers;
    for (let j = 0; j < p; j++) data[i * p + j] = c[labels[i]!]![j]! + rng.normal();
  }
  return { x: matrix(n, p, data), labels };
}

/**
 * Leave-one-out 5-NN accuracy of `labels` in the embedding; a tied vote goes to the tied label seen
 * first among the neighbours (nearest first).
 */
export function knnAccuracy(e: Matrix, labels: ArrayLike<number>): number {
  let ok = 0;
  const g = exactKnn(e, 6, 'euclidean');
  for (let i = 0; i < e.rows; i++) {
    const votes = new Map<number, number>();
    for (let q = 1; q < 6; q++) {
      const l = labels[g.indices[i * 6 + q]!]!;
      votes.set(l, (votes.get(l) ?? 0) + 1);
    }
    let best = -1;
    let bestCount = -1;
    for (const [l, c] of votes) if (c > bestCount) [best, bestCount] = [l, c];
    if (best === labels[i]) ok++;
  }
  return ok / e.rows;
}
