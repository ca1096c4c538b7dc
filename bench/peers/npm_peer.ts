/**
 * npm-package contestants of `npm run bench`, one task per child process (the harness kills it at
 * its time limit). Usage: node --import tsx bench/peers/npm_peer.ts TASK --input X [options]
 *   kmeans --k 4 --n-init 10            ml-kmeans, seeds 0..n-1, best inertia kept, times summed
 *   ward   --k 5 [--labels-out F]       ml-hclust agnes, Ward criterion ('ward2', see README)
 *   umap   --seed 0 [--out F]           umap-js
 * Reading the CSV and converting to number[][] is not timed. Prints one JSON line.
 */
import { parseArgs } from 'node:util';
import { Rng } from '@clientele/ml';
import { readNumericCsv, toRowArrays, writeLabelsCsv, writeMatrixCsv } from '../lib/csv.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    input: { type: 'string' },
    k: { type: 'string' },
    'n-init': { type: 'string', default: '10' },
    seed: { type: 'string', default: '0' },
    'labels-out': { type: 'string' },
    out: { type: 'string' },
  },
});
const task = positionals[0];
const input = readNumericCsv(values.input!).x;
const data = toRowArrays(input);
const seed = Number(values.seed);
const print = (o: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ rows: input.rows, cols: input.cols, ...o })}\n`);
};

if (task === 'kmeans') {
  const { kmeans } = await import('ml-kmeans');
  const k = Number(values.k);
  const nInit = Number(values['n-init']);
  let seconds = 0;
  let best = Number.POSITIVE_INFINITY;
  let bestIterations = 0;
  for (let s = 0; s < nInit; s++) {
    const t0 = performance.now();
    // maxIterations 300 as scikit-learn's max_iter; the other options are the package defaults.
    const r = kmeans(data, k, { seed: s, initialization: 'kmeans++', maxIterations: 300 });
    // Inertia against the final centres: scikit-learn computes it inside its fit too, and keeping
    // the best of the n starts is part of the job.
    let inertia = 0;
    for (const row of data) {
      let m = Number.POSITIVE_INFINITY;
      for (const c of r.centroids) {
        let d = 0;
        for (let j = 0; j < row.length; j++) d += (row[j]! - c[j]!) ** 2;
        if (d < m) m = d;
      }
      inertia += m;
    }
    seconds += (performance.now() - t0) / 1000;
    if (inertia < best) {
      best = inertia;
      bestIterations = r.iterations;
    }
  }
  print({ peer: 'ml-kmeans', seconds, inertia: best, n_iter: bestIterations, starts: nInit });
} else if (task === 'ward') {
  const { agnes } = await import('ml-hclust');
  const k = Number(values.k);
  const t0 = performance.now();
  const groups = agnes(data, { method: 'ward2' }).group(k);
  const labels = new Int32Array(input.rows).fill(-1);
  groups.children.forEach((g, c) => {
    for (const i of g.indices()) labels[i] = c;
  });
  const seconds = (performance.now() - t0) / 1000;
  if (values['labels-out']) await writeLabelsCsv(values['labels-out'], labels);
  print({ peer: 'ml-hclust', seconds, n_clusters: groups.children.length });
} else if (task === 'umap') {
  const { UMAP } = await import('umap-js');
  const rng = new Rng(seed);
  // umap-js would pick 200 epochs above 7,500 rows; ours and umap-learn use 500 up to 10,000 rows.
  const nEpochs = input.rows <= 10_000 ? 500 : 200;
  const t0 = performance.now();
  const umap = new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, nEpochs, random: () => rng.next() });
  const emb = umap.fit(data);
  const seconds = (performance.now() - t0) / 1000;
  if (values.out) {
    const flat = Float64Array.from(emb.flat());
    await writeMatrixCsv(values.out, ['x', 'y'], { data: flat, rows: emb.length, cols: 2 });
  }
  print({ peer: 'umap-js', seconds, n_epochs: nEpochs });
} else {
  process.stderr.write(`npm_peer: unknown task "${task}"\n`);
  process.exit(2);
}
