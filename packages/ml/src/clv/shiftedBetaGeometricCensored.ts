import { MlError } from '../errors.ts';
import { logBeta } from '../stats/specialFunctions.ts';
import { fitLogParameters } from './mleFit.ts';

/**
 * Input of `fitShiftedBetaGeometricCensored`: one entry per customer of a snapshot of a
 * contractual business (subscriptions, telco), customers of every start date together.
 *
 * **Tenure is the number of whole periods completed** (renewal opportunities passed), at the
 * moment the customer left or, for an active customer, at the snapshot:
 * - a churned customer with tenure t paid for periods 1..t and did not renew at the end of
 *   period t; one who left during (at the end of) their first period has tenure 1, so a churned
 *   customer always has tenure >= 1;
 * - an active customer with tenure t has renewed t times and is in period t + 1; a customer
 *   still in their first period has tenure 0 (and tells the model nothing yet: S(0) = 1).
 */
export interface ShiftedBetaGeometricCensoredInput {
  /** Whole periods completed, >= 0 (>= 1 for a churned customer). */
  tenure: ArrayLike<number>;
  /** 1 or true: the customer churned (at `tenure`); 0 or false: still active (censored). */
  churned: ArrayLike<number | boolean>;
  /** Optional non-negative weight per customer (e.g. a count of identical customers); default 1. */
  weights?: ArrayLike<number>;
}

/** Customers of a snapshot grouped by tenure: the sufficient statistics of the censored sBG. */
export interface TenureCounts {
  /** Distinct tenures present, ascending. */
  tenures: Float64Array;
  /** Weight of churned customers with each tenure. */
  churned: Float64Array;
  /** Weight of active customers with each tenure. */
  active: Float64Array;
}

/** A censored sBG fit: churn probability theta ~ Beta(alpha, beta), constant per customer. */
export interface ShiftedBetaGeometricCensoredModel {
  alpha: number;
  beta: number;
  logLikelihood: number;
  converged: boolean;
  message: string;
  standardErrors: { alpha: number; beta: number };
  /** 2 x 2 covariance of (alpha, beta). */
  covariance: Float64Array;
  /** Customers (sum of weights), of whom churned and active. */
  n: number;
  churned: number;
  active: number;
  /** Largest tenure seen. */
  maxTenure: number;
  counts: TenureCounts;
}

/** One renewal opportunity of an observed life table (`tenureLifeTable`). */
export interface LifeTableRow {
  /** Renewal opportunity t >= 1: the end of period t. */
  period: number;
  /** Customers who reached it: tenure >= t (churned at t, or still active with tenure >= t). */
  atRisk: number;
  /** Customers who left at it: churned with tenure t. */
  churned: number;
  /** Observed retention rate 1 - churned / atRisk (NaN when nobody was at risk). */
  retention: number;
  /** Kaplan-Meier survival: product of the observed retention rates up to t. */
  survival: number;
}

/**
 * Maximum-likelihood fit of the shifted beta-geometric model (Fader & Hardie 2007) to a
 * cross-sectional snapshot: each customer's tenure and whether they churned, active customers
 * being right-censored. A churned customer with tenure t contributes
 * P(T = t) = B(alpha+1, beta+t-1)/B(alpha, beta) (t >= 1), an active one
 * S(t) = B(alpha, beta+t)/B(alpha, beta) (t >= 0). On a single cohort observed for n periods
 * (those lost at t churned with tenure t, survivors active with tenure n) this is exactly the
 * likelihood of `fitShiftedBetaGeometric`, so both give the same alpha and beta.
 *
 * Projections use the helpers of `shiftedBetaGeometric.ts` (`sbgSurvival`, `sbgRetentionRate`,
 * `sbgDiscountedResidualLifetime` with renewals = an active customer's tenure).
 *
 * Throws MlError: SHAPE_MISMATCH / EMPTY_INPUT for the arrays, BAD_OPTION for a tenure that is not
 * a whole number >= 0, a churned customer with tenure 0, a churn flag other than 0/1 or a bad
 * weight, NO_CONVERGENCE when nobody churned or nobody is active.
 *
 * @example
 * const m = fitShiftedBetaGeometricCensored({ tenure: [1, 1, 2, 5, 7, 7], churned: [1, 1, 1, 0, 0, 1] });
 * // m.alpha, m.beta, m.converged; sbgRetentionRate(m, 3)
 */
export function fitShiftedBetaGeometricCensored(
  input: ShiftedBetaGeometricCensoredInput,
): ShiftedBetaGeometricCensoredModel {
  const where = 'fitShiftedBetaGeometricCensored';
  const counts = tenureCounts(input, where);
  let churned = 0;
  let active = 0;
  let exposure = 0;
  for (let i = 0; i < counts.tenures.length; i++) {
    churned += counts.churned[i]!;
    active += counts.active[i]!;
    // Renewal opportunities passed (t for the active, t - 1 survived plus the one lost for churners).
    exposure += counts.tenures[i]! * (counts.churned[i]! + counts.active[i]!);
  }
  if (!(churned > 0)) {
    throw new MlError(
      'NO_CONVERGENCE',
      `${where}: nobody churned, so the churn-probability distribution has no finite maximum-likelihood ` +
        'estimate; check the churn column (which value means churned?) or use a longer history.',
    );
  }
  if (!(active > 0)) {
    throw new MlError(
      'NO_CONVERGENCE',
      `${where}: nobody is active: every customer churned. A snapshot of a customer base has customers ` +
        'who are still subscribed (censored); check the churn column, or whether the file holds only leavers.',
    );
  }
  const ll = (p: Float64Array): number => sbgCensoredLogLikelihood(p[0]!, p[1]!, counts);
  // Starts: the cohort fit's two, and a geometric-like one at the pooled churn rate per renewal.
  const rate = Math.min(0.9, Math.max(1e-4, churned / Math.max(exposure, churned)));
  const fit = fitLogParameters(
    ll,
    [Float64Array.of(0, 0), Float64Array.of(0, Math.log(3)), Float64Array.of(0, Math.log((1 - rate) / rate))],
    ['alpha', 'beta'],
  );
  return {
    alpha: fit.params[0]!,
    beta: fit.params[1]!,
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    message: `sBG (censored) ${fit.message}`,
    standardErrors: { alpha: fit.standardErrors[0]!, beta: fit.standardErrors[1]! },
    covariance: fit.covariance,
    n: churned + active,
    churned,
    active,
    maxTenure: counts.tenures[counts.tenures.length - 1]!,
    counts,
  };
}

