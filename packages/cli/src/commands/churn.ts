import { readFileSync } from 'node:fs';
import {
  buildChurnDataset,
  CALIBRATION_METHODS,
  type CalibrationMethod,
  CHURN_MODELS,
  ChurnModel,
  type ChurnModelFile,
  type ChurnModelKind,
  DEFAULT_TRAIN_OPTIONS,
  InputError,
  loadTable,
  parseTierThresholds,
  trainChurnModel,
  writeChurnScores,
  writeShapMatrix,
  writeTextFile,
} from '@clientele/analytics';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { addLoadFlags, type LoadFlags, loadOptions } from '../loadFlags.ts';
import { note, parseIntOption, parseList, parsePositive, printJson } from '../options.ts';
import { progressBar } from '../progress.ts';

interface TrainFlags extends LoadFlags {
  input: string;
  target: string;
  positive?: string;
  id?: string;
  drop?: string[];
  model: ChurnModelKind;
  trees: number;
  leaves: number;
  learningRate: number;
  minSamplesLeaf: number;
  testSize: number;
  cv?: number;
  calibrate: CalibrationMethod;
  seed: number;
  modelOut?: string;
  json?: boolean;
}

interface ScoreFlags extends LoadFlags {
  model: string;
  input: string;
  out: string;
  explain: number;
  tiers?: string;
  json?: boolean;
}

interface ExplainFlags extends LoadFlags {
  model: string;
  input: string;
  out: string;
  scale: 'logodds' | 'probability';
  json?: boolean;
}

export function registerChurn(program: Command): void {
  const churn = program.command('churn').description('train a churn model, and score customers with it');
  const train = churn
    .command('train')
    .description(
      'train a churn model on a snapshot with a churn label; report its test (and cross-validated) quality',
    )
    .requiredOption('--input <file>', 'one row per customer: CSV, Parquet or JSON lines')
    .requiredOption('--target <col>', 'the churn label column')
    .option('--positive <value>', 'the label value that means churned (needed when it is not obvious)')
    .option('--id <col>', 'the customer id column (never a feature)')
    .option('--drop <a,b>', 'columns to leave out', parseList)
    .option('--model <kind>', CHURN_MODELS.join(' | '), parseModel, DEFAULT_TRAIN_OPTIONS.model)
    .option('--trees <n>', 'GBDT trees', parseIntOption('trees'), DEFAULT_TRAIN_OPTIONS.trees)
    .option('--leaves <n>', 'GBDT leaves per tree', parseIntOption('leaves', 2), DEFAULT_TRAIN_OPTIONS.leaves)
    .option(
      '--learning-rate <r>',
      'GBDT learning rate',
      parsePositive('learning-rate'),
      DEFAULT_TRAIN_OPTIONS.learningRate,
    )
    .option(
      '--min-samples-leaf <n>',
      'GBDT rows per leaf, at least',
      parseIntOption('min-samples-leaf'),
      DEFAULT_TRAIN_OPTIONS.minSamplesLeaf,
    )
    .option(
      '--test-size <share>',
      'share of rows held out for the test figures',
      parseShare,
      DEFAULT_TRAIN_OPTIONS.testSize,
    )
    .option('--cv <k>', 'also cross-validate with k stratified folds', parseIntOption('cv', 2))
    .option(
      '--calibrate <method>',
      'calibrate the probabilities on a held-out fifth of the training rows: none | isotonic | platt',
      parseCalibration,
      DEFAULT_TRAIN_OPTIONS.calibrate,
    )
    .option(
      '--seed <s>',
      'seed of the split, folds and model',
      parseIntOption('seed', 0),
      DEFAULT_TRAIN_OPTIONS.seed,
    )
    .option('--model-out <M.json>', 'save the model (with how to read files for it)')
    .option('--json', 'print one JSON object on stdout and nothing else');
  addLoadFlags(train).action(async (flags: TrainFlags) => runTrain(flags));

  const score = churn
    .command('score')
    .description('churn probability, retention, risk tier and top reasons for every customer of a file')
    .requiredOption('--model <M.json>', 'a model from churn train --model-out')
    .requiredOption('--input <file>', 'customers to score: the columns the model was trained on')
    .requiredOption('--out <scores.csv>', 'where the scores go: .csv or .parquet')
    .option(
      '--explain <k>',
      'the top k reasons per customer (probability points)',
      parseIntOption('explain', 0),
      0,
    )
    .option(
      '--tiers <low,moderate,high>',
      'retention bounds of the Low, Moderate and High tiers',
      '0.85,0.7,0.5',
    )
    .option('--json', 'print one JSON object (tier counts) on stdout and nothing else');
  addLoadFlags(score).action(async (flags: ScoreFlags) => runScore(flags));
}

export function registerExplain(program: Command): void {
  const cmd = program
    .command('explain')
    .description("each customer's SHAP values: what each feature adds to the churn prediction")
    .requiredOption('--model <M.json>', 'a gbdt or logistic model from churn train --model-out')
    .requiredOption('--input <file>', 'customers to explain')
    .requiredOption(
      '--out <shap.csv>',
      'one line per customer: id, one column per feature, expected_value, the output',
    )
    .option(
      '--scale <s>',
      'logodds (SHAP values of the log-odds) | probability (in probability points)',
      parseScale,
      'logodds',
    )
    .option('--json', 'print one JSON object on stdout and nothing else');
  addLoadFlags(cmd).action(async (flags: ExplainFlags) => runExplain(flags));
}

