import { MlError } from '../../errors.ts';
import type { Matrix } from '../../matrix.ts';
import { Rng } from '../../random.ts';
import {
  applyLink,
  type DecisionTree,
  type DecisionTreeJSON,
  type EnsembleLink,
  leafOf,
  type TreeEnsemble,
  treeFromJSON,
  treeToJSON,
} from '../treeEnsemble.ts';
import { binData } from './binning.ts';
import { GrowerWork, type GrownTree, type GrowParams, growTree } from './grower.ts';
import { type GbdtObjective, OBJECTIVES } from './objectives.ts';
import { FlatEnsemble } from './predict.ts';

export type { GbdtObjective } from './objectives.ts';

/** Options for `GradientBoosting`; all but `objective` are optional. */
export interface GbdtOptions {
  /** 'binary' (log-loss, y in {0, 1}), 'multiclass' (softmax, y = class index 0..K-1), 'regression' (squared error). */
  objective: GbdtObjective;
  /** Boosting rounds (one tree per round, one per class per round for multiclass). Default 100. */
  nEstimators?: number;
  /** Shrinkage applied to every leaf value. Default 0.1. */
  learningRate?: number;
  /** Most leaves per tree (leaf-wise growth). Default 31. */
  maxLeaves?: number;
  /** Deepest level a leaf may sit at (root = 0). Default: none. */
  maxDepth?: number;
  /** Fewest training rows in a leaf. Default 20. */
  minSamplesLeaf?: number;
  /** Smallest hessian sum in a leaf. Default 1e-3. */
  minChildWeight?: number;
  /** A split must gain more than this (gain without a 1/2 factor, as scikit-learn and LightGBM). Default 0. */
  minSplitGain?: number;
  /** L2 regularisation of leaf values (lambda). Default 0. */
  l2?: number;
  /** Bins per feature including the one for missing values, 3..256. Default 255. */
  maxBins?: number;
  /** Rows drawn (without replacement, seeded) for each round. Default 1. */
  subsample?: number;
  /** Features drawn (seeded) for each tree. Default 1. */
  colsampleByTree?: number;
  /** Seed for binning samples, row and feature subsampling. Default 0. */
  seed?: number;
  /** Indices of categorical features (whole-number codes >= 0, NaN missing). Default none. */
  categorical?: number[];
  /** 'sorted' (LightGBM's sorted-category splits) or 'onehot' (one category against the rest). Default 'sorted'. */
  categoricalSplit?: 'sorted' | 'onehot';
  /** Sorted splits: categories with fewer rows in a node are left out of the order (scikit-learn's 10). Default 10. */
  catSmooth?: number;
  /** Sorted splits: most categories on one side. Default 32. */
  maxCatThreshold?: number;
  /** Classification: 'balanced' (n / (K n_k)), one weight per class, or null. Default null. */
  classWeight?: 'balanced' | number[] | null;
  /** One weight per training row (multiplied with the class weight). Default all 1. */
  sampleWeight?: Float64Array | null;
  /** Held-out rows scored after every round, for early stopping. */
  validation?: { x: Matrix; y: ArrayLike<number> } | null;
  /** Stop when the validation metric has not improved for this many rounds. Default 10 (with validation). */
  earlyStoppingRounds?: number;
  /** Validation metric: 'logloss' (classification) or 'rmse' (regression), the default for each. */
  metric?: 'logloss' | 'rmse';
  /**
   * Quantized hessians (after LightGBM's quantized training): split finding adds each row's
   * hessian rounded to a power-of-two step (2^15 steps of the tree's largest hessian at 300,000
   * rows; finer with fewer rows) packed with its row count in one number, two histogram additions
   * per row and feature instead of three; gradients stay exact, and leaf values and covers are
   * summed from the exact gradients and hessians afterwards. Faster fits, nearly the same trees.
   * Default false.
   */
  quantizedGradients?: boolean;
  /** Rows sampled to place the quantile bin edges. Default 200,000. */
  binSampleRows?: number;
  /** Called after each round with (rounds done, nEstimators). */
  onProgress?: (done: number, total: number) => void;
}

