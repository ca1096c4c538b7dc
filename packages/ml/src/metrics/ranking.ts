import { MlError } from '../errors.ts';
import {
  binaryClfCurve,
  checkFiniteScores,
  checkNotEmpty,
  checkPairLength,
  countBinaryLabels,
} from './classificationChecks.ts';

/** A ROC curve: parallel arrays, from (0, 0) at the highest threshold to (1, 1). */
export interface RocCurve {
  /** False-positive rate at each threshold (rows with score >= threshold). */
  fpr: Float64Array;
  /** True-positive rate at each threshold. */
  tpr: Float64Array;
  /** Decreasing; the first is the highest score + 1 (scikit-learn 1.2's point that flags no one). */
  thresholds: Float64Array;
}

/**
 * ROC curve of binary labels (0/1) against scores (higher = more likely positive), equal to
 * scikit-learn 1.2's `roc_curve`: one point per distinct score, so tied scores move the curve
 * diagonally, plus a first point at (0, 0). With `dropIntermediate` (default true, as scikit-learn)
 * points collinear with their neighbours on a horizontal or vertical run are dropped; the area is
 * unchanged.
 *
 * Time O(n log n). Throws `MlError` SHAPE_MISMATCH, EMPTY_INPUT, BAD_OPTION (a label other than
 * 0/1, or only one class: the rates need both), NON_FINITE.
 *
 * @example
 * rocCurve(Int32Array.of(0, 0, 1, 1), Float64Array.of(0.1, 0.4, 0.35, 0.8));
 * // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1], thresholds [1.8, 0.8, 0.4, 0.35, 0.1]
 */
export function rocCurve(
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: { dropIntermediate?: boolean } = {},
): RocCurve {
  const who = 'rocCurve';
  const curve = checkedCurve(y, scores, who);
  const { thresholds, tps, fps } = curve;
  const m = thresholds.length;
  let keep: number[] = [];
  if ((options.dropIntermediate ?? true) && m > 2) {
    // scikit-learn: keep a point where the second difference of fps or of tps is non-zero.
    keep.push(0);
    for (let i = 1; i < m - 1; i++) {
      const d2f = fps[i + 1]! - 2 * fps[i]! + fps[i - 1]!;
      const d2t = tps[i + 1]! - 2 * tps[i]! + tps[i - 1]!;
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(m - 1);
  } else {
    keep = Array.from({ length: m }, (_, i) => i);
  }
  const negatives = fps[m - 1]!;
  const positives = tps[m - 1]!;
  const fpr = new Float64Array(keep.length + 1);
  const tpr = new Float64Array(keep.length + 1);
  const thr = new Float64Array(keep.length + 1);
  thr[0] = thresholds[0]! + 1;
  for (let j = 0; j < keep.length; j++) {
    fpr[j + 1] = fps[keep[j]!]! / negatives;
    tpr[j + 1] = tps[keep[j]!]! / positives;
    thr[j + 1] = thresholds[keep[j]!]!;
  }
  return { fpr, tpr, thresholds: thr };
}

/**
 * Area under the ROC curve of binary labels (0/1) against scores, equal to scikit-learn 1.2's
 * `roc_auc_score`: the trapezoid rule over one point per distinct score, so a tie between a
 * positive and a negative counts one half (the Mann-Whitney U / (P N)). All scores equal gives 0.5;
 * positives all above negatives gives 1. Only the order of the scores matters.
 *
 * Computed from the integer counts (sum of dFP (TP_i + TP_{i-1}) / 2, divided by P N), so the value
 * does not depend on how the curve was thinned. Time O(n log n).
 * Throws `MlError` BAD_OPTION when y holds one class only (scikit-learn raises too: the AUC is
 * undefined), or a label other than 0/1; SHAPE_MISMATCH, EMPTY_INPUT, NON_FINITE.
 *
 * @example
 * rocAuc(Int32Array.of(0, 0, 1, 1), Float64Array.of(0.1, 0.4, 0.35, 0.8)); // 0.75
 */
export function rocAuc(y: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { tps, fps } = checkedCurve(y, scores, 'rocAuc');
  let area = 0;
  let prevT = 0;
  let prevF = 0;
  for (let i = 0; i < tps.length; i++) {
    area += (fps[i]! - prevF) * (tps[i]! + prevT);
    prevT = tps[i]!;
    prevF = fps[i]!;
  }
  return area / 2 / (prevT * prevF);
}

/** A precision-recall curve, by increasing threshold, as scikit-learn 1.2 returns it. */
export interface PrecisionRecallCurve {
  /** Length m + 1; the last is 1 (the empty selection, by convention). */
  precision: Float64Array;
  /** Length m + 1, decreasing; the last is 0. */
  recall: Float64Array;
  /** The m distinct scores, increasing. */
  thresholds: Float64Array;
}

/**
 * Precision and recall of the rule "score >= t" at every distinct score t, equal to scikit-learn
 * 1.2's `precision_recall_curve` (no truncation at full recall; the final point (recall 0,
 * precision 1) appended). Time O(n log n).
 * Throws `MlError` BAD_OPTION when y has no positive (recall is undefined; scikit-learn warns and
 * sets it to 1), or a label other than 0/1; SHAPE_MISMATCH, EMPTY_INPUT, NON_FINITE.
 *
 * @example
 * precisionRecallCurve(Int32Array.of(0, 0, 1, 1), Float64Array.of(0.1, 0.4, 0.35, 0.8));
 * // precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
 */
export function precisionRecallCurve(y: ArrayLike<number>, scores: ArrayLike<number>): PrecisionRecallCurve {
  const { thresholds, tps, fps } = checkedCurve(y, scores, 'precisionRecallCurve', 'positives');
  const m = thresholds.length;
  const positives = tps[m - 1]!;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thr = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const j = m - 1 - i; // reversed: increasing threshold
    const selected = tps[j]! + fps[j]!;
    precision[i] = selected === 0 ? 0 : tps[j]! / selected;
    recall[i] = tps[j]! / positives;
    thr[i] = thresholds[j]!;
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: thr };
}

