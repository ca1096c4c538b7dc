import { cholesky, invertLowerTriangular } from '../linalg/cholesky.ts';
import { minimizeBfgs } from '../optimize/bfgs.ts';
import type { MinimizeResult } from '../optimize/minimizeTypes.ts';
import { minimizeNelderMead } from '../optimize/nelderMead.ts';
import { numericalHessian } from '../optimize/numericalHessian.ts';

/** Log-parameters beyond this magnitude (e^20 ~ 5e8) count as having run off to a bound. */
export const LOG_PARAMETER_BOUND = 20;
/** The objective is +Infinity beyond this, a wall the optimisers back away from. */
const LOG_PARAMETER_WALL = 30;

/** The outcome of `fitLogParameters`: the optimum, its uncertainty and a convergence report. */
export interface LogParameterFit {
  /** Parameters on their natural scale, exp(theta). */
  params: Float64Array;
  /** The optimum on the log scale. */
  logParams: Float64Array;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  message: string;
  /** Covariance of the log-parameters, inverse Hessian of the negative log-likelihood (p x p). */
  logCovariance: Float64Array;
  /** Delta-method covariance of the natural parameters, diag(params) logCov diag(params). */
  covariance: Float64Array;
  /** Square roots of the covariance's diagonal; NaN when the Hessian is not positive definite. */
  standardErrors: Float64Array;
}

/**
 * Maximum likelihood over positive parameters, optimised on their logs so no bounds are
 * needed. BFGS runs from every start; when none of those converges, Nelder-Mead from the best
 * of them and BFGS again; the best finite optimum wins. Non-finite log-likelihoods count
 * as impossible. The fit is reported converged only when the gradient at the optimum is small
 * relative to the log-likelihood, no parameter ran off to 0 or infinity, and the Hessian is
 * positive definite (so standard errors exist); otherwise `message` says which failed.
 */
export function fitLogParameters(
  logLikelihood: (params: Float64Array) => number,
  starts: Float64Array[],
  names: readonly string[],
): LogParameterFit {
  const p = names.length;
  const natural = new Float64Array(p);
  const negLL = (theta: Float64Array): number => {
    for (let i = 0; i < p; i++) {
      if (!(Math.abs(theta[i]!) <= LOG_PARAMETER_WALL)) return Number.POSITIVE_INFINITY;
      natural[i] = Math.exp(theta[i]!);
    }
    const ll = logLikelihood(natural);
    return Number.isFinite(ll) ? -ll : Number.POSITIVE_INFINITY;
  };
  let best: MinimizeResult | null = null;
  let iterations = 0;
  const consider = (r: MinimizeResult): void => {
    iterations += r.iterations;
    if (Number.isFinite(r.value) && (best === null || r.value < best.value)) best = r;
  };
  let anyConverged = false;
  for (const s of starts) {
    const r = minimizeBfgs(negLL, s, { tolerance: 1e-9, maxIterations: 500 });
    anyConverged ||= r.converged;
    consider(r);
  }
  if (!anyConverged) {
    // BFGS can stall in a curved valley or at a wall of non-finite values; the simplex does not
    // need gradients there, and BFGS afterwards polishes what it finds.
    const seed = best === null ? starts[0]! : (best as MinimizeResult).x;
    const nm = minimizeNelderMead(negLL, seed, { initialStep: 0.3, maxIterations: 4000 });
    consider(nm);
    consider(minimizeBfgs(negLL, nm.x, { tolerance: 1e-9, maxIterations: 500 }));
  }
  if (best === null) {
    const nan = new Float64Array(p).fill(Number.NaN);
    return {
      params: nan,
      logParams: nan,
      logLikelihood: Number.NaN,
      converged: false,
      iterations,
      message: 'the log-likelihood is not finite at any starting point or along the search',
      logCovariance: new Float64Array(p * p).fill(Number.NaN),
      covariance: new Float64Array(p * p).fill(Number.NaN),
      standardErrors: nan,
    };
  }
  const found = best as MinimizeResult;
  const theta = found.x;
  const params = theta.map(Math.exp);
  const logLik = -found.value;
  const problems: string[] = [];
  const grad = new Float64Array(p);
  gradientAt(negLL, theta, grad);
  let gNorm = 0;
  for (let i = 0; i < p; i++) gNorm = Math.max(gNorm, Math.abs(grad[i]!));
  if (!(gNorm <= 1e-6 * (1 + Math.abs(logLik)))) {
    problems.push(
      `the gradient at the best point is not small (max |dLL/dlog(param)| = ${gNorm.toExponential(2)})`,
    );
  }
  const runaway = names.filter((_, i) => Math.abs(theta[i]!) > LOG_PARAMETER_BOUND);
  if (runaway.length > 0) {
    problems.push(`${runaway.join(', ')} ran off towards 0 or infinity, so the data do not pin them down`);
  }
  const logCovariance = new Float64Array(p * p).fill(Number.NaN);
  const h = numericalHessian(negLL, theta);
  if (!invertSpd(h, p, logCovariance)) {
    logCovariance.fill(Number.NaN);
    problems.push('the Hessian at the optimum is not positive definite, so there are no standard errors');
  }
  const covariance = new Float64Array(p * p);
  const standardErrors = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) covariance[i * p + j] = params[i]! * params[j]! * logCovariance[i * p + j]!;
    standardErrors[i] = Math.sqrt(covariance[i * p + i]!);
  }
  return {
    params,
    logParams: theta,
    logLikelihood: logLik,
    converged: problems.length === 0,
    iterations,
    message:
      problems.length === 0
        ? `converged: log-likelihood ${logLik.toFixed(4)}, gradient norm ${gNorm.toExponential(2)}`
        : `did not converge: ${problems.join('; ')}`,
    logCovariance,
    covariance,
    standardErrors,
  };
}

function gradientAt(f: (x: Float64Array) => number, x: Float64Array, out: Float64Array): void {
  const xt = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const h = 1e-5 * Math.max(1, Math.abs(x[i]!));
    xt[i] = x[i]! + h;
    const fp = f(xt);
    xt[i] = x[i]! - h;
    const fm = f(xt);
    xt[i] = x[i]!;
    out[i] = (fp - fm) / (2 * h);
  }
}

/** Inverse of a symmetric positive-definite p x p matrix through its Cholesky factor. */
export function invertSpd(a: Float64Array, p: number, out: Float64Array): boolean {
  const l = new Float64Array(p * p);
  if (!cholesky(a, p, l)) return false;
  const w = new Float64Array(p * p);
  invertLowerTriangular(l, p, w);
  // A^-1 = L^-T L^-1
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < p; k++) s += w[k * p + i]! * w[k * p + j]!;
      out[i * p + j] = s;
      out[j * p + i] = s;
    }
  }
  return true;
}
