import { MlError } from '../errors.ts';
import { logBeta, logGamma } from '../stats/specialFunctions.ts';
import { checkRfm, checkWeights } from './customerData.ts';
import { fitLogParameters } from './mleFit.ts';
import { checkTimeUnit, type TimeUnit } from './timeUnit.ts';

/** Input of `fitBgNbd`: one entry per customer, times in `timeUnit`. */
export interface BgNbdInput {
  /** Repeat purchases x in the calibration period (distinct purchase days - 1). */
  frequency: ArrayLike<number>;
  /** t_x: time from the first to the last purchase. */
  recency: ArrayLike<number>;
  /** Time from the first purchase to the end of the calibration period. */
  T: ArrayLike<number>;
  timeUnit: TimeUnit;
  /** Optional case weights (e.g. counts of identical customers); default all 1. */
  weights?: ArrayLike<number>;
}

/** A fitted BG/NBD model. The purchase rate is per `timeUnit`; alpha is in `timeUnit`s. */
export interface BgNbdModel {
  r: number;
  alpha: number;
  a: number;
  b: number;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  message: string;
  /** Delta-method standard errors from the Hessian of the negative log-likelihood in log-parameters. */
  standardErrors: { r: number; alpha: number; a: number; b: number };
  /** 4 x 4 row-major covariance of (r, alpha, a, b). */
  covariance: Float64Array;
  /** 4 x 4 covariance of (ln r, ln alpha, ln a, ln b): what the parametric bootstrap draws from. */
  logCovariance: Float64Array;
  timeUnit: TimeUnit;
  nCustomers: number;
}

const NAMES = ['r', 'alpha', 'a', 'b'] as const;

/**
 * BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6) summed over customers, with weights:
 *
 *   L_i = B(a, b+x)/B(a,b) G(r+x) a^r / (G(r) (alpha+T)^(r+x))
 *       + [x > 0] B(a+1, b+x-1)/B(a,b) G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x)).
 *
 * Both terms share G(r+x) alpha^r / G(r) and are combined by log-sum-exp: for large x and a
 * long gap between t_x and T each power underflows on its own.
 */
export function bgnbdLogLikelihood(
  r: number,
  alpha: number,
  a: number,
  b: number,
  x: Float64Array,
  tx: Float64Array,
  T: Float64Array,
  weights: Float64Array,
): number {
  const lnBab = logBeta(a, b);
  const lnAlpha = Math.log(alpha);
  const lnA = Math.log(a);
  // The x-only pieces depend on few distinct (whole) values of x: cache them by x.
  let maxX = 0;
  for (let i = 0; i < x.length; i++) if (x[i]! > maxX) maxX = x[i]!;
  const common = new Float64Array(maxX + 1).fill(Number.NaN);
  const beta1 = new Float64Array(maxX + 1);
  const lnRatio = new Float64Array(maxX + 1);
  const lnGammaR = logGamma(r);
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    const xi = x[i]!;
    if (Number.isNaN(common[xi]!)) {
      common[xi] = logGamma(r + xi) - lnGammaR + r * lnAlpha;
      beta1[xi] = logBeta(a, b + xi) - lnBab;
      // B(a+1, b+x-1) / B(a, b+x) = a / (b+x-1): term 2's beta part relative to term 1's.
      lnRatio[xi] = xi > 0 ? lnA - Math.log(b + xi - 1) : Number.NEGATIVE_INFINITY;
    }
    const t1 = -(r + xi) * Math.log(alpha + T[i]!);
    let li = t1;
    if (xi > 0) {
      const t2 = lnRatio[xi]! - (r + xi) * Math.log(alpha + tx[i]!);
      li = t1 > t2 ? t1 + Math.log1p(Math.exp(t2 - t1)) : t2 + Math.log1p(Math.exp(t1 - t2));
    }
    total += w * (common[xi]! + beta1[xi]! + li);
  }
  return total;
}

/**
 * Maximum-likelihood fit of the BG/NBD model (Fader, Hardie & Lee 2005, "Counting Your
 * Customers the Easy Way", Marketing Science 24(2)) on log-parameters.
 *
 * Starts: r and alpha matched to the mean and (Poisson-corrected) variance of x / T with
 * a = b = 1, plus two fixed starts; BFGS from each, then Nelder-Mead and BFGS again from the
 * best (see `fitLogParameters`). `converged` is false, with the reason in `message`, when the
 * gradient at the optimum is not small, a parameter runs off to a bound or the Hessian is not
 * positive definite; callers should not use such a model silently.
 *
 * Throws NO_CONVERGENCE when nobody made a repeat purchase: then a high dropout probability and
 * a low purchase rate explain the data equally well and the likelihood has no maximum.
 *
 * Cost: O(customers) per likelihood evaluation, a few thousand evaluations; CDNOW's 2,357
 * customers fit in well under a second.
 *
 * @example
 * const m = fitBgNbd({ frequency: x, recency: tx, T, timeUnit: 'week' });
 * // CDNOW: m.r 0.2426, m.alpha 4.4135, m.a 0.7929, m.b 2.4258, m.logLikelihood -9582.43
 */
