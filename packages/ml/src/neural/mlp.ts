import { MlError } from '../errors.ts';
import {
  applyClassWeight,
  type BinaryTarget,
  type ClassWeight,
  checkBinaryInput,
  checkClassWeight,
  checkPredictInput,
  checkSampleWeight,
  classWeightFactors,
  labelsAbove,
  logLossOfScore,
  sigmoid,
  sigmoidInPlace,
} from '../linear/binaryTarget.ts';
import type { Matrix } from '../matrix.ts';
import { Rng } from '../random.ts';

/** Activation of the hidden layer. */
export type MlpActivation = 'relu' | 'tanh';

/** What {@link MlpOptions.onProgress} gets after each epoch. */
export interface MlpEpochReport {
  /** Epoch just finished, 1-based. */
  epoch: number;
  /** Weighted mean log-loss of the mini-batches of this epoch, each taken before its step. */
  trainLoss: number;
  /** Weighted mean log-loss on the validation set after this epoch; NaN without one. */
  validationLoss: number;
}

/** Options for {@link MlpClassifier}; every field is optional. */
export interface MlpOptions {
  /** Units in the hidden layer. Default 10. */
  hiddenUnits?: number;
  /** Hidden activation: 'relu' (default; He initialisation) or 'tanh' (Xavier initialisation). */
  activation?: MlpActivation;
  /** Adam step size. Default 1e-3. */
  learningRate?: number;
  /** Adam decay of the first moment. Default 0.9. */
  beta1?: number;
  /** Adam decay of the second moment. Default 0.999. */
  beta2?: number;
  /** Adam's denominator guard. Default 1e-8. */
  epsilon?: number;
  /** Rows per mini-batch; the last batch of an epoch may be smaller. Default 32. */
  batchSize?: number;
  /** Passes over the training rows (at most, with early stopping). Default 16. */
  epochs?: number;
  /**
   * L2 weight decay lambda: each batch minimises mean loss + lambda / 2 * ||weights||^2 over
   * both weight matrices (not the biases), as torch's Adam `weight_decay` on the weights.
   * Default 0.
   */
  l2?: number;
  /** Class weights multiplying the sample weights: 'balanced' or [w0, w1]. Default none. */
  classWeight?: ClassWeight;
  /**
   * Early stopping (only with a validation set): stop after this many epochs in a row without
   * the validation loss improving on its best by more than `minDelta`. Default 5.
   */
  patience?: number;
  /** Smallest decrease of the validation loss that counts as an improvement. Default 0. */
  minDelta?: number;
  /** With a validation set, end with the weights of the epoch with the lowest validation loss. Default true. */
  restoreBestWeights?: boolean;
  /** Seed of the initial weights and of the shuffling. Default 0. */
  seed?: number;
  /** Called after each epoch with (epochs done, epochs, the epoch's losses). */
  onProgress?: (done: number, total: number, report: MlpEpochReport) => void;
}

/** A held-out set for early stopping. */
export interface MlpValidation {
  x: Matrix;
  y: BinaryTarget;
  sampleWeight?: ArrayLike<number>;
}

/** Per-fit inputs besides x and y. */
export interface MlpFitOptions {
  /** Rows to watch for early stopping (and report in `history.validationLoss`). */
  validation?: MlpValidation;
  /** Non-negative weight of each training row; multiplied by the class weights. */
  sampleWeight?: ArrayLike<number>;
}

/** Training and validation loss per epoch. */
export interface MlpHistory {
  trainLoss: number[];
  /** Empty without a validation set. */
  validationLoss: number[];
}

type ResolvedOptions = Required<Omit<MlpOptions, 'classWeight' | 'onProgress'>> & {
  classWeight: ClassWeight | undefined;
};

