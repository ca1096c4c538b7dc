import { MlError } from '../errors.ts';
import { logGamma } from '../stats/specialFunctions.ts';
import { fitLogParameters } from './mleFit.ts';

/** Input of `fitGammaGamma`: one entry per customer. */
export interface GammaGammaInput {
  /** Repeat purchases x (customers with x = 0 are excluded from the fit and counted). */
  frequency: ArrayLike<number>;
  /** Mean value of each customer's repeat purchases (zbar); ignored where x = 0. */
  monetaryValue: ArrayLike<number>;
}

/** A fitted Gamma-Gamma spend model; spend is in the currency of `monetaryValue`. */
export interface GammaGammaModel {
  p: number;
  q: number;
  /** The scale parameter v (gamma in Fader & Hardie's note). */
  v: number;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  message: string;
  /** Delta-method standard errors from the Hessian in log-parameters. */
  standardErrors: { p: number; q: number; v: number };
  /** 3 x 3 covariance of (p, q, v). */
  covariance: Float64Array;
  /** 3 x 3 covariance of (ln p, ln q, ln v), for the parametric bootstrap. */
  logCovariance: Float64Array;
  nRepeatBuyers: number;
  nExcludedOneTime: number;
  /**
   * Pearson correlation of x and zbar over the repeat buyers. The model assumes spend is
   * independent of purchase frequency; a correlation far from 0 says that assumption fails.
   */
  frequencySpendCorrelation: number;
}

const MIN_REPEAT_BUYERS = 10;

/**
 * Maximum-likelihood fit of the Gamma-Gamma model of spend per transaction (Fader & Hardie
 * 2013, "The Gamma-Gamma Model of Monetary Value"), on repeat buyers only. The likelihood of
 * customer i's mean spend zbar over x transactions is
 *
 *   G(px+q) / (G(px) G(q)) v^q zbar^(px-1) x^(px) / (v + x zbar)^(px+q).
 *
 * Throws TOO_FEW_ROWS with fewer than 10 repeat buyers, BAD_OPTION for a repeat buyer with
 * zbar <= 0, and NO_CONVERGENCE when the fit gives q <= 1 (the mean spend p v / (q - 1) is
 * then undefined).
 *
 * @example
 * const gg = fitGammaGamma({ frequency: x, monetaryValue: zbar });
 * // CDNOW: p 6.2488, q 3.7446, v 15.4477, logLikelihood -4055.92, 946 repeat buyers, 1411 excluded
 */
