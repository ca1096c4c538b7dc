import { MlError } from '../errors.ts';
import { quantileSorted } from '../preprocess/quantile.ts';
import { Rng } from '../random.ts';
import type { HoltWintersModel } from './holtWinters.ts';

/**
 * Forecast variances of the additive-error, additive-component models (ETS class 1 of Hyndman,
 * Koehler, Ord & Snyder 2008, ch. 6): with sigma^2 = sse / n,
 *
 *   v_h = sigma^2 (1 + sum_{j=1}^{h-1} c_j^2),
 *   c_j = alpha + alpha beta (phi + ... + phi^j) + gamma [j mod m = 0]
 *
 * (alpha beta is the state-space trend weight; `beta` is statsmodels' component-form one). The
 * running sum is used instead of the closed forms it equals. Not defined for multiplicative
 * seasonality (BAD_OPTION). O(h).
 */
export function analyticForecastVariance(model: HoltWintersModel, h: number): Float64Array {
  const { spec } = model;
  if (spec.seasonal === 'mul') {
    throw new MlError(
      'BAD_OPTION',
      "analyticForecastVariance: no closed form with multiplicative seasonality; use method 'simulated'.",
    );
  }
  const hasTrend = spec.trend === 'add';
  const hasSeason = spec.seasonal === 'add';
  const phi = spec.damped ? model.phi : 1;
  const trendWeight = hasTrend ? model.alpha * model.beta : 0;
  const out = new Float64Array(h);
  let sum = 0;
  let phiSum = 0;
  let phiPow = 1;
  for (let k = 1; k <= h; k++) {
    out[k - 1] = model.sigma2 * (1 + sum);
    // Add c_k for the next horizon.
    phiPow *= phi;
    phiSum += phiPow;
    const c =
      model.alpha + trendWeight * phiSum + (hasSeason && k % spec.seasonalPeriods === 0 ? model.gamma : 0);
    sum += c * c;
  }
  return out;
}

/** How simulated intervals draw the one-step errors. */
export type SimulationErrors = 'gaussian' | 'bootstrap';

/**
 * Simulated future paths: from the final states, each step draws an error e (Gaussian with
 * variance sse / n, or a residual resampled with replacement), sets y = yhat + e and runs the
 * same Holt-Winters update as the fit, so the errors feed through the states as in the fitted
 * model. Returns `paths` x h values, row-major (path p, step k at p * h + k). O(paths h).
 */
export function simulateHoltWinters(
  model: HoltWintersModel,
  h: number,
  paths: number,
  errors: SimulationErrors,
  seed: number,
): Float64Array {
  const { spec, alpha, gamma } = model;
  const hasTrend = spec.trend === 'add';
  const beta = hasTrend ? model.beta : 0;
  const phi = hasTrend && spec.damped ? model.phi : 1;
  const m = spec.seasonal === 'none' ? 1 : spec.seasonalPeriods;
  const sigma = Math.sqrt(model.sigma2);
  const resid = model.residuals;
  const rng = new Rng(seed);
  const out = new Float64Array(paths * h);
  const season = new Float64Array(m);
  for (let p = 0; p < paths; p++) {
    let level = model.level;
    let trend = hasTrend ? model.trend : 0;
    if (spec.seasonal !== 'none') season.set(model.season);
    for (let k = 0; k < h; k++) {
      const slot = k % m;
      const damped = phi * trend;
      const base = level + damped;
      const sOld = season[slot]!;
      const e = errors === 'bootstrap' ? resid[rng.int(resid.length)]! : sigma * rng.normal();
      let newLevel: number;
      let yt: number;
      if (spec.seasonal === 'add') {
        yt = base + sOld + e;
        newLevel = alpha * (yt - sOld) + (1 - alpha) * base;
        season[slot] = gamma * (yt - base) + (1 - gamma) * sOld;
      } else if (spec.seasonal === 'mul') {
        yt = base * sOld + e;
        newLevel = (alpha * yt) / sOld + (1 - alpha) * base;
        season[slot] = (gamma * yt) / base + (1 - gamma) * sOld;
      } else {
        yt = base + e;
        newLevel = alpha * yt + (1 - alpha) * base;
      }
      if (hasTrend) trend = beta * (newLevel - level) + (1 - beta) * damped;
      level = newLevel;
      out[p * h + k] = yt;
    }
  }
  return out;
}

/**
 * Per step, the `lo` and `hi` quantiles of the simulated values (linear interpolation between
 * order statistics, numpy's default), written into `lower` and `upper`.
 */
export function pathQuantiles(
  sims: Float64Array,
  paths: number,
  h: number,
  lo: number,
  hi: number,
  lower: Float64Array,
  upper: Float64Array,
): void {
  const col = new Float64Array(paths);
  for (let k = 0; k < h; k++) {
    for (let p = 0; p < paths; p++) col[p] = sims[p * h + k]!;
    col.sort();
    lower[k] = quantileSorted(col, lo);
    upper[k] = quantileSorted(col, hi);
  }
}
