import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import {
  type AnalyzeResult,
  type AnalyzeStep,
  analyze,
  defaultRunConfig,
  TELCO_SNAPSHOT_SEGMENTS,
  TRANSACTION_LOG_CUSTOMER_TYPES,
  writeTelcoSnapshotCsv,
  writeTransactionLogCsv,
} from '@clientele/analytics';
import { adjustedRandIndex } from '@clientele/ml';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { parseIntOption } from '../options.ts';

interface DemoFlags {
  out?: string;
  dir?: string;
  rows: number;
  customers: number;
  seed: number;
}

const DEFAULT_OUT = '.clientele/demo';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      "a first look: writes a synthetic telco snapshot and a synthetic transaction log whose answers are known, runs 'clientele analyze' on each and says what was found, how it compares with what was planted, and where the reports are",
    )
    .option('--out <folder>', `where the data and the two runs go (default ${DEFAULT_OUT})`)
    .option('--dir <folder>', 'the same as --out (its former name)')
    .option('--rows <n>', 'rows of the telco snapshot', parseIntOption('rows', 100), 20_000)
    .option(
      '--customers <n>',
      'customers of the transaction log (about 125 rows each)',
      parseIntOption('customers', 50),
      2_000,
    )
    .option('--seed <s>', 'seed of the data and of every random choice', parseIntOption('seed', 0), 42)
    .action(async (flags: DemoFlags) => runDemo(flags));
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

/** Customer ids as the files write them (`17850.0` in the log, `17850` in a run's exports) made equal. */
function idKey(id: string): string {
  const n = Number(id);
  return id !== '' && Number.isFinite(n) ? String(n) : id;
}

/**
 * The named columns of every data line of a CSV, as text; cells are split at every comma, which is
 * right for these columns as long as no quoted cell comes before them (true of the files read here).
 */
function readColumns(path: string, names: string[]): string[][] {
  const [head = '', ...lines] = readFileSync(path, 'utf8').split('\n');
  const header = head.split(',');
  const at = names.map((n) => {
    const j = header.indexOf(n);
    if (j < 0) throw new Error(`${path} has no column ${n}`);
    return j;
  });
  return lines
    .filter((l) => l !== '')
    .map((l) => {
      const cells = l.split(',');
      return at.map((j) => cells[j] ?? '');
    });
}