export function fitBgNbd(input: BgNbdInput): BgNbdModel {
  const where = 'fitBgNbd';
  const timeUnit = checkTimeUnit(where, input.timeUnit);
  const { x, tx, T } = checkRfm(where, input.frequency, input.recency, input.T);
  const n = x.length;
  const w = checkWeights(where, input.weights, n);
  let repeatWeight = 0;
  for (let i = 0; i < n; i++) if (x[i]! > 0) repeatWeight += w[i]!;
  if (repeatWeight === 0) {
    throw new MlError(
      'NO_CONVERGENCE',
      `${where}: none of the ${n} customers made a repeat purchase (every frequency is 0), so the model ` +
        'cannot tell a low purchase rate from early dropout and the likelihood has no maximum; fit on a ' +
        'longer calibration period or on a cohort that includes repeat buyers.',
      { nCustomers: n },
    );
  }
  const u = mergeIdentical(x, tx, T, w);
  const ll = (p: Float64Array): number => bgnbdLogLikelihood(p[0]!, p[1]!, p[2]!, p[3]!, u.x, u.tx, u.T, u.w);
  const fit = fitLogParameters(ll, startingPoints(x, T, w), NAMES);
  const [r, alpha, a, b] = fit.params;
  const se = fit.standardErrors;
  return {
    r: r!,
    alpha: alpha!,
    a: a!,
    b: b!,
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    iterations: fit.iterations,
    message: `BG/NBD ${fit.message}`,
    standardErrors: { r: se[0]!, alpha: se[1]!, a: se[2]!, b: se[3]! },
    covariance: fit.covariance,
    logCovariance: fit.logCovariance,
    timeUnit,
    nCustomers: n,
  };
}

/**
 * Customers with the same (x, t_x, T) as one weighted customer: the likelihood is a weighted
 * sum, and purchase data measured in whole days repeat a lot (400,000 synthetic customers over
 * 78 weeks: 124,949 distinct triples), so every evaluation of the fit gets that much cheaper.
 */
function mergeIdentical(
  x: Float64Array,
  tx: Float64Array,
  T: Float64Array,
  w: Float64Array,
): { x: Float64Array; tx: Float64Array; T: Float64Array; w: Float64Array } {
  const n = x.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => x[i]! - x[j]! || tx[i]! - tx[j]! || T[i]! - T[j]!);
  const ox = new Float64Array(n);
  const otx = new Float64Array(n);
  const oT = new Float64Array(n);
  const ow = new Float64Array(n);
  let k = -1;
  for (let q = 0; q < n; q++) {
    const i = order[q]!;
    if (k >= 0 && x[i] === ox[k] && tx[i] === otx[k] && T[i] === oT[k]) {
      ow[k]! += w[i];
      continue;
    }
    k++;
    ox[k] = x[i]!;
    otx[k] = tx[i]!;
    oT[k] = T[i]!;
    ow[k] = w[i]!;
  }
  k++;
  return { x: ox.subarray(0, k), tx: otx.subarray(0, k), T: oT.subarray(0, k), w: ow.subarray(0, k) };
}

// A gamma(r, alpha) fitted by moments to the observed rates x / T, whose variance includes
// Poisson noise of about E[rate / T]; dropout is ignored here, BFGS takes it from there.
function startingPoints(x: Float64Array, T: Float64Array, w: Float64Array): Float64Array[] {
  let sw = 0;
  let m = 0;
  let m2 = 0;
  let noise = 0;
  let meanT = 0;
  for (let i = 0; i < x.length; i++) {
    const rate = x[i]! / T[i]!;
    sw += w[i]!;
    m += w[i]! * rate;
    m2 += w[i]! * rate * rate;
    noise += (w[i]! * rate) / T[i]!;
    meanT += w[i]! * T[i]!;
  }
  m /= sw;
  m2 /= sw;
  noise /= sw;
  meanT /= sw;
  const v = Math.max(m2 - m * m - noise, 0.1 * m * m);
  const r0 = Math.min(Math.max((m * m) / v, 1e-3), 1e3);
  const alpha0 = r0 / m;
  return [
    Float64Array.of(Math.log(r0), Math.log(alpha0), 0, 0),
    Float64Array.of(0, Math.log(meanT), 0, 0),
    Float64Array.of(Math.log(0.5), Math.log(alpha0), Math.log(0.5), Math.log(2)),
  ];
}
