import { join } from 'node:path';
import { type RunContext, runNpmPeer, runOursCli, runSklearn } from '../lib/contestants.ts';
import { ensureDataset, writeScaledTelco } from '../lib/data.ts';
import { ariOfFiles, maybeValue } from '../lib/quality.ts';
import { num, type Task, type TaskResult } from '../lib/task.ts';

/**
 * Ward agglomerative clustering cut at k = 5, on 4,372 rows (the Online Retail customer count):
 * a seeded sample of the telco generator, 11 of its columns (complaints left out), scaled.
 */
export const wardTask: Task = {
  name: 'ward',
  async run(ctx: RunContext): Promise<TaskResult> {
    const rows = ctx.quick ? 437 : 4_372;
    const [x] = await ensureDataset(
      `ward-${rows}`,
      [`ward-${rows}x11.csv`],
      async ([path]) => {
        await writeScaledTelco(path!, { rows, seed: 2, dropColumns: ['complaints'] });
      },
      ctx.log,
    );
    const k = '5';
    const labels = {
      ours: join(ctx.workDir, 'ward-ours.csv'),
      sklearn: join(ctx.workDir, 'ward-sklearn.csv'),
      peer: join(ctx.workDir, 'ward-peer.csv'),
    };
    ctx.log(`[ward] ${rows} x 11, k = ${k}`);
    const ours = await runOursCli(ctx, [
      'cluster',
      '--input',
      x!,
      '--scale',
      'none',
      '--algorithm',
      'ward',
      '--k',
      k,
      '--labels-out',
      labels.ours,
    ]);
    const sklearn = await runSklearn(ctx, 'ward', ['--input', x!, '--k', k, '--labels-out', labels.sklearn]);
    const peer = await runNpmPeer(ctx, 'ml-hclust', 'ward', [
      '--input',
      x!,
      '--k',
      k,
      '--labels-out',
      labels.peer,
    ]);

    const notes: string[] = [];
    const ariOf = async (a: string, who: string): Promise<number | null> => {
      const m = await ariOfFiles(a, labels.sklearn);
      if ('missing' in m) notes.push(`ARI ${who} vs sklearn: ${m.missing}`);
      return maybeValue(m);
    };
    const ariOurs = ours.status === 'ok' && sklearn.status === 'ok' ? await ariOf(labels.ours, 'ours') : null;
    const ariPeer =
      peer.status === 'ok' && sklearn.status === 'ok' ? await ariOf(labels.peer, 'ml-hclust') : null;
    return {
      task: 'ward',
      title: `Ward k=${k}`,
      rows,
      cols: 11,
      params: { k: 5, linkage: 'ward' },
      files: [x!],
      ours,
      sklearn,
      peer,
      quality: { ari_ours_vs_sklearn: ariOurs, ari_peer_vs_sklearn: ariPeer },
      qualityText: `ARI vs sk: ours ${num(ariOurs, 4)}, ml-hclust ${num(ariPeer, 4)}`,
      qualityNotes: notes,
    };
  },
};
