import {
  CLUSTER_ALGORITHMS,
  type ClusterAlgorithm,
  isClusterAlgorithm,
  readNumericCsv,
  type ScaleKind,
  type SelectionRow,
  scaleMatrix,
  selectModels,
} from '@clientele/analytics';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import {
  finiteOrNull,
  note,
  parseIntOption,
  parseKRange,
  parseList,
  parseMissing,
  parseScale,
  printJson,
} from '../options.ts';
import { progressBar } from '../progress.ts';

interface SelectFlags {
  input: string;
  columns?: string[];
  scale: ScaleKind;
  algorithms: string[];
  k: [number, number];
  nInit?: number;
  minSamples: number;
  seed: number;
  missing: 'drop' | 'error';
  json?: boolean;
}

export function registerSelect(program: Command): void {
  program
    .command('select')
    .description('model selection: silhouette (and inertia, BIC) for each algorithm and each k')
    .requiredOption('--input <file>', 'CSV file with a header row')
    .option('--columns <a,b,c>', 'columns to use (default: every numeric column)', parseList)
    .option('--scale <kind>', 'none | minmax | robust | standard', parseScale, 'minmax')
    .option('--algorithms <list>', `comma-separated: ${CLUSTER_ALGORITHMS.join(', ')}`, parseList, [
      'kmeans',
      'gmm',
      'ward',
      'dbscan',
    ])
    .option('--k <range>', 'cluster counts to try, e.g. 2..20', parseKRange, [2, 20] as [number, number])
    .option('--n-init <n>', 'k-means / GMM restarts per k', parseIntOption('n-init'))
    .option('--min-samples <m>', 'dbscan min samples', parseIntOption('min-samples'), 5)
    .option('--seed <s>', 'seed for every random choice', parseIntOption('seed', 0), 0)
    .option('--missing <policy>', 'rows with an empty cell: drop | error', parseMissing, 'drop')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .action(async (flags: SelectFlags) => runSelect(flags));
}

async function runSelect(flags: SelectFlags): Promise<void> {
  const algorithms = flags.algorithms.map((a) => {
    if (!isClusterAlgorithm(a))
      throw new UsageError(`--algorithms: "${a}" is not one of ${CLUSTER_ALGORITHMS.join(', ')}`);
    return a as ClusterAlgorithm;
  });
  const table = await readNumericCsv(flags.input, { columns: flags.columns, missing: flags.missing });
  if (table.nDropped > 0 && !flags.json) note(`dropped ${table.nDropped} rows with missing values`);
  const x = scaleMatrix(table.x, flags.scale);
  const bar = progressBar('model selection', !flags.json);
  const started = performance.now();
  const rows = selectModels(x, {
    algorithms,
    kMin: flags.k[0],
    kMax: flags.k[1],
    nInit: flags.nInit,
    minSamples: flags.minSamples,
    seed: flags.seed,
    onProgress: bar.onProgress,
  });
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  if (flags.json) {
    printJson({
      n_rows: x.rows,
      n_columns: x.cols,
      columns: table.columns,
      scale: flags.scale,
      seed: flags.seed,
      seconds,
      n_dropped: table.nDropped,
      rows: rows.map(toJsonRow),
      best: bestBySilhouette(rows),
    });
    return;
  }
  process.stdout.write(`${formatTable(rows)}\n`);
  const best = bestBySilhouette(rows);
  if (best) {
    process.stdout.write(
      `\nhighest silhouette: ${best.algorithm} with k = ${best.k} (${best.silhouette?.toFixed(4)})\n`,
    );
  }
  if (rows.some((r) => r.nRows < x.rows)) {
    process.stdout.write(`hierarchical and DBSCAN rows were fitted on a seeded sample (n_rows column).\n`);
  }
}

function toJsonRow(r: SelectionRow) {
  return {
    algorithm: r.algorithm,
    k: r.k,
    n_rows: r.nRows,
    silhouette: finiteOrNull(r.silhouette),
    silhouette_sampled: r.silhouetteSampled,
    calinski_harabasz: finiteOrNull(r.calinskiHarabasz),
    davies_bouldin: finiteOrNull(r.daviesBouldin),
    inertia: finiteOrNull(r.inertia),
    bic: finiteOrNull(r.bic),
    aic: finiteOrNull(r.aic),
    eps: finiteOrNull(r.eps),
    n_noise: r.nNoise ?? null,
    seconds: r.seconds,
  };
}

function bestBySilhouette(
  rows: SelectionRow[],
): { algorithm: string; k: number; silhouette: number | null } | null {
  let best: SelectionRow | null = null;
  for (const r of rows) {
    if (r.silhouette !== null && (best === null || r.silhouette > best.silhouette!)) best = r;
  }
  return best && { algorithm: best.algorithm, k: best.k, silhouette: best.silhouette };
}

/** The seed's table: one line per algorithm and k. */
function formatTable(rows: SelectionRow[]): string {
  const head = [
    'algorithm',
    'k',
    'n_rows',
    'silhouette',
    'calinski_h',
    'davies_b',
    'inertia',
    'bic',
    'eps',
    'noise',
  ];
  const fmt = (v: number | null | undefined, d = 4): string =>
    v === null || v === undefined ? '-' : Math.abs(v) >= 1e5 ? v.toExponential(3) : v.toFixed(d);
  const body = rows.map((r) => [
    r.algorithm,
    String(r.k),
    String(r.nRows),
    fmt(r.silhouette) + (r.silhouetteSampled ? '*' : ''),
    fmt(r.calinskiHarabasz, 1),
    fmt(r.daviesBouldin),
    fmt(r.inertia, 2),
    fmt(r.bic, 1),
    fmt(r.eps),
    r.nNoise === undefined ? '-' : String(r.nNoise),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((row) => row[j]!.length)));
  const line = (cells: string[]): string => cells.map((c, j) => c.padStart(widths[j]!)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
