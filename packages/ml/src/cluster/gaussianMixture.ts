import { MlError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';
import { assertFinite, matrix } from '../matrix.ts';
import { Rng } from '../random.ts';
import {
  checkExplicitInit,
  type EmWorkspace,
  type GaussianMixtureInit,
  startMixture,
} from './gaussianMixtureInit.ts';
import {
  type CovarianceType,
  cloneParams,
  computePrecisionCholesky,
  estimateGaussianParameters,
  type MixtureParams,
  newParams,
  nParameters,
  scoreRows,
} from './gaussianMixtureSteps.ts';

export type { GaussianMixtureInit } from './gaussianMixtureInit.ts';
export type { CovarianceType } from './gaussianMixtureSteps.ts';

/** Options of {@link GaussianMixture}. */
export interface GaussianMixtureOptions {
  /** Number of components, 1 <= k <= rows. */
  k: number;
  /** 'full' (default): one general covariance per component; 'diag': axis-aligned variances. */
  covarianceType?: CovarianceType;
  /** EM iterations per initialisation, >= 1. Default 100. */
  maxIter?: number;
  /**
   * Convergence threshold on the change of the mean per-row log-likelihood between two
   * iterations (scikit-learn's lower-bound gain). Default 1e-3; 0 runs all maxIter iterations.
   */
  tol?: number;
  /** Added to every variance so covariances stay positive definite. Default 1e-6. */
  regCovar?: number;
  /** Initialisations to run; the one with the best final lower bound is kept. Default 1. */
  nInit?: number;
  /**
   * 'kmeans' (default): k-means labels as hard responsibilities, then one M-step.
   * 'random': uniform random responsibilities, then one M-step. Or an explicit
   * {@link GaussianMixtureInit} (deterministic, so nInit is then treated as 1).
   */
  init?: 'kmeans' | 'random' | GaussianMixtureInit;
  /** Seed of every random choice (k-means seeding, random responsibilities). Default 0. */
  seed?: number;
  /** Called after every EM iteration with (iterations done, nInit * maxIter). */
  onProgress?: (done: number, total: number) => void;
}

/** Plain-object form of a fitted {@link GaussianMixture}, from `toJSON()`. */
export interface GaussianMixtureJSON {
  version: 1;
  type: 'GaussianMixture';
  k: number;
  p: number;
  covarianceType: CovarianceType;
  options: {
    maxIter: number;
    tol: number;
    regCovar: number;
    nInit: number;
    seed: number;
    init: 'kmeans' | 'random';
  };
  weights: number[];
  /** k x p, row-major. */
  means: number[];
  covariances: number[][];
  converged: boolean;
  nIter: number;
  lowerBound: number;
}

const WHO = 'gaussian mixture';

interface EmRun {
  lowerBound: number;
  nIter: number;
  converged: boolean;
}

/**
 * Gaussian mixture model fitted by expectation-maximisation (Bishop, PRML ch. 9), following
 * scikit-learn's `GaussianMixture`: k-means or random responsibilities then an M-step to start,
 * E-step in log space with log-sum-exp, precisions through Cholesky factors, `regCovar` on the
 * diagonal, stop when the mean log-likelihood gains less than `tol`, best of `nInit` starts.
 *
 * Shapes: x is n x p. Cost per EM iteration O(n k p^2) ('full') or O(n k p) ('diag'); memory
 * O(n k) for the responsibilities.
 *
 * @example
 * const gm = new GaussianMixture({ k: 3, covarianceType: 'full', nInit: 3, seed: 1 }).fit(x);
 * const labels = gm.predict(x);    // Int32Array, n
 * const proba = gm.predictProba(x); // n x 3, rows sum to 1
 * const bic = gm.bic(x);            // lower is better; compare across k
 */
export class GaussianMixture {
  readonly k: number;
  readonly covarianceType: CovarianceType;
  readonly maxIter: number;
  readonly tol: number;
  readonly regCovar: number;
  readonly nInit: number;
  readonly seed: number;
  readonly init: 'kmeans' | 'random' | GaussianMixtureInit;
  private readonly onProgress?: (done: number, total: number) => void;

  /** Mixing weights (k), summing to 1. */
  weights: Float64Array = new Float64Array(0);
  /** Component means, k x p. */
  means: Matrix = matrix(0, 0);
  /** Per component: 'full' p x p row-major, 'diag' p variances (regCovar included). */
  covariances: Float64Array[] = [];
  /** Whether the kept initialisation stopped on `tol` before `maxIter`. */
  converged = false;
  /** EM iterations run by the kept initialisation. */
  nIter = 0;
  /**
   * Mean per-row log-likelihood at the last E-step of the kept initialisation (scikit-learn's
   * lower_bound_: it scores the parameters before the final M-step).
   */
  lowerBound = Number.NEGATIVE_INFINITY;

  private params: MixtureParams | null = null;

  constructor(options: GaussianMixtureOptions) {
    const { k, covarianceType = 'full', maxIter = 100, tol = 1e-3, regCovar = 1e-6 } = options;
    const { nInit = 1, init = 'kmeans', seed = 0 } = options;
    if (!Number.isInteger(k) || k < 1) badOption(`k must be a whole number >= 1, got ${k}`);
    if (covarianceType !== 'full' && covarianceType !== 'diag') {
      badOption(`covarianceType must be 'full' or 'diag', got '${covarianceType}'`);
    }
    if (!Number.isInteger(maxIter) || maxIter < 1) {
      badOption(`maxIter must be a whole number >= 1, got ${maxIter}`);
    }
    if (!(tol >= 0)) badOption(`tol must be >= 0, got ${tol}`);
    if (!(regCovar >= 0) || !Number.isFinite(regCovar)) badOption(`regCovar must be >= 0, got ${regCovar}`);
    if (!Number.isInteger(nInit) || nInit < 1) badOption(`nInit must be a whole number >= 1, got ${nInit}`);
    if (typeof init === 'string' && init !== 'kmeans' && init !== 'random') {
      badOption(`init must be 'kmeans', 'random' or { weights, means, covariances? }, got '${init}'`);
    }
    this.k = k;
    this.covarianceType = covarianceType;
    this.maxIter = maxIter;
    this.tol = tol;
    this.regCovar = regCovar;
    this.nInit = typeof init === 'string' ? nInit : 1;
    this.seed = seed;
    this.init = init;
    this.onProgress = options.onProgress;
  }

  /** Runs EM on x (n x p, n >= k, finite) and stores the best of nInit fits. */
  fit(x: Matrix): this {
    const { k, covarianceType } = this;
    const n = x.rows;
    const p = x.cols;
    if (n === 0 || p === 0) {
      throw new MlError('EMPTY_INPUT', `${WHO}: x is ${n} x ${p}; it needs at least one row and one column`);
    }
    assertFinite(x, WHO);
    if (k > n) {
      throw new MlError('TOO_FEW_ROWS', `${WHO}: k = ${k} is larger than the ${n} rows; choose k <= ${n}`, {
        k,
        rows: n,
      });
    }
    if (typeof this.init !== 'string') checkExplicitInit(this.init, k, p, covarianceType, WHO);
    const covLen = covarianceType === 'full' ? p * p : p;
    const ws: EmWorkspace = {
      resp: new Float64Array(n * k),
      covs: Array.from({ length: k }, () => new Float64Array(covLen)),
      nk: new Float64Array(k),
      acc: new Float64Array(k * covLen),
      scratch: new Float64Array(p * p),
    };
    const cur = newParams(k, p, covarianceType);
    const rng = new Rng(this.seed);
    let best: { params: MixtureParams; covs: Float64Array[]; run: EmRun } | null = null;
    for (let start = 0; start < this.nInit; start++) {
      startMixture(
        x,
        { k, covarianceType, regCovar: this.regCovar, init: this.init, who: WHO },
        rng,
        cur,
        ws,
      );
      const run = this.runEm(x, cur, ws, start);
      // Strictly better only, so ties keep the earlier start (as scikit-learn).
      if (best === null || run.lowerBound > best.run.lowerBound) {
        best = { params: cloneParams(cur), covs: ws.covs.map((c) => c.slice()), run };
      }
    }
    const kept = best!;
    this.params = kept.params;
    this.weights = kept.params.weights;
    this.means = matrix(k, p, kept.params.means);
    this.covariances = kept.covs;
    this.nIter = kept.run.nIter;
    this.converged = kept.run.converged;
    this.lowerBound = kept.run.lowerBound;
    return this;
  }

  /** EM from the current parameters until the lower bound gains less than tol or maxIter. */
  private runEm(x: Matrix, cur: MixtureParams, ws: EmWorkspace, start: number): EmRun {
    const { k, maxIter, tol } = this;
    const n = x.rows;
    const total = this.nInit * maxIter;
    let lowerBound = Number.NEGATIVE_INFINITY;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      const prev = lowerBound;
      lowerBound = scoreRows(x, cur, ws.resp, null, null) / n;
      estimateGaussianParameters(
        x,
        ws.resp,
        k,
        this.covarianceType,
        this.regCovar,
        ws.nk,
        cur.means,
        ws.covs,
        ws.acc,
      );
      let mass = 0;
      for (let c = 0; c < k; c++) mass += ws.nk[c]!;
      for (let c = 0; c < k; c++) cur.weights[c] = ws.nk[c]! / mass;
      computePrecisionCholesky(ws.covs, cur, ws.scratch, WHO);
      this.onProgress?.(start * maxIter + nIter, total);
      if (Math.abs(lowerBound - prev) < tol) {
        if (nIter < maxIter) this.onProgress?.((start + 1) * maxIter, total);
        return { lowerBound, nIter, converged: true };
      }
    }
    return { lowerBound, nIter, converged: false };
  }

  /** Most probable component per row of x (n x p). O(n k p^2) ('full'). */
  predict(x: Matrix): Int32Array {
    const m = this.fitted(x, 'predict');
    const labels = new Int32Array(x.rows);
    scoreRows(x, m, null, null, labels);
    return labels;
  }

  /** Posterior component probabilities, n x k; each row sums to 1. */
  predictProba(x: Matrix): Matrix {
    const m = this.fitted(x, 'predictProba');
    const resp = new Float64Array(x.rows * m.k);
    scoreRows(x, m, resp, null, null);
    return matrix(x.rows, m.k, resp);
  }

  /** Log density log p(x_i) of each row (natural log, in the units of x). */
  scoreSamples(x: Matrix): Float64Array {
    const m = this.fitted(x, 'scoreSamples');
    const out = new Float64Array(x.rows);
    scoreRows(x, m, null, out, null);
    return out;
  }

  /** Total log-likelihood sum_i log p(x_i) (scikit-learn's score(x) * n). */
  logLikelihood(x: Matrix): number {
    const m = this.fitted(x, 'logLikelihood');
    return scoreRows(x, m, null, null, null);
  }

  /** Bayesian information criterion, -2 logL + nParams ln n (as scikit-learn); lower is better. */
  bic(x: Matrix): number {
    const ll = this.criterionLogLik(x, 'bic');
    return -2 * ll + this.nParameters() * Math.log(x.rows);
  }

  /** Akaike information criterion, -2 logL + 2 nParams (as scikit-learn); lower is better. */
  aic(x: Matrix): number {
    const ll = this.criterionLogLik(x, 'aic');
    return -2 * ll + 2 * this.nParameters();
  }

  /** Free parameters: k p means, k p (p + 1) / 2 ('full') or k p ('diag') covariance terms, k - 1 weights. */
  nParameters(): number {
    const m = this.fitted(null, 'nParameters');
    return nParameters(m.k, m.p, m.covarianceType);
  }

  /** Plain, JSON-safe form of the fitted model; restore with {@link GaussianMixture.fromJSON}. */
  toJSON(): GaussianMixtureJSON {
    const m = this.fitted(null, 'toJSON');
    return {
      version: 1,
      type: 'GaussianMixture',
      k: m.k,
      p: m.p,
      covarianceType: m.covarianceType,
      options: {
        maxIter: this.maxIter,
        tol: this.tol,
        regCovar: this.regCovar,
        nInit: this.nInit,
        seed: this.seed,
        init: typeof this.init === 'string' ? this.init : 'kmeans',
      },
      weights: Array.from(this.weights),
      means: Array.from(this.means.data),
      covariances: this.covariances.map((c) => Array.from(c)),
      converged: this.converged,
      nIter: this.nIter,
      lowerBound: this.lowerBound,
    };
  }

  /** Rebuilds a fitted model from `toJSON()` output; predictions match the original exactly. */
  static fromJSON(json: GaussianMixtureJSON): GaussianMixture {
    if (json?.version !== 1 || json.type !== 'GaussianMixture') {
      badOption(`fromJSON expects { type: 'GaussianMixture', version: 1 }, got version ${json?.version}`);
    }
    const { k, p, covarianceType } = json;
    const gm = new GaussianMixture({ ...json.options, k, covarianceType });
    const covLen = covarianceType === 'full' ? p * p : p;
    if (
      json.weights.length !== k ||
      json.means.length !== k * p ||
      json.covariances.length !== k ||
      json.covariances.some((c) => c.length !== covLen)
    ) {
      throw new MlError('SHAPE_MISMATCH', `${WHO}: fromJSON arrays do not match k = ${k}, p = ${p}`);
    }
    const m = newParams(k, p, covarianceType);
    m.weights.set(json.weights);
    m.means.set(json.means);
    const covs = json.covariances.map((c) => Float64Array.from(c));
    computePrecisionCholesky(covs, m, new Float64Array(p * p), WHO);
    gm.params = m;
    gm.weights = m.weights;
    gm.means = matrix(k, p, m.means);
    gm.covariances = covs;
    gm.converged = json.converged;
    gm.nIter = json.nIter;
    gm.lowerBound = json.lowerBound;
    return gm;
  }

  private criterionLogLik(x: Matrix, who: string): number {
    const m = this.fitted(x, who);
    if (x.rows === 0) throw new MlError('EMPTY_INPUT', `${WHO}: ${who} needs at least one row`);
    return scoreRows(x, m, null, null, null);
  }

  private fitted(x: Matrix | null, who: string): MixtureParams {
    const m = this.params;
    if (m === null) throw new MlError('NOT_FITTED', `${WHO}: call fit() (or fromJSON) before ${who}()`);
    if (x !== null) {
      if (x.cols !== m.p) {
        throw new MlError(
          'SHAPE_MISMATCH',
          `${WHO}: ${who} got ${x.cols} columns, the model was fitted on ${m.p}`,
        );
      }
      assertFinite(x, `${WHO} ${who}`);
    }
    return m;
  }
}

function badOption(message: string): never {
  throw new MlError('BAD_OPTION', `${WHO}: ${message}`);
}