/** The censored sBG log-likelihood of customers grouped by tenure (`tenureCounts`). */
export function sbgCensoredLogLikelihood(alpha: number, beta: number, counts: TenureCounts): number {
  const lnB = logBeta(alpha, beta);
  let total = 0;
  for (let i = 0; i < counts.tenures.length; i++) {
    const t = counts.tenures[i]!;
    const c = counts.churned[i]!;
    const a = counts.active[i]!;
    if (c > 0) total += c * (logBeta(alpha + 1, beta + t - 1) - lnB);
    if (a > 0 && t > 0) total += a * (logBeta(alpha, beta + t) - lnB);
  }
  return total;
}

/**
 * Groups a snapshot by tenure after checking it (the errors of `fitShiftedBetaGeometricCensored`).
 * Customers with weight 0 are dropped (after their tenure and flag are checked).
 */
export function tenureCounts(input: ShiftedBetaGeometricCensoredInput, where = 'tenureCounts'): TenureCounts {
  const { tenure, churned, weights } = input;
  const n = tenure.length;
  if (churned.length !== n || (weights !== undefined && weights.length !== n)) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${where}: tenure has ${n} entries, churned ${churned.length}${weights === undefined ? '' : `, weights ${weights.length}`}; give one per customer.`,
    );
  }
  if (n === 0) throw new MlError('EMPTY_INPUT', `${where}: no customers.`);
  const byTenure = new Map<number, [number, number]>();
  for (let i = 0; i < n; i++) {
    const t = tenure[i]!;
    if (!Number.isInteger(t) || t < 0) {
      throw new MlError(
        'BAD_OPTION',
        `${where}: customer ${i} has tenure ${t}; tenure is the number of whole periods completed, an integer >= 0 ` +
          '(round partial periods down).',
        { index: i, tenure: t },
      );
    }
    const c = churned[i]!;
    const isChurned = c === true || c === 1;
    if (!isChurned && c !== false && c !== 0) {
      throw new MlError(
        'BAD_OPTION',
        `${where}: customer ${i} has churned = ${String(c)}; pass 1/true (churned) or 0/false (active).`,
        { index: i },
      );
    }
    const w = weights === undefined ? 1 : weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new MlError(
        'BAD_OPTION',
        `${where}: weight ${w} of customer ${i}; weights are finite and >= 0.`,
        {
          index: i,
        },
      );
    }
    if (w === 0) continue;
    if (isChurned && t === 0) {
      throw new MlError(
        'BAD_OPTION',
        `${where}: customer ${i} churned with tenure 0. Tenure counts periods completed, so a customer who ` +
          'left during their first period has tenure 1; add 1 to churned tenures if yours count renewals.',
        { index: i },
      );
    }
    let cell = byTenure.get(t);
    if (cell === undefined) {
      cell = [0, 0];
      byTenure.set(t, cell);
    }
    cell[isChurned ? 0 : 1] += w;
  }
  if (byTenure.size === 0) throw new MlError('EMPTY_INPUT', `${where}: every weight is 0.`);
  const tenures = Float64Array.from(byTenure.keys()).sort();
  return {
    tenures,
    churned: tenures.map((t) => byTenure.get(t)![0]),
    active: tenures.map((t) => byTenure.get(t)![1]),
  };
}

/**
 * The observed life table of a snapshot, renewal opportunities 1..maxTenure: customers at risk
 * (tenure >= t), churned at t, observed retention 1 - churned/atRisk and its Kaplan-Meier product.
 * Compare `retention` with `sbgRetentionRate(model, t)` to see the fit.
 */
export function tenureLifeTable(counts: TenureCounts): LifeTableRow[] {
  const k = counts.tenures.length;
  const maxT = counts.tenures[k - 1]!;
  const rows: LifeTableRow[] = [];
  // atRisk(t) = weight with tenure >= t: suffix sums over the distinct tenures.
  const from = new Float64Array(k + 1);
  for (let i = k - 1; i >= 0; i--) from[i] = from[i + 1]! + counts.churned[i]! + counts.active[i]!;
  let i = 0;
  let survival = 1;
  for (let t = 1; t <= maxT; t++) {
    while (i < k && counts.tenures[i]! < t) i++;
    const atRisk = from[i]!;
    const lost = i < k && counts.tenures[i] === t ? counts.churned[i]! : 0;
    const retention = atRisk > 0 ? 1 - lost / atRisk : Number.NaN;
    if (atRisk > 0) survival *= retention;
    rows.push({ period: t, atRisk, churned: lost, retention, survival });
  }
  return rows;
}
