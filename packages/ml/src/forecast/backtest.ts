import { MlError } from '../errors.ts';
import { pointForecast } from './forecastHoltWinters.ts';
import { fitHoltWinters, type HoltWintersOptions } from './holtWinters.ts';

/** `backtestHoltWinters` settings: steps ahead to score, the first training length, origin spacing (1). */
export interface BacktestOptions {
  horizon: number;
  minTrain: number;
  step?: number;
}

/**
 * Forecast errors over a set of (origin, step) pairs. `mae`, `rmse` in the series' units;
 * `mape` and `smape` in percent. MAPE skips pairs whose actual is 0 (`mapeCount` says how many
 * it used; NaN when none); sMAPE = 200 |y - f| / (|y| + |f|), skipping pairs where both are 0.
 */
export interface BacktestMetrics {
  count: number;
  mae: number;
  rmse: number;
  mape: number;
  mapeCount: number;
  smape: number;
}

/** Rolling-origin results: per step ahead (index k - 1 for k steps) and over all pairs. */
export interface HoltWintersBacktest {
  origins: number;
  byHorizon: BacktestMetrics[];
  overall: BacktestMetrics;
  /** Errors actual - forecast, origins x horizon row-major; NaN past the end of the series. */
  errors: Float64Array;
}

/**
 * Rolling-origin evaluation with an expanding window (Tashman 2000): for each origin
 * t = minTrain, minTrain + step, ..., n - 1 the model (same options each time, refitted on
 * y[0..t)) forecasts up to `horizon` steps, scored against y[t..t + horizon). Late origins
 * contribute fewer steps. The fit's own errors (too few points for the model at `minTrain`,
 * non-positive values for multiplicative seasonality) propagate as MlError.
 * Cost: one fit per origin.
 *
 * @example
 * const bt = backtestHoltWinters(revenue, { trend: 'add', seasonal: 'add', seasonalPeriods: 12 }, { horizon: 3, minTrain: 24 });
 * bt.byHorizon[0].mape; // one-month-ahead MAPE, percent
 */
export function backtestHoltWinters(
  y: Float64Array,
  options: HoltWintersOptions,
  backtest: BacktestOptions,
): HoltWintersBacktest {
  const n = y.length;
  const { horizon, minTrain } = backtest;
  const step = backtest.step ?? 1;
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new MlError(
      'BAD_OPTION',
      `backtestHoltWinters: horizon must be a positive integer, got ${horizon}.`,
    );
  }
  if (!Number.isInteger(step) || step < 1) {
    throw new MlError('BAD_OPTION', `backtestHoltWinters: step must be a positive integer, got ${step}.`);
  }
  if (!Number.isInteger(minTrain) || minTrain < 1) {
    throw new MlError(
      'BAD_OPTION',
      `backtestHoltWinters: minTrain must be a positive integer, got ${minTrain}.`,
    );
  }
  if (minTrain >= n) {
    throw new MlError(
      'TOO_FEW_ROWS',
      `backtestHoltWinters: minTrain (${minTrain}) leaves nothing to forecast in ${n} observations; use minTrain <= ${n - 1}.`,
      { needed: minTrain + 1, got: n },
    );
  }
  const origins = Math.floor((n - 1 - minTrain) / step) + 1;
  const errors = new Float64Array(origins * horizon).fill(Number.NaN);
  const acc = Array.from({ length: horizon + 1 }, () => new MetricSums());
  for (let o = 0; o < origins; o++) {
    const t = minTrain + o * step;
    const model = fitHoltWinters(y.subarray(0, t), options);
    const steps = Math.min(horizon, n - t);
    const f = pointForecast(model, steps);
    for (let k = 0; k < steps; k++) {
      const actual = y[t + k]!;
      errors[o * horizon + k] = actual - f[k]!;
      acc[k]!.add(actual, f[k]!);
      acc[horizon]!.add(actual, f[k]!);
    }
  }
  return {
    origins,
    byHorizon: acc.slice(0, horizon).map((a) => a.metrics()),
    overall: acc[horizon]!.metrics(),
    errors,
  };
}

class MetricSums {
  private count = 0;
  private abs = 0;
  private sq = 0;
  private ape = 0;
  private apeCount = 0;
  private sape = 0;
  private sapeCount = 0;

  add(actual: number, forecast: number): void {
    const e = actual - forecast;
    this.count++;
    this.abs += Math.abs(e);
    this.sq += e * e;
    if (actual !== 0) {
      this.ape += Math.abs(e / actual);
      this.apeCount++;
    }
    const denom = Math.abs(actual) + Math.abs(forecast);
    if (denom > 0) {
      this.sape += (2 * Math.abs(e)) / denom;
      this.sapeCount++;
    }
  }

  metrics(): BacktestMetrics {
    const c = this.count;
    return {
      count: c,
      mae: c > 0 ? this.abs / c : Number.NaN,
      rmse: c > 0 ? Math.sqrt(this.sq / c) : Number.NaN,
      mape: this.apeCount > 0 ? (100 * this.ape) / this.apeCount : Number.NaN,
      mapeCount: this.apeCount,
      smape: this.sapeCount > 0 ? (100 * this.sape) / this.sapeCount : Number.NaN,
    };
  }
}
