import { join } from 'node:path';
import { Rng } from '@clientele/ml';
import { figure, type RunContext, runOursCli, runSklearn, skipped } from '../lib/contestants.ts';
import { writeMatrixCsv } from '../lib/csv.ts';
import { blobs, columnNames, ensureDataset, minMaxScale, scaledFormat } from '../lib/data.ts';
import { ariOfFiles, maybeValue } from '../lib/quality.ts';
import { num, type Task, type TaskResult } from '../lib/task.ts';

const CENTERS = [
  [0.2, 0.25],
  [0.5, 0.2],
  [0.8, 0.3],
  [0.25, 0.75],
  [0.55, 0.7],
  [0.82, 0.78],
];
const SD = [0.03, 0.025, 0.035, 0.03, 0.04, 0.025];

/**
 * DBSCAN on 50,000 x 2: six seeded Gaussian blobs plus 5% uniform noise, min-max scaled.
 * eps and min_samples give six clusters and a few thousand noise points; the quick size keeps
 * the same picture with a wider eps and fewer samples (the density is ten times lower).
 */
export const dbscanTask: Task = {
  name: 'dbscan',
  async run(ctx: RunContext): Promise<TaskResult> {
    const rows = ctx.quick ? 5_000 : 50_000;
    const eps = ctx.quick ? '0.02' : '0.01';
    const minSamples = ctx.quick ? '8' : '20';
    const [x] = await ensureDataset(
      `dbscan-${rows}`,
      [`dbscan-${rows}x2.csv`],
      async ([path]) => {
        const m = blobs(new Rng(4), rows, CENTERS, { sd: SD, noise: 0.05 });
        await writeMatrixCsv(path!, columnNames(2), minMaxScale(m), scaledFormat);
      },
      ctx.log,
    );
    const labels = {
      ours: join(ctx.workDir, 'dbscan-ours.csv'),
      sklearn: join(ctx.workDir, 'dbscan-sklearn.csv'),
    };
    ctx.log(`[dbscan] ${rows} x 2, eps = ${eps}, min_samples = ${minSamples}`);
    const ours = await runOursCli(ctx, [
      'cluster',
      '--input',
      x!,
      '--scale',
      'none',
      '--algorithm',
      'dbscan',
      '--eps',
      eps,
      '--min-samples',
      minSamples,
      '--labels-out',
      labels.ours,
    ]);
    const sklearn = await runSklearn(ctx, 'dbscan', [
      '--input',
      x!,
      '--eps',
      eps,
      '--min-samples',
      minSamples,
      '--labels-out',
      labels.sklearn,
    ]);

    const notes: string[] = [];
    let ari: number | null = null;
    if (ours.status === 'ok' && sklearn.status === 'ok') {
      const m = await ariOfFiles(labels.ours, labels.sklearn);
      if ('missing' in m) notes.push(`ARI: ${m.missing}`);
      ari = maybeValue(m);
    }
    // The CLI reports the number of clusters as k.
    const co = figure(ours, 'k');
    const no = figure(ours, 'n_noise');
    const cs = figure(sklearn, 'n_clusters');
    const ns = figure(sklearn, 'n_noise');
    return {
      task: 'dbscan',
      title: `DBSCAN eps=${eps} min_samples=${minSamples}`,
      rows,
      cols: 2,
      params: { eps: Number(eps), min_samples: Number(minSamples) },
      files: [x!],
      ours,
      sklearn,
      peer: skipped('npm peer', 'no DBSCAN package in the workspace devDependencies', ctx.timeoutSeconds),
      quality: {
        n_clusters_ours: co,
        n_noise_ours: no,
        n_clusters_sklearn: cs,
        n_noise_sklearn: ns,
        ari_ours_vs_sklearn: ari,
      },
      qualityText: `clusters/noise ours ${num(co)}/${num(no)}, sk ${num(cs)}/${num(ns)}, ARI ${num(ari, 4)}`,
      qualityNotes: notes,
    };
  },
};
