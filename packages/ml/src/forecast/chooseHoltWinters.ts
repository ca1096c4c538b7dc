import { MlError } from '../errors.ts';
import { fitHoltWinters, type HoltWintersModel } from './holtWinters.ts';

/** Fewest observations for Holt's trend model (4 estimated values: alpha, beta, l_0, b_0, plus two to spare). */
export const HOLT_MIN_LENGTH = 6;
/** Fewest observations for simple exponential smoothing (alpha and l_0, plus one to spare). */
export const SES_MIN_LENGTH = 3;

/** `chooseHoltWinters` options: `multiplicative` (true) lets positive series try multiplicative seasonality. */
export interface ChooseHoltWintersOptions {
  multiplicative?: boolean;
}

/** The chosen fit, which model it is, and why, in words for a report. */
export interface HoltWintersChoice {
  model: HoltWintersModel;
  kind: 'holt-winters-add' | 'holt-winters-mul' | 'holt' | 'holt-damped' | 'simple';
  reason: string;
}

/**
 * Fits the richest model the series supports, for series as short as a year of monthly revenue:
 *
 * - n >= 2 m (two full seasons): Holt-Winters with additive trend and seasonality; when every
 *   value is > 0 the multiplicative-seasonal fit is tried too and the lower AIC wins (both have
 *   the same number of parameters, so this is the lower SSE);
 * - else n >= 6: Holt's linear trend, no seasonality (a seasonal pattern cannot be separated
 *   from noise with fewer than two occurrences of each period); from 7 points the damped trend
 *   too, kept when its AICc is lower;
 * - else n >= 3: simple exponential smoothing;
 * - else TOO_FEW_ROWS.
 *
 * All fits estimate parameters and initial states (`initialization: 'estimated'`).
 *
 * @example
 * const { model, kind, reason } = chooseHoltWinters(monthlyRevenue, 12);
 * // 13 months -> kind 'holt', reason says seasonality needs 24
 */
export function chooseHoltWinters(
  y: Float64Array,
  seasonalPeriods: number,
  options: ChooseHoltWintersOptions = {},
): HoltWintersChoice {
  const n = y.length;
  if (!Number.isInteger(seasonalPeriods) || seasonalPeriods < 1) {
    throw new MlError(
      'BAD_OPTION',
      `chooseHoltWinters: seasonalPeriods must be a positive integer (12 for monthly data, 1 for none), got ${seasonalPeriods}.`,
    );
  }
  const m = seasonalPeriods;
  const seasonNeed = 2 * m;
  if (m >= 2 && n >= seasonNeed) {
    const add = fitHoltWinters(y, { trend: 'add', seasonal: 'add', seasonalPeriods: m });
    const positive = y.every((v) => v > 0);
    if ((options.multiplicative ?? true) && positive) {
      const mul = fitHoltWinters(y, { trend: 'add', seasonal: 'mul', seasonalPeriods: m });
      const pick = mul.aic < add.aic ? mul : add;
      const other = pick === mul ? add : mul;
      return {
        model: pick,
        kind: pick === mul ? 'holt-winters-mul' : 'holt-winters-add',
        reason: `${n} observations cover two seasons of ${m} (needs ${seasonNeed}): Holt-Winters with trend; ${pick.spec.seasonal === 'mul' ? 'multiplicative' : 'additive'} seasonality has the lower AIC (${pick.aic.toFixed(2)} vs ${other.aic.toFixed(2)}).`,
      };
    }
    return {
      model: add,
      kind: 'holt-winters-add',
      reason: `${n} observations cover two seasons of ${m} (needs ${seasonNeed}): Holt-Winters with trend and additive seasonality${positive ? '' : ' (multiplicative needs every value > 0)'}.`,
    };
  }
  const why =
    m >= 2
      ? `fewer than two seasons of ${m} (${seasonNeed} needed) for seasonality`
      : 'no seasonality asked for';
  if (n >= HOLT_MIN_LENGTH) {
    const linear = fitHoltWinters(y, { trend: 'add' });
    // A straight trend carried a year ahead can run revenue below zero; the damped trend
    // (Gardner & McKenzie) flattens out. AICc, which charges phi for short series, decides.
    if (n > HOLT_MIN_LENGTH) {
      const damped = fitHoltWinters(y, { trend: 'add', damped: true });
      if (damped.aicc < linear.aicc) {
        return {
          model: damped,
          kind: 'holt-damped',
          reason: `${n} observations, ${why}: Holt's damped trend (phi ${damped.phi.toFixed(3)}), whose AICc ${damped.aicc.toFixed(2)} beats the straight trend's ${linear.aicc.toFixed(2)}.`,
        };
      }
    }
    return {
      model: linear,
      kind: 'holt',
      reason: `${n} observations, ${why}: Holt's linear trend (needs ${HOLT_MIN_LENGTH}).`,
    };
  }
  if (n >= SES_MIN_LENGTH) {
    return {
      model: fitHoltWinters(y, {}),
      kind: 'simple',
      reason: `${n} observations, ${why} and too few for a trend (${HOLT_MIN_LENGTH} needed): simple exponential smoothing.`,
    };
  }
  throw new MlError(
    'TOO_FEW_ROWS',
    `chooseHoltWinters: ${n} observations; even simple exponential smoothing needs ${SES_MIN_LENGTH}.`,
    { needed: SES_MIN_LENGTH, got: n },
  );
}