export function fitGammaGamma(input: GammaGammaInput): GammaGammaModel {
  const where = 'fitGammaGamma';
  const n = input.frequency.length;
  if (input.monetaryValue.length !== n) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${where}: frequency has ${n} entries but monetaryValue ${input.monetaryValue.length}; pass one per customer.`,
    );
  }
  const xs: number[] = [];
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = input.frequency[i]!;
    const m = input.monetaryValue[i]!;
    if (!(x >= 0) || !Number.isInteger(x)) {
      throw new MlError('BAD_OPTION', `${where}: frequency[${i}] = ${x}; frequency is a whole number >= 0.`);
    }
    if (x === 0) continue;
    if (!(m > 0) || !Number.isFinite(m)) {
      throw new MlError(
        'BAD_OPTION',
        `${where}: customer ${i} has ${x} repeat purchases but mean spend ${m}; the model needs positive ` +
          'spend, so drop or correct zero-value and refund-only customers first.',
        { index: i },
      );
    }
    xs.push(x);
    ms.push(m);
  }
  const k = xs.length;
  if (k < MIN_REPEAT_BUYERS) {
    throw new MlError(
      'TOO_FEW_ROWS',
      `${where}: only ${k} repeat buyers (frequency > 0); the spend model needs at least ${MIN_REPEAT_BUYERS}. ` +
        'Use a longer calibration period or a larger cohort.',
      { nRepeatBuyers: k },
    );
  }
  const x = Float64Array.from(xs);
  const m = Float64Array.from(ms);
  const likelihood = gammaGammaLikelihood(x, m);
  const ll = (par: Float64Array): number => likelihood(par[0]!, par[1]!, par[2]!);
  let mean = 0;
  for (let i = 0; i < k; i++) mean += m[i]! / k;
  const fit = fitLogParameters(
    ll,
    [
      Float64Array.of(0, 0, 0),
      Float64Array.of(0, Math.log(2), Math.log(mean)),
      Float64Array.of(Math.log(5), Math.log(3), Math.log((2 * mean) / 5)),
    ],
    ['p', 'q', 'v'],
  );
  const [p, q, v] = fit.params;
  if (!(q! > 1)) {
    throw new MlError(
      'NO_CONVERGENCE',
      `${where}: the fitted q is ${q!.toPrecision(4)} <= 1, so the mean spend p v / (q - 1) is undefined ` +
        '(spend is too heavy-tailed for this model); cap extreme spends or model spend another way.',
      { p, q, v },
    );
  }
  const se = fit.standardErrors;
  return {
    p: p!,
    q: q!,
    v: v!,
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    iterations: fit.iterations,
    message: `Gamma-Gamma ${fit.message}`,
    standardErrors: { p: se[0]!, q: se[1]!, v: se[2]! },
    covariance: fit.covariance,
    logCovariance: fit.logCovariance,
    nRepeatBuyers: k,
    nExcludedOneTime: n - k,
    frequencySpendCorrelation: pearson(x, m),
  };
}

/** The Gamma-Gamma log-likelihood of repeat buyers' (x, zbar), all x > 0 and zbar > 0. */
export function gammaGammaLogLikelihood(
  p: number,
  q: number,
  v: number,
  x: Float64Array,
  m: Float64Array,
): number {
  return gammaGammaLikelihood(x, m)(p, q, v);
}

/**
 * The log-likelihood as a function of (p, q, v) for fixed data, which is what a fit calls a few
 * thousand times. Per customer it is
 *
 *   lnG(px+q) - lnG(px) - lnG(q) + q ln v + (px-1) ln zbar + px ln x - (px+q) ln(v + x zbar);
 *
 * the sums of x ln zbar, ln zbar and x ln x do not depend on the parameters and the gamma
 * functions only on x, which takes few distinct values: so one evaluation costs one log per
 * customer and a few lnGamma per distinct x (the fit on 400,000 synthetic customers went from
 * 9.2 s to 1.0 s).
 */
export function gammaGammaLikelihood(
  x: Float64Array,
  m: Float64Array,
): (p: number, q: number, v: number) => number {
  const n = x.length;
  let sumXLnM = 0;
  let sumLnM = 0;
  let sumXLnX = 0;
  let maxX = 0;
  for (let i = 0; i < n; i++) {
    const lm = Math.log(m[i]!);
    sumXLnM += x[i]! * lm;
    sumLnM += lm;
    sumXLnX += x[i]! * Math.log(x[i]!);
    if (x[i]! > maxX) maxX = x[i]!;
  }
  const countByX = new Float64Array(maxX + 1);
  for (let i = 0; i < n; i++) countByX[x[i]!]!++;
  const xm = new Float64Array(n);
  for (let i = 0; i < n; i++) xm[i] = x[i]! * m[i]!;
  return (p, q, v) => {
    let total = n * (q * Math.log(v) - logGamma(q)) + p * sumXLnM - sumLnM + p * sumXLnX;
    for (let k = 1; k <= maxX; k++) {
      const c = countByX[k]!;
      if (c > 0) total += c * (logGamma(p * k + q) - logGamma(p * k));
    }
    for (let i = 0; i < n; i++) total -= (p * x[i]! + q) * Math.log(v + xm[i]!);
    return total;
  };
}

/**
 * Expected mean spend per transaction of each customer, given x repeat purchases with mean
 * spend zbar (Fader & Hardie 2013): (v + x zbar) p / (p x + q - 1), a weighted average of the
 * population mean p v / (q - 1) and zbar. For x = 0 it is the population mean.
 *
 * @example
 * conditionalExpectedSpend(gg, [2, 0], [22.35, 0]); // CDNOW: [24.65, 35.17]
 */
export function conditionalExpectedSpend(
  model: Pick<GammaGammaModel, 'p' | 'q' | 'v'>,
  frequency: ArrayLike<number>,
  monetaryValue: ArrayLike<number>,
): Float64Array {
  const n = frequency.length;
  if (monetaryValue.length !== n) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `conditionalExpectedSpend: frequency has ${n} entries but monetaryValue ${monetaryValue.length}.`,
    );
  }
  const { p, q, v } = model;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = frequency[i]!;
    const m = x > 0 ? monetaryValue[i]! : 0;
    if (!(x >= 0) || !Number.isFinite(m)) {
      throw new MlError(
        'BAD_OPTION',
        `conditionalExpectedSpend: customer ${i} has frequency ${x} and spend ${m}; pass x >= 0 and finite spend.`,
      );
    }
    out[i] = ((v + x * m) * p) / (p * x + q - 1);
  }
  return out;
}

function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}
