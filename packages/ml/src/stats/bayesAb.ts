import { MlError } from '../errors.ts';
import { checkCount } from './alternative.ts';
import { betaQuantile } from './distributions.ts';
import { logBeta, stirlingCorrection } from './specialFunctions.ts';
import { checkTrials } from './twoProportionZTest.ts';

export interface BayesAbCounts {
  successesA: number;
  trialsA: number;
  successesB: number;
  trialsB: number;
}

export interface BayesAbOptions {
  /** Beta prior's alpha (prior successes). Default 1 (uniform prior). */
  priorAlpha?: number;
  /** Beta prior's beta (prior failures). Default 1. */
  priorBeta?: number;
  /** Level of the equal-tailed credible intervals. Default 0.95. */
  credibleLevel?: number;
}

export interface BetaPosterior {
  alpha: number;
  beta: number;
  mean: number;
  /** Equal-tailed interval from the beta quantiles. */
  credibleInterval: [number, number];
}

export interface BayesAbResult {
  /** P(pB > pA) under the two independent beta posteriors. */
  probabilityBBeatsA: number;
  /** E[max(pA - pB, 0)]: the rate given up, on average, by shipping B. */
  expectedLossChoosingB: number;
  /** E[max(pB - pA, 0)]: the rate given up, on average, by keeping A. */
  expectedLossChoosingA: number;
  posteriorA: BetaPosterior;
  posteriorB: BetaPosterior;
  credibleLevel: number;
}

/**
 * Beta-Binomial A/B comparison with closed forms, no sampling: P(pB > pA) by Evan Miller's
 * finite sum and the expected losses by the same sum on posteriors shifted by one success.
 * A sum runs over one whole-number posterior parameter, so the priors must leave at least one
 * of alphaB, betaA (or alphaA, betaB) whole, which integer priors always do. O(min count).
 *
 * ```ts
 * const r = bayesAb({ successesA: 120, trialsA: 2400, successesB: 151, trialsB: 2390 });
 * r.probabilityBBeatsA; r.expectedLossChoosingB;
 * ```
 */
export function bayesAb(counts: BayesAbCounts, options: BayesAbOptions = {}): BayesAbResult {
  const fn = 'bayesAb';
  const sA = checkCount(fn, 'successesA', counts.successesA);
  const nA = checkCount(fn, 'trialsA', counts.trialsA);
  const sB = checkCount(fn, 'successesB', counts.successesB);
  const nB = checkCount(fn, 'trialsB', counts.trialsB);
  checkTrials(fn, 'A', sA, nA);
  checkTrials(fn, 'B', sB, nB);
  const priorAlpha = options.priorAlpha ?? 1;
  const priorBeta = options.priorBeta ?? 1;
  const level = options.credibleLevel ?? 0.95;
  if (!(priorAlpha > 0 && priorBeta > 0 && Number.isFinite(priorAlpha) && Number.isFinite(priorBeta))) {
    throw new MlError(
      'BAD_OPTION',
      `${fn}: priorAlpha and priorBeta must be positive, got ${priorAlpha}, ${priorBeta}`,
    );
  }
  if (!(level > 0 && level < 1)) {
    throw new MlError('BAD_OPTION', `${fn}: credibleLevel must be strictly between 0 and 1, got ${level}`);
  }
  const aA = priorAlpha + sA;
  const bA = priorBeta + nA - sA;
  const aB = priorAlpha + sB;
  const bB = priorBeta + nB - sB;
  const meanA = aA / (aA + bA);
  const meanB = aB / (aB + bB);
  // E[max(X - Y, 0)] = E[X; X > Y] - E[Y; X > Y], and E[X; X > Y] = mean(X) P(X' > Y) where X'
  // has one more success than X (the beta density times x is the next beta's, scaled).
  const lossB = meanA * probGreater(aA + 1, bA, aB, bB) - meanB * probGreater(aA, bA, aB + 1, bB);
  const lossA = meanB * probGreater(aB + 1, bB, aA, bA) - meanA * probGreater(aB, bB, aA + 1, bA);
  return {
    probabilityBBeatsA: probGreater(aB, bB, aA, bA),
    // Rounding can leave a loss a hair below 0 when it is really about 1e-17.
    expectedLossChoosingB: Math.max(0, lossB),
    expectedLossChoosingA: Math.max(0, lossA),
    posteriorA: posterior(aA, bA, level),
    posteriorB: posterior(aB, bB, level),
    credibleLevel: level,
  };
}

