import { type Matrix, matrix } from '../matrix.ts';
import { checkNotEmpty, checkPairLength, classCount } from './classificationChecks.ts';

/**
 * Share of rows whose predicted class equals the true class, as scikit-learn 1.2's
 * `accuracy_score`. Labels are any numbers compared exactly (class ids, or 0/1).
 *
 * Time O(n). Throws `MlError` SHAPE_MISMATCH for different lengths, EMPTY_INPUT for no rows.
 *
 * @example
 * accuracy(Int32Array.of(0, 1, 1, 2), Int32Array.of(0, 1, 0, 2)); // 0.75
 */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const who = 'accuracy';
  checkPairLength(yTrue, yPred, 'predictions', who);
  checkNotEmpty(yTrue.length, who);
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return ok / yTrue.length;
}

/**
 * k x k confusion matrix as scikit-learn 1.2's `confusion_matrix(y, pred, labels=range(k))`:
 * row = true class, column = predicted class, entry = number of rows. For binary labels the
 * cells are [[TN, FP], [FN, TP]].
 *
 * Labels are integers 0..k-1; k = `nClasses` when given, else the largest label + 1 in either array.
 * Time O(n + k^2). Throws `MlError` SHAPE_MISMATCH, EMPTY_INPUT, BAD_OPTION (negative or
 * non-integer label, or a label >= nClasses), NON_FINITE.
 *
 * @example
 * confusionMatrix(Int32Array.of(0, 1, 1), Int32Array.of(0, 0, 1)).data; // [1, 0, 1, 1]
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses?: number,
): Matrix {
  const who = 'confusionMatrix';
  checkPairLength(yTrue, yPred, 'predictions', who);
  checkNotEmpty(yTrue.length, who);
  const k = classCount([yTrue, yPred], nClasses, who);
  const m = matrix(k, k);
  for (let i = 0; i < yTrue.length; i++) m.data[yTrue[i]! * k + yPred[i]!]++;
  return m;
}

/** Precision, recall and F1 of every class, with their macro and support-weighted means. */
export interface PrecisionRecallF1 {
  /** Per class: TP / (TP + FP); 0 when the class is never predicted. Length k. */
  precision: Float64Array;
  /** Per class: TP / (TP + FN); 0 when the class never occurs. Length k. */
  recall: Float64Array;
  /** Per class: 2 P R / (P + R); 0 when P + R = 0. Length k. */
  f1: Float64Array;
  /** Per class: rows whose true class it is. Length k. */
  support: Int32Array;
  /** Unweighted means over the k classes. */
  macro: { precision: number; recall: number; f1: number };
  /** Means weighted by support (0 if no row has support, which cannot happen for n > 0). */
  weighted: { precision: number; recall: number; f1: number };
}

/**
 * Per-class precision, recall and F1 with macro and weighted averages, equal to scikit-learn 1.2's
 * `precision_recall_fscore_support(y, pred, labels=range(k), zero_division=0)` (and `average=
 * 'macro' | 'weighted'`). A 0/0 ratio is 0, as scikit-learn's `zero_division=0` (its default
 * 'warn' gives the same numbers). Every class 0..k-1 counts in the macro mean, even one that occurs
 * in neither array; with k = max label + 1 and every class present, this is scikit-learn's default.
 *
 * F1 is computed from P and R as scikit-learn does (2 P R / (P + R)), not from counts, so the two
 * agree to the last bit. Time O(n + k^2). Throws `MlError` as {@link confusionMatrix}.
 *
 * @example
 * const r = precisionRecallF1(Int32Array.of(0, 1, 1, 1), Int32Array.of(0, 1, 1, 0));
 * // r.precision [0.5, 1], r.recall [1, 0.666...], r.macro.f1 0.733...
 */
export function precisionRecallF1(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses?: number,
): PrecisionRecallF1 {
  const cm = confusionMatrix(yTrue, yPred, nClasses);
  const k = cm.rows;
  const precision = new Float64Array(k);
  const recall = new Float64Array(k);
  const f1 = new Float64Array(k);
  const support = new Int32Array(k);
  for (let c = 0; c < k; c++) {
    const tp = cm.data[c * k + c]!;
    let predicted = 0;
    let actual = 0;
    for (let o = 0; o < k; o++) {
      predicted += cm.data[o * k + c]!;
      actual += cm.data[c * k + o]!;
    }
    support[c] = actual;
    precision[c] = predicted === 0 ? 0 : tp / predicted;
    recall[c] = actual === 0 ? 0 : tp / actual;
    const denom = precision[c]! + recall[c]!;
    f1[c] = denom === 0 ? 0 : (2 * precision[c]! * recall[c]!) / denom;
  }
  return {
    precision,
    recall,
    f1,
    support,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
    weighted: {
      precision: weightedMean(precision, support),
      recall: weightedMean(recall, support),
      f1: weightedMean(f1, support),
    },
  };
}

function mean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

/** numpy's `average(v, weights=w)`: sum(v w) / sum(w). */
function weightedMean(v: Float64Array, w: Int32Array): number {
  let s = 0;
  let t = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i]! * w[i]!;
    t += w[i]!;
  }
  return t === 0 ? 0 : s / t;
}
