import {
  CLUSTER_ALGORITHMS,
  type ClusterAlgorithm,
  fitClustering,
  isClusterAlgorithm,
  readNumericCsv,
  type ScaleKind,
  scaleMatrix,
  scoreClustering,
  spreadToInputRows,
  writeColumnsCsv,
} from '@clientele/analytics';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import {
  finiteOrNull,
  note,
  parseIntOption,
  parseList,
  parseMissing,
  parsePositive,
  parseScale,
  printJson,
} from '../options.ts';
import { progressBar } from '../progress.ts';

interface ClusterFlags {
  input: string;
  columns?: string[];
  scale: ScaleKind;
  algorithm: string;
  k?: number;
  height?: number;
  eps?: number;
  minSamples: number;
  nInit?: number;
  seed: number;
  missing: 'drop' | 'error';
  labelsOut?: string;
  json?: boolean;
}

export function registerCluster(program: Command): void {
  program
    .command('cluster')
    .description(
      'fit one clustering algorithm on a CSV file and report its quality; optionally write the labels',
    )
    .requiredOption('--input <file>', 'CSV file with a header row')
    .option('--columns <a,b,c>', 'columns to use (default: every numeric column)', parseList)
    .option('--scale <kind>', 'none | minmax | robust | standard', parseScale, 'minmax')
    .requiredOption('--algorithm <name>', CLUSTER_ALGORITHMS.join(' | '))
    .option('--k <n>', 'number of clusters (all but dbscan)', parseIntOption('k'))
    .option(
      '--height <h>',
      'hierarchical: cut the tree at this merge height instead of --k',
      parsePositive('height'),
    )
    .option('--eps <e>', 'dbscan neighbourhood radius, in scaled units', parsePositive('eps'))
    .option(
      '--min-samples <m>',
      'dbscan: points (itself included) that make a core point',
      parseIntOption('min-samples'),
      5,
    )
    .option('--n-init <n>', 'k-means / GMM restarts; the best is kept', parseIntOption('n-init'))
    .option('--seed <s>', 'seed for every random choice', parseIntOption('seed', 0), 0)
    .option(
      '--missing <policy>',
      'rows with an empty cell: drop (counted and reported) | error',
      parseMissing,
      'drop',
    )
    .option('--labels-out <file>', 'write one label per input row (header "label"; -1 is DBSCAN noise)')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .action(async (flags: ClusterFlags) => runCluster(flags));
}

async function runCluster(flags: ClusterFlags): Promise<void> {
  if (!isClusterAlgorithm(flags.algorithm)) {
    throw new UsageError(
      `--algorithm must be one of ${CLUSTER_ALGORITHMS.join(', ')}, got "${flags.algorithm}"`,
    );
  }
  const algorithm: ClusterAlgorithm = flags.algorithm;
  const table = await readNumericCsv(flags.input, { columns: flags.columns, missing: flags.missing });
  if (table.nDropped > 0 && !flags.json) {
    note(`dropped ${table.nDropped} rows with missing values (the first at line ${table.firstDroppedLine})`);
  }
  const x = scaleMatrix(table.x, flags.scale);
  const bar = progressBar(algorithm, !flags.json);
  const fit = fitClustering(x, {
    algorithm,
    k: flags.k,
    height: flags.height,
    eps: flags.eps,
    minSamples: flags.minSamples,
    nInit: flags.nInit,
    seed: flags.seed,
    onProgress: bar.onProgress,
  });
  bar.stop();
  const scores = scoreClustering(x, fit.labels, flags.seed);
  if (flags.labelsOut) {
    await writeColumnsCsv(
      flags.labelsOut,
      ['label'],
      [spreadToInputRows(fit.labels, table.inputRow, table.nInputRows)],
    );
  }
  const counts = new Map<number, number>();
  for (const l of fit.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const sizes = [...counts.entries()].sort((a, b) => a[0] - b[0]);
  const result = {
    algorithm,
    k: fit.k,
    n_rows: x.rows,
    n_columns: x.cols,
    columns: table.columns,
    scale: flags.scale,
    seed: flags.seed,
    seconds: fit.seconds,
    inertia: finiteOrNull(fit.inertia),
    log_likelihood: finiteOrNull(fit.logLikelihood),
    bic: finiteOrNull(fit.bic),
    aic: finiteOrNull(fit.aic),
    silhouette: finiteOrNull(scores.silhouette),
    silhouette_sampled: scores.silhouetteSampled,
    silhouette_sample_size: scores.silhouetteSampleSize,
    calinski_harabasz: finiteOrNull(scores.calinskiHarabasz),
    davies_bouldin: finiteOrNull(scores.daviesBouldin),
    n_noise: fit.nNoise ?? null,
    n_dropped: table.nDropped,
    sizes: Object.fromEntries(sizes),
    labels_out: flags.labelsOut ?? null,
  };
  if (flags.json) {
    printJson(result);
    return;
  }
  const lines = [
    `${algorithm}: ${fit.k} clusters on ${x.rows} rows x ${x.cols} columns (${flags.scale} scaling), fitted in ${fit.seconds.toFixed(3)} s`,
    result.inertia !== null ? `  inertia            ${result.inertia}` : null,
    result.log_likelihood !== null ? `  log-likelihood     ${result.log_likelihood}` : null,
    result.bic !== null ? `  BIC / AIC          ${result.bic} / ${result.aic}` : null,
    result.n_noise !== null ? `  noise points       ${result.n_noise}` : null,
    `  silhouette         ${result.silhouette ?? 'n/a'}${scores.silhouetteSampled ? ` (sampled: ${scores.silhouetteSampleSize} rows)` : ''}`,
    `  Calinski-Harabasz  ${result.calinski_harabasz ?? 'n/a'}`,
    `  Davies-Bouldin     ${result.davies_bouldin ?? 'n/a'}`,
    `  sizes              ${sizes.map(([l, c]) => `${l}: ${c}`).join(', ')}`,
    flags.labelsOut ? `  labels written to  ${flags.labelsOut}` : null,
  ];
  process.stdout.write(`${lines.filter((l) => l !== null).join('\n')}\n`);
}
