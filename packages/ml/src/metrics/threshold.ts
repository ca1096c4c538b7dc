import { MlError } from '../errors.ts';
import {
  binaryClfCurve,
  checkFiniteScores,
  checkNotEmpty,
  checkPairLength,
  countBinaryLabels,
} from './classificationChecks.ts';

/** What {@link chooseThreshold} optimises. */
export type ThresholdRule =
  | { rule: 'max_f1' }
  | { rule: 'cost'; costFalsePositive: number; costFalseNegative: number };

/** The chosen cut-off and what it does on the rows it was chosen on. */
export interface ThresholdChoice {
  /** Flag a row positive when its score >= threshold. +Infinity means flag no one. */
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** F1 of the positive class at this threshold (0 when nothing is flagged or there is no positive). */
  f1: number;
  /** costFalsePositive * fp + costFalseNegative * fn; only for the 'cost' rule. */
  cost?: number;
}

/**
 * Picks the score cut-off for a binary decision ("flag a row when score >= threshold") on labelled
 * rows, trying every distinct score and +Infinity (flag no one):
 * - `{ rule: 'max_f1' }`: the largest F1 = 2 TP / (2 TP + FP + FN) of the positive class;
 * - `{ rule: 'cost', costFalsePositive, costFalseNegative }`: the lowest total cost
 *   cFP * FP + cFN * FN (e.g. a retention offer wasted on a loyal customer vs a churner missed).
 *   Correct decisions cost 0; only the ratio of the two costs matters.
 *
 * Ties go to the highest threshold (fewest rows flagged). The threshold is one of the scores, so
 * choose it on held-out rows (or cross-validated scores), not on the rows the model was fitted on.
 * The fixtures check it against a brute force over scikit-learn's `confusion_matrix` / `f1_score`.
 *
 * Time O(n log n). Throws `MlError` SHAPE_MISMATCH, EMPTY_INPUT, BAD_OPTION (a label other than 0/1,
 * an unknown rule, a negative or non-finite cost), NON_FINITE.
 *
 * @example
 * chooseThreshold(y, churnProbability, { rule: 'cost', costFalsePositive: 10, costFalseNegative: 200 });
 * // { threshold: 0.07, tp, fp, tn, fn, f1, cost }
 */
export function chooseThreshold(
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  rule: ThresholdRule,
): ThresholdChoice {
  const who = 'chooseThreshold';
  let cfp = 0;
  let cfn = 0;
  if (rule?.rule === 'cost') {
    cfp = rule.costFalsePositive;
    cfn = rule.costFalseNegative;
    for (const [name, v] of [
      ['costFalsePositive', cfp],
      ['costFalseNegative', cfn],
    ] as const) {
      if (!Number.isFinite(v) || v < 0) {
        throw new MlError('BAD_OPTION', `${who}: ${name} = ${v}; costs must be finite and >= 0`);
      }
    }
  } else if (rule?.rule !== 'max_f1') {
    throw new MlError(
      'BAD_OPTION',
      `${who}: rule = '${(rule as { rule?: unknown })?.rule}'; use { rule: 'max_f1' } or { rule: 'cost', costFalsePositive, costFalseNegative }`,
    );
  }
  checkPairLength(y, scores, 'scores', who);
  checkNotEmpty(y.length, who);
  const positives = countBinaryLabels(y, who);
  checkFiniteScores(scores, who);
  const negatives = y.length - positives;
  const { thresholds, tps, fps } = binaryClfCurve(y, scores);

  const f1Of = (tp: number, fp: number) => (tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + (positives - tp)));
  const objectiveAt = (tp: number, fp: number) =>
    rule.rule === 'cost' ? cfp * fp + cfn * (positives - tp) : -f1Of(tp, fp);
  // "Flag no one" is the highest threshold; then only a strictly better one replaces the best.
  let best = -1;
  let bestValue = objectiveAt(0, 0);
  for (let i = 0; i < thresholds.length; i++) {
    const v = objectiveAt(tps[i]!, fps[i]!);
    if (v < bestValue) {
      best = i;
      bestValue = v;
    }
  }
  const tp = best === -1 ? 0 : tps[best]!;
  const fp = best === -1 ? 0 : fps[best]!;
  const out: ThresholdChoice = {
    threshold: best === -1 ? Number.POSITIVE_INFINITY : thresholds[best]!,
    tp,
    fp,
    tn: negatives - fp,
    fn: positives - tp,
    f1: f1Of(tp, fp),
  };
  if (rule.rule === 'cost') out.cost = bestValue;
  return out;
}