/** The plain object {@link MlpClassifier.toJSON} returns and `fromJSON` accepts. */
export interface MlpJSON {
  version: 1;
  kind: 'mlp';
  nFeatures: number;
  options: Omit<ResolvedOptions, 'classWeight'> & { classWeight: 'balanced' | [number, number] | null };
  /** hiddenUnits x nFeatures, row-major: row j is hidden unit j's input weights. */
  w1: number[];
  b1: number[];
  /** Output weight of each hidden unit. */
  w2: number[];
  b2: number;
  history: MlpHistory;
  bestEpoch: number;
  stoppedEarly: boolean;
}

/** Shape of a network: p inputs, h hidden units, the activation. */
export interface MlpShape {
  nFeatures: number;
  hiddenUnits: number;
  activation: MlpActivation;
}

/**
 * A binary classifier: one hidden layer (ReLU or tanh), a sigmoid output, binary
 * cross-entropy, trained by Adam on shuffled mini-batches for a number of epochs, with optional
 * L2 weight decay, class / sample weights and early stopping on a validation set. The defaults
 * (10 hidden units, 32 rows per batch, 16 epochs, Adam at 1e-3) are the small Torch network the
 * churn project started from; it is a baseline for the gradient-boosted trees, not a deep-learning
 * toolkit.
 *
 * Everything random (initial weights: He uniform for ReLU, Xavier uniform for tanh and the
 * output; the order of rows each epoch) comes from `seed`, so a fit is reproducible bit for bit.
 * The weights live in one Float64Array (`params`, layout below); training allocates nothing per
 * row. Cost per epoch O(n p h); memory O(n + p h).
 *
 * Inputs must be finite (impute first) and scaled (the CLI robust-scales features for this
 * model): unscaled spend in the thousands next to 0/1 flags slows Adam badly.
 *
 * @example
 * const net = new MlpClassifier({ hiddenUnits: 10, seed: 1 }).fit(x, y, { validation: { x: xv, y: yv } });
 * net.history.validationLoss; // per epoch
 * const p = net.predictProba(xNew); // P(y = 1)
 * const again = MlpClassifier.fromJSON(net.toJSON());
 */
export class MlpClassifier {
  readonly options: ResolvedOptions;
  private readonly onProgress: MlpOptions['onProgress'];

  /**
   * All weights after fit, flat: w1 (hiddenUnits x nFeatures, row-major), b1 (hiddenUnits),
   * w2 (hiddenUnits), b2 (1).
   */
  params: Float64Array = new Float64Array(0);
  /** Columns seen at fit. */
  nFeatures = 0;
  /** Loss per epoch run. */
  history: MlpHistory = { trainLoss: [], validationLoss: [] };
  /** The epoch (1-based) whose weights the model holds: the best on validation, else the last. */
  bestEpoch = 0;
  /** Whether early stopping ended training before `epochs`. */
  stoppedEarly = false;

  constructor(options: MlpOptions = {}) {
    const o: ResolvedOptions = {
      hiddenUnits: options.hiddenUnits ?? 10,
      activation: options.activation ?? 'relu',
      learningRate: options.learningRate ?? 1e-3,
      beta1: options.beta1 ?? 0.9,
      beta2: options.beta2 ?? 0.999,
      epsilon: options.epsilon ?? 1e-8,
      batchSize: options.batchSize ?? 32,
      epochs: options.epochs ?? 16,
      l2: options.l2 ?? 0,
      classWeight: options.classWeight,
      patience: options.patience ?? 5,
      minDelta: options.minDelta ?? 0,
      restoreBestWeights: options.restoreBestWeights ?? true,
      seed: options.seed ?? 0,
    };
    validateOptions(o);
    if (Array.isArray(o.classWeight)) o.classWeight = [o.classWeight[0], o.classWeight[1]];
    this.options = o;
    this.onProgress = options.onProgress;
  }

  /** The network's shape (after fit or fromJSON). */
  get shape(): MlpShape {
    return {
      nFeatures: this.nFeatures,
      hiddenUnits: this.options.hiddenUnits,
      activation: this.options.activation,
    };
  }

