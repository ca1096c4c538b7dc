import { analyze, defaultRunConfig, type RunConfig, readRunConfig } from '@clientele/analytics';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { addLoadFlags, type LoadFlags, loadOptions } from '../loadFlags.ts';
import { printJson } from '../options.ts';
import { progressBar } from '../progress.ts';

interface AnalyzeFlags extends LoadFlags {
  input: string;
  kind?: 'snapshot' | 'transactions';
  target?: string;
  positive?: string;
  plan?: string;
  config?: string;
  previous?: string;
  lang?: 'en' | 'es' | 'pt';
  seed?: number;
  out: string;
  json?: boolean;
}

export function registerAnalyze(program: Command): void {
  const cmd = program
    .command('analyze')
    .description(
      'the whole analysis of a customer file: profile, segments (named and explained), churn risk ' +
        '(with a target) or lifetime value and the Insiders (a transaction log), and report.html',
    )
    .requiredOption('--input <file>', 'a snapshot (one row per customer) or a transaction log')
    .option('--kind <kind>', 'snapshot | transactions (default: recognised from the columns)', parseKind)
    .option(
      '--target <column>',
      'the churn label of a snapshot (default: a column the profile recognises as one)',
    )
    .option('--positive <value>', 'the target value that means churned, when it is not obvious')
    .option('--plan <plan.json>', 'a cleaning plan to apply first (see clientele clean)')
    .option('--config <run.json>', 'parameters of the run (segmentation, churn, value); defaults otherwise')
    .option(
      '--previous <dir>',
      "an earlier run's folder: segments keep its names, the Insiders' changes are reported",
    )
    .option('--lang <lang>', 'language of the report: en | es | pt', parseLang)
    .option('--seed <s>', 'seed of every random choice (overrides the config)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0)
        throw new UsageError(`--seed must be a whole number >= 0, got "${v}"`);
      return n;
    })
    .requiredOption('--out <dir>', 'the run folder to write (replaced when the run succeeds)')
    .option('--json', 'print one JSON object on stdout and nothing else');
  addLoadFlags(cmd).action(async (flags: AnalyzeFlags) => runAnalyze(flags));
}

function parseKind(v: string): 'snapshot' | 'transactions' {
  if (v === 'snapshot' || v === 'transactions') return v;
  throw new UsageError(`--kind is snapshot or transactions, got "${v}"`);
}

function parseLang(v: string): 'en' | 'es' | 'pt' {
  if (v === 'en' || v === 'es' || v === 'pt') return v;
  throw new UsageError(`--lang is en, es or pt, got "${v}"`);
}

export async function runAnalyze(flags: AnalyzeFlags): Promise<void> {
  const config: RunConfig = flags.config ? readRunConfig(flags.config) : defaultRunConfig();
  if (flags.seed !== undefined) config.seed = flags.seed;
  const bar = progressBar('analyze', !flags.json);
  const started = performance.now();
  const r = await analyze({
    input: flags.input,
    out: flags.out,
    kind: flags.kind,
    target: flags.target,
    positive: flags.positive,
    plan: flags.plan,
    config,
    previous: flags.previous,
    lang: flags.lang,
    load: loadOptions(flags),
    // Loaded only when a report is written: it brings ECharts, which every other command would
    // pay for at start (about 0.8 s of the CLI's 1.8 s start).
    renderReport: (await import('@clientele/analytics/run-report')).renderRunReport,
    onProgress: ({ fraction }) => bar.onProgress(Math.round(fraction * 100), 100),
  });
  bar.stop();
  const rep = r.report;
  const seconds = (performance.now() - started) / 1000;
  const result = {
    kind: rep.kind,
    out: r.out,
    segments: {
      algorithm: rep.segmentation.algorithm,
      k: rep.segmentation.k,
      silhouette: rep.segmentation.silhouette,
      chosen_by: rep.segmentation.chosenBy,
      sizes: rep.segmentation.segments.map((s) => s.size),
      names: rep.segmentation.segments.map((s) => s.name),
    },
    // The config's other segmentations: silhouette in their own space, and on the main features (comparable).
    segmentations: rep.alternatives.map((a) => ({
      id: a.id,
      name: a.name,
      space: a.space,
      algorithm: a.algorithm,
      k: a.k,
      silhouette: a.silhouette,
      silhouette_on_features: a.silhouetteOnFeatures,
      chosen_by: a.chosenBy,
      sizes: a.segments.map((s) => s.size),
      names: a.segments.map((s) => s.name),
    })),
    churn: rep.churn && { auc: rep.churn.auc, accuracy: rep.churn.accuracy, tiers: rep.churn.tiers },
    insiders: rep.value && {
      count: rep.value.insiders.count,
      customer_share: rep.value.insiders.customerShare,
      revenue_share: rep.value.insiders.revenueShare,
    },
    report: r.files.report_html ?? null,
    exports: Object.fromEntries(Object.entries(r.files).filter(([k]) => /_(csv|parquet)$/.test(k))),
    seconds: Math.round(seconds * 1000) / 1000,
  };
  if (flags.json) {
    printJson(result);
    return;
  }
  const lines = [
    `${rep.kind} of ${rep.input.rows} rows analysed in ${seconds.toFixed(1)} s -> ${r.out}`,
    `  segments  ${rep.segmentation.algorithm}, k = ${rep.segmentation.k} (chosen by ${rep.segmentation.chosenBy}), silhouette ${rep.segmentation.silhouette?.toFixed(3) ?? '-'}`,
    ...rep.segmentation.segments.map(
      (s) => `            ${s.id}. ${s.name} (${s.size}, ${(100 * s.share).toFixed(1)}%)`,
    ),
  ];
  const three = (v: number | null): string => v?.toFixed(3) ?? '-';
  for (const a of rep.alternatives) {
    lines.push(
      `  also      ${a.id} (${a.name}): ${a.algorithm}, k = ${a.k} (chosen by ${a.chosenBy}), silhouette ${three(a.silhouette)} in its space, ${three(a.silhouetteOnFeatures)} on the features`,
    );
  }
  if (rep.churn) {
    lines.push(
      `  churn     AUC ${rep.churn.auc.toFixed(3)}, accuracy ${rep.churn.accuracy.toFixed(3)}; ` +
        Object.entries(rep.churn.tiers)
          .map(([t, n]) => `${t} ${n}`)
          .join(', '),
    );
  }
  if (rep.value) {
    const ins = rep.value.insiders;
    lines.push(
      `  insiders  ${ins.count} customers (${(100 * ins.customerShare).toFixed(1)}%), ${(100 * ins.revenueShare).toFixed(1)}% of revenue`,
    );
  }
  if (r.files.report_html) lines.push(`  report    ${r.files.report_html}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
