import os from 'node:os';
import { join } from 'node:path';
import { failureReason, parseJsonOutput, runChild } from '../lib/child.ts';
import {
  figure,
  type Outcome,
  probeGbdtPeer,
  REPO_DIR,
  type RunContext,
  runGbdtPeer,
} from '../lib/contestants.ts';
import {
  type EncodedMeta,
  ensureDataset,
  ensureTelcoSnapshot,
  sourceStamp,
  TELCO_SNAPSHOT_SOURCES,
  writeEncodedSnapshot,
  writeSplitFixture,
} from '../lib/data.ts';
import { ratio, ratioCell, seconds, timeCell } from '../lib/table.ts';
import type { SectionResult, Task } from '../lib/task.ts';

const FIXTURES = join(REPO_DIR, 'packages/ml/test/fixtures');
const IBM_TELCO = join(FIXTURES, 'ibm_telco_encoded.csv');
const IBM_TELCO_CV = join(FIXTURES, 'ibm_telco_cv.json');
const SNAPSHOT_ROWS = 371_589;
/** The stratified 80/20 split's seed (`stratifiedSplit(y, 0.2, SPLIT_SEED)`). */
const SPLIT_SEED = 0;
/** TreeSHAP is timed on the first rows of the test part, at most this many (a rate, rows / s). */
const SHAP_ROWS = 10_000;
/** Ours is also fitted with this row subsampling (seeded): the setting that comes closest to XGBoost's AUC. */
const SUBSAMPLE = 0.5;
/** "Equal AUC": a test AUC at most this far below XGBoost's (one thread). */
const AUC_TOLERANCE = 0.0005;
/**
 * Rounds of the one-thread fits of ours and XGBoost, alternated; each contestant keeps its run
 * with the least fit CPU (on a shared machine a run's CPU seconds moved by 25-50%). --quick: 1.
 */
const REPEATS = 3;
const OURS = join(REPO_DIR, 'bench/peers/gbdt_ours.ts');
/** Fits after the first, in the same process, for the warm figure (datasets with `warm`). */
const WARM_FITS = 5;

interface Dataset {
  name: string;
  csv: string;
  meta: EncodedMeta;
  /**
   * Ours and the one-thread peers also fit WARM_FITS more times in the same process (`--warm`),
   * keeping the least CPU: on a few thousand rows a first fit in a fresh process is mostly
   * one-time costs (V8 compiling and optimising our code), which a long-running server pays once.
   */
  warm: boolean;
}

/** IBM Telco as encoded in packages/ml/test/fixtures (categorical columns from ibm_telco_cv.json), plus `__test`. */
async function ibmTelco(ctx: RunContext): Promise<Dataset> {
  const { readFile } = await import('node:fs/promises');
  const cv = JSON.parse(await readFile(IBM_TELCO_CV, 'utf8')) as { categorical: number[] };
  const [csv, meta] = await ensureDataset(
    'gbdt-ibm-telco',
    ['gbdt-ibm-telco.csv', 'gbdt-ibm-telco.json'],
    async ([c, m]) => {
      await writeSplitFixture(
        IBM_TELCO,
        { target: 'Churn', categorical: cv.categorical, seed: SPLIT_SEED },
        c!,
        m!,
      );
    },
    ctx.log,
    sourceStamp([IBM_TELCO, IBM_TELCO_CV]),
  );
  return {
    name: 'ibm telco',
    csv: csv!,
    meta: JSON.parse(await readFile(meta!, 'utf8')) as EncodedMeta,
    warm: true,
  };
}

/** The telco snapshot (seed 1; --quick: a tenth of the rows), encoded once for every contestant. */
async function snapshot(ctx: RunContext): Promise<Dataset> {
  const { readFile } = await import('node:fs/promises');
  const rows = ctx.quick ? Math.round(SNAPSHOT_ROWS / 10) : SNAPSHOT_ROWS;
  const [csv, meta] = await ensureDataset(
    `gbdt-telco-snapshot-${rows}`,
    [`gbdt-telco-snapshot-${rows}.csv`, `gbdt-telco-snapshot-${rows}.json`],
    async ([c, m]) => {
      const raw = await ensureTelcoSnapshot(rows, ctx.log);
      await writeEncodedSnapshot(raw.path, { seed: SPLIT_SEED }, c!, m!);
    },
    ctx.log,
    sourceStamp(TELCO_SNAPSHOT_SOURCES),
  );
  return {
    name: 'telco snapshot',
    csv: csv!,
    meta: JSON.parse(await readFile(meta!, 'utf8')) as EncodedMeta,
    warm: false,
  };
}

