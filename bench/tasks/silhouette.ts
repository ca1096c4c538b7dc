import { figure, type RunContext, runOursDirect, runSklearn, skipped } from '../lib/contestants.ts';
import { readNumericCsv, toRowArrays, writeLabelsCsv } from '../lib/csv.ts';
import { ensureDataset, writeScaledTelco } from '../lib/data.ts';
import { num, type Task, type TaskResult } from '../lib/task.ts';

/**
 * Exact silhouette of fixed labels on 20,000 rows (the product's exact-silhouette ceiling).
 * The labels come from ml-kmeans (k = 5, seed 0) at generation time and are stored beside the
 * data, so every contestant scores the same partition.
 */
export const silhouetteTask: Task = {
  name: 'silhouette',
  async run(ctx: RunContext): Promise<TaskResult> {
    const rows = ctx.quick ? 2_000 : 20_000;
    const [x, labels] = await ensureDataset(
      `silhouette-${rows}`,
      [`silhouette-${rows}x12.csv`, `silhouette-${rows}-labels.csv`],
      async ([dataPath, labelsPath]) => {
        await writeScaledTelco(dataPath!, { rows, seed: 3 });
        const { kmeans } = await import('ml-kmeans');
        const r = kmeans(toRowArrays(readNumericCsv(dataPath!).x), 5, { seed: 0, maxIterations: 300 });
        await writeLabelsCsv(labelsPath!, r.clusters);
      },
      ctx.log,
    );
    ctx.log(`[silhouette] ${rows} x 12, exact, 5 clusters`);
    const ours = await runOursDirect(ctx, 'silhouette', ['--input', x!, '--labels', labels!]);
    const sklearn = await runSklearn(ctx, 'silhouette', ['--input', x!, '--labels', labels!]);
    const so = figure(ours, 'silhouette');
    const ss = figure(sklearn, 'silhouette');
    const diff = so !== null && ss !== null ? Math.abs(so - ss) : null;
    return {
      task: 'silhouette',
      title: 'exact silhouette',
      rows,
      cols: 12,
      params: { k: 5, labels: 'ml-kmeans k=5 seed 0' },
      files: [x!, labels!],
      ours,
      sklearn,
      peer: skipped(
        'npm peer',
        'no npm package in the workspace computes the silhouette',
        ctx.timeoutSeconds,
      ),
      quality: { silhouette_ours: so, silhouette_sklearn: ss, abs_difference: diff },
      qualityText: `silhouette ours ${num(so, 8)}, sk ${num(ss, 8)}, |diff| ${diff === null ? 'n/a' : diff.toExponential(1)}`,
      qualityNotes: [],
    };
  },
};
