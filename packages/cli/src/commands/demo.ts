import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  fitClustering,
  readNumericCsv,
  scaleMatrix,
  selectModels,
  spreadToInputRows,
  TELCO_SEGMENTS,
  writeColumnsCsv,
  writeSyntheticTelcoCsv,
} from '@clientele/analytics';
import { adjustedRandIndex } from '@clientele/ml';
import type { Command } from 'commander';
import { parseIntOption } from '../options.ts';
import { progressBar } from '../progress.ts';

interface DemoFlags {
  rows: number;
  dir: string;
  seed: number;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the main job on built-in data: a synthetic telco snapshot, model selection, segments')
    .option('--rows <n>', 'customers to generate', parseIntOption('rows', 10), 20_000)
    .option('--dir <folder>', 'where the data and results go', '.clientele/demo')
    .option('--seed <s>', 'seed for the data and every random choice', parseIntOption('seed', 0), 42)
    .action(async (flags: DemoFlags) => runDemo(flags));
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const out = (s: string): boolean => process.stdout.write(`${s}\n`);
  await mkdir(flags.dir, { recursive: true });
  const dataPath = join(flags.dir, 'telco.csv');
  const planted = await writeSyntheticTelcoCsv(dataPath, { rows: flags.rows, seed: flags.seed });
  out(`1. wrote ${flags.rows} synthetic telco customers (5 planted segments) to ${dataPath}`);

  const table = await readNumericCsv(dataPath);
  const x = scaleMatrix(table.x, 'minmax');
  out(`2. read ${x.rows} rows x ${x.cols} numeric columns; min-max scaled`);

  const bar = progressBar('model selection', true);
  const rows = selectModels(x, {
    algorithms: ['kmeans', 'gmm', 'ward'],
    kMin: 2,
    kMax: 8,
    seed: flags.seed,
    onProgress: bar.onProgress,
  });
  bar.stop();
  out('3. model selection (silhouette per algorithm and k):');
  out(`   ${'k'.padStart(3)}  ${['kmeans', 'gmm', 'ward'].map((a) => a.padStart(8)).join('  ')}`);
  for (let k = 2; k <= 8; k++) {
    const cells = ['kmeans', 'gmm', 'ward'].map((a) => {
      const r = rows.find((row) => row.algorithm === a && row.k === k);
      return (r?.silhouette?.toFixed(4) ?? '-').padStart(8);
    });
    out(`   ${String(k).padStart(3)}  ${cells.join('  ')}`);
  }
  const best = rows.reduce((b, r) => ((r.silhouette ?? -2) > (b.silhouette ?? -2) ? r : b));
  const fit = fitClustering(x, { algorithm: best.algorithm, k: best.k, seed: flags.seed });
  const labelsPath = join(flags.dir, 'segments.csv');
  await writeColumnsCsv(
    labelsPath,
    ['label'],
    [spreadToInputRows(fit.labels, table.inputRow, table.nInputRows)],
  );
  const ari = adjustedRandIndex(fit.labels, planted);
  out(`4. best: ${best.algorithm} with k = ${best.k}; labels written to ${labelsPath}`);
  out(
    `5. agreement with the ${TELCO_SEGMENTS.length} planted segments: adjusted Rand index ${ari.toFixed(4)}`,
  );
}