  /**
   * Trains on x (n x p, finite, scaled) and y (n labels, 0 or 1). With `validation`, the
   * validation loss is tracked each epoch for early stopping and, by default, the best epoch's
   * weights are kept. Throws MlError on empty input, NaN, a label other than 0/1, one class only,
   * mismatched shapes, or a diverged fit.
   */
  fit(x: Matrix, y: BinaryTarget, fitOptions: MlpFitOptions = {}): this {
    const who = 'MLP';
    const o = this.options;
    const yy = checkBinaryInput(x, y, who);
    const n = x.rows;
    const p = x.cols;
    const h = o.hiddenUnits;
    const factors = classWeightFactors(yy, o.classWeight);
    const sw = applyClassWeight(checkSampleWeight(fitOptions.sampleWeight, n, who), yy, factors);

    const val = fitOptions.validation;
    let vx: Matrix | null = null;
    let vy: Float64Array | null = null;
    let vw: Float64Array | null = null;
    if (val) {
      const vwho = 'MLP validation';
      if (val.x.cols !== p) {
        throw new MlError(
          'SHAPE_MISMATCH',
          `${vwho}: x has ${val.x.cols} columns but the training x has ${p}; pass the same columns`,
        );
      }
      vx = val.x;
      vy = checkBinaryInput(val.x, val.y, vwho, false);
      vw = applyClassWeight(checkSampleWeight(val.sampleWeight, val.x.rows, vwho), vy, factors);
    }

    const shape: MlpShape = { nFeatures: p, hiddenUnits: h, activation: o.activation };
    const rng = new Rng(o.seed);
    const params = initialParams(shape, rng);
    const nParams = params.length;
    const grad = new Float64Array(nParams);
    const m1 = new Float64Array(nParams);
    const m2 = new Float64Array(nParams);
    const best = new Float64Array(nParams);
    const scratch = new Float64Array(2 * h);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const decayEnd = h * p; // w1 is [0, h p); w2 is [h p + h, h p + 2h)
    const w2Start = h * p + h;

    const history: MlpHistory = { trainLoss: [], validationLoss: [] };
    let bestLoss = Number.POSITIVE_INFINITY;
    let bestEpoch = 0;
    let sinceBest = 0;
    let stoppedEarly = false;
    let step = 0;
    const { learningRate: lr, beta1, beta2, epsilon, batchSize, l2 } = o;

    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      rng.shuffle(order);
      let lossSum = 0;
      let weightSum = 0;
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        grad.fill(0);
        lossSum += accumulate(
          shape,
          params,
          x.data,
          order,
          start,
          end,
          yy,
          sw,
          1 / (end - start),
          grad,
          scratch,
        );
        for (let k = start; k < end; k++) weightSum += sw[order[k]!]!;
        if (l2 > 0) {
          for (let j = 0; j < decayEnd; j++) grad[j] += l2 * params[j]!;
          for (let j = w2Start; j < w2Start + h; j++) grad[j] += l2 * params[j]!;
        }
        step++;
        const c1 = 1 - beta1 ** step;
        const c2 = 1 - beta2 ** step;
        const a = lr / c1;
        const sc2 = Math.sqrt(c2);
        for (let j = 0; j < nParams; j++) {
          const g = grad[j]!;
          const mj = beta1 * m1[j]! + (1 - beta1) * g;
          const vj = beta2 * m2[j]! + (1 - beta2) * g * g;
          m1[j] = mj;
          m2[j] = vj;
          params[j] = params[j]! - (a * mj) / (Math.sqrt(vj) / sc2 + epsilon);
        }
      }
      const trainLoss = weightSum > 0 ? lossSum / weightSum : 0;
      if (!Number.isFinite(trainLoss)) {
        throw new MlError(
          'NON_FINITE',
          `MLP: the training loss became ${trainLoss} at epoch ${epoch}; scale the features or lower learningRate`,
          { epoch },
        );
      }
      history.trainLoss.push(trainLoss);
      let validationLoss = Number.NaN;
      if (vx && vy && vw) {
        validationLoss = meanLoss(shape, params, vx, vy, vw, scratch);
        history.validationLoss.push(validationLoss);
        if (validationLoss < bestLoss - o.minDelta) {
          bestLoss = validationLoss;
          bestEpoch = epoch;
          best.set(params);
          sinceBest = 0;
        } else {
          sinceBest++;
        }
      } else {
        bestEpoch = epoch;
      }
      this.onProgress?.(epoch, o.epochs, { epoch, trainLoss, validationLoss });
      if (vx && sinceBest >= o.patience && epoch < o.epochs) {
        stoppedEarly = true;
        break;
      }
    }
    if (vx && o.restoreBestWeights && bestEpoch > 0) params.set(best);
    else if (vx) bestEpoch = history.trainLoss.length;

    this.params = params;
    this.nFeatures = p;
    this.history = history;
    this.bestEpoch = bestEpoch;
    this.stoppedEarly = stoppedEarly;
    return this;
  }

  /** The log-odds (output before the sigmoid) of each row. */
  decisionFunction(x: Matrix): Float64Array {
    checkPredictInput(x, this.nFeatures, this.params.length > 0, 'MLP');
    const out = new Float64Array(x.rows);
    const shape = this.shape;
    const scratch = new Float64Array(2 * shape.hiddenUnits);
    for (let i = 0; i < x.rows; i++) out[i] = forward(shape, this.params, x.data, i * x.cols, scratch);
    return out;
  }

  /** P(y = 1) of each row. */
  predictProba(x: Matrix): Float64Array {
    return sigmoidInPlace(this.decisionFunction(x));
  }

  /** 1 where P(y = 1) > threshold (default 0.5), else 0. */
  predict(x: Matrix, threshold = 0.5): Int32Array {
    return labelsAbove(this.predictProba(x), threshold);
  }

  /** A plain, JSON-safe object; `fromJSON` restores a model with identical predictions. */
  toJSON(): MlpJSON {
    if (this.params.length === 0) throw new MlError('NOT_FITTED', 'MLP: call fit(x, y) before toJSON()');
    const { classWeight, ...rest } = this.options;
    const h = this.options.hiddenUnits;
    const p = this.nFeatures;
    const w = this.params;
    return {
      version: 1,
      kind: 'mlp',
      nFeatures: p,
      options: {
        ...rest,
        classWeight:
          classWeight === undefined ? null : classWeight === 'balanced' ? classWeight : [...classWeight],
      },
      w1: Array.from(w.subarray(0, h * p)),
      b1: Array.from(w.subarray(h * p, h * p + h)),
      w2: Array.from(w.subarray(h * p + h, h * p + 2 * h)),
      b2: w[h * p + 2 * h]!,
      history: { trainLoss: [...this.history.trainLoss], validationLoss: [...this.history.validationLoss] },
      bestEpoch: this.bestEpoch,
      stoppedEarly: this.stoppedEarly,
    };
  }

  static fromJSON(json: MlpJSON): MlpClassifier {
    if (json?.version !== 1 || json.kind !== 'mlp') {
      throw new MlError(
        'BAD_OPTION',
        `MLP: expected { version: 1, kind: 'mlp' }, got version ${json?.version}, kind '${json?.kind}'`,
      );
    }
    const { classWeight, ...rest } = json.options;
    const net = new MlpClassifier({ ...rest, classWeight: classWeight ?? undefined });
    const h = net.options.hiddenUnits;
    const p = json.nFeatures;
    const sizes: [string, unknown, number][] = [
      ['w1', json.w1, h * p],
      ['b1', json.b1, h],
      ['w2', json.w2, h],
    ];
    for (const [name, arr, len] of sizes) {
      if (!Array.isArray(arr) || arr.length !== len || !(p >= 1)) {
        throw new MlError(
          'SHAPE_MISMATCH',
          `MLP: ${name} must have ${len} entries for ${h} units and ${p} features`,
        );
      }
    }
    const params = new Float64Array(h * p + 2 * h + 1);
    params.set(json.w1, 0);
    params.set(json.b1, h * p);
    params.set(json.w2, h * p + h);
    params[h * p + 2 * h] = json.b2;
    net.params = params;
    net.nFeatures = p;
    net.history = {
      trainLoss: [...json.history.trainLoss],
      validationLoss: [...json.history.validationLoss],
    };
    net.bestEpoch = json.bestEpoch;
    net.stoppedEarly = json.stoppedEarly;
    return net;
  }
}

