import {
  forecastRevenue,
  loadTable,
  type RevenueForecast,
  VALUE_ROLES,
  writeTextFile,
} from '@clientele/analytics';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { addLoadFlags, type LoadFlags, loadOptions } from '../loadFlags.ts';
import { note, parseIntOption, parsePairs, printJson } from '../options.ts';

interface ForecastFlags extends LoadFlags {
  input: string;
  map: Record<string, string>;
  dateFormat?: string;
  by?: string;
  months: number;
  confidence: number;
  seed: number;
  out?: string;
  json?: boolean;
}

export function registerForecast(program: Command): void {
  const cmd = program
    .command('forecast')
    .description(
      'monthly revenue and its forecast for the coming months (Holt-Winters), in total and per segment, ' +
        'with prediction intervals and a backtest error',
    )
    .requiredOption('--input <file>', 'transaction log: one row per purchase, line or order')
    .option(
      '--map <role=column,...>',
      `which column is which (default: recognised by name); roles: ${VALUE_ROLES.join(', ')}`,
      (v: string, prev: Record<string, string>) =>
        parsePairs('--map', v, { pair: 'role=column', example: 'customer=CustomerID' }, prev),
      {},
    )
    .option('--date-format <fmt>', 'how text dates are written when it cannot be told, e.g. %d/%m/%Y')
    .option(
      '--by <segment-file>',
      'CSV of customer id and segment: one forecast per segment besides the total',
    )
    .option('--months <n>', 'months to forecast', parseIntOption('months'), 3)
    .option('--confidence <c>', 'level of the prediction intervals', parseConfidence, 0.9)
    .option(
      '--seed <s>',
      'seed of the simulated intervals (multiplicative seasonality)',
      parseIntOption('seed', 0),
      0,
    )
    .option('--out <file>', 'CSV: series, month, kind (actual or forecast), revenue, lower, upper')
    .option('--json', 'print one JSON object on stdout and nothing else');
  addLoadFlags(cmd).action(async (flags: ForecastFlags) => runForecast(flags));
}

function parseConfidence(v: string): number {
  const x = Number(v);
  if (!(x > 0 && x < 1))
    throw new UsageError(`--confidence is a level between 0 and 1, e.g. 0.9; got "${v}"`);
  return x;
}

async function runForecast(flags: ForecastFlags): Promise<void> {
  const loaded = await loadTable(flags.input, loadOptions(flags));
  let f: RevenueForecast;
  try {
    f = await forecastRevenue(loaded, {
      map: flags.map,
      dateFormat: flags.dateFormat,
      months: flags.months,
      confidence: flags.confidence,
      segmentFile: flags.by,
      seed: flags.seed,
    });
  } finally {
    loaded.close();
  }
  if (flags.out) writeTextFile(flags.out, toCsv(f));
  if (flags.json) {
    printJson({
      months: f.months,
      forecast_months: f.forecastMonths,
      confidence: f.confidence,
      partial_months: f.partial.map((p) => ({ month: p.month, first_day: p.firstDay, last_day: p.lastDay })),
      series: f.series.map((s) => ({
        name: s.name,
        customers: s.customers,
        model: s.model,
        reason: s.reason,
        parameters: s.parameters,
        history: s.history,
        forecast: s.forecast,
        backtest: s.backtest && {
          origins: s.backtest.origins,
          horizon: s.backtest.horizon,
          mae: s.backtest.mae,
          rmse: s.backtest.rmse,
          mape: s.backtest.mape,
          smape: s.backtest.smape,
          by_horizon: s.backtest.byHorizon,
        },
        backtest_note: s.backtestNote,
        floored_at_zero: s.flooredAtZero,
      })),
      segment_file: f.segmentFile && {
        path: f.segmentFile.path,
        id_column: f.segmentFile.idColumn,
        segment_column: f.segmentFile.segmentColumn,
        n_customers: f.segmentFile.nCustomers,
      },
      rows_without_segment: f.rowsWithoutSegment,
      mapping: f.mapping,
      date_form: f.dateForm,
      out: flags.out ?? null,
      input: flags.input,
    });
    return;
  }
  for (const p of f.partial) {
    note(
      `left out ${p.month}: the data cover only ${p.firstDay} to ${p.lastDay} of it, and a part month would read as a drop`,
    );
  }
  if (f.rowsWithoutSegment > 0)
    note(
      `${f.rowsWithoutSegment} rows belong to customers the segment file does not list (counted in the total only)`,
    );
  const money = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
  const lines = [
    `monthly revenue ${f.months[0]} to ${f.months.at(-1)} (${f.months.length} whole months); ${(100 * f.confidence).toFixed(0)}% intervals`,
  ];
  for (const s of f.series) {
    lines.push(`${s.name} (${s.customers} customers): ${s.reason}`);
    for (const p of s.forecast)
      lines.push(`  ${p.month}  ${money(p.mean)}  [${money(p.lower)} .. ${money(p.upper)}]`);
    lines.push(
      s.backtest
        ? `  backtest  ${s.backtest.origins} origins, 1-${s.backtest.horizon} months ahead: MAPE ${s.backtest.mape.toFixed(1)}%, MAE ${money(s.backtest.mae)}`
        : `  ${s.backtestNote}`,
    );
  }
  if (flags.out) lines.push(`written ${flags.out}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function toCsv(f: RevenueForecast): string {
  const q = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const rows = ['series,month,kind,revenue,lower,upper'];
  for (const s of f.series) {
    f.months.forEach((m, i) => {
      rows.push(`${q(s.name)},${m},actual,${s.history[i]},,`);
    });
    for (const p of s.forecast) rows.push(`${q(s.name)},${p.month},forecast,${p.mean},${p.lower},${p.upper}`);
  }
  return `${rows.join('\n')}\n`;
}