type Settings = Required<
  Omit<GbdtOptions, 'sampleWeight' | 'validation' | 'onProgress' | 'classWeight' | 'metric'>
> & {
  classWeight: 'balanced' | number[] | null;
  metric: 'logloss' | 'rmse';
};

/** The JSON form: `version: 1, kind: 'gbdt'`; the trees in the shared `DecisionTreeJSON` form. */
export interface GbdtJSON {
  version: 1;
  kind: 'gbdt';
  objective: GbdtObjective;
  nClasses: number;
  bestIteration: number;
  options: Omit<Settings, 'maxDepth'> & { maxDepth: number | null };
  ensemble: {
    nFeatures: number;
    nOutputs: number;
    link: EnsembleLink;
    baseScore: number[];
    treeOutput: number[];
    trees: DecisionTreeJSON[];
  };
  /** Split gain of every node of every tree (0 at leaves), for feature importance. */
  nodeGain: number[][];
}

/**
 * Histogram gradient-boosted decision trees (LightGBM / scikit-learn HistGradientBoosting):
 * quantile bins, leaf-wise growth with second-order (gradient and hessian) splits, histogram
 * subtraction, native missing values (a learned default direction) and categorical features
 * (sorted-category splits), seeded row and feature subsampling, class and sample weights, and
 * early stopping on a validation set. The fitted model is a `TreeEnsemble` (the shared format).
 *
 * Shapes: x is n x p (NaN = missing); y has n values. predictRaw gives n x nOutputs (1, or K
 * for multiclass), predictProba n values (binary: P(y = 1)) or n x K, predict n values.
 * Complexity: fit O(nEstimators K (n p + leaves bins p)); predict O(n trees depth).
 *
 * @example
 * const model = new GradientBoosting({ objective: 'binary', categorical: [3, 7], seed: 1 }).fit(x, y);
 * const p = model.predictProba(xNew);         // Float64Array of P(churn)
 * const imp = model.featureImportance('gain'); // Float64Array(p)
 * const again = GradientBoosting.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
 */
export class GradientBoosting {
  readonly options: Settings;
  private readonly fitExtras: Pick<GbdtOptions, 'sampleWeight' | 'validation' | 'onProgress'>;
  /** The fitted trees (after `fit`). */
  ensemble: TreeEnsemble | null = null;
  /** Classes (multiclass), 2 (binary) or 1 (regression). */
  nClasses = 0;
  /** Rounds kept: the best validation round with early stopping, else every round. */
  bestIteration = 0;
  /** Validation metric after each round (empty without validation). */
  validationScores: number[] = [];
  private nodeGain: Float64Array[] = [];
  private flat: FlatEnsemble | null = null;

  constructor(options: GbdtOptions) {
    const o: Settings = {
      objective: options.objective,
      nEstimators: options.nEstimators ?? 100,
      learningRate: options.learningRate ?? 0.1,
      maxLeaves: options.maxLeaves ?? 31,
      maxDepth: options.maxDepth ?? Number.POSITIVE_INFINITY,
      minSamplesLeaf: options.minSamplesLeaf ?? 20,
      minChildWeight: options.minChildWeight ?? 1e-3,
      minSplitGain: options.minSplitGain ?? 0,
      l2: options.l2 ?? 0,
      maxBins: options.maxBins ?? 255,
      subsample: options.subsample ?? 1,
      colsampleByTree: options.colsampleByTree ?? 1,
      seed: options.seed ?? 0,
      categorical: options.categorical ?? [],
      categoricalSplit: options.categoricalSplit ?? 'sorted',
      catSmooth: options.catSmooth ?? 10,
      maxCatThreshold: options.maxCatThreshold ?? 32,
      classWeight: options.classWeight ?? null,
      earlyStoppingRounds: options.earlyStoppingRounds ?? 10,
      metric: options.metric ?? (options.objective === 'regression' ? 'rmse' : 'logloss'),
      binSampleRows: options.binSampleRows ?? 200_000,
      quantizedGradients: options.quantizedGradients ?? false,
    };
    validateOptions(o);
    this.options = o;
    this.fitExtras = {
      sampleWeight: options.sampleWeight ?? null,
      validation: options.validation ?? null,
      onProgress: options.onProgress,
    };
  }

