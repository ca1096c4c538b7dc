import {
  EMBED_METHODS,
  type EmbedMethod,
  embedSpace,
  readNumericCsv,
  type ScaleKind,
  sampleRows,
  scaleMatrix,
  writeColumnsCsv,
} from '@clientele/analytics';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { note, parseIntOption, parseList, parseMissing, parseScale, printJson } from '../options.ts';
import { progressBar } from '../progress.ts';

interface EmbedFlags {
  input: string;
  columns?: string[];
  scale: ScaleKind;
  method: string;
  target?: string;
  sample?: number;
  seed: number;
  missing: 'drop' | 'error';
  out: string;
  json?: boolean;
}

export function registerEmbed(program: Command): void {
  program
    .command('embed')
    .description('a 2-D view of the rows (PCA, t-SNE, UMAP, or the tree embedding) written as CSV')
    .requiredOption('--input <file>', 'CSV file with a header row')
    .option('--columns <a,b,c>', 'columns to use (default: every numeric column but the target)', parseList)
    .option('--scale <kind>', 'none | minmax | robust | standard', parseScale, 'minmax')
    .requiredOption('--method <m>', EMBED_METHODS.join(' | '))
    .option('--target <column>', 'tree embedding: the column the random forest predicts (e.g. revenue)')
    .option('--sample <n>', 'embed a seeded sample of n rows', parseIntOption('sample'))
    .option('--seed <s>', 'seed for every random choice', parseIntOption('seed', 0), 0)
    .option('--missing <policy>', 'rows with an empty cell: drop | error', parseMissing, 'drop')
    .requiredOption('--out <file>', 'CSV to write: row (0-based data row of the input), x, y')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .action(async (flags: EmbedFlags) => runEmbed(flags));
}

async function runEmbed(flags: EmbedFlags): Promise<void> {
  if (!(EMBED_METHODS as readonly string[]).includes(flags.method)) {
    throw new UsageError(`--method must be one of ${EMBED_METHODS.join(', ')}, got "${flags.method}"`);
  }
  const method = flags.method as EmbedMethod;
  if (method === 'tree' && !flags.target)
    throw new UsageError('--method tree needs --target COLUMN (e.g. revenue)');
  let columns = flags.columns;
  if (flags.target && !columns) {
    const all = await readNumericCsv(flags.input, { missing: flags.missing });
    columns = all.columns.filter((c) => c !== flags.target);
  }
  const wanted = flags.target
    ? [...(columns ?? []).filter((c) => c !== flags.target), flags.target]
    : columns;
  const table = await readNumericCsv(flags.input, { columns: wanted, missing: flags.missing });
  if (table.nDropped > 0 && !flags.json) note(`dropped ${table.nDropped} rows with missing values`);

  const picked = sampleRows(table.x, flags.sample ?? table.x.rows, flags.seed);
  const p = picked.x.cols - (flags.target ? 1 : 0);
  const n = picked.x.rows;
  const features = new Float64Array(n * p);
  const target = flags.target ? new Float64Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    features.set(picked.x.data.subarray(i * picked.x.cols, i * picked.x.cols + p), i * p);
    if (target) target[i] = picked.x.data[i * picked.x.cols + p]!;
  }
  const x = scaleMatrix({ data: features, rows: n, cols: p }, flags.scale);
  const bar = progressBar(method, !flags.json);
  const started = performance.now();
  const emb = embedSpace(x, { method, target, seed: flags.seed, onProgress: bar.onProgress });
  bar.stop();
  const seconds = (performance.now() - started) / 1000;

  const inputRows = Array.from(picked.rows, (r) => table.inputRow[r]!);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = emb.positions.data[i * emb.positions.cols]!;
    ys[i] = emb.positions.cols > 1 ? emb.positions.data[i * emb.positions.cols + 1]! : 0;
  }
  await writeColumnsCsv(flags.out, ['row', 'x', 'y'], [inputRows, xs, ys]);
  const result = {
    method,
    n_rows: n,
    n_columns: p,
    columns: table.columns.slice(0, p),
    target: flags.target ?? null,
    scale: flags.scale,
    seed: flags.seed,
    seconds,
    explained_variance_ratio: emb.explainedVarianceRatio ?? null,
    n_dropped: table.nDropped,
    out: flags.out,
  };
  if (flags.json) printJson(result);
  else
    process.stdout.write(
      `${method}: ${n} rows embedded in ${seconds.toFixed(2)} s, written to ${flags.out}\n`,
    );
}
