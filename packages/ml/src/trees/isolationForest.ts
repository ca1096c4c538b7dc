import { MlError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';
import { quantileSorted } from '../preprocess/quantile.ts';
import { Rng } from '../random.ts';

/** Options of {@link IsolationForest}. */
export interface IsolationForestOptions {
  /** Trees in the forest, integer >= 1. Default 100. */
  nEstimators?: number;
  /**
   * Rows drawn (without replacement) to grow each tree, psi. 'auto' (default) = min(256, n). A
   * number >= 1 is a row count (capped at n, so pass n for "all rows"); a number in (0, 1) is a
   * fraction of n. Note: unlike scikit-learn's float 1.0, `1` here means one row.
   */
  maxSamples?: 'auto' | number;
  /** Fraction in (0, 1] of the columns each tree may split on (max(1, floor(f p)) drawn per tree). Default 1. */
  maxFeatures?: number;
  /**
   * Expected share of outliers, in (0, 0.5], or 'auto' (default). Sets the threshold of
   * `predict`: 'auto' uses scikit-learn's fixed offset -0.5 (score 0.5 in the paper's terms); a
   * number uses that quantile of the training scores, so about that share of training rows is flagged.
   */
  contamination?: 'auto' | number;
  /** Seed for row / column sampling and split choices. Default 0. */
  seed?: number;
  /** Called after each tree is grown, with (trees done, nEstimators). */
  onProgress?: (done: number, total: number) => void;
}

/** Serialised {@link IsolationForest}. */
export interface IsolationForestJSON {
  version: 1;
  kind: 'isolationForest';
  nFeatures: number;
  nEstimators: number;
  maxSamples: number;
  contamination: 'auto' | number;
  offset: number;
  roots: number[];
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  size: number[];
}

/**
 * c(n), the mean path length of an unsuccessful search in a binary search tree of n keys
 * (Liu, Ting & Zhou 2008), with scikit-learn's values c(0) = c(1) = 0, c(2) = 1:
 * c(n) = 2 (ln(n - 1) + Euler's gamma) - 2 (n - 1) / n.
 *
 * @example
 * averagePathLength(256); // ~10.24
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

const EULER_GAMMA = 0.5772156649015329;

/**
 * Isolation Forest anomaly detector (Liu, Ting & Zhou 2008) with scikit-learn 1.2 semantics: each
 * tree splits a random subsample on a random column at a uniform random threshold until rows are
 * isolated or depth ceil(log2 psi) is reached; anomalies isolate in fewer splits.
 *
 * `scoreSamples` is scikit-learn's `score_samples`: -2^(-E[h(x)] / c(psi)), in [-1, 0), lower is
 * more anomalous (about -0.5 for ordinary rows). h(x) is the depth of x's leaf plus c(leaf size).
 * `decisionFunction` = score - offset (negative = outlier); `predict` gives 1 inlier / -1 outlier.
 * Scores are not equal to scikit-learn's (different random streams) but rank rows alike.
 *
 * Trees live in flat typed arrays (preorder nodes of all trees back to back), so scoring is a tight
 * loop. fit O(T psi log psi); scoring O(n T log psi). Differences from scikit-learn: float64
 * throughout (scikit-learn casts to float32) and a column counts as constant in a node only when
 * all its values are equal (scikit-learn: range <= 1e-7).
 *
 * Throws `MlError`: EMPTY_INPUT, NON_FINITE, BAD_OPTION, SHAPE_MISMATCH, NOT_FITTED.
 *
 * @example
 * const forest = new IsolationForest({ seed: 1 }).fit(x);
 * const scores = forest.scoreSamples(x);   // lower = more anomalous
 * const flags = forest.predict(x);         // Int32Array of 1 / -1
 */
export class IsolationForest {
  readonly nEstimators: number;
  readonly maxSamples: 'auto' | number;
  readonly maxFeatures: number;
  readonly contamination: 'auto' | number;
  readonly seed: number;
  private readonly onProgress?: (done: number, total: number) => void;

  /** Columns seen at fit. */
  nFeatures = 0;
  /** psi actually used per tree. */
  maxSamplesUsed = 0;
  /** Threshold subtracted by `decisionFunction`: -0.5 for 'auto', else the contamination quantile. */
  offset = -0.5;
  /** Index of each tree's root node. Length nEstimators. */
  roots: Int32Array = new Int32Array(0);
  /** Split column per node, -1 at leaves. */
  feature: Int32Array = new Int32Array(0);
  /** Split threshold per node: x <= threshold goes left (0 at leaves). */
  threshold: Float64Array = new Float64Array(0);
  /** Left child per node (-1 at leaves). */
  left: Int32Array = new Int32Array(0);
  /** Right child per node (-1 at leaves). */
  right: Int32Array = new Int32Array(0);
  /** Training rows that reached each node. */
  size: Int32Array = new Int32Array(0);
  /** c(size) at leaves: the expected remaining depth below a leaf that stopped early. */
  private leafAdjust: Float64Array = new Float64Array(0);
  private fitted = false;

  constructor(opts: IsolationForestOptions = {}) {
    const nEstimators = opts.nEstimators ?? 100;
    if (!Number.isInteger(nEstimators) || nEstimators < 1) {
      throw new MlError('BAD_OPTION', `IsolationForest: nEstimators = ${nEstimators}; pass an integer >= 1`);
    }
    const maxSamples = opts.maxSamples ?? 'auto';
    if (
      maxSamples !== 'auto' &&
      !(Number.isFinite(maxSamples) && maxSamples > 0 && (maxSamples < 1 || Number.isInteger(maxSamples)))
    ) {
      throw new MlError(
        'BAD_OPTION',
        `IsolationForest: maxSamples = ${maxSamples}; pass 'auto', a row count >= 1, or a fraction in (0, 1)`,
      );
    }
    const maxFeatures = opts.maxFeatures ?? 1;
    if (!(Number.isFinite(maxFeatures) && maxFeatures > 0 && maxFeatures <= 1)) {
      throw new MlError(
        'BAD_OPTION',
        `IsolationForest: maxFeatures = ${maxFeatures}; pass a fraction in (0, 1]`,
      );
    }
    const contamination = opts.contamination ?? 'auto';
    if (contamination !== 'auto' && !(contamination > 0 && contamination <= 0.5)) {
      throw new MlError(
        'BAD_OPTION',
        `IsolationForest: contamination = ${contamination}; pass 'auto' or a share in (0, 0.5]`,
      );
    }
    this.nEstimators = nEstimators;
    this.maxSamples = maxSamples;
    this.maxFeatures = maxFeatures;
    this.contamination = contamination;
    this.seed = opts.seed ?? 0;
    this.onProgress = opts.onProgress;
  }

  /** Grows the forest on x (n x p, n >= 1, finite). Returns this. */
  fit(x: Matrix): this {
    const who = 'IsolationForest.fit';
    if (x.rows === 0) throw new MlError('EMPTY_INPUT', `${who}: no rows; pass at least one row`);
    assertFinite(x, who);
    const n = x.rows;
    const p = x.cols;
    const ms = this.maxSamples;
    const psi = ms === 'auto' ? Math.min(256, n) : ms < 1 ? Math.max(1, Math.floor(ms * n)) : Math.min(ms, n);
    const nf = Math.max(1, Math.floor(this.maxFeatures * p));
    const maxDepth = Math.ceil(Math.log2(Math.max(psi, 2)));
    const T = this.nEstimators;
    const rng = new Rng(this.seed);

    const cap = T * (2 * psi - 1);
    const b: TreeBuffers = {
      x,
      rng,
      maxDepth,
      count: 0,
      feature: new Int32Array(cap),
      threshold: new Float64Array(cap),
      left: new Int32Array(cap),
      right: new Int32Array(cap),
      size: new Int32Array(cap),
      features: new Int32Array(0),
      candidates: new Int32Array(Math.min(nf, p)),
    };
    const roots = new Int32Array(T);
    for (let t = 0; t < T; t++) {
      const rows = rng.sample(n, psi);
      if (nf < p) {
        b.features = rng.sample(p, nf);
      } else if (b.features.length !== p) {
        b.features = Int32Array.from({ length: p }, (_, j) => j);
      }
      roots[t] = growNode(b, rows, 0, psi, 0);
      this.onProgress?.(t + 1, T);
    }
    const m = b.count;
    this.nFeatures = p;
    this.maxSamplesUsed = psi;
    this.roots = roots;
    this.feature = b.feature.slice(0, m);
    this.threshold = b.threshold.slice(0, m);
    this.left = b.left.slice(0, m);
    this.right = b.right.slice(0, m);
    this.size = b.size.slice(0, m);
    this.prepare();
    this.offset = -0.5;
    if (this.contamination !== 'auto') {
      const scores = this.scoreSamples(x).sort();
      // np.percentile(scores, 100 * contamination), whose q is divided by 100 again.
      this.offset = quantileSorted(scores, (100 * this.contamination) / 100);
    }
    return this;
  }

  /**
   * scikit-learn's `score_samples`: -2^(-mean path length / c(psi)) per row of x (n x p, same p
   * as at fit). In [-1, 0); lower is more anomalous. O(n T log psi).
   */
  scoreSamples(x: Matrix): Float64Array {
    this.checkInput(x, 'IsolationForest.scoreSamples');
    const n = x.rows;
    const p = x.cols;
    const d = x.data;
    const { roots, feature, threshold, left, right, leafAdjust } = this;
    const T = roots.length;
    const out = new Float64Array(n);
    const denom = T * averagePathLength(this.maxSamplesUsed);
    for (let i = 0; i < n; i++) {
      const o = i * p;
      let total = 0;
      for (let t = 0; t < T; t++) {
        let node = roots[t]!;
        let depth = 0;
        let f = feature[node]!;
        while (f >= 0) {
          node = d[o + f]! <= threshold[node]! ? left[node]! : right[node]!;
          f = feature[node]!;
          depth++;
        }
        total += depth + leafAdjust[node]!;
      }
      // psi = 1 makes every path 0 / 0: scikit-learn defines the ratio as 1 there.
      out[i] = -(2 ** -(denom === 0 ? 1 : total / denom));
    }
    return out;
  }

  /** `scoreSamples(x) - offset`: negative for outliers, positive for inliers. */
  decisionFunction(x: Matrix): Float64Array {
    const s = this.scoreSamples(x);
    for (let i = 0; i < s.length; i++) s[i] -= this.offset;
    return s;
  }

  /** 1 for inliers, -1 for outliers (decisionFunction < 0), one per row of x. */
  predict(x: Matrix): Int32Array {
    const s = this.decisionFunction(x);
    const out = new Int32Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s[i]! < 0 ? -1 : 1;
    return out;
  }

  /** Plain object with `version: 1`; restore with {@link IsolationForest.fromJSON}. */
  toJSON(): IsolationForestJSON {
    if (!this.fitted) throw new MlError('NOT_FITTED', 'IsolationForest.toJSON: call fit(x) first');
    return {
      version: 1,
      kind: 'isolationForest',
      nFeatures: this.nFeatures,
      nEstimators: this.nEstimators,
      maxSamples: this.maxSamplesUsed,
      contamination: this.contamination,
      offset: this.offset,
      roots: Array.from(this.roots),
      feature: Array.from(this.feature),
      threshold: Array.from(this.threshold),
      left: Array.from(this.left),
      right: Array.from(this.right),
      size: Array.from(this.size),
    };
  }

  static fromJSON(json: IsolationForestJSON): IsolationForest {
    if (json?.version !== 1 || json.kind !== 'isolationForest') {
      throw new MlError(
        'BAD_OPTION',
        `IsolationForest.fromJSON: expected { version: 1, kind: 'isolationForest' }, got version ${json?.version}`,
      );
    }
    const m = json.feature.length;
    if ([json.threshold, json.left, json.right, json.size].some((a) => a.length !== m)) {
      throw new MlError('SHAPE_MISMATCH', 'IsolationForest.fromJSON: node arrays have different lengths');
    }
    const f = new IsolationForest({
      nEstimators: json.nEstimators,
      maxSamples: json.maxSamples,
      contamination: json.contamination,
    });
    f.nFeatures = json.nFeatures;
    f.maxSamplesUsed = json.maxSamples;
    f.offset = json.offset;
    f.roots = Int32Array.from(json.roots);
    f.feature = Int32Array.from(json.feature);
    f.threshold = Float64Array.from(json.threshold);
    f.left = Int32Array.from(json.left);
    f.right = Int32Array.from(json.right);
    f.size = Int32Array.from(json.size);
    f.prepare();
    return f;
  }

  private prepare(): void {
    const m = this.feature.length;
    this.leafAdjust = new Float64Array(m);
    for (let k = 0; k < m; k++)
      if (this.feature[k]! < 0) this.leafAdjust[k] = averagePathLength(this.size[k]!);
    this.fitted = true;
  }

  private checkInput(x: Matrix, who: string): void {
    if (!this.fitted) throw new MlError('NOT_FITTED', `${who}: call fit(x) first`);
    if (x.cols !== this.nFeatures) {
      throw new MlError(
        'SHAPE_MISMATCH',
        `${who}: x has ${x.cols} columns but the forest was fitted on ${this.nFeatures}; pass the same columns`,
      );
    }
    assertFinite(x, who);
  }
}

/** Growing state shared by all nodes of one fit. */
interface TreeBuffers {
  x: Matrix;
  rng: Rng;
  maxDepth: number;
  count: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  size: Int32Array;
  /** Columns this tree may split on. */
  features: Int32Array;
  /** Scratch for drawing a non-constant column. */
  candidates: Int32Array;
}

/**
 * Grows the subtree over rows[start, end) in preorder and returns its node index. Rows are
 * partitioned in place, x <= threshold first.
 */
function growNode(b: TreeBuffers, rows: Int32Array, start: number, end: number, depth: number): number {
  const id = b.count++;
  b.size[id] = end - start;
  b.feature[id] = -1;
  b.left[id] = -1;
  b.right[id] = -1;
  if (depth >= b.maxDepth || end - start < 2) return id;

  const { x, rng } = b;
  const p = x.cols;
  const d = x.data;
  // Draw columns without replacement until one varies in this node (as scikit-learn's random
  // splitter does): the chosen column is uniform over the non-constant ones.
  const cand = b.candidates;
  cand.set(b.features);
  let remaining = cand.length;
  let f = -1;
  let lo = 0;
  let hi = 0;
  while (remaining > 0) {
    const r = rng.int(remaining);
    const j = cand[r]!;
    lo = Number.POSITIVE_INFINITY;
    hi = Number.NEGATIVE_INFINITY;
    for (let k = start; k < end; k++) {
      const v = d[rows[k]! * p + j]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi > lo) {
      f = j;
      break;
    }
    cand[r] = cand[remaining - 1]!;
    cand[remaining - 1] = j;
    remaining--;
  }
  if (f < 0) return id; // every column is constant here: duplicates cannot be separated

  let t = lo + (hi - lo) * rng.next();
  // Rounding can land on hi, which would send every row left; scikit-learn falls back to lo.
  if (t >= hi) t = lo;
  let i = start;
  let k = end - 1;
  while (i <= k) {
    if (d[rows[i]! * p + f]! <= t) {
      i++;
    } else {
      const tmp = rows[i]!;
      rows[i] = rows[k]!;
      rows[k] = tmp;
      k--;
    }
  }
  b.feature[id] = f;
  b.threshold[id] = t;
  b.left[id] = growNode(b, rows, start, i, depth + 1);
  b.right[id] = growNode(b, rows, i, end, depth + 1);
  return id;
}
