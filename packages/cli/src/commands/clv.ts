import { performance } from 'node:perf_hooks';
import {
  analyseClv,
  type ClvAnalysis,
  type CsvColumn,
  InputError,
  loadTable,
  VALUE_ROLES,
  writeColumnsCsv,
} from '@clientele/analytics';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { addLoadFlags, type LoadFlags, loadOptions } from '../loadFlags.ts';
import { note, parseIntOption, parsePairs, printJson } from '../options.ts';

interface ClvFlags extends LoadFlags {
  input: string;
  map: Record<string, string>;
  dateFormat?: string;
  asOf?: string;
  calibrationEnd?: string;
  timeUnit: 'day' | 'week';
  horizon: number;
  horizonUnit: 'month' | 'week';
  discountRate: number;
  intervalDraws: number;
  seed: number;
  out?: string;
  json?: boolean;
}

export function registerClv(program: Command): void {
  const cmd = program
    .command('clv')
    .description(
      'customer lifetime value from a transaction log: BG/NBD (purchases, probability alive) and ' +
        'Gamma-Gamma (spend), fitted by maximum likelihood, with per-customer intervals',
    )
    .requiredOption(
      '--input <file>',
      'transaction log: one row per purchase, line or order (CSV, Parquet, JSON lines)',
    )
    .option(
      '--map <role=column,...>',
      `which column is which (default: recognised by name); roles: ${VALUE_ROLES.join(', ')} ` +
        '(an amount, or quantity and price)',
      (v: string, prev: Record<string, string>) =>
        parsePairs('--map', v, { pair: 'role=column', example: 'customer=CustomerID' }, prev),
      {},
    )
    .option('--date-format <fmt>', 'how text dates are written when it cannot be told, e.g. %d/%m/%Y')
    .option(
      '--as-of <YYYY-MM-DD>',
      'measure at the start of this day; later rows are left out (default: the day after the last date)',
    )
    .option(
      '--calibration-end <YYYY-MM-DD>',
      'fit on purchases up to this day (inclusive) and check the predictions on the days after it',
    )
    .option(
      '--time-unit <unit>',
      'day | week: the unit of recency, T and the fitted alpha',
      parseUnit,
      'week',
    )
    .option('--horizon <n>', 'how far ahead to value customers', parseIntOption('horizon'), 12)
    .option('--horizon-unit <unit>', 'month | week', parseHorizonUnit, 'month')
    .option('--discount-rate <r>', 'discount rate per month for the CLV', parseRate, 0.01)
    .option(
      '--interval-draws <n>',
      'parameter draws for the 90% intervals of CLV (0: none)',
      parseIntOption('interval-draws', 0),
      100,
    )
    .option('--seed <s>', 'seed of the interval draws', parseIntOption('seed', 0), 0)
    .option('--out <file>', 'CSV with one line per customer')
    .option('--json', 'print one JSON object on stdout and nothing else');
  addLoadFlags(cmd).action(async (flags: ClvFlags) => runClv(flags));
}

function parseUnit(v: string): 'day' | 'week' {
  if (v === 'day' || v === 'week') return v;
  throw new UsageError(`--time-unit is day or week, got "${v}"`);
}

function parseHorizonUnit(v: string): 'month' | 'week' {
  if (v === 'month' || v === 'week') return v;
  throw new UsageError(`--horizon-unit is month or week, got "${v}"`);
}

function parseRate(v: string): number {
  const r = Number(v);
  if (!Number.isFinite(r) || r < 0 || r >= 1) {
    throw new UsageError(`--discount-rate is a monthly rate in [0, 1), e.g. 0.01 for 1% a month; got "${v}"`);
  }
  return r;
}

const round = (x: number, digits = 6): number => Number(x.toPrecision(digits));