  /** Fits on x (n x p, NaN = missing) and y (n values). */
  fit(x: Matrix, y: ArrayLike<number>): this {
    const o = this.options;
    const n = x.rows;
    const p = x.cols;
    if (n === 0 || p === 0) {
      throw new MlError('EMPTY_INPUT', `gbdt: input is ${n} x ${p}; need at least one row and column`);
    }
    const yy = checkTarget(o.objective, y, n, 'y');
    for (const f of o.categorical) {
      if (f >= p)
        throw new MlError('BAD_OPTION', `gbdt: categorical feature ${f} is not a column of x (0..${p - 1})`);
    }
    const k = o.objective === 'multiclass' ? countClasses(yy) : o.objective === 'binary' ? 2 : 1;
    const nOut = o.objective === 'multiclass' ? k : 1;
    const w = rowWeights(o, this.fitExtras.sampleWeight ?? null, yy, n, k);
    const val = this.fitExtras.validation;
    let yVal: Float64Array | null = null;
    if (val) {
      if (val.x.cols !== p) {
        throw new MlError('SHAPE_MISMATCH', `gbdt: validation x has ${val.x.cols} columns; x has ${p}`);
      }
      if (val.x.rows === 0) throw new MlError('EMPTY_INPUT', 'gbdt: validation x has no rows');
      yVal = checkTarget(o.objective, val.y, val.x.rows, 'validation y');
      if (o.objective === 'multiclass') {
        for (const c of yVal) {
          if (c >= k)
            throw new MlError('BAD_OPTION', `gbdt: validation y has class ${c}; training y has ${k} classes`);
        }
      }
    }

    const objective = OBJECTIVES[o.objective];
    const binned = binData(x, {
      maxBins: o.maxBins,
      categorical: new Set(o.categorical),
      sampleRows: o.binSampleRows,
      seed: o.seed,
    });
    const rng = new Rng(o.seed + 1);
    const baseScore = objective.baseScore(yy, w, nOut);
    const raw = new Float64Array(n * nOut);
    for (let i = 0; i < n; i++) raw.set(baseScore, i * nOut);
    const grad = Array.from({ length: nOut }, () => new Float64Array(n));
    const hess = Array.from({ length: nOut }, () => new Float64Array(n));
    const work = new GrowerWork(binned, o.maxLeaves);
    const gp: GrowParams = { ...o, categoricalSplit: o.categoricalSplit, quantized: o.quantizedGradients };
    const nSample = o.subsample < 1 ? Math.max(1, Math.round(o.subsample * n)) : n;
    const nFeat = o.colsampleByTree < 1 ? Math.max(1, Math.round(o.colsampleByTree * p)) : p;
    const sampleRows = Int32Array.from({ length: n }, (_, i) => i);
    const inBag = new Uint8Array(n).fill(1);
    const rows = work.rows;
    const allFeats = Int32Array.from({ length: p }, (_, i) => i);
    const valRaw = val ? new Float64Array(val.x.rows * nOut) : null;
    if (valRaw) for (let i = 0; i < val!.x.rows; i++) valRaw.set(baseScore, i * nOut);

    const trees: DecisionTree[] = [];
    const treeOutput: number[] = [];
    const gains: Float64Array[] = [];
    this.validationScores = [];
    let best = Number.POSITIVE_INFINITY;
    let bestRound = 0;
    for (let round = 0; round < o.nEstimators; round++) {
      if (nSample < n) drawRows(rng, nSample, inBag, sampleRows);
      const sample = sampleRows.subarray(0, nSample);
      // Out-of-bag rows' gradients are not used this round.
      objective.gradients(raw, yy, w, grad, hess, nSample < n ? sample : null);
      for (let c = 0; c < nOut; c++) {
        const feats = nFeat < p ? rng.sample(p, nFeat).sort() : allFeats;
        rows.set(sample);
        const g = growTree(binned, grad[c]!, hess[c]!, rows, nSample, feats, feats.length, gp, work);
        const t = g.tree;
        addInBag(g, rows, raw, nOut, c);
        if (nSample < n) addOutOfBag(g, binned.bins, p, inBag, raw, nOut, c);
        if (valRaw) {
          const vx = val!.x;
          for (let i = 0; i < vx.rows; i++) valRaw[i * nOut + c] += t.value[leafOf(t, vx.data, i * p)]!;
        }
        trees.push(t);
        treeOutput.push(c);
        gains.push(g.gain);
      }
      this.fitExtras.onProgress?.(round + 1, o.nEstimators);
      if (valRaw) {
        const score = objective.loss(valRaw, yVal!, nOut);
        this.validationScores.push(score);
        if (score < best) {
          best = score;
          bestRound = round + 1;
        } else if (round + 1 - bestRound >= o.earlyStoppingRounds) {
          break;
        }
      } else {
        bestRound = round + 1;
      }
    }
    const kept = bestRound * nOut;
    this.ensemble = {
      nFeatures: p,
      nOutputs: nOut,
      trees: trees.slice(0, kept),
      treeOutput: Int32Array.from(treeOutput.slice(0, kept)),
      baseScore,
      link: objective.link,
    };
    this.nodeGain = gains.slice(0, kept);
    this.nClasses = k;
    this.bestIteration = bestRound;
    this.flat = null;
    return this;
  }

