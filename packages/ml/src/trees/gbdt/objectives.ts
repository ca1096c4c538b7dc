import type { EnsembleLink } from '../treeEnsemble.ts';

/** 'binary': log-loss, one output, logistic link; 'multiclass': softmax cross-entropy, one output (and one tree per round) per class; 'regression': squared error. */
export type GbdtObjective = 'binary' | 'multiclass' | 'regression';

/**
 * A loss, its gradients and hessians in the raw score, and its starting score. Raw scores are
 * n x k row-major; y holds 0/1 (binary), class indices (multiclass) or targets; w the row
 * weights (sample weight times class weight).
 */
export interface Objective {
  readonly link: EnsembleLink;
  /** The constant raw score that minimises the weighted loss (log-odds, log-priors, mean). */
  baseScore(y: Float64Array, w: Float64Array, k: number): Float64Array;
  /** Fills grad[c][i], hess[c][i] for every output c and row i (only the rows `rows` when given). */
  gradients(
    raw: Float64Array,
    y: Float64Array,
    w: Float64Array,
    grad: Float64Array[],
    hess: Float64Array[],
    rows: Int32Array | null,
  ): void;
  /** Mean loss of raw scores (unweighted), for early stopping: log-loss, or RMSE for regression. */
  loss(raw: Float64Array, y: Float64Array, k: number): number;
}

const EPS = 1e-15;

/** log(1 + exp(z)) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

const binary: Objective = {
  link: 'logistic',
  baseScore(y, w) {
    let pos = 0;
    let tot = 0;
    for (let i = 0; i < y.length; i++) {
      pos += w[i]! * y[i]!;
      tot += w[i]!;
    }
    const prior = Math.min(Math.max(pos / tot, EPS), 1 - EPS);
    return Float64Array.of(Math.log(prior / (1 - prior)));
  },
  gradients(raw, y, w, grad, hess, rows) {
    const g = grad[0]!;
    const h = hess[0]!;
    const m = rows === null ? y.length : rows.length;
    for (let q = 0; q < m; q++) {
      const i = rows === null ? q : rows[q]!;
      const p = 1 / (1 + Math.exp(-raw[i]!));
      g[i] = w[i]! * (p - y[i]!);
      h[i] = w[i]! * p * (1 - p);
    }
  },
  loss(raw, y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += softplus(raw[i]!) - y[i]! * raw[i]!;
    return s / y.length;
  },
};

const multiclass: Objective = {
  link: 'softmax',
  baseScore(y, w, k) {
    const prior = new Float64Array(k);
    let tot = 0;
    for (let i = 0; i < y.length; i++) {
      prior[y[i]!] += w[i]!;
      tot += w[i]!;
    }
    for (let c = 0; c < k; c++) prior[c] = Math.log(Math.min(Math.max(prior[c]! / tot, EPS), 1 - EPS));
    return prior;
  },
  gradients(raw, y, w, grad, hess, rows) {
    const k = grad.length;
    const p = new Float64Array(k);
    const m = rows === null ? y.length : rows.length;
    for (let q = 0; q < m; q++) {
      const i = rows === null ? q : rows[q]!;
      const o = i * k;
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, raw[o + c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) {
        p[c] = Math.exp(raw[o + c]! - max);
        sum += p[c]!;
      }
      const wi = w[i]!;
      const yi = y[i]!;
      for (let c = 0; c < k; c++) {
        const pc = p[c]! / sum;
        grad[c]![i] = wi * (pc - (c === yi ? 1 : 0));
        hess[c]![i] = wi * pc * (1 - pc);
      }
    }
  },
  loss(raw, y, k) {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const o = i * k;
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, raw[o + c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(raw[o + c]! - max);
      s += max + Math.log(sum) - raw[o + y[i]!]!;
    }
    return s / y.length;
  },
};

const regression: Objective = {
  link: 'identity',
  baseScore(y, w) {
    let s = 0;
    let tot = 0;
    for (let i = 0; i < y.length; i++) {
      s += w[i]! * y[i]!;
      tot += w[i]!;
    }
    return Float64Array.of(s / tot);
  },
  gradients(raw, y, w, grad, hess, rows) {
    const g = grad[0]!;
    const h = hess[0]!;
    const m = rows === null ? y.length : rows.length;
    for (let q = 0; q < m; q++) {
      const i = rows === null ? q : rows[q]!;
      g[i] = w[i]! * (raw[i]! - y[i]!);
      h[i] = w[i]!;
    }
  },
  loss(raw, y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += (raw[i]! - y[i]!) ** 2;
    return Math.sqrt(s / y.length);
  },
};

export const OBJECTIVES: Record<GbdtObjective, Objective> = { binary, multiclass, regression };
