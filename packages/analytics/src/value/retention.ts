import {
  fitShiftedBetaGeometricCensored,
  MlError,
  sbgDiscountedResidualLifetime,
  sbgRetentionRate,
  sbgSurvival,
  tenureLifeTable,
} from '@clientele/ml';
import { choosePositive } from '../churn/churnDataset.ts';
import { quoteIdent } from '../duckdb.ts';
import { isNumericType } from '../duckdbTypes.ts';
import { InputError } from '../errors.ts';
import { columnType } from '../evidence/readGroups.ts';
import type { LoadedTable } from '../ingest/loadTable.ts';

export interface RetentionOptions {
  /** Column of whole periods completed (e.g. months): see `analyseRetention`. */
  tenure: string;
  /** Column saying whether the customer churned. */
  target: string;
  /** The target's value that means churned; default: the one of two values that reads as yes. */
  positive?: string;
  /** Periods projected ahead (default 12). */
  periods?: number;
  /** Discount rate per period for the expected remaining lifetime (default 0.01). */
  discountRate?: number;
}

/** One renewal opportunity: what happened in the file and what the fitted model says. */
export interface RetentionPeriod {
  period: number;
  at_risk: number;
  churned: number;
  /** 1 - churned / at_risk among customers who reached this renewal (null if none did). */
  observed_retention: number | null;
  /** Kaplan-Meier survival: the product of the observed retention rates so far. */
  observed_survival: number;
  fitted_retention: number;
  fitted_survival: number;
}

/** `clientele retention --json`: snake_case, plain numbers. */
export interface RetentionAnalysis {
  tenure: string;
  target: string;
  positive: string;
  n: number;
  churned: number;
  active: number;
  /** Active customers with tenure 0: still in their first period, no renewal yet; no information. */
  active_tenure_zero: number;
  left_out: { no_tenure: number; no_target: number };
  max_tenure: number;
  model: 'shifted-beta-geometric';
  alpha: number;
  beta: number;
  standard_errors: { alpha: number | null; beta: number | null };
  log_likelihood: number;
  converged: boolean;
  message: string;
  /** alpha / (alpha + beta): a new customer's churn probability per period, on average. */
  mean_churn_probability: number;
  /** 1 / (alpha + beta + 1): 0 = every customer alike, towards 1 = each stays for good or leaves at once. */
  polarization: number;
  retention_by_period: RetentionPeriod[];
  projection: {
    period: number;
    /** S(k): share of new customers still active after k periods. */
    survival: number;
    /** r(k) = S(k) / S(k-1): retention rate at the k-th renewal of a new customer. */
    retention_rate: number;
    /** The file's active customers expected to be still active k periods after the snapshot. */
    expected_active: number;
    /** expected_active(k) / expected_active(k-1): the current base's retention rate. */
    base_retention_rate: number;
  }[];
  discount_rate: number;
  /**
   * DERL: expected number of further periods an active customer with this tenure pays for, the
   * next one undiscounted and each later one discounted by (1 + discount_rate) per period.
   */
  residual_lifetime: { tenure: number; active: number; discounted_expected_periods: number }[];
  /** Sum of DERL over the file's active customers: the base's discounted remaining periods. */
  base_discounted_expected_periods: number;
  /**
   * Expected renewals of a new customer, undiscounted: beta / (alpha - 1) (DERL at tenure 0 as the
   * discount rate goes to 0); null when alpha <= 1, where that mean is infinite.
   */
  mean_remaining_periods_new_customer: number | null;
}

/** Tenures beyond this many periods: the unit is too fine for a model of renewals. */
const MAX_TENURE = 1200;

/**
 * Contractual retention from a snapshot of a subscription / telco customer base: the shifted
 * beta-geometric model (Fader & Hardie 2007) fitted by maximum likelihood with active customers
 * right-censored (`fitShiftedBetaGeometricCensored`).
 *
 * Tenure is the number of whole periods completed: a customer who churned with tenure t paid for t
 * periods and left at the t-th renewal (one who left in their first period has tenure 1); an
 * active customer with tenure t has renewed t times (tenure 0: new, still in the first period,
 * kept but uninformative). The target is read like `churn train`: with two values the one that
 * reads as yes (1, true, yes, churn, ...) is churn unless `positive` names it.
 *
 * Throws InputError for an unknown column, a tenure that is not a number, not whole or negative,
 * a churned customer with tenure 0, a target without two classes, or a fit that did not converge.
 */
