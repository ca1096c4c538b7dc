import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../duckdb.ts';
import { isDateType, isIntegerType, isNumericType } from '../duckdbTypes.ts';
import { InputError } from '../errors.ts';
import type { TransactionMapping } from './mapColumns.ts';

export interface TransactionFeatureOptions {
  /**
   * The as-of date, `YYYY-MM-DD`: the features describe the customers at the start of that day,
   * so rows dated on it or later are left out. Default: the day after the last date in the log
   * (every row is used).
   */
  asOf?: string;
}

export interface TransactionFeatures {
  /** The DuckDB table written: one row per customer with at least one purchase before as-of. */
  table: string;
  nCustomers: number;
  /** The table's columns, in order (see TRANSACTION_FEATURE_COLUMNS; `country` last when mapped). */
  columns: string[];
  /** The as-of date used, YYYY-MM-DD. */
  asOf: string;
  /** True when `asOf` was not given and is the day after the log's last date. */
  asOfDefault: boolean;
  /** Rows of the log and what became of them. */
  rows: {
    total: number;
    used: number;
    noCustomer: number;
    /** A customer but no invoice, date, quantity or price. */
    incomplete: number;
    zeroQuantity: number;
    onOrAfterAsOf: number;
  };
  /** Customers left out because every row of theirs before as-of is a return. */
  customersWithoutPurchase: number;
}

/** The feature columns, in table order (`country` follows when the log has one). */
export const TRANSACTION_FEATURE_COLUMNS = [
  'customer_id',
  'revenue',
  'recency_days',
  'purchases',
  'items',
  'unique_products',
  'avg_ticket',
  'avg_days_between_purchases',
  'frequency',
  'returns',
  'avg_basket_size',
  'avg_unique_basket_size',
  'r_score',
  'f_score',
  'm_score',
  'rfm_segment',
] as const;

/**
 * Builds one row of features per customer from a transaction log (one row per invoice line) in
 * DuckDB, as table `<table>_features`. Every feature is defined in packages/analytics/README.md
 * ("Transaction features"); in short: a line is a return when its quantity is negative or its
 * invoice starts with C; revenue is net of returns; recency, frequency and the RFM scores are
 * measured at the as-of date. Rows without a customer are left out (and counted).
 *
 * Throws InputError: BAD_OPTION (as-of not a YYYY-MM-DD date), BAD_MAPPING (a text date column
 * with values that are not dates), NO_DATA_ROWS (no purchase before the as-of date).
 *
 * @example
 *   const mapping = mapTransactionColumns(columns, {});
 *   const f = await buildTransactionFeatures(db, 'sales', mapping, { asOf: '2011-12-01' });
 *   // f.table === 'sales_features'
 */
export async function buildTransactionFeatures(
  db: DuckDBConnection,
  table: string,
  mapping: TransactionMapping,
  opts: TransactionFeatureOptions = {},
): Promise<TransactionFeatures> {
  const src = quoteIdent(table);
  const types = await columnTypes(db, src);
  for (const col of Object.values(mapping)) {
    if (col !== null && !types.has(col)) {
      throw new InputError('UNKNOWN_COLUMN', `table ${table} has no column "${col}"`, { column: col });
    }
  }
  const dateIsText = !isDateType(types.get(mapping.date)!);
  if (dateIsText) await checkTextDates(db, src, mapping.date);
  const ts = `${dateIsText ? 'TRY_CAST' : 'CAST'}(${quoteIdent(mapping.date)} AS TIMESTAMP)`;
  const customer = await customerExpression(db, src, mapping.customer, types.get(mapping.customer)!);
  const { asOf, asOfDefault } = await resolveAsOf(db, src, ts, opts.asOf);
  const asOfLit = `DATE ${quoteLiteral(asOf)}`;
  const lines = linesSql(src, mapping, customer, ts, asOfLit);
  const out = `${table}_features`;

  const r = (await db.runAndReadAll(rowCountsSql(lines, asOfLit))).getRowObjects()[0] as Record<
    string,
    number
  >;
  const countType = isIntegerType(types.get(mapping.quantity)!) ? 'BIGINT' : 'DOUBLE';
  await db.run(
    `CREATE OR REPLACE TABLE ${quoteIdent(out)} AS ${featuresSql(lines, asOfLit, countType, mapping.country !== null)}`,
  );

  const nCustomers = Number(
    (await db.runAndReadAll(`SELECT CAST(count(*) AS DOUBLE) FROM ${quoteIdent(out)}`)).getRows()[0]![0],
  );
  if (nCustomers === 0) {
    await db.run(`DROP TABLE ${quoteIdent(out)}`);
    throw new InputError(
      'NO_DATA_ROWS',
      r.used === 0
        ? `no usable transaction before the as-of date ${asOf} (rows need a customer, invoice, date, quantity and price); ` +
            'give a later --as-of or check the column mapping'
        : `every transaction before the as-of date ${asOf} is a return: there is no purchase to describe`,
      { asOf },
    );
  }
  return {
    table: out,
    nCustomers,
    columns: [...(await columnTypes(db, quoteIdent(out))).keys()],
    asOf,
    asOfDefault,
    rows: {
      total: r.total!,
      used: r.used!,
      noCustomer: r.no_customer!,
      incomplete: r.incomplete!,
      zeroQuantity: r.zero_quantity!,
      onOrAfterAsOf: r.after_as_of!,
    },
    customersWithoutPurchase: r.customers_any! - nCustomers,
  };
}