interface Run {
  outcome: Outcome;
  threads: number;
}

/**
 * Ours through bench/peers/gbdt_ours.ts (it prints the fit's CPU seconds, and takes --subsample);
 * the same outcome rules as the other contestants: a JSON line with "seconds", else why not.
 */
async function runOurs(ctx: RunContext, label: string, args: string[]): Promise<Outcome> {
  const base = { contestant: label, limitSeconds: ctx.timeoutSeconds, figures: {}, seconds: null };
  const run = await runChild(process.execPath, ['--import', 'tsx', OURS, ...args], {
    timeoutSeconds: ctx.timeoutSeconds,
    cwd: REPO_DIR,
  });
  const json = parseJsonOutput(run.stdout);
  let out: Outcome;
  if (run.timedOut) {
    out = {
      ...base,
      status: 'timeout',
      wallSeconds: run.wallSeconds,
      reason: `killed after the ${ctx.timeoutSeconds} s limit`,
    };
  } else if (json && typeof json['unavailable'] === 'string') {
    out = { ...base, status: 'not available', wallSeconds: null, reason: json['unavailable'] };
  } else if (run.code !== 0 || !json || typeof json['seconds'] !== 'number') {
    out = { ...base, status: 'failed', wallSeconds: run.wallSeconds, reason: failureReason(run) };
  } else {
    out = {
      ...base,
      status: 'ok',
      seconds: json['seconds'],
      wallSeconds: run.wallSeconds,
      reason: null,
      figures: json,
    };
  }
  ctx.log(
    `  ${label}: ${out.status === 'ok' ? `${out.seconds!.toFixed(3)} s (wall ${out.wallSeconds!.toFixed(1)} s)` : `${out.status}${out.reason ? `: ${out.reason}` : ''}`}`,
  );
  return out;
}

/**
 * The run with the least fit CPU; the TreeSHAP figures stay those of the first run (the only one
 * that times TreeSHAP), and `fit_cpu_seconds_runs` lists every run's fit CPU. With `--warm`, the
 * least warm fit CPU of the runs (`warm_fit_cpu_seconds`, and every run's in
 * `warm_fit_cpu_seconds_runs`), whichever run it came from.
 */
function leastCpu(runs: Outcome[]): Outcome {
  const cpu = (o: Outcome): number | null => part(o, 'fit_cpu_seconds');
  const ok = runs.filter((o) => cpu(o) !== null);
  if (ok.length === 0) return runs[0]!;
  const best = ok.reduce((a, b) => (cpu(b)! < cpu(a)! ? b : a));
  const shap = Object.fromEntries(Object.entries(runs[0]!.figures).filter(([k]) => k.startsWith('shap_')));
  const warm = ok.map((o) => part(o, 'warm_fit_cpu_seconds')).filter((v): v is number => v !== null);
  const warmFigures =
    warm.length > 0 ? { warm_fit_cpu_seconds: Math.min(...warm), warm_fit_cpu_seconds_runs: warm } : {};
  return {
    ...best,
    figures: { ...best.figures, ...shap, fit_cpu_seconds_runs: ok.map((o) => cpu(o)!), ...warmFigures },
  };
}

interface Measured {
  dataset: Dataset;
  ours: Run;
  /** Ours with `subsample: SUBSAMPLE`, then with `quantizedGradients: true` (same budget otherwise). */
  oursMore: Run[];
  sklearn: Run[];
  /** XGBoost on every core (the reference of the ratios), then on one thread. */
  xgboost: Run;
  xgboost1: Run;
}

const part = (o: Outcome, key: string): number | null => (o.status === 'ok' ? figure(o, key) : null);
const cell = (v: number | null, f: (v: number) => string = seconds): string => (v === null ? '-' : f(v));
const partRatio = (a: number | null, b: number | null): string =>
  a === null || b === null || b === 0 ? '-' : ratioCell(a / b);

