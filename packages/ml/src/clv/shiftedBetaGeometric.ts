import { MlError } from '../errors.ts';
import { logBeta } from '../stats/specialFunctions.ts';
import { hyp2f1 } from './hyp2f1.ts';
import { fitLogParameters } from './mleFit.ts';

/** Input of `fitShiftedBetaGeometric`. */
export interface ShiftedBetaGeometricInput {
  /**
   * Customers of one cohort still active at the start (index 0) and after each renewal
   * opportunity 1..n: non-increasing, alive[0] > 0, at least two entries.
   */
  alive: ArrayLike<number>;
}

/** A fitted sBG model: churn probabilities theta ~ Beta(alpha, beta), constant per customer. */
export interface ShiftedBetaGeometricModel {
  alpha: number;
  beta: number;
  logLikelihood: number;
  converged: boolean;
  message: string;
  standardErrors: { alpha: number; beta: number };
  /** 2 x 2 covariance of (alpha, beta). */
  covariance: Float64Array;
  /** Periods fitted (alive.length - 1). */
  periods: number;
}

/**
 * Maximum-likelihood fit of the shifted beta-geometric model of contractual retention (Fader &
 * Hardie 2007, "How to Project Customer Retention", Journal of Interactive Marketing 21(1)).
 * With P(T = t) = B(alpha+1, beta+t-1)/B(alpha, beta) the chance of churning at period t and
 * S(t) = B(alpha, beta+t)/B(alpha, beta) of surviving past it,
 *
 *   LL = sum_{t=1..n} (alive[t-1] - alive[t]) ln P(T = t) + alive[n] ln S(n).
 *
 * @example
 * fitShiftedBetaGeometric({ alive: [1000, 631, 468, 382, 326, 289, 262, 241] });
 * // alpha 0.704, beta 1.182 (the paper's "regular" cohort)
 */
export function fitShiftedBetaGeometric(input: ShiftedBetaGeometricInput): ShiftedBetaGeometricModel {
  const where = 'fitShiftedBetaGeometric';
  const alive = Float64Array.from(input.alive);
  const n = alive.length - 1;
  if (n < 1) {
    throw new MlError(
      'TOO_FEW_ROWS',
      `${where}: alive needs the starting count and at least one later count.`,
    );
  }
  for (let t = 0; t <= n; t++) {
    if (!(alive[t]! >= 0) || !Number.isFinite(alive[t]!) || (t > 0 && alive[t]! > alive[t - 1]!)) {
      throw new MlError(
        'BAD_OPTION',
        `${where}: alive[${t}] = ${alive[t]}; counts must be finite, >= 0 and never increase (one cohort, no re-joins).`,
      );
    }
  }
  if (!(alive[0]! > 0)) throw new MlError('EMPTY_INPUT', `${where}: the cohort is empty (alive[0] = 0).`);
  if (alive[n] === alive[0] || alive[n] === 0) {
    throw new MlError(
      'NO_CONVERGENCE',
      `${where}: ${alive[n] === 0 ? 'everyone churned' : 'nobody churned'}, so the churn-probability ` +
        'distribution has no finite maximum-likelihood estimate; add periods or cohorts with partial churn.',
    );
  }
  const ll = (p: Float64Array): number => shiftedBetaGeometricLogLikelihood(p[0]!, p[1]!, alive);
  const fit = fitLogParameters(
    ll,
    [Float64Array.of(0, 0), Float64Array.of(0, Math.log(3))],
    ['alpha', 'beta'],
  );
  return {
    alpha: fit.params[0]!,
    beta: fit.params[1]!,
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    message: `sBG ${fit.message}`,
    standardErrors: { alpha: fit.standardErrors[0]!, beta: fit.standardErrors[1]! },
    covariance: fit.covariance,
    periods: n,
  };
}

/** The sBG log-likelihood of a cohort's survivor counts. */
export function shiftedBetaGeometricLogLikelihood(alpha: number, beta: number, alive: Float64Array): number {
  const n = alive.length - 1;
  const lnB = logBeta(alpha, beta);
  let total = 0;
  for (let t = 1; t <= n; t++) {
    const lost = alive[t - 1]! - alive[t]!;
    if (lost > 0) total += lost * (logBeta(alpha + 1, beta + t - 1) - lnB);
  }
  if (alive[n]! > 0) total += alive[n]! * (logBeta(alpha, beta + n) - lnB);
  return total;
}

type SbgParameters = Pick<ShiftedBetaGeometricModel, 'alpha' | 'beta'>;

/** S(t): share of a new cohort still active after t renewal opportunities (S(0) = 1). */
export function sbgSurvival(model: SbgParameters, t: number): number {
  checkPeriod('sbgSurvival', t, 0);
  let s = 1;
  for (let k = 0; k < t; k++) s *= (model.beta + k) / (model.alpha + model.beta + k);
  return s;
}

/** Retention rate at period t >= 1, S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1). */
export function sbgRetentionRate(model: SbgParameters, t: number): number {
  checkPeriod('sbgRetentionRate', t, 1);
  return (model.beta + t - 1) / (model.alpha + model.beta + t - 1);
}

/**
 * Discounted expected residual lifetime (Fader & Hardie 2010, "Customer-Base Valuation in a
 * Contractual Setting"): expected discounted number of future payments of a customer who has
 * made `renewals` renewals, the next one counted undiscounted, discount rate `d` per period:
 * (beta+n)/(alpha+beta+n) 2F1(1, beta+n+1; alpha+beta+n+1; 1/(1+d)) with n = renewals.
 * Multiply by the payment per period for a residual value. d must be > 0.
 */
export function sbgDiscountedResidualLifetime(model: SbgParameters, d: number, renewals = 0): number {
  checkPeriod('sbgDiscountedResidualLifetime', renewals, 0);
  if (!(d > 0) || !Number.isFinite(d)) {
    throw new MlError(
      'BAD_OPTION',
      `sbgDiscountedResidualLifetime: discount rate ${d}; pass a rate > 0, e.g. 0.1.`,
    );
  }
  const n = renewals;
  const { alpha, beta } = model;
  return ((beta + n) / (alpha + beta + n)) * hyp2f1(1, beta + n + 1, alpha + beta + n + 1, 1 / (1 + d));
}

function checkPeriod(where: string, t: number, min: number): void {
  if (!Number.isInteger(t) || t < min) {
    throw new MlError('BAD_OPTION', `${where}: period ${t}; pass a whole number >= ${min}.`);
  }
}
