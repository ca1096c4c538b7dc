import { MlError } from '../errors.ts';
import { logBeta, logGamma } from '../stats/specialFunctions.ts';
import type { BgNbdModel } from './bgnbd.ts';
import { checkRfm } from './customerData.ts';
import { hyp2f1 } from './hyp2f1.ts';
import { checkSameUnit, type TimeUnit } from './timeUnit.ts';

/** The BG/NBD parameters the predictions read; a fitted `BgNbdModel` has them. */
export type BgNbdParameters = Pick<BgNbdModel, 'r' | 'alpha' | 'a' | 'b' | 'timeUnit'>;

/**
 * Unconditional expected number of purchases E[X(t)] of a new customer in a period of length
 * t (FHL 2005, eq. 7):
 *
 *   E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))].
 *
 * `t` and `timeUnit` in the model's unit (else BAD_OPTION). One value per entry of `t`.
 * Undefined at a = 1 exactly (NaN).
 *
 * @example
 * expectedPurchases(model, Float64Array.of(39, 78), 'week'); // CDNOW: [1.31.., 1.858]
 */
export function expectedPurchases(
  model: BgNbdParameters,
  t: ArrayLike<number>,
  timeUnit: TimeUnit,
): Float64Array {
  checkSameUnit('expectedPurchases', model.timeUnit, timeUnit);
  const { r, alpha, a, b } = model;
  const out = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const ti = checkHorizon('expectedPurchases', t[i]!);
    const z = ti / (alpha + ti);
    out[i] = ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + ti)) ** r * hyp2f1(r, b, a + b - 1, z));
  }
  return out;
}

/**
 * Expected purchases in the next `t` time units of each customer with history (x, t_x, T)
 * (FHL 2005, eq. 10):
 *
 *   E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
 *                          2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))] / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).
 *
 * Inputs are one entry per customer, in `timeUnit`, which must be the model's.
 *
 * @example
 * conditionalExpectedPurchases(paper, 39, [2], [30.43], [38.86], 'week'); // [1.226]
 */
export function conditionalExpectedPurchases(
  model: BgNbdParameters,
  t: number,
  frequency: ArrayLike<number>,
  recency: ArrayLike<number>,
  T: ArrayLike<number>,
  timeUnit: TimeUnit,
): Float64Array {
  const where = 'conditionalExpectedPurchases';
  checkSameUnit(where, model.timeUnit, timeUnit);
  checkHorizon(where, t);
  const data = checkRfm(where, frequency, recency, T);
  const out = new Float64Array(data.x.length);
  conditionalInto(model, t, data.x, data.tx, data.T, out);
  return out;
}

/** E[Y(t) | x, t_x, T] for checked inputs, written into `out`; no unit check. */
export function conditionalInto(
  p: Pick<BgNbdModel, 'r' | 'alpha' | 'a' | 'b'>,
  t: number,
  x: Float64Array,
  tx: Float64Array,
  T: Float64Array,
  out: Float64Array,
): void {
  for (let i = 0; i < x.length; i++) {
    out[i] = conditionalNumerator(p, t, x[i]!, T[i]!) / (1 + deadOdds(p, x[i]!, tx[i]!, T[i]!));
  }
}

/**
 * E[Y(t) | x, t_x, T] times (1 + dead odds): the part that does not depend on t_x (and holds the
 * hypergeometric function), so callers can share it between customers with the same (x, T).
 */
export function conditionalNumerator(
  p: Pick<BgNbdModel, 'r' | 'alpha' | 'a' | 'b'>,
  t: number,
  x: number,
  T: number,
): number {
  if (t === 0) return 0;
  const { r, alpha, a, b } = p;
  const aT = alpha + T;
  const c = a + b + x - 1;
  return (c / (a - 1)) * (1 - (aT / (aT + t)) ** (r + x) * hyp2f1(r + x, b + x, c, t / (aT + t)));
}

/**
 * Probability that each customer is still alive at T given (x, t_x, T) (FHL 2005, from eq. 6):
 * 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)); 1 for customers who never repeated,
 * since under BG/NBD dropout happens only right after a purchase.
 */
export function probabilityAlive(
  model: BgNbdParameters,
  frequency: ArrayLike<number>,
  recency: ArrayLike<number>,
  T: ArrayLike<number>,
  timeUnit: TimeUnit,
): Float64Array {
  const where = 'probabilityAlive';
  checkSameUnit(where, model.timeUnit, timeUnit);
  const d = checkRfm(where, frequency, recency, T);
  const out = new Float64Array(d.x.length);
  for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + deadOdds(model, d.x[i]!, d.tx[i]!, d.T[i]!));
  return out;
}

/**
 * P(X(t) = n) for a new customer, n = 0, 1, ... (FHL 2005, eq. 8):
 *
 *   B(a, b+n)/B(a,b) G(r+n)/(G(r) n!) (alpha/(alpha+t))^r (t/(alpha+t))^n
 *   + [n>0] B(a+1, b+n-1)/B(a,b) [1 - (alpha/(alpha+t))^r sum_{j<n} G(r+j)/(G(r) j!) (t/(alpha+t))^j].
 *
 * @example
 * probabilityOfPurchases(paper, 39, 0, 'week'); // 0.5737864
 */
export function probabilityOfPurchases(
  model: BgNbdParameters,
  t: number,
  n: number,
  timeUnit: TimeUnit,
): number {
  const where = 'probabilityOfPurchases';
  checkSameUnit(where, model.timeUnit, timeUnit);
  checkHorizon(where, t);
  if (!(n >= 0) || !Number.isInteger(n)) {
    throw new MlError('BAD_OPTION', `${where}: n = ${n}; pass a whole number of purchases >= 0.`);
  }
  const { r, alpha, a, b } = model;
  const lnBab = logBeta(a, b);
  const lnP = Math.log(alpha / (alpha + t));
  const lnQ = t === 0 ? Number.NEGATIVE_INFINITY : Math.log(t / (alpha + t));
  const lnNb = (j: number): number =>
    logGamma(r + j) - logGamma(r) - logGamma(j + 1) + r * lnP + (j === 0 ? 0 : j * lnQ);
  const first = Math.exp(logBeta(a, b + n) - lnBab + lnNb(n));
  if (n === 0) return first;
  let below = 0;
  for (let j = 0; j < n; j++) below += Math.exp(lnNb(j));
  return first + Math.exp(logBeta(a + 1, b + n - 1) - lnBab) * Math.max(0, 1 - below);
}

// a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x): the odds that a customer with x > 0 has dropped out.
/** Odds that a customer has dropped out by T given (x, t_x, T); 0 for one who never repeated. */
export function deadOdds(
  p: Pick<BgNbdModel, 'r' | 'alpha' | 'a' | 'b'>,
  x: number,
  tx: number,
  T: number,
): number {
  if (x === 0) return 0;
  return (p.a / (p.b + x - 1)) * Math.exp((p.r + x) * Math.log((p.alpha + T) / (p.alpha + tx)));
}

function checkHorizon(where: string, t: number): number {
  if (!(t >= 0) || !Number.isFinite(t)) {
    throw new MlError(
      'BAD_OPTION',
      `${where}: t = ${t}; pass a finite period length >= 0 in the model's time unit.`,
    );
  }
  return t;
}