function pad(header: string[], rows: string[][], left: number[]): string[] {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, j) => (left.includes(j) ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)];
}

function render(measured: Measured[]): string {
  const header = [
    'dataset',
    'contestant',
    'threads',
    'fit s',
    'fit CPU s',
    'warm CPU s',
    'predict s',
    'test AUC',
    'AUC - xgb',
    'fit/xgb',
    'fit/xgb 1t',
    'CPU/xgb 1t',
    'predict/xgb',
  ];
  const rows: string[][] = [];
  for (const m of measured) {
    const d = m.dataset;
    const xFit = part(m.xgboost.outcome, 'fit_seconds');
    const x1Fit = part(m.xgboost1.outcome, 'fit_seconds');
    const xPred = part(m.xgboost.outcome, 'predict_seconds');
    const xAuc = part(m.xgboost.outcome, 'auc');
    const x1Cpu = part(m.xgboost1.outcome, 'fit_cpu_seconds');
    for (const { outcome: o, threads } of [m.ours, ...m.oursMore, ...m.sklearn, m.xgboost, m.xgboost1]) {
      const auc = part(o, 'auc');
      const fit = part(o, 'fit_seconds');
      const cpu = part(o, 'fit_cpu_seconds');
      rows.push([
        `${d.name} ${d.meta.trainRows}+${d.meta.testRows}x${d.meta.features.length}`,
        o.contestant,
        String(threads),
        o.status === 'ok' ? cell(fit) : timeCell(o),
        cell(cpu),
        cell(part(o, 'warm_fit_cpu_seconds')),
        cell(part(o, 'predict_seconds')),
        cell(auc, (v) => v.toFixed(4)),
        auc === null || xAuc === null ? '-' : `${auc - xAuc >= 0 ? '+' : ''}${(auc - xAuc).toFixed(4)}`,
        o.status === 'ok' ? partRatio(fit, xFit) : ratioCell(ratio(o, m.xgboost.outcome)),
        o.status === 'ok' ? partRatio(fit, x1Fit) : ratioCell(ratio(o, m.xgboost1.outcome)),
        partRatio(cpu, x1Cpu),
        partRatio(part(o, 'predict_seconds'), xPred),
      ]);
    }
  }
  const out = pad(header, rows, [0, 1]);
  out.push('', ...measured.map(verdict));

  out.push(
    '',
    `TreeSHAP on the first test rows (at most ${SHAP_ROWS.toLocaleString('en-US')}): ours treeShap vs XGBoost ` +
      'pred_contribs (DMatrix included); ratio = ours s / xgboost s (below 1: ours is faster)',
    '',
  );
  const shapHeader = [
    'dataset',
    'rows',
    'ours s',
    'ours rows/s',
    'xgb s',
    'xgb rows/s',
    'ours/xgb',
    'xgb 1t s',
    'xgb 1t rows/s',
    'ours/xgb 1t',
    'additivity max err ours / xgb',
  ];
  const perSecond = (v: number): string => Math.round(v).toLocaleString('en-US');
  const shapRows = measured.map((m) => {
    const [o, x, x1] = [m.ours.outcome, m.xgboost.outcome, m.xgboost1.outcome];
    const oS = part(o, 'shap_seconds');
    const xS = part(x, 'shap_seconds');
    const x1S = part(x1, 'shap_seconds');
    const n = part(o, 'shap_rows') ?? part(x, 'shap_rows');
    const err = (r: Outcome): string => cell(part(r, 'shap_additivity_max_error'), (v) => v.toExponential(1));
    return [
      m.dataset.name,
      cell(n, String),
      cell(oS),
      cell(part(o, 'shap_rows_per_second'), perSecond),
      cell(xS),
      cell(part(x, 'shap_rows_per_second'), perSecond),
      partRatio(oS, xS),
      cell(x1S),
      cell(part(x1, 'shap_rows_per_second'), perSecond),
      partRatio(oS, x1S),
      `${err(o)} / ${err(x)}`,
    ];
  });
  out.push(...pad(shapHeader, shapRows, [0]));

  const notes: string[] = [];
  for (const m of measured) {
    for (const { outcome: o } of [m.ours, ...m.oursMore, ...m.sklearn, m.xgboost, m.xgboost1]) {
      if (o.status !== 'ok')
        notes.push(`gbdt ${m.dataset.name} / ${o.contestant}: ${o.status}${o.reason ? `: ${o.reason}` : ''}`);
    }
  }
  if (notes.length > 0) out.push('', ...notes);
  return `${out.join('\n')}\n`;
}