export async function analyseRetention(t: LoadedTable, o: RetentionOptions): Promise<RetentionAnalysis> {
  const periods = o.periods ?? 12;
  const discountRate = o.discountRate ?? 0.01;
  if (!Number.isInteger(periods) || periods < 1 || periods > MAX_TENURE) {
    throw new InputError('BAD_OPTION', `--periods is a whole number from 1 to ${MAX_TENURE}; got ${periods}`);
  }
  if (!(discountRate > 0) || !Number.isFinite(discountRate)) {
    throw new InputError(
      'BAD_OPTION',
      `--discount-rate is a rate per period > 0, e.g. 0.01 for 1% a month; got ${discountRate}`,
    );
  }
  const tenureType = columnType(t, o.tenure, '--tenure');
  columnType(t, o.target, '--target');
  if (!isNumericType(tenureType)) {
    throw new InputError(
      'NOT_NUMERIC',
      `--tenure ${o.tenure} is ${tenureType}, not a number; tenure is the number of whole periods (e.g. months) a customer has completed`,
      { column: o.tenure, type: tenureType },
    );
  }
  const table = quoteIdent(t.table);
  const tq = `CAST(${quoteIdent(o.tenure)} AS DOUBLE)`;
  const yq = `CAST(${quoteIdent(o.target)} AS VARCHAR)`;
  const positive = await choosePositive(t.db, quoteIdent(t.table), o.target, o.positive);

  const bad = (
    await t.db.runAndReadAll(
      `SELECT ${tq}, CAST(count(*) OVER () AS DOUBLE) FROM ${table}
       WHERE ${tq} IS NOT NULL AND (NOT isfinite(${tq}) OR ${tq} < 0 OR ${tq} <> floor(${tq})) LIMIT 1`,
    )
  ).getRows();
  if (bad.length > 0) {
    throw new InputError(
      'BAD_OPTION',
      `--tenure ${o.tenure} has ${Number(bad[0]![1])} value(s) that are not whole numbers >= 0, e.g. ${Number(bad[0]![0])}; ` +
        'tenure counts whole periods completed (round partial periods down)',
      { column: o.tenure, example: Number(bad[0]![0]) },
    );
  }
  const rows = (
    await t.db.runAndReadAll(
      `SELECT ${tq} AS t, (${yq} = $1) AS c, CAST(count(*) AS DOUBLE) AS n FROM ${table}
       WHERE ${tq} IS NOT NULL AND ${yq} IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
      [positive],
    )
  ).getRows();
  const tenure = Float64Array.from(rows, (r) => Number(r[0]));
  const churned = Uint8Array.from(rows, (r) => (r[1] === true ? 1 : 0));
  const weights = Float64Array.from(rows, (r) => Number(r[2]));
  const zeroChurned = rows
    .filter((r) => Number(r[0]) === 0 && r[1] === true)
    .reduce((s, r) => s + Number(r[2]), 0);
  if (zeroChurned > 0) {
    throw new InputError(
      'BAD_OPTION',
      `${zeroChurned} customer(s) churned with ${o.tenure} = 0. Tenure here counts whole periods completed, so a ` +
        'customer who left during their first period has tenure 1; if your column counts renewals instead ' +
        '(0 = left in the first period), add 1 to the churned customers\u2019 tenure',
      { column: o.tenure, count: zeroChurned },
    );
  }
  const maxTenure = tenure.length > 0 ? tenure[tenure.length - 1]! : 0;
  if (maxTenure > MAX_TENURE) {
    throw new InputError(
      'BAD_OPTION',
      `--tenure ${o.tenure} goes up to ${maxTenure} periods: the model counts renewal periods; give tenure in months or years, not days`,
    );
  }
  const [noTenure, noTarget] = (
    await t.db.runAndReadAll(
      `SELECT CAST(count(*) FILTER (WHERE ${tq} IS NULL) AS DOUBLE),
              CAST(count(*) FILTER (WHERE ${tq} IS NOT NULL AND ${yq} IS NULL) AS DOUBLE) FROM ${table}`,
    )
  )
    .getRows()[0]!
    .map(Number) as [number, number];

  let m: ReturnType<typeof fitShiftedBetaGeometricCensored>;
  try {
    m = fitShiftedBetaGeometricCensored({ tenure, churned, weights });
  } catch (e) {
    if (e instanceof MlError) {
      throw new InputError(e.code === 'EMPTY_INPUT' ? 'NO_DATA_ROWS' : 'BAD_OPTION', e.message, e.details);
    }
    throw e;
  }
  if (!m.converged) {
    throw new InputError(
      'BAD_OPTION',
      `the retention model did not converge: ${m.message}. Check the tenure unit and which value of ${o.target} means churn`,
    );
  }

  const life = tenureLifeTable(m.counts);
  const retention_by_period: RetentionPeriod[] = life.map((r) => ({
    period: r.period,
    at_risk: r.atRisk,
    churned: r.churned,
    observed_retention: Number.isFinite(r.retention) ? r.retention : null,
    observed_survival: r.survival,
    fitted_retention: sbgRetentionRate(m, r.period),
    fitted_survival: sbgSurvival(m, r.period),
  }));

  // The active base k periods on: each active customer with tenure t survives with S(t+k)/S(t).
  const activeTenures: number[] = [];
  const activeCounts: number[] = [];
  m.counts.tenures.forEach((tt, i) => {
    if (m.counts.active[i]! > 0) {
      activeTenures.push(tt);
      activeCounts.push(m.counts.active[i]!);
    }
  });
  const ratio = activeTenures.map(() => 1);
  const projection: RetentionAnalysis['projection'] = [];
  let previous = m.active;
  for (let k = 1; k <= periods; k++) {
    let expected = 0;
    for (let i = 0; i < activeTenures.length; i++) {
      ratio[i]! *= sbgRetentionRate(m, activeTenures[i]! + k);
      expected += activeCounts[i]! * ratio[i]!;
    }
    projection.push({
      period: k,
      survival: sbgSurvival(m, k),
      retention_rate: sbgRetentionRate(m, k),
      expected_active: expected,
      base_retention_rate: expected / previous,
    });
    previous = expected;
  }

  const activeAt = new Map(activeTenures.map((tt, i) => [tt, activeCounts[i]!]));
  const residual_lifetime: RetentionAnalysis['residual_lifetime'] = [];
  let base = 0;
  for (let tt = 0; tt <= maxTenure; tt++) {
    const derl = sbgDiscountedResidualLifetime(m, discountRate, tt);
    const active = activeAt.get(tt) ?? 0;
    base += active * derl;
    residual_lifetime.push({ tenure: tt, active, discounted_expected_periods: derl });
  }

  const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return {
    tenure: o.tenure,
    target: o.target,
    positive,
    n: m.n,
    churned: m.churned,
    active: m.active,
    active_tenure_zero: activeAt.get(0) ?? 0,
    left_out: { no_tenure: noTenure, no_target: noTarget },
    max_tenure: maxTenure,
    model: 'shifted-beta-geometric',
    alpha: m.alpha,
    beta: m.beta,
    standard_errors: { alpha: finite(m.standardErrors.alpha), beta: finite(m.standardErrors.beta) },
    log_likelihood: m.logLikelihood,
    converged: m.converged,
    message: m.message,
    mean_churn_probability: m.alpha / (m.alpha + m.beta),
    polarization: 1 / (m.alpha + m.beta + 1),
    retention_by_period,
    projection,
    discount_rate: discountRate,
    residual_lifetime,
    base_discounted_expected_periods: base,
    mean_remaining_periods_new_customer: m.alpha > 1 ? m.beta / (m.alpha - 1) : null,
  };
}
