import { performance } from 'node:perf_hooks';
import {
  type BgNbdModel,
  conditionalExpectedPurchases,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  type GammaGammaModel,
  MlError,
  probabilityAlive,
} from '@clientele/ml';
import { InputError } from '../errors.ts';
import type { LoadedTable } from '../ingest/loadTable.ts';
import {
  type CustomerSummary,
  DAYS_PER_UNIT,
  periodPurchases,
  summariseCustomers,
  type TimeUnit,
} from './customerSummary.ts';
import { buildPurchaseDays, type PurchaseDays } from './purchaseDays.ts';
import { mapValueColumns, type ValueMapping } from './valueColumns.ts';

export interface ClvOptions {
  /** role -> column (customer, date, amount or quantity and price). */
  map?: Record<string, string>;
  /** strptime format of a text date column, when it cannot be told (e.g. %d/%m/%Y). */
  dateFormat?: string;
  /** Measure at the start of this day (YYYY-MM-DD): later rows are left out. Default: the day after the last date. */
  asOf?: string;
  /** Last day (inclusive) of the calibration period; the days after it up to as-of are the holdout. */
  calibrationEnd?: string;
  timeUnit?: TimeUnit;
  /** Horizon of the forecast: `horizon` months or weeks (default 12 months). */
  horizon?: number;
  horizonUnit?: 'month' | 'week';
  /** Discount rate per month (default 0.01). */
  discountRate?: number;
  /** Parameter draws for the per-customer intervals (0: none; default 100). */
  intervalDraws?: number;
  /** Level of the intervals (default 0.9). */
  intervalLevel?: number;
  seed?: number;
}

/** What a CLV run found: the fits, the holdout check, and one line per customer. */
export interface ClvAnalysis {
  mapping: ValueMapping;
  days: PurchaseDays;
  asOf: string;
  asOfDefault: boolean;
  /** Last day observed, inclusive (as-of minus one day). */
  end: string;
  calibrationEnd: string | null;
  timeUnit: TimeUnit;
  horizonMonths: number;
  horizon: number;
  horizonUnit: 'month' | 'week';
  discountRate: number;
  bgnbd: BgNbdModel;
  gammaGamma: GammaGammaModel;
  /** Customers with a first purchase on the last day of the fit period (T = 0): not modelled. */
  tooNew: number;
  /** Repeat buyers whose net repeat spend is zero or less: left out of the spend model, valued at 0. */
  nonPositiveSpend: number;
  holdout: null | {
    from: string;
    through: string;
    length: number;
    actualPurchases: number;
    predictedPurchases: number;
    meanAbsoluteError: number;
    correlation: number;
  };
  customers: CustomerSummary;
  probabilityAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedSpend: Float64Array;
  clv: Float64Array;
  clvLower: Float64Array | null;
  clvUpper: Float64Array | null;
  intervalLevel: number;
  intervalDraws: number;
  /** Seconds spent in each step (reading the file is the caller's). */
  timings: ClvTimings;
}

