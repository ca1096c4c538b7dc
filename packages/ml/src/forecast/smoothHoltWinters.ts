import type { HoltWintersInitialState, HoltWintersParams, HoltWintersSpec } from './holtWintersTypes.ts';

/**
 * Buffers `smoothHoltWinters` fills when given (each of length n): one-step-ahead fitted values
 * and the level, trend (undamped) and seasonal state after each observation.
 */
export interface HoltWintersTrace {
  fitted?: Float64Array;
  levels?: Float64Array;
  trends?: Float64Array;
  seasons?: Float64Array;
}

/** The states after the last observation, as `smoothHoltWinters` leaves them. */
export interface HoltWintersFinalState {
  level: number;
  trend: number;
  /** The last m seasonal values; `season[j]` applies to forecast step j + 1 (and every m after). */
  season: Float64Array;
  sse: number;
}

/**
 * Runs the Holt-Winters recursions over `y` from the given initial states with the given
 * parameters and returns the sum of squared one-step errors and the final states, filling
 * `trace` if given. O(n) time and two m-length allocations, so the optimiser can call it
 * thousands of times.
 *
 * The recursions are statsmodels' `ExponentialSmoothing` ones (error-correction form, the
 * seasonal update measured against the previous level and damped trend, not the new level), so
 * that equal parameters give equal fits. With B = phi b_{t-1} and base = l_{t-1} + B:
 *
 *   additive season:  yhat_t = base + s_{t-m}
 *                     l_t = alpha (y_t - s_{t-m}) + (1 - alpha) base
 *                     s_t = gamma (y_t - base) + (1 - gamma) s_{t-m}
 *   multiplicative:   yhat_t = base s_{t-m}
 *                     l_t = alpha y_t / s_{t-m} + (1 - alpha) base
 *                     s_t = gamma y_t / base + (1 - gamma) s_{t-m}
 *   trend:            b_t = beta (l_t - l_{t-1}) + (1 - beta) B
 *
 * Non-finite states (a multiplicative model dividing by a level that crossed zero) show up as a
 * non-finite `sse`, which the optimiser treats as infeasible.
 */
export function smoothHoltWinters(
  y: Float64Array,
  spec: HoltWintersSpec,
  params: HoltWintersParams,
  initial: HoltWintersInitialState,
  trace: HoltWintersTrace = {},
): HoltWintersFinalState {
  const n = y.length;
  const hasTrend = spec.trend === 'add';
  const seasonal = spec.seasonal;
  const m = seasonal === 'none' ? 1 : spec.seasonalPeriods;
  const alpha = params.alpha;
  const beta = hasTrend ? params.beta : 0;
  const gamma = seasonal === 'none' ? 0 : params.gamma;
  const phi = hasTrend && spec.damped ? params.phi : 1;
  // A ring of the last m seasonal values: slot t % m holds s_{t-m} when observation t arrives.
  const season = new Float64Array(m);
  if (seasonal !== 'none') season.set(initial.seasonal.subarray(0, m));
  let level = initial.level;
  let trend = hasTrend ? initial.trend : 0;
  let sse = 0;
  const { fitted, levels, trends, seasons } = trace;
  for (let t = 0; t < n; t++) {
    const yt = y[t]!;
    const slot = t % m;
    const damped = phi * trend;
    const base = level + damped;
    const sOld = season[slot]!;
    let yhat: number;
    let newLevel: number;
    if (seasonal === 'add') {
      yhat = base + sOld;
      newLevel = alpha * (yt - sOld) + (1 - alpha) * base;
      season[slot] = gamma * (yt - base) + (1 - gamma) * sOld;
    } else if (seasonal === 'mul') {
      yhat = base * sOld;
      newLevel = (alpha * yt) / sOld + (1 - alpha) * base;
      season[slot] = (gamma * yt) / base + (1 - gamma) * sOld;
    } else {
      yhat = base;
      newLevel = alpha * yt + (1 - alpha) * base;
    }
    if (hasTrend) trend = beta * (newLevel - level) + (1 - beta) * damped;
    level = newLevel;
    const e = yt - yhat;
    sse += e * e;
    if (fitted) fitted[t] = yhat;
    if (levels) levels[t] = level;
    if (trends) trends[t] = trend;
    if (seasons) seasons[t] = season[slot]!;
  }
  // Rotate the ring so that index j is the value for forecast step j + 1.
  const out = new Float64Array(seasonal === 'none' ? 0 : m);
  for (let j = 0; j < out.length; j++) out[j] = season[(n + j) % m]!;
  return { level, trend, season: out, sse };
}
