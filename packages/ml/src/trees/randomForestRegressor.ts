import { MlError } from '../errors.ts';
import { assertFinite, type Matrix } from '../matrix.ts';
import { Rng } from '../random.ts';
import { applyTree, buildRegressionTree, type FlatTree } from './regressionTree.ts';

/** Options for `RandomForestRegressor`; every field is optional. */
export interface RandomForestRegressorOptions {
  /** Trees in the forest. Default 100. */
  nEstimators?: number;
  /** Deepest level a node may sit at (root = 0). Default: unlimited. */
  maxDepth?: number;
  /** A node with fewer samples becomes a leaf. Default 2. */
  minSamplesSplit?: number;
  /** Each leaf keeps at least this many samples. Default 1. */
  minSamplesLeaf?: number;
  /**
   * Features tried per split: a fraction in (0, 1] of the p features (at least 1), a whole
   * number > 1 of features, or 'sqrt' / 'log2' of p. Default 1 (all features, as scikit-learn's
   * regressor). Note 1 means "all": for exactly one feature pass 1 / p.
   */
  maxFeatures?: number | 'sqrt' | 'log2';
  /** Train each tree on n rows drawn with replacement. Default true. */
  bootstrap?: boolean;
  /** Seed for bootstrap draws and feature sampling. Default 0. */
  seed?: number;
  /** Called after each tree with (trees done, nEstimators). */
  onProgress?: (done: number, total: number) => void;
}

/** The plain-object form of a fitted forest (`toJSON` / `fromJSON`). */
export interface RandomForestRegressorJSON {
  version: 1;
  kind: 'RandomForestRegressor';
  nFeatures: number;
  options: Omit<Required<RandomForestRegressorOptions>, 'onProgress' | 'maxDepth'> & {
    maxDepth: number | null;
  };
  trees: {
    feature: number[];
    threshold: number[];
    left: number[];
    right: number[];
    value: number[];
    nSamples: number[];
  }[];
}

type Resolved = Omit<Required<RandomForestRegressorOptions>, 'onProgress'> & {
  onProgress: ((done: number, total: number) => void) | undefined;
};

/**
 * Random forest of regression trees (Breiman 2001), as scikit-learn's RandomForestRegressor:
 * each tree grown on a bootstrap sample with squared-error CART splits over a random subset of
 * features per split; the prediction is the mean of the trees' leaf values. Trees are flat typed
 * arrays (see `FlatTree`). Deterministic for a seed.
 *
 * Shapes: x is n x p, y has n values; `predict` gives n values; `apply` gives n x nEstimators
 * leaf ids. Complexity: fit about O(nEstimators maxFeatures n log^2 n); predict O(n nEstimators depth).
 *
 * @example
 * const forest = new RandomForestRegressor({ nEstimators: 100, seed: 0 }).fit(x, y);
 * const yHat = forest.predict(xTest);  // Float64Array
 * const leaves = forest.apply(xTest);  // Int32Array, row-major n x 100
 */
export class RandomForestRegressor {
  readonly options: Resolved;
  /** The fitted trees, after `fit`. */
  trees: FlatTree[] = [];
  /** Columns seen in `fit`. */
  nFeatures = 0;

  constructor(options: RandomForestRegressorOptions = {}) {
    const o: Resolved = {
      nEstimators: options.nEstimators ?? 100,
      maxDepth: options.maxDepth ?? Number.POSITIVE_INFINITY,
      minSamplesSplit: options.minSamplesSplit ?? 2,
      minSamplesLeaf: options.minSamplesLeaf ?? 1,
      maxFeatures: options.maxFeatures ?? 1,
      bootstrap: options.bootstrap ?? true,
      seed: options.seed ?? 0,
      onProgress: options.onProgress,
    };
    validate(o);
    this.options = o;
  }

