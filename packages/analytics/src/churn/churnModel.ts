import {
  accuracy,
  brierScore,
  expectedCalibrationError,
  type GbdtJSON,
  GradientBoosting,
  IsotonicRegression,
  type IsotonicRegressionJSON,
  LogisticRegression,
  type LogisticRegressionJSON,
  logLoss,
  type Matrix,
  MlpClassifier,
  type MlpJSON,
  makeScaler,
  PlattScaling,
  type PlattScalingJSON,
  precisionRecallF1,
  rocAuc,
  type ScalerJSON,
  scalerFromJSON,
  stratifiedKFold,
  stratifiedSplit,
  takeRows,
  toProbabilityScale,
  treeShap,
} from '@clientele/ml';
import { InputError } from '../errors.ts';
import type { ChurnDataset, ChurnSchema } from './churnDataset.ts';

export const CHURN_MODELS = ['gbdt', 'mlp', 'logistic'] as const;
export const CALIBRATION_METHODS = ['none', 'isotonic', 'platt'] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];
export type ChurnModelKind = (typeof CHURN_MODELS)[number];

export interface ChurnTrainOptions {
  model: ChurnModelKind;
  /** GBDT budget (scikit-learn HistGradientBoosting's defaults but for leaves: 100 trees, 31 leaves, 0.1, 20 per leaf). */
  trees: number;
  leaves: number;
  learningRate: number;
  minSamplesLeaf: number;
  /** Share of rows held out, stratified, to measure the model. */
  testSize: number;
  /** Stratified k-fold cross-validation of the same settings on all rows (0 = none). */
  cv: number;
  /**
   * Calibrate the probabilities on a held-out slice (a fifth) of the training rows: isotonic
   * regression, or Platt scaling of the log-odds. The model is then fitted on the other rows.
   */
  calibrate: CalibrationMethod;
  seed: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export const DEFAULT_TRAIN_OPTIONS: ChurnTrainOptions = {
  model: 'gbdt',
  trees: 100,
  leaves: 31,
  learningRate: 0.1,
  minSamplesLeaf: 20,
  testSize: 0.2,
  cv: 0,
  calibrate: 'none',
  seed: 0,
};

/** How the MLP and logistic models see the features: medians for missing numbers, one-hot codes, robust scaling. */
interface Design {
  medians: number[];
  /** Per feature: 0 for numbers, else the one-hot width (categories + "other"). */
  widths: number[];
  /** Mean of each design column on the training rows (the linear explanation's baseline). */
  means: number[];
  scaler: ScalerJSON;
}

export interface TestMetrics {
  auc: number;
  /** Expected calibration error, 10 equal-width bins. */
  ece: number;
  accuracy: number;
  logloss: number;
  brier: number;
  per_class: { classes: string[]; precision: number[]; recall: number[]; f1: number[]; support: number[] };
}

/** A trained churn model as saved to M.json: the estimator, and how to read files for it. */
export interface ChurnModelFile {
  format: 'clientele-churn-model';
  version: 1;
  model: ChurnModelKind;
  schema: ChurnSchema;
  options: Omit<ChurnTrainOptions, 'onProgress'>;
  design: Design | null;
  estimator: GbdtJSON | MlpJSON | LogisticRegressionJSON;
  calibration:
    | { method: 'isotonic'; model: IsotonicRegressionJSON }
    | { method: 'platt'; model: PlattScalingJSON }
    | null;
  test: TestMetrics;
}

export interface ChurnTrainReport {
  model: ChurnModelKind;
  n_rows: number;
  n_features: number;
  n_train: number;
  n_test: number;
  fit_seconds: number;
  test: TestMetrics;
  calibration?: {
    method: CalibrationMethod;
    n_rows: number;
    test_ece_before: number;
    test_ece_after: number;
  };
  cv?: { folds: number; auc_mean: number; auc_std: number; auc: number[] };
}

interface Estimator {
  predictProba(x: Matrix): Float64Array;
  toJSON(): GbdtJSON | MlpJSON | LogisticRegressionJSON;
}

/**
 * Trains a churn model: a stratified, seeded train/test split; the model fitted on the training
 * rows (the saved model is that one, so its test figures describe it); optionally k-fold
 * cross-validation of the same settings on all rows.
 */
export function trainChurnModel(
  ds: ChurnDataset,
  opts: ChurnTrainOptions,
): { file: ChurnModelFile; report: ChurnTrainReport } {
  const y = ds.y!;
  if (!(opts.testSize > 0 && opts.testSize < 1)) {
    throw new InputError('BAD_OPTION', `--test-size must be between 0 and 1, got ${opts.testSize}`);
  }
  const split = stratifiedSplit(y, opts.testSize, opts.seed);
  const xTrain = takeRows(ds.x, split.train);
  const yTrain = takeValues(y, split.train);
  const xTest = takeRows(ds.x, split.test);
  const yTest = takeValues(y, split.test);

  const started = performance.now();
  const fitted = fitPipeline(ds.schema, xTrain, yTrain, opts, (d, t) => opts.onProgress?.('fit', d, t));
  const fitSeconds = (performance.now() - started) / 1000;
  const test = testMetrics(yTest, predictPipeline(fitted, xTest));
  const calibration = fitted.calibrator
    ? {
        method: opts.calibrate,
        n_rows: fitted.calibrationRows,
        test_ece_before: expectedCalibrationError(yTest, predictWith(fitted.estimator, fitted.design, xTest)),
        test_ece_after: test.ece,
      }
    : undefined;

  let cv: ChurnTrainReport['cv'];
  if (opts.cv > 0) {
    const folds = stratifiedKFold(y, opts.cv, opts.seed);
    const aucs = folds.map((f, i) => {
      opts.onProgress?.('cv', i, folds.length);
      const fold = fitPipeline(ds.schema, takeRows(ds.x, f.train), takeValues(y, f.train), opts);
      return rocAuc(takeValues(y, f.test), predictPipeline(fold, takeRows(ds.x, f.test)));
    });
    const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length;
    const std = Math.sqrt(aucs.reduce((a, b) => a + (b - mean) ** 2, 0) / aucs.length);
    cv = { folds: opts.cv, auc_mean: mean, auc_std: std, auc: aucs };
  }
  const { onProgress: _, ...options } = opts;
  const file: ChurnModelFile = {
    format: 'clientele-churn-model',
    version: 1,
    model: opts.model,
    schema: ds.schema,
    options,
    design: fitted.design,
    estimator: fitted.estimator.toJSON(),
    calibration: fitted.calibrator ? calibratorToJSON(fitted.calibrator) : null,
    test,
  };
  const report: ChurnTrainReport = {
    model: opts.model,
    n_rows: ds.x.rows,
    n_features: ds.x.cols,
    n_train: split.train.length,
    n_test: split.test.length,
    fit_seconds: fitSeconds,
    test,
    ...(calibration ? { calibration } : {}),
    ...(cv ? { cv } : {}),
  };
  return { file, report };
}

type Calibrator = IsotonicRegression | PlattScaling;

interface Fitted {
  estimator: Estimator;
  design: Design | null;
  calibrator: Calibrator | null;
  calibrationRows: number;
}

/** The model, and with `calibrate` a calibrator fitted on a stratified fifth of the rows held out from it. */
function fitPipeline(
  schema: ChurnSchema,
  x: Matrix,
  y: Float64Array,
  opts: ChurnTrainOptions,
  onProgress?: (done: number, total: number) => void,
): Fitted {
  if (opts.calibrate === 'none')
    return { ...fitEstimator(schema, x, y, opts, onProgress), calibrator: null, calibrationRows: 0 };
  const split = stratifiedSplit(y, 0.2, opts.seed + 1);
  const fitted = fitEstimator(schema, takeRows(x, split.train), takeValues(y, split.train), opts, onProgress);
  const p = predictWith(fitted.estimator, fitted.design, takeRows(x, split.test));
  const yCal = takeValues(y, split.test);
  const calibrator =
    opts.calibrate === 'isotonic'
      ? new IsotonicRegression().fit(p, yCal)
      : new PlattScaling().fit(logit(p), yCal);
  return { ...fitted, calibrator, calibrationRows: split.test.length };
}

function predictPipeline(f: Fitted, x: Matrix): Float64Array {
  return calibrate(f.calibrator, predictWith(f.estimator, f.design, x));
}

function calibrate(c: Calibrator | null, p: Float64Array): Float64Array {
  if (c === null) return p;
  return c instanceof IsotonicRegression ? c.predict(p) : c.predict(logit(p));
}

function logit(p: Float64Array): Float64Array {
  return p.map((v) => {
    const q = Math.min(Math.max(v, 1e-15), 1 - 1e-15);
    return Math.log(q / (1 - q));
  });
}

function calibratorToJSON(c: Calibrator): NonNullable<ChurnModelFile['calibration']> {
  return c instanceof IsotonicRegression
    ? { method: 'isotonic', model: c.toJSON() }
    : { method: 'platt', model: c.toJSON() };
}

function fitEstimator(
  schema: ChurnSchema,
  x: Matrix,
  y: Float64Array,
  opts: ChurnTrainOptions,
  onProgress?: (done: number, total: number) => void,
): { estimator: Estimator; design: Design | null } {
  if (opts.model === 'gbdt') {
    const gbdt = new GradientBoosting({
      objective: 'binary',
      nEstimators: opts.trees,
      maxLeaves: opts.leaves,
      learningRate: opts.learningRate,
      minSamplesLeaf: opts.minSamplesLeaf,
      seed: opts.seed,
      categorical: schema.features.flatMap((f, j) => (f.kind === 'categorical' ? [j] : [])),
      onProgress,
    }).fit(x, y);
    return { estimator: gbdt, design: null };
  }
  const design = fitDesign(schema, x);
  const z = applyDesign(design, x);
  if (opts.model === 'logistic') return { estimator: new LogisticRegression({ C: 1 }).fit(z, y), design };
  // The seed's Torch network: 10 hidden units, batches of 32, 16 epochs.
  const mlp = new MlpClassifier({ hiddenUnits: 10, batchSize: 32, epochs: 16, seed: opts.seed }).fit(z, y);
  return { estimator: mlp, design };
}

function predictWith(estimator: Estimator, design: Design | null, x: Matrix): Float64Array {
  return estimator.predictProba(design ? applyDesign(design, x) : x);
}

function fitDesign(schema: ChurnSchema, x: Matrix): Design {
  const p = x.cols;
  const medians: number[] = [];
  const widths = schema.features.map((f) => (f.kind === 'categorical' ? f.categories!.length + 1 : 0));
  for (let j = 0; j < p; j++) {
    const values: number[] = [];
    for (let i = 0; i < x.rows; i++) {
      const v = x.data[i * p + j]!;
      if (!Number.isNaN(v)) values.push(v);
    }
    values.sort((a, b) => a - b);
    const m = values.length === 0 ? 0 : (values[(values.length - 1) >> 1]! + values[values.length >> 1]!) / 2;
    medians.push(m);
  }
  const partial: Design = { medians, widths, means: [], scaler: { kind: 'none' } as unknown as ScalerJSON };
  const raw = expand(partial, x);
  const scaler = makeScaler('robust');
  scaler.fit(raw);
  const z = scaler.transform(raw);
  const means = new Array<number>(z.cols).fill(0);
  for (let i = 0; i < z.rows; i++)
    for (let d = 0; d < z.cols; d++) means[d]! += z.data[i * z.cols + d]! / z.rows;
  return { medians, widths, means, scaler: scaler.toJSON() as ScalerJSON };
}

/** Numbers with missing set to the training median, categories one-hot; before scaling. */
function expand(design: Design, x: Matrix): Matrix {
  const p = x.cols;
  const width = design.widths.reduce((a, w) => a + Math.max(w, 1), 0);
  const out = new Float64Array(x.rows * width);
  for (let i = 0; i < x.rows; i++) {
    let d = i * width;
    for (let j = 0; j < p; j++) {
      const v = x.data[i * p + j]!;
      const w = design.widths[j]!;
      if (w === 0) {
        out[d++] = Number.isNaN(v) ? design.medians[j]! : v;
      } else {
        if (!Number.isNaN(v)) out[d + Math.min(v, w - 1)] = 1;
        d += w;
      }
    }
  }
  return { data: out, rows: x.rows, cols: width };
}

function applyDesign(design: Design, x: Matrix): Matrix {
  return scalerFromJSON(design.scaler).transform(expand(design, x));
}

function testMetrics(y: Float64Array, p: Float64Array): TestMetrics {
  const pred = p.map((v) => (v >= 0.5 ? 1 : 0));
  const prf = precisionRecallF1(y, pred, 2);
  return {
    auc: rocAuc(y, p),
    ece: expectedCalibrationError(y, p),
    accuracy: accuracy(y, pred),
    logloss: logLoss(y, p),
    brier: brierScore(y, p),
    per_class: {
      classes: ['stayed', 'churned'],
      precision: Array.from(prf.precision),
      recall: Array.from(prf.recall),
      f1: Array.from(prf.f1),
      support: Array.from(prf.support),
    },
  };
}

/** A saved churn model, ready to score and explain rows read with its schema. */
export class ChurnModel {
  readonly file: ChurnModelFile;
  private readonly estimator: Estimator;
  private readonly calibrator: Calibrator | null;

