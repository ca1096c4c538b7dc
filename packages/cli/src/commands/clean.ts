import { readFileSync } from 'node:fs';
import {
  applyPlan,
  cleanedSelect,
  describeRejected,
  InputError,
  loadTable,
  parsePlan,
  writeQuery,
} from '@clientele/analytics';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { addLoadFlags, type LoadFlags, loadOptions, snakeKeys } from '../loadFlags.ts';
import { note, printJson } from '../options.ts';

interface CleanFlags extends LoadFlags {
  input: string;
  plan: string;
  out: string;
  json?: boolean;
}

export function registerClean(program: Command): void {
  const cmd = program
    .command('clean')
    .description('apply a cleaning plan (JSON, e.g. from profile --suggest-plan) and write the cleaned rows')
    .requiredOption('--input <file>', 'CSV, Parquet or JSON lines; gzip or not')
    .requiredOption('--plan <plan.json>', 'the cleaning plan: ordered steps')
    .requiredOption('--out <file>', 'where the cleaned rows go: .csv or .parquet')
    .option('--json', 'print one JSON object (rows in and out per step) on stdout and nothing else');
  addLoadFlags(cmd).action(async (flags: CleanFlags) => runClean(flags));
}

async function runClean(flags: CleanFlags): Promise<void> {
  const started = performance.now();
  if (!/\.(csv|parquet)$/i.test(flags.out))
    throw new UsageError(`--out ${flags.out}: name a .csv or .parquet file`);
  let text: string;
  try {
    text = readFileSync(flags.plan, 'utf8');
  } catch {
    throw new InputError(
      'FILE_NOT_FOUND',
      `${flags.plan}: no such plan file; write one with clientele profile --suggest-plan`,
    );
  }
  // The plan is checked whole before the data is read: a typo in step 7 costs nothing.
  const plan = parsePlan(text, flags.plan);
  const t = await loadTable(flags.input, loadOptions(flags));
  try {
    for (const r of t.rejected.slice(0, 20)) note(`skipped ${describeRejected(r)}`);
    const rowsIn = t.nRows;
    const steps = await applyPlan(t, plan);
    await writeQuery(t.db, cleanedSelect(t), flags.out);
    const result = {
      input: flags.input,
      out: flags.out,
      rowsIn,
      rowsOut: t.nRows,
      rejectedRows: t.nRejected,
      columns: t.columns.map((c) => c.name),
      steps,
      seconds: (performance.now() - started) / 1000,
    };
    if (flags.json) {
      printJson(snakeKeys(result));
      return;
    }
    const out = (s: string): boolean => process.stdout.write(`${s}\n`);
    const n = (x: number): string => x.toLocaleString('en-US');
    out(`${flags.input}: ${n(rowsIn)} rows in`);
    for (const s of steps) {
      const removed = s.rowsIn - s.rowsOut;
      const what = [
        removed > 0 ? `-${n(removed)} rows` : '',
        s.valuesChanged > 0 ? `${n(s.valuesChanged)} values changed` : '',
      ]
        .filter(Boolean)
        .join(', ');
      out(
        `${String(s.step).padStart(3)}. ${s.op.padEnd(20)} ${n(s.rowsIn).padStart(10)} -> ${n(s.rowsOut).padStart(10)}  ${what || 'no change'}  (${s.detail})`,
      );
    }
    out(
      `${n(t.nRows)} rows x ${t.columns.length} columns written to ${flags.out} in ${result.seconds.toFixed(2)} s`,
    );
  } finally {
    t.close();
  }
}
