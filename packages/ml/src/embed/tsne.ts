import { MlError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';
import { assertFinite } from '../matrix.ts';
import { Rng } from '../random.ts';
import { PCA } from './pca.ts';
import { QuadTree } from './quadTree.ts';
import { VpTree } from './vpTree.ts';

/** Options for {@link TSNE}; defaults are scikit-learn 1.2's. */
export interface TSNEOptions {
  /** Output dimension; only 2 is supported (the Barnes-Hut tree is a quad tree). Default 2. */
  nComponents?: number;
  /**
   * Effective number of neighbours each point attends to, > 0. Default 30. Lowered to
   * (n - 1) / 3 when there are too few rows for 3 * perplexity neighbours (see `perplexityUsed`).
   */
  perplexity?: number;
  /** Factor on the input affinities during the first 250 iterations, >= 1. Default 12. */
  earlyExaggeration?: number;
  /** Step size, > 0, or 'auto' = max(n / earlyExaggeration / 4, 50) (Belkina et al. 2019). Default 'auto'. */
  learningRate?: 'auto' | number;
  /** Gradient steps, >= 1 (250 of them exaggerated). Default 1000. */
  nIter?: number;
  /** Barnes-Hut angle in [0, 1]: larger is faster and coarser; 0 is the exact O(n^2) gradient. Default 0.5. */
  theta?: number;
  /**
   * Starting layout: 'pca' (the first two principal components scaled to standard deviation
   * 1e-4, deterministic) or 'random' (normal, standard deviation 1e-4, from `seed`). 'pca'
   * falls back to 'random' when the input has one column or no variance. Default 'pca'.
   */
  init?: 'pca' | 'random';
  /** Seeds the random start and the neighbour index's pivots. Default 0. */
  seed?: number;
  /** Called after every gradient step with (steps done, nIter). */
  onProgress?: (done: number, total: number) => void;
}

/** Steps with exaggerated affinities and momentum 0.5 (scikit-learn's _EXPLORATION_N_ITER). */
const EXAGGERATION_STEPS = 250;
/** Progress is judged every this many steps, as in scikit-learn. */
const CHECK_EVERY = 50;
const MIN_GAIN = 0.01;
const MIN_GRAD_NORM = 1e-7;
/** Binary search for each point's Gaussian precision: steps and entropy tolerance (nats). */
const SIGMA_STEPS = 100;
const ENTROPY_TOLERANCE = 1e-5;

/**
 * Barnes-Hut t-SNE (van der Maaten & Hinton 2008; van der Maaten 2014), following
 * scikit-learn 1.2's `TSNE(method='barnes_hut')`: Gaussian input affinities over the exact
 * floor(3 * perplexity + 1) nearest neighbours (vantage-point tree) with a per-point binary
 * search for the bandwidth, symmetrised and normalised; Student-t output kernel; gradient
 * descent with momentum 0.5 for the first 250 steps (affinities x earlyExaggeration), then
 * 0.8, delta-bar-delta gains (min 0.01); the repulsion from a quad tree with angle `theta`.
 * Stops early like scikit-learn: when the gradient norm falls below 1e-7, or the KL divergence
 * (checked every 50 steps) has not improved for 300 steps. Everything is double precision
 * (scikit-learn uses float32 in the gradient), so results match it in quality, not bit for bit.
 *
 * Shapes: `fit(x)` with x n x p; `embedding` n x 2. Cost: neighbours O(n log n) to O(n^2 p)
 * depending on the data's intrinsic dimension, then O(n (k + log n)) per step with
 * k ~ 3 perplexity; memory O(n k). Measured on 10,000 x 10 blobs: about 50 s of one core
 * (scikit-learn 1.2 on one thread: about 87 s). No `predict`: t-SNE places only the rows it
 * was fitted on.
 *
 * Input: empty input throws `EMPTY_INPUT`, NaN / infinity `NON_FINITE`, bad options
 * `BAD_OPTION`. One row gives the origin. Duplicate rows and constant columns are fine
 * (duplicates attract, and end up next to each other).
 *
 * @example
 * const tsne = new TSNE({ perplexity: 30, seed: 1 }).fit(x); // x: Matrix n x p, scaled
 * tsne.embedding;  // n x 2 layout for a scatter plot
 */
export class TSNE {
  readonly nComponents = 2;
  readonly perplexity: number;
  readonly earlyExaggeration: number;
  readonly learningRate: 'auto' | number;
  readonly nIter: number;
  readonly theta: number;
  readonly init: 'pca' | 'random';
  readonly seed: number;
  private readonly onProgress: ((done: number, total: number) => void) | undefined;

  /** The layout, n x 2, after `fit`. */
  embedding: Matrix = { data: new Float64Array(0), rows: 0, cols: 2 };
  /** KL(P || Q) at the last step (without exaggeration unless nIter <= 250). */
  klDivergence = Number.NaN;
  /** Gradient steps actually taken (fewer than nIter when it stopped early). */
  nIterRun = 0;
  /** Perplexity after lowering it for small inputs. */
  perplexityUsed = Number.NaN;
  /** Step size after resolving 'auto'. */
  learningRateUsed = Number.NaN;

  constructor(options: TSNEOptions = {}) {
    const nc = options.nComponents ?? 2;
    if (nc !== 2) {
      throw new MlError(
        'BAD_OPTION',
        `t-SNE: nComponents = ${nc} is not supported; Barnes-Hut t-SNE here is 2-D only`,
      );
    }
    this.perplexity = options.perplexity ?? 30;
    this.earlyExaggeration = options.earlyExaggeration ?? 12;
    this.learningRate = options.learningRate ?? 'auto';
    this.nIter = options.nIter ?? 1000;
    this.theta = options.theta ?? 0.5;
    this.init = options.init ?? 'pca';
    this.seed = options.seed ?? 0;
    this.onProgress = options.onProgress;
    const problem = optionProblem(this);
    if (problem) throw new MlError('BAD_OPTION', `t-SNE: ${problem}`);
  }

  /** Computes the embedding of x (n x p). Returns this. */
  fit(x: Matrix): this {
    const n = x.rows;
    if (n === 0 || x.cols === 0) {
      throw new MlError(
        'EMPTY_INPUT',
        `t-SNE: input is ${n} x ${x.cols}; need at least one row and one column`,
      );
    }
    assertFinite(x, 't-SNE');
    this.perplexityUsed = Math.min(this.perplexity, (n - 1) / 3);
    const lr = this.learningRate;
    this.learningRateUsed = lr === 'auto' ? Math.max(n / this.earlyExaggeration / 4, 50) : lr;
    if (n === 1) {
      this.embedding = { data: new Float64Array(2), rows: 1, cols: 2 };
      this.klDivergence = 0;
      this.nIterRun = 0;
      return this;
    }
    const k = Math.min(n - 1, Math.floor(3 * this.perplexityUsed + 1));
    const graph = new VpTree(x, this.seed).knnGraph(k);
    const d2 = graph.distances;
    for (let t = 0; t < d2.length; t++) d2[t] = d2[t]! * d2[t]!;
    const cond = conditionalAffinities(d2, n, k, this.perplexityUsed);
    const p = symmetrise(graph.indices, cond, n, k);
    const y = this.initialLayout(x);
    this.optimise(p, y, n);
    this.embedding = { data: y, rows: n, cols: 2 };
    return this;
  }

  private initialLayout(x: Matrix): Float64Array {
    const n = x.rows;
    const y = new Float64Array(2 * n);
    if (this.init === 'pca' && x.cols >= 2) {
      const z = new PCA({ nComponents: 2 }).fit(x).transform(x).data;
      let mean = 0;
      for (let i = 0; i < n; i++) mean += z[2 * i]!;
      mean /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (z[2 * i]! - mean) ** 2;
      const sd = Math.sqrt(v / n);
      // scikit-learn 1.2: pcs / std(pcs[:, 0]) * 1e-4, a tiny start so early exaggeration can act.
      if (sd > 0) {
        for (let t = 0; t < 2 * n; t++) y[t] = (z[t]! / sd) * 1e-4;
        return y;
      }
    }
    const rng = new Rng(this.seed);
    for (let t = 0; t < 2 * n; t++) y[t] = 1e-4 * rng.normal();
    return y;
  }

  private optimise(p: Affinities, y: Float64Array, n: number): void {
    const total = this.nIter;
    const lr = this.learningRateUsed;
    const grad = new Float64Array(2 * n);
    const update = new Float64Array(2 * n);
    const gains = new Float64Array(2 * n);
    const work = new Float64Array(2 * n);
    const tree = new QuadTree();
    let error = Number.NaN;
    let it = 0;
    // Two runs of scikit-learn's _gradient_descent; each starts with zero momentum and unit gains.
    const run = (from: number, to: number, momentum: number, scale: number, patience: number): number => {
      update.fill(0);
      gains.fill(1);
      let best = Number.POSITIVE_INFINITY;
      let bestIter = from;
      let last = from;
      for (let i = from; i < to; i++) {
        last = i;
        const check = (i + 1) % CHECK_EVERY === 0;
        error = gradient(p, scale, y, n, this.theta, tree, grad, work, check || i === to - 1);
        let norm2 = 0;
        for (let d = 0; d < 2 * n; d++) {
          const g = grad[d]!;
          let gain = gains[d]!;
          // Delta-bar-delta: grow the gain while the step keeps its direction, shrink it otherwise.
          gain = update[d]! * g < 0 ? gain + 0.2 : gain * 0.8;
          if (gain < MIN_GAIN) gain = MIN_GAIN;
          gains[d] = gain;
          const step = g * gain;
          norm2 += step * step;
          const u = momentum * update[d]! - lr * step;
          update[d] = u;
          y[d] = y[d]! + u;
        }
        this.onProgress?.(i + 1, total);
        if (check) {
          if (error < best) {
            best = error;
            bestIter = i;
          } else if (i - bestIter > patience) {
            break;
          }
          if (Math.sqrt(norm2) <= MIN_GRAD_NORM) break;
        }
      }
      return last;
    };
    it = run(0, Math.min(EXAGGERATION_STEPS, total), 0.5, this.earlyExaggeration, EXAGGERATION_STEPS);
    if (it + 1 < total) it = run(it + 1, total, 0.8, 1, 300);
    this.nIterRun = it + 1;
    this.klDivergence = error;
    if (this.nIterRun < total) this.onProgress?.(total, total);
  }
}

/** What is wrong with the options, in words, or undefined when nothing is. */
function optionProblem(o: TSNE): string | undefined {
  const lr = o.learningRate;
  if (!(o.perplexity > 0 && Number.isFinite(o.perplexity))) {
    return `perplexity = ${o.perplexity} must be > 0 (typical 5 to 50)`;
  }
  if (!(o.earlyExaggeration >= 1 && Number.isFinite(o.earlyExaggeration))) {
    return `earlyExaggeration = ${o.earlyExaggeration} must be >= 1`;
  }
  if (lr !== 'auto' && !(typeof lr === 'number' && lr > 0 && Number.isFinite(lr))) {
    return `learningRate = ${lr} must be 'auto' or a number > 0`;
  }
  if (!(Number.isInteger(o.nIter) && o.nIter >= 1)) return `nIter = ${o.nIter} must be an integer >= 1`;
  if (!(o.theta >= 0 && o.theta <= 1)) return `theta = ${o.theta} must be in [0, 1]`;
  if (o.init !== 'pca' && o.init !== 'random') return `init = ${String(o.init)} must be 'pca' or 'random'`;
  return undefined;
}

/** Symmetric sparse joint affinities P in CSR form; entries sum to 1. */
interface Affinities {
  rowPtr: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/**
 * p_{j|i} over each row's k neighbours (squared distances `d2`, ascending per row) with the
 * Gaussian bandwidth found by bisection on beta = 1 / (2 sigma^2) so that the entropy is
 * log(perplexity), as scikit-learn's _binary_search_perplexity (same start, steps, tolerance).
 * Distances are shifted by the row's nearest one before exponentiating: the normalised
 * p_{j|i} and the entropy are unchanged, but a far-away point no longer underflows to 0 / 0.
 */
function conditionalAffinities(d2: Float64Array, n: number, k: number, perplexity: number): Float64Array {
  const out = new Float64Array(n * k);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    const dmin = d2[o]!;
    let beta = 1;
    let lo = Number.NEGATIVE_INFINITY;
    let hi = Number.POSITIVE_INFINITY;
    for (let step = 0; step < SIGMA_STEPS; step++) {
      let sum = 0;
      for (let t = 0; t < k; t++) {
        const v = Math.exp(-(d2[o + t]! - dmin) * beta);
        out[o + t] = v;
        sum += v;
      }
      let weighted = 0;
      for (let t = 0; t < k; t++) {
        out[o + t] = out[o + t]! / sum;
        weighted += (d2[o + t]! - dmin) * out[o + t]!;
      }
      const diff = Math.log(sum) + beta * weighted - target;
      if (Math.abs(diff) <= ENTROPY_TOLERANCE) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Number.POSITIVE_INFINITY ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === Number.NEGATIVE_INFINITY ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  return out;
}

/** P = (C + C^T) / sum, C the conditional affinities on the kNN graph; duplicates merged. */
function symmetrise(indices: Int32Array, cond: Float64Array, n: number, k: number): Affinities {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    start[i + 1] = start[i + 1]! + k;
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t]! + 1;
      start[j] = start[j]! + 1;
    }
  }
  for (let i = 0; i < n; i++) start[i + 1] = start[i + 1]! + start[i]!;
  const rawCol = new Int32Array(start[n]!);
  const rawVal = new Float64Array(start[n]!);
  const fill = start.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t]!;
      const v = cond[i * k + t]!;
      rawCol[fill[i]!] = j;
      rawVal[fill[i]!++] = v;
      rawCol[fill[j]!] = i;
      rawVal[fill[j]!++] = v;
    }
  }
  // Merge (i, j) pairs listed twice (mutual neighbours) with a position marker per column.
  const rowPtr = new Int32Array(n + 1);
  const col = new Int32Array(rawCol.length);
  const val = new Float64Array(rawCol.length);
  const at = new Int32Array(n).fill(-1);
  let nnz = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const first = nnz;
    for (let e = start[i]!; e < start[i + 1]!; e++) {
      const j = rawCol[e]!;
      if (at[j]! >= first) {
        val[at[j]!] = val[at[j]!]! + rawVal[e]!;
      } else {
        at[j] = nnz;
        col[nnz] = j;
        val[nnz++] = rawVal[e]!;
      }
      sum += rawVal[e]!;
    }
    rowPtr[i + 1] = nnz;
  }
  const s = Math.max(sum, Number.EPSILON);
  for (let e = 0; e < nnz; e++) val[e] = val[e]! / s;
  return { rowPtr, col: col.slice(0, nnz), val: val.slice(0, nnz) };
}

