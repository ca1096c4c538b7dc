/**
 * Options shared by the minimisers in `optimize/`. All are optional.
 *
 * - `maxIterations`: iterations before giving up (each minimiser documents its default).
 * - `tolerance`: the stopping tolerance, read by each minimiser as it documents (gradient norm
 *   for BFGS, simplex spread for Nelder-Mead).
 * - `initialStep`: the size of the first move (simplex edge for Nelder-Mead, first trial step
 *   length for BFGS), in the units of `x`.
 */
export interface MinimizeOptions {
  maxIterations?: number;
  tolerance?: number;
  initialStep?: number;
}

/**
 * What a minimiser found. `x` is the best point seen and `value` its objective; `converged`
 * says whether the stopping test was met (not merely the iteration budget spent), and
 * `message` says in words which test stopped it.
 */
export interface MinimizeResult {
  x: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}
