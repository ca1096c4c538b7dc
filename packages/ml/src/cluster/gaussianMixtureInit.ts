import { MlError } from '../errors.ts';
import { cholesky } from '../linalg/cholesky.ts';
import type { Matrix } from '../matrix.ts';
import { assertFinite } from '../matrix.ts';
import type { Rng } from '../random.ts';
import {
  type CovarianceType,
  computePrecisionCholesky,
  estimateGaussianParameters,
  type MixtureParams,
  scoreRows,
} from './gaussianMixtureSteps.ts';
import { KMeans } from './kmeans.ts';

/** Explicit starting point for EM, as scikit-learn's weights_init / means_init / precisions_init. */
export interface GaussianMixtureInit {
  /** k mixing weights in [0, 1] summing to 1. */
  weights: Float64Array;
  /** k x p starting means. */
  means: Matrix;
  /**
   * k covariances: 'full' p x p row-major symmetric positive definite, 'diag' p positive
   * variances. When omitted, each row goes to its nearest mean and the covariances are those
   * of this hard partition (plus regCovar).
   */
  covariances?: Float64Array[];
}

/** Buffers EM reuses across iterations and starts, sized once per fit. */
export interface EmWorkspace {
  /** n x k responsibilities. */
  resp: Float64Array;
  /** k covariances ('full' p x p, 'diag' p). */
  covs: Float64Array[];
  /** k component masses. */
  nk: Float64Array;
  /** Scatter accumulator, k * p * p ('full') or k * p ('diag'). */
  acc: Float64Array;
  /** p x p scratch for Cholesky factors. */
  scratch: Float64Array;
}

/** The settings a start needs from the estimator. */
export interface StartSettings {
  k: number;
  covarianceType: CovarianceType;
  regCovar: number;
  init: 'kmeans' | 'random' | GaussianMixtureInit;
  who: string;
}

/**
 * Sets `m` and `ws.covs` to the starting point of one EM run, as scikit-learn's
 * `_initialize_parameters`: responsibilities from k-means labels (one k-means start seeded from
 * `rng`) or uniform random numbers, then one M-step; or the explicit weights, means and
 * covariances. Cost: one k-means fit plus one M-step, O(n k p^2) for 'full'.
 */
export function startMixture(x: Matrix, s: StartSettings, rng: Rng, m: MixtureParams, ws: EmWorkspace): void {
  const { k, init } = s;
  const n = x.rows;
  const { resp, nk } = ws;
  if (typeof init !== 'string') {
    explicitStart(x, s, init, m, ws);
    return;
  }
  if (init === 'random') {
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const v = rng.next();
        resp[i * k + c] = v;
        sum += v;
      }
      for (let c = 0; c < k; c++) resp[i * k + c] /= sum;
    }
  } else {
    // Draw the seed even for k = 1 so later starts see the same stream whatever k is.
    const seed = rng.nextUint32();
    const labels = k === 1 ? new Int32Array(n) : new KMeans({ k, nInit: 1, seed }).fit(x).labels;
    hardResponsibilities(labels, k, resp);
  }
  estimateGaussianParameters(x, resp, k, s.covarianceType, s.regCovar, nk, m.means, ws.covs, ws.acc);
  // scikit-learn divides by n here (not by the sum of masses as in later M-steps).
  for (let c = 0; c < k; c++) m.weights[c] = nk[c]! / n;
  computePrecisionCholesky(ws.covs, m, ws.scratch, s.who);
}

function explicitStart(
  x: Matrix,
  s: StartSettings,
  init: GaussianMixtureInit,
  m: MixtureParams,
  ws: EmWorkspace,
): void {
  const { k, covarianceType } = s;
  const p = x.cols;
  if (init.covariances) {
    for (let c = 0; c < k; c++) ws.covs[c]!.set(init.covariances[c]!);
  } else {
    // Equal weights and identity precisions turn scoreRows into nearest-mean assignment.
    m.weights.fill(1 / k);
    m.means.set(init.means.data);
    m.precChol.fill(0);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < p; j++)
        m.precChol[covarianceType === 'full' ? c * p * p + j * p + j : c * p + j] = 1;
    }
    m.logDet.fill(0);
    const labels = new Int32Array(x.rows);
    scoreRows(x, m, null, null, labels);
    hardResponsibilities(labels, k, ws.resp);
    estimateGaussianParameters(x, ws.resp, k, covarianceType, s.regCovar, ws.nk, m.means, ws.covs, ws.acc);
  }
  m.weights.set(init.weights);
  m.means.set(init.means.data);
  computePrecisionCholesky(ws.covs, m, ws.scratch, s.who);
}

function hardResponsibilities(labels: Int32Array, k: number, resp: Float64Array): void {
  resp.fill(0);
  for (let i = 0; i < labels.length; i++) resp[i * k + labels[i]!] = 1;
}

/**
 * Throws MlError (BAD_OPTION or SHAPE_MISMATCH) unless `init` fits k components in p
 * dimensions: weights in [0, 1] summing to 1 (within 1e-6), k x p finite means, and k symmetric
 * positive-definite ('full') or positive ('diag') covariances when given. O(k p^3).
 */
export function checkExplicitInit(
  init: GaussianMixtureInit,
  k: number,
  p: number,
  covarianceType: CovarianceType,
  who: string,
): void {
  const bad = (message: string): never => {
    throw new MlError('BAD_OPTION', `${who}: ${message}`);
  };
  const { weights, means, covariances } = init;
  if (weights?.length !== k) bad(`init.weights has ${weights?.length} values, expected k = ${k}`);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const w = weights[c]!;
    if (!(w >= 0 && w <= 1)) bad(`init.weights[${c}] = ${w}; weights must lie in [0, 1]`);
    sum += w;
  }
  if (Math.abs(sum - 1) > 1e-6) bad(`init.weights sum to ${sum}; they must sum to 1`);
  if (means?.rows !== k || means.cols !== p) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: init.means is ${means?.rows} x ${means?.cols}, expected ${k} x ${p}`,
    );
  }
  assertFinite(means, `${who} init.means`);
  if (!covariances) return;
  const covLen = covarianceType === 'full' ? p * p : p;
  if (covariances.length !== k || covariances.some((c) => c.length !== covLen)) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `${who}: init.covariances must be ${k} arrays of ${covLen} values ('${covarianceType}', p = ${p})`,
    );
  }
  const scratch = new Float64Array(p * p);
  for (let c = 0; c < k; c++) {
    const cov = covariances[c]!;
    if (covarianceType === 'diag') {
      for (let j = 0; j < p; j++) {
        const v = cov[j]!;
        if (!(v > 0 && v < Number.POSITIVE_INFINITY)) {
          bad(`init.covariances[${c}][${j}] = ${v}; variances must be finite and > 0`);
        }
      }
      continue;
    }
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < a; b++) {
        const u = cov[a * p + b]!;
        const v = cov[b * p + a]!;
        // Written as a negated <= so that NaN fails too.
        if (!(Math.abs(u - v) <= 1e-8 * (Math.abs(u) + Math.abs(v)))) {
          bad(`init.covariances[${c}] is not symmetric at (${a}, ${b}): ${u} vs ${v}`);
        }
      }
    }
    if (!cholesky(cov, p, scratch)) bad(`init.covariances[${c}] is not positive definite`);
  }
}
