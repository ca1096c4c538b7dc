import { MlError } from '../errors.ts';
import type { MinimizeOptions, MinimizeResult } from './minimizeTypes.ts';

/**
 * Derivative-free minimisation of `f` by the Nelder-Mead simplex (Nelder & Mead 1965, with the
 * standard coefficients: reflection 1, expansion 2, contraction 1/2, shrink 1/2, as analysed
 * by Lagarias et al. 1998).
 *
 * A non-finite `f` is treated as +Infinity, so an objective may return NaN or Infinity outside
 * its domain and the simplex simply backs away from there.
 *
 * Options: `maxIterations` (default 200 n), `tolerance` (default 1e-10): converged once the
 * simplex's objective spread is at most `tolerance * (1 + |f_best|)` and its widest coordinate
 * spread at most `sqrt(tolerance) * (1 + max|x_best|)` (at a smooth minimum f varies with the
 * square of the distance, hence the square root). `initialStep`: each starting edge moves one
 * coordinate by this much; by default by 5% of that coordinate (0.00025 when it is 0).
 *
 * Cost per iteration: 1 or 2 evaluations, n + 1 on a shrink; O(n^2) arithmetic.
 *
 * @example
 * const r = minimizeNelderMead((x) => (x[0]! - 1) ** 2 + (x[1]! + 2) ** 2, Float64Array.of(0, 0));
 * // r.x ~ [1, -2], r.converged === true
 */
export function minimizeNelderMead(
  f: (x: Float64Array) => number,
  x0: Float64Array,
  options: MinimizeOptions = {},
): MinimizeResult {
  const n = x0.length;
  if (n === 0)
    throw new MlError('EMPTY_INPUT', 'minimizeNelderMead: x0 is empty; pass at least one parameter.');
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x0[i]!)) {
      throw new MlError('NON_FINITE', `minimizeNelderMead: x0[${i}] is ${x0[i]}; start from finite values.`);
    }
  }
  const maxIterations = options.maxIterations ?? 200 * n;
  const tol = options.tolerance ?? 1e-10;
  if (!(maxIterations >= 1) || !(tol > 0)) {
    throw new MlError(
      'BAD_OPTION',
      'minimizeNelderMead: maxIterations must be at least 1 and tolerance positive.',
    );
  }
  let evaluations = 0;
  const evalF = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };

  // Vertices as rows of one buffer; `order` keeps them sorted by value without moving rows.
  const pts = new Float64Array((n + 1) * n);
  const vals = new Float64Array(n + 1);
  pts.set(x0, 0);
  for (let k = 1; k <= n; k++) {
    const row = pts.subarray(k * n, (k + 1) * n);
    row.set(x0);
    const xi = x0[k - 1]!;
    const step = options.initialStep ?? (xi !== 0 ? 0.05 * xi : 0.00025);
    row[k - 1] = xi + step;
  }
  for (let k = 0; k <= n; k++) vals[k] = evalF(pts.subarray(k * n, (k + 1) * n));
  const order = Array.from({ length: n + 1 }, (_, k) => k);
  const centroid = new Float64Array(n);
  const xr = new Float64Array(n);
  const xe = new Float64Array(n);
  const xc = new Float64Array(n);
  const along = (out: Float64Array, worst: Float64Array, t: number): void => {
    for (let i = 0; i < n; i++) out[i] = centroid[i]! + t * (centroid[i]! - worst[i]!);
  };

  let iterations = 0;
  let converged = false;
  let message = `stopped after maxIterations (${maxIterations}) without meeting the tolerance`;
  while (iterations < maxIterations) {
    order.sort((p, q) => vals[p]! - vals[q]! || p - q);
    const best = order[0]!;
    const worstIdx = order[n]!;
    const fBest = vals[best]!;
    const fWorst = vals[worstIdx]!;
    if (fBest === Number.POSITIVE_INFINITY) {
      message = 'the objective is not finite at any vertex of the simplex; start from a point where it is';
      break;
    }
    if (simplexSmall(pts, vals, order, n, tol)) {
      converged = true;
      message = 'simplex objective and coordinate spreads are below the tolerance';
      break;
    }
    iterations++;
    centroid.fill(0);
    for (let k = 0; k < n; k++) {
      const o = order[k]! * n;
      for (let i = 0; i < n; i++) centroid[i] = centroid[i]! + pts[o + i]! / n;
    }
    const worst = pts.subarray(worstIdx * n, (worstIdx + 1) * n);
    along(xr, worst, 1);
    const fr = evalF(xr);
    const fSecond = vals[order[n - 1]!]!;
    if (fr < fBest) {
      along(xe, worst, 2);
      const fe = evalF(xe);
      worst.set(fe < fr ? xe : xr);
      vals[worstIdx] = Math.min(fe, fr);
      continue;
    }
    if (fr < fSecond) {
      worst.set(xr);
      vals[worstIdx] = fr;
      continue;
    }
    // Contract outside when the reflection beat the worst point, inside otherwise.
    const outside = fr < fWorst;
    along(xc, worst, outside ? 0.5 : -0.5);
    const fc = evalF(xc);
    if (outside ? fc <= fr : fc < fWorst) {
      worst.set(xc);
      vals[worstIdx] = fc;
      continue;
    }
    const bo = best * n;
    for (let k = 1; k <= n; k++) {
      const idx = order[k]!;
      const o = idx * n;
      for (let i = 0; i < n; i++) pts[o + i] = pts[bo + i]! + 0.5 * (pts[o + i]! - pts[bo + i]!);
      vals[idx] = evalF(pts.subarray(o, o + n));
    }
  }
  let bestIdx = 0;
  for (let k = 1; k <= n; k++) if (vals[k]! < vals[bestIdx]!) bestIdx = k;
  return {
    x: pts.slice(bestIdx * n, (bestIdx + 1) * n),
    value: vals[bestIdx]!,
    iterations,
    evaluations,
    converged,
    message,
  };
}

function simplexSmall(
  pts: Float64Array,
  vals: Float64Array,
  order: number[],
  n: number,
  tol: number,
): boolean {
  const best = order[0]!;
  const fBest = vals[best]!;
  if (!(vals[order[n]!]! - fBest <= tol * (1 + Math.abs(fBest)))) return false;
  const bo = best * n;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(pts[bo + i]!));
  const xTol = Math.sqrt(tol) * (1 + scale);
  for (let k = 1; k <= n; k++) {
    const o = order[k]! * n;
    for (let i = 0; i < n; i++) if (Math.abs(pts[o + i]! - pts[bo + i]!) > xTol) return false;
  }
  return true;
}
