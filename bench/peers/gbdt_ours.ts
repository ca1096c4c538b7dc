/**
 * Ours in the `gbdt` task of `npm run bench`: GradientBoosting called directly, in a child process
 * of the harness. Usage:
 *   node --import tsx bench/peers/gbdt_ours.ts --input CSV --meta JSON [--shap-rows N] [--subsample F] [--quantized] [--warm N]
 * Fits on the train rows (100 rounds, 31 leaves, learning rate 0.1, 20 rows a leaf, the sidecar's
 * categorical columns; `--subsample`: rows drawn per round, seed 0; `--quantized`: the
 * quantizedGradients option), then times predictProba on the test rows and treeShap on the first
 * N test rows (0: none), one by one, and scores the test AUC. `fit_cpu_seconds` is the CPU time of the whole process during the fit (V8's helper
 * threads included), which the machine's load does not inflate as it does wall seconds. Prints
 * one JSON line ({"unavailable": reason} when the library cannot be loaded). `--warm N`: after
 * the timed fit, N more models are fitted the same way in the same process, and the least CPU
 * of those is `warm_fit_cpu_seconds` (its wall seconds `warm_fit_seconds`): the fit without the
 * first calls' one-time costs (V8 compiling and optimising the code, whose compiler threads
 * count in the process's CPU time), which weigh in a fit of a few thousand rows.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Matrix } from '@clientele/ml';
import { readNumericCsv } from '../lib/csv.ts';
import type { EncodedMeta } from '../lib/data.ts';

const { values } = parseArgs({
  options: {
    input: { type: 'string' },
    meta: { type: 'string' },
    'shap-rows': { type: 'string' },
    subsample: { type: 'string' },
    quantized: { type: 'boolean' },
    warm: { type: 'string' },
  },
});
const print = (o: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};

type Ml = typeof import('@clientele/ml');
let GradientBoosting: Ml['GradientBoosting'];
let rocAuc: Ml['rocAuc'];
let treeShap: Ml['treeShap'];
try {
  ({ GradientBoosting, rocAuc, treeShap } = await import('@clientele/ml'));
  if (typeof treeShap !== 'function') throw new Error('@clientele/ml has no treeShap export');
} catch (err) {
  print({
    unavailable: `@clientele/ml GradientBoosting / rocAuc / treeShap: ${(err as Error).message.split('\n')[0]}`,
  });
  process.exit(0);
}
const meta = JSON.parse(readFileSync(values.meta!, 'utf8')) as EncodedMeta;
const { header, x: all } = readNumericCsv(values.input!, { blankAsNaN: true });
const featureCols = meta.features.map((f) => header.indexOf(f));
const tCol = header.indexOf(meta.target);
const sCol = header.indexOf(meta.testColumn);
if (featureCols.some((j) => j < 0) || tCol < 0 || sCol < 0)
  throw new Error('gbdt_ours: columns do not match the sidecar');
const p = featureCols.length;
let nTest = 0;
for (let i = 0; i < all.rows; i++) nTest += all.data[i * all.cols + sCol] === 1 ? 1 : 0;
const part = (rows: number): { x: Matrix; y: Float64Array } => ({
  x: { data: new Float64Array(rows * p), rows, cols: p },
  y: new Float64Array(rows),
});
const train = part(all.rows - nTest);
const test = part(nTest);
for (let i = 0, a = 0, b = 0; i < all.rows; i++) {
  const o = i * all.cols;
  const dst = all.data[o + sCol] === 1 ? { s: test, r: a++ } : { s: train, r: b++ };
  for (let f = 0; f < p; f++) dst.s.x.data[dst.r * p + f] = all.data[o + featureCols[f]!]!;
  dst.s.y[dst.r] = all.data[o + tCol]!;
}
const subsample = Number(values.subsample ?? 1);
const make = () =>
  new GradientBoosting({
    objective: 'binary',
    nEstimators: 100,
    maxLeaves: 31,
    learningRate: 0.1,
    minSamplesLeaf: 20,
    categorical: meta.categorical,
    subsample,
    quantizedGradients: values.quantized === true,
    seed: 0,
  });
const model = make();
const c0 = process.cpuUsage();
const t0 = performance.now();
model.fit(train.x, train.y);
const t1 = performance.now();
const cpu = process.cpuUsage(c0);
const proba = model.predictProba(test.x);
const t2 = performance.now();
const auc = rocAuc(test.y, proba);
const out: Record<string, unknown> = {
  seconds: (t1 - t0) / 1000,
  fit_seconds: (t1 - t0) / 1000,
  fit_cpu_seconds: (cpu.user + cpu.system) / 1e6,
  predict_seconds: (t2 - t1) / 1000,
  auc,
  subsample,
  quantized_gradients: values.quantized === true,
  train_rows: train.x.rows,
  test_rows: test.x.rows,
  cols: p,
  trees: model.ensemble!.trees.length,
  threads: 1,
};
const warmFits = Number(values.warm ?? 0);
if (warmFits > 0) {
  let best = { cpu: Number.POSITIVE_INFINITY, wall: 0 };
  for (let r = 0; r < warmFits; r++) {
    const again = make();
    const c3 = process.cpuUsage();
    const t3 = performance.now();
    again.fit(train.x, train.y);
    const wCpu = process.cpuUsage(c3);
    const cpuSeconds = (wCpu.user + wCpu.system) / 1e6;
    if (cpuSeconds < best.cpu) best = { cpu: cpuSeconds, wall: (performance.now() - t3) / 1000 };
  }
  Object.assign(out, { warm_fits: warmFits, warm_fit_seconds: best.wall, warm_fit_cpu_seconds: best.cpu });
}
const shapRows = Math.min(Number(values['shap-rows'] ?? 0), nTest);
if (shapRows > 0) {
  const xShap: Matrix = { data: test.x.data.subarray(0, shapRows * p), rows: shapRows, cols: p };
  const t3 = performance.now();
  const shap = treeShap(model.ensemble!, xShap);
  const t4 = performance.now();
  // Additivity, as a check that the timed values are SHAP values: sum + expected = raw margin.
  const raw = model.predictRaw(xShap);
  let additivity = 0;
  for (let r = 0; r < shapRows; r++) {
    let s = shap.expectedValue[0]!;
    for (let f = 0; f < p; f++) s += shap.values[r * p + f]!;
    additivity = Math.max(additivity, Math.abs(s - raw[r]!));
  }
  Object.assign(out, {
    shap_rows: shapRows,
    shap_seconds: (t4 - t3) / 1000,
    shap_rows_per_second: shapRows / ((t4 - t3) / 1000),
    shap_additivity_max_error: additivity,
  });
}
print(out);