async function runTrain(flags: TrainFlags): Promise<void> {
  const t = await loadTable(flags.input, loadOptions(flags));
  try {
    const ds = await buildChurnDataset(t, {
      target: flags.target,
      positive: flags.positive,
      id: flags.id,
      drop: flags.drop,
    });
    if (!flags.json) {
      for (const s of ds.skipped) note(`left out "${s.column}": ${s.reason}`);
      if (ds.droppedNoTarget > 0) note(`${ds.droppedNoTarget} rows without a target value left out`);
    }
    const bar = progressBar('training', !flags.json);
    const { file, report } = trainChurnModel(ds, {
      model: flags.model,
      trees: flags.trees,
      leaves: flags.leaves,
      learningRate: flags.learningRate,
      minSamplesLeaf: flags.minSamplesLeaf,
      testSize: flags.testSize,
      cv: flags.cv ?? 0,
      calibrate: flags.calibrate,
      seed: flags.seed,
      onProgress: (_stage, done, total) => bar.onProgress(done, total),
    });
    bar.stop();
    if (flags.modelOut) writeTextFile(flags.modelOut, `${JSON.stringify(file)}\n`);
    if (flags.json) {
      printJson(report);
      return;
    }
    const out = (s: string): boolean => process.stdout.write(`${s}\n`);
    const f = (x: number): string => x.toFixed(4);
    out(
      `${report.model} on ${report.n_rows} rows x ${report.n_features} features (train ${report.n_train}, test ${report.n_test}); fit ${report.fit_seconds.toFixed(2)} s`,
    );
    out(
      `test: AUC ${f(report.test.auc)}  accuracy ${f(report.test.accuracy)}  log loss ${f(report.test.logloss)}  Brier ${f(report.test.brier)}`,
    );
    const pc = report.test.per_class;
    pc.classes.forEach((c, i) => {
      out(
        `  ${c.padEnd(8)} precision ${f(pc.precision[i]!)}  recall ${f(pc.recall[i]!)}  F1 ${f(pc.f1[i]!)}  (${pc.support[i]} rows)`,
      );
    });
    if (report.calibration) {
      const c = report.calibration;
      out(
        `calibrated (${c.method}, on ${c.n_rows} held-out training rows): test ECE ${f(c.test_ece_before)} -> ${f(c.test_ece_after)}`,
      );
    }
    if (report.cv) out(`${report.cv.folds}-fold CV: AUC ${f(report.cv.auc_mean)} ± ${f(report.cv.auc_std)}`);
    if (flags.modelOut) out(`model saved to ${flags.modelOut}`);
  } finally {
    t.close();
  }
}

function readModel(path: string): ChurnModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(
      'FILE_NOT_FOUND',
      `${path}: no such model file; write one with clientele churn train --model-out`,
    );
  }
  try {
    return new ChurnModel(JSON.parse(text) as ChurnModelFile);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError('BAD_OPTION', `${path} is not a churn model: ${(err as Error).message}`);
  }
}

async function runScore(flags: ScoreFlags): Promise<void> {
  let tiers: ReturnType<typeof parseTierThresholds>;
  try {
    tiers = parseTierThresholds(flags.tiers ?? '0.85,0.7,0.5');
  } catch (err) {
    throw new UsageError(`--${(err as Error).message}`);
  }
  const model = readModel(flags.model);
  const t = await loadTable(flags.input, loadOptions(flags));
  try {
    const summary = await writeChurnScores(t, model, flags.out, { explain: flags.explain, tiers });
    if (flags.json) {
      printJson({ out: flags.out, ...summary });
      return;
    }
    const tiersText = Object.entries(summary.tiers)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    process.stdout.write(`${summary.n_rows} customers scored (${tiersText}); written to ${flags.out}\n`);
  } finally {
    t.close();
  }
}

async function runExplain(flags: ExplainFlags): Promise<void> {
  const model = readModel(flags.model);
  const t = await loadTable(flags.input, loadOptions(flags));
  try {
    const r = await writeShapMatrix(t, model, flags.out, flags.scale);
    if (flags.json) {
      printJson({ out: flags.out, scale: flags.scale, ...r });
      return;
    }
    process.stdout.write(
      `${r.n_rows} customers x ${r.features.length} features explained (expected value ${r.expected_value.toFixed(4)}, ${flags.scale}); written to ${flags.out}\n`,
    );
  } finally {
    t.close();
  }
}

function parseModel(value: string): ChurnModelKind {
  if (!(CHURN_MODELS as readonly string[]).includes(value)) {
    throw new UsageError(`--model must be one of ${CHURN_MODELS.join(', ')}, got "${value}"`);
  }
  return value as ChurnModelKind;
}

function parseCalibration(value: string): CalibrationMethod {
  if (!(CALIBRATION_METHODS as readonly string[]).includes(value)) {
    throw new UsageError(`--calibrate must be one of ${CALIBRATION_METHODS.join(', ')}, got "${value}"`);
  }
  return value as CalibrationMethod;
}

function parseShare(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1))
    throw new UsageError(`--test-size must be a share between 0 and 1, like 0.2; got "${value}"`);
  return n;
}

function parseScale(value: string): 'logodds' | 'probability' {
  if (value !== 'logodds' && value !== 'probability')
    throw new UsageError(`--scale must be logodds or probability, got "${value}"`);
  return value;
}
