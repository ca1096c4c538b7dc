import { MlError } from '../errors.ts';
import type { BgNbdModel } from './bgnbd.ts';
import { conditionalNumerator, deadOdds } from './bgnbdPredict.ts';
import { checkRfm } from './customerData.ts';
import { conditionalExpectedSpend, type GammaGammaModel } from './gammaGamma.ts';
import {
  columnQuantiles,
  drawLogNormalParameters,
  type IntervalOptions,
  intervalSettings,
} from './parameterDraws.ts';
import { checkSameUnit, monthLength, type TimeUnit } from './timeUnit.ts';

/** Input of `customerLifetimeValue`: two fitted models and one entry per customer. */
export interface ClvInput {
  bgnbd: BgNbdModel;
  gammaGamma: GammaGammaModel;
  frequency: ArrayLike<number>;
  /** In `timeUnit`. */
  recency: ArrayLike<number>;
  /** In `timeUnit`. */
  T: ArrayLike<number>;
  /** Mean spend of each customer's repeat purchases (ignored where frequency is 0). */
  monetaryValue: ArrayLike<number>;
  /** Must equal the BG/NBD model's time unit. */
  timeUnit: TimeUnit;
  /** Whole months to project, >= 1. */
  horizonMonths: number;
  /** Discount rate per month, e.g. 0.01; >= 0. */
  discountRateMonthly: number;
  /** When given, adds a per-customer parametric-bootstrap interval (see below). */
  interval?: IntervalOptions;
}

/** Per-customer CLV, with the pieces it was made of. */
export interface ClvResult {
  /** Discounted expected spend over the horizon, in the currency of `monetaryValue`. */
  clv: Float64Array;
  /** Undiscounted expected purchases over the horizon. */
  expectedPurchases: Float64Array;
  /** Expected spend per purchase (Gamma-Gamma conditional expectation). */
  expectedSpend: Float64Array;
  /** Month length used, in `timeUnit` (365.25 / 12 days). */
  monthLength: number;
  lower?: Float64Array;
  upper?: Float64Array;
}

/**
 * Customer lifetime value over `horizonMonths`:
 *
 *   CLV_i = E[spend_i] sum_{k=1..H} (E[Y(k m) | x_i, t_x_i, T_i] - E[Y((k-1) m) | ...]) / (1 + d)^k
 *
 * with m one month in the model's time unit (365.25 / 12 = 30.4375 days = 4.348214 weeks),
 * BG/NBD conditional expectations for the purchases of month k, and the Gamma-Gamma expected
 * spend; month k's purchases are discounted as if made at its end. Spend and purchases are
 * taken as independent, as the Gamma-Gamma model assumes (see `frequencySpendCorrelation`).
 *
 * With `interval`, draws both models' log-parameters from their fits' normal approximations
 * (independently, seeded) and reports percentiles of the recomputed CLV: parameter uncertainty
 * only. Cost: horizon x customers hypergeometric evaluations, times draws for the interval.
 *
 * @example
 * customerLifetimeValue({ bgnbd, gammaGamma, frequency: x, recency: tx, T, monetaryValue: zbar,
 *   timeUnit: 'week', horizonMonths: 12, discountRateMonthly: 0.01 }).clv;
 */