  /** Raw scores (before the link), n x nOutputs row-major; equal to `predictRaw(model.ensemble, x)`. */
  predictRaw(x: Matrix): Float64Array {
    const ens = this.fitted('predictRaw');
    this.flat ??= new FlatEnsemble(ens);
    return this.flat.predictRaw(x);
  }

  /** Binary: P(y = 1) per row; multiclass: n x K probabilities; regression: the predictions. */
  predictProba(x: Matrix): Float64Array {
    const ens = this.fitted('predictProba');
    return applyLink(ens.link, this.predictRaw(x), ens.nOutputs);
  }

  /** Binary: 0/1 (P >= 0.5); multiclass: the most probable class; regression: the prediction. */
  predict(x: Matrix): Float64Array {
    const ens = this.fitted('predict');
    const raw = this.predictRaw(x);
    if (this.options.objective === 'regression') return raw;
    if (this.options.objective === 'binary') return raw.map((r) => (r >= 0 ? 1 : 0));
    const k = ens.nOutputs;
    const out = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      let bi = 0;
      for (let c = 1; c < k; c++) if (raw[i * k + c]! > raw[i * k + bi]!) bi = c;
      out[i] = bi;
    }
    return out;
  }

  /** Per feature: total split gain ('gain') or number of splits ('split') over the kept trees. */
  featureImportance(kind: 'gain' | 'split' = 'gain'): Float64Array {
    const ens = this.fitted('featureImportance');
    const out = new Float64Array(ens.nFeatures);
    ens.trees.forEach((t, i) => {
      const g = this.nodeGain[i]!;
      for (let j = 0; j < t.nodeCount; j++) {
        const f = t.feature[j]!;
        if (f >= 0) out[f] += kind === 'gain' ? g[j]! : 1;
      }
    });
    return out;
  }

  toJSON(): GbdtJSON {
    const ens = this.fitted('toJSON');
    const o = this.options;
    return {
      version: 1,
      kind: 'gbdt',
      objective: o.objective,
      nClasses: this.nClasses,
      bestIteration: this.bestIteration,
      options: {
        ...o,
        maxDepth: Number.isFinite(o.maxDepth) ? o.maxDepth : null,
        categorical: [...o.categorical],
      },
      ensemble: {
        nFeatures: ens.nFeatures,
        nOutputs: ens.nOutputs,
        link: ens.link,
        baseScore: Array.from(ens.baseScore),
        treeOutput: Array.from(ens.treeOutput),
        trees: ens.trees.map(treeToJSON),
      },
      nodeGain: this.nodeGain.map((g) => Array.from(g)),
    };
  }

  static fromJSON(json: GbdtJSON): GradientBoosting {
    if (
      json?.version !== 1 ||
      json.kind !== 'gbdt' ||
      !json.ensemble ||
      !Array.isArray(json.ensemble.trees)
    ) {
      throw new MlError(
        'BAD_OPTION',
        'gbdt: not a version-1 gbdt model (expected { version: 1, kind: "gbdt", ... })',
      );
    }
    const e = json.ensemble;
    const nOut = json.objective === 'multiclass' ? json.nClasses : 1;
    const ok =
      json.options?.objective === json.objective &&
      e.nOutputs === nOut &&
      e.baseScore?.length === nOut &&
      e.treeOutput?.length === e.trees.length &&
      json.nodeGain?.length === e.trees.length &&
      e.treeOutput.every((o) => Number.isInteger(o) && o >= 0 && o < nOut) &&
      e.trees.every(
        (t, i) =>
          t.nodeCount >= 1 &&
          t.feature?.length === t.nodeCount &&
          json.nodeGain[i]!.length === t.nodeCount &&
          t.feature.every((f, j) => {
            if (f < 0) return t.left[j] === -1 && t.right[j] === -1;
            const inTree = (c: number | undefined): boolean => c !== undefined && c > j && c < t.nodeCount;
            return f < e.nFeatures && inTree(t.left[j]) && inTree(t.right[j]);
          }),
      );
    if (!ok)
      throw new MlError(
        'BAD_OPTION',
        'gbdt: the model JSON is inconsistent (damaged or edited); fit and save it again',
      );
    const m = new GradientBoosting({ ...json.options, maxDepth: json.options.maxDepth ?? undefined });
    m.ensemble = {
      nFeatures: e.nFeatures,
      nOutputs: e.nOutputs,
      link: e.link,
      baseScore: Float64Array.from(e.baseScore),
      treeOutput: Int32Array.from(e.treeOutput),
      trees: e.trees.map(treeFromJSON),
    };
    m.nodeGain = json.nodeGain.map((g) => Float64Array.from(g));
    m.nClasses = json.nClasses;
    m.bestIteration = json.bestIteration;
    return m;
  }

  private fitted(who: string): TreeEnsemble {
    if (this.ensemble === null) throw new MlError('NOT_FITTED', `gbdt: call fit before ${who}`);
    return this.ensemble;
  }
}

