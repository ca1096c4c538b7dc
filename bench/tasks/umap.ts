import { join } from 'node:path';
import { Rng } from '@clientele/ml';
import { type RunContext, runNpmPeer, runOursCli, skipped } from '../lib/contestants.ts';
import { writeMatrixCsv } from '../lib/csv.ts';
import { blobs, columnNames, ensureDataset, minMaxScale, scaledFormat } from '../lib/data.ts';
import { maybeValue, trustworthinessOf } from '../lib/quality.ts';
import { num, type Task, type TaskResult } from '../lib/task.ts';

/** Trustworthiness is O(n^2): it is scored on a seeded subsample of this many rows. */
const TRUST_ROWS = 2_000;

/**
 * UMAP to 2-D on 10,000 x 10: eight seeded Gaussian blobs (centres uniform in [-10, 10]^10,
 * sd 1, as scikit-learn's make_blobs), min-max scaled. scikit-learn has no UMAP.
 */
export const umapTask: Task = {
  name: 'umap',
  async run(ctx: RunContext): Promise<TaskResult> {
    const rows = ctx.quick ? 1_000 : 10_000;
    const p = 10;
    const [x] = await ensureDataset(
      `umap-${rows}`,
      [`umap-${rows}x${p}.csv`],
      async ([path]) => {
        const rng = new Rng(5);
        const centers = Array.from({ length: 8 }, () =>
          Array.from({ length: p }, () => rng.uniform(-10, 10)),
        );
        const m = blobs(rng, rows, centers, { sd: centers.map(() => 1) });
        await writeMatrixCsv(path!, columnNames(p), minMaxScale(m), scaledFormat);
      },
      ctx.log,
    );
    const out = { ours: join(ctx.workDir, 'umap-ours.csv'), peer: join(ctx.workDir, 'umap-peer.csv') };
    ctx.log(`[umap] ${rows} x ${p} to 2-D, 15 neighbours, min_dist 0.1`);
    const ours = await runOursCli(ctx, [
      'embed',
      '--input',
      x!,
      '--scale',
      'none',
      '--method',
      'umap',
      '--seed',
      '0',
      '--out',
      out.ours,
    ]);
    const peer = await runNpmPeer(ctx, 'umap-js', 'umap', ['--input', x!, '--seed', '0', '--out', out.peer]);

    const notes: string[] = [];
    const trust = async (o: typeof ours, file: string, who: string): Promise<number | null> => {
      if (o.status !== 'ok') return null;
      ctx.log(`  trustworthiness of ${who} on ${Math.min(TRUST_ROWS, rows)} rows`);
      const m = await trustworthinessOf(x!, file, TRUST_ROWS);
      if ('missing' in m) notes.push(`trustworthiness ${who}: ${m.missing}`);
      return maybeValue(m);
    };
    const to = await trust(ours, out.ours, 'ours');
    const tp = await trust(peer, out.peer, 'umap-js');
    const sampleRows = Math.min(TRUST_ROWS, rows);
    return {
      task: 'umap',
      title: 'UMAP 2-D',
      rows,
      cols: p,
      params: {
        n_neighbors: 15,
        min_dist: 0.1,
        seed: 0,
        trustworthiness_rows: sampleRows,
        trustworthiness_k: 5,
      },
      files: [x!],
      ours,
      sklearn: skipped('scikit-learn', 'scikit-learn has no UMAP', ctx.timeoutSeconds),
      peer,
      quality: { trustworthiness_ours: to, trustworthiness_peer: tp },
      qualityText: `trustworthiness (k=5, ${sampleRows} rows) ours ${num(to, 4)}, umap-js ${num(tp, 4)}`,
      qualityNotes: notes,
    };
  },
};
