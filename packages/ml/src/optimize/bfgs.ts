import { MlError } from '../errors.ts';
import type { MinimizeOptions, MinimizeResult } from './minimizeTypes.ts';

/** `minimizeBfgs` options: the shared ones plus an optional analytic gradient. */
export type BfgsOptions = MinimizeOptions & {
  /** Writes the gradient of `f` at `x` into `out`; central differences are used without it. */
  gradient?: (x: Float64Array, out: Float64Array) => void;
};

const ARMIJO_C1 = 1e-4;
const MAX_BACKTRACKS = 60;

/**
 * Quasi-Newton minimisation of a smooth `f` by BFGS on the inverse Hessian (Nocedal & Wright,
 * Numerical Optimization, 2nd ed., ch. 6), with an Armijo backtracking line search.
 *
 * - Gradient: `options.gradient` when given, else central differences with step
 *   `eps^(1/3) * max(1, |x_i|)` (one-sided where one side is not finite); 2n evaluations each.
 * - A non-finite `f` counts as +Infinity, so the line search shrinks the step away from it.
 * - The inverse-Hessian update is skipped when the curvature `s'y` is not clearly positive
 *   (a step that did not satisfy the Wolfe curvature condition), which keeps it positive
 *   definite; the first update rescales the identity by `s'y / y'y` (N&W eq. 6.20).
 * - Converged when `max |g_i| <= tolerance * (1 + |f|)` (default tolerance 1e-8; the scale
 *   makes it mean the same for a log-likelihood of 10 or 10,000). When no step can reduce `f`
 *   any more, or three steps in a row reduce it only at the rounding level, it stops and reports
 *   converged only if the gradient is within 1000 times that.
 * - `maxIterations` default 200 n; `initialStep` (default 1) caps the length of the first step,
 *   taken along the steepest descent before any curvature is known.
 *
 * @example
 * const rosen = (x: Float64Array) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
 * minimizeBfgs(rosen, Float64Array.of(-1.2, 1)).x; // ~[1, 1]
 */
export function minimizeBfgs(
  f: (x: Float64Array) => number,
  x0: Float64Array,
  options: BfgsOptions = {},
): MinimizeResult {
  const n = x0.length;
  if (n === 0) throw new MlError('EMPTY_INPUT', 'minimizeBfgs: x0 is empty; pass at least one parameter.');
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x0[i]!)) {
      throw new MlError('NON_FINITE', `minimizeBfgs: x0[${i}] is ${x0[i]}; start from finite values.`);
    }
  }
  const maxIterations = options.maxIterations ?? 200 * n;
  const tol = options.tolerance ?? 1e-8;
  const initialStep = options.initialStep ?? 1;
  if (!(maxIterations >= 1) || !(tol > 0) || !(initialStep > 0)) {
    throw new MlError(
      'BAD_OPTION',
      'minimizeBfgs: maxIterations must be at least 1, tolerance and initialStep positive.',
    );
  }
  let evaluations = 0;
  const evalF = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const grad =
    options.gradient ??
    ((x: Float64Array, out: Float64Array, fx: number): void => {
      centralGradient(evalF, x, fx, out);
    });

  const x = Float64Array.from(x0);
  let fx = evalF(x);
  if (fx === Number.POSITIVE_INFINITY) {
    return {
      x,
      value: fx,
      iterations: 0,
      evaluations,
      converged: false,
      message: 'the objective is not finite at the starting point; start where it is finite',
    };
  }
  const g = new Float64Array(n);
  grad(x, g, fx);
  const h = identity(n);
  let fresh = true; // h is still the (unscaled) identity: no curvature information yet
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const hy = new Float64Array(n);

  let iterations = 0;
  let stalled = 0;
  let converged = false;
  let message = `stopped after maxIterations (${maxIterations}) with gradient norm above the tolerance`;
  while (true) {
    const gNorm = maxAbs(g);
    if (!Number.isFinite(gNorm)) {
      message = 'the gradient is not finite at the current point';
      break;
    }
    if (gNorm <= tol * (1 + Math.abs(fx))) {
      converged = true;
      message = `gradient norm ${gNorm.toExponential(2)} is below the tolerance`;
      break;
    }
    if (iterations >= maxIterations) break;
    iterations++;
    let dg = direction(h, g, d, n);
    if (!(dg < 0)) {
      h.set(identity(n));
      fresh = true;
      dg = direction(h, g, d, n);
    }
    let alpha = fresh ? Math.min(1, initialStep / norm2(d)) : 1;
    let fNew = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let k = 0; k < MAX_BACKTRACKS; k++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + alpha * d[i]!;
      fNew = evalF(xNew);
      if (fNew <= fx + ARMIJO_C1 * alpha * dg) {
        accepted = true;
        break;
      }
      alpha *= shrinkFactor(fx, fNew, dg, alpha);
    }
    if (!accepted) {
      if (!fresh) {
        // Stale curvature can point along a poor direction; retry once from steepest descent.
        h.set(identity(n));
        fresh = true;
        continue;
      }
      converged = gNorm <= 1000 * tol * (1 + Math.abs(fx));
      message = `no step along the descent direction reduces f (gradient norm ${gNorm.toExponential(2)})`;
      break;
    }
    // With a noisy (numerical) gradient the line search can keep finding decreases at the
    // rounding level forever; a few such steps in a row mean f is as low as it can be measured.
    stalled = fx - fNew <= 1e-15 * (1 + Math.abs(fx)) ? stalled + 1 : 0;
    grad(xNew, gNew, fNew);
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
      sy += s[i]! * y[i]!;
      yy += y[i]! * y[i]!;
    }
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    if (stalled >= 3) {
      const gn = maxAbs(g);
      converged = gn <= 1000 * tol * (1 + Math.abs(fx));
      message = `f stopped decreasing beyond rounding error (gradient norm ${gn.toExponential(2)})`;
      break;
    }
    if (sy > 1e-10 * norm2(s) * Math.sqrt(yy)) {
      if (fresh) {
        const scale = sy / yy;
        for (let i = 0; i < n * n; i++) h[i] = h[i]! * scale;
        fresh = false;
      }
      updateInverse(h, s, y, hy, sy, n);
    }
  }
  return { x, value: fx, iterations, evaluations, converged, message };
}