/** `analyze` with the report renderer, the demo's seed and step lines on stderr. */
async function analyzeInto(
  name: string,
  input: string,
  out: string,
  seed: number,
  segmentation?: { algorithm: 'kmeans'; k: number },
): Promise<AnalyzeResult> {
  const config = defaultRunConfig();
  config.seed = seed;
  if (segmentation) Object.assign(config.segmentation, segmentation);
  let last: AnalyzeStep | null = null;
  const t0 = performance.now();
  const r = await analyze({
    input,
    out,
    config,
    // Loaded only when a report is written: it brings ECharts, which every other command would
    // pay for at start (about 0.8 s of the CLI's 1.8 s start).
    renderReport: (await import('@clientele/analytics/run-report')).renderRunReport,
    onProgress: ({ step }) => {
      if (step !== last) log(`  ${name}: ${step}`);
      last = step;
    },
  });
  log(`  ${name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}

/** The lines every run gets: the segments found, by name and size. */
function segmentLines(r: AnalyzeResult): string[] {
  const s = r.report.segmentation;
  const sil = s.silhouette === null ? '' : `, silhouette ${s.silhouette.toFixed(2)}`;
  return [
    `  segments  ${s.k} found (${s.algorithm}${sil}): ${s.segments
      .map((g) => `${g.name} (${fmt(g.size)})`)
      .join('; ')}`,
  ];
}

export async function runDemo(flags: DemoFlags): Promise<void> {
  if (flags.out !== undefined && flags.dir !== undefined && resolve(flags.out) !== resolve(flags.dir))
    throw new UsageError('--dir is another name for --out: give one of them');
  const dir = flags.out ?? flags.dir ?? DEFAULT_OUT;
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const shown = (p: string): string => {
    const rel = relative(process.cwd(), p);
    return rel.startsWith('..') || rel === '' ? resolve(p) : rel;
  };
  const lines: string[] = [];
  const started = performance.now();

  // 1. The telco snapshot: one row per line, a churn label, 4 planted segments.
  const telcoCsv = join(dataDir, 'telco.csv');
  const telcoTruth = join(dataDir, 'telco-truth.csv');
  log(`writing ${fmt(flags.rows)} telco rows to ${telcoCsv}`);
  const telco = await writeTelcoSnapshotCsv(telcoCsv, {
    rows: flags.rows,
    seed: flags.seed,
    truthOut: telcoTruth,
  });
  log(`analysing ${telcoCsv}`);
  // k = 4, as the telco seed chose from its elbow chart: on this data the best silhouette merges
  // two of the planted segments (k = 3; README, "The whole analysis").
  log("  telco: k-means with k = 4, the telco seed project's choice");
  const tr = await analyzeInto('telco', telcoCsv, join(dir, 'telco'), flags.seed, {
    algorithm: 'kmeans',
    k: 4,
  });
  const plantedSegment = new Map(
    readColumns(telcoTruth, ['IMEI', 'segment']).map(([id, seg]) => [idKey(id!), seg!] as const),
  );
  const segNames: string[] = TELCO_SNAPSHOT_SEGMENTS.map((s) => s.name);
  const found: number[] = [];
  const planted: number[] = [];
  for (const [id, seg] of readColumns(tr.files.assignments_csv!, ['customer_id', 'segment'])) {
    const p = plantedSegment.get(idKey(id!));
    if (p === undefined) continue;
    found.push(Number(seg));
    planted.push(segNames.indexOf(p));
  }
  const ari = adjustedRandIndex(found, planted);
  lines.push(
    `Telco snapshot: ${fmt(telco.rows)} rows x ${telco.columns.length} columns (${fmt(telco.duplicates)} duplicate rows) in ${shown(telcoCsv)}`,
    ...segmentLines(tr),
  );
  const churn = tr.report.churn;
  if (churn) {
    lines.push(
      `  churn     AUC ${churn.auc.toFixed(3)} on held-out customers; risk tiers ${Object.entries(churn.tiers)
        .map(([t, n]) => `${t} ${fmt(n)}`)
        .join(', ')}`,
    );
  }
  lines.push(
    `  truth     against the ${segNames.length} planted segments: adjusted Rand index ${ari.toFixed(2)} (1 = the same grouping, 0 = chance) over ${fmt(found.length)} customers`,
    `  report    ${shown(tr.files.report_html!)}`,
    '',
  );

  // 2. The transaction log: one row per invoice line, 4 planted customer types.
  const logCsv = join(dataDir, 'transactions.csv');
  const logTruth = join(dataDir, 'transactions-truth.csv');
  log(`writing a transaction log of ${fmt(flags.customers)} customers to ${logCsv}`);
  const tx = await writeTransactionLogCsv(logCsv, {
    customers: flags.customers,
    seed: flags.seed,
    truthOut: logTruth,
  });
  log(`analysing ${logCsv}`);
  const xr = await analyzeInto('transactions', logCsv, join(dir, 'transactions'), flags.seed);
  const highValue = TRANSACTION_LOG_CUSTOMER_TYPES[0].name;
  const plantedHigh = new Set(
    readColumns(logTruth, ['CustomerID', 'segment'])
      .filter(([, type]) => type === highValue)
      .map(([id]) => idKey(id!)),
  );
  const insiders = xr.files.insiders_csv
    ? readColumns(xr.files.insiders_csv, ['customer_id']).map(([id]) => idKey(id!))
    : [];
  const hits = insiders.filter((id) => plantedHigh.has(id)).length;
  lines.push(
    `Transaction log: ${fmt(tx.rows)} rows of ${fmt(tx.customers)} customers in ${shown(logCsv)}`,
    ...segmentLines(xr),
  );
  const value = xr.report.value;
  if (value) {
    lines.push(
      `  insiders  ${fmt(value.insiders.count)} customers (${pct(value.insiders.customerShare)}) bring ${pct(value.insiders.revenueShare)} of the revenue`,
    );
  }
  lines.push(
    insiders.length > 0
      ? `  truth     ${fmt(hits)} of the ${fmt(insiders.length)} Insiders (${pct(hits / insiders.length)}) are planted high-value customers; they are ${fmt(hits)} of the ${fmt(plantedHigh.size)} planted (${pct(plantedHigh.size > 0 ? hits / plantedHigh.size : 0)})`
      : `  truth     no Insiders found; ${fmt(plantedHigh.size)} high-value customers were planted`,
    `  report    ${shown(xr.files.report_html!)}`,
    '',
    `Both in ${((performance.now() - started) / 1000).toFixed(0)} s. Open the two report.html files in a browser; each run folder also holds the exports (CSV and Parquet) and manifest.json. The planted answers are in ${shown(dataDir)}/*-truth.csv.`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
