/**
 * Normal, Student t, chi-square and beta distributions on top of `specialFunctions.ts`.
 * Every survival function (`...Sf`) is computed directly, not as 1 - cdf, so tiny p-values keep
 * their relative accuracy.
 */
import {
  erfc,
  incompleteBeta,
  incompleteBetaComplement,
  incompleteGamma,
  incompleteGammaComplement,
  logBeta,
  logGamma,
} from './specialFunctions.ts';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

/** Standard normal P(Z <= z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z * Math.SQRT1_2);
}

/** Standard normal P(Z > z). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z * Math.SQRT1_2);
}

/**
 * Standard normal quantile: z with P(Z <= z) = p. A rational first guess (Abramowitz & Stegun
 * 26.2.23, error < 4.5e-4) polished by Halley steps on `normalCdf`, so the result is as accurate
 * as the cdf itself (about 1e-15 relative), down to p = 1e-300.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  // Work in the lower tail; 1 - p is exact for p >= 0.5.
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  let z = -(
    t -
    (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)))
  );
  for (let i = 0; i < 20; i++) {
    const u = (normalCdf(z) - q) / normalPdf(z);
    const step = u / (1 + 0.5 * z * u);
    z -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(z))) break;
  }
  return p < 0.5 ? z : -z;
}

/** P(T > t) for Student's t with `df` > 0 degrees of freedom (df = Infinity is the normal). */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalSf(t);
  const t2 = t * t;
  // P(|T| > |t|) = I_x(df/2, 1/2) with x = df / (df + t^2); 1 - x is passed exactly.
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  const twoTail = t2 === Number.POSITIVE_INFINITY ? 0 : incompleteBeta(x, df / 2, 0.5, y);
  return t > 0 ? 0.5 * twoTail : 1 - 0.5 * twoTail;
}

/** P(T <= t) for Student's t. */
export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}

/** Student t density. */
export function studentTPdf(t: number, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return normalPdf(t);
  return Math.exp(
    logGamma((df + 1) / 2) -
      logGamma(df / 2) -
      0.5 * Math.log(df * Math.PI) -
      ((df + 1) / 2) * Math.log1p((t * t) / df),
  );
}

/** Student t quantile: t with P(T <= t) = p, via the inverse incomplete beta. */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  const q = p < 0.5 ? p : 1 - p;
  // P(|T| > t) = 2q = I_x(df/2, 1/2), x = df / (df + t^2). Near the centre solve for 1 - x instead.
  let t: number;
  if (q < 0.25) {
    const x = betaQuantile(2 * q, df / 2, 0.5);
    t = Math.sqrt((df * (1 - x)) / x);
  } else {
    const y = betaQuantile(1 - 2 * q, 0.5, df / 2);
    t = Math.sqrt((df * y) / (1 - y));
  }
  return p < 0.5 ? -t : t;
}

/** P(X <= x) for chi-square with `df` degrees of freedom. */
export function chiSquareCdf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 0;
  return incompleteGamma(df / 2, x / 2);
}

/** P(X > x) for chi-square with `df` degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return incompleteGammaComplement(df / 2, x / 2);
}

/** Beta(a, b) density. */
export function betaPdf(x: number, a: number, b: number): number {
  if (x < 0 || x > 1) return 0;
  if (x === 0) return a < 1 ? Number.POSITIVE_INFINITY : a === 1 ? b : 0;
  if (x === 1) return b < 1 ? Number.POSITIVE_INFINITY : b === 1 ? a : 0;
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
}

/** P(X <= x) for X ~ Beta(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return incompleteBeta(x, a, b);
}

/** P(X > x) for X ~ Beta(a, b). */
export function betaSf(x: number, a: number, b: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  return incompleteBetaComplement(x, a, b);
}

/**
 * Beta(a, b) quantile: x with I_x(a, b) = p. Newton steps on the cdf inside a bracket that
 * shrinks on every evaluation, with bisection (geometric when the bracket spans decades) when
 * a step would leave it; converges to about 1e-15 relative.
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(a > 0) || !(b > 0)) return Number.NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  // Solve in the nearer tail so the target keeps its relative precision: the upper tail of
  // Beta(a, b) at x is the lower tail of Beta(b, a) at 1 - x.
  if (p > 0.5) return 1 - lowerBetaQuantile(1 - p, b, a);
  return lowerBetaQuantile(p, a, b);
}

function lowerBetaQuantile(p: number, a: number, b: number): number {
  const lb = logBeta(a, b);
  let lo = 0;
  let hi = 1;
  let x = firstBetaGuess(p, a, b, lb);
  for (let i = 0; i < 400; i++) {
    const f = incompleteBeta(x, a, b) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lb);
    let next = x - f / density;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) {
      // Geometric midpoint while the bracket spans orders of magnitude near 0.
      next = lo > 0 && hi / lo > 4 ? Math.sqrt(lo * hi) : lo === 0 && hi < 1e-3 ? hi / 16 : 0.5 * (lo + hi);
    }
    if (Math.abs(next - x) <= 1e-15 * x || hi - lo <= 1e-16 * hi) return next;
    x = next;
  }
  return x;
}

function firstBetaGuess(p: number, a: number, b: number, lb: number): number {
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) * (a + b) * (a + b + 1)));
  const guess = mean + normalQuantile(p) * sd;
  if (guess > 0 && guess < 1 && a > 1 && b > 1) return guess;
  // Near 0, I_x(a, b) ~ x^a / (a B(a, b)).
  const tail = Math.exp((Math.log(p) + Math.log(a) + lb) / a);
  return tail > 0 && tail < 1 ? tail : 0.5;
}
