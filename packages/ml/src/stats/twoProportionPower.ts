import { MlError } from '../errors.ts';
import { type Alternative, checkAlternative, checkProbability } from './alternative.ts';
import { normalCdf, normalPdf, normalQuantile, normalSf } from './distributions.ts';

export interface TwoProportionPowerOptions {
  /** Rate of the baseline A. */
  p1: number;
  /** Rate of B to detect. */
  p2: number;
  nA: number;
  nB: number;
  /** Significance level. Default 0.05. */
  alpha?: number;
  /** 'greater': the test looks for p2 > p1. Default 'two-sided'. */
  alternative?: Alternative;
}

export interface TwoProportionSampleSizeOptions {
  p1: number;
  p2: number;
  /** Default 0.05. */
  alpha?: number;
  /** Probability of detecting the difference. Default 0.8. */
  power?: number;
  /** nB / nA. Default 1. */
  ratio?: number;
  /** Default 'two-sided'. */
  alternative?: Alternative;
}

export interface TwoProportionPowerResult {
  power: number;
  /** Cohen's h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1)). */
  cohenH: number;
  nA: number;
  nB: number;
  alpha: number;
  alternative: Alternative;
}

export interface TwoProportionSampleSizeResult {
  /** Size of A, rounded up. */
  nA: number;
  /** Size of B, ceil(nAExact x ratio). */
  nB: number;
  /** The real-valued size of A that reaches `power` exactly (what statsmodels' solve_power gives). */
  nAExact: number;
  nBExact: number;
  /** Power actually reached with the rounded-up sizes (>= the requested power). */
  achievedPower: number;
  cohenH: number;
  alpha: number;
  power: number;
  ratio: number;
  alternative: Alternative;
}

/**
 * Power of the two-proportion z test on the arcsine scale (Cohen's h), as statsmodels'
 * `NormalIndPower().power(proportion_effectsize(p2, p1), nA, alpha, nB / nA, alternative)`
 * ('greater' is statsmodels' 'larger'). O(1).
 *
 * ```ts
 * twoProportionPower({ p1: 0.05, p2: 0.06, nA: 8000, nB: 8000 }).power; // about 0.72
 * ```
 */
export function twoProportionPower(options: TwoProportionPowerOptions): TwoProportionPowerResult {
  const fn = 'twoProportionPower';
  const p1 = checkProbability(fn, 'p1', options.p1);
  const p2 = checkProbability(fn, 'p2', options.p2);
  const alpha = checkProbability(fn, 'alpha', options.alpha ?? 0.05);
  const alternative = checkAlternative(fn, options.alternative);
  const { nA, nB } = options;
  if (!(nA > 0 && nB > 0 && Number.isFinite(nA) && Number.isFinite(nB))) {
    throw new MlError('BAD_OPTION', `${fn}: nA and nB must be positive sample sizes, got ${nA} and ${nB}`);
  }
  const cohenH = arcsineDifference(p1, p2);
  const power = powerAt(cohenH * Math.sqrt(1 / (1 / nA + 1 / nB)), alpha, alternative);
  return { power, cohenH, nA, nB, alpha, alternative };
}

/**
 * Group sizes the two-proportion z test needs to detect p1 -> p2 with the given power, as
 * statsmodels' `NormalIndPower().solve_power(proportion_effectsize(p2, p1), nobs1=None, ...)`.
 * One-sided sizes are closed-form; two-sided ones add the far tail's power and are solved
 * by Newton's method to full precision. O(1).
 *
 * ```ts
 * twoProportionSampleSize({ p1: 0.05, p2: 0.06, power: 0.8 }).nA; // per group
 * ```
 */
export function twoProportionSampleSize(
  options: TwoProportionSampleSizeOptions,
): TwoProportionSampleSizeResult {
  const fn = 'twoProportionSampleSize';
  const p1 = checkProbability(fn, 'p1', options.p1);
  const p2 = checkProbability(fn, 'p2', options.p2);
  const alpha = checkProbability(fn, 'alpha', options.alpha ?? 0.05);
  const power = checkProbability(fn, 'power', options.power ?? 0.8);
  const ratio = options.ratio ?? 1;
  const alternative = checkAlternative(fn, options.alternative);
  if (!(ratio > 0 && Number.isFinite(ratio))) {
    throw new MlError('BAD_OPTION', `${fn}: ratio is nB / nA and must be positive, got ${ratio}`);
  }
  const cohenH = arcsineDifference(p1, p2);
  if (cohenH === 0 || (alternative === 'greater' && cohenH < 0) || (alternative === 'less' && cohenH > 0)) {
    throw new MlError(
      'BAD_OPTION',
      `${fn}: p2 = ${p2} is not ${alternative === 'less' ? 'below' : alternative === 'greater' ? 'above' : 'different from'} p1 = ${p1}, so no sample size reaches the power`,
    );
  }
  if (power <= alpha) {
    throw new MlError('BAD_OPTION', `${fn}: power (${power}) must exceed alpha (${alpha})`);
  }
  const h = Math.abs(cohenH);
  const oneSidedAlpha = alternative === 'two-sided' ? alpha / 2 : alpha;
  // s = h sqrt(effective n); the one-sided solution is exact and, two-sided, an upper bound.
  let s = normalQuantile(1 - oneSidedAlpha) + normalQuantile(power);
  if (alternative === 'two-sided') {
    const crit = normalQuantile(1 - oneSidedAlpha);
    for (let i = 0; i < 50; i++) {
      const f = normalSf(crit - s) + normalCdf(-crit - s) - power;
      const step = f / (normalPdf(crit - s) - normalPdf(-crit - s));
      s -= step;
      if (Math.abs(step) <= 1e-15 * s) break;
    }
  }
  const effective = (s / h) * (s / h);
  const nAExact = effective * (1 + 1 / ratio);
  const nBExact = nAExact * ratio;
  const nA = Math.ceil(nAExact);
  const nB = Math.ceil(nBExact);
  return {
    nA,
    nB,
    nAExact,
    nBExact,
    achievedPower: powerAt(cohenH * Math.sqrt(1 / (1 / nA + 1 / nB)), alpha, alternative),
    cohenH,
    alpha,
    power,
    ratio,
    alternative,
  };
}

function arcsineDifference(p1: number, p2: number): number {
  return 2 * Math.asin(Math.sqrt(p2)) - 2 * Math.asin(Math.sqrt(p1));
}

/** Power of a z test whose statistic has mean `shift` under the alternative. */
function powerAt(shift: number, alpha: number, alternative: Alternative): number {
  if (alternative === 'greater') return normalSf(normalQuantile(1 - alpha) - shift);
  if (alternative === 'less') return normalCdf(normalQuantile(alpha) - shift);
  const crit = normalQuantile(1 - alpha / 2);
  return normalSf(crit - shift) + normalCdf(-crit - shift);
}