/**
 * The aim of the comparison in one line per dataset: ours against XGBoost on one thread, in fit
 * CPU seconds, at the same budget and at equal AUC (the cheaper of our runs whose test AUC is at
 * most AUC_TOLERANCE below XGBoost's, or none).
 */
function verdict(m: Measured): string {
  const spread = (o: Outcome, key = 'fit_cpu_seconds_runs'): string => {
    const all = o.figures[key];
    return Array.isArray(all) && all.length > 1
      ? ` (least of ${all.map((v: number) => v.toFixed(2)).join(', ')})`
      : '';
  };
  const x1 = m.xgboost1.outcome;
  const xAuc = part(x1, 'auc');
  const xCpu = part(x1, 'fit_cpu_seconds');
  const name = m.dataset.name;
  if (xAuc === null || xCpu === null) return `${name}: no XGBoost (1 thread) figures to compare with`;
  const describe = (o: Outcome): string => {
    const auc = part(o, 'auc')!;
    const cpu = part(o, 'fit_cpu_seconds')!;
    return `${o.contestant} AUC ${auc.toFixed(4)} (${auc - xAuc >= 0 ? '+' : ''}${(auc - xAuc).toFixed(4)}), fit CPU ${seconds(cpu)} s${spread(o)} = ${ratioCell(cpu / xCpu)} x`;
  };
  const ours = [m.ours, ...m.oursMore]
    .map((r) => r.outcome)
    .filter((o) => part(o, 'auc') !== null && part(o, 'fit_cpu_seconds') !== null);
  const same = m.ours.outcome;
  const head = `${name}: xgboost 1 thread AUC ${xAuc.toFixed(4)}, fit CPU ${seconds(xCpu)} s${spread(x1)}.`;
  const budget = ours.includes(same) ? ` Same budget: ${describe(same)}.` : '';
  const equal = ours
    .filter((o) => part(o, 'auc')! >= xAuc - AUC_TOLERANCE)
    .sort((a, b) => part(a, 'fit_cpu_seconds')! - part(b, 'fit_cpu_seconds')!)[0];
  const eq = equal
    ? ` Equal AUC (within ${AUC_TOLERANCE}): ${describe(equal)}${part(equal, 'fit_cpu_seconds')! <= xCpu ? ', no slower' : ', slower'}.`
    : ` Equal AUC: none of ours reaches xgboost's AUC - ${AUC_TOLERANCE} (best ${Math.max(...ours.map((o) => part(o, 'auc')!)).toFixed(4)}).`;
  const xWarm = part(x1, 'warm_fit_cpu_seconds');
  const oWarm = part(same, 'warm_fit_cpu_seconds');
  const warm =
    xWarm !== null && oWarm !== null
      ? ` Warm (least CPU of ${WARM_FITS} more fits in the same process, per run): xgboost ${seconds(xWarm)} s${spread(x1, 'warm_fit_cpu_seconds_runs')}, ${same.contestant} ${seconds(oWarm)} s${spread(same, 'warm_fit_cpu_seconds_runs')} = ${ratioCell(oWarm / xWarm)} x.`
      : '';
  return head + budget + eq + warm;
}

/**
 * Binary gradient boosting, 100 rounds of 31-leaf trees at learning rate 0.1: fit and predict
 * seconds and test AUC of ours, scikit-learn's HistGradientBoostingClassifier and XGBoost hist,
 * on IBM Telco and the telco snapshot (same encoded file, same 80/20 split), then TreeSHAP rows
 * per second of ours against XGBoost's pred_contribs.
 */
