/**
 * A campaign's effect measured against its held-out control group: churn prevented and revenue
 * gained. Both are signed so that a positive number means the campaign helped.
 */
import { MlError } from '../errors.ts';
import { checkConfidence, checkCount } from './alternative.ts';
import { bayesAb } from './bayesAb.ts';
import { normalQuantile } from './distributions.ts';
import { twoProportionZTest } from './twoProportionZTest.ts';
import { welchTTest } from './welchTTest.ts';

export interface ChurnUpliftCounts {
  /** Customers held out (sent nothing) with an outcome. */
  nControl: number;
  /** Of them, how many churned in the outcome window. */
  churnedControl: number;
  /** Customers the campaign was meant to reach, with an outcome. */
  nTreated: number;
  churnedTreated: number;
}

export interface UpliftOptions {
  /** Level of the two-sided confidence interval. Default 0.95. */
  confidence?: number;
}

export interface ChurnUpliftResult {
  nControl: number;
  churnedControl: number;
  nTreated: number;
  churnedTreated: number;
  /** churnedControl / nControl; null for an empty group. */
  churnRateControl: number | null;
  churnRateTreated: number | null;
  /** Churn prevented: churn rate of control minus churn rate of treated (0.06 = 6 points fewer left). */
  uplift: number | null;
  /**
   * Newcombe's hybrid score interval of the uplift (Wilson intervals of each rate, combined):
   * statsmodels' `confint_proportions_2indep(churnedControl, nControl, churnedTreated, nTreated,
   * method='newcomb')`. It keeps its coverage near the nominal level for small groups and rates
   * near 0 or 1, where the Wald interval collapses to a point.
   */
  confidenceInterval: [number, number] | null;
  /**
   * Two-sided p-value of "no difference in churn", pooled z test (`twoProportionZTest`), =
   * statsmodels' `proportions_ztest`. It is a normal approximation: with a handful of customers per
   * group, read the interval and `probabilityHelped` instead. Near 0.05 the test and the interval can
   * disagree, as they are different approximations.
   */
  pValue: number | null;
  /**
   * P(treated churn rate < control churn rate) under independent Beta(1, 1) priors updated with the
   * counts, in closed form (`bayesAb`): how sure one can be that the campaign reduced churn at all.
   */
  probabilityHelped: number | null;
  confidence: number;
  /** Why some of the figures above are null; null when none is. */
  reason: string | null;
}

export interface RevenueUpliftResult {
  /** Customers with a revenue figure in each group. */
  nControl: number;
  nTreated: number;
  meanControl: number | null;
  meanTreated: number | null;
  /** Revenue gained per customer: mean of treated minus mean of control. */
  difference: number | null;
  /** Welch interval of the difference (`welchTTest`), = scipy `ttest_ind(treated, control, equal_var=False)`. */
  confidenceInterval: [number, number] | null;
  /** Two-sided Welch p-value. */
  pValue: number | null;
  confidence: number;
  reason: string | null;
}

/**
 * Churn prevented by a campaign: control's churn rate minus treated's, with Newcombe's interval,
 * the z test's p-value and the probability the campaign helped. An empty group gives nulls and a
 * reason instead of NaN; a group of one gives figures (the score interval is then very wide). O(min
 * of the churn counts) for the probability, O(1) otherwise.
 *
 * Throws `MlError` BAD_OPTION for negative or fractional counts, more churned than customers, or a
 * confidence outside (0, 1).
 *
 * ```ts
 * const r = churnUplift({ nControl: 2000, churnedControl: 600, nTreated: 18000, churnedTreated: 4320 });
 * r.uplift; // 0.06
 * r.confidenceInterval; r.pValue; r.probabilityHelped;
 * ```
 */