export function customerLifetimeValue(input: ClvInput): ClvResult {
  const where = 'customerLifetimeValue';
  checkSameUnit(where, input.bgnbd.timeUnit, input.timeUnit);
  const { horizonMonths: h, discountRateMonthly: d } = input;
  if (!Number.isInteger(h) || h < 1 || !(d >= 0) || !Number.isFinite(d)) {
    throw new MlError(
      'BAD_OPTION',
      `${where}: horizonMonths must be a whole number >= 1 and discountRateMonthly a finite rate >= 0 ` +
        `(got ${h}, ${d}); e.g. 12 and 0.01.`,
    );
  }
  const data = checkRfm(where, input.frequency, input.recency, input.T);
  const n = data.x.length;
  if (input.monetaryValue.length !== n) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${where}: monetaryValue has ${input.monetaryValue.length} entries for ${n} customers.`,
    );
  }
  const month = monthLength(input.timeUnit);
  const expectedSpend = conditionalExpectedSpend(input.gammaGamma, data.x, input.monetaryValue);
  const purchases = new Float64Array(n);
  const pairs = pairIndex(data.x, data.T);
  const clv = discountedPurchases(input.bgnbd, data, pairs, h, d, month, purchases);
  for (let i = 0; i < n; i++) clv[i] = clv[i]! * expectedSpend[i]!;
  const result: ClvResult = { clv, expectedPurchases: purchases, expectedSpend, monthLength: month };
  if (input.interval !== undefined) {
    const { draws, seed, level } = intervalSettings(where, input.interval);
    const bg = input.bgnbd;
    const gg = input.gammaGamma;
    const bgDraws = drawLogNormalParameters(
      where,
      Float64Array.of(Math.log(bg.r), Math.log(bg.alpha), Math.log(bg.a), Math.log(bg.b)),
      bg.logCovariance,
      draws,
      seed,
    );
    const ggDraws = drawLogNormalParameters(
      where,
      Float64Array.of(Math.log(gg.p), Math.log(gg.q), Math.log(gg.v)),
      gg.logCovariance,
      draws,
      seed + 1,
    );
    const sample = new Float64Array(draws * n);
    const scratch = new Float64Array(n);
    for (let k = 0; k < draws; k++) {
      const p = {
        r: bgDraws[4 * k]!,
        alpha: bgDraws[4 * k + 1]!,
        a: bgDraws[4 * k + 2]!,
        b: bgDraws[4 * k + 3]!,
      };
      const g = { p: ggDraws[3 * k]!, q: ggDraws[3 * k + 1]!, v: ggDraws[3 * k + 2]! };
      const value = discountedPurchases(p, data, pairs, h, d, month, scratch);
      // A draw with q <= 1 has no finite mean spend; it lands at +Infinity in the upper tail.
      const spend = g.q > 1 ? conditionalExpectedSpend(g, data.x, input.monetaryValue) : null;
      for (let i = 0; i < n; i++) {
        sample[k * n + i] = spend === null ? Number.POSITIVE_INFINITY : value[i]! * spend[i]!;
      }
    }
    Object.assign(result, columnQuantiles(sample, draws, n, level));
  }
  return result;
}

/**
 * Customers grouped by (x, T): the hypergeometric part of E[Y(t) | x, t_x, T] depends on those
 * two only, and purchase data in whole days share them a lot, so it is computed once per pair.
 */
interface PairIndex {
  x: Float64Array;
  T: Float64Array;
  /** Customer i's pair. */
  of: Int32Array;
}

function pairIndex(x: Float64Array, T: Float64Array): PairIndex {
  const n = x.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => x[i]! - x[j]! || T[i]! - T[j]!);
  const ux = new Float64Array(n);
  const uT = new Float64Array(n);
  const of = new Int32Array(n);
  let k = -1;
  for (let q = 0; q < n; q++) {
    const i = order[q]!;
    if (k < 0 || x[i] !== ux[k] || T[i] !== uT[k]) {
      k++;
      ux[k] = x[i]!;
      uT[k] = T[i]!;
    }
    of[i] = k;
  }
  return { x: ux.subarray(0, k + 1), T: uT.subarray(0, k + 1), of };
}

// sum_k (E[Y(k m)] - E[Y((k-1) m)]) / (1+d)^k per customer; the undiscounted total goes to `total`.
function discountedPurchases(
  p: Pick<BgNbdModel, 'r' | 'alpha' | 'a' | 'b'>,
  data: { x: Float64Array; tx: Float64Array; T: Float64Array },
  pairs: PairIndex,
  h: number,
  d: number,
  month: number,
  total: Float64Array,
): Float64Array {
  const n = data.x.length;
  const u = pairs.x.length;
  // Per pair: sum_k (N(k m) - N((k-1) m)) / (1+d)^k and N(h m), N the t_x-free numerator.
  const discounted = new Float64Array(u);
  const last = new Float64Array(u);
  for (let j = 0; j < u; j++) {
    let prev = 0;
    let acc = 0;
    for (let k = 1; k <= h; k++) {
      const cur = conditionalNumerator(p, k * month, pairs.x[j]!, pairs.T[j]!);
      acc += (cur - prev) * (1 + d) ** -k;
      prev = cur;
    }
    discounted[j] = acc;
    last[j] = prev;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const alive = 1 / (1 + deadOdds(p, data.x[i]!, data.tx[i]!, data.T[i]!));
    const j = pairs.of[i]!;
    out[i] = discounted[j]! * alive;
    total[i] = last[j]! * alive;
  }
  return out;
}
