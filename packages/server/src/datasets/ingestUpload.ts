import {
  customerExpression,
  type DatasetProfile,
  InputError,
  type LoadedTable,
  loadTable,
  mapTransactionColumns,
  profileTable,
  quoteIdent,
  sniffFile,
} from '@clientele/analytics';
import type { DatasetKind } from '../store/index.ts';
import { type CustomerColumnMap, mapCustomerColumns } from './customerColumns.ts';

/** Why an upload was refused: a 4xx for the person who sent it, saying what and where. */
export class UploadRejectedError extends Error {
  override name = 'UploadRejectedError';
  constructor(
    /** 'unsupported': not a CSV at all (415); 'invalid': a CSV Clientele cannot use (400). */
    readonly reason: 'unsupported' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

/** An uploaded CSV, loaded into DuckDB and profiled, with the query that reads its customers. */
export interface IngestedUpload {
  table: LoadedTable;
  profile: DatasetProfile;
  kind: DatasetKind;
  /** How the Lookout fields were filled (columns of the file). */
  fields: CustomerFields;
  /**
   * One row per customer, in id order: customer_id, name, phone, email, location, store (VARCHAR
   * or NULL) and attributes (a JSON object as VARCHAR).
   */
  customersSql: string;
}

/** Which columns fill each customer field (documented in the README's Datasets section). */
export interface CustomerFields {
  id: string;
  name: string[];
  phone: string | null;
  email: string | null;
  location: string[];
  store: string | null;
  attributes: string[];
}

export interface IngestOptions {
  /** Default: the profile's guess (a log has invoice and product or quantity columns). */
  kind?: DatasetKind | undefined;
  /** Where DuckDB's working files go (the dataset's folder, so a failure leaves nothing elsewhere). */
  tempDir: string;
  /** How the file is named in messages, instead of its path on the server. */
  label: string;
}

/**
 * Reads an uploaded file with the analytics ingestion (`loadTable`, as `clientele profile` does),
 * profiles it, decides snapshot or transaction log (the `kind` given, or the profile's, as
 * `clientele analyze` does) and finds the customer id. The caller closes `table`.
 *
 * Throws UploadRejectedError for every problem with the file.
 */
export async function ingestUpload(
  path: string,
  bytes: number,
  opts: IngestOptions,
): Promise<IngestedUpload> {
  const say = (message: string): string => message.replaceAll(path, opts.label);
  let table: LoadedTable | undefined;
  try {
    if (bytes === 0)
      throw new UploadRejectedError(
        'invalid',
        `${opts.label} is empty: send a CSV with a header line and data rows`,
      );
    const sniffed = await sniffFile(path, bytes);
    if (sniffed.gzip || sniffed.format !== 'csv') {
      const what = sniffed.gzip
        ? 'gzip-compressed'
        : sniffed.format === 'parquet'
          ? 'a Parquet file'
          : 'JSON lines';
      throw new UploadRejectedError('unsupported', `${opts.label} is ${what}; upload it as plain CSV text`);
    }
    table = await loadTable(path, { format: 'csv', badRows: 'stop', tempDir: opts.tempDir });
    if (table.columns.length < 2) {
      throw new UploadRejectedError(
        'invalid',
        `${opts.label} has ${table.columns.length} column (${table.columns.map((c) => c.name).join(', ')}); ` +
          'a customer file needs an id column and at least one more, separated by commas (or ; or tabs)',
      );
    }
    const profile = await profileTable(table);
    profile.source.path = opts.label;
    const kind = opts.kind ?? profile.kind;
    const { fields, customersSql } =
      kind === 'snapshot'
        ? snapshotCustomers(table, profile, opts.label)
        : await transactionCustomers(table, opts.label);
    return { table, profile, kind, fields, customersSql };
  } catch (err) {
    table?.close();
    if (err instanceof UploadRejectedError) throw err;
    if (err instanceof InputError) {
      const reason = err.code === 'BINARY_FILE' ? 'unsupported' : 'invalid';
      const message =
        err.code === 'BINARY_FILE'
          ? `${opts.label} is not text: it looks like a binary file (an image, an archive, a spreadsheet?); upload the data as CSV`
          : say(err.message)
              .replace(
                /\. Name it with --map (\w+)=COLUMN$/,
                '; rename that column to a name Clientele recognises (e.g. CustomerID, InvoiceNo, InvoiceDate, Quantity, UnitPrice, StockCode)',
              )
              .replace(/, or load with --bad-rows skip to leave (it|them) out \(each is then listed\)$/, '');
      throw new UploadRejectedError(reason, message);
    }
    throw err;
  }
}

const ID = '__clientele_customer_id';

/** A snapshot: one row per customer, the id the first column the profile gives the role id. */
function snapshotCustomers(
  t: LoadedTable,
  profile: DatasetProfile,
  label: string,
): { fields: CustomerFields; customersSql: string } {
  const idColumn = profile.columns.find((c) => c.role === 'id');
  if (!idColumn) {
    const hint =
      profile.kind === 'transactions'
        ? ' It looks like a transaction log: upload it with kind=transactions.'
        : " A snapshot needs one row per customer and a column with each customer's id.";
    throw new UploadRejectedError(
      'invalid',
      `${label} has no customer id column: no column has a different value on (almost) every row ` +
        `(columns: ${t.columns.map((c) => c.name).join(', ')}).${hint}`,
    );
  }
  const map = mapCustomerColumns(
    t.columns.map((c) => c.name),
    idColumn.name,
  );
  const types = new Map(t.columns.map((c) => [c.name, c.type]));
  const q = quoteIdent;
  const text = (cols: string[], sep: string): string =>
    cols.length === 0
      ? 'NULL'
      : `NULLIF(trim(concat_ws(${sqlString(sep)}, ${cols.map((c) => `NULLIF(trim(CAST(${q(c)} AS VARCHAR)), '')`).join(', ')})), '')`;
  const one = (c: string | null): string => (c === null ? 'NULL' : text([c], ''));
  const idType = types.get(idColumn.name)!;
  // Whole numbers read as DOUBLE (17850.0) print as 17850, as the analytics ids do.
  const idExpr = /^(DOUBLE|FLOAT|REAL)$/.test(idType)
    ? `CASE WHEN ${q(idColumn.name)} = trunc(${q(idColumn.name)}) AND abs(${q(idColumn.name)}) < 9e18 THEN CAST(CAST(${q(idColumn.name)} AS BIGINT) AS VARCHAR) ELSE CAST(${q(idColumn.name)} AS VARCHAR) END`
    : `CAST(${q(idColumn.name)} AS VARCHAR)`;
  const customersSql = `
    SELECT ${ID} AS customer_id,
      ${text(map.name, ' ')} AS name,
      ${one(map.phone)} AS phone,
      ${one(map.email)} AS email,
      ${text(map.location, ', ')} AS location,
      ${one(map.store)} AS store,
      ${attributesJson(map.attributes, types)} AS attributes
    FROM (SELECT NULLIF(trim(${idExpr}), '') AS ${ID}, rowid AS __clientele_row, * FROM ${q(t.table)})
    WHERE ${ID} IS NOT NULL
    -- A customer listed twice (a duplicated row) is loaded once: its first row.
    QUALIFY row_number() OVER (PARTITION BY ${ID} ORDER BY __clientele_row) = 1
    -- In id order, the store's indexes on the id grow at their right edge instead of everywhere.
    ORDER BY ${ID}`;
  return { fields: fieldsOf(map), customersSql };
}

/**
 * A transaction log: one customer per distinct customer id (the column `clientele analyze` maps),
 * with its country (the most frequent), first and last purchase dates and number of invoices
 * (purchases: lines with a positive quantity on an invoice not starting with C).
 */
async function transactionCustomers(
  t: LoadedTable,
  label: string,
): Promise<{ fields: CustomerFields; customersSql: string }> {
  const m = mapTransactionColumns(t.columns);
  const types = new Map(t.columns.map((c) => [c.name, c.type]));
  const q = quoteIdent;
  const src = q(t.table);
  const dateType = types.get(m.date)!;
  const dateIsText = dateType === 'VARCHAR';
  if (dateIsText) {
    const r = await t.db.runAndReadAll(
      `SELECT CAST(count(*) AS DOUBLE) AS n, any_value(${q(m.date)}) AS example FROM ${src}
       WHERE ${q(m.date)} IS NOT NULL AND trim(${q(m.date)}) <> '' AND TRY_CAST(${q(m.date)} AS TIMESTAMP) IS NULL`,
    );
    const row = r.getRowObjectsJS()[0]!;
    if (Number(row['n']) > 0) {
      throw new UploadRejectedError(
        'invalid',
        `${label}: the date column "${m.date}" has ${Number(row['n'])} values that are not dates, e.g. "${String(row['example'])}"; ` +
          'write dates as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS',
      );
    }
  }
  const ts = `${dateIsText ? 'TRY_CAST' : 'CAST'}(${q(m.date)} AS TIMESTAMP)`;
  const customer = await customerExpression(t.db, src, m.customer, types.get(m.customer)!);
  const lineRoles = new Set(
    [m.customer, m.invoice, m.date, m.quantity, m.price, m.product, m.country].filter(
      (c): c is string => c !== null,
    ),
  );
  // Per-customer fields a log may carry on its lines (a name, an e-mail): the latest line's.
  const map = mapCustomerColumns(
    t.columns.map((c) => c.name).filter((c) => c === m.customer || !lineRoles.has(c) || c === m.country),
    m.customer,
  );
  const latest = (cols: string[], sep: string): string =>
    cols.length === 0
      ? 'NULL'
      : `NULLIF(trim(arg_max(concat_ws(${sqlString(sep)}, ${cols.map((c) => `NULLIF(trim(CAST(${q(c)} AS VARCHAR)), '')`).join(', ')}), __ts)), '')`;
  const one = (c: string | null): string => (c === null ? 'NULL' : latest([c], ''));
  const purchase = `(${q(m.quantity)} > 0 AND NOT upper(CAST(${q(m.invoice)} AS VARCHAR)) LIKE 'C%')`;
  const attributes = [
    ...(m.country === null ? [] : [`'country', mode(NULLIF(trim(CAST(${q(m.country)} AS VARCHAR)), ''))`]),
    `'first_purchase', CAST(CAST(min(__ts) FILTER (WHERE ${purchase}) AS DATE) AS VARCHAR)`,
    `'last_purchase', CAST(CAST(max(__ts) FILTER (WHERE ${purchase}) AS DATE) AS VARCHAR)`,
    `'invoices', CAST(count(DISTINCT ${q(m.invoice)}) FILTER (WHERE ${purchase}) AS BIGINT)`,
  ];
  const customersSql = `
    SELECT ${ID} AS customer_id,
      ${latest(map.name, ' ')} AS name,
      ${one(map.phone)} AS phone,
      ${one(map.email)} AS email,
      ${latest(map.location, ', ')} AS location,
      ${one(map.store)} AS store,
      CAST(json_object(${attributes.join(', ')}) AS VARCHAR) AS attributes
    FROM (SELECT NULLIF(trim(CAST(${customer} AS VARCHAR)), '') AS ${ID}, ${ts} AS __ts, * FROM ${src})
    WHERE ${ID} IS NOT NULL
    GROUP BY ${ID}
    ORDER BY ${ID}`;
  const fields = fieldsOf({ ...map, attributes: [] });
  fields.attributes = [
    ...(m.country === null ? [] : ['country']),
    'first_purchase',
    'last_purchase',
    'invoices',
  ];
  return { fields, customersSql };
}

function fieldsOf(map: CustomerColumnMap): CustomerFields {
  return {
    id: map.id,
    name: map.name,
    phone: map.phone,
    email: map.email,
    location: map.location,
    store: map.store,
    attributes: map.attributes,
  };
}

/**
 * The columns as one JSON object per row (a struct turned to JSON: faster in DuckDB than
 * json_object); non-finite numbers become null (JSON has no NaN).
 */
function attributesJson(columns: string[], types: Map<string, string>): string {
  if (columns.length === 0) return `'{}'`;
  const pairs = columns.map((c) => {
    const type = types.get(c) ?? 'VARCHAR';
    const v = quoteIdent(c);
    const value = /^(DOUBLE|FLOAT|REAL)$/.test(type) ? `CASE WHEN isfinite(${v}) THEN ${v} END` : v;
    return `${sqlString(c)}: ${value}`;
  });
  return `CAST(to_json({${pairs.join(', ')}}) AS VARCHAR)`;
}

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
