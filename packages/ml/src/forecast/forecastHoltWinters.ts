import { MlError } from '../errors.ts';
import { normalQuantile } from '../stats/distributions.ts';
import {
  analyticForecastVariance,
  pathQuantiles,
  type SimulationErrors,
  simulateHoltWinters,
} from './forecastIntervals.ts';
import type { HoltWintersModel } from './holtWinters.ts';

/**
 * `forecastHoltWinters` options.
 *
 * - `confidence` (0.9): coverage of the central prediction interval, in (0, 1).
 * - `method` (`'auto'`): `'analytic'` (normal, ETS class-1 variances; additive and no
 *   seasonality only), `'simulated'` (quantiles of simulated paths), `'auto'` = analytic when
 *   available, else simulated.
 * - `simulations` (5000), `errors` (`'gaussian'`, or `'bootstrap'` of the residuals), `seed` (0):
 *   for simulated intervals.
 */
export interface HoltWintersForecastOptions {
  confidence?: number;
  method?: 'auto' | 'analytic' | 'simulated';
  simulations?: number;
  errors?: SimulationErrors;
  seed?: number;
}

/** Point forecasts and the interval for steps 1..h after the last observation. */
export interface HoltWintersForecast {
  mean: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  confidence: number;
  method: 'analytic' | 'simulated';
}

/**
 * Forecasts h steps ahead from a fitted model. The mean is statsmodels' point forecast,
 * l_n + (phi + ... + phi^k) b_n, plus (or times) the seasonal value of step k's season; it is
 * the same for every interval method (simulated intervals are not centred on the simulated mean).
 * Cost: O(h) analytic, O(simulations h log simulations) simulated.
 *
 * @example
 * const f = forecastHoltWinters(model, 12, { confidence: 0.9 }); // f.mean, f.lower, f.upper
 */
export function forecastHoltWinters(
  model: HoltWintersModel,
  h: number,
  options: HoltWintersForecastOptions = {},
): HoltWintersForecast {
  if (!Number.isInteger(h) || h < 1) {
    throw new MlError('BAD_OPTION', `forecastHoltWinters: h must be a positive integer, got ${h}.`);
  }
  const confidence = options.confidence ?? 0.9;
  if (!(confidence > 0 && confidence < 1)) {
    throw new MlError(
      'BAD_OPTION',
      `forecastHoltWinters: confidence must be in (0, 1), e.g. 0.9; got ${confidence}.`,
    );
  }
  const requested = options.method ?? 'auto';
  if (requested !== 'auto' && requested !== 'analytic' && requested !== 'simulated') {
    throw new MlError(
      'BAD_OPTION',
      `forecastHoltWinters: method must be 'auto', 'analytic' or 'simulated', got ${String(requested)}.`,
    );
  }
  const method =
    requested === 'auto' ? (model.spec.seasonal === 'mul' ? 'simulated' : 'analytic') : requested;
  const mean = pointForecast(model, h);
  const lower = new Float64Array(h);
  const upper = new Float64Array(h);
  if (method === 'analytic') {
    const v = analyticForecastVariance(model, h);
    const z = normalQuantile(0.5 + confidence / 2);
    for (let k = 0; k < h; k++) {
      const half = z * Math.sqrt(v[k]!);
      lower[k] = mean[k]! - half;
      upper[k] = mean[k]! + half;
    }
  } else {
    const paths = options.simulations ?? 5000;
    if (!Number.isInteger(paths) || paths < 2) {
      throw new MlError(
        'BAD_OPTION',
        `forecastHoltWinters: simulations must be an integer >= 2, got ${paths}.`,
      );
    }
    const errors = options.errors ?? 'gaussian';
    if (errors !== 'gaussian' && errors !== 'bootstrap') {
      throw new MlError(
        'BAD_OPTION',
        `forecastHoltWinters: errors must be 'gaussian' or 'bootstrap', got ${String(errors)}.`,
      );
    }
    const sims = simulateHoltWinters(model, h, paths, errors, options.seed ?? 0);
    pathQuantiles(sims, paths, h, (1 - confidence) / 2, (1 + confidence) / 2, lower, upper);
  }
  return { mean, lower, upper, confidence, method };
}

/** The point forecasts alone, steps 1..h. O(h). */
export function pointForecast(model: HoltWintersModel, h: number): Float64Array {
  const { spec } = model;
  const phi = spec.trend === 'add' && spec.damped ? model.phi : 1;
  const trend = spec.trend === 'add' ? model.trend : 0;
  const out = new Float64Array(h);
  let phiSum = 0;
  let phiPow = 1;
  for (let k = 0; k < h; k++) {
    phiPow *= phi;
    phiSum += phiPow;
    const base = model.level + phiSum * trend;
    if (spec.seasonal === 'add') out[k] = base + model.season[k % spec.seasonalPeriods]!;
    else if (spec.seasonal === 'mul') out[k] = base * model.season[k % spec.seasonalPeriods]!;
    else out[k] = base;
  }
  return out;
}
