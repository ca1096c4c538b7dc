import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Matrix, matrix } from '@clientele/ml';
import { applyPlan } from '../cleaning/applyPlan.ts';
import { parsePlan } from '../cleaning/planSchema.ts';
import { quoteIdent } from '../duckdb.ts';
import { InputError } from '../errors.ts';
import { type LoadedTable, type LoadOptions, loadTable } from '../ingest/loadTable.ts';
import { profileTable } from '../profile/profileTable.ts';
import { sampleRows } from '../segmentation/sampleRows.ts';
import { writeQuery } from '../writeTable.ts';
import { findAlternative } from './alternativeSegmentation.ts';
import { churnBySegment, runChurn } from './churnStep.ts';
import { type CustomerMatrix, snapshotCustomers, transactionCustomers } from './customerMatrix.ts';
import { describeSegments } from './describeSegments.ts';
import { followPrevious } from './matchSegments.ts';
import { defaultRunConfig, type RunConfig } from './runConfig.ts';
import type { RunReport, SegmentReport } from './runReport.ts';
import { findSegments, segmentViews } from './segmentStep.ts';
import { runValue } from './valueStep.ts';

export type AnalyzeStep =
  | 'load'
  | 'profile'
  | 'clean'
  | 'features'
  | 'segments'
  | 'describe'
  | 'views'
  | 'churn'
  | 'value'
  | 'write';

export interface AnalyzeOptions {
  input: string;
  /** The run folder to create; written in a temporary folder beside it and renamed at the end. */
  out: string;
  kind?: 'snapshot' | 'transactions';
  target?: string;
  positive?: string;
  /** A cleaning plan (JSON) applied before anything else. */
  plan?: string;
  config?: RunConfig;
  /** The previous run's folder: segments keep its ids and names; the Insiders' changes are reported. */
  previous?: string;
  lang?: 'en' | 'es' | 'pt';
  load?: LoadOptions;
  /** Called at each step with the share of the run done. */
  onProgress?: (event: { step: AnalyzeStep; fraction: number }) => void;
  /** Aborting stops the run at the next step; it then fails like any other error. */
  signal?: AbortSignal;
  /** Renders report.html; given by the caller so the pipeline does not load the charting code. */
  renderReport?: (report: RunReport) => string;
}

export interface AnalyzeResult {
  report: RunReport;
  out: string;
  files: Record<string, string>;
}

/** Cleaning steps applied without a plan: they fix the data without changing what it says. */
const AUTOMATIC_STEPS = new Set(['drop_duplicates', 'sentinel_to_missing', 'replace']);

const STEP_END: Record<AnalyzeStep, number> = {
  load: 0.05,
  profile: 0.12,
  clean: 0.15,
  features: 0.25,
  segments: 0.5,
  describe: 0.6,
  views: 0.7,
  churn: 0.88,
  value: 0.88,
  write: 1,
};

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function packageVersions(): Record<string, string> {
  const root = resolve(dirname(new URL(import.meta.url).pathname), '../../../..');
  const read = (p: string): string => {
    try {
      return String(JSON.parse(readFileSync(join(root, p), 'utf8')).version);
    } catch {
      return 'unknown';
    }
  };
  return {
    node: process.version,
    '@clientele/ml': read('packages/ml/package.json'),
    '@clientele/analytics': read('packages/analytics/package.json'),
    '@duckdb/node-api': read('node_modules/@duckdb/node-api/package.json'),
  };
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

type ColumnType = 'VARCHAR' | 'DOUBLE' | 'INTEGER';

/**
 * Writes `n` rows as CSV and Parquet with the same columns, through a DuckDB table filled by the
 * appender row by row (no whole-file string in memory; 371,589 x 43 took 7 s and 450 MB that way).
 */
async function writeBoth(
  t: LoadedTable,
  dir: string,
  name: string,
  columns: [string, ColumnType][],
  n: number,
  row: (i: number) => (string | number | null)[],
): Promise<string[]> {
  const table = `export_${name}`;
  await t.db.run(
    `CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} (${columns.map(([c, ty]) => `${quoteIdent(c)} ${ty}`).join(', ')})`,
  );
  const app = await t.db.createAppender(table);
  for (let i = 0; i < n; i++) {
    const cells = row(i);
    for (let j = 0; j < columns.length; j++) {
      const v = cells[j];
      if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) app.appendNull();
      else if (columns[j]![1] === 'VARCHAR') app.appendVarchar(String(v));
      else if (columns[j]![1] === 'INTEGER') app.appendInteger(Number(v));
      else app.appendDouble(Number(v));
    }
    app.endRow();
  }
  app.closeSync();
  const csv = join(dir, `${name}.csv`);
  const parquet = join(dir, `${name}.parquet`);
  await writeQuery(t.db, `SELECT * FROM ${quoteIdent(table)}`, csv, 'csv');
  await writeQuery(t.db, `SELECT * FROM ${quoteIdent(table)}`, parquet, 'parquet');
  await t.db.run(`DROP TABLE ${quoteIdent(table)}`);
  return [csv, parquet];
}

