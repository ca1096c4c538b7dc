import { analyseRetention, loadTable, type RetentionAnalysis } from '@clientele/analytics';
import type { Command } from 'commander';
import { addLoadFlags, type LoadFlags, loadOptions } from '../loadFlags.ts';
import { parseIntOption, parsePositive, printJson } from '../options.ts';

interface RetentionFlags extends LoadFlags {
  input: string;
  tenure: string;
  target: string;
  positive?: string;
  periods: number;
  discountRate: number;
  json?: boolean;
}

export function registerRetention(program: Command): void {
  const cmd = program
    .command('retention')
    .description(
      'contractual retention (subscriptions, telco) from one snapshot of tenure and churn: the shifted ' +
        'beta-geometric model, fitted vs observed retention by tenure, projected survival and the ' +
        'expected remaining lifetime of active customers',
    )
    .requiredOption('--input <file>', 'one row per customer (CSV, Parquet, JSON lines)')
    .requiredOption(
      '--tenure <column>',
      'whole periods completed (e.g. months): a customer who left in their first period has 1, a new active customer 0',
    )
    .requiredOption('--target <column>', 'whether the customer churned, e.g. Churn (Yes / No)')
    .option('--positive <value>', 'the target value that means churned (default: the one that reads as yes)')
    .option('--periods <n>', 'periods projected ahead', parseIntOption('periods', 1), 12)
    .option(
      '--discount-rate <d>',
      'discount rate per period for the expected remaining lifetime, e.g. 0.01 a month',
      parsePositive('discount-rate'),
      0.01,
    )
    .option('--json', 'print one JSON object on stdout and nothing else');
  addLoadFlags(cmd).action(async (flags: RetentionFlags) => runRetention(flags));
}

async function runRetention(flags: RetentionFlags): Promise<void> {
  const loaded = await loadTable(flags.input, loadOptions(flags));
  let r: RetentionAnalysis;
  try {
    r = await analyseRetention(loaded, {
      tenure: flags.tenure,
      target: flags.target,
      positive: flags.positive,
      periods: flags.periods,
      discountRate: flags.discountRate,
    });
  } finally {
    loaded.close();
  }
  if (flags.json) printJson(r);
  else process.stdout.write(`${describe(r).join('\n')}\n`);
}

const pct = (x: number, digits = 1): string => `${(100 * x).toFixed(digits)}%`;
const num = (x: number): string => Math.round(x).toLocaleString('en-US');
const sig = (x: number | null): string => (x === null ? 'n/a' : String(Number(x.toPrecision(3))));

/** Periods shown in the text tables: the first few, then yearly-ish steps, and the last. */
function shown(last: number): number[] {
  const out = [1, 2, 3, 6, 12, 24, 36, 48, 60, 72, 96, 120].filter((p) => p <= last);
  if (!out.includes(last)) out.push(last);
  return out;
}

function describe(r: RetentionAnalysis): string[] {
  const lines: string[] = [];
  lines.push(
    `Retention of ${num(r.n)} customers (shifted beta-geometric): ${num(r.churned)} churned ` +
      `(${r.target} = ${r.positive}), ${num(r.active)} active; tenure "${r.tenure}" in whole periods, up to ${r.max_tenure}.`,
  );
  if (r.active_tenure_zero > 0) {
    lines.push(
      `  ${num(r.active_tenure_zero)} active customer(s) have tenure 0: still in their first period, no renewal yet, ` +
        'so they are counted but tell the model nothing.',
    );
  }
  const out = Object.entries(r.left_out).filter(([, n]) => n > 0);
  if (out.length > 0)
    lines.push(
      `  left out: ${out.map(([why, n]) => `${num(n)} rows (${why.replaceAll('_', ' ')})`).join(', ')}`,
    );
  lines.push('');
  lines.push(
    `Each customer has their own churn probability per period, spread as Beta(alpha ${sig(r.alpha)} ` +
      `[se ${sig(r.standard_errors.alpha)}], beta ${sig(r.beta)} [se ${sig(r.standard_errors.beta)}]); ` +
      `log-likelihood ${r.log_likelihood.toFixed(2)}.`,
  );
  lines.push(
    `  A new customer leaves at a renewal with probability alpha/(alpha+beta) = ${pct(r.mean_churn_probability)} on average, ` +
      `but customers differ (polarisation 1/(alpha+beta+1) = ${r.polarization.toFixed(2)}; 0 would mean all alike).`,
  );
  const first = r.projection[0]!;
  const rows = r.retention_by_period;
  const late = rows[rows.length - 1];
  if (late) {
    lines.push(
      `  So retention rises with tenure, ${pct(first.retention_rate)} at the first renewal to ${pct(late.fitted_retention)} ` +
        `at period ${late.period}: the customers most likely to leave go first, and those who stay are the loyal ones.`,
    );
  }
  lines.push('');
  lines.push('Retention by tenure, observed (among customers who reached the renewal) vs fitted:');
  lines.push('  period   at risk  churned  observed   fitted   survival obs / fit');
  for (const p of shown(rows.length)) {
    const x = rows[p - 1]!;
    lines.push(
      `  ${String(p).padStart(6)} ${num(x.at_risk).padStart(9)} ${num(x.churned).padStart(8)} ` +
        `${(x.observed_retention === null ? 'n/a' : pct(x.observed_retention)).padStart(9)} ${pct(x.fitted_retention).padStart(8)}   ` +
        `${pct(x.observed_survival)} / ${pct(x.fitted_survival)}`,
    );
  }
  lines.push('');
  lines.push(`Next ${r.projection.length} periods:`);
  lines.push('  period   new customers still active   retention   current active base (expected)');
  for (const p of shown(r.projection.length)) {
    const x = r.projection[p - 1]!;
    lines.push(
      `  ${String(p).padStart(6)} ${pct(x.survival).padStart(28)} ${pct(x.retention_rate).padStart(11)}   ` +
        `${num(x.expected_active)} (${pct(x.base_retention_rate)} retained that period)`,
    );
  }
  lines.push('');
  lines.push(
    `Expected further periods an active customer pays for (discounted ${pct(r.discount_rate, 2)} a period, next one undiscounted):`,
  );
  const derl = r.residual_lifetime;
  lines.push(
    `  ${[0, ...shown(r.max_tenure)]
      .filter((t) => t <= r.max_tenure)
      .map((t) => `tenure ${t}: ${derl[t]!.discounted_expected_periods.toFixed(1)}`)
      .join(', ')}`,
  );
  lines.push(
    `  all ${num(r.active)} active customers together: ${num(r.base_discounted_expected_periods)} discounted periods ` +
      '(multiply by the payment per period for a value).',
  );
  if (r.mean_remaining_periods_new_customer === null) {
    lines.push(
      '  Undiscounted, the expected lifetime is infinite (alpha <= 1: some customers almost never leave), so only discounted figures are given.',
    );
  }
  return lines;
}
