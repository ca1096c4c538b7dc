import { MlError } from '../errors.ts';
import { heuristicInitialState, heuristicMinLength, simpleInitialState } from './holtWintersInitialState.ts';
import { optimizeHoltWinters } from './holtWintersOptimize.ts';
import type {
  HoltWintersInitialState,
  HoltWintersParams,
  HoltWintersSeasonal,
  HoltWintersSpec,
  HoltWintersTrend,
} from './holtWintersTypes.ts';
import { smoothHoltWinters } from './smoothHoltWinters.ts';

/** Known initial states: level, and trend / seasonal values when the model has them. */
export interface HoltWintersKnownInitial {
  level: number;
  trend?: number;
  /** m values s_{1-m}..s_0: `seasonal[j]` applies to observation j. */
  seasonal?: ArrayLike<number>;
}

/**
 * `fitHoltWinters` options.
 *
 * - `trend` (`'none'`), `damped` (false), `seasonal` (`'none'`), `seasonalPeriods` (required
 *   with a seasonal component; 12 for monthly data).
 * - `alpha`, `beta`, `gamma`, `phi`: fixed when given, otherwise estimated. Conventions and
 *   search region are statsmodels' `ExponentialSmoothing`: 0 < alpha < 1,
 *   0 <= beta <= alpha, 0 <= gamma <= 1 - alpha, 0.8 <= phi <= 0.995.
 * - `initialization`: `'estimated'` (default; initial states are estimated with the smoothing
 *   parameters by least squares, started from the heuristic or, on short series, the simple
 *   values), `'heuristic'` (Hyndman et al. 2008 states, held fixed) or the known states.
 * - `maxIterations`: per BFGS run of the optimiser (default 2000).
 */
export interface HoltWintersOptions {
  trend?: HoltWintersTrend;
  damped?: boolean;
  seasonal?: HoltWintersSeasonal;
  seasonalPeriods?: number;
  alpha?: number;
  beta?: number;
  gamma?: number;
  phi?: number;
  initialization?: 'estimated' | 'heuristic' | HoltWintersKnownInitial;
  maxIterations?: number;
}

/** How the optimiser finished (null when every parameter was fixed). */
export interface HoltWintersOptimizerReport {
  converged: boolean;
  iterations: number;
  evaluations: number;
  message: string;
}

/**
 * A fitted Holt-Winters model: the spec (components, season length), the parameters (given or estimated), the initial and
 * final states, one-step-ahead fitted values and residuals (y - fitted), and fit statistics.
 * `aic`, `aicc`, `bic` are statsmodels' (Gaussian, SSE-based; k counts alpha and l_0, beta and
 * b_0, phi, and the m initial seasonals of the components present). `sigma2` = sse / n.
 */
export interface HoltWintersModel extends HoltWintersParams {
  spec: HoltWintersSpec;
  initialization: 'estimated' | 'heuristic' | 'known';
  initial: HoltWintersInitialState;
  /** Final level, trend (undamped) and seasonal values (`season[j]` for forecast step j + 1). */
  level: number;
  trend: number;
  season: Float64Array;
  n: number;
  fitted: Float64Array;
  residuals: Float64Array;
  levels: Float64Array;
  trends: Float64Array;
  seasons: Float64Array;
  sse: number;
  sigma2: number;
  k: number;
  aic: number;
  aicc: number;
  bic: number;
  optimizer: HoltWintersOptimizerReport | null;
}

/**
 * Fits Holt-Winters exponential smoothing (additive or multiplicative seasonality, additive
 * possibly damped trend) to a series such as monthly revenue. Free parameters minimise the sum
 * of squared one-step errors, as statsmodels' `ExponentialSmoothing.fit()` does.
 *
 * Needs more observations than free parameters, and two full seasons to estimate a seasonal
 * model (TOO_FEW_ROWS otherwise; `chooseHoltWinters` picks a model the data supports).
 * Multiplicative seasonality needs every value > 0 (BAD_OPTION).
 * Cost: O(n) per evaluation, a few thousand evaluations when estimating.
 *
 * @example
 * const model = fitHoltWinters(revenue, { trend: 'add', seasonal: 'mul', seasonalPeriods: 12 });
 * const { mean, lower, upper } = forecastHoltWinters(model, 12, { confidence: 0.9 });
 */