async function runClv(flags: ClvFlags): Promise<void> {
  const start = performance.now();
  const loaded = await loadTable(flags.input, loadOptions(flags));
  const loadSeconds = (performance.now() - start) / 1000;
  try {
    const a = await analyseClv(loaded, {
      map: flags.map,
      dateFormat: flags.dateFormat,
      asOf: flags.asOf,
      calibrationEnd: flags.calibrationEnd,
      timeUnit: flags.timeUnit,
      horizon: flags.horizon,
      horizonUnit: flags.horizonUnit,
      discountRate: flags.discountRate,
      intervalDraws: flags.intervalDraws,
      seed: flags.seed,
    });
    requireConverged(a);
    if (flags.out) await writeCustomers(flags.out, a);
    const result = summary(a, flags, (performance.now() - start) / 1000, loadSeconds);
    if (flags.json) printJson(result);
    else printText(a, result, flags);
  } finally {
    loaded.close();
  }
}

/** A fit that stopped short is not a result: say why and stop, writing nothing. */
function requireConverged(a: ClvAnalysis): void {
  const bad = [
    ['the purchase model (BG/NBD)', a.bgnbd],
    ['the spend model (Gamma-Gamma)', a.gammaGamma],
  ].filter(([, m]) => !(m as { converged: boolean }).converged);
  if (bad.length === 0) return;
  throw new InputError(
    'BAD_OPTION',
    bad.map(([name, m]) => `${name} did not converge: ${(m as { message: string }).message}`).join('; ') +
      '. Check the column mapping and the dates, or fit on more customers',
  );
}

function summary(
  a: ClvAnalysis,
  flags: ClvFlags,
  seconds: number,
  loadSeconds: number,
): Record<string, unknown> {
  const sum = (x: Float64Array): number => x.reduce((s, v) => s + v, 0);
  const bg = a.bgnbd;
  const gg = a.gammaGamma;
  return {
    n_customers: a.customers.ids.length,
    bgnbd: {
      r: bg.r,
      alpha: bg.alpha,
      a: bg.a,
      b: bg.b,
      loglik: bg.logLikelihood,
      converged: bg.converged,
      iterations: bg.iterations,
      message: bg.message,
      standard_errors: bg.standardErrors,
      n_customers: bg.nCustomers,
      time_unit: bg.timeUnit,
    },
    gamma_gamma: {
      p: gg.p,
      q: gg.q,
      v: gg.v,
      loglik: gg.logLikelihood,
      converged: gg.converged,
      message: gg.message,
      standard_errors: gg.standardErrors,
      n_repeat_buyers: gg.nRepeatBuyers,
      n_one_time_excluded: gg.nExcludedOneTime,
      frequency_spend_correlation: gg.frequencySpendCorrelation,
    },
    time_unit: a.timeUnit,
    as_of: a.asOf,
    as_of_default: a.asOfDefault,
    last_day: a.end,
    calibration_end: a.calibrationEnd,
    holdout: a.holdout && {
      from: a.holdout.from,
      through: a.holdout.through,
      length: a.holdout.length,
      actual_purchases: a.holdout.actualPurchases,
      predicted_purchases: a.holdout.predictedPurchases,
      mean_absolute_error: a.holdout.meanAbsoluteError,
      correlation: a.holdout.correlation,
    },
    horizon: a.horizon,
    horizon_unit: a.horizonUnit,
    horizon_months_for_clv: a.horizonMonths,
    discount_rate_monthly: a.discountRate,
    interval: a.clvLower ? { level: a.intervalLevel, draws: a.intervalDraws, seed: flags.seed } : null,
    totals: {
      expected_purchases: sum(a.expectedPurchases),
      clv: sum(a.clv),
      mean_probability_alive: sum(a.probabilityAlive) / a.probabilityAlive.length,
    },
    n_customers_too_new: a.tooNew,
    n_repeat_buyers_nonpositive_spend: a.nonPositiveSpend,
    date_form: a.days.dateForm,
    mapping: a.mapping,
    rows: {
      total: a.days.rows.total,
      used: a.days.rows.used,
      no_customer: a.days.rows.noCustomer,
      incomplete: a.days.rows.incomplete,
      returns: a.days.rows.returns,
      returns_alone: a.days.rows.returnsAlone,
    },
    purchase_days: a.days.nDays,
    out: flags.out ?? null,
    input: flags.input,
    seconds: round(seconds, 4),
    timings: {
      load: round(loadSeconds, 4),
      summary: round(a.timings.summary, 4),
      fit_bgnbd: round(a.timings.fitBgnbd, 4),
      fit_gamma_gamma: round(a.timings.fitGammaGamma, 4),
      predict: round(a.timings.predict, 4),
    },
  };
}

