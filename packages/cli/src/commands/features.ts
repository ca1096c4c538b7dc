import { performance } from 'node:perf_hooks';
import {
  buildTransactionFeatures,
  loadTable,
  mapTransactionColumns,
  quoteIdent,
  TRANSACTION_ROLES,
  writeQuery,
} from '@clientele/analytics';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { addLoadFlags, type LoadFlags, loadOptions } from '../loadFlags.ts';
import { note, parsePairs, printJson } from '../options.ts';

interface FeaturesFlags extends LoadFlags {
  input: string;
  map: Record<string, string>;
  asOf?: string;
  out: string;
  json?: boolean;
}

export function registerFeatures(program: Command): void {
  const cmd = program
    .command('features')
    .description(
      'one row of features per customer (revenue, recency, purchases, ..., RFM scores) from a transaction log',
    )
    .requiredOption(
      '--input <file>',
      'transaction log: CSV, Parquet or JSON lines, gzip or not; one row per line item',
    )
    .option(
      '--map <role=column,...>',
      `which column is which (default: recognised by name); roles: ${TRANSACTION_ROLES.join(', ')}`,
      parseMap,
      {},
    )
    .option(
      '--as-of <YYYY-MM-DD>',
      'measure at the start of this day; rows on or after it are left out (default: the day after the last date)',
      parseDate,
    )
    .requiredOption('--out <file>', 'CSV file to write, one row per customer')
    .option('--json', 'print one JSON object on stdout and nothing else');
  addLoadFlags(cmd).action(async (flags: FeaturesFlags) => runFeatures(flags));
}

/** `customer=CustomerID,price=Unit Price` -> { customer: 'CustomerID', price: 'Unit Price' }; repeated --map add up. */
function parseMap(value: string, previous: Record<string, string>): Record<string, string> {
  return parsePairs('--map', value, { pair: 'role=column', example: 'customer=CustomerID' }, previous);
}

function parseDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value.trim()) {
    throw new UsageError(`--as-of must be a date written YYYY-MM-DD, got "${value}"`);
  }
  return value.trim();
}

async function runFeatures(flags: FeaturesFlags): Promise<void> {
  const start = performance.now();
  const loaded = await loadTable(flags.input, loadOptions(flags));
  try {
    const mapping = mapTransactionColumns(loaded.columns, flags.map);
    const f = await buildTransactionFeatures(loaded.db, loaded.table, mapping, { asOf: flags.asOf });
    await writeQuery(loaded.db, `SELECT * FROM ${quoteIdent(f.table)}`, flags.out, 'csv');
    const seconds = (performance.now() - start) / 1000;
    const result = {
      n_customers: f.nCustomers,
      columns: f.columns,
      as_of: f.asOf,
      as_of_default: f.asOfDefault,
      seconds: Math.round(seconds * 1000) / 1000,
      out: flags.out,
      input: flags.input,
      mapping,
      n_rows: f.rows.total,
      n_rows_used: f.rows.used,
      n_rows_no_customer: f.rows.noCustomer,
      n_rows_incomplete: f.rows.incomplete,
      n_rows_zero_quantity: f.rows.zeroQuantity,
      n_rows_on_or_after_as_of: f.rows.onOrAfterAsOf,
      n_customers_without_purchase: f.customersWithoutPurchase,
    };
    if (flags.json) {
      printJson(result);
      return;
    }
    const leftOut = [
      [f.rows.noCustomer, 'without a customer'],
      [f.rows.incomplete, 'missing the invoice, date, quantity or price'],
      [f.rows.zeroQuantity, 'with quantity 0'],
      [f.rows.onOrAfterAsOf, `dated on or after ${f.asOf}`],
    ].filter(([n]) => (n as number) > 0);
    if (leftOut.length > 0)
      note(`left out ${leftOut.map(([n, why]) => `${rows(n as number)} ${why}`).join(', ')}`);
    if (f.customersWithoutPurchase > 0) {
      note(
        `left out ${f.customersWithoutPurchase} customer${f.customersWithoutPurchase === 1 ? '' : 's'} whose rows before ${f.asOf} are all returns`,
      );
    }
    const roles = Object.entries(mapping)
      .filter(([, c]) => c !== null)
      .map(([r, c]) => `${r}=${c}`)
      .join(', ');
    const lines = [
      `${f.nCustomers} customers from ${f.rows.used} of ${f.rows.total} rows, in ${seconds.toFixed(2)} s`,
      `  as of     ${f.asOf} (${f.asOfDefault ? 'default: the day after the last date in the data' : 'given'}); rows on or after it are left out`,
      `  columns   ${roles}`,
      `  features  ${f.columns.join(', ')}`,
      `  written   ${flags.out}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    loaded.close();
  }
}

function rows(n: number): string {
  return `${n} row${n === 1 ? '' : 's'}`;
}
