import { MlError } from '../errors.ts';

/**
 * The a, b of UMAP's low-dimensional similarity 1 / (1 + a d^(2b)), fitted by least squares to
 * the target curve 1 for d < minDist, exp(-(d - minDist) / spread) beyond, on 300 evenly spaced
 * d in [0, 3 spread] (umap-learn's find_ab_params). Solved by Levenberg-Marquardt from (1, 1),
 * scipy's curve_fit default start; agrees with scipy to about 1e-7.
 *
 * Complexity: O(300) per iteration, at most 200 iterations.
 *
 * @example
 * findAbParams(0.1, 1); // { a: 1.5769..., b: 0.8950... }
 */
export function findAbParams(minDist: number, spread: number): { a: number; b: number } {
  if (!(spread > 0) || !(minDist >= 0) || !Number.isFinite(spread) || !Number.isFinite(minDist)) {
    throw new MlError(
      'BAD_OPTION',
      `UMAP: minDist = ${minDist} and spread = ${spread} must be finite with minDist >= 0 and spread > 0`,
    );
  }
  const m = 300;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const x = (3 * spread * i) / (m - 1);
    xs[i] = x;
    ys[i] = x < minDist ? 1 : Math.exp(-(x - minDist) / spread);
  }
  let a = 1;
  let b = 1;
  let cost = sse(xs, ys, a, b);
  let lambda = 1e-3;
  for (let iter = 0; iter < 200; iter++) {
    // Normal equations of the 2-parameter Gauss-Newton step.
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < m; i++) {
      const x = xs[i];
      // f(0) = 1 for every a, b: no gradient there, and the residual is 0.
      if (x === 0) continue;
      const u = x ** (2 * b);
      const den = 1 + a * u;
      const f = 1 / den;
      const r = f - ys[i];
      const da = -u / (den * den);
      const db = (-a * u * 2 * Math.log(x)) / (den * den);
      haa += da * da;
      hab += da * db;
      hbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    let improved = false;
    for (let tries = 0; tries < 30; tries++) {
      const A = haa * (1 + lambda);
      const D = hbb * (1 + lambda);
      const det = A * D - hab * hab;
      const stepA = (-ga * D + gb * hab) / det;
      const stepB = (-gb * A + ga * hab) / det;
      const na = a + stepA;
      const nb = b + stepB;
      const nc =
        Number.isFinite(na) && Number.isFinite(nb) && na > 0 && nb > 0 ? sse(xs, ys, na, nb) : Infinity;
      if (nc < cost) {
        const small =
          Math.abs(stepA) <= 1e-12 * (1 + Math.abs(a)) && Math.abs(stepB) <= 1e-12 * (1 + Math.abs(b));
        a = na;
        b = nb;
        const relDrop = (cost - nc) / Math.max(cost, 1e-300);
        cost = nc;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (small || relDrop < 1e-15) return { a, b };
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  return { a, b };
}

function sse(xs: Float64Array, ys: Float64Array, a: number, b: number): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const f = x === 0 ? 1 : 1 / (1 + a * x ** (2 * b));
    const r = f - ys[i];
    s += r * r;
  }
  return s;
}