export function fitHoltWinters(y: Float64Array, options: HoltWintersOptions = {}): HoltWintersModel {
  const spec = readSpec(options);
  checkSeries(y, spec);
  const init = options.initialization ?? 'estimated';
  const fixed = readFixedParams(options, spec);
  const n = y.length;
  const m = spec.seasonalPeriods;
  let initial: HoltWintersInitialState;
  let initialization: HoltWintersModel['initialization'];
  if (typeof init !== 'object' && spec.seasonal !== 'none' && n < 2 * m) throw tooFewForSeason(n, m);
  if (typeof init === 'object') {
    initial = readKnownInitial(init, spec);
    initialization = 'known';
  } else if (init === 'heuristic') {
    initial = heuristicInitialState(y, spec);
    initialization = 'heuristic';
  } else if (init === 'estimated') {
    initial = n >= heuristicMinLength(spec) ? heuristicInitialState(y, spec) : simpleInitialState(y, spec);
    initialization = 'estimated';
  } else {
    throw new MlError(
      'BAD_OPTION',
      `fitHoltWinters: initialization must be 'estimated', 'heuristic' or { level, trend, seasonal }, got ${String(init)}.`,
    );
  }
  const free = countFree(spec, fixed, initialization === 'estimated');
  if (free > 0 && n <= free) {
    throw new MlError(
      'TOO_FEW_ROWS',
      `fitHoltWinters: ${free} parameters to estimate need at least ${free + 1} observations, got ${n}; fix some parameters or use a simpler model (chooseHoltWinters).`,
      { needed: free + 1, got: n },
    );
  }

  let params = startParams(spec, fixed);
  let optimizer: HoltWintersOptimizerReport | null = null;
  if (free > 0) {
    const r = optimizeHoltWinters(y, spec, fixed, initial, initialization === 'estimated', {
      maxIterations: options.maxIterations ?? 2000,
    });
    params = r.params;
    initial = r.initial;
    optimizer = r.report;
  }
  return assembleModel(y, spec, params, initial, initialization, optimizer);
}

/** Runs the recursions once more with the final parameters and gathers everything a caller reads. */
export function assembleModel(
  y: Float64Array,
  spec: HoltWintersSpec,
  params: HoltWintersParams,
  initial: HoltWintersInitialState,
  initialization: HoltWintersModel['initialization'],
  optimizer: HoltWintersOptimizerReport | null,
): HoltWintersModel {
  const n = y.length;
  const fitted = new Float64Array(n);
  const levels = new Float64Array(n);
  const trends = new Float64Array(n);
  const seasons = new Float64Array(n);
  const final = smoothHoltWinters(y, spec, params, initial, { fitted, levels, trends, seasons });
  const residuals = new Float64Array(n);
  for (let t = 0; t < n; t++) residuals[t] = y[t]! - fitted[t]!;
  const sse = final.sse;
  const hasTrend = spec.trend === 'add';
  const hasSeason = spec.seasonal !== 'none';
  const k = (hasSeason ? spec.seasonalPeriods : 0) + (hasTrend ? 2 : 0) + 2 + (spec.damped ? 1 : 0);
  const logLik = n * Math.log(sse / n);
  const aic = logLik + 2 * k;
  return {
    spec,
    ...params,
    initialization,
    initial,
    level: final.level,
    trend: final.trend,
    season: final.season,
    n,
    fitted,
    residuals,
    levels,
    trends: hasTrend ? trends : new Float64Array(0),
    seasons: hasSeason ? seasons : new Float64Array(0),
    sse,
    sigma2: sse / n,
    k,
    aic,
    aicc: n - k - 3 > 0 ? aic + (2 * (k + 2) * (k + 3)) / (n - k - 3) : Number.POSITIVE_INFINITY,
    bic: logLik + k * Math.log(n),
    optimizer,
  };
}

/** Smoothing parameters the caller fixed; undefined ones are estimated. */
export interface FixedParams {
  alpha?: number;
  beta?: number;
  gamma?: number;
  phi?: number;
}

function readSpec(options: HoltWintersOptions): HoltWintersSpec {
  const trend = options.trend ?? 'none';
  const seasonal = options.seasonal ?? 'none';
  const damped = options.damped ?? false;
  if (trend !== 'add' && trend !== 'none') {
    throw new MlError('BAD_OPTION', `fitHoltWinters: trend must be 'add' or 'none', got ${String(trend)}.`);
  }
  if (seasonal !== 'add' && seasonal !== 'mul' && seasonal !== 'none') {
    throw new MlError(
      'BAD_OPTION',
      `fitHoltWinters: seasonal must be 'add', 'mul' or 'none', got ${String(seasonal)}.`,
    );
  }
  if (damped && trend !== 'add') {
    throw new MlError(
      'BAD_OPTION',
      "fitHoltWinters: damped needs trend 'add'; set trend: 'add' or drop damped.",
    );
  }
  let seasonalPeriods = 1;
  if (seasonal !== 'none') {
    const p = options.seasonalPeriods;
    if (p === undefined || !Number.isInteger(p) || p < 2) {
      throw new MlError(
        'BAD_OPTION',
        `fitHoltWinters: a seasonal model needs seasonalPeriods, an integer >= 2 (12 for monthly data), got ${String(p)}.`,
      );
    }
    seasonalPeriods = p;
  }
  return { trend, damped, seasonal, seasonalPeriods };
}

