import { MlError } from '../errors.ts';

/** Where a decreasing curve bends most, and how far each point lies below its chord. */
export interface Elbow {
  /** Index of the elbow in the inputs. */
  index: number;
  /** Per point: the normalised curve's distance below the chord from the first to the last point. */
  distances: Float64Array;
}

/**
 * The elbow of a decreasing curve such as k-means inertia against k: Kneedle (Satopää, Albrecht,
 * Irwin and Raghavan 2011), offline and without smoothing. x and y are scaled to [0, 1]; for a
 * decreasing convex curve the difference curve is (1 - x') - y', the vertical distance below the
 * chord from the first point to the last, and the elbow is its maximum (the first on ties, within
 * 1e-12). A
 * curve without a bend (a straight line) has all distances 0 and the elbow at index 0.
 *
 * Throws `MlError`: EMPTY_INPUT under three points, SHAPE_MISMATCH, NON_FINITE, BAD_OPTION when x
 * does not increase strictly or y does not decrease overall (y[0] <= y[last]).
 *
 * @example
 * elbow([1, 2, 3, 4, 5, 6], [100, 40, 20, 15, 12, 10]).index; // 2 (k = 3)
 */
export function elbow(x: ArrayLike<number>, y: ArrayLike<number>): Elbow {
  const n = x.length;
  if (n < 3) throw new MlError('EMPTY_INPUT', `elbow needs at least 3 points, got ${n}`);
  if (y.length !== n) throw new MlError('SHAPE_MISMATCH', `elbow: x has ${n} points, y has ${y.length}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) {
      throw new MlError('NON_FINITE', `elbow: point ${i} is not finite (${x[i]}, ${y[i]})`);
    }
    if (i > 0 && !(x[i]! > x[i - 1]!)) {
      throw new MlError(
        'BAD_OPTION',
        `elbow: x must increase strictly (x[${i}] = ${x[i]} after ${x[i - 1]})`,
      );
    }
  }
  const x0 = x[0]!;
  const xSpan = x[n - 1]! - x0;
  const yLast = y[n - 1]!;
  const ySpan = y[0]! - yLast;
  if (!(ySpan > 0)) {
    throw new MlError(
      'BAD_OPTION',
      `elbow: y must decrease from the first point to the last (${y[0]} -> ${yLast})`,
    );
  }
  const distances = new Float64Array(n);
  let index = 0;
  for (let i = 0; i < n; i++) {
    distances[i] = 1 - (x[i]! - x0) / xSpan - (y[i]! - yLast) / ySpan;
    // Rounding puts the points of a straight line ~1e-16 off their chord: not a bend.
    if (distances[i]! > distances[index]! + 1e-12) index = i;
  }
  return { index, distances };
}
