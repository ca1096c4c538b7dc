import { MlError } from '../errors.ts';

/** The plain object {@link PlattScaling.toJSON} returns and {@link PlattScaling.fromJSON} accepts. */
export interface PlattScalingJSON {
  type: 'PlattScaling';
  version: 1;
  a: number;
  b: number;
}

/**
 * Platt scaling: calibrated probability = 1 / (1 + exp(a s + b)) for a score s, with (a, b) the
 * maximum-likelihood logistic fit on held-out (score, 0/1 label) pairs, as scikit-learn 1.2's
 * `_sigmoid_calibration` (the 'sigmoid' method of `CalibratedClassifierCV`). Same sign convention:
 * a is negative when higher scores mean more positives.
 *
 * Platt's target smoothing, as scikit-learn: a positive's target is (P + 1) / (P + 2) and a
 * negative's 1 / (N + 2) (P, N the counts), so even perfectly separated scores give finite (a, b).
 * Start (0, log((N + 1) / (P + 1))), as scikit-learn.
 *
 * Fitted by Newton's method with a backtracking line search on the exact 2 x 2 Hessian (the
 * objective is convex), iterated until the step is at round-off, so it lands on the optimum;
 * scikit-learn's BFGS stops at a gradient of 1e-5 and so sits up to ~1e-5 away (~1e-6 on typical
 * data). The fixtures check (a, b) against the exact optimum to 1e-9 and scikit-learn's to within
 * its own gap, and the calibrated probabilities to 1e-6.
 *
 * Time O(n) per iteration, usually < 10 iterations. Throws `MlError` SHAPE_MISMATCH, EMPTY_INPUT,
 * NON_FINITE, BAD_OPTION (a label other than 0/1); NOT_FITTED before fit.
 *
 * @example
 * const platt = new PlattScaling().fit(validScores, validChurn);
 * const calibrated = platt.predict(testScores);
 */
export class PlattScaling {
  /** Slope (NaN before fit). */
  a = Number.NaN;
  /** Intercept (NaN before fit). */
  b = Number.NaN;
  /** Newton iterations of the last fit. */
  nIter = 0;

