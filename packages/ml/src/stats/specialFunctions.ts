/**
 * Log-gamma, log-beta, the regularized incomplete beta and gamma functions, erf and erfc.
 * Written here because `ml` imports nothing; accuracy against scipy is measured in
 * `test/stats.special.test.ts` (about 1e-14 relative away from the zeros of log-gamma).
 */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const EPS = 2.5e-16;
// Lentz's method divides by these; a value this small stands in for an exact zero.
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

// Stirling's series needs an argument this large for its first eight terms to reach double precision.
const STIRLING_FROM = 15;
// B_{2k} / (2k (2k - 1)) for k = 1..8, the coefficients of Stirling's series.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/**
 * ln Γ(x) for x > 0 (NaN below, +Infinity at 0). Stirling's series after shifting the argument
 * up to 15; absolute error about 1e-14, so relative error grows only near the zeros at 1 and 2.
 */
export function logGamma(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.POSITIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  let product = 1;
  while (x < STIRLING_FROM) {
    product *= x;
    x += 1;
  }
  const stirling = (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingCorrection(x);
  return product === 1 ? stirling : stirling - Math.log(product);
}

/**
 * ln Γ(x) - [(x - 1/2) ln x - x + ln sqrt(2π)], the small tail of Stirling's series, for x >= 15
 * (NaN below). Lets callers combine log-gammas of large arguments without cancelling huge terms.
 */
export function stirlingCorrection(x: number): number {
  if (!(x >= STIRLING_FROM)) return Number.NaN;
  const inv = 1 / x;
  const inv2 = inv * inv;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inv2 + STIRLING[k]!;
  return series * inv;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b), for a, b > 0. */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * I_x(a, b) by the continued fraction, assuming x is below the mean-ish switch point
 * (a + 1) / (a + b + 2), where it converges in O(sqrt(max(a, b))) terms.
 * `y` is 1 - x, passed separately so callers that know it exactly do not lose it.
 */
function betaFraction(x: number, y: number, a: number, b: number): number {
  const logFront = a * Math.log(x) + b * Math.log(y) - logBeta(a, b) - Math.log(a);
  const front = Math.exp(logFront);
  if (front === 0) return 0;
  // Modified Lentz evaluation of 1 / (1 + d1 / (1 + d2 / (1 + ...))).
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + even * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + even / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + odd * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + odd / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return front * h;
}

function checkBetaArgs(x: number, a: number, b: number): boolean {
  return a > 0 && b > 0 && x >= 0 && x <= 1;
}

/**
 * The regularized incomplete beta function I_x(a, b) = P(X <= x) for X ~ Beta(a, b).
 * Pass `y = 1 - x` when it is known more exactly than `1 - x` can be computed (a t tail does).
 * NaN outside a, b > 0 and 0 <= x <= 1.
 */
export function incompleteBeta(x: number, a: number, b: number, y = 1 - x): number {
  if (!checkBetaArgs(x, a, b)) return Number.NaN;
  if (x === 0) return 0;
  if (y === 0) return 1;
  if (x < (a + 1) / (a + b + 2)) return betaFraction(x, y, a, b);
  return 1 - betaFraction(y, x, b, a);
}

/**
 * 1 - I_x(a, b) = P(X > x), computed without cancellation: the upper tail keeps its relative
 * accuracy far out (what p-values need).
 */
export function incompleteBetaComplement(x: number, a: number, b: number, y = 1 - x): number {
  if (!checkBetaArgs(x, a, b)) return Number.NaN;
  if (x === 0) return 1;
  if (y === 0) return 0;
  if (x < (a + 1) / (a + b + 2)) return 1 - betaFraction(x, y, a, b);
  return betaFraction(y, x, b, a);
}

/** P(a, x) by its power series; converges fast for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a + 1));
  if (front === 0) return 0;
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * EPS) break;
  }
  return front * sum;
}

/** Q(a, x) by its continued fraction (Lentz); converges fast for x >= a + 1. */
function gammaFraction(a: number, x: number): number {
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (front === 0) return 0;
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return front * h;
}

/** The regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a), a > 0, x >= 0. */
export function incompleteGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaFraction(a, x);
}

/** The regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate far into the tail. */
export function incompleteGammaComplement(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaFraction(a, x);
}

/** The error function, as P(1/2, x^2) with the sign of x. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === 0) return x;
  const v = incompleteGamma(0.5, x * x);
  return x < 0 ? -v : v;
}

/** The complementary error function 1 - erf(x), as Q(1/2, x^2); keeps relative accuracy for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < 0) return 1 + incompleteGamma(0.5, x * x);
  return incompleteGammaComplement(0.5, x * x);
}
