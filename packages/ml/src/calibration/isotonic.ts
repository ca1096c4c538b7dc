import { MlError } from '../errors.ts';

/** What {@link IsotonicRegression.predict} does with x outside the fitted range. */
export type OutOfBounds = 'clip' | 'nan';

/** Options of {@link IsotonicRegression}. */
export interface IsotonicRegressionOptions {
  /** 'clip' (default): x below / above the fitted range gets the first / last value; 'nan': NaN. */
  outOfBounds?: OutOfBounds;
}

/** The plain object {@link IsotonicRegression.toJSON} returns and {@link IsotonicRegression.fromJSON} accepts. */
export interface IsotonicRegressionJSON {
  type: 'IsotonicRegression';
  version: 1;
  outOfBounds: OutOfBounds;
  /** Increasing knots of the piecewise-linear fit. */
  x: number[];
  /** Non-decreasing values at the knots. */
  y: number[];
}

/**
 * Increasing isotonic regression, as scikit-learn 1.2's `IsotonicRegression(increasing=True)`: the
 * non-decreasing step fit of y on x with the least squared error (pool adjacent violators), then
 * linear interpolation between its knots for new x. As a calibrator, fit it on a model's
 * probabilities (or scores) and the true 0/1 labels of held-out rows, never on the rows the
 * model was trained on; `predict` then maps new scores to calibrated probabilities.
 *
 * Ties as scikit-learn: rows are sorted by x, and x values within 1e-15 of the first x of a run
 * are one point whose y is the mean of the run (weight = run length); knots whose value equals both
 * neighbours' are dropped (same predictions, fewer knots). One distinct x gives a constant.
 * The fixtures check knots and predictions against scikit-learn to 1e-9.
 *
 * Time O(n log n) to fit, O(log m) per prediction for m knots. Throws `MlError` SHAPE_MISMATCH,
 * EMPTY_INPUT, NON_FINITE, BAD_OPTION (unknown outOfBounds); NOT_FITTED before fit.
 *
 * @example
 * const iso = new IsotonicRegression().fit(validScores, validChurn);
 * const calibrated = iso.predict(testScores);
 */
export class IsotonicRegression {
  readonly outOfBounds: OutOfBounds;
  /** Knots: increasing x (empty before fit). */
  xThresholds: Float64Array = new Float64Array(0);
  /** Knots: non-decreasing fitted values. */
  yThresholds: Float64Array = new Float64Array(0);

  constructor(options: IsotonicRegressionOptions = {}) {
    const { outOfBounds = 'clip' } = options;
    if (outOfBounds !== 'clip' && outOfBounds !== 'nan') {
      throw new MlError(
        'BAD_OPTION',
        `IsotonicRegression: outOfBounds = '${outOfBounds}'; use 'clip' or 'nan'`,
      );
    }
    this.outOfBounds = outOfBounds;
  }

