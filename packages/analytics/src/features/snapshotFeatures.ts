import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../duckdb.ts';
import { isDateType, isNumericType } from '../duckdbTypes.ts';
import { InputError } from '../errors.ts';
import { ROW_ORDER_COLUMN } from '../ingest/rowOrderColumn.ts';

export interface SnapshotFeatureOptions {
  /** The customer id column: kept first in the table, never a feature. */
  id?: string | null;
  /** The label column (e.g. churn): kept after the id, never a feature. */
  target?: string | null;
  /** Further columns to leave out. */
  exclude?: string[];
  /** One-hot encode text columns (default true); false leaves them out (numeric columns only). */
  oneHot?: boolean;
  /**
   * Most columns one text column may become (default 20): with more distinct values, its
   * maxCategories - 1 most frequent values get a column each and the rest share `<col>=(other)`.
   */
  maxCategories?: number;
}

export interface EncodedColumn {
  column: string;
  /** The values that got their own column, most frequent first. */
  categories: string[];
  /** The feature columns made from it, in table order (`(other)` last when present). */
  columns: string[];
}

export interface SnapshotFeatures {
  /** The DuckDB table written: id, target (when named), then the feature columns. */
  table: string;
  /** The numeric feature columns (the model's matrix), in table order; no id, no target. */
  columns: string[];
  id: string | null;
  target: string | null;
  encoded: EncodedColumn[];
  /** Columns that are not features, and why (dates, nearly unique text, other types). */
  skipped: { column: string; type: string; reason: string }[];
}

/**
 * Turns a one-row-per-customer snapshot into numeric features, as table `<table>_features`:
 * numeric columns as they are (as DOUBLE; missing stays missing), BOOLEAN as 0/1, text columns
 * one-hot encoded (`<col>=<value>`, 1 or 0; a missing value is 0 in every column of its variable),
 * the id and target set aside. Text columns whose values are nearly all distinct (an id, a name,
 * free text) and date, list or other columns are skipped and listed in `skipped`.
 *
 * @example
 *   const f = await buildSnapshotFeatures(db, 'telco', { id: 'customerID', target: 'Churn' });
 *   // f.columns: ['tenure', 'MonthlyCharges', 'Contract=Month-to-month', ...]
 */
export async function buildSnapshotFeatures(
  db: DuckDBConnection,
  table: string,
  opts: SnapshotFeatureOptions = {},
): Promise<SnapshotFeatures> {
  const maxCategories = opts.maxCategories ?? 20;
  if (!Number.isInteger(maxCategories) || maxCategories < 2) {
    throw new InputError('BAD_OPTION', `maxCategories must be a whole number >= 2, got ${maxCategories}`);
  }
  const src = quoteIdent(table);
  const schema = (await db.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`))
    .getRows()
    .map((r) => ({ name: String(r[0]), type: String(r[1]) }))
    // A cleaned table carries the file's row order; it is not the user's column.
    .filter((c) => c.name !== ROW_ORDER_COLUMN);
  const names = schema.map((c) => c.name);
  const check = (col: string | null | undefined, what: string): string | null => {
    if (col === null || col === undefined) return null;
    if (!names.includes(col)) {
      throw new InputError(
        'UNKNOWN_COLUMN',
        `${what} column "${col}" is not in the data; its columns are ${names.join(', ')}`,
        {
          column: col,
          columns: names,
        },
      );
    }
    return col;
  };
  const id = check(opts.id, 'id');
  const target = check(opts.target, 'target');
  for (const c of opts.exclude ?? []) check(c, 'excluded');
  const aside = new Set([id, target, ...(opts.exclude ?? [])].filter((c): c is string => c !== null));
  const nRows = Number(
    (await db.runAndReadAll(`SELECT CAST(count(*) AS DOUBLE) FROM ${src}`)).getRows()[0]![0],
  );

  const select: string[] = [];
  const columns: string[] = [];
  const encoded: EncodedColumn[] = [];
  const skipped: SnapshotFeatures['skipped'] = [];
  const taken = new Set(names);
  const fresh = (name: string): string => {
    let n = name;
    for (let i = 2; taken.has(n); i++) n = `${name}#${i}`;
    taken.add(n);
    return n;
  };
  if (id !== null) select.push(quoteIdent(id));
  if (target !== null) select.push(quoteIdent(target));

  for (const { name, type } of schema) {
    if (aside.has(name)) continue;
    const col = quoteIdent(name);
    if (isNumericType(type)) {
      select.push(`CAST(${col} AS DOUBLE) AS ${col}`);
      columns.push(name);
    } else if (type === 'BOOLEAN') {
      select.push(`CAST(${col} AS DOUBLE) AS ${col}`);
      columns.push(name);
    } else if (type === 'VARCHAR' && opts.oneHot !== false) {
      const top = await topValues(db, src, col, maxCategories);
      if (top.distinct > maxCategories && top.distinct > 0.9 * nRows) {
        skipped.push({
          column: name,
          type,
          reason: `${top.distinct} distinct values in ${nRows} rows: an id or free text`,
        });
        continue;
      }
      const kept = top.distinct > maxCategories ? top.values.slice(0, maxCategories - 1) : top.values;
      const made: string[] = [];
      for (const v of kept) {
        const out = fresh(`${name}=${v}`);
        select.push(`coalesce(CAST(${col} = ${quoteLiteral(v)} AS DOUBLE), 0) AS ${quoteIdent(out)}`);
        made.push(out);
      }
      if (top.distinct > kept.length) {
        const out = fresh(`${name}=(other)`);
        const list = kept.map(quoteLiteral).join(', ');
        select.push(
          `CASE WHEN ${col} IS NULL OR ${col} IN (${list}) THEN CAST(0 AS DOUBLE) ELSE CAST(1 AS DOUBLE) END AS ${quoteIdent(out)}`,
        );
        made.push(out);
      }
      columns.push(...made);
      encoded.push({ column: name, categories: kept, columns: made });
    } else if (type === 'VARCHAR') {
      skipped.push({ column: name, type, reason: 'text (one-hot encoding is off)' });
    } else {
      const reason = isDateType(type)
        ? 'a date: derive numbers from it first'
        : 'not a number, text or boolean';
      skipped.push({ column: name, type, reason });
    }
  }
  if (columns.length === 0) {
    throw new InputError(
      'NO_NUMERIC_COLUMNS',
      `no feature columns in the data besides the id and target; its columns are ${names.join(', ')}`,
    );
  }
  const out = `${table}_features`;
  await db.run(`CREATE OR REPLACE TABLE ${quoteIdent(out)} AS SELECT ${select.join(', ')} FROM ${src}`);
  return { table: out, columns, id, target, encoded, skipped };
}

/** The column's most frequent values (ties by value), up to `limit`, and its number of distinct values. */
async function topValues(
  db: DuckDBConnection,
  src: string,
  col: string,
  limit: number,
): Promise<{ values: string[]; distinct: number }> {
  const reader = await db.runAndReadAll(
    `SELECT ${col}, CAST(count(*) OVER () AS DOUBLE) FROM ${src} WHERE ${col} IS NOT NULL
     GROUP BY ${col} ORDER BY count(*) DESC, ${col} LIMIT ${limit}`,
  );
  const rows = reader.getRows();
  return { values: rows.map((r) => String(r[0])), distinct: rows.length === 0 ? 0 : Number(rows[0]![1]) };
}