interface PreviousRun {
  centroids: Matrix;
  features: string[];
  segments: SegmentReport[];
  insiders: Set<string>;
  customers: Map<string, number[]>;
  /** The other segmentations of the previous run, to keep their ids and names. */
  alternatives: { id: string; features: string[]; centroids: Matrix; segments: SegmentReport[] }[];
}

function readPrevious(dir: string): PreviousRun {
  const need = ['segmentation.json', 'assignments.csv'];
  for (const f of need) {
    if (!existsSync(join(dir, f))) {
      throw new InputError(
        'FILE_NOT_FOUND',
        `--previous ${dir}: no ${f}; point it at the folder of an earlier analyze run`,
      );
    }
  }
  const seg = JSON.parse(readFileSync(join(dir, 'segmentation.json'), 'utf8'));
  const segments = existsSync(join(dir, 'segments.json'))
    ? (JSON.parse(readFileSync(join(dir, 'segments.json'), 'utf8')) as SegmentReport[])
    : [];
  const lines = readFileSync(join(dir, 'assignments.csv'), 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const customers = new Map<string, number[]>();
  const first = header.indexOf('segment_name') + 1;
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    customers.set(cells[0]!, cells.slice(first).map(Number));
  }
  const insiders = new Set<string>();
  if (existsSync(join(dir, 'insiders.csv'))) {
    for (const line of readFileSync(join(dir, 'insiders.csv'), 'utf8').trim().split('\n').slice(1)) {
      insiders.add(line.split(',')[0]!);
    }
  }
  const alternatives = existsSync(join(dir, 'segmentations.json'))
    ? (
        JSON.parse(readFileSync(join(dir, 'segmentations.json'), 'utf8')) as {
          id: string;
          features: string[];
          k: number;
          centroids: number[][];
          segments: SegmentReport[];
        }[]
      ).map((a) => ({
        id: a.id,
        features: a.features,
        centroids: matrix(a.k, a.features.length, Float64Array.from(a.centroids.flat())),
        segments: a.segments,
      }))
    : [];
  return {
    alternatives,
    centroids: matrix(seg.k, seg.scaledFeatures.length, Float64Array.from(seg.centroids.flat())),
    features: seg.scaledFeatures,
    segments,
    insiders,
    customers,
  };
}

/**
 * One analysis run: data + cleaning plan + parameters -> a run folder with the profile, the
 * model-selection table, the segmentation, assignments, segment profiles, what sets each segment
 * apart, suggested names, 2-D views, and, where the data allow, the churn model and scores (a
 * snapshot with a target) or CLV and the Insiders with their evidence (a transaction log); a
 * manifest (input hashes, parameters, versions, seed, timings) and report.html.
 *
 * The folder is written under `<out>.tmp-<pid>` and renamed to `out` only when every step
 * succeeded; a failed run leaves `<out>.failed` with FAILED.json (the step and the cause) and
 * never a complete-looking `out`. Errors name the step.
 */