async function writeCustomers(path: string, a: ClvAnalysis): Promise<void> {
  const c = a.customers;
  const header = [
    'customer_id',
    'frequency',
    `recency_${a.timeUnit}s`,
    `T_${a.timeUnit}s`,
    'monetary_value',
    'probability_alive',
    'expected_purchases',
    'expected_spend',
    'clv',
  ];
  const columns: CsvColumn[] = [
    c.ids.map(csvText),
    c.frequency,
    c.recency,
    c.T,
    c.monetaryValue,
    a.probabilityAlive,
    a.expectedPurchases,
    a.expectedSpend,
    a.clv,
  ];
  if (a.clvLower && a.clvUpper) {
    header.push('clv_low', 'clv_high');
    columns.push(a.clvLower, a.clvUpper);
  }
  await writeColumnsCsv(path, header, columns);
}

/** An id as a CSV cell: quoted when it holds a comma, a quote or a line break. */
function csvText(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function printText(a: ClvAnalysis, r: Record<string, unknown>, flags: ClvFlags): void {
  const f = (x: number, d = 3): string => x.toFixed(d);
  const bg = a.bgnbd;
  const gg = a.gammaGamma;
  const unit = a.timeUnit;
  if (a.tooNew > 0)
    note(
      `${a.tooNew} customers first bought on the last day observed: they have no history yet and are left out`,
    );
  if (Math.abs(gg.frequencySpendCorrelation) > 0.3) {
    note(
      `spend and purchase frequency are correlated (r = ${f(gg.frequencySpendCorrelation, 2)}); ` +
        'Gamma-Gamma assumes they are independent, so read the CLV with care',
    );
  }
  const totals = r.totals as { expected_purchases: number; clv: number; mean_probability_alive: number };
  const lines = [
    `${a.customers.ids.length} customers, ${a.days.nDays} purchase days from ${a.days.rows.used} of ${a.days.rows.total} rows (${a.days.firstDay} to ${a.days.lastDay})`,
    `  fitted on  ${a.calibrationEnd ? `purchases through ${a.calibrationEnd}` : `everything through ${a.end}`}, time unit ${unit}`,
    `  BG/NBD     r ${f(bg.r, 4)}  alpha ${f(bg.alpha, 4)} ${unit}s  a ${f(bg.a, 4)}  b ${f(bg.b, 4)}  log-likelihood ${f(bg.logLikelihood, 2)}`,
    `  Gamma-Gamma p ${f(gg.p, 4)}  q ${f(gg.q, 4)}  v ${f(gg.v, 4)} on ${gg.nRepeatBuyers} repeat buyers (${gg.nExcludedOneTime} one-time buyers left out)`,
  ];
  if (a.holdout) {
    const h = a.holdout;
    lines.push(
      `  holdout    ${h.from} to ${h.through}: ${f(h.predictedPurchases, 1)} purchases predicted, ${h.actualPurchases} made ` +
        `(per customer: mean absolute error ${f(h.meanAbsoluteError)}, correlation ${f(h.correlation)})`,
    );
  }
  lines.push(
    `  next ${a.horizon} ${a.horizonUnit}s  ${f(totals.expected_purchases, 1)} purchases expected, CLV ${f(totals.clv, 2)} ` +
      `(discounted at ${(a.discountRate * 100).toFixed(2)}% a month); mean probability alive ${f(totals.mean_probability_alive)}`,
  );
  if (flags.out) lines.push(`  written    ${flags.out}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
