/**
 * Ours where the CLI has no command for the operation: a direct call of the library function, in
 * a child process of the harness. Usage:
 *   node --import tsx bench/peers/ours_direct.ts silhouette --input X --labels L
 *   node --import tsx bench/peers/ours_direct.ts profile --input CSV
 * silhouette times only the call; profile times loadTable, profileTable and close() one by one
 * (seconds = the three). Prints one JSON line ({"unavailable": reason} when the function is not
 * there yet). (The gbdt task has its own: bench/peers/gbdt_ours.ts.)
 */
import { parseArgs } from 'node:util';
import { readLabels, readNumericCsv } from '../lib/csv.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    input: { type: 'string' },
    labels: { type: 'string' },
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
} else {
  process.stderr.write(`ours_direct: unknown task "${positionals[0]}"\n`);
  process.exit(2);
}
