/**
 * Ours where the CLI has no command for the operation: a direct call of the library function, in
 * a child process of the harness. Usage:
 *   node --import tsx bench/peers/ours_direct.ts silhouette --input X --labels L
 *   node --import tsx bench/peers/ours_direct.ts profile --input CSV
 *   node --import tsx bench/peers/ours_direct.ts segmentations --input RAW --k 4 --components 3
 *     --selection-rows 5000 --silhouette-rows 2000 [--labels-out F]
 * silhouette times only the call; profile times loadTable, profileTable and close() one by one
 * (seconds = the three); segmentations times one `findAlternative` call (see below). Prints one
 * JSON line ({"unavailable": reason} when the function is not there yet). (The gbdt task has its own: bench/peers/gbdt_ours.ts.)
 */
import { parseArgs } from 'node:util';
import { readLabels, readNumericCsv } from '../lib/csv.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    input: { type: 'string' },
    labels: { type: 'string' },
    'labels-out': { type: 'string' },
    k: { type: 'string', default: '4' },
    components: { type: 'string', default: '3' },
    'selection-rows': { type: 'string', default: '5000' },
    'silhouette-rows': { type: 'string', default: '2000' },
    'core-only': { type: 'boolean', default: false },
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
} else if (positionals[0] === 'segmentations') {
  await segmentations();
} else {
  process.stderr.write(`ours_direct: unknown task "${positionals[0]}"\n`);
  process.exit(2);
}

/**
 * One "other segmentation" of the analysis: `findAlternative` with { space: 'pca', components,
 * algorithm: 'kmeans', k } on the unscaled file, the main config's kMin = kMax = k (a one-row
 * selection table), seed 0. The call is timed whole: its own sign-log + standard scaling, PCA on
 * every row, the selection table and elbow curve on the seeded sample, k-means (10 starts) on
 * every row, the silhouettes on the sample, the segment means. The main segmentation's scaled
 * features (`main.scaled`, an input the analysis has already) are made before the clock starts;
 * the quality figures (explained variance ratio, inertia) after it stops.
 */
async function segmentations(): Promise<void> {
  let mod: {
    findAlternative: typeof import('../../packages/analytics/src/pipeline/alternativeSegmentation.ts').findAlternative;
    prepareFeatures: typeof import('../../packages/analytics/src/pipeline/segmentStep.ts').prepareFeatures;
    PCA: typeof import('@clientele/ml').PCA;
    KMeans: typeof import('@clientele/ml').KMeans;
  };
  try {
    mod = {
      ...(await import('../../packages/analytics/src/pipeline/alternativeSegmentation.ts')),
      ...(await import('../../packages/analytics/src/pipeline/segmentStep.ts')),
      ...(await import('@clientele/ml')),
    };
  } catch (err) {
    print({ unavailable: `findAlternative: ${(err as Error).message.split('\n')[0]}` });
    process.exit(0);
  }
  const { findAlternative, prepareFeatures, PCA, KMeans } = mod;
  const { header, x } = readNumericCsv(values.input!);
  const k = Number(values.k);
  const components = Number(values.components);
  const seed = 0;
  const mainConfig: import('../../packages/analytics/src/pipeline/runConfig.ts').RunConfig['segmentation'] = {
    algorithms: ['kmeans'],
    kMin: k,
    kMax: k,
    selectionRows: Number(values['selection-rows']),
    silhouetteRows: Number(values['silhouette-rows']),
    transform: 'log',
    scale: 'standard',
    choose: 'silhouette',
  };
  if (values['core-only']) {
    // The O(n) core alone, the pieces findAlternative calls in its order: prepareFeatures, PCA
    // fitted and applied on every row, k-means (10 starts) on every row. No sample steps.
    const t0 = performance.now();
    const prepared = prepareFeatures(x, mainConfig);
    const t1 = performance.now();
    const pca = new PCA({ nComponents: components });
    pca.fit(prepared.scaled);
    const space = pca.transform(prepared.scaled);
    const t2 = performance.now();
    const km = new KMeans({ k, seed });
    km.fit(space);
    const t3 = performance.now();
    print({
      rows: x.rows,
      cols: x.cols,
      seconds: (t3 - t0) / 1000,
      parts: { prepare: (t1 - t0) / 1000, pca: (t2 - t1) / 1000, kmeans: (t3 - t2) / 1000 },
      inertia: km.inertia,
    });
    return;
  }
  const spec = { id: 'pca-km', space: 'pca' as const, components, algorithm: 'kmeans' as const, k };
  const main = { scaled: prepareFeatures(x, mainConfig).scaled };
  const t0 = performance.now();
  const alt = findAlternative(x, header, spec, mainConfig, seed, main);
  const seconds = (performance.now() - t0) / 1000;

  // Not timed: the same PCA again for its explained variance ratio, and the inertia of the labels there.
  const pca = new PCA({ nComponents: components });
  pca.fit(main.scaled);
  const space = pca.transform(main.scaled);
  const sums = new Float64Array(alt.k * components);
  const sizes = new Array<number>(alt.k).fill(0);
  for (let i = 0; i < space.rows; i++) {
    const s = alt.labels[i]!;
    sizes[s]!++;
    for (let j = 0; j < components; j++) sums[s * components + j]! += space.data[i * components + j];
  }
  let inertia = 0;
  for (let i = 0; i < space.rows; i++) {
    const s = alt.labels[i]!;
    for (let j = 0; j < components; j++) {
      const d = space.data[i * components + j]! - sums[s * components + j]! / sizes[s]!;
      inertia += d * d;
    }
  }
  if (values['labels-out']) {
    const { writeLabelsCsv } = await import('../lib/csv.ts');
    await writeLabelsCsv(values['labels-out'], alt.labels);
  }
  const row = alt.selection[0];
  print({
    rows: x.rows,
    cols: x.cols,
    seconds,
    algorithm: alt.algorithm,
    k: alt.k,
    features: alt.features.length,
    explained_variance_ratio: Array.from(pca.explainedVarianceRatio),
    inertia,
    selection: row && {
      inertia: row.inertia ?? null,
      silhouette: row.silhouette,
      calinski_harabasz: row.calinskiHarabasz,
      davies_bouldin: row.daviesBouldin,
    },
    selection_rows: alt.selectionRows,
    elbow_curve: alt.elbowCurve.map((c) => c.inertia),
    silhouette: alt.silhouette,
    silhouette_on_features: alt.silhouetteOnFeatures,
    sizes,
    labels_out: values['labels-out'] ?? null,
  });
}