export async function analyze(opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const config = opts.config ?? defaultRunConfig();
  const lang = opts.lang ?? config.lang;
  const seed = config.seed;
  const out = resolve(opts.out);
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const timings: Record<string, number> = {};
  let step: AnalyzeStep = 'load';
  let t0 = performance.now();
  const begin = (s: AnalyzeStep): void => {
    if (opts.signal?.aborted) throw new InputError('BAD_OPTION', 'the run was cancelled');
    timings[step] = Math.round(performance.now() - t0) / 1000;
    t0 = performance.now();
    step = s;
  };
  const progress = (s: AnalyzeStep, within = 1): void => {
    const keys = Object.keys(STEP_END) as AnalyzeStep[];
    const prev = keys.indexOf(s) > 0 ? STEP_END[keys[keys.indexOf(s) - 1]!] : 0;
    opts.onProgress?.({ step: s, fraction: prev + (STEP_END[s] - prev) * within });
  };
  const files: Record<string, string> = {};
  let t: LoadedTable | null = null;
  try {
    progress('load', 0);
    t = await loadTable(opts.input, opts.load ?? {});
    const inputHash = await sha256(opts.input);
    progress('load');

    begin('profile');
    const profile = await profileTable(t);
    writeFileSync(join(tmp, 'profile.json'), `${JSON.stringify(profile, null, 2)}\n`);
    if (opts.target && !t.columns.some((c) => c.name === opts.target)) {
      throw new InputError(
        'UNKNOWN_COLUMN',
        `--target ${opts.target}: the file has no such column; its columns are ${t.columns.map((c) => c.name).join(', ')}`,
      );
    }
    progress('profile');

    begin('clean');
    const cleaning: RunReport['quality']['cleaning'] = [];
    let planHash: string | null = null;
    // Without a plan, the profile's safe suggestions are applied: exact duplicate rows, sentinel
    // values (9999 for "never") as missing, broken encodings repaired. Outlier clipping and column
    // drops change the data's meaning and wait for a person's plan.
    const plan = opts.plan
      ? parsePlan(readFileSync(opts.plan, 'utf8'), opts.plan)
      : parsePlan({
          version: 1,
          steps: profile.warnings
            .map((w) => w.suggestion)
            .filter((st): st is NonNullable<typeof st> => st !== null && AUTOMATIC_STEPS.has(st.op)),
        });
    if (opts.plan) planHash = await sha256(opts.plan);
    for (const r of await applyPlan(t, plan)) {
      cleaning.push({
        step: `${r.op}${opts.plan ? '' : ' (automatic)'}: ${r.detail}`,
        rowsBefore: r.rowsIn,
        rowsAfter: r.rowsOut,
      });
    }
    progress('clean');

    const kind = opts.kind ?? profile.kind;
    const target =
      kind === 'snapshot'
        ? (opts.target ?? profile.columns.find((c) => c.role === 'target')?.name ?? null)
        : null;
    const idColumn =
      kind === 'snapshot' ? (profile.columns.find((c) => c.role === 'id')?.name ?? null) : null;
    progress('profile');

    begin('features');
    const c: CustomerMatrix =
      kind === 'snapshot'
        ? await snapshotCustomers(t, {
            id: idColumn,
            target,
            // Segments describe behaviour: numbers only; places, dates, categories and text are
            // described per segment afterwards, not clustered on.
            exclude: profile.columns
              .filter(
                (col) =>
                  col.role !== 'continuous' &&
                  col.role !== 'ordinal' &&
                  col.name !== idColumn &&
                  col.name !== target,
              )
              .map((col) => col.name),
          })
        : await transactionCustomers(t);
    progress('features');

    begin('segments');
    const seg = findSegments(c.x, config.segmentation, seed, (f) => progress('segments', f));
    const scaledFeatures = seg.columns.map((j) => c.features[j]!);
    let labels = seg.labels;
    let centroids = seg.centroids;
    let matched: RunReport['segmentation']['matchedToPrevious'] = null;
    const previous = opts.previous ? readPrevious(opts.previous) : null;
    if (previous && previous.features.join('\u0000') === scaledFeatures.join('\u0000')) {
      const followed = followPrevious(previous.centroids, seg.labels, seg.centroids);
      ({ labels, centroids, matched } = followed);
    }
    const k = centroids.rows;
    const alternatives = config.segmentations.map((spec) => {
      const alt = findAlternative(
        c.x,
        c.features,
        spec,
        config.segmentation,
        seed,
        { scaled: seg.scaled },
        lang,
      );
      const before = previous?.alternatives.find((a) => a.id === alt.id);
      if (before && before.features.join('\u0000') === alt.features.join('\u0000')) {
        const followed = followPrevious(before.centroids, alt.labels, alt.centroids);
        return { ...alt, ...followed, k: followed.centroids.rows, previous: before };
      }
      return { ...alt, matched: null, previous: null };
    });
    progress('segments');

    begin('describe');
    const segments = describeSegments(c, labels, k, lang, seed, previous?.segments);
    const alternativeSegments = alternatives.map((alt) =>
      describeSegments(c, alt.labels, alt.k, lang, seed, alt.previous?.segments),
    );
    progress('describe');

    begin('views');
    const views = segmentViews(
      seg.scaled,
      labels,
      config.views.methods,
      config.views.sample,
      seed,
      c.revenue ?? undefined,
    );
    // The alternatives on the same points as the main views, so the maps compare at a glance.
    const viewRows = sampleRows(seg.scaled, config.views.sample, seed).rows;
    const alternativeViews = alternatives.map((alt) => {
      const segment = Array.from(viewRows, (i) => alt.labels[i]!);
      return views.map((v) => ({ ...v, segment }));
    });
    progress('views');

    const report: RunReport = {
      version: 1,
      kind,
      input: { path: opts.input, rows: t.nRows, columns: t.columns.length, sha256: inputHash },
      createdAt: new Date().toISOString(),
      seed,
      lang,
      quality: {
        rows: profile.nRows,
        columns: profile.nColumns,
        duplicateRows: profile.duplicateRows,
        missingCells: profile.columns.reduce((a, col) => a + col.missing, 0),
        warnings: profile.warnings.map((w) => ({ column: w.column, kind: w.code, message: w.message })),
        cleaning,
      },
      segmentation: {
        features: scaledFeatures,
        scale: `${seg.transform === 'log' ? 'signed log, then ' : ''}${seg.scale}`,
        selection: seg.selection.map((r) => ({
          algorithm: r.algorithm,
          k: r.k,
          silhouette: r.silhouette,
          bic: r.bic ?? null,
        })),
        selectionRows: seg.selectionRows,
        algorithm: seg.algorithm,
        k,
        silhouette: seg.silhouette,
        chosenBy: seg.chosenBy,
        elbowCurve: seg.elbowCurve,
        segments,
        views,
        matchedToPrevious: matched,
      },
      alternatives: alternatives.map((alt, q) => ({
        id: alt.id,
        name: alt.name,
        space: alt.space,
        components: alt.components,
        features: alt.features,
        scale: `${seg.transform === 'log' ? 'signed log, then ' : ''}${seg.scale}${alt.space === 'features' ? '' : `, then ${alt.space.toUpperCase()} (${alt.components} dimensions)`}`,
        selection: alt.selection.map((r) => ({
          algorithm: r.algorithm,
          k: r.k,
          silhouette: r.silhouette,
          bic: r.bic ?? null,
        })),
        selectionRows: alt.selectionRows,
        algorithm: alt.algorithm,
        k: alt.k,
        silhouette: alt.silhouette,
        silhouetteOnFeatures: alt.silhouetteOnFeatures,
        chosenBy: alt.chosenBy,
        elbowCurve: alt.elbowCurve,
        segments: alternativeSegments[q]!,
        views: alternativeViews[q]!,
        matchedToPrevious: alt.matched,
        churnBySegment: null,
      })),
      churn: null,
      value: null,
      timings,
    };

    const segmentName = (s: number): string => segments[s]?.name ?? String(s);
    if (kind === 'snapshot' && target) {
      begin('churn');
      const churn = await runChurn(t, {
        target,
        positive: opts.positive,
        id: idColumn,
        customerIds: c.ids,
        labels,
        k,
        config: config.churn,
        seed,
      });
      report.churn = churn.report;
      alternatives.forEach((alt, q) => {
        report.alternatives[q]!.churnBySegment = churnBySegment(
          alt.labels,
          alt.k,
          churn.probability,
          churn.tier,
        );
      });
      const nr = config.churn.reasons;
      const columns: [string, ColumnType][] = [
        ['customer_id', 'VARCHAR'],
        ['segment', 'INTEGER'],
        ['churn_probability', 'DOUBLE'],
        ['retention_probability', 'DOUBLE'],
        ['risk_tier', 'VARCHAR'],
      ];
      for (let q = 1; q <= nr; q++) {
        columns.push(
          [`reason_${q}_feature`, 'VARCHAR'],
          [`reason_${q}_value`, 'VARCHAR'],
          [`reason_${q}_contribution`, 'DOUBLE'],
        );
      }
      const scoreRow = (i: number): (string | number | null)[] => {
        const row: (string | number | null)[] = [
          c.ids[i]!,
          labels[i]!,
          churn.probability[i]!,
          1 - churn.probability[i]!,
          Number.isNaN(churn.probability[i]!) ? null : churn.tier[i]!,
        ];
        for (let q = 0; q < nr; q++) {
          const r = churn.reasons[i]?.[q];
          row.push(r?.feature ?? null, r?.value ?? null, r?.contribution ?? null);
        }
        return row;
      };
      for (const f of await writeBoth(t, tmp, 'scores', columns, c.ids.length, scoreRow))
        files[f.endsWith('.csv') ? 'scores_csv' : 'scores_parquet'] = f;
      writeFileSync(
        join(tmp, 'churn.json'),
        `${JSON.stringify({ ...churn.report, reasons_computed_for: churn.reasonsComputed }, null, 2)}\n`,
      );
      progress('churn');
    }
    if (kind === 'transactions' && c.revenue) {
      begin('value');
      const value = await runValue(t, c, { labels, k, segments }, config.value, lang, seed);
      if (previous) {
        value.report.changes = insiderChanges(previous, c, value.insider);
      }
      report.value = value.report;
      const ins = c.ids.map((_, i) => i).filter((i) => value.insider[i] === 1);
      for (const f of await writeBoth(
        t,
        tmp,
        'insiders',
        [
          ['customer_id', 'VARCHAR'],
          ['segment', 'INTEGER'],
          ['segment_name', 'VARCHAR'],
          ['revenue', 'DOUBLE'],
          ['clv', 'DOUBLE'],
          ['probability_alive', 'DOUBLE'],
        ],
        ins.length,
        (q) => {
          const i = ins[q]!;
          return [
            c.ids[i]!,
            labels[i]!,
            segmentName(labels[i]!),
            c.revenue![i]!,
            value.clv[i]!,
            value.probabilityAlive[i]!,
          ];
        },
      )) {
        files[f.endsWith('.csv') ? 'insiders_csv' : 'insiders_parquet'] = f;
      }
      // Every customer's value: RFM scores (from the features), CLV, probability alive, Insider or not.
      const rfm = (
        await t.db.runAndReadAll(
          `SELECT CAST(customer_id AS VARCHAR), r_score, f_score, m_score, rfm_segment FROM ${quoteIdent(c.table)}`,
        )
      ).getRows();
      const rfmById = new Map(
        rfm.map((r) => [String(r[0]), r.slice(1).map((v) => (v === null ? null : String(v)))]),
      );
      for (const f of await writeBoth(
        t,
        tmp,
        'value',
        [
          ['customer_id', 'VARCHAR'],
          ['segment', 'INTEGER'],
          ['insider', 'INTEGER'],
          ['revenue', 'DOUBLE'],
          ['r_score', 'INTEGER'],
          ['f_score', 'INTEGER'],
          ['m_score', 'INTEGER'],
          ['rfm_segment', 'VARCHAR'],
          ['clv', 'DOUBLE'],
          ['probability_alive', 'DOUBLE'],
        ],
        c.ids.length,
        (i) => [
          c.ids[i]!,
          labels[i]!,
          value.insider[i]!,
          c.revenue![i]!,
          ...(rfmById.get(c.ids[i]!) ?? [null, null, null, null]),
          value.clv[i]!,
          value.probabilityAlive[i]!,
        ],
      )) {
        files[f.endsWith('.csv') ? 'value_csv' : 'value_parquet'] = f;
      }
      progress('value');
    }

    begin('write');
    for (const f of await writeBoth(
      t,
      tmp,
      'assignments',
      [
        ['customer_id', 'VARCHAR'],
        ['segment', 'INTEGER'],
        ['segment_name', 'VARCHAR'],
        ...c.features.map((f): [string, ColumnType] => [f, 'DOUBLE']),
      ],
      c.ids.length,
      (i) => [
        c.ids[i]!,
        labels[i]!,
        segmentName(labels[i]!),
        ...c.x.data.subarray(i * c.x.cols, (i + 1) * c.x.cols),
      ],
    )) {
      files[f.endsWith('.csv') ? 'assignments_csv' : 'assignments_parquet'] = f;
    }
    writeFileSync(
      join(tmp, 'selection.csv'),
      `algorithm,k,n_rows,silhouette,calinski_harabasz,davies_bouldin,bic\n${seg.selection
        .map((r) =>
          [r.algorithm, r.k, r.nRows, r.silhouette, r.calinskiHarabasz, r.daviesBouldin, r.bic ?? null]
            .map((v) => csvCell(v as string | number | null))
            .join(','),
        )
        .join('\n')}\n`,
    );
    writeFileSync(
      join(tmp, 'segmentation.json'),
      `${JSON.stringify(
        {
          algorithm: seg.algorithm,
          k,
          transform: seg.transform,
          scale: seg.scale,
          scaledFeatures,
          centroids: Array.from({ length: k }, (_, s) =>
            Array.from(centroids.data.subarray(s * centroids.cols, (s + 1) * centroids.cols)),
          ),
          silhouette: seg.silhouette,
        },
        null,
        2,
      )}\n`,
    );
    writeFileSync(join(tmp, 'segments.json'), `${JSON.stringify(segments, null, 2)}\n`);
    if (alternatives.length > 0) {
      // Each customer's segment in every other segmentation, and what matches them next run.
      for (const f of await writeBoth(
        t,
        tmp,
        'segmentations',
        [['customer_id', 'VARCHAR'], ...alternatives.map((a): [string, ColumnType] => [a.id, 'INTEGER'])],
        c.ids.length,
        (i) => [c.ids[i]!, ...alternatives.map((a) => a.labels[i]!)],
      )) {
        files[f.endsWith('.csv') ? 'segmentations_csv' : 'segmentations_parquet'] = f;
      }
      writeFileSync(
        join(tmp, 'segmentations.json'),
        `${JSON.stringify(
          alternatives.map((a, q) => ({
            id: a.id,
            features: a.features,
            k: a.k,
            centroids: Array.from({ length: a.k }, (_, s) =>
              Array.from(a.centroids.data.subarray(s * a.centroids.cols, (s + 1) * a.centroids.cols)),
            ),
            segments: alternativeSegments[q]!,
          })),
          null,
          2,
        )}\n`,
      );
    }
    timings[step] = Math.round(performance.now() - t0) / 1000;
    writeFileSync(join(tmp, 'run.json'), `${JSON.stringify(report, null, 2)}\n`);
    if (opts.renderReport) writeFileSync(join(tmp, 'report.html'), opts.renderReport(report));
    writeFileSync(
      join(tmp, 'manifest.json'),
      `${JSON.stringify(
        {
          format: 'clientele-run',
          version: 1,
          createdAt: report.createdAt,
          input: { path: opts.input, sha256: inputHash, bytes: t.bytes },
          plan: opts.plan ? { path: opts.plan, sha256: planHash } : null,
          previous: opts.previous ?? null,
          kind,
          target,
          positive: opts.positive ?? null,
          config,
          seed,
          versions: packageVersions(),
          timings,
        },
        null,
        2,
      )}\n`,
    );
    rmSync(out, { recursive: true, force: true });
    renameSync(tmp, out);
    const rel = (f: string): string => f.replace(tmp, out);
    for (const key of Object.keys(files)) files[key] = rel(files[key]!);
    for (const f of [
      'report.html',
      'run.json',
      'manifest.json',
      'profile.json',
      'segments.json',
      'selection.csv',
      'segmentations.json',
    ]) {
      if (existsSync(join(out, f))) files[f.replace(/\.(\w+)$/, '_$1')] = join(out, f);
    }
    opts.onProgress?.({ step: 'write', fraction: 1 });
    return { report, out, files };
  } catch (err) {
    const failed = `${out}.failed`;
    const message = (err as Error).message;
    try {
      writeFileSync(join(tmp, 'FAILED.json'), `${JSON.stringify({ step, message }, null, 2)}\n`);
      rmSync(failed, { recursive: true, force: true });
      renameSync(tmp, failed);
    } catch {
      rmSync(tmp, { recursive: true, force: true });
    }
    if (err instanceof InputError) {
      throw new InputError(err.code, `analyze failed at step "${step}": ${message}`, {
        ...err.details,
        step,
      });
    }
    throw err;
  } finally {
    t?.close();
  }
}

