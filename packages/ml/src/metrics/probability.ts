import { MlError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';
import { quantileSorted } from '../preprocess/quantile.ts';
import {
  checkNotEmpty,
  checkPairLength,
  checkProbabilities,
  classCount,
  countBinaryLabels,
} from './classificationChecks.ts';

/** Options of {@link logLoss}. */
export interface LogLossOptions {
  /**
   * Probabilities are clipped to [eps, 1 - eps] before the logarithm. Default 2^-52 (float64
   * machine epsilon), scikit-learn 1.2's `eps='auto'`; pass 1e-15 for scikit-learn before 1.2.
   */
  eps?: number;
}

/**
 * Mean negative log-likelihood (cross-entropy, natural log) of the true classes, equal to
 * scikit-learn 1.2's `log_loss`:
 * - binary: `y` holds 0/1 and `p` (an array) the probability of class 1;
 * - k classes: `y` holds 0..k-1 and `p` is an n x k Matrix, one probability per class.
 *
 * As scikit-learn: each probability is clipped to [eps, 1 - eps], then each row is divided by its
 * sum (so rows that do not sum to 1 are renormalised). Classes are 0..k-1 (binary: 0 and 1) even when
 * y holds only one of them, like scikit-learn given `labels=range(k)` (without it scikit-learn
 * refuses y with one class). Time O(n k).
 *
 * Throws `MlError` SHAPE_MISMATCH (lengths, or labels >= the matrix's columns), EMPTY_INPUT,
 * BAD_OPTION (bad labels, probabilities outside [0, 1], bad eps), NON_FINITE.
 *
 * @example
 * logLoss(Int32Array.of(1, 0, 0, 1), Float64Array.of(0.9, 0.1, 0.2, 0.65)); // 0.2161...
 */
export function logLoss(
  y: ArrayLike<number>,
  p: ArrayLike<number> | Matrix,
  options: LogLossOptions = {},
): number {
  const who = 'logLoss';
  const eps = options.eps ?? 2 ** -52;
  if (!(eps >= 0 && eps < 0.5)) {
    throw new MlError('BAD_OPTION', `${who}: eps = ${eps}; use a small number in [0, 0.5), e.g. 1e-15`);
  }
  const clip = (v: number) => Math.min(Math.max(v, eps), 1 - eps);
  if (!isMatrix(p)) {
    checkPairLength(y, p, 'probabilities', who);
    checkNotEmpty(y.length, who);
    countBinaryLabels(y, who);
    checkProbabilities(p, who);
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      const p1 = clip(p[i]!);
      const p0 = 1 - p1; // scikit-learn clips p, then takes 1 - p unclipped
      total -= Math.log((y[i] === 1 ? p1 : p0) / (p0 + p1));
    }
    return total / y.length;
  }
  const { rows: n, cols: k, data } = p;
  if (n !== y.length) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: ${y.length} labels but ${n} rows of probabilities; pass one row per labelled row`,
    );
  }
  checkNotEmpty(n, who);
  classCount([y], k, who);
  checkProbabilities(data, who);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += clip(data[i * k + c]!);
    total -= Math.log(clip(data[i * k + y[i]!]!) / sum);
  }
  return total / n;
}

/**
 * Brier score of binary labels: mean of (p_i - y_i)^2, equal to scikit-learn 1.2's
 * `brier_score_loss`. 0 is perfect; always predicting the positive share r scores r (1 - r).
 * Time O(n). Throws `MlError` SHAPE_MISMATCH, EMPTY_INPUT, BAD_OPTION (a label other than 0/1, a
 * probability outside [0, 1]), NON_FINITE.
 *
 * @example
 * brierScore(Int32Array.of(0, 1, 1, 0), Float64Array.of(0.1, 0.9, 0.8, 0.3)); // 0.0375
 */
export function brierScore(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const who = 'brierScore';
  checkPairLength(y, p, 'probabilities', who);
  checkNotEmpty(y.length, who);
  countBinaryLabels(y, who);
  checkProbabilities(p, who);
  let total = 0;
  for (let i = 0; i < y.length; i++) total += (y[i]! - p[i]!) ** 2;
  return total / y.length;
}

/** How {@link calibrationCurve} places its bin edges. */
export type CalibrationStrategy = 'uniform' | 'quantile';

/** Options of {@link calibrationCurve}. */
export interface CalibrationCurveOptions {
  /** Number of bins (default 5, as scikit-learn). */
  nBins?: number;
  /** 'uniform': equal-width bins on [0, 1] (default); 'quantile': equal-count bins by the probabilities' percentiles. */
  strategy?: CalibrationStrategy;
}

/** One entry per non-empty bin, in increasing order of probability. */
export interface CalibrationCurve {
  /** Share of positives among the bin's rows. */
  probTrue: Float64Array;
  /** Mean predicted probability of the bin's rows. */
  probPred: Float64Array;
  /** Rows in the bin (> 0). */
  counts: Int32Array;
}

/**
 * Reliability diagram of binary labels against predicted probabilities, equal to scikit-learn
 * 1.2's `calibration_curve` (which returns `prob_true`, `prob_pred`; `counts` is ours). Bins with
 * no row are left out.
 *
 * Bin edges e_0 = 0 < ... < e_nBins = 1 ('uniform': e_i = i / nBins; 'quantile': the i / nBins
 * percentiles of p by numpy's linear rule, which can repeat with tied p). A probability goes to the
 * bin (e_{i-1}, e_i]: the first bin is [0, e_1], a probability equal to an inner edge belongs to
 * the lower bin (numpy's `searchsorted(edges, p, 'left')`).
 *
 * Time O(n) for 'uniform' (plus O(n log n) for 'quantile'). Throws `MlError` SHAPE_MISMATCH,
 * EMPTY_INPUT, BAD_OPTION (a label other than 0/1, a probability outside [0, 1], nBins < 1, an
 * unknown strategy), NON_FINITE.
 *
 * @example
 * calibrationCurve(Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1, 1),
 *   Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1), { nBins: 3 });
 * // probTrue [0, 0.5, 1], probPred [0.2, 0.525, 0.85], counts [3, 2, 4]
 */
export function calibrationCurve(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  options: CalibrationCurveOptions = {},
): CalibrationCurve {
  return binnedCalibration(y, p, options, 'calibrationCurve');
}

/**
 * Expected calibration error of binary labels against predicted probabilities of class 1:
 *
 *   ECE = sum over bins b of (n_b / n) |mean(y in b) - mean(p in b)|
 *
 * over `nBins` equal-width bins of [0, 1] (default 10), bins placed exactly as
 * {@link calibrationCurve} with strategy 'uniform' (first bin [0, 1/nBins], then (e_{i-1}, e_i]);
 * empty bins add nothing. It is the count-weighted mean gap between the reliability diagram and the
 * diagonal: 0 for a perfectly calibrated model, up to 1. Only the probability of class 1 is used
 * (not the "top-label confidence" some papers bin for multi-class models), and the value depends on
 * nBins, so compare ECEs at the same nBins. scikit-learn 1.2 has no ECE; the fixtures build it from
 * its `calibration_curve`.
 *
 * Time O(n). Throws `MlError` as {@link calibrationCurve}.
 *
 * @example
 * expectedCalibrationError(Int32Array.of(0, 1, 1, 1), Float64Array.of(0.2, 0.4, 0.9, 0.9), { nBins: 2 });
 * // 0.5 * |0.5 - 0.3| + 0.5 * |1 - 0.9| = 0.15
 */
export function expectedCalibrationError(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  options: { nBins?: number } = {},
): number {
  const { probTrue, probPred, counts } = binnedCalibration(
    y,
    p,
    { nBins: options.nBins ?? 10, strategy: 'uniform' },
    'expectedCalibrationError',
  );
  let ece = 0;
  for (let b = 0; b < counts.length; b++)
    ece += (counts[b]! / y.length) * Math.abs(probTrue[b]! - probPred[b]!);
  return ece;
}

function binnedCalibration(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  options: CalibrationCurveOptions,
  who: string,
): CalibrationCurve {
  const { nBins = 5, strategy = 'uniform' } = options;
  if (!Number.isInteger(nBins) || nBins < 1) {
    throw new MlError('BAD_OPTION', `${who}: nBins = ${nBins}; use a positive integer such as 10`);
  }
  if (strategy !== 'uniform' && strategy !== 'quantile') {
    throw new MlError('BAD_OPTION', `${who}: strategy = '${strategy}'; use 'uniform' or 'quantile'`);
  }
  checkPairLength(y, p, 'probabilities', who);
  checkNotEmpty(y.length, who);
  countBinaryLabels(y, who);
  checkProbabilities(p, who);
  const n = y.length;
  const inner = binEdges(p, nBins, strategy).subarray(1, nBins);
  const sumP = new Float64Array(nBins);
  const sumY = new Float64Array(nBins);
  const count = new Int32Array(nBins);
  for (let i = 0; i < n; i++) {
    const b = countBelow(inner, p[i]!);
    sumP[b] += p[i]!;
    sumY[b] += y[i]!;
    count[b]++;
  }
  let used = 0;
  for (let b = 0; b < nBins; b++) if (count[b]! > 0) used++;
  const probTrue = new Float64Array(used);
  const probPred = new Float64Array(used);
  const counts = new Int32Array(used);
  let j = 0;
  for (let b = 0; b < nBins; b++) {
    if (count[b] === 0) continue;
    probTrue[j] = sumY[b]! / count[b]!;
    probPred[j] = sumP[b]! / count[b]!;
    counts[j++] = count[b]!;
  }
  return { probTrue, probPred, counts };
}

/** The nBins + 1 edges, computed with numpy's arithmetic (linspace, then percentile's q * 100 / 100). */
function binEdges(p: ArrayLike<number>, nBins: number, strategy: CalibrationStrategy): Float64Array {
  const edges = new Float64Array(nBins + 1);
  const step = 1 / nBins;
  for (let i = 0; i < nBins; i++) edges[i] = i * step;
  edges[nBins] = 1;
  if (strategy === 'uniform') return edges;
  const sorted = Float64Array.from(p).sort();
  for (let i = 0; i <= nBins; i++) edges[i] = quantileSorted(sorted, (edges[i]! * 100) / 100);
  return edges;
}

/** Number of ascending edges strictly below v (numpy's `searchsorted(edges, v, side='left')`). */
function countBelow(edges: Float64Array, v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isMatrix(p: ArrayLike<number> | Matrix): p is Matrix {
  return (p as Matrix).data !== undefined && typeof (p as Matrix).rows === 'number';
}