/**
 * The CTEs `base` (every row, columns renamed to their roles) and `lines` (the rows used, each
 * marked purchase or return).
 */
function linesSql(src: string, m: TransactionMapping, customer: string, ts: string, asOfLit: string): string {
  const q = quoteIdent;
  return `
    base AS (
      SELECT ${customer} AS customer_id,
             CAST(${q(m.invoice)} AS VARCHAR) AS invoice,
             ${ts} AS ts,
             ${q(m.quantity)} AS quantity,
             CAST(${q(m.price)} AS DOUBLE) AS price,
             CAST(${q(m.product)} AS VARCHAR) AS product,
             ${m.country === null ? 'NULL' : `CAST(${q(m.country)} AS VARCHAR)`} AS country
      FROM ${src}
    ),
    lines AS (
      SELECT *, (quantity < 0 OR upper(invoice) LIKE 'C%') AS is_return
      FROM base
      WHERE customer_id IS NOT NULL AND invoice IS NOT NULL AND ts IS NOT NULL
        AND quantity IS NOT NULL AND price IS NOT NULL AND quantity <> 0 AND ts < ${asOfLit}
    )`;
}

/** What became of the log's rows, counted once (DOUBLE, so no BigInt comes back). */
function rowCountsSql(lines: string, asOfLit: string): string {
  const complete = 'customer_id IS NOT NULL AND invoice IS NOT NULL AND ts IS NOT NULL AND price IS NOT NULL';
  return `
    WITH ${lines}
    SELECT
      CAST(count(*) AS DOUBLE) AS total,
      CAST(count(*) FILTER (WHERE customer_id IS NULL) AS DOUBLE) AS no_customer,
      CAST(count(*) FILTER (WHERE customer_id IS NOT NULL AND NOT (${complete} AND quantity IS NOT NULL)) AS DOUBLE)
        AS incomplete,
      CAST(count(*) FILTER (WHERE ${complete} AND quantity = 0) AS DOUBLE) AS zero_quantity,
      CAST(count(*) FILTER (WHERE ${complete} AND quantity <> 0 AND ts >= ${asOfLit}) AS DOUBLE) AS after_as_of,
      CAST((SELECT count(*) FROM lines) AS DOUBLE) AS used,
      CAST((SELECT count(DISTINCT customer_id) FROM lines) AS DOUBLE) AS customers_any
    FROM base`;
}

