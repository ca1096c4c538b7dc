import type { DatasetProfile } from '@clientele/analytics';
import { describeRejected, loadTable, profileTable, suggestPlan, writeTextFile } from '@clientele/analytics';
import type { Command } from 'commander';
import { addLoadFlags, type LoadFlags, loadOptions, snakeKeys } from '../loadFlags.ts';
import { note, printJson } from '../options.ts';
import { progressBar } from '../progress.ts';

interface ProfileFlags extends LoadFlags {
  input: string;
  json?: boolean;
  html?: string;
  suggestPlan?: string;
}

export function registerProfile(program: Command): void {
  const cmd = program
    .command('profile')
    .description(
      'profile a customer file: types and roles, missing values, keys, sentinels, outliers, correlations, warnings',
    )
    .requiredOption('--input <file>', 'CSV, Parquet or JSON lines; gzip or not')
    .option('--json', 'print the profile as one JSON object on stdout and nothing else')
    .option('--html <report.html>', 'write a standalone HTML report (charts inline; opens with no network)')
    .option('--suggest-plan <plan.json>', 'write the cleaning plan the warnings suggest, to review and edit');
  addLoadFlags(cmd).action(async (flags: ProfileFlags) => runProfile(flags));
}

async function runProfile(flags: ProfileFlags): Promise<void> {
  const bar = progressBar('profiling', !flags.json);
  const t = await loadTable(flags.input, loadOptions(flags));
  let profile: DatasetProfile;
  try {
    profile = await profileTable(t, { onProgress: bar.onProgress });
  } finally {
    bar.stop();
    t.close();
  }
  for (const r of t.rejected.slice(0, 20)) note(`skipped ${describeRejected(r)}`);
  if (t.nRejected > 20) note(`... and ${t.nRejected - 20} more malformed rows skipped`);
  if (flags.html) {
    // ECharts is loaded only when a report is asked for: it costs most of a second at start-up.
    const { renderProfileHtml } = await import('@clientele/analytics/report');
    writeTextFile(flags.html, renderProfileHtml(profile));
    if (!flags.json) note(`report written to ${flags.html}`);
  }
  if (flags.suggestPlan) {
    const plan = suggestPlan(profile);
    writeTextFile(flags.suggestPlan, `${JSON.stringify(plan, null, 2)}\n`);
    if (!flags.json)
      note(
        `suggested plan (${plan.steps.length} steps) written to ${flags.suggestPlan}; review it, then: clientele clean --input ${flags.input} --plan ${flags.suggestPlan} --out cleaned.csv`,
      );
  }
  if (flags.json) {
    printJson(snakeKeys(profile));
    return;
  }
  printSummary(profile);
}

function printSummary(p: DatasetProfile): void {
  const out = (s: string): boolean => process.stdout.write(`${s}\n`);
  const n = (x: number): string => x.toLocaleString('en-US');
  out(
    `${p.source.path}: ${n(p.nRows)} rows x ${p.nColumns} columns (${p.source.format}, ${p.source.encoding ?? 'binary'}${p.source.delimiter ? `, delimiter "${p.source.delimiter}"` : ''}); ${n(p.duplicateRows)} duplicate rows; ${p.kind}; ${p.seconds.toFixed(2)} s`,
  );
  out('');
  const header = ['column', 'type', 'role', 'missing', 'distinct', 'min', 'median', 'max'];
  const rows = p.columns.map((c) => [
    c.name,
    c.type,
    c.role + (c.nearUniqueKey ? ' (key)' : ''),
    c.missing > 0 ? `${n(c.missing)} (${(100 * c.missingShare).toFixed(1)}%)` : '0',
    n(c.distinct),
    short(c.numeric?.min ?? c.datetime?.min ?? null),
    short(c.numeric?.median ?? null),
    short(c.numeric?.max ?? c.datetime?.max ?? null),
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]): string => cells.map((c, j) => c.padEnd(widths[j]!)).join('  ');
  out(line(header));
  for (const r of rows) out(line(r));
  out('');
  out(p.warnings.length === 0 ? 'no warnings' : `${p.warnings.length} warnings:`);
  for (const w of p.warnings) {
    out(`- ${w.message}`);
    if (w.suggestion) out(`    suggested: ${JSON.stringify(w.suggestion).slice(0, 200)}`);
  }
}

function short(v: number | string | null): string {
  if (v === null) return '';
  if (typeof v === 'string') return v.slice(0, 19);
  return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(5)));
}
