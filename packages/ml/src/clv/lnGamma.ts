const HALF_LN_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Gamma(x) for x > 0, to about 1e-15 absolute: the Stirling series with six Bernoulli terms
 * once x >= 10 (the first omitted term is below 1e-15 there), and the recurrence
 * Gamma(x) = Gamma(x + k) / (x (x+1) ... (x+k-1)) below that. NaN for x <= 0.
 *
 * @example
 * lnGamma(5); // ln 24 = 3.178...
 */
export function lnGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  let shift = 0;
  let product = 1;
  while (x < 10) {
    product *= x;
    x += 1;
    shift++;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series =
    inv *
    (1 / 12 +
      inv2 * (-1 / 360 + inv2 * (1 / 1260 + inv2 * (-1 / 1680 + inv2 * (1 / 1188 - (inv2 * 691) / 360360)))));
  const stirling = (x - 0.5) * Math.log(x) - x + HALF_LN_TWO_PI + series;
  return shift === 0 ? stirling : stirling - Math.log(product);
}

/**
 * ln |Gamma(x)| and the sign of Gamma(x) for any real x that is not 0 or a negative integer,
 * by the reflection formula Gamma(x) Gamma(1 - x) = pi / sin(pi x) for x < 0.5.
 * At a pole the sign is 0 and the log +Infinity (so 1 / Gamma is 0 there).
 */
export function lnAbsGammaSigned(x: number): { value: number; sign: number } {
  if (x > 0) return { value: lnGamma(x), sign: 1 };
  if (Number.isInteger(x)) return { value: Number.POSITIVE_INFINITY, sign: 0 };
  const s = Math.sin(Math.PI * x);
  return {
    value: Math.log(Math.PI) - Math.log(Math.abs(s)) - lnGamma(1 - x),
    sign: Math.floor(x) % 2 === 0 ? 1 : -1,
  };
}

/** ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b), for a, b > 0. */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}
