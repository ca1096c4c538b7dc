/**
 * Ours where the CLI has no command for the operation: a direct call of the library function, in
 * a child process of the harness. Usage:
 *   node --import tsx bench/peers/ours_direct.ts silhouette --input X --labels L
 *   node --import tsx bench/peers/ours_direct.ts profile --input CSV
 *   node --import tsx bench/peers/ours_direct.ts gbdt --input CSV --meta JSON --shap-rows N
 * silhouette times only the call; profile times loadTable, profileTable and close() one by one
 * (seconds = the three); gbdt times GradientBoosting fit (seconds), predictProba on the test rows
 * and treeShap on the first N test rows, one by one, and scores the test AUC. Prints one JSON
 * line ({"unavailable": reason} when the function is not there yet).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Matrix } from '@clientele/ml';
import { readLabels, readNumericCsv } from '../lib/csv.ts';
import type { EncodedMeta } from '../lib/data.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    input: { type: 'string' },
    labels: { type: 'string' },
    meta: { type: 'string' },
    'shap-rows': { type: 'string' },
  },
});
const print = (o: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};

if (positionals[0] === 'silhouette') {
  let silhouetteScore: typeof import('../../packages/ml/src/metrics/silhouette.ts').silhouetteScore;
  try {
    ({ silhouetteScore } = await import('../../packages/ml/src/metrics/silhouette.ts'));
  } catch (err) {
    print({ unavailable: `packages/ml/src/metrics/silhouette.ts: ${(err as Error).message.split('\n')[0]}` });
    process.exit(0);
  }
  const x = readNumericCsv(values.input!).x;
  const labels = readLabels(values.labels!);
  const t0 = performance.now();
  const r = silhouetteScore(x, labels);
  const seconds = (performance.now() - t0) / 1000;
  print({ rows: x.rows, cols: x.cols, seconds, silhouette: r.score, sampled: r.sampled });
} else if (positionals[0] === 'profile') {
  type Analytics = typeof import('@clientele/analytics');
  let loadTable: Analytics['loadTable'];
  let profileTable: Analytics['profileTable'];
  try {
    ({ loadTable, profileTable } = await import('@clientele/analytics'));
  } catch {
    // The package index may not load while other exports land; the two functions alone may.
    try {
      ({ loadTable } = await import('../../packages/analytics/src/ingest/loadTable.ts'));
      ({ profileTable } = await import('../../packages/analytics/src/profile/profileTable.ts'));
    } catch (err) {
      print({ unavailable: `loadTable / profileTable: ${(err as Error).message.split('\n')[0]}` });
      process.exit(0);
    }
  }
  const t0 = performance.now();
  const loaded = await loadTable(values.input!);
  const t1 = performance.now();
  let profile: Awaited<ReturnType<typeof profileTable>>;
  try {
    profile = await profileTable(loaded);
  } catch (err) {
    loaded.close();
    throw err;
  }
  const t2 = performance.now();
  loaded.close();
  const t3 = performance.now();
  print({
    seconds: (t3 - t0) / 1000,
    load_seconds: (t1 - t0) / 1000,
    profile_seconds: (t2 - t1) / 1000,
    close_seconds: (t3 - t2) / 1000,
    profile_reported_seconds: profile.seconds,
    rows: profile.nRows,
    cols: profile.nColumns,
    duplicate_rows: profile.duplicateRows,
    missing_cells: profile.columns.reduce((s, c) => s + c.missing, 0),
    kind: profile.kind,
    warnings: profile.warnings.length,
  });
} else if (positionals[0] === 'gbdt') {
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
    throw new Error('ours_direct: columns do not match the sidecar');
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
  const model = new GradientBoosting({
    objective: 'binary',
    nEstimators: 100,
    maxLeaves: 31,
    learningRate: 0.1,
    minSamplesLeaf: 20,
    categorical: meta.categorical,
  });
  const t0 = performance.now();
  model.fit(train.x, train.y);
  const t1 = performance.now();
  const proba = model.predictProba(test.x);
  const t2 = performance.now();
  const auc = rocAuc(test.y, proba);
  const shapRows = Math.min(Number(values['shap-rows'] ?? nTest), nTest);
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
  print({
    seconds: (t1 - t0) / 1000,
    fit_seconds: (t1 - t0) / 1000,
    predict_seconds: (t2 - t1) / 1000,
    auc,
    train_rows: train.x.rows,
    test_rows: test.x.rows,
    cols: p,
    trees: model.ensemble!.trees.length,
    shap_rows: shapRows,
    shap_seconds: (t4 - t3) / 1000,
    shap_rows_per_second: shapRows / ((t4 - t3) / 1000),
    shap_additivity_max_error: additivity,
    threads: 1,
  });
} else {
  process.stderr.write(`ours_direct: unknown task "${positionals[0]}"\n`);
  process.exit(2);
}