/** Number of weights of a network: h p + 2 h + 1. */
export function mlpParamCount(shape: MlpShape): number {
  return shape.hiddenUnits * shape.nFeatures + 2 * shape.hiddenUnits + 1;
}

/** He uniform (ReLU) or Xavier uniform (tanh) hidden weights, Xavier uniform output weights, zero biases. */
function initialParams(shape: MlpShape, rng: Rng): Float64Array {
  const { nFeatures: p, hiddenUnits: h, activation } = shape;
  const params = new Float64Array(mlpParamCount(shape));
  const r1 = activation === 'relu' ? Math.sqrt(6 / p) : Math.sqrt(6 / (p + h));
  for (let j = 0; j < h * p; j++) params[j] = rng.uniform(-r1, r1);
  const r2 = Math.sqrt(6 / (h + 1));
  for (let j = h * p + h; j < h * p + 2 * h; j++) params[j] = rng.uniform(-r2, r2);
  return params;
}

/**
 * The output score (log-odds) of the row of `x` starting at `offset`. Leaves the hidden
 * pre-activations in scratch[0, h) and the activations in scratch[h, 2h).
 */
function forward(
  shape: MlpShape,
  w: Float64Array,
  x: Float64Array,
  offset: number,
  scratch: Float64Array,
): number {
  const { nFeatures: p, hiddenUnits: h } = shape;
  const relu = shape.activation === 'relu';
  const b1 = h * p;
  const w2 = b1 + h;
  let z = w[w2 + h]!;
  for (let j = 0; j < h; j++) {
    const wo = j * p;
    let a = w[b1 + j]!;
    for (let k = 0; k < p; k++) a += w[wo + k]! * x[offset + k]!;
    const act = relu ? (a > 0 ? a : 0) : Math.tanh(a);
    scratch[j] = a;
    scratch[h + j] = act;
    z += w[w2 + j]! * act;
  }
  return z;
}

