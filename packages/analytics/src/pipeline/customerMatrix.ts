import type { Matrix } from '@clientele/ml';
import { quoteIdent } from '../duckdb.ts';
import { InputError } from '../errors.ts';
import { mapTransactionColumns } from '../features/mapColumns.ts';
import { buildSnapshotFeatures } from '../features/snapshotFeatures.ts';
import { buildTransactionFeatures } from '../features/transactionFeatures.ts';
import type { LoadedTable } from '../ingest/loadTable.ts';
import { readMatrixStream } from '../readMatrixStream.ts';

/** One row per customer: the features a person reads (unscaled), and what the value step needs. */
export interface CustomerMatrix {
  /** The table holding one row per customer (id first), in `ids` order. */
  table: string;
  idColumn: string | null;
  ids: string[];
  x: Matrix;
  features: string[];
  /** Missing cells filled with their column's median before segmentation, per feature. */
  filled: Record<string, number>;
  /** Transaction logs: revenue, items and returned items per customer. */
  revenue: Float64Array | null;
  items: Float64Array | null;
  returns: Float64Array | null;
}

/** The transaction features the segments are found on (RFM, scores and the text segment are derived from these). */
const TRANSACTION_SEGMENT_FEATURES = [
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
];

async function readIds(t: LoadedTable, table: string, idColumn: string | null): Promise<string[]> {
  if (idColumn === null) {
    const n = Number(
      (
        await t.db.runAndReadAll(`SELECT CAST(count(*) AS DOUBLE) FROM ${quoteIdent(table)}`)
      ).getRows()[0]![0],
    );
    return Array.from({ length: n }, (_, i) => String(i + 1));
  }
  const reader = await t.db.runAndReadAll(
    `SELECT CAST(${quoteIdent(idColumn)} AS VARCHAR) FROM ${quoteIdent(table)}`,
  );
  return reader.getRows().map((r) => String(r[0]));
}

/** Missing values (NaN) become their column's median; the counts are returned. */
function fillMedians(x: Matrix, features: string[]): Record<string, number> {
  const filled: Record<string, number> = {};
  for (let j = 0; j < x.cols; j++) {
    const present: number[] = [];
    for (let i = 0; i < x.rows; i++) {
      const v = x.data[i * x.cols + j]!;
      if (!Number.isNaN(v)) present.push(v);
    }
    if (present.length === x.rows) continue;
    present.sort((a, b) => a - b);
    const median = present.length === 0 ? 0 : present[Math.floor((present.length - 1) / 2)]!;
    let n = 0;
    for (let i = 0; i < x.rows; i++) {
      if (Number.isNaN(x.data[i * x.cols + j]!)) {
        x.data[i * x.cols + j] = median;
        n++;
      }
    }
    filled[features[j]!] = n;
  }
  return filled;
}

/**
 * The customer matrix of a snapshot (one row per customer already): numbers as they are, text
 * one-hot encoded, the id and target set aside, missing numbers filled with the median.
 */
export async function snapshotCustomers(
  t: LoadedTable,
  opts: { id: string | null; target: string | null; exclude?: string[] },
): Promise<CustomerMatrix> {
  const f = await buildSnapshotFeatures(t.db, t.table, {
    id: opts.id,
    target: opts.target,
    exclude: opts.exclude,
  });
  if (f.columns.length === 0) {
    throw new InputError(
      'NO_NUMERIC_COLUMNS',
      'the file has no column to find segments on (no numbers, no categories)',
    );
  }
  const sql = `SELECT ${f.columns.map((col) => `CAST(${quoteIdent(col)} AS DOUBLE)`).join(', ')} FROM ${quoteIdent(f.table)}`;
  const { x } = await readMatrixStream(t.db, sql, f.columns.length);
  const ids = await readIds(t, f.table, f.id);
  const filled = fillMedians(x, f.columns);
  return {
    table: f.table,
    idColumn: f.id,
    ids,
    x,
    features: f.columns,
    filled,
    revenue: null,
    items: null,
    returns: null,
  };
}

/** The customer matrix of a transaction log: one row of features per customer (see buildTransactionFeatures). */
export async function transactionCustomers(
  t: LoadedTable,
  opts: { map?: Record<string, string> } = {},
): Promise<CustomerMatrix> {
  const mapping = mapTransactionColumns(t.columns, opts.map ?? {});
  const f = await buildTransactionFeatures(t.db, t.table, mapping);
  const features = TRANSACTION_SEGMENT_FEATURES.filter((c) => f.columns.includes(c));
  const sql = `SELECT ${features.map((col) => `CAST(${quoteIdent(col)} AS DOUBLE)`).join(', ')} FROM ${quoteIdent(f.table)}`;
  const { x } = await readMatrixStream(t.db, sql, features.length);
  const ids = await readIds(t, f.table, 'customer_id');
  const column = (name: string): Float64Array | null => {
    const j = features.indexOf(name);
    if (j < 0) return null;
    return Float64Array.from({ length: x.rows }, (_, i) => x.data[i * x.cols + j]!);
  };
  const revenue = column('revenue');
  const items = column('items');
  const returns = column('returns');
  const filled = fillMedians(x, features);
  return { table: f.table, idColumn: 'customer_id', ids, x, features, filled, revenue, items, returns };
}
