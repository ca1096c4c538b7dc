import { MlError } from '../errors.ts';
import {
  type Alternative,
  checkAlternative,
  checkConfidence,
  checkCount,
  differenceInterval,
  normalPValue,
} from './alternative.ts';
import { normalQuantile } from './distributions.ts';

export interface TwoProportionZTestOptions {
  /** 'greater': B's rate above A's. Default 'two-sided'. */
  alternative?: Alternative;
  /** Level of the Wald interval of pB - pA. Default 0.95. */
  confidence?: number;
}

export interface TwoProportionZTestResult {
  /**
   * z = (pB - pA) / pooled standard error. statsmodels' `proportions_ztest([sB, sA], [nB, nA])`
   * (statsmodels subtracts the second group from the first, so B goes first there).
   */
  statistic: number;
  pValue: number;
  proportionA: number;
  proportionB: number;
  /** (sA + sB) / (nA + nB), the rate under the null. */
  pooledProportion: number;
  /** pB - pA. */
  difference: number;
  /** The pooled standard error the statistic divides by. */
  standardError: number;
  /** Wald interval of pB - pA (unpooled standard error). */
  confidenceInterval: [number, number];
  /** 2 asin(sqrt(pB)) - 2 asin(sqrt(pA)). */
  cohenH: number;
  nA: number;
  nB: number;
  alternative: Alternative;
  confidence: number;
}

/**
 * Two-sample z test of proportions with the pooled variance. O(1).
 *
 * ```ts
 * const r = twoProportionZTest(120, 2400, 151, 2390, { alternative: 'greater' });
 * r.difference; r.pValue; r.confidenceInterval;
 * ```
 */
export function twoProportionZTest(
  successesA: number,
  nA: number,
  successesB: number,
  nB: number,
  options: TwoProportionZTestOptions = {},
): TwoProportionZTestResult {
  const fn = 'twoProportionZTest';
  const alternative = checkAlternative(fn, options.alternative);
  const confidence = checkConfidence(fn, options.confidence);
  checkTrials(fn, 'A', checkCount(fn, 'successesA', successesA), checkCount(fn, 'nA', nA));
  checkTrials(fn, 'B', checkCount(fn, 'successesB', successesB), checkCount(fn, 'nB', nB));
  const pA = successesA / nA;
  const pB = successesB / nB;
  const pooled = (successesA + successesB) / (nA + nB);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  if (!(standardError > 0)) {
    throw new MlError(
      'NON_FINITE',
      `${fn}: every trial in both groups ${pooled === 0 ? 'failed' : 'succeeded'}, so z is undefined; there is no difference to test`,
    );
  }
  const difference = pB - pA;
  const statistic = difference / standardError;
  const waldSe = Math.sqrt((pA * (1 - pA)) / nA + (pB * (1 - pB)) / nB);
  return {
    statistic,
    pValue: normalPValue(statistic, alternative),
    proportionA: pA,
    proportionB: pB,
    pooledProportion: pooled,
    difference,
    standardError,
    confidenceInterval: differenceInterval(difference, waldSe, confidence, alternative, normalQuantile),
    cohenH: 2 * Math.asin(Math.sqrt(pB)) - 2 * Math.asin(Math.sqrt(pA)),
    nA,
    nB,
    alternative,
    confidence,
  };
}

/** Rejects empty groups and more successes than trials. */
export function checkTrials(fn: string, group: string, successes: number, trials: number): void {
  if (trials === 0) {
    throw new MlError('EMPTY_INPUT', `${fn}: group ${group} has 0 trials; pass at least one`);
  }
  if (successes > trials) {
    throw new MlError(
      'BAD_OPTION',
      `${fn}: group ${group} has ${successes} successes out of ${trials} trials; successes cannot exceed trials`,
    );
  }
}
