import { figure, type RunContext, runNpmPeer, runOursCli, runSklearn } from '../lib/contestants.ts';
import { ensureDataset, writeScaledTelco } from '../lib/data.ts';
import { num, type Task, type TaskResult } from '../lib/task.ts';

/** k-means, k = 4, 10 starts, on the synthetic telco snapshot at the seed project's size. */
export const kmeansTask: Task = {
  name: 'kmeans',
  async run(ctx: RunContext): Promise<TaskResult> {
    const rows = ctx.quick ? 37_159 : 371_589;
    const [x] = await ensureDataset(
      `kmeans-${rows}`,
      [`kmeans-${rows}x12.csv`],
      async ([path]) => {
        await writeScaledTelco(path!, { rows, seed: 1 });
      },
      ctx.log,
    );
    const k = '4';
    const nInit = '10';
    ctx.log(`[kmeans] ${rows} x 12, k = ${k}, n_init = ${nInit}`);
    const ours = await runOursCli(ctx, [
      'cluster',
      '--input',
      x!,
      '--scale',
      'none',
      '--algorithm',
      'kmeans',
      '--k',
      k,
      '--n-init',
      nInit,
      '--seed',
      '0',
    ]);
    const sklearn = await runSklearn(ctx, 'kmeans', [
      '--input',
      x!,
      '--k',
      k,
      '--n-init',
      nInit,
      '--seed',
      '0',
    ]);
    const peer = await runNpmPeer(ctx, 'ml-kmeans', 'kmeans', ['--input', x!, '--k', k, '--n-init', nInit]);

    const io = figure(ours, 'inertia');
    const is = figure(sklearn, 'inertia');
    const ip = figure(peer, 'inertia');
    const rel = (a: number | null, b: number | null): number | null =>
      a === null || b === null ? null : (a - b) / b;
    const pct = (r: number | null): string =>
      r === null ? '' : ` (${r >= 0 ? '+' : ''}${(100 * r).toFixed(3)}% vs sk)`;
    return {
      task: 'kmeans',
      title: `k-means k=${k} n_init=${nInit}`,
      rows,
      cols: 12,
      params: { k: 4, n_init: 10, seed: 0 },
      files: [x!],
      ours,
      sklearn,
      peer,
      quality: {
        inertia_ours: io,
        inertia_sklearn: is,
        inertia_peer: ip,
        inertia_ours_vs_sklearn: rel(io, is),
        inertia_peer_vs_sklearn: rel(ip, is),
      },
      qualityText: `inertia ours ${num(io)}${pct(rel(io, is))}, sk ${num(is)}, ml-kmeans ${num(ip)}${pct(rel(ip, is))}`,
      qualityNotes: [],
    };
  },
};