/** Wall seconds of the steps of `analyseClv`, for `clientele clv --json` and the bench. */
export interface ClvTimings {
  /** Purchase days (same-day rows merged) and the per-customer summary of the fit period. */
  summary: number;
  fitBgnbd: number;
  fitGammaGamma: number;
  /** Everything after the fits: holdout check, summary at the end, CLV and its intervals, probability alive. */
  predict: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(flag: string, value: string): string {
  const v = value.trim();
  const m = ISO.exec(v);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!d || d.toISOString().slice(0, 10) !== v) {
    throw new InputError('BAD_OPTION', `${flag} must be a date written YYYY-MM-DD, got "${value}"`);
  }
  return v;
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Keeps the customers with T > 0: one who first bought on the last day has no time to repeat yet. */
function modelled(s: CustomerSummary): { kept: CustomerSummary; dropped: number } {
  const keep: number[] = [];
  for (let i = 0; i < s.ids.length; i++) if (s.T[i]! > 0) keep.push(i);
  if (keep.length === s.ids.length) return { kept: s, dropped: 0 };
  const take = (a: Float64Array): Float64Array => Float64Array.from(keep, (i) => a[i]!);
  return {
    kept: {
      ...s,
      ids: keep.map((i) => s.ids[i]!),
      frequency: take(s.frequency),
      recency: take(s.recency),
      T: take(s.T),
      monetaryValue: take(s.monetaryValue),
      totalSpend: take(s.totalSpend),
    },
    dropped: s.ids.length - keep.length,
  };
}

/** Repeat buyers whose mean repeat spend is zero or less (returns cancel their purchases). */
function nonPositiveSpend(s: CustomerSummary): { keep: Uint8Array; count: number } {
  const keep = new Uint8Array(s.ids.length).fill(1);
  let count = 0;
  for (let i = 0; i < keep.length; i++) {
    if (s.frequency[i]! > 0 && !(s.monetaryValue[i]! > 0)) {
      keep[i] = 0;
      count++;
    }
  }
  return { keep, count };
}

/** An ml fit that cannot converge, in the words of the data. */
function explainFit(err: unknown, model: string): never {
  if (err instanceof MlError) {
    throw new InputError('BAD_OPTION', `${model} could not be fitted: ${err.message}`, { code: err.code });
  }
  throw err;
}

/**
 * Customer lifetime value from a transaction log: purchase days, the BG/NBD and Gamma-Gamma fits
 * (on the calibration period when `calibrationEnd` is given, checked on the holdout after it),
 * then per customer, measured at the end of the data: probability alive, expected purchases and
 * spend over the horizon, and the discounted CLV with a parameter-uncertainty interval.
 *
 * Throws InputError for a bad option, a date outside the data, or a fit that does not converge.
 */
export async function analyseClv(t: LoadedTable, opts: ClvOptions = {}): Promise<ClvAnalysis> {
  const timeUnit = opts.timeUnit ?? 'week';
  const horizonUnit = opts.horizonUnit ?? 'month';
  const horizon = opts.horizon ?? 12;
  const discountRate = opts.discountRate ?? 0.01;
  const intervalDraws = opts.intervalDraws ?? 100;
  const intervalLevel = opts.intervalLevel ?? 0.9;
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new InputError(
      'BAD_OPTION',
      `--horizon must be a whole number of ${horizonUnit}s >= 1, got ${horizon}`,
    );
  }
  if (!(discountRate >= 0 && discountRate < 1)) {
    throw new InputError(
      'BAD_OPTION',
      `--discount-rate is a monthly rate in [0, 1), e.g. 0.01; got ${discountRate}`,
    );
  }
  const mapping = mapValueColumns(t.columns, opts.map ?? {});
  const types = new Map(t.columns.map((c) => [c.name, c.type]));
  const tSummary = performance.now();
  const days = await buildPurchaseDays(t.db, t.table, types, mapping, { dateFormat: opts.dateFormat });
  const asOf = opts.asOf !== undefined ? parseDay('--as-of', opts.asOf) : addDays(days.lastDay, 1);
  const end = addDays(asOf, -1);
  if (end < days.firstDay) {
    throw new InputError(
      'BAD_OPTION',
      `--as-of ${asOf} is not after the first purchase day (${days.firstDay}): nothing to measure`,
    );
  }
  let calibrationEnd: string | null = null;
  if (opts.calibrationEnd !== undefined) {
    calibrationEnd = parseDay('--calibration-end', opts.calibrationEnd);
    if (calibrationEnd < days.firstDay || calibrationEnd >= end) {
      throw new InputError(
        'BAD_OPTION',
        `--calibration-end ${calibrationEnd} must fall between the first purchase day ${days.firstDay} and the day before the last day observed, ${addDays(end, -1)}`,
      );
    }
  }
  const fitEnd = calibrationEnd ?? end;
  const { kept: fitData, dropped: tooNew } = modelled(
    await summariseCustomers(t.db, days.table, fitEnd, timeUnit),
  );
  if (fitData.ids.length === 0) {
    throw new InputError('NO_DATA_ROWS', `no customer bought before ${fitEnd}: nothing to fit`);
  }
  const tFitBgnbd = performance.now();
  let bgnbd: BgNbdModel;
  try {
    bgnbd = fitBgNbd({ frequency: fitData.frequency, recency: fitData.recency, T: fitData.T, timeUnit });
  } catch (err) {
    explainFit(err, 'the purchase model (BG/NBD)');
  }
  const tFitGammaGamma = performance.now();
  let gammaGamma: GammaGammaModel;
  try {
    // Repeat buyers whose returns outweigh their repeat purchases have no spend to model: they are
    // left out of the fit (counted) and valued at zero below.
    const keep = nonPositiveSpend(fitData).keep;
    gammaGamma = fitGammaGamma({
      frequency: fitData.frequency.filter((_, i) => keep[i]),
      monetaryValue: fitData.monetaryValue.filter((_, i) => keep[i]),
    });
  } catch (err) {
    explainFit(err, 'the spend model (Gamma-Gamma)');
  }

