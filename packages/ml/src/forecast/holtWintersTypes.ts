/** Trend component: additive (`'add'`, optionally damped) or none. */
export type HoltWintersTrend = 'add' | 'none';

/** Seasonal component: additive, multiplicative (needs positive data) or none. */
export type HoltWintersSeasonal = 'add' | 'mul' | 'none';

/**
 * Which Holt-Winters model: the components, and the season length `seasonalPeriods` (12 for
 * monthly data with a yearly pattern; 1 when `seasonal` is `'none'`).
 */
export interface HoltWintersSpec {
  trend: HoltWintersTrend;
  damped: boolean;
  seasonal: HoltWintersSeasonal;
  seasonalPeriods: number;
}

/**
 * Smoothing parameters in statsmodels' `ExponentialSmoothing` convention (component form):
 * `alpha` level, `beta` trend (beta* of Hyndman et al.: the ETS state-space beta is
 * alpha * beta), `gamma` season, `phi` damping. A component the model lacks has its parameter
 * at 0 (`phi` at 1 when not damped).
 */
export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

/**
 * The states before the first observation: level l_0, trend b_0 and the m seasonal values
 * s_{1-m}, ..., s_0 (`seasonal[j]` is the one applied to observation j, 0-based; additive
 * seasonals are offsets, multiplicative ones factors). `trend` is 0 and `seasonal` empty when
 * the model lacks the component.
 */
export interface HoltWintersInitialState {
  level: number;
  trend: number;
  seasonal: Float64Array;
}