function checkSeries(y: Float64Array, spec: HoltWintersSpec): void {
  if (y.length === 0)
    throw new MlError('EMPTY_INPUT', 'fitHoltWinters: the series is empty; pass at least one value.');
  for (let t = 0; t < y.length; t++) {
    const v = y[t]!;
    if (!Number.isFinite(v)) {
      throw new MlError(
        'NON_FINITE',
        `fitHoltWinters: y[${t}] is ${v}; fill or drop missing periods first.`,
        {
          index: t,
        },
      );
    }
    if (spec.seasonal === 'mul' && !(v > 0)) {
      throw new MlError(
        'BAD_OPTION',
        `fitHoltWinters: multiplicative seasonality needs every value > 0, but y[${t}] is ${v}; use seasonal 'add'.`,
        { index: t },
      );
    }
  }
}

function readFixedParams(options: HoltWintersOptions, spec: HoltWintersSpec): FixedParams {
  const check = (name: string, v: number | undefined, present: boolean, lo: number, hi: number): void => {
    if (v === undefined) return;
    if (!present) {
      throw new MlError(
        'BAD_OPTION',
        `fitHoltWinters: ${name} was given but the model has no such component.`,
      );
    }
    if (!(v >= lo && v <= hi)) {
      throw new MlError('BAD_OPTION', `fitHoltWinters: ${name} must be in [${lo}, ${hi}], got ${v}.`);
    }
  };
  check('alpha', options.alpha, true, 0, 1);
  check('beta', options.beta, spec.trend === 'add', 0, 1);
  check('gamma', options.gamma, spec.seasonal !== 'none', 0, 1);
  check('phi', options.phi, spec.damped, 0, 1);
  if (options.alpha !== undefined && !(options.alpha > 0)) {
    throw new MlError('BAD_OPTION', 'fitHoltWinters: alpha must be > 0 (alpha = 0 never updates the level).');
  }
  const fixed: FixedParams = {};
  if (options.alpha !== undefined) fixed.alpha = options.alpha;
  if (options.beta !== undefined) fixed.beta = options.beta;
  if (options.gamma !== undefined) fixed.gamma = options.gamma;
  if (options.phi !== undefined) fixed.phi = options.phi;
  return fixed;
}

function readKnownInitial(init: HoltWintersKnownInitial, spec: HoltWintersSpec): HoltWintersInitialState {
  const bad = (what: string): MlError =>
    new MlError('BAD_OPTION', `fitHoltWinters: known initialization ${what}.`);
  if (!Number.isFinite(init.level)) throw bad('needs a finite level');
  let trend = 0;
  if (spec.trend === 'add') {
    if (init.trend === undefined || !Number.isFinite(init.trend))
      throw bad('needs a finite trend for a trend model');
    trend = init.trend;
  } else if (init.trend !== undefined) {
    throw bad("has a trend but the model's trend is 'none'");
  }
  let seasonal = new Float64Array(0);
  if (spec.seasonal !== 'none') {
    const s = init.seasonal;
    if (s === undefined || s.length !== spec.seasonalPeriods) {
      throw bad(`needs ${spec.seasonalPeriods} seasonal values (one per period), got ${s?.length ?? 0}`);
    }
    seasonal = Float64Array.from(s);
    for (let j = 0; j < seasonal.length; j++) {
      if (!Number.isFinite(seasonal[j]!) || (spec.seasonal === 'mul' && !(seasonal[j]! > 0))) {
        throw bad(
          `has seasonal[${j}] = ${seasonal[j]}; seasonal values must be finite (and > 0 when multiplicative)`,
        );
      }
    }
  } else if (init.seasonal !== undefined) {
    throw bad("has seasonal values but the model's seasonal is 'none'");
  }
  return { level: init.level, trend, seasonal };
}

function countFree(spec: HoltWintersSpec, fixed: FixedParams, estimateStates: boolean): number {
  const hasTrend = spec.trend === 'add';
  const hasSeason = spec.seasonal !== 'none';
  let free = (fixed.alpha === undefined ? 1 : 0) + (hasTrend && fixed.beta === undefined ? 1 : 0);
  free += (hasSeason && fixed.gamma === undefined ? 1 : 0) + (spec.damped && fixed.phi === undefined ? 1 : 0);
  if (estimateStates) free += 1 + (hasTrend ? 1 : 0) + (hasSeason ? spec.seasonalPeriods : 0);
  return free;
}

/** Fixed values, and placeholders for absent components (0, phi 1) where nothing is estimated. */
function startParams(spec: HoltWintersSpec, fixed: FixedParams): HoltWintersParams {
  return {
    alpha: fixed.alpha ?? 0.5,
    beta: spec.trend === 'add' ? (fixed.beta ?? 0.1) : 0,
    gamma: spec.seasonal !== 'none' ? (fixed.gamma ?? 0.1) : 0,
    phi: spec.damped ? (fixed.phi ?? 0.98) : 1,
  };
}

function tooFewForSeason(n: number, m: number): MlError {
  return new MlError(
    'TOO_FEW_ROWS',
    `fitHoltWinters: a seasonal model needs two full seasons, ${2 * m} observations for seasonalPeriods ${m}, got ${n}; use seasonal 'none' (chooseHoltWinters picks what the data supports).`,
    { needed: 2 * m, got: n },
  );
}