/** `new GradientBoosting(options).fit(x, y)`. */
export function fitGbdt(x: Matrix, y: ArrayLike<number>, options: GbdtOptions): GradientBoosting {
  return new GradientBoosting(options).fit(x, y);
}

/** Draws k of the n rows (seeded, without replacement): inBag flags and the rows in ascending order. */
function drawRows(rng: Rng, k: number, inBag: Uint8Array, sorted: Int32Array): void {
  const drawn = rng.sample(inBag.length, k);
  inBag.fill(0);
  for (let q = 0; q < k; q++) inBag[drawn[q]!] = 1;
  let w = 0;
  for (let i = 0; i < inBag.length; i++) if (inBag[i] === 1) sorted[w++] = i;
}

/** Adds each leaf's value to the raw scores of the in-bag rows the grower left in it. */
function addInBag(g: GrownTree, rows: Int32Array, raw: Float64Array, k: number, c: number): void {
  const value = g.tree.value;
  for (let l = 0; l < g.leafNode.length; l++) {
    const v = value[g.leafNode[l]!]!;
    const end = g.leafEnd[l]!;
    for (let q = g.leafStart[l]!; q < end; q++) raw[rows[q]! * k + c] += v;
  }
}

/** Out-of-bag rows walk the tree on their bins (the same decisions as on their raw values). */
function addOutOfBag(
  g: GrownTree,
  bins: Uint8Array,
  p: number,
  inBag: Uint8Array,
  raw: Float64Array,
  k: number,
  c: number,
): void {
  const { feature, left, right, value } = g.tree;
  const go = g.binGoLeft;
  const n = inBag.length;
  for (let i = 0; i < n; i++) {
    if (inBag[i] === 1) continue;
    let node = 0;
    let f = feature[0]!;
    while (f >= 0) {
      node = go[(node << 8) + bins[i * p + f]!] === 1 ? left[node]! : right[node]!;
      f = feature[node]!;
    }
    raw[i * k + c] += value[node]!;
  }
}