/** Who entered and who left the Insiders since the previous run, and which feature moved each most. */
function insiderChanges(
  previous: PreviousRun,
  c: CustomerMatrix,
  insider: Uint8Array,
): NonNullable<NonNullable<RunReport['value']>['changes']> {
  const std = c.features.map((_, j) => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < c.x.rows; i++) {
      const v = c.x.data[i * c.x.cols + j]!;
      s += v;
      s2 += v * v;
    }
    const m = s / c.x.rows;
    return Math.sqrt(Math.max(s2 / c.x.rows - m * m, 1e-12));
  });
  let entered = 0;
  let left = 0;
  let stayed = 0;
  const examples: NonNullable<NonNullable<RunReport['value']>['changes']>['examples'] = [];
  c.ids.forEach((id, i) => {
    const was = previous.insiders.has(id);
    const is = insider[i] === 1;
    if (was && is) stayed++;
    if (was === is) return;
    if (is) entered++;
    else left++;
    const before = previous.customers.get(id);
    if (!before || examples.length >= 20) return;
    let best = 0;
    let bestJ = 0;
    c.features.forEach((_, j) => {
      const d = Math.abs((c.x.data[i * c.x.cols + j]! - (before[j] ?? 0)) / std[j]!);
      if (d > best) {
        best = d;
        bestJ = j;
      }
    });
    examples.push({
      customer: id,
      change: is ? 'entered' : 'left',
      feature: c.features[bestJ]!,
      before: before[bestJ] ?? 0,
      after: c.x.data[i * c.x.cols + bestJ]!,
    });
  });
  // Insiders of the previous run who have no row now (no purchase in this cut) left too.
  const now = new Set(c.ids);
  for (const id of previous.insiders) if (!now.has(id)) left++;
  return { entered, left, stayed, examples };
}

/** Every step of a run, for progress displays. */
export const ANALYZE_STEPS = Object.keys(STEP_END) as AnalyzeStep[];