  /** Fits on scores `s` and 0/1 labels `y` of held-out rows; returns this. */
  fit(s: ArrayLike<number>, y: ArrayLike<number>): this {
    const who = 'PlattScaling.fit';
    const n = s.length;
    if (n !== y.length) {
      throw new MlError(
        'SHAPE_MISMATCH',
        `${who}: ${n} scores but ${y.length} labels; pass one label per score`,
      );
    }
    if (n === 0) throw new MlError('EMPTY_INPUT', `${who}: no rows; pass held-out scores and labels`);
    let positives = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(s[i]!)) {
        throw new MlError('NON_FINITE', `${who}: score at row ${i} is ${s[i]}; remove or impute it first`, {
          row: i,
        });
      }
      if (y[i] === 1) positives++;
      else if (y[i] !== 0) {
        throw new MlError('BAD_OPTION', `${who}: label at row ${i} is ${y[i]}; labels must be 0 or 1`, {
          row: i,
        });
      }
    }
    const negatives = n - positives;
    const hiTarget = (positives + 1) / (positives + 2);
    const loTarget = 1 / (negatives + 2);
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) t[i] = y[i] === 1 ? hiTarget : loTarget;

    let a = 0;
    let b = Math.log((negatives + 1) / (positives + 1));
    let f = objective(s, t, a, b);
    let iter = 0;
    for (; iter < 100; iter++) {
      // Gradient and Hessian of the objective; P = 1 / (1 + exp(a s + b)).
      let gA = 0;
      let gB = 0;
      let hAA = 0;
      let hAB = 0;
      let hBB = 0;
      for (let i = 0; i < n; i++) {
        const p = sigmoidNeg(a * s[i]! + b);
        const d = t[i]! - p;
        gA += d * s[i]!;
        gB += d;
        const w = p * (1 - p);
        hAA += w * s[i]! * s[i]!;
        hAB += w * s[i]!;
        hBB += w;
      }
      // Newton direction -H^-1 g, with a tiny ridge for a near-singular H (e.g. constant scores).
      const ridge = 1e-12 * (hAA + hBB) + 1e-300;
      const det = (hAA + ridge) * (hBB + ridge) - hAB * hAB;
      const dA = -((hBB + ridge) * gA - hAB * gB) / det;
      const dB = -(-hAB * gA + (hAA + ridge) * gB) / det;
      const slope = gA * dA + gB * dB; // < 0 for a descent direction
      if (!(slope < 0)) break; // gradient is zero to round-off
      let step = 1;
      let fNew = objective(s, t, a + dA, b + dB);
      while (fNew > f + 1e-4 * step * slope && step > 1e-12) {
        step /= 2;
        fNew = objective(s, t, a + step * dA, b + step * dB);
      }
      if (!(fNew <= f)) break; // no decrease left: at the optimum within round-off
      a += step * dA;
      b += step * dB;
      f = fNew;
      if (
        Math.abs(step * dA) <= 1e-15 * (1 + Math.abs(a)) &&
        Math.abs(step * dB) <= 1e-15 * (1 + Math.abs(b))
      ) {
        iter++;
        break;
      }
    }
    this.a = a;
    this.b = b;
    this.nIter = iter;
    return this;
  }

  /** Calibrated probabilities 1 / (1 + exp(a s + b)) of new scores. */
  predict(s: ArrayLike<number>): Float64Array {
    if (Number.isNaN(this.a)) throw new MlError('NOT_FITTED', 'PlattScaling: call fit() before predict()');
    const out = new Float64Array(s.length);
    for (let i = 0; i < s.length; i++) {
      if (Number.isNaN(s[i]!)) {
        throw new MlError('NON_FINITE', `PlattScaling.predict: score at row ${i} is NaN`, { row: i });
      }
      out[i] = sigmoidNeg(this.a * s[i]! + this.b);
    }
    return out;
  }

  /** A plain, JSON-safe snapshot: the two parameters. */
  toJSON(): PlattScalingJSON {
    if (Number.isNaN(this.a)) throw new MlError('NOT_FITTED', 'PlattScaling: call fit() before toJSON()');
    return { type: 'PlattScaling', version: 1, a: this.a, b: this.b };
  }

  /** Rebuilds a fitted model from {@link PlattScaling.toJSON} output. */
  static fromJSON(json: PlattScalingJSON): PlattScaling {
    if (json?.type !== 'PlattScaling' || json.version !== 1) {
      throw new MlError(
        'BAD_OPTION',
        `PlattScaling.fromJSON: expected { type: 'PlattScaling', version: 1 }, got type ${json?.type} version ${json?.version}`,
      );
    }
    if (!Number.isFinite(json.a) || !Number.isFinite(json.b)) {
      throw new MlError(
        'NON_FINITE',
        `PlattScaling.fromJSON: a = ${json.a}, b = ${json.b}; both must be finite`,
      );
    }
    const p = new PlattScaling();
    p.a = json.a;
    p.b = json.b;
    return p;
  }
}

/** 1 / (1 + exp(z)) without overflow (scikit-learn's expit(-z)). */
function sigmoidNeg(z: number): number {
  if (z >= 0) {
    const e = Math.exp(-z);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(z));
}

/**
 * Platt's objective -sum t log P + (1 - t) log(1 - P), P = 1 / (1 + exp(z)), z = a s + b, in the
 * stable form of Lin, Lin and Weng (2007): log P = -log(1 + e^z), log(1 - P) = z - log(1 + e^z).
 */
function objective(s: ArrayLike<number>, t: Float64Array, a: number, b: number): number {
  let f = 0;
  for (let i = 0; i < s.length; i++) {
    const z = a * s[i]! + b;
    // log(1 + e^z), stable for large |z|.
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    f += softplus - (1 - t[i]!) * z;
  }
  return f;
}
