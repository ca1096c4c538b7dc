import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../duckdb.ts';
import { NON_PRODUCT_STOCK_CODES } from '../transactionCodes.ts';
import { normaliseName } from './columnRole.ts';
import { num } from './profileTable.ts';

export interface TransactionColumns {
  invoice: string | null;
  product: string | null;
  quantity: string | null;
  customer: string | null;
}

/** What a transaction log holds that the seed's cleaning rules deal with, with row counts. */
export interface TransactionFindings {
  columns: TransactionColumns;
  cancellations: number;
  negativeQuantity: number;
  adjustments: number;
  nonProductRows: number;
  nonProductCodes: { code: string; count: number }[];
  missingCustomer: number;
}

const NAMES: Record<keyof TransactionColumns, string[]> = {
  invoice: ['invoiceno', 'invoice', 'invoicenumber', 'invoiceid', 'orderid', 'orderno', 'ordernumber'],
  product: ['stockcode', 'sku', 'productcode', 'productid', 'itemcode', 'product'],
  quantity: ['quantity', 'qty', 'units'],
  customer: ['customerid', 'customer', 'clientid', 'customerno', 'customernumber'],
};

export function findTransactionColumns(columns: { name: string }[]): TransactionColumns {
  const pick = (role: keyof TransactionColumns): string | null =>
    columns.find((c) => NAMES[role].includes(normaliseName(c.name)))?.name ?? null;
  return {
    invoice: pick('invoice'),
    product: pick('product'),
    quantity: pick('quantity'),
    customer: pick('customer'),
  };
}

/** Null unless the table looks like a transaction log (an invoice column and a product or quantity column). */
export async function transactionChecks(
  db: DuckDBConnection,
  table: string,
  columns: { name: string }[],
): Promise<TransactionFindings | null> {
  const c = findTransactionColumns(columns);
  if (c.invoice === null || (c.product === null && c.quantity === null)) return null;
  const inv = `CAST(${quoteIdent(c.invoice)} AS VARCHAR)`;
  const codes = NON_PRODUCT_STOCK_CODES.map(quoteLiteral).join(', ');
  const product = c.product === null ? null : `CAST(${quoteIdent(c.product)} AS VARCHAR)`;
  const parts = [
    `CAST(count(*) FILTER (WHERE ${inv} LIKE 'C%') AS BIGINT) AS cancellations`,
    `CAST(count(*) FILTER (WHERE ${inv} LIKE 'A%') AS BIGINT) AS adjustments`,
    c.quantity === null
      ? '0 AS negative_quantity'
      : `CAST(count(*) FILTER (WHERE ${quoteIdent(c.quantity)} < 0) AS BIGINT) AS negative_quantity`,
    c.customer === null
      ? '0 AS missing_customer'
      : `CAST(count(*) FILTER (WHERE ${quoteIdent(c.customer)} IS NULL) AS BIGINT) AS missing_customer`,
    product === null
      ? '0 AS non_product'
      : `CAST(count(*) FILTER (WHERE ${product} IN (${codes})) AS BIGINT) AS non_product`,
  ];
  const row = (await db.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${table}`)).getRowObjectsJS()[0]!;
  let nonProductCodes: { code: string; count: number }[] = [];
  if (product !== null) {
    const r = await db.runAndReadAll(
      `SELECT ${product} AS code, CAST(count(*) AS BIGINT) AS n FROM ${table} WHERE ${product} IN (${codes}) GROUP BY 1 ORDER BY 2 DESC, 1`,
    );
    nonProductCodes = r.getRowObjectsJS().map((x) => ({ code: String(x['code']), count: num(x['n']) ?? 0 }));
  }
  return {
    columns: c,
    cancellations: num(row['cancellations']) ?? 0,
    negativeQuantity: num(row['negative_quantity']) ?? 0,
    adjustments: num(row['adjustments']) ?? 0,
    nonProductRows: num(row['non_product']) ?? 0,
    nonProductCodes,
    missingCustomer: num(row['missing_customer']) ?? 0,
  };
}
