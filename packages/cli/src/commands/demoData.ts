import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  TRANSACTION_LOG_COLUMNS,
  writePurchaseHistoryCsv,
  writeTelcoSnapshotCsv,
  writeTransactionLogCsv,
} from '@clientele/analytics';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { parseIntOption, printJson } from '../options.ts';

interface CommonFlags {
  seed: number;
  out: string;
  truthOut?: string;
  json?: boolean;
}

interface TelcoFlags extends CommonFlags {
  rows: number;
}

interface TransactionFlags extends CommonFlags {
  customers: number;
}

interface PurchaseFlags extends TransactionFlags {
  weeks: number;
}

export function registerDemoData(program: Command): void {
  const demoData = program
    .command('demo-data')
    .description(
      'write synthetic data whose answers are known: a telco snapshot, a transaction log or a purchase log',
    );
  const telco = demoData
    .command('telco')
    .description(
      'a prepaid-telco snapshot like the seed project: 42 columns, CHURN label, 4 planted segments, ' +
        'the 9999 sentinel, duplicate rows and a store address with a broken encoding',
    )
    .option(
      '--rows <n>',
      'rows to write (the planted duplicate rows included)',
      parseIntOption('rows'),
      20_000,
    );
  addCommonFlags(telco, 'also write each IMEI with its true churn_probability and planted segment').action(
    async (flags: TelcoFlags) =>
      writeDataset(
        flags,
        'telco',
        () =>
          writeTelcoSnapshotCsv(flags.out, { rows: flags.rows, seed: flags.seed, truthOut: flags.truthOut }),
        (r) => ({
          fields: { rows: r.rows, columns: r.columns, duplicates: r.duplicates },
          line: `wrote ${fmt(r.rows)} telco rows x ${r.columns.length} columns (${fmt(r.duplicates)} duplicate rows)`,
        }),
      ),
  );
  const transactions = demoData
    .command('transactions')
    .description(
      'an Online-Retail shaped transaction log: 8 columns, planted customer types, cancellations, ' +
        "'A' adjustments, non-product stock codes and rows without a customer",
    )
    .option(
      '--customers <n>',
      'customers with an id (about 125 rows each)',
      parseIntOption('customers'),
      4_372,
    );
  addCommonFlags(transactions, 'also write each CustomerID with its planted type (column segment)').action(
    async (flags: TransactionFlags) =>
      writeDataset(
        flags,
        'transactions',
        () =>
          writeTransactionLogCsv(flags.out, {
            customers: flags.customers,
            seed: flags.seed,
            truthOut: flags.truthOut,
          }),
        (r) => ({
          fields: { rows: r.rows, columns: [...TRANSACTION_LOG_COLUMNS], customers: r.customers },
          line: `wrote ${fmt(r.rows)} transaction rows of ${fmt(r.customers)} customers`,
        }),
      ),
  );
  const purchases = demoData
    .command('purchases')
    .description(
      "a purchase log (customer_id, date, amount) drawn from BG/NBD and Gamma-Gamma with CDNOW's " +
        'published parameters, so a CLV fit must find them again',
    )
    .option('--customers <n>', 'customers (about 3 purchases each)', parseIntOption('customers'), 23_570)
    .option('--weeks <n>', 'weeks observed from 1997-01-01', parseIntOption('weeks'), 78);
  addCommonFlags(purchases, "also write each customer's drawn rate, dropout and mean spend").action(
    async (flags: PurchaseFlags) =>
      writeDataset(
        flags,
        'purchases',
        () =>
          writePurchaseHistoryCsv(flags.out, {
            customers: flags.customers,
            weeks: flags.weeks,
            seed: flags.seed,
            truthOut: flags.truthOut,
          }),
        (r) => ({
          fields: {
            rows: r.rows,
            columns: ['customer_id', 'date', 'amount'],
            customers: r.customers,
            last_day: r.lastDay,
          },
          line: `wrote ${fmt(r.rows)} purchases of ${fmt(r.customers)} customers (1997-01-01 to ${r.lastDay})`,
        }),
      ),
  );
}

/** The flags both datasets take after their size: --seed, --out, --truth-out and --json. */
function addCommonFlags(cmd: Command, truthOutHelp: string): Command {
  return cmd
    .option('--seed <s>', 'seed: the same seed writes the same file', parseIntOption('seed', 0), 42)
    .requiredOption('--out <file>', 'the CSV to write')
    .option('--truth-out <file>', truthOutHelp)
    .option('--json', 'print one JSON object on stdout and nothing else');
}

/**
 * Writes a dataset and reports it: one JSON object with --json (the dataset's own fields between
 * path and seed), else one line for a person that starts with `line`.
 */
async function writeDataset<R>(
  flags: CommonFlags,
  dataset: string,
  write: () => Promise<R>,
  describe: (r: R) => { fields: object; line: string },
): Promise<void> {
  const t0 = performance.now();
  const r = await writing(flags, write);
  const seconds = (performance.now() - t0) / 1000;
  const { fields, line } = describe(r);
  const written = {
    dataset,
    path: flags.out,
    ...fields,
    seed: flags.seed,
    truth_path: flags.truthOut ?? null,
    seconds,
  };
  if (flags.json) printJson(written);
  else {
    const truth = flags.truthOut ? `; the planted answers in ${flags.truthOut}` : '';
    process.stdout.write(`${line} to ${flags.out} in ${seconds.toFixed(2)} s${truth}\n`);
  }
}

/** Makes the output folders, then writes; a file that cannot be written is a wrong flag (exit 2). */
async function writing<T>(flags: CommonFlags, write: () => Promise<T>): Promise<T> {
  try {
    await mkdir(dirname(flags.out), { recursive: true });
    if (flags.truthOut) await mkdir(dirname(flags.truthOut), { recursive: true });
    return await write();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.syscall === 'string') {
      // The writers go through "<file>.tmp-<pid>"; name the file that was asked for.
      const path = (e.path ?? flags.out).replace(/\.tmp-\d+$/, '');
      throw new UsageError(`cannot write ${path} (${e.code}); check --out and --truth-out`);
    }
    throw err;
  }
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