  constructor(file: ChurnModelFile) {
    if (file?.format !== 'clientele-churn-model' || file.version !== 1) {
      throw new InputError(
        'BAD_OPTION',
        'not a Clientele churn model (expected a file written by clientele churn train --model-out)',
      );
    }
    this.file = file;
    this.estimator =
      file.model === 'gbdt'
        ? GradientBoosting.fromJSON(file.estimator as GbdtJSON)
        : file.model === 'logistic'
          ? LogisticRegression.fromJSON(file.estimator as LogisticRegressionJSON)
          : MlpClassifier.fromJSON(file.estimator as MlpJSON);
    const c = file.calibration ?? null;
    this.calibrator =
      c === null
        ? null
        : c.method === 'isotonic'
          ? IsotonicRegression.fromJSON(c.model)
          : PlattScaling.fromJSON(c.model);
  }

  get featureNames(): string[] {
    return this.file.schema.features.map((f) => f.name);
  }

  /** Churn probability of each row (calibrated when the model was trained with --calibrate). */
  predict(x: Matrix): Float64Array {
    return calibrate(this.calibrator, predictWith(this.estimator, this.file.design, x));
  }

  /**
   * Each row's contribution of each feature to its churn log-odds (SHAP values), the expected
   * value, and the same on the probability scale. GBDT: exact TreeSHAP. Logistic: the linear
   * model's exact SHAP values under independent features, coef x (z - mean z), summed over a
   * categorical feature's one-hot columns. The MLP has no exact explanation here.
   */
  explain(x: Matrix): {
    logOdds: Float64Array;
    expectedLogOdds: number;
    probability: Float64Array;
    expectedProbability: number;
  } {
    const p = x.cols;
    let values: Float64Array;
    let expected: number;
    if (this.file.model === 'gbdt') {
      const ens = (this.estimator as GradientBoosting).ensemble!;
      const shap = treeShap(ens, x);
      values = shap.values;
      expected = shap.expectedValue[0]!;
    } else if (this.file.model === 'logistic') {
      const lr = this.estimator as LogisticRegression;
      const design = this.file.design!;
      const z = applyDesign(design, x);
      values = new Float64Array(x.rows * p);
      expected = lr.intercept + design.means.reduce((a, m, d) => a + lr.coef[d]! * m, 0);
      for (let i = 0; i < x.rows; i++) {
        let d = 0;
        for (let j = 0; j < p; j++) {
          const w = Math.max(design.widths[j]!, 1);
          let c = 0;
          for (let k = 0; k < w; k++, d++) c += lr.coef[d]! * (z.data[i * z.cols + d]! - design.means[d]!);
          values[i * p + j] = c;
        }
      }
    } else {
      throw new InputError(
        'BAD_OPTION',
        'explanations need a gbdt or logistic model; this one is an MLP (train with --model gbdt)',
      );
    }
    const raw = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      let s = expected;
      for (let j = 0; j < p; j++) s += values[i * p + j]!;
      raw[i] = s;
    }
    const prob = toProbabilityScale(values, Float64Array.of(expected), raw, 'logistic');
    return {
      logOdds: values,
      expectedLogOdds: expected,
      ...this.calibrated(prob.values, prob.expectedValue[0]!, raw, p),
    };
  }

  /**
   * With a calibrator, the probability contributions are stretched row by row so they add up to
   * the calibrated probability minus the calibrated base: the calibrator is monotone, so every
   * sign stays. Without one they are as they are.
   */
  private calibrated(
    values: Float64Array,
    base: number,
    raw: Float64Array,
    p: number,
  ): { probability: Float64Array; expectedProbability: number } {
    if (this.calibrator === null) return { probability: values, expectedProbability: base };
    const calBase = calibrate(this.calibrator, Float64Array.of(base))[0]!;
    const prob = calibrate(
      this.calibrator,
      raw.map((z) => 1 / (1 + Math.exp(-z))),
    );
    const out = new Float64Array(values.length);
    for (let i = 0; i < raw.length; i++) {
      const before = 1 / (1 + Math.exp(-raw[i]!)) - base;
      const factor = before === 0 ? 0 : (prob[i]! - calBase) / before;
      for (let j = 0; j < p; j++) out[i * p + j] = values[i * p + j]! * factor;
    }
    return { probability: out, expectedProbability: calBase };
  }
}

function takeValues(y: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = y[rows[i]!]!;
  return out;
}