/**
 * Adds to `grad` the gradient of scale * sum_i s_i logloss_i over rows order[start..end) and
 * returns the unscaled sum_i s_i logloss_i. No allocation.
 */
function accumulate(
  shape: MlpShape,
  w: Float64Array,
  x: Float64Array,
  order: ArrayLike<number>,
  start: number,
  end: number,
  y: Float64Array,
  s: Float64Array,
  scale: number,
  grad: Float64Array,
  scratch: Float64Array,
): number {
  const { nFeatures: p, hiddenUnits: h } = shape;
  const relu = shape.activation === 'relu';
  const b1 = h * p;
  const w2 = b1 + h;
  const b2 = w2 + h;
  let loss = 0;
  for (let t = start; t < end; t++) {
    const i = order[t]!;
    const si = s[i]!;
    if (si === 0) continue;
    const offset = i * p;
    const z = forward(shape, w, x, offset, scratch);
    loss += si * logLossOfScore(y[i]!, z);
    const dz = (sigmoid(z) - y[i]!) * si * scale;
    grad[b2] += dz;
    for (let j = 0; j < h; j++) {
      const act = scratch[h + j]!;
      grad[w2 + j] += dz * act;
      const slope = relu ? (scratch[j]! > 0 ? 1 : 0) : 1 - act * act;
      const dh = dz * w[w2 + j]! * slope;
      if (dh === 0) continue;
      grad[b1 + j] += dh;
      const wo = j * p;
      for (let k = 0; k < p; k++) grad[wo + k] += dh * x[offset + k]!;
    }
  }
  return loss;
}