  const tPredict = performance.now();
  let holdout: ClvAnalysis['holdout'] = null;
  if (calibrationEnd !== null) {
    const length = daysBetween(calibrationEnd, end) / DAYS_PER_UNIT[timeUnit];
    const actual = await periodPurchases(t.db, days.table, fitData.ids, calibrationEnd, end);
    const predicted = conditionalExpectedPurchases(
      bgnbd,
      length,
      fitData.frequency,
      fitData.recency,
      fitData.T,
      timeUnit,
    );
    holdout = {
      from: addDays(calibrationEnd, 1),
      through: end,
      length,
      ...compare(actual.purchases, predicted),
    };
  }

  const { kept: now, dropped: tooNewNow } = modelled(
    calibrationEnd === null ? fitData : await summariseCustomers(t.db, days.table, end, timeUnit),
  );
  const horizonMonths =
    horizonUnit === 'month' ? horizon : Math.max(1, Math.round((horizon * 7) / (365.25 / 12)));
  const spendless = nonPositiveSpend(now);
  const value = customerLifetimeValue({
    bgnbd,
    gammaGamma,
    frequency: now.frequency,
    recency: now.recency,
    T: now.T,
    // Any positive stand-in: these customers' spend and CLV are set to zero just below.
    monetaryValue: now.monetaryValue.map((m, i) => (spendless.keep[i] ? m : 1)),
    timeUnit,
    horizonMonths,
    discountRateMonthly: discountRate,
    ...(intervalDraws > 0
      ? { interval: { draws: intervalDraws, seed: opts.seed ?? 0, level: intervalLevel } }
      : {}),
  });
  for (let i = 0; i < spendless.keep.length; i++) {
    if (spendless.keep[i]) continue;
    value.expectedSpend[i] = 0;
    value.clv[i] = 0;
    if (value.lower) value.lower[i] = 0;
    if (value.upper) value.upper[i] = 0;
  }
  let expected = value.expectedPurchases;
  if (horizonUnit === 'week') {
    // A horizon in weeks is counted exactly for purchases; CLV discounts by whole months.
    expected = conditionalExpectedPurchases(
      bgnbd,
      (horizon * 7) / DAYS_PER_UNIT[timeUnit],
      now.frequency,
      now.recency,
      now.T,
      timeUnit,
    );
  }
  const aliveNow = probabilityAlive(bgnbd, now.frequency, now.recency, now.T, timeUnit);
  const tEnd = performance.now();
  return {
    mapping,
    days,
    asOf,
    asOfDefault: opts.asOf === undefined,
    end,
    calibrationEnd,
    timeUnit,
    horizonMonths,
    horizon,
    horizonUnit,
    discountRate,
    bgnbd,
    gammaGamma,
    tooNew: calibrationEnd === null ? tooNew : tooNewNow,
    nonPositiveSpend: spendless.count,
    holdout,
    customers: now,
    probabilityAlive: aliveNow,
    expectedPurchases: expected,
    expectedSpend: value.expectedSpend,
    clv: value.clv,
    clvLower: value.lower ?? null,
    clvUpper: value.upper ?? null,
    intervalLevel,
    intervalDraws,
    timings: {
      summary: (tFitBgnbd - tSummary) / 1000,
      fitBgnbd: (tFitGammaGamma - tFitBgnbd) / 1000,
      fitGammaGamma: (tPredict - tFitGammaGamma) / 1000,
      predict: (tEnd - tPredict) / 1000,
    },
  };
}

function compare(
  actual: Float64Array,
  predicted: Float64Array,
): { actualPurchases: number; predictedPurchases: number; meanAbsoluteError: number; correlation: number } {
  const n = actual.length;
  let sa = 0;
  let sp = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    sa += actual[i]!;
    sp += predicted[i]!;
    abs += Math.abs(actual[i]! - predicted[i]!);
  }
  const ma = sa / n;
  const mp = sp / n;
  let cov = 0;
  let va = 0;
  let vp = 0;
  for (let i = 0; i < n; i++) {
    cov += (actual[i]! - ma) * (predicted[i]! - mp);
    va += (actual[i]! - ma) ** 2;
    vp += (predicted[i]! - mp) ** 2;
  }
  return {
    actualPurchases: sa,
    predictedPurchases: sp,
    meanAbsoluteError: abs / n,
    correlation: va > 0 && vp > 0 ? cov / Math.sqrt(va * vp) : 0,
  };
}