/**
 * Gradient of KL(scale P || Q) into `grad` (length 2n): 4 (sum_j scale p_ij q_ij (y_i - y_j)
 * - sum_j q_ij^2 (y_i - y_j) / Z), with q_ij = 1 / (1 + |y_i - y_j|^2) unnormalised. Returns
 * the KL divergence when `withError` (scikit-learn's float32-tiny floors), NaN otherwise.
 */
function gradient(
  p: Affinities,
  scale: number,
  y: Float64Array,
  n: number,
  theta: number,
  tree: QuadTree,
  grad: Float64Array,
  neg: Float64Array,
  withError: boolean,
): number {
  tree.build(y, n);
  neg.fill(0);
  const z = Math.max(tree.repulsion(y, n, theta, neg), Number.MIN_VALUE);
  const { rowPtr, col, val } = p;
  const tiny = 1.1754943508222875e-38;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    const yx = y[2 * i]!;
    const yy = y[2 * i + 1]!;
    let fx = 0;
    let fy = 0;
    for (let e = rowPtr[i]!; e < rowPtr[i + 1]!; e++) {
      const j = col[e]!;
      const dx = yx - y[2 * j]!;
      const dy = yy - y[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy);
      const pij = val[e]! * scale;
      const pq = pij * q;
      fx += pq * dx;
      fy += pq * dy;
      if (withError) kl += pij * Math.log(Math.max(pij, tiny) / Math.max(q / z, tiny));
    }
    grad[2 * i] = 4 * (fx - neg[2 * i]! / z);
    grad[2 * i + 1] = 4 * (fy - neg[2 * i + 1]! / z);
  }
  return withError ? kl : Number.NaN;
}
