/**
 * Input checks and small numeric helpers shared by the binary classifiers (logistic regression,
 * MLP): a 0/1 target, per-row weights, scikit-learn's `class_weight`, and a stable log-loss.
 */
import { MlError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';

/** A 0/1 target: any typed array (or plain array) of 0 and 1, one entry per row of x. */
export type BinaryTarget = ArrayLike<number>;

/**
 * How the two classes are weighted in the loss: 'balanced' gives class c the weight
 * n / (2 n_c) (scikit-learn's `class_weight='balanced'`, from the unweighted class counts), a
 * pair [w0, w1] gives class 0 weight w0 and class 1 weight w1. They multiply any sample weights.
 */
export type ClassWeight = 'balanced' | readonly [number, number];

/** Throws BAD_OPTION unless `classWeight` is undefined, 'balanced' or two finite weights >= 0. */
export function checkClassWeight(who: string, classWeight: ClassWeight | undefined): void {
  if (classWeight === undefined || classWeight === 'balanced') return;
  const ok =
    Array.isArray(classWeight) &&
    classWeight.length === 2 &&
    classWeight.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0);
  if (!ok) {
    throw new MlError(
      'BAD_OPTION',
      `${who}: classWeight must be 'balanced' or [weight of class 0, weight of class 1], each finite and >= 0`,
    );
  }
}

/**
 * Validates a training set for a binary classifier and returns y as a Float64Array of 0/1:
 * x has rows and columns and only finite values (NaN is the caller's to impute), y has one 0 or
 * 1 per row. With `needBoth`, both classes must be present.
 */
export function checkBinaryInput(x: Matrix, y: BinaryTarget, who: string, needBoth = true): Float64Array {
  const n = x.rows;
  if (n === 0) throw new MlError('EMPTY_INPUT', `${who}: x has no rows; pass at least one labelled row`);
  if (x.cols === 0) throw new MlError('EMPTY_INPUT', `${who}: x has no columns; pass at least one feature`);
  if (x.data.length !== n * x.cols) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: x.data has ${x.data.length} values but x is ${n} x ${x.cols}; build it with matrix()`,
    );
  }
  if (y.length !== n) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: x has ${n} rows but y has ${y.length} labels; pass one per row`,
      {
        rows: n,
        labels: y.length,
      },
    );
  }
  assertFinite(x, who);
  const out = new Float64Array(n);
  let ones = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (v !== 0 && v !== 1) {
      const code = Number.isFinite(v) ? 'BAD_OPTION' : 'NON_FINITE';
      throw new MlError(
        code,
        `${who}: y at row ${i} is ${v}; labels must be 0 or 1 (1 = the event, e.g. churn)`,
        {
          row: i,
          value: v,
        },
      );
    }
    out[i] = v;
    ones += v;
  }
  if (needBoth && (ones === 0 || ones === n)) {
    throw new MlError(
      'BAD_OPTION',
      `${who}: every label is ${ones === 0 ? 0 : 1}; a classifier needs rows of both classes 0 and 1`,
      { positives: ones, rows: n },
    );
  }
  return out;
}

/** Validates optional per-row weights (n finite values >= 0, not all 0); returns a copy or all ones. */
export function checkSampleWeight(w: ArrayLike<number> | undefined, n: number, who: string): Float64Array {
  if (w === undefined) return new Float64Array(n).fill(1);
  if (w.length !== n) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: sampleWeight has ${w.length} values for ${n} rows; pass one per row`,
    );
  }
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) {
      throw new MlError(
        'BAD_OPTION',
        `${who}: sampleWeight at row ${i} is ${v}; weights must be finite and >= 0`,
        {
          row: i,
        },
      );
    }
    out[i] = v;
    sum += v;
  }
  if (!(sum > 0)) throw new MlError('BAD_OPTION', `${who}: every sampleWeight is 0; give some rows weight`);
  return out;
}

/** The weight of class 0 and of class 1 for this target (scikit-learn's compute_class_weight). */
export function classWeightFactors(y: Float64Array, classWeight: ClassWeight | undefined): [number, number] {
  if (classWeight === undefined) return [1, 1];
  if (classWeight !== 'balanced') return [classWeight[0], classWeight[1]];
  let ones = 0;
  for (let i = 0; i < y.length; i++) ones += y[i]!;
  const n = y.length;
  return [n / (2 * (n - ones)), n / (2 * ones)];
}

/** Multiplies each row's weight by its class weight, in place; returns `w`. */
export function applyClassWeight(
  w: Float64Array,
  y: Float64Array,
  factors: readonly [number, number],
): Float64Array {
  for (let i = 0; i < w.length; i++) w[i] = w[i]! * (y[i] === 1 ? factors[1] : factors[0]);
  return w;
}

/** log(1 + e^t) without overflow or loss of precision. */
export function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/** 1 / (1 + e^-z), accurate in both tails. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Turns log-odds into probabilities, in place; returns the same array. */
export function sigmoidInPlace(z: Float64Array): Float64Array {
  for (let i = 0; i < z.length; i++) z[i] = sigmoid(z[i]!);
  return z;
}

/** 1 where the probability is above the threshold, else 0. */
export function labelsAbove(prob: Float64Array, threshold: number): Int32Array {
  const out = new Int32Array(prob.length);
  for (let i = 0; i < prob.length; i++) out[i] = prob[i]! > threshold ? 1 : 0;
  return out;
}

/** Binary cross-entropy of a 0/1 label given the score z (log-odds): log(1 + e^z) - y z. */
export function logLossOfScore(y: number, z: number): number {
  return softplus(z) - y * z;
}

/** Throws unless x is fitted-width and finite; for predict-time input. */
export function checkPredictInput(x: Matrix, nFeatures: number, fitted: boolean, who: string): void {
  if (!fitted) throw new MlError('NOT_FITTED', `${who}: call fit(x, y) (or fromJSON) first`);
  if (x.cols !== nFeatures) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: x has ${x.cols} columns but the model was fitted on ${nFeatures}; pass the same columns in the same order`,
    );
  }
  if (x.data.length !== x.rows * x.cols) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: x.data has ${x.data.length} values but x is ${x.rows} x ${x.cols}; build it with matrix()`,
    );
  }
  assertFinite(x, who);
}