/**
 * Central-difference gradient of `f` at `x` into `out`, falling back to a one-sided difference
 * where one neighbour is not finite. `fx` is f(x), used only for that fallback.
 */
export function centralGradient(
  f: (x: Float64Array) => number,
  x: Float64Array,
  fx: number,
  out: Float64Array,
): void {
  const h0 = Math.cbrt(Number.EPSILON);
  const xt = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const h = h0 * Math.max(1, Math.abs(xi));
    xt[i] = xi + h;
    const fp = f(xt);
    xt[i] = xi - h;
    const fm = f(xt);
    xt[i] = xi;
    const pOk = Number.isFinite(fp);
    const mOk = Number.isFinite(fm);
    if (pOk && mOk) out[i] = (fp - fm) / (2 * h);
    else if (pOk) out[i] = (fp - fx) / h;
    else if (mOk) out[i] = (fx - fm) / h;
    else out[i] = Number.NaN;
  }
}

// Safeguarded minimiser of the quadratic through f(x), its slope and f(x + alpha d).
function shrinkFactor(fx: number, fNew: number, dg: number, alpha: number): number {
  if (!Number.isFinite(fNew)) return 0.25;
  const t = (-dg * alpha) / (2 * (fNew - fx - dg * alpha));
  return Math.min(0.5, Math.max(0.1, t));
}

function direction(h: Float64Array, g: Float64Array, d: Float64Array, n: number): number {
  let dg = 0;
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v -= h[i * n + j]! * g[j]!;
    d[i] = v;
    dg += v * g[i]!;
  }
  return dg;
}

// H <- (I - rho s y') H (I - rho y s') + rho s s', expanded so it costs O(n^2).
function updateInverse(
  h: Float64Array,
  s: Float64Array,
  y: Float64Array,
  hy: Float64Array,
  sy: number,
  n: number,
): void {
  let yhy = 0;
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v += h[i * n + j]! * y[j]!;
    hy[i] = v;
    yhy += y[i]! * v;
  }
  const c = (sy + yhy) / (sy * sy);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      h[i * n + j] = h[i * n + j]! + c * s[i]! * s[j]! - (hy[i]! * s[j]! + s[i]! * hy[j]!) / sy;
    }
  }
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (!(a <= m)) m = a; // NaN propagates
  }
  return m;
}

function norm2(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}
