import { MlError } from '../errors.ts';
import {
  type Alternative,
  checkAlternative,
  checkConfidence,
  checkSample,
  differenceInterval,
} from './alternative.ts';
import { studentTCdf, studentTQuantile, studentTSf } from './distributions.ts';
import { logGamma } from './specialFunctions.ts';

export interface WelchTTestOptions {
  /** 'greater': mean of B above mean of A. Default 'two-sided'. */
  alternative?: Alternative;
  /** Level of the confidence interval of the difference. Default 0.95. */
  confidence?: number;
}

export interface WelchTTestResult {
  /** t = (mean B - mean A) / standard error; scipy's `ttest_ind(b, a, equal_var=False)`. */
  statistic: number;
  pValue: number;
  /** Welch-Satterthwaite degrees of freedom (not an integer). */
  df: number;
  meanA: number;
  meanB: number;
  /** mean B - mean A. */
  meanDifference: number;
  /** sqrt(var A / nA + var B / nB), sample variances with n - 1. */
  standardError: number;
  /** Interval of mean B - mean A with Welch's df; one-sided alternatives give a half-infinite one. */
  confidenceInterval: [number, number];
  /** (mean B - mean A) / pooled standard deviation. */
  cohenD: number;
  /** Cohen's d times the exact small-sample correction Γ(m/2) / (sqrt(m/2) Γ((m-1)/2)), m = nA + nB - 2. */
  hedgesG: number;
  nA: number;
  nB: number;
  alternative: Alternative;
  confidence: number;
}

/**
 * Welch's unequal-variance t test of mean B - mean A. O(nA + nB).
 *
 * ```ts
 * const r = welchTTest(control, variant, { alternative: 'greater' });
 * r.pValue; r.confidenceInterval; r.hedgesG;
 * ```
 */
export function welchTTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: WelchTTestOptions = {},
): WelchTTestResult {
  const fn = 'welchTTest';
  const alternative = checkAlternative(fn, options.alternative);
  const confidence = checkConfidence(fn, options.confidence);
  const x = checkSample(fn, 'A', a, 2);
  const y = checkSample(fn, 'B', b, 2);
  const nA = x.length;
  const nB = y.length;
  const [originA, shiftA, varA] = meanAndVariance(x);
  const [originB, shiftB, varB] = meanAndVariance(y);
  const meanA = originA + shiftA;
  const meanB = originB + shiftB;
  const wA = varA / nA;
  const wB = varB / nB;
  const standardError = Math.sqrt(wA + wB);
  if (!(standardError > 0)) {
    throw new MlError(
      'NON_FINITE',
      `${fn}: both groups are constant, so t is undefined; compare the values directly or collect more varied data`,
    );
  }
  // Differencing the origins and the shifts apart keeps the digits that meanB - meanA would lose.
  const meanDifference = originB - originA + (shiftB - shiftA);
  const statistic = meanDifference / standardError;
  const df = ((wA + wB) * (wA + wB)) / ((wA * wA) / (nA - 1) + (wB * wB) / (nB - 1));
  const pValue =
    alternative === 'greater'
      ? studentTSf(statistic, df)
      : alternative === 'less'
        ? studentTCdf(statistic, df)
        : Math.min(1, 2 * studentTSf(Math.abs(statistic), df));
  const m = nA + nB - 2;
  const pooledSd = Math.sqrt(((nA - 1) * varA + (nB - 1) * varB) / m);
  const cohenD = meanDifference / pooledSd;
  const correction = Math.exp(logGamma(m / 2) - logGamma((m - 1) / 2)) / Math.sqrt(m / 2);
  return {
    statistic,
    pValue,
    df,
    meanA,
    meanB,
    meanDifference,
    standardError,
    confidenceInterval: differenceInterval(meanDifference, standardError, confidence, alternative, (p) =>
      studentTQuantile(p, df),
    ),
    cohenD,
    hedgesG: cohenD * correction,
    nA,
    nB,
    alternative,
    confidence,
  };
}

/**
 * [x[0], mean - x[0], sample variance (n - 1)]. Sums are of x - x[0], exact for data far from 0
 * (1e6 + cents), and the corrected two-pass formula removes what rounding is left.
 */
function meanAndVariance(x: Float64Array): [number, number, number] {
  const origin = x[0]!;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! - origin;
  const shiftedMean = sum / x.length;
  let ss = 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - origin - shiftedMean;
    ss += d * d;
    s += d;
  }
  return [origin, shiftedMean, (ss - (s * s) / x.length) / (x.length - 1)];
}
