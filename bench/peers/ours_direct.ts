/**
 * Ours where the CLI has no command for the operation: a direct call of the ml function, in a
 * child process of the harness. Usage:
 *   node --import tsx bench/peers/ours_direct.ts silhouette --input X --labels L
 * Times only the call; prints one JSON line ({"unavailable": reason} when the function is not
 * there yet).
 */
import { parseArgs } from 'node:util';
import { readLabels, readNumericCsv } from '../lib/csv.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { input: { type: 'string' }, labels: { type: 'string' } },
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
} else {
  process.stderr.write(`ours_direct: unknown task "${positionals[0]}"\n`);
  process.exit(2);
}
