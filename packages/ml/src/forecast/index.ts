export {
  type BacktestMetrics,
  type BacktestOptions,
  backtestHoltWinters,
  type HoltWintersBacktest,
} from './backtest.ts';
export {
  type ChooseHoltWintersOptions,
  chooseHoltWinters,
  HOLT_MIN_LENGTH,
  type HoltWintersChoice,
  SES_MIN_LENGTH,
} from './chooseHoltWinters.ts';
export {
  forecastHoltWinters,
  type HoltWintersForecast,
  type HoltWintersForecastOptions,
  pointForecast,
} from './forecastHoltWinters.ts';
export { analyticForecastVariance, type SimulationErrors, simulateHoltWinters } from './forecastIntervals.ts';
export {
  fitHoltWinters,
  type HoltWintersKnownInitial,
  type HoltWintersModel,
  type HoltWintersOptimizerReport,
  type HoltWintersOptions,
} from './holtWinters.ts';
export { heuristicInitialState, simpleInitialState } from './holtWintersInitialState.ts';
export type {
  HoltWintersInitialState,
  HoltWintersParams,
  HoltWintersSeasonal,
  HoltWintersSpec,
  HoltWintersTrend,
} from './holtWintersTypes.ts';
export { type HoltWintersFinalState, type HoltWintersTrace, smoothHoltWinters } from './smoothHoltWinters.ts';