/**
 * Average precision, the area under the precision-recall curve as a step function, equal to
 * scikit-learn 1.2's `average_precision_score`: sum over distinct scores, highest first, of
 * (R_i - R_{i-1}) P_i. No interpolation (the trapezoid rule over a PR curve is optimistic).
 * Ties count as one threshold. A random score gives about the positive share; 1 is perfect.
 *
 * Time O(n log n). Throws `MlError` BAD_OPTION when y has no positive (scikit-learn warns and
 * returns 0, which means nothing), or a label other than 0/1; SHAPE_MISMATCH, EMPTY_INPUT, NON_FINITE.
 *
 * @example
 * averagePrecision(Int32Array.of(0, 0, 1, 1), Float64Array.of(0.1, 0.4, 0.35, 0.8)); // 0.8333...
 */
export function averagePrecision(y: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { tps, fps } = checkedCurve(y, scores, 'averagePrecision', 'positives');
  const positives = tps[tps.length - 1]!;
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < tps.length; i++) {
    const recall = tps[i]! / positives;
    ap += (recall - prevRecall) * (tps[i]! / (tps[i]! + fps[i]!));
    prevRecall = recall;
  }
  return ap;
}

/** PR AUC: the same number as {@link averagePrecision} (scikit-learn's `average_precision_score`). */
export const prAuc = averagePrecision;

/** Checks shared by the curves; `need` says which classes must be present. */
function checkedCurve(
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  who: string,
  need: 'both' | 'positives' = 'both',
) {
  checkPairLength(y, scores, 'scores', who);
  checkNotEmpty(y.length, who);
  const positives = countBinaryLabels(y, who);
  checkFiniteScores(scores, who);
  if (positives === 0 || (need === 'both' && positives === y.length)) {
    const only = positives === 0 ? 'negatives (0)' : 'positives (1)';
    throw new MlError(
      'BAD_OPTION',
      `${who}: the labels hold only ${only}; it needs ${need === 'both' ? 'both classes' : 'at least one positive'} (use a larger or stratified sample)`,
      { rows: y.length, positives },
    );
  }
  return binaryClfCurve(y, scores);
}
