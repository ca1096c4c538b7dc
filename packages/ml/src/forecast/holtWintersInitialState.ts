import { MlError } from '../errors.ts';
import type { HoltWintersInitialState, HoltWintersSpec } from './holtWintersTypes.ts';

/** Observations the heuristic needs: 10 for the level/trend regression, plus half a season each side for the moving average. */
export function heuristicMinLength(spec: HoltWintersSpec): number {
  return spec.seasonal === 'none'
    ? 10
    : Math.max(2 * spec.seasonalPeriods, 10 + 2 * Math.floor(spec.seasonalPeriods / 2));
}

/**
 * Initial states by the heuristic of Hyndman, Koehler, Ord & Snyder (2008, section 2.6.1), as
 * statsmodels' `initialization_method='heuristic'` computes it:
 *
 * - seasonal models: a centred moving average (2 x m when m is even) over the first
 *   max(min(5, floor(n/m)), ceil((10 + 2 floor(m/2)) / m)) seasons is the trend estimate; the
 *   series less (or divided by) it, averaged by position in the season and centred to sum 0
 *   (additive) or average 1 (multiplicative), are the initial seasonals, and the moving
 *   average replaces the series for the next step;
 * - level and trend: a straight line fitted by least squares to the first 10 values at times
 *   1..10; level = its value at time 0, trend = its slope.
 *
 * Throws TOO_FEW_ROWS below `heuristicMinLength(spec)` observations.
 */
export function heuristicInitialState(y: Float64Array, spec: HoltWintersSpec): HoltWintersInitialState {
  const n = y.length;
  const need = heuristicMinLength(spec);
  if (n < need) {
    throw new MlError(
      'TOO_FEW_ROWS',
      `heuristic initialization needs at least ${need} observations for this model, got ${n}; use initialization 'estimated' or a simpler model.`,
      { needed: need, got: n },
    );
  }
  let base = y;
  let seasonal = new Float64Array(0);
  if (spec.seasonal !== 'none') {
    const m = spec.seasonalPeriods;
    const cycles = Math.max(Math.min(5, Math.floor(n / m)), Math.ceil((10 + 2 * Math.floor(m / 2)) / m));
    const len = Math.min(n, cycles * m);
    const ma = centredMovingAverage(y.subarray(0, len), m);
    const half = Math.floor(m / 2);
    seasonal = new Float64Array(m);
    const counts = new Float64Array(m);
    for (let i = 0; i < ma.length; i++) {
      const t = i + half;
      const d = spec.seasonal === 'add' ? y[t]! - ma[i]! : y[t]! / ma[i]!;
      seasonal[t % m]! += d;
      counts[t % m]! += 1;
    }
    let mean = 0;
    for (let j = 0; j < m; j++) {
      seasonal[j] = seasonal[j]! / counts[j]!;
      mean += seasonal[j]! / m;
    }
    for (let j = 0; j < m; j++) {
      seasonal[j] = spec.seasonal === 'add' ? seasonal[j]! - mean : seasonal[j]! / mean;
    }
    base = ma;
  }
  // Least-squares line through (1, base[0]), ..., (10, base[9]); x has mean 5.5 and Sxx 82.5.
  let ybar = 0;
  for (let i = 0; i < 10; i++) ybar += base[i]! / 10;
  let sxy = 0;
  for (let i = 0; i < 10; i++) sxy += (i + 1 - 5.5) * (base[i]! - ybar);
  const slope = sxy / 82.5;
  return {
    level: ybar - 5.5 * slope,
    trend: spec.trend === 'add' ? slope : 0,
    seasonal,
  };
}

/**
 * The simple initial states of Hyndman & Athanasopoulos (Forecasting: principles and practice,
 * section 7.6), statsmodels' `_initialization_simple`: without seasonality level = y_0 and
 * trend = y_1 - y_0; with it, level = mean of the first season, trend = the mean of
 * (y_{m+i} - y_i) / m over the first season, seasonals = first season less (or over) the level.
 * Needs 2 observations (2 seasons with seasonality).
 */
export function simpleInitialState(y: Float64Array, spec: HoltWintersSpec): HoltWintersInitialState {
  const n = y.length;
  const m = spec.seasonalPeriods;
  const need = spec.seasonal === 'none' ? (spec.trend === 'add' ? 2 : 1) : 2 * m;
  if (n < need) {
    throw new MlError('TOO_FEW_ROWS', `this model needs at least ${need} observations to start, got ${n}.`, {
      needed: need,
      got: n,
    });
  }
  if (spec.seasonal === 'none') {
    return { level: y[0]!, trend: spec.trend === 'add' ? y[1]! - y[0]! : 0, seasonal: new Float64Array(0) };
  }
  let level = 0;
  let trend = 0;
  for (let i = 0; i < m; i++) {
    level += y[i]! / m;
    trend += (y[m + i]! - y[i]!) / m / m;
  }
  const seasonal = new Float64Array(m);
  for (let i = 0; i < m; i++) seasonal[i] = spec.seasonal === 'add' ? y[i]! - level : y[i]! / level;
  return { level, trend: spec.trend === 'add' ? trend : 0, seasonal };
}

/**
 * Centred moving average of period m (2 x m when m is even, so it stays centred): the value
 * at output index i belongs to input time i + floor(m / 2). Length n - 2 floor(m / 2).
 */
function centredMovingAverage(y: Float64Array, m: number): Float64Array {
  const half = Math.floor(m / 2);
  const out = new Float64Array(Math.max(0, y.length - 2 * half));
  for (let i = 0; i < out.length; i++) {
    const t = i + half;
    let s = 0;
    if (m % 2 === 1) {
      for (let j = t - half; j <= t + half; j++) s += y[j]!;
    } else {
      s = 0.5 * (y[t - half]! + y[t + half]!);
      for (let j = t - half + 1; j < t + half; j++) s += y[j]!;
    }
    out[i] = s / m;
  }
  return out;
}