function checkTarget(objective: GbdtObjective, y: ArrayLike<number>, n: number, name: string): Float64Array {
  if (y.length !== n) {
    throw new MlError('SHAPE_MISMATCH', `gbdt: x has ${n} rows but ${name} has ${y.length} values`);
  }
  const out = Float64Array.from(y);
  for (let i = 0; i < n; i++) {
    const v = out[i]!;
    if (!Number.isFinite(v)) {
      throw new MlError('NON_FINITE', `gbdt: ${name} at row ${i} is ${v}; drop or impute it first`, {
        row: i,
      });
    }
    if (objective === 'binary' && v !== 0 && v !== 1) {
      throw new MlError(
        'BAD_OPTION',
        `gbdt: ${name} at row ${i} is ${v}; the binary objective needs 0 or 1`,
        {
          row: i,
        },
      );
    }
    if (objective === 'multiclass' && (!Number.isInteger(v) || v < 0)) {
      throw new MlError(
        'BAD_OPTION',
        `gbdt: ${name} at row ${i} is ${v}; the multiclass objective needs class indices 0, 1, 2, ...`,
        { row: i },
      );
    }
  }
  if (name === 'y' && objective !== 'regression') {
    const seen = new Set(out);
    if (seen.size < 2) {
      throw new MlError(
        'BAD_OPTION',
        `gbdt: y holds a single class (${[...seen][0]}); a classifier needs at least two`,
        { classes: [...seen] },
      );
    }
  }
  return out;
}

function countClasses(y: Float64Array): number {
  let k = 0;
  for (const v of y) k = Math.max(k, v + 1);
  return k;
}

function rowWeights(
  o: Settings,
  sw: Float64Array | null,
  y: Float64Array,
  n: number,
  k: number,
): Float64Array {
  const w = new Float64Array(n).fill(1);
  if (sw !== null) {
    if (sw.length !== n) {
      throw new MlError('SHAPE_MISMATCH', `gbdt: sampleWeight has ${sw.length} values; x has ${n} rows`);
    }
    for (let i = 0; i < n; i++) {
      if (!(sw[i]! >= 0) || !Number.isFinite(sw[i]!)) {
        throw new MlError(
          'BAD_OPTION',
          `gbdt: sampleWeight at row ${i} is ${sw[i]}; use finite weights >= 0`,
          {
            row: i,
          },
        );
      }
      w[i] = sw[i]!;
    }
  }
  const cw = o.classWeight;
  if (cw !== null) {
    if (o.objective === 'regression')
      throw new MlError('BAD_OPTION', 'gbdt: classWeight needs a classification objective');
    let per: number[];
    if (cw === 'balanced') {
      const counts = new Float64Array(k);
      for (const v of y) counts[v]++;
      per = Array.from(counts, (c) => (c > 0 ? n / (k * c) : 1));
    } else {
      if (cw.length !== k) {
        throw new MlError('BAD_OPTION', `gbdt: classWeight has ${cw.length} values; y has ${k} classes`);
      }
      if (cw.some((v) => !(v >= 0) || !Number.isFinite(v))) {
        throw new MlError('BAD_OPTION', `gbdt: classWeight [${cw.join(', ')}] must be finite and >= 0`);
      }
      per = cw;
    }
    for (let i = 0; i < n; i++) w[i] *= per[y[i]!]!;
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i]!;
  if (!(total > 0))
    throw new MlError('BAD_OPTION', 'gbdt: the row weights sum to 0; give some rows a positive weight');
  return w;
}

