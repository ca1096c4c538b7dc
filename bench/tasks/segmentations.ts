import { join } from 'node:path';
import { type Outcome, type RunContext, runOursDirect, runSklearn } from '../lib/contestants.ts';
import { ensureDataset, writeScaledTelco } from '../lib/data.ts';
import { ariOfFiles, maybeValue } from '../lib/quality.ts';
import { num, type Task, type TaskResult } from '../lib/task.ts';

/** A list of numbers a contestant printed, or null. */
function numbers(o: Outcome, key: string): number[] | null {
  const v = o.figures[key];
  return Array.isArray(v) && v.every((e) => typeof e === 'number') ? (v as number[]) : null;
}

/** A contestant's timed parts, "name seconds, ...", or its status when it has none. */
function partsText(o: Outcome): string {
  const p = o.figures['parts'];
  return p && typeof p === 'object'
    ? Object.entries(p as Record<string, number>)
        .map(([name, v]) => `${name} ${v.toFixed(3)}`)
        .join(', ')
    : o.status;
}

function figureOf(o: Outcome, key: string): number | null {
  const v = o.figures[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * One "other segmentation" of the analysis (`findAlternative`, packages/analytics/src/pipeline/
 * alternativeSegmentation.ts): k-means, k = 4, on the first 3 principal components, on the
 * `kmeans` task's telco snapshot (generator seed 1, the same 12 columns and rows) but unscaled:
 * both contestants do the sign-log, the standard scaling, the PCA, the one-row selection table,
 * the elbow curve, k-means on every row and the silhouettes as part of the timed work.
 */
export const segmentationsTask: Task = {
  name: 'segmentations',
  async run(ctx: RunContext): Promise<TaskResult> {
    const rows = ctx.quick ? 37_159 : 371_589;
    const [x] = await ensureDataset(
      `segmentations-${rows}`,
      [`segmentations-${rows}x12-raw.csv`],
      async ([path]) => {
        await writeScaledTelco(path!, { rows, seed: 1, unscaled: true });
      },
      ctx.log,
    );
    const k = 4;
    const components = 3;
    const nInit = 10;
    const selectionRows = 5_000;
    const silhouetteRows = 2_000;
    const labels = {
      ours: join(ctx.workDir, 'segmentations-ours.csv'),
      sklearn: join(ctx.workDir, 'segmentations-sklearn.csv'),
    };
    const common = [
      '--input',
      x!,
      '--k',
      String(k),
      '--components',
      String(components),
      '--selection-rows',
      String(selectionRows),
      '--silhouette-rows',
      String(silhouetteRows),
    ];
    ctx.log(
      `[segmentations] ${rows} x 12 unscaled: sign-log, standard, PCA(${components}), k-means k = ${k} (${nInit} starts), selection sample ${selectionRows}, silhouette rows ${silhouetteRows}`,
    );
    const ours = await runOursDirect(
      ctx,
      'segmentations',
      [...common, '--labels-out', labels.ours],
      'ours (findAlternative)',
    );
    const sklearn = await runSklearn(ctx, 'segmentations', [
      ...common,
      '--n-init',
      String(nInit),
      '--seed',
      '0',
      '--labels-out',
      labels.sklearn,
    ]);
    ctx.log(`  scikit-learn parts: ${partsText(sklearn)} s`);

    // The O(n) core alone, in fresh processes: prepare, PCA and k-means on every row, no sample
    // steps (selection table, elbow, silhouettes), which cost the same at any size.
    ctx.log('[segmentations] core only: sign-log + standard, PCA, k-means on every row');
    const coreOurs = await runOursDirect(
      ctx,
      'segmentations',
      [...common, '--core-only'],
      'ours (core pieces)',
    );
    const coreSk = await runSklearn(ctx, 'segmentations', [
      ...common,
      '--n-init',
      String(nInit),
      '--seed',
      '0',
      '--core-only',
    ]);
    const coreRatio =
      coreOurs.status === 'ok' && coreSk.status === 'ok' ? coreOurs.seconds! / coreSk.seconds! : null;
    ctx.log(
      `  core only: ours ${coreOurs.seconds?.toFixed(3) ?? 'n/a'} s (${partsText(coreOurs)} s), scikit-learn ${coreSk.seconds?.toFixed(3) ?? 'n/a'} s (${partsText(coreSk)} s), ours/sklearn ${coreRatio === null ? 'n/a' : coreRatio.toPrecision(3)}`,
    );

    const notes: string[] = [];
    let ari: number | null = null;
    if (ours.status === 'ok' && sklearn.status === 'ok') {
      const m = await ariOfFiles(labels.ours, labels.sklearn);
      if ('missing' in m) notes.push(`ARI ours vs sklearn: ${m.missing}`);
      ari = maybeValue(m);
    }
    const evrOurs = numbers(ours, 'explained_variance_ratio');
    const evrSk = numbers(sklearn, 'explained_variance_ratio');
    const evrText = (v: number[] | null): string =>
      v === null
        ? 'n/a'
        : `${v.map((e) => e.toFixed(4)).join('/')} (sum ${v.reduce((a, b) => a + b, 0).toFixed(4)})`;
    const inertiaOurs = figureOf(ours, 'inertia');
    const inertiaSk = figureOf(sklearn, 'inertia');
    const rel = inertiaOurs !== null && inertiaSk !== null ? (inertiaOurs - inertiaSk) / inertiaSk : null;
    const silOurs = figureOf(ours, 'silhouette');
    const silSk = figureOf(sklearn, 'silhouette');
    const evrDiff =
      evrOurs && evrSk && evrOurs.length === evrSk.length
        ? Math.max(...evrOurs.map((v, q) => Math.abs(v - evrSk[q]!)))
        : null;
    return {
      task: 'segmentations',
      title: `findAlternative pca(${components}) + k-means k=${k}`,
      rows,
      cols: 12,
      params: {
        transform: 'sign-log',
        scale: 'standard',
        space: 'pca',
        components,
        algorithm: 'kmeans',
        k,
        n_init: nInit,
        selection_rows: selectionRows,
        silhouette_rows: silhouetteRows,
        seed: 0,
        sklearn_pca_solver: 'full',
      },
      files: [x!],
      ours,
      sklearn,
      peer: null,
      quality: {
        ari_ours_vs_sklearn: ari,
        explained_variance_ratio_max_abs_diff: evrDiff,
        inertia_ours: inertiaOurs,
        inertia_sklearn: inertiaSk,
        inertia_ours_vs_sklearn: rel,
        silhouette_ours: silOurs,
        silhouette_sklearn: silSk,
        core_seconds_ours: coreOurs.seconds,
        core_seconds_sklearn: coreSk.seconds,
        core_ours_vs_sklearn: coreRatio,
        core_inertia_ours: figureOf(coreOurs, 'inertia'),
        core_inertia_sklearn: figureOf(coreSk, 'inertia'),
      },
      qualityText:
        `ARI ours vs sk ${num(ari, 4)}; PCA explained variance ours ${evrText(evrOurs)}, sk ${evrText(evrSk)}; ` +
        `inertia ours ${num(inertiaOurs)}${rel === null ? '' : ` (${rel >= 0 ? '+' : ''}${(100 * rel).toFixed(3)}% vs sk)`}, sk ${num(inertiaSk)}; ` +
        `silhouette (sample of ${selectionRows}) ours ${num(silOurs, 4)}, sk ${num(silSk, 4)}`,
      qualityNotes: notes,
    };
  },
};
