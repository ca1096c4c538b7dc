import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../duckdb.ts';
import { InputError } from '../errors.ts';
import { customerExpression } from '../features/transactionFeatures.ts';
import { resolveDateColumn } from './dateColumn.ts';
import type { ValueMapping } from './valueColumns.ts';

export interface PurchaseDays {
  /** Table of (customer_id VARCHAR, day DATE, spend DOUBLE): one row per customer and purchase day. */
  table: string;
  /** How the date column was read ('date', 'iso', 'YYYYMMDD' or a strptime format). */
  dateForm: string;
  firstDay: string;
  lastDay: string;
  nCustomers: number;
  nDays: number;
  rows: {
    total: number;
    used: number;
    /** No customer id. */
    noCustomer: number;
    /** No date, or no amount / quantity / price. */
    incomplete: number;
    /** Rows with a negative spend (returns, refunds); they count against the day's spend. */
    returns: number;
    /** Returns on a day with no purchase by that customer: left out of the purchase days. */
    returnsAlone: number;
  };
}

/**
 * A SELECT giving every row of the log as (customer_id VARCHAR, day DATE, spend DOUBLE), NULL
 * where the row lacks one; spend is the amount column or quantity x price.
 */
export async function valueLines(
  db: DuckDBConnection,
  table: string,
  types: Map<string, string>,
  mapping: ValueMapping,
  opts: { dateFormat?: string } = {},
): Promise<{ sql: string; dateForm: string }> {
  const src = quoteIdent(table);
  const q = quoteIdent;
  const date = await resolveDateColumn(db, src, mapping.date, types.get(mapping.date)!, opts.dateFormat);
  const customer = await customerExpression(db, src, mapping.customer, types.get(mapping.customer)!);
  const spend =
    mapping.amount !== null
      ? `CAST(${q(mapping.amount)} AS DOUBLE)`
      : `CAST(${q(mapping.quantity!)} AS DOUBLE) * CAST(${q(mapping.price!)} AS DOUBLE)`;
  return {
    sql: `SELECT CAST(${customer} AS VARCHAR) AS customer_id, ${date.sql} AS day, ${spend} AS spend FROM ${src}`,
    dateForm: date.form,
  };
}

/**
 * Reduces a transaction log (one row per line, invoice or order) to purchase days: the models of
 * customer value count one purchase per customer per day, as Fader, Hardie & Lee do with CDNOW
 * (several lines or orders on one day are one purchase). A day is a purchase day when the
 * customer has a row with a spend of zero or more that day (a free item is a purchase; a negative spend is a return); its spend is the day's net sum (returns that
 * day included). A row's spend is the amount column, or quantity x price.
 *
 * Throws InputError NO_DATA_ROWS when no row has a customer, a date and a spend of zero or more.
 */
export async function buildPurchaseDays(
  db: DuckDBConnection,
  table: string,
  types: Map<string, string>,
  mapping: ValueMapping,
  opts: { dateFormat?: string } = {},
): Promise<PurchaseDays> {
  const q = quoteIdent;
  const { sql: linesSelect, dateForm } = await valueLines(db, table, types, mapping, opts);
  const out = `${table}_purchase_days`;
  const lines = `
    lines AS (${linesSelect}),
    used AS (SELECT * FROM lines WHERE customer_id IS NOT NULL AND day IS NOT NULL AND spend IS NOT NULL)`;
  await db.run(`
    CREATE OR REPLACE TABLE ${q(out)} AS
    WITH ${lines}
    SELECT customer_id, day, sum(spend) AS spend
    FROM used
    GROUP BY customer_id, day
    HAVING max(spend) >= 0
    ORDER BY customer_id, day`);
  const counts = (
    await db.runAndReadAll(`
      WITH ${lines}
      SELECT CAST(count(*) AS DOUBLE) AS total,
        CAST(count(*) FILTER (WHERE customer_id IS NULL) AS DOUBLE) AS no_customer,
        CAST(count(*) FILTER (WHERE customer_id IS NOT NULL AND (day IS NULL OR spend IS NULL)) AS DOUBLE) AS incomplete,
        CAST(count(*) FILTER (WHERE customer_id IS NOT NULL AND day IS NOT NULL AND spend < 0) AS DOUBLE) AS returns,
        CAST((SELECT count(*) FROM used u ANTI JOIN ${q(out)} d USING (customer_id, day)) AS DOUBLE) AS returns_alone,
        (SELECT CAST(count(*) AS DOUBLE) FROM ${q(out)}) AS days,
        (SELECT CAST(count(DISTINCT customer_id) AS DOUBLE) FROM ${q(out)}) AS customers,
        (SELECT CAST(min(day) AS VARCHAR) FROM ${q(out)}) AS first_day,
        (SELECT CAST(max(day) AS VARCHAR) FROM ${q(out)}) AS last_day
      FROM lines`)
  ).getRowObjects()[0]!;
  const n = (k: string): number => Number(counts[k]);
  if (n('days') === 0) {
    await db.run(`DROP TABLE ${q(out)}`);
    throw new InputError(
      'NO_DATA_ROWS',
      `no row of ${n('total')} has a customer, a date and a spend of zero or more: check the column mapping (--map)`,
      { rows: n('total') },
    );
  }
  return {
    table: out,
    dateForm,
    firstDay: String(counts.first_day),
    lastDay: String(counts.last_day),
    nCustomers: n('customers'),
    nDays: n('days'),
    rows: {
      total: n('total'),
      used: n('total') - n('no_customer') - n('incomplete') - n('returns_alone'),
      noCustomer: n('no_customer'),
      incomplete: n('incomplete'),
      returns: n('returns'),
      returnsAlone: n('returns_alone'),
    },
  };
}
