import os from 'node:os';
import { join } from 'node:path';
import {
  figure,
  type Outcome,
  probeGbdtPeer,
  REPO_DIR,
  type RunContext,
  runGbdtPeer,
  runOursDirect,
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

interface Dataset {
  name: string;
  csv: string;
  meta: EncodedMeta;
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
  return { name: 'ibm telco', csv: csv!, meta: JSON.parse(await readFile(meta!, 'utf8')) as EncodedMeta };
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
  };
}

interface Run {
  outcome: Outcome;
  threads: number;
}

interface Measured {
  dataset: Dataset;
  ours: Run;
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
    'predict s',
    'test AUC',
    'AUC - xgb',
    'fit/xgb',
    'fit/xgb 1t',
    'predict/xgb',
  ];
  const rows: string[][] = [];
  for (const m of measured) {
    const d = m.dataset;
    const xFit = part(m.xgboost.outcome, 'fit_seconds');
    const x1Fit = part(m.xgboost1.outcome, 'fit_seconds');
    const xPred = part(m.xgboost.outcome, 'predict_seconds');
    const xAuc = part(m.xgboost.outcome, 'auc');
    for (const { outcome: o, threads } of [m.ours, ...m.sklearn, m.xgboost, m.xgboost1]) {
      const auc = part(o, 'auc');
      const fit = part(o, 'fit_seconds');
      rows.push([
        `${d.name} ${d.meta.trainRows}+${d.meta.testRows}x${d.meta.features.length}`,
        o.contestant,
        String(threads),
        o.status === 'ok' ? cell(fit) : timeCell(o),
        cell(part(o, 'predict_seconds')),
        cell(auc, (v) => v.toFixed(4)),
        auc === null || xAuc === null ? '-' : `${auc - xAuc >= 0 ? '+' : ''}${(auc - xAuc).toFixed(4)}`,
        o.status === 'ok' ? partRatio(fit, xFit) : ratioCell(ratio(o, m.xgboost.outcome)),
        o.status === 'ok' ? partRatio(fit, x1Fit) : ratioCell(ratio(o, m.xgboost1.outcome)),
        partRatio(part(o, 'predict_seconds'), xPred),
      ]);
    }
  }
  const out = pad(header, rows, [0, 1]);

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
    for (const { outcome: o } of [m.ours, ...m.sklearn, m.xgboost, m.xgboost1]) {
      if (o.status !== 'ok')
        notes.push(`gbdt ${m.dataset.name} / ${o.contestant}: ${o.status}${o.reason ? `: ${o.reason}` : ''}`);
    }
  }
  if (notes.length > 0) out.push('', ...notes);
  return `${out.join('\n')}\n`;
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
      const at = (n: number): string[] => [...common, '--threads', String(n)];
      const ours = { outcome: await runOursDirect(ctx, 'gbdt', common, 'ours GradientBoosting'), threads: 1 };
      const sklearn = [
        { outcome: await runGbdtPeer(ctx, 'sklearn', sk, at(threads)), threads },
        { outcome: await runGbdtPeer(ctx, 'sklearn', `${sk} (1 thread)`, at(1)), threads: 1 },
      ];
      const xgboost = { outcome: await runGbdtPeer(ctx, 'xgboost', xg, at(threads)), threads };
      const xgboost1 = { outcome: await runGbdtPeer(ctx, 'xgboost', `${xg} (1 thread)`, at(1)), threads: 1 };
      measured.push({ dataset: d, ours, sklearn, xgboost, xgboost1 });
    }
    return {
      task: 'gbdt',
      section: true,
      heading:
        'gbdt: binary GBDT, 100 rounds x 31 leaves, learning rate 0.1, min 20 rows a leaf (xgboost: min_child_weight 1); ' +
        'fit and predict_proba seconds on a stratified 80/20 split, test AUC; ratio = fit s / fit s of xgboost on every core (1t: on one thread); below 1: faster than xgboost',
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
          sklearn: m.sklearn,
          xgboost: m.xgboost,
          xgboost_1_thread: m.xgboost1,
        })),
      },
    };
  },
};