function posterior(alpha: number, beta: number, level: number): BetaPosterior {
  return {
    alpha,
    beta,
    mean: alpha / (alpha + beta),
    credibleInterval: [
      betaQuantile((1 - level) / 2, alpha, beta),
      betaQuantile((1 + level) / 2, alpha, beta),
    ],
  };
}

/**
 * P(X > Y) for independent X ~ Beta(aX, bX), Y ~ Beta(aY, bY). Picks a whole-number parameter
 * to sum over, preferring the direct sums (no 1 - P, so tiny probabilities keep their digits)
 * and the shorter of them. 1 - X ~ Beta(bX, aX), which turns a whole beta into a whole alpha.
 */
export function probGreater(aX: number, bX: number, aY: number, bY: number): number {
  const direct: [number, number, number, number][] = [];
  if (Number.isInteger(aX)) direct.push([aX, bX, aY, bY]);
  if (Number.isInteger(bY)) direct.push([bY, aY, bX, aX]);
  if (direct.length > 0) {
    direct.sort((u, v) => u[0] - v[0]);
    const [a, b, c, d] = direct[0]!;
    return millerSum(a, b, c, d);
  }
  if (Number.isInteger(aY)) return 1 - millerSum(aY, bY, aX, bX);
  if (Number.isInteger(bX)) return 1 - millerSum(bX, aX, bY, aY);
  throw new MlError(
    'BAD_OPTION',
    'bayesAb: the closed form needs a whole-number posterior parameter; use whole-number priorAlpha or priorBeta',
  );
}

/**
 * Evan Miller's sum for P(X > Y), aX a positive integer:
 * sum_{i < aX} B(aY + i, bX + bY) / ((bX + i) B(1 + i, bX) B(aY, bY)).
 * Consecutive terms differ by the factor (aY + i)(bX + i) / ((aY + bX + bY + i)(1 + i)); the logs
 * of the terms are accumulated with compensated summation (they start near -3000 for 1e5 trials,
 * where plain addition would lose 1e-13 a step) and summed relative to their maximum.
 */
function millerSum(aX: number, bX: number, aY: number, bY: number): number {
  const logs = new Float64Array(aX);
  const s = bX + bY;
  let log = logFirstTerm(aY, bY, s);
  let carry = 0;
  let max = log + carry;
  for (let i = 0; i < aX; i++) {
    const value = log + carry;
    logs[i] = value;
    if (value > max) max = value;
    const step = Math.log((aY + i) / (aY + s + i)) + Math.log((bX + i) / (1 + i));
    // Neumaier's compensated sum: `carry` keeps what rounding drops from `log`.
    const t = log + step;
    carry += Math.abs(log) >= Math.abs(step) ? log - t + step : step - t + log;
    log = t;
  }
  let sum = 0;
  for (let i = 0; i < aX; i++) sum += Math.exp(logs[i]! - max);
  return Math.min(1, sum * Math.exp(max));
}

/**
 * ln B(aY, s) - ln B(aY, bY), s > bY. With 1e5 trials each log-beta is ~1e4 and their difference
 * would carry ~1e-11 of rounding; Stirling's form lets the large parts cancel algebraically first:
 * ln Γ(x + d) - ln Γ(x) = (x - 1/2) log1p(d / x) + d ln(x + d) - d + ω(x + d) - ω(x).
 */
function logFirstTerm(aY: number, bY: number, s: number): number {
  if (bY < 15) return logBeta(aY, s) - logBeta(aY, bY);
  return (
    (bY - 0.5) * Math.log1p(aY / bY) -
    (s - 0.5) * Math.log1p(aY / s) +
    aY * Math.log((bY + aY) / (s + aY)) +
    stirlingCorrection(bY + aY) -
    stirlingCorrection(bY) -
    stirlingCorrection(s + aY) +
    stirlingCorrection(s)
  );
}