export function churnUplift(counts: ChurnUpliftCounts, options: UpliftOptions = {}): ChurnUpliftResult {
  const fn = 'churnUplift';
  const confidence = checkConfidence(fn, options.confidence);
  const nC = checkCount(fn, 'nControl', counts.nControl);
  const cC = checkCount(fn, 'churnedControl', counts.churnedControl);
  const nT = checkCount(fn, 'nTreated', counts.nTreated);
  const cT = checkCount(fn, 'churnedTreated', counts.churnedTreated);
  for (const [group, c, n] of [
    ['control', cC, nC],
    ['treated', cT, nT],
  ] as const) {
    if (c > n) {
      throw new MlError(
        'BAD_OPTION',
        `${fn}: ${c} of ${n} ${group} customers churned; churned cannot exceed the group's size`,
      );
    }
  }
  const result: ChurnUpliftResult = {
    nControl: nC,
    churnedControl: cC,
    nTreated: nT,
    churnedTreated: cT,
    churnRateControl: nC > 0 ? cC / nC : null,
    churnRateTreated: nT > 0 ? cT / nT : null,
    uplift: null,
    confidenceInterval: null,
    pValue: null,
    probabilityHelped: null,
    confidence,
    reason: null,
  };
  if (nC === 0 || nT === 0) {
    const empty =
      nC === 0 && nT === 0 ? 'both groups are' : nC === 0 ? 'the control group is' : 'the treated group is';
    result.reason = `${empty} empty (no customer with an outcome), so there is nothing to compare`;
    return result;
  }
  const pC = cC / nC;
  const pT = cT / nT;
  result.uplift = pC - pT;
  result.confidenceInterval = newcombeInterval(cC, nC, cT, nT, confidence);
  result.probabilityHelped = bayesAb({
    successesA: cT,
    trialsA: nT,
    successesB: cC,
    trialsB: nC,
  }).probabilityBBeatsA;
  if (cC + cT === 0 || cC + cT === nC + nT) {
    result.reason = `${cC + cT === 0 ? 'no customer' : 'every customer'} in either group churned, so the z test has no variance to work with; the interval and probabilityHelped still apply`;
  } else {
    result.pValue = twoProportionZTest(cC, nC, cT, nT).pValue;
  }
  return result;
}

/**
 * Revenue gained per customer: mean of treated minus mean of control, with Welch's interval and
 * p-value. Needs at least 2 figures in each group and some variation; otherwise the difference of
 * means is still given when both groups have one, and the rest is null with a reason. O(n).
 *
 * Throws `MlError` NON_FINITE for NaN or infinite revenue, BAD_OPTION for a bad confidence.
 *
 * ```ts
 * const r = revenueUplift(controlRevenue, treatedRevenue);
 * r.difference; r.confidenceInterval; r.pValue;
 * ```
 */
export function revenueUplift(
  control: ArrayLike<number>,
  treated: ArrayLike<number>,
  options: UpliftOptions = {},
): RevenueUpliftResult {
  const fn = 'revenueUplift';
  const confidence = checkConfidence(fn, options.confidence);
  const meanControl = finiteMean(fn, 'control', control);
  const meanTreated = finiteMean(fn, 'treated', treated);
  const result: RevenueUpliftResult = {
    nControl: control.length,
    nTreated: treated.length,
    meanControl,
    meanTreated,
    difference: meanControl !== null && meanTreated !== null ? meanTreated - meanControl : null,
    confidenceInterval: null,
    pValue: null,
    confidence,
    reason: null,
  };
  if (control.length < 2 || treated.length < 2) {
    const small = [
      ['control', control.length],
      ['treated', treated.length],
    ]
      .filter(([, n]) => (n as number) < 2)
      .map(([g, n]) => `the ${g} group has ${n} revenue figure${n === 1 ? '' : 's'}`)
      .join(' and ');
    result.reason = `${small}; an interval needs at least 2 in each group`;
    return result;
  }
  const isConstant = (x: ArrayLike<number>) => Array.prototype.every.call(x, (v: number) => v === x[0]);
  if (isConstant(control) && isConstant(treated)) {
    result.reason =
      'revenue is the same for every customer within each group, so there is no spread to build an interval from';
    return result;
  }
  const t = welchTTest(control, treated, { confidence });
  // Welch's difference keeps digits the plain means lose for revenue far from 0.
  result.difference = t.meanDifference;
  result.confidenceInterval = t.confidenceInterval;
  result.pValue = t.pValue;
  return result;
}

/**
 * Newcombe's hybrid score interval (his method 10) for p1 - p2: the Wilson interval of each rate,
 * with each side's distance the root sum of squares of the matching Wilson distances.
 */
export function newcombeInterval(
  successes1: number,
  n1: number,
  successes2: number,
  n2: number,
  confidence: number,
): [number, number] {
  const z = normalQuantile(0.5 + confidence / 2);
  const p1 = successes1 / n1;
  const p2 = successes2 / n2;
  const [l1, u1] = wilsonInterval(successes1, n1, z);
  const [l2, u2] = wilsonInterval(successes2, n2, z);
  const d = p1 - p2;
  return [d - Math.hypot(p1 - l1, u2 - p2), d + Math.hypot(u1 - p1, p2 - l2)];
}

/** The Wilson score interval of a proportion for a normal quantile z (no continuity correction). */
function wilsonInterval(successes: number, n: number, z: number): [number, number] {
  const p = successes / n;
  const z2n = (z * z) / n;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  return [center - half, center + half];
}

/** The mean of a group's revenue (null when empty), rejecting NaN and infinities. */
function finiteMean(fn: string, group: string, x: ArrayLike<number>): number | null {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) {
      throw new MlError(
        'NON_FINITE',
        `${fn}: ${group} revenue has ${v} at index ${i}; drop the customer or record 0`,
        {
          group,
          index: i,
        },
      );
    }
    sum += v;
  }
  return x.length > 0 ? sum / x.length : null;
}