/** One GROUP BY per customer over `lines`, then the ratios and the RFM scores over customers. */
function featuresSql(lines: string, asOfLit: string, countType: string, withCountry: boolean): string {
  return `
    WITH ${lines},
    per_customer AS (
      SELECT customer_id,
        -- Rounded to 6 decimals: float noise (4310.000000000001) off the money.
        round(sum(CASE WHEN is_return THEN -abs(quantity) * price ELSE quantity * price END), 6) AS revenue,
        CAST(count(DISTINCT invoice) FILTER (WHERE NOT is_return) AS INTEGER) AS purchases,
        CAST(sum(quantity) FILTER (WHERE NOT is_return) AS ${countType}) AS items,
        CAST(count(DISTINCT product) FILTER (WHERE NOT is_return) AS INTEGER) AS unique_products,
        count(DISTINCT [invoice, product]) FILTER (WHERE NOT is_return AND product IS NOT NULL) AS invoice_products,
        CAST(coalesce(sum(abs(quantity)) FILTER (WHERE is_return), 0) AS ${countType}) AS returned,
        CAST(min(ts) FILTER (WHERE NOT is_return) AS DATE) AS first_day,
        CAST(max(ts) FILTER (WHERE NOT is_return) AS DATE) AS last_day
      FROM lines
      GROUP BY customer_id
      HAVING count(*) FILTER (WHERE NOT is_return) > 0
    ),
    country_mode AS (
      SELECT customer_id, arg_min(country, (-n, country)) AS country
      FROM (SELECT customer_id, country, count(*) AS n FROM lines WHERE country IS NOT NULL GROUP BY ALL)
      GROUP BY customer_id
    ),
    features AS (
      SELECT p.customer_id,
        p.revenue,
        CAST(date_diff('day', p.last_day, ${asOfLit}) AS INTEGER) AS recency_days,
        p.purchases,
        p.items,
        p.unique_products,
        p.revenue / p.purchases AS avg_ticket,
        CASE WHEN p.purchases > 1 THEN date_diff('day', p.first_day, p.last_day) / (p.purchases - 1) END
          AS avg_days_between_purchases,
        p.purchases / date_diff('day', p.first_day, ${asOfLit}) AS frequency,
        p.returned AS returns,
        p.items / p.purchases AS avg_basket_size,
        p.invoice_products / p.purchases AS avg_unique_basket_size,
        c.country
      FROM per_customer p LEFT JOIN country_mode c USING (customer_id)
    ),
    scored AS (
      -- Quintile score: 1 + floor(5 * (customers strictly worse) / customers); ties share a score.
      SELECT *,
        CAST(1 + (5 * (rank() OVER (ORDER BY recency_days DESC) - 1)) // count(*) OVER () AS INTEGER) AS r_score,
        CAST(1 + (5 * (rank() OVER (ORDER BY purchases) - 1)) // count(*) OVER () AS INTEGER) AS f_score,
        CAST(1 + (5 * (rank() OVER (ORDER BY revenue) - 1)) // count(*) OVER () AS INTEGER) AS m_score
      FROM features
    )
    SELECT ${TRANSACTION_FEATURE_COLUMNS.filter((c) => c !== 'rfm_segment').join(', ')},
      concat(r_score, f_score, m_score) AS rfm_segment
      ${withCountry ? ', country' : ''}
    FROM scored
    ORDER BY customer_id`;
}

async function columnTypes(db: DuckDBConnection, source: string): Promise<Map<string, string>> {
  const reader = await db.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
  return new Map(reader.getRows().map((row) => [String(row[0]), String(row[1])]));
}

/**
 * Customer ids as the log has them, except that a floating-point column holding whole numbers
 * only (CustomerID written as 17850.0) becomes BIGINT, so ids print as 17850.
 */
export async function customerExpression(
  db: DuckDBConnection,
  src: string,
  column: string,
  type: string,
): Promise<string> {
  const col = quoteIdent(column);
  if (!isNumericType(type) || isIntegerType(type)) return col;
  const reader = await db.runAndReadAll(
    `SELECT coalesce(bool_and(${col} = trunc(${col}) AND abs(${col}) < 9e18), true) FROM ${src}`,
  );
  return reader.getRows()[0]![0] === true ? `CAST(${col} AS BIGINT)` : col;
}

async function checkTextDates(db: DuckDBConnection, src: string, column: string): Promise<void> {
  const col = quoteIdent(column);
  const reader = await db.runAndReadAll(
    `SELECT CAST(count(*) AS DOUBLE), any_value(${col}) FROM ${src}
     WHERE ${col} IS NOT NULL AND trim(${col}) <> '' AND TRY_CAST(${col} AS TIMESTAMP) IS NULL`,
  );
  const [bad, example] = reader.getRows()[0]!;
  if (Number(bad) > 0) {
    throw new InputError(
      'BAD_MAPPING',
      `date column "${column}" has ${bad} values that are not dates, e.g. "${example}"; ` +
        'write dates as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, or map another column with --map date=COLUMN',
      { column, example },
    );
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Validates a given as-of date, or takes the day after the log's last date. */
async function resolveAsOf(
  db: DuckDBConnection,
  src: string,
  ts: string,
  given: string | undefined,
): Promise<{ asOf: string; asOfDefault: boolean }> {
  if (given !== undefined) {
    const m = ISO_DATE.exec(given.trim());
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
    if (!m || !d || d.toISOString().slice(0, 10) !== given.trim()) {
      throw new InputError('BAD_OPTION', `as-of date must be a date written YYYY-MM-DD, got "${given}"`, {
        asOf: given,
      });
    }
    return { asOf: given.trim(), asOfDefault: false };
  }
  const reader = await db.runAndReadAll(
    `SELECT CAST(CAST(max(${ts}) AS DATE) + INTERVAL 1 DAY AS DATE)::VARCHAR FROM ${src}`,
  );
  const last = reader.getRows()[0]![0];
  if (last === null || last === undefined) {
    throw new InputError('NO_DATA_ROWS', 'the transaction log has no dated rows', {});
  }
  return { asOf: String(last), asOfDefault: true };
}