/** Weighted mean log-loss sum_i s_i logloss_i / sum_i s_i over the rows of x. */
function meanLoss(
  shape: MlpShape,
  w: Float64Array,
  x: Matrix,
  y: Float64Array,
  s: Float64Array,
  scratch: Float64Array,
): number {
  let loss = 0;
  let total = 0;
  for (let i = 0; i < x.rows; i++) {
    if (s[i] === 0) continue;
    loss += s[i]! * logLossOfScore(y[i]!, forward(shape, w, x.data, i * x.cols, scratch));
    total += s[i]!;
  }
  return total > 0 ? loss / total : Number.NaN;
}

/**
 * The objective one batch of training minimises, over all rows of x at once:
 * (1 / n) sum_i s_i logloss_i + l2 / 2 * ||w1, w2||^2, with its gradient written to `grad`
 * (length {@link mlpParamCount}) when given. For gradient checks and diagnostics.
 */
export function mlpObjective(
  shape: MlpShape,
  params: Float64Array,
  x: Matrix,
  y: ArrayLike<number>,
  sampleWeight: ArrayLike<number>,
  l2: number,
  grad?: Float64Array,
): number {
  const n = x.rows;
  const { nFeatures: p, hiddenUnits: h } = shape;
  const g = grad ?? new Float64Array(params.length);
  g.fill(0);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const yy = Float64Array.from(y);
  const s = Float64Array.from(sampleWeight);
  const data = accumulate(shape, params, x.data, order, 0, n, yy, s, 1 / n, g, new Float64Array(2 * h)) / n;
  let penalty = 0;
  for (let j = 0; j < h * p; j++) {
    penalty += params[j]! * params[j]!;
    g[j] += l2 * params[j]!;
  }
  for (let j = h * p + h; j < h * p + 2 * h; j++) {
    penalty += params[j]! * params[j]!;
    g[j] += l2 * params[j]!;
  }
  return data + 0.5 * l2 * penalty;
}

function validateOptions(o: ResolvedOptions): void {
  const bad = (msg: string): never => {
    throw new MlError('BAD_OPTION', `MLP: ${msg}`);
  };
  const posInt = (name: string, v: number): void => {
    if (!Number.isInteger(v) || v < 1) bad(`${name} = ${v}; use a whole number >= 1`);
  };
  posInt('hiddenUnits', o.hiddenUnits);
  posInt('batchSize', o.batchSize);
  posInt('epochs', o.epochs);
  posInt('patience', o.patience);
  if (o.activation !== 'relu' && o.activation !== 'tanh')
    bad(`activation '${o.activation}' is not 'relu' or 'tanh'`);
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate))
    bad(`learningRate = ${o.learningRate}; use a number > 0`);
  if (!(o.beta1 >= 0 && o.beta1 < 1)) bad(`beta1 = ${o.beta1}; use a number in [0, 1)`);
  if (!(o.beta2 >= 0 && o.beta2 < 1)) bad(`beta2 = ${o.beta2}; use a number in [0, 1)`);
  if (!(o.epsilon > 0) || !Number.isFinite(o.epsilon)) bad(`epsilon = ${o.epsilon}; use a small number > 0`);
  if (!(o.l2 >= 0) || !Number.isFinite(o.l2)) bad(`l2 = ${o.l2}; use a finite number >= 0`);
  if (!(o.minDelta >= 0) || !Number.isFinite(o.minDelta))
    bad(`minDelta = ${o.minDelta}; use a finite number >= 0`);
  if (!Number.isInteger(o.seed)) bad(`seed = ${o.seed}; use a whole number`);
  checkClassWeight('MLP', o.classWeight);
}