export const gbdtTask: Task = {
  name: 'gbdt',
  async run(ctx: RunContext): Promise<SectionResult> {
    const threads = os.availableParallelism();
    const versions = await probeGbdtPeer();
    const datasets = [await ibmTelco(ctx), await snapshot(ctx)];
    const measured: Measured[] = [];
    const sk = `sklearn HGB ${versions['sklearn'] ?? ''}`.trim();
    const xg = `xgboost hist ${versions['xgboost'] ?? ''}`.trim();
    for (const d of datasets) {
      ctx.log(
        `[gbdt] ${d.name}, ${d.meta.trainRows} train + ${d.meta.testRows} test rows x ${d.meta.features.length}`,
      );
      const shapRows = String(Math.min(SHAP_ROWS, d.meta.testRows));
      const common = ['--input', d.csv, '--meta', d.csv.replace(/\.csv$/, '.json'), '--shap-rows', shapRows];
      const warm = d.warm ? ['--warm', String(WARM_FITS)] : [];
      const at = (n: number): string[] => [...common, '--threads', String(n)];
      const noShap = [...common.slice(0, 4), ...warm];
      const runs: Outcome[][] = [[], [], [], []];
      for (let r = 0; r < (ctx.quick ? 1 : REPEATS); r++) {
        // The first round times TreeSHAP too (ours: 0 rows = none; the peer needs at least 1).
        const shap = r === 0 ? [...common, ...warm] : noShap;
        runs[0]!.push(await runOurs(ctx, 'ours GradientBoosting', shap));
        runs[1]!.push(
          await runOurs(ctx, `ours subsample ${SUBSAMPLE}`, [...noShap, '--subsample', String(SUBSAMPLE)]),
        );
        runs[2]!.push(await runOurs(ctx, 'ours quantizedGradients', [...noShap, '--quantized']));
        const xShap = r === 0 ? [...at(1), ...warm] : [...noShap, '--shap-rows', '1', '--threads', '1'];
        runs[3]!.push(await runGbdtPeer(ctx, 'xgboost', `${xg} (1 thread)`, xShap));
      }
      const [ours, sub, quant, x1] = runs.map((rs) => ({ outcome: leastCpu(rs), threads: 1 }));
      const oursMore = [sub!, quant!];
      const sklearn = [
        { outcome: await runGbdtPeer(ctx, 'sklearn', sk, at(threads)), threads },
        { outcome: await runGbdtPeer(ctx, 'sklearn', `${sk} (1 thread)`, [...at(1), ...warm]), threads: 1 },
      ];
      const xgboost = { outcome: await runGbdtPeer(ctx, 'xgboost', xg, at(threads)), threads };
      measured.push({ dataset: d, ours: ours!, oursMore, sklearn, xgboost, xgboost1: x1! });
    }
    return {
      task: 'gbdt',
      section: true,
      heading:
        'gbdt: binary GBDT, 100 rounds x 31 leaves, learning rate 0.1, min 20 rows a leaf (xgboost: min_child_weight 1); ' +
        `fit and predict_proba seconds on a stratified 80/20 split, test AUC; ours also with subsample ${SUBSAMPLE} and with quantizedGradients; ` +
        `ratio = fit s / fit s of xgboost on every core (1t: on one thread); CPU/xgb 1t = fit CPU s (every thread of the process) / that of xgboost on one thread; below 1: faster than xgboost; ours and xgboost 1 thread: the run with the least fit CPU of ${REPEATS}, alternated; warm CPU s (IBM Telco): the least fit CPU of ${WARM_FITS} more fits in the same process, least of the runs`,
      table: render(measured),
      files: datasets.map((d) => d.csv),
      report: {
        title: 'gbdt fit / predict / TreeSHAP',
        threads,
        versions,
        shap_rows_max: SHAP_ROWS,
        datasets: measured.map((m) => ({
          name: m.dataset.name,
          train_rows: m.dataset.meta.trainRows,
          test_rows: m.dataset.meta.testRows,
          features: m.dataset.meta.features.length,
          categorical: m.dataset.meta.categorical,
          ours: m.ours,
          ours_subsample: m.oursMore[0],
          ours_quantized: m.oursMore[1],
          sklearn: m.sklearn,
          xgboost: m.xgboost,
          xgboost_1_thread: m.xgboost1,
        })),
      },
    };
  },
};