function validateOptions(o: Settings): void {
  const bad = (msg: string): never => {
    throw new MlError('BAD_OPTION', `gbdt: ${msg}`);
  };
  if (!['binary', 'multiclass', 'regression'].includes(o.objective)) {
    bad(`objective = ${o.objective}; use 'binary', 'multiclass' or 'regression'`);
  }
  const wholeAtLeast = (name: string, v: number, min: number): void => {
    if (!Number.isInteger(v) || v < min) bad(`${name} = ${v}; use a whole number >= ${min}`);
  };
  wholeAtLeast('nEstimators', o.nEstimators, 1);
  wholeAtLeast('maxLeaves', o.maxLeaves, 2);
  wholeAtLeast('minSamplesLeaf', o.minSamplesLeaf, 1);
  wholeAtLeast('earlyStoppingRounds', o.earlyStoppingRounds, 1);
  wholeAtLeast('binSampleRows', o.binSampleRows, 1);
  wholeAtLeast('maxCatThreshold', o.maxCatThreshold, 1);
  wholeAtLeast('seed', o.seed, 0);
  if (!Number.isInteger(o.maxBins) || o.maxBins < 3 || o.maxBins > 256)
    bad(`maxBins = ${o.maxBins}; use 3..256`);
  if (!(o.maxDepth >= 1) || (Number.isFinite(o.maxDepth) && !Number.isInteger(o.maxDepth))) {
    bad(`maxDepth = ${o.maxDepth}; use a whole number >= 1, or leave it out for no limit`);
  }
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate))
    bad(`learningRate = ${o.learningRate}; use a number > 0`);
  for (const [name, v] of [
    ['minChildWeight', o.minChildWeight],
    ['minSplitGain', o.minSplitGain],
    ['l2', o.l2],
    ['catSmooth', o.catSmooth],
  ] as const) {
    if (!(v >= 0) || !Number.isFinite(v)) bad(`${name} = ${v}; use a number >= 0`);
  }
  for (const [name, v] of [
    ['subsample', o.subsample],
    ['colsampleByTree', o.colsampleByTree],
  ] as const) {
    if (!(v > 0 && v <= 1)) bad(`${name} = ${v}; use a fraction in (0, 1]`);
  }
  if (o.categoricalSplit !== 'sorted' && o.categoricalSplit !== 'onehot') {
    bad(`categoricalSplit = ${o.categoricalSplit}; use 'sorted' or 'onehot'`);
  }
  if (typeof o.quantizedGradients !== 'boolean')
    bad(`quantizedGradients = ${o.quantizedGradients}; use true or false`);
  if (o.metric !== 'logloss' && o.metric !== 'rmse') bad(`metric = ${o.metric}; use 'logloss' or 'rmse'`);
  if ((o.metric === 'rmse') !== (o.objective === 'regression')) {
    bad(
      `metric '${o.metric}' does not fit objective '${o.objective}' (logloss for classification, rmse for regression)`,
    );
  }
  if (!Array.isArray(o.categorical) || o.categorical.some((f) => !Number.isInteger(f) || f < 0)) {
    bad(`categorical = ${JSON.stringify(o.categorical)}; use an array of column indices`);
  }
}
