import { MlError } from '../errors.ts';

/**
 * Hessian of `f` at `x` by central differences, returned row-major n x n and symmetric.
 *
 * Step for coordinate i is `step * max(1, |x_i|)`; the default `step` 1e-4 (about eps^(1/4))
 * balances truncation error O(h^2) against rounding error O(eps |f| / h^2), which makes the
 * entries good to roughly 1e-7 relative for a well-scaled f. Off-diagonal entries use the
 * four-point formula, diagonal ones the three-point formula; 2 n^2 + 1 evaluations.
 *
 * Used for standard errors of maximum-likelihood fits: the inverse of the Hessian of the
 * negative log-likelihood at the optimum estimates the parameters' covariance.
 *
 * @example
 * numericalHessian((x) => x[0]! ** 2 + 3 * x[0]! * x[1]!, Float64Array.of(1, 2)); // ~[2, 3, 3, 0]
 */
export function numericalHessian(f: (x: Float64Array) => number, x: Float64Array, step = 1e-4): Float64Array {
  const n = x.length;
  if (!(step > 0)) throw new MlError('BAD_OPTION', 'numericalHessian: step must be positive, e.g. 1e-4.');
  const h = new Float64Array(n);
  for (let i = 0; i < n; i++) h[i] = step * Math.max(1, Math.abs(x[i]!));
  const xt = Float64Array.from(x);
  const f0 = f(xt);
  const out = new Float64Array(n * n);
  const at = (i: number, di: number, j: number, dj: number): number => {
    xt[i] = xt[i]! + di;
    xt[j] = xt[j]! + dj;
    const v = f(xt);
    xt[i] = x[i]!;
    xt[j] = x[j]!;
    return v;
  };
  for (let i = 0; i < n; i++) {
    const hi = h[i]!;
    out[i * n + i] = (at(i, hi, i, 0) - 2 * f0 + at(i, -hi, i, 0)) / (hi * hi);
    for (let j = 0; j < i; j++) {
      const hj = h[j]!;
      const v =
        (at(i, hi, j, hj) - at(i, hi, j, -hj) - at(i, -hi, j, hj) + at(i, -hi, j, -hj)) / (4 * hi * hj);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}