  /** Fits on scores `x` and targets `y` (0/1 labels, or any real values); returns this. */
  fit(x: ArrayLike<number>, y: ArrayLike<number>): this {
    const who = 'IsotonicRegression.fit';
    if (x.length !== y.length) {
      throw new MlError(
        'SHAPE_MISMATCH',
        `${who}: ${x.length} scores but ${y.length} targets; pass one target per score`,
      );
    }
    const n = x.length;
    if (n === 0) throw new MlError('EMPTY_INPUT', `${who}: no rows; pass at least one (score, target) pair`);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) {
        throw new MlError(
          'NON_FINITE',
          `${who}: row ${i} has score ${x[i]} and target ${y[i]}; remove or impute missing values first`,
          { row: i },
        );
      }
    }
    // numpy's lexsort((y, x)): by x, then y.
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);

    // scikit-learn's _make_unique: a run of x within 1e-15 (float64 resolution) of its first x is one point.
    const ux: number[] = [];
    const uy: number[] = [];
    const uw: number[] = [];
    let curX = x[order[0]!]!;
    let sumY = 0;
    let w = 0;
    for (let j = 0; j < n; j++) {
      const xi = x[order[j]!]!;
      if (xi - curX >= 1e-15) {
        ux.push(curX);
        uy.push(sumY / w);
        uw.push(w);
        curX = xi;
        sumY = 0;
        w = 0;
      }
      sumY += y[order[j]!]!;
      w++;
    }
    ux.push(curX);
    uy.push(sumY / w);
    uw.push(w);

    const fitted = poolAdjacentViolators(Float64Array.from(uy), Float64Array.from(uw));
    // Keep the ends and every knot whose value differs from a neighbour's.
    const keepX: number[] = [];
    const keepY: number[] = [];
    const m = fitted.length;
    for (let i = 0; i < m; i++) {
      if (i === 0 || i === m - 1 || fitted[i] !== fitted[i - 1] || fitted[i] !== fitted[i + 1]) {
        keepX.push(ux[i]!);
        keepY.push(fitted[i]!);
      }
    }
    this.xThresholds = Float64Array.from(keepX);
    this.yThresholds = Float64Array.from(keepY);
    return this;
  }

  /** Calibrated values for new scores: linear between knots, clipped (or NaN) outside them. */
  predict(x: ArrayLike<number>): Float64Array {
    const kx = this.xThresholds;
    const ky = this.yThresholds;
    const m = kx.length;
    if (m === 0) throw new MlError('NOT_FITTED', 'IsotonicRegression: call fit() before predict()');
    const out = new Float64Array(x.length);
    const lo = kx[0]!;
    const hi = kx[m - 1]!;
    for (let i = 0; i < x.length; i++) {
      let v = x[i]!;
      if (Number.isNaN(v)) {
        throw new MlError('NON_FINITE', `IsotonicRegression.predict: score at row ${i} is NaN`, { row: i });
      }
      if (v < lo || v > hi) {
        if (this.outOfBounds === 'nan') {
          out[i] = Number.NaN;
          continue;
        }
        v = v < lo ? lo : hi;
      }
      out[i] = m === 1 ? ky[0]! : interpolate(kx, ky, v);
    }
    return out;
  }

  /** A plain, JSON-safe snapshot of the fitted knots. */
  toJSON(): IsotonicRegressionJSON {
    if (this.xThresholds.length === 0)
      throw new MlError('NOT_FITTED', 'IsotonicRegression: call fit() before toJSON()');
    return {
      type: 'IsotonicRegression',
      version: 1,
      outOfBounds: this.outOfBounds,
      x: Array.from(this.xThresholds),
      y: Array.from(this.yThresholds),
    };
  }

  /** Rebuilds a fitted model from {@link IsotonicRegression.toJSON} output. */
  static fromJSON(json: IsotonicRegressionJSON): IsotonicRegression {
    const who = 'IsotonicRegression.fromJSON';
    if (json?.type !== 'IsotonicRegression' || json.version !== 1) {
      throw new MlError(
        'BAD_OPTION',
        `${who}: expected { type: 'IsotonicRegression', version: 1 }, got type ${json?.type} version ${json?.version}`,
      );
    }
    const { x, y } = json;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length || x.length === 0) {
      throw new MlError('SHAPE_MISMATCH', `${who}: x and y must be non-empty arrays of the same length`);
    }
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
        throw new MlError('NON_FINITE', `${who}: knot ${i} is (${x[i]}, ${y[i]}); knots must be finite`);
      }
      if (i > 0 && (x[i]! <= x[i - 1]! || y[i]! < y[i - 1]!)) {
        throw new MlError(
          'BAD_OPTION',
          `${who}: knot ${i} breaks the order; x must increase and y must not decrease`,
        );
      }
    }
    const iso = new IsotonicRegression({ outOfBounds: json.outOfBounds });
    iso.xThresholds = Float64Array.from(x);
    iso.yThresholds = Float64Array.from(y);
    return iso;
  }
}

/**
 * Pool adjacent violators in place, scikit-learn's `_inplace_contiguous_isotonic_regression`:
 * the weighted least-squares non-decreasing fit of y. O(n): blocks are merged with backtracking.
 */
export function poolAdjacentViolators(y: Float64Array, w: Float64Array): Float64Array {
  const n = y.length;
  // target[i] = last index of the block starting at i, and target[last] = i.
  const target = new Int32Array(n);
  for (let i = 0; i < n; i++) target[i] = i;
  let i = 0;
  while (i < n) {
    let k = target[i]! + 1;
    if (k === n) break;
    if (y[i]! < y[k]!) {
      i = k;
      continue;
    }
    let sumWy = w[i]! * y[i]!;
    let sumW = w[i]!;
    for (;;) {
      // Inside a non-increasing run: absorb block k.
      const prevY = y[k]!;
      sumWy += w[k]! * y[k]!;
      sumW += w[k]!;
      k = target[k]! + 1;
      if (k === n || prevY < y[k]!) {
        y[i] = sumWy / sumW;
        w[i] = sumW;
        target[i] = k - 1;
        target[k - 1] = i;
        if (i > 0) i = target[i - 1]!; // back to the start of the previous block
        break;
      }
    }
  }
  i = 0;
  while (i < n) {
    const k = target[i]! + 1;
    for (let j = i + 1; j < k; j++) y[j] = y[i]!;
    i = k;
  }
  return y;
}

/** numpy's `interp` for lo <= v <= hi: the segment [kx[j], kx[j + 1]] holding v, then the line. */
function interpolate(kx: Float64Array, ky: Float64Array, v: number): number {
  const m = kx.length;
  if (v === kx[m - 1]) return ky[m - 1]!;
  let lo = 0;
  let hi = m - 1; // kx[lo] <= v < kx[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (kx[mid]! <= v) lo = mid;
    else hi = mid;
  }
  if (v === kx[lo]) return ky[lo]!;
  const slope = (ky[hi]! - ky[lo]!) / (kx[hi]! - kx[lo]!);
  return slope * (v - kx[lo]!) + ky[lo]!;
}
