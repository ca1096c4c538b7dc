import { MlError } from '../errors.ts';
import { Rng } from '../random.ts';
import { checkConfidence, checkSample } from './alternative.ts';
import { normalCdf, normalQuantile } from './distributions.ts';

export type BootstrapStatistic = 'mean' | 'median';

export interface BootstrapDifferenceOptions {
  /** Default 'mean'. */
  statistic?: BootstrapStatistic;
  /** Number of bootstrap resamples. Default 10000. */
  resamples?: number;
  /** Default 0.95. */
  confidence?: number;
  /** Seed of the resampling; the same seed gives the same intervals. Default 0. */
  seed?: number;
}

export interface BootstrapDifferenceResult {
  /** stat(B) - stat(A) on the data. */
  estimate: number;
  /** Percentile interval: quantiles of the bootstrap differences. */
  percentile: [number, number];
  /** Bias-corrected and accelerated interval (Efron 1987), as scipy's `bootstrap(method='BCa')`. */
  bca: [number, number];
  /** Standard deviation (n - 1) of the bootstrap differences. */
  standardError: number;
  /** BCa bias correction: normal quantile of the share of resamples below the estimate. */
  biasCorrection: number;
  /** BCa acceleration from the two-sample jackknife (deterministic). */
  acceleration: number;
  statistic: BootstrapStatistic;
  resamples: number;
  confidence: number;
  seed: number;
  nA: number;
  nB: number;
}

/**
 * Two-sample bootstrap of stat(B) - stat(A): each group is resampled with replacement on its
 * own, like scipy's `bootstrap((a, b), ..., paired=False)`. O(resamples (nA + nB)) for the
 * mean, times log n for the median.
 *
 * ```ts
 * const r = bootstrapDifference(spendA, spendB, { statistic: 'median', seed: 7 });
 * r.estimate; r.bca;
 * ```
 */
export function bootstrapDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapDifferenceOptions = {},
): BootstrapDifferenceResult {
  const fn = 'bootstrapDifference';
  const statistic = options.statistic ?? 'mean';
  if (statistic !== 'mean' && statistic !== 'median') {
    throw new MlError('BAD_OPTION', `${fn}: statistic must be 'mean' or 'median', got ${String(statistic)}`);
  }
  const resamples = options.resamples ?? 10_000;
  if (!(Number.isInteger(resamples) && resamples >= 100)) {
    throw new MlError(
      'BAD_OPTION',
      `${fn}: resamples must be a whole number >= 100 (10000 is typical), got ${resamples}`,
    );
  }
  const confidence = checkConfidence(fn, options.confidence);
  const seed = options.seed ?? 0;
  const x = checkSample(fn, 'A', a, 1);
  const y = checkSample(fn, 'B', b, 1);
  const stat = statistic === 'mean' ? mean : median;
  const estimate = stat(y) - stat(x);

  const rng = new Rng(seed);
  const bufA = new Float64Array(x.length);
  const bufB = new Float64Array(y.length);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < x.length; i++) bufA[i] = x[rng.int(x.length)]!;
    for (let i = 0; i < y.length; i++) bufB[i] = y[rng.int(y.length)]!;
    diffs[r] = stat(bufB) - stat(bufA);
  }

  let below = 0;
  let atOrBelow = 0;
  let sum = 0;
  for (let r = 0; r < resamples; r++) {
    const d = diffs[r]!;
    if (d < estimate) below++;
    if (d <= estimate) atOrBelow++;
    sum += d;
  }
  const bootMean = sum / resamples;
  let ss = 0;
  for (let r = 0; r < resamples; r++) ss += (diffs[r]! - bootMean) ** 2;
  diffs.sort();

  const tail = (1 - confidence) / 2;
  // Ties with the estimate count half, as scipy's percentile of score.
  const biasCorrection = normalQuantile((below + atOrBelow) / (2 * resamples));
  const acceleration = jackknifeAcceleration(x, y, statistic);
  const adjusted = (zAlpha: number): number => {
    const num = biasCorrection + zAlpha;
    return normalCdf(biasCorrection + num / (1 - acceleration * num));
  };
  return {
    estimate,
    percentile: [quantileSorted(diffs, tail), quantileSorted(diffs, 1 - tail)],
    bca: [
      quantileSorted(diffs, adjusted(normalQuantile(tail))),
      quantileSorted(diffs, adjusted(-normalQuantile(tail))),
    ],
    standardError: Math.sqrt(ss / (resamples - 1)),
    biasCorrection,
    acceleration,
    statistic,
    resamples,
    confidence,
    seed,
    nA: x.length,
    nB: y.length,
  };
}

function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** Median; sorts its argument in place (the callers pass scratch buffers or copies). */
function median(x: Float64Array): number {
  x.sort();
  const n = x.length;
  const h = n >> 1;
  return n % 2 === 1 ? x[h]! : 0.5 * (x[h - 1]! + x[h]!);
}

/** numpy's default ('linear') quantile of a sorted array, q in [0, 1]. */
function quantileSorted(sorted: Float64Array, q: number): number {
  if (Number.isNaN(q)) return Number.NaN;
  const pos = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The BCa acceleration for a statistic of two samples: each sample is jackknifed with the other
 * held whole, and the skewness terms of the two are pooled (scipy's multi-sample BCa).
 */
function jackknifeAcceleration(x: Float64Array, y: Float64Array, statistic: BootstrapStatistic): number {
  let num = 0;
  let den = 0;
  // theta = stat(B) - stat(A): A's jackknife values enter with a minus sign, which flips its cube.
  for (const [sample, sign] of [
    [x, -1],
    [y, 1],
  ] as const) {
    const n = sample.length;
    if (n < 2) continue;
    const loo = leaveOneOut(sample, statistic);
    // The other sample's statistic shifts every jackknife value equally, so it cancels here.
    let m = 0;
    for (let i = 0; i < n; i++) m += loo[i]!;
    m /= n;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < n; i++) {
      const u = (n - 1) * (m - loo[i]!);
      s2 += u * u;
      s3 += u * u * u;
    }
    num += (sign * s3) / (n * n * n);
    den += s2 / (n * n);
  }
  return den > 0 ? num / (6 * den ** 1.5) : 0;
}

/** The statistic of the sample with each value left out in turn (order irrelevant to the caller). */
function leaveOneOut(sample: Float64Array, statistic: BootstrapStatistic): Float64Array {
  const n = sample.length;
  const out = new Float64Array(n);
  if (statistic === 'mean') {
    let s = 0;
    for (let i = 0; i < n; i++) s += sample[i]!;
    for (let i = 0; i < n; i++) out[i] = (s - sample[i]!) / (n - 1);
    return out;
  }
  const sorted = Float64Array.from(sample).sort();
  const m = n - 1;
  const at = (k: number, i: number): number => sorted[i < k ? i : i + 1]!;
  for (let k = 0; k < n; k++) {
    const h = m >> 1;
    out[k] = m % 2 === 1 ? at(k, h) : 0.5 * (at(k, h - 1) + at(k, h));
  }
  return out;
}
