import { MlError } from '../errors.ts';

const INV_SQRT_2PI = 0.3989422804014327;

/**
 * Upper tail Q(x) = 1 - Phi(x) of the standard normal for x >= 0, to near full relative
 * precision: below 3 by the Taylor series Phi(x) = 1/2 + phi(x) sum x^(2k+1) / (2k+1)!!
 * (positive terms, so no cancellation inside the sum), from 3 on by Laplace's continued
 * fraction Q(x) = phi(x) / (x + 1/(x + 2/(x + 3/(x + ...)))), evaluated backwards, so tail
 * probabilities as small as 1e-12 keep their digits.
 */
function upperTail(x: number): number {
  const density = INV_SQRT_2PI * Math.exp(-0.5 * x * x);
  if (x < 3) {
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let k = 1; k < 200; k++) {
      term *= x2 / (2 * k + 1);
      sum += term;
      if (term <= 1e-17 * sum) break;
    }
    return 0.5 - density * sum;
  }
  let f = x;
  for (let k = 300; k >= 1; k--) f = x + k / f;
  return density / f;
}

/** Standard normal CDF, accurate in both tails. */
export function normalCdf(x: number): number {
  return x >= 0 ? 1 - upperTail(x) : upperTail(-x);
}

/**
 * The p-quantile of the standard normal, for 1e-12 <= p <= 1 - 1e-12: a rational starting value
 * (Abramowitz & Stegun 26.2.23, error < 4.5e-4) refined by Newton steps on the upper tail of
 * the smaller of p and 1 - p, so the result is accurate to about 1e-14 across that range.
 *
 * @example
 * normalQuantile(0.95); // 1.6448536269514722
 */
export function normalQuantile(p: number): number {
  if (!(p >= 1e-12 && p <= 1 - 1e-12)) {
    throw new MlError('BAD_OPTION', `normalQuantile: p must be in [1e-12, 1 - 1e-12], got ${p}.`);
  }
  if (p === 0.5) return 0;
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  let z =
    t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
  for (let i = 0; i < 10; i++) {
    const step = (upperTail(z) - q) / (INV_SQRT_2PI * Math.exp(-0.5 * z * z));
    z += step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, z)) break;
  }
  return p < 0.5 ? -z : z;
}