  /** Grows the forest on x (n x p) and targets y (n values). O(nEstimators maxFeatures n log^2 n). */
  fit(x: Matrix, y: Float64Array): this {
    const n = x.rows;
    if (n === 0 || x.cols === 0) {
      throw new MlError(
        'EMPTY_INPUT',
        `random forest: input is ${n} x ${x.cols}; need at least one row and column`,
      );
    }
    if (y.length !== n) {
      throw new MlError('SHAPE_MISMATCH', `random forest: x has ${n} rows but y has ${y.length} values`);
    }
    assertFinite(x, 'random forest');
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i])) {
        throw new MlError(
          'NON_FINITE',
          `random forest: target at row ${i} is ${y[i]}; drop or impute it first`,
          {
            row: i,
          },
        );
      }
    }
    const o = this.options;
    const params = {
      maxDepth: o.maxDepth,
      minSamplesSplit: o.minSamplesSplit,
      minSamplesLeaf: o.minSamplesLeaf,
      maxFeatures: resolveMaxFeatures(o.maxFeatures, x.cols),
    };
    const rng = new Rng(o.seed);
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const counts = new Float64Array(n);
    this.trees = [];
    for (let t = 0; t < o.nEstimators; t++) {
      if (o.bootstrap) {
        // A bootstrap sample as distinct rows weighted by how often they were drawn (scikit-learn).
        counts.fill(0);
        for (let i = 0; i < n; i++) counts[rng.int(n)]++;
        const drawn = all.filter((i) => counts[i] > 0);
        this.trees.push(buildRegressionTree(x, y, drawn, counts, params, rng));
      } else {
        this.trees.push(buildRegressionTree(x, y, all, null, params, rng));
      }
      o.onProgress?.(t + 1, o.nEstimators);
    }
    this.nFeatures = x.cols;
    return this;
  }

  /** Mean of the trees' leaf values for each row of x. O(n nEstimators depth). */
  predict(x: Matrix): Float64Array {
    this.check(x, 'predict');
    const out = new Float64Array(x.rows);
    const p = x.cols;
    for (const tree of this.trees) {
      for (let i = 0; i < x.rows; i++) out[i] += tree.value[applyTree(tree, x.data, i * p)];
    }
    const m = this.trees.length;
    for (let i = 0; i < x.rows; i++) out[i] /= m;
    return out;
  }

  /**
   * Leaf node id of each row in each tree (scikit-learn's `apply`): n x nEstimators, row-major,
   * ids index the tree's arrays (`trees[t].value[id]` is that leaf's value).
   */
  apply(x: Matrix): Int32Array {
    this.check(x, 'apply');
    const m = this.trees.length;
    const out = new Int32Array(x.rows * m);
    const p = x.cols;
    for (let t = 0; t < m; t++) {
      const tree = this.trees[t];
      for (let i = 0; i < x.rows; i++) out[i * m + t] = applyTree(tree, x.data, i * p);
    }
    return out;
  }

  /** A plain, JSON-safe object with `version: 1`; `fromJSON` restores an identical forest. */
  toJSON(): RandomForestRegressorJSON {
    const o = this.options;
    return {
      version: 1,
      kind: 'RandomForestRegressor',
      nFeatures: this.nFeatures,
      options: {
        nEstimators: o.nEstimators,
        maxDepth: Number.isFinite(o.maxDepth) ? o.maxDepth : null,
        minSamplesSplit: o.minSamplesSplit,
        minSamplesLeaf: o.minSamplesLeaf,
        maxFeatures: o.maxFeatures,
        bootstrap: o.bootstrap,
        seed: o.seed,
      },
      trees: this.trees.map((t) => ({
        feature: Array.from(t.feature),
        threshold: Array.from(t.threshold),
        left: Array.from(t.left),
        right: Array.from(t.right),
        value: Array.from(t.value),
        nSamples: Array.from(t.nSamples),
      })),
    };
  }

  static fromJSON(json: RandomForestRegressorJSON): RandomForestRegressor {
    if (json?.version !== 1 || json.kind !== 'RandomForestRegressor' || !Array.isArray(json.trees)) {
      throw new MlError('BAD_OPTION', 'random forest: not a version-1 RandomForestRegressor model');
    }
    const forest = new RandomForestRegressor({
      ...json.options,
      maxDepth: json.options.maxDepth ?? undefined,
    });
    forest.nFeatures = json.nFeatures;
    forest.trees = json.trees.map((t) => ({
      nodeCount: t.feature.length,
      feature: Int32Array.from(t.feature),
      threshold: Float64Array.from(t.threshold),
      left: Int32Array.from(t.left),
      right: Int32Array.from(t.right),
      value: Float64Array.from(t.value),
      nSamples: Int32Array.from(t.nSamples),
    }));
    return forest;
  }

  private check(x: Matrix, who: string): void {
    if (this.trees.length === 0) {
      throw new MlError('NOT_FITTED', `random forest: call fit before ${who}`);
    }
    if (x.cols !== this.nFeatures) {
      throw new MlError(
        'SHAPE_MISMATCH',
        `random forest: ${who} got ${x.cols} columns, the forest was fitted on ${this.nFeatures}`,
      );
    }
    assertFinite(x, `random forest ${who}`);
  }
}

function resolveMaxFeatures(m: number | 'sqrt' | 'log2', p: number): number {
  if (m === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(p)));
  if (m === 'log2') return Math.max(1, Math.floor(Math.log2(p)));
  if (m <= 1) return Math.max(1, Math.floor(m * p));
  if (m > p) {
    throw new MlError(
      'BAD_OPTION',
      `random forest: maxFeatures = ${m} is more than the ${p} columns; use <= ${p}`,
    );
  }
  return m;
}

function validate(o: Resolved): void {
  const bad = (msg: string): never => {
    throw new MlError('BAD_OPTION', `random forest: ${msg}`);
  };
  if (!Number.isInteger(o.nEstimators) || o.nEstimators < 1)
    bad(`nEstimators = ${o.nEstimators}; use a whole number >= 1`);
  if (!(o.maxDepth >= 0) || (Number.isFinite(o.maxDepth) && !Number.isInteger(o.maxDepth))) {
    bad(`maxDepth = ${o.maxDepth}; use a whole number >= 0, or leave it out for unlimited depth`);
  }
  if (!Number.isInteger(o.minSamplesSplit) || o.minSamplesSplit < 2) {
    bad(`minSamplesSplit = ${o.minSamplesSplit}; use a whole number >= 2`);
  }
  if (!Number.isInteger(o.minSamplesLeaf) || o.minSamplesLeaf < 1) {
    bad(`minSamplesLeaf = ${o.minSamplesLeaf}; use a whole number >= 1`);
  }
  const m = o.maxFeatures;
  if (m !== 'sqrt' && m !== 'log2') {
    if (typeof m !== 'number' || !(m > 0) || (m > 1 && !Number.isInteger(m))) {
      bad(`maxFeatures = ${m}; use a fraction in (0, 1], a whole number of features, 'sqrt' or 'log2'`);
    }
  }
}
