import { MlError } from '../errors.ts';
import { cholesky } from '../linalg/cholesky.ts';
import { Rng } from '../random.ts';

/** Options of the parametric bootstrap behind the per-customer intervals. */
export interface IntervalOptions {
  /** Parameter draws (default 500). */
  draws?: number;
  /** Seed of the draws (default 0). */
  seed?: number;
  /** Central coverage of the interval (default 0.9: the 5th and 95th percentiles). */
  level?: number;
}

/** A point estimate with a per-customer interval. */
export interface Interval {
  estimate: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/**
 * `draws` parameter vectors exp(theta), theta ~ Normal(logMean, logCovariance): the asymptotic
 * distribution of the maximum-likelihood log-parameters, so every draw is positive. Returned
 * row-major, draws x p. Throws NO_CONVERGENCE when the covariance is not positive definite
 * (the fit had no standard errors).
 */
export function drawLogNormalParameters(
  where: string,
  logMean: Float64Array,
  logCovariance: Float64Array,
  draws: number,
  seed: number,
): Float64Array {
  const p = logMean.length;
  const l = new Float64Array(p * p);
  if (!cholesky(logCovariance, p, l)) {
    throw new MlError(
      'NO_CONVERGENCE',
      `${where}: the fitted model has no usable parameter covariance (its Hessian was not positive definite), ` +
        'so there is no interval to draw; check the fit message and refit on more data.',
    );
  }
  const rng = new Rng(seed);
  const out = new Float64Array(draws * p);
  const z = new Float64Array(p);
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < p; i++) z[i] = rng.normal();
    for (let i = 0; i < p; i++) {
      let s = logMean[i]!;
      for (let k = 0; k <= i; k++) s += l[i * p + k]! * z[k]!;
      out[d * p + i] = Math.exp(s);
    }
  }
  return out;
}

/** Checks interval options and fills defaults. */
export function intervalSettings(where: string, o: IntervalOptions): Required<IntervalOptions> {
  const draws = o.draws ?? 500;
  const level = o.level ?? 0.9;
  if (!Number.isInteger(draws) || draws < 10 || !(level > 0 && level < 1)) {
    throw new MlError(
      'BAD_OPTION',
      `${where}: draws must be a whole number >= 10 and level in (0, 1) (got ${draws}, ${level}).`,
    );
  }
  return { draws, seed: o.seed ?? 0, level };
}

/**
 * Per-column percentiles of a draws x n row-major sample: the (1 - level)/2 and (1 + level)/2
 * quantiles, with linear interpolation between order statistics.
 */
export function columnQuantiles(
  sample: Float64Array,
  draws: number,
  n: number,
  level: number,
): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const col = new Float64Array(draws);
  const q = (sorted: Float64Array, prob: number): number => {
    const pos = prob * (draws - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, draws - 1);
    return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
  };
  for (let j = 0; j < n; j++) {
    for (let d = 0; d < draws; d++) col[d] = sample[d * n + j]!;
    col.sort();
    lower[j] = q(col, (1 - level) / 2);
    upper[j] = q(col, (1 + level) / 2);
  }
  return { lower, upper };
}
