import type { Matrix } from '@clientele/ml';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../duckdb.ts';
import { isNumericType, isTemporalType } from '../duckdbTypes.ts';
import { InputError } from '../errors.ts';
import type { LoadedTable } from '../ingest/loadTable.ts';
import { readMatrixStream } from '../readMatrixStream.ts';

/** How one model input is read from a file: a number, or a category turned into a code. */
export interface FeatureSpec {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Categorical: the values seen in training, most frequent first; code = index. Others get code = length. */
  categories?: string[];
}

/** What a churn model needs to read a file the way it was trained: saved inside the model. */
export interface ChurnSchema {
  target: string;
  /** The target's value that means "churned" (as text). */
  positive: string;
  id: string | null;
  features: FeatureSpec[];
}

export interface ChurnDataset {
  x: Matrix;
  /** 1 churned, 0 not; null when the file has no target (scoring). */
  y: Float64Array | null;
  /** The id column's values as text, or row numbers (from 1) when there is no id. */
  ids: string[];
  schema: ChurnSchema;
  /** Rows left out because their target is missing. */
  droppedNoTarget: number;
  /** Columns that are not features, and why. */
  skipped: { column: string; reason: string }[];
}

export interface ChurnDatasetOptions {
  target: string;
  positive?: string;
  id?: string;
  drop?: string[];
}

const POSITIVE_NAMES = new Set([
  '1',
  'true',
  'yes',
  'y',
  't',
  'churn',
  'churned',
  'si',
  'sí',
  'sim',
  'positive',
]);
/** More categories than this in one text column: the rest share the "other" code (the GBDT bins up to 255). */
const MAX_CATEGORIES = 250;

/**
 * Reads a loaded snapshot as a churn training set: the target as 0/1, numbers as numbers (text
 * that is numbers but for blank cells too; blank is missing), booleans as 0/1, other text as
 * category codes in order of frequency. The id and target are never features.
 */
export async function buildChurnDataset(t: LoadedTable, opts: ChurnDatasetOptions): Promise<ChurnDataset> {
  const { db } = t;
  const table = quoteIdent(t.table);
  const names = t.columns.map((c) => c.name);
  const need = (col: string, flag: string): void => {
    if (!names.includes(col)) {
      throw new InputError(
        'UNKNOWN_COLUMN',
        `${flag} "${col}" is not a column of ${t.path}; its columns are: ${names.join(', ')}`,
        {
          column: col,
        },
      );
    }
  };
  need(opts.target, '--target');
  if (opts.id) need(opts.id, '--id');
  for (const d of opts.drop ?? []) need(d, '--drop');

  const positive = await choosePositive(db, table, opts.target, opts.positive);
  const features: FeatureSpec[] = [];
  const skipped: { column: string; reason: string }[] = [];
  const nRows = t.nRows;
  for (const c of t.columns) {
    if (c.name === opts.target || c.name === opts.id || (opts.drop ?? []).includes(c.name)) continue;
    const spec = await featureSpec(db, table, c, nRows);
    if ('reason' in spec) skipped.push({ column: c.name, reason: spec.reason });
    else features.push(spec);
  }
  if (features.length === 0) {
    throw new InputError(
      'NO_NUMERIC_COLUMNS',
      `${t.path} has no column left to learn from besides the target and id`,
    );
  }
  const schema: ChurnSchema = { target: opts.target, positive, id: opts.id ?? null, features };
  const where = `${quoteIdent(opts.target)} IS NOT NULL`;
  const dropped = await scalarNumber(db, `SELECT count(*) FROM ${table} WHERE NOT (${where})`);
  const read = await readRows(db, table, schema, t.columns, where, true);
  return { ...read, schema, droppedNoTarget: dropped, skipped };
}

/**
 * Reads a file with a trained model's schema: every feature column must be there (a clear error
 * names the missing ones); categories unseen in training get the "other" code; the target, when
 * present, is read too.
 */
export async function readWithSchema(
  t: LoadedTable,
  schema: ChurnSchema,
): Promise<{ x: Matrix; y: Float64Array | null; ids: string[] }> {
  const names = new Set(t.columns.map((c) => c.name));
  const missing = schema.features.filter((f) => !names.has(f.name)).map((f) => f.name);
  if (missing.length > 0) {
    throw new InputError(
      'UNKNOWN_COLUMN',
      `${t.path} lacks column${missing.length === 1 ? '' : 's'} the model was trained on: ${missing.join(', ')}`,
      { columns: missing },
    );
  }
  if (schema.id && !names.has(schema.id)) {
    throw new InputError(
      'UNKNOWN_COLUMN',
      `${t.path} lacks the id column "${schema.id}" the model was trained with`,
    );
  }
  return readRows(t.db, quoteIdent(t.table), schema, t.columns, 'true', names.has(schema.target));
}

/**
 * The target value meaning churn: `asked` when given (a yes/no word matches a BOOLEAN column's
 * true / false, since the loader reads Yes/No as BOOLEAN); else, of exactly two values, the one
 * that reads as yes (1, true, yes, churn, ...). `table` is quoted SQL. Shared by `churn train` and
 * `retention`.
 */
export async function choosePositive(
  db: DuckDBConnection,
  table: string,
  target: string,
  asked: string | undefined,
): Promise<string> {
  const q = quoteIdent(target);
  const r = await db.runAndReadAll(
    `SELECT CAST(${q} AS VARCHAR) AS v, count(*) AS n FROM ${table} WHERE ${q} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 11`,
  );
  const values = r.getRowObjectsJS().map((row) => String(row['v']));
  const shown = values.slice(0, 10).join(', ') + (values.length > 10 ? ', ...' : '');
  if (values.length < 2) {
    throw new InputError(
      'BAD_TARGET',
      `target "${target}" has ${values.length === 0 ? 'no values' : `one value only (${values[0]})`}: a model needs customers who churned and customers who stayed`,
    );
  }
  if (asked !== undefined) {
    const word = asked.trim().toLowerCase();
    if (!values.includes(asked) && values.every((v) => v === 'true' || v === 'false')) {
      if (['1', 'true', 'yes', 'y', 't', 'si', 'sí', 'sim'].includes(word)) asked = 'true';
      else if (['0', 'false', 'no', 'n', 'f', 'não', 'nao'].includes(word)) asked = 'false';
    }
    if (!values.includes(asked)) {
      throw new InputError(
        'BAD_TARGET',
        `--positive "${asked}" is not a value of "${target}"; its values: ${shown}`,
      );
    }
    return asked;
  }
  if (values.length > 2) {
    throw new InputError(
      'BAD_TARGET',
      `target "${target}" has ${values.length > 10 ? 'more than 10' : values.length} values (${shown}); say which one means churn with --positive`,
    );
  }
  const known = values.filter((v) => POSITIVE_NAMES.has(v.trim().toLowerCase()));
  if (known.length !== 1) {
    throw new InputError(
      'BAD_TARGET',
      `which value of "${target}" means churn, ${values[0]} or ${values[1]}? Say it with --positive`,
    );
  }
  return known[0]!;
}

async function featureSpec(
  db: DuckDBConnection,
  table: string,
  c: { name: string; type: string },
  nRows: number,
): Promise<FeatureSpec | { reason: string }> {
  const q = quoteIdent(c.name);
  if (isNumericType(c.type) || c.type === 'BOOLEAN') return { name: c.name, kind: 'numeric' };
  if (isTemporalType(c.type))
    return { reason: `a ${c.type} column (derive a number from it, e.g. days since)` };
  if (c.type !== 'VARCHAR') return { reason: `type ${c.type}` };
  const r = await db.runAndReadAll(
    `SELECT count(${q}) AS present, count(*) FILTER (WHERE trim(${q}) <> '' AND TRY_CAST(trim(${q}) AS DOUBLE) IS NULL) AS text,
            count(DISTINCT ${q}) AS distinct FROM ${table}`,
  );
  const s = r.getRowObjectsJS()[0]!;
  const present = Number(s['present']);
  if (present > 0 && Number(s['text']) === 0) return { name: c.name, kind: 'numeric' };
  if (Number(s['distinct']) > 0.9 * nRows && nRows >= 20)
    return { reason: 'nearly every value distinct (an id or free text)' };
  const cats = await db.runAndReadAll(
    `SELECT ${q} AS v FROM ${table} WHERE ${q} IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${MAX_CATEGORIES}`,
  );
  return {
    name: c.name,
    kind: 'categorical',
    categories: cats.getRowObjectsJS().map((row) => String(row['v'])),
  };
}

/** The SQL giving feature j as a DOUBLE: a number, 0/1, or a category code. */
function featureSql(f: FeatureSpec, type: string): string {
  const q = quoteIdent(f.name);
  if (f.kind === 'numeric') {
    if (type === 'BOOLEAN') return `CAST(${q} AS DOUBLE)`;
    if (type === 'VARCHAR') return `TRY_CAST(nullif(trim(${q}), '') AS DOUBLE)`;
    return `CAST(${q} AS DOUBLE)`;
  }
  const list = `[${f.categories!.map(quoteLiteral).join(', ')}]::VARCHAR[]`;
  return `CASE WHEN ${q} IS NULL THEN NULL ELSE CAST(coalesce(list_position(${list}, CAST(${q} AS VARCHAR)) - 1, ${f.categories!.length}) AS DOUBLE) END`;
}

async function readRows(
  db: DuckDBConnection,
  table: string,
  schema: ChurnSchema,
  columns: { name: string; type: string }[],
  where: string,
  withTarget: boolean,
): Promise<{ x: Matrix; y: Float64Array | null; ids: string[] }> {
  const types = new Map(columns.map((c) => [c.name, c.type]));
  const p = schema.features.length;
  // Row order is the table's (rowid) in both queries, so ids line up with the matrix rows.
  const target = withTarget
    ? `CASE WHEN CAST(${quoteIdent(schema.target)} AS VARCHAR) = ${quoteLiteral(schema.positive)} THEN 1.0 ELSE 0.0 END`
    : '0.0';
  const features = schema.features.map((f) => featureSql(f, types.get(f.name)!));
  const read = await readMatrixStream(
    db,
    `SELECT rowid + 1, ${target}, ${features.join(', ')} FROM ${table} WHERE ${where} ORDER BY rowid`,
    p + 1,
    { idColumn: true },
  );
  const n = read.x.rows;
  const y = withTarget ? new Float64Array(n) : null;
  const data = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    if (y) y[i] = read.x.data[i * (p + 1)]!;
    data.set(read.x.data.subarray(i * (p + 1) + 1, (i + 1) * (p + 1)), i * p);
  }
  let ids: string[];
  if (schema.id) {
    const r = await db.runAndReadAll(
      `SELECT CAST(${quoteIdent(schema.id)} AS VARCHAR) FROM ${table} WHERE ${where} ORDER BY rowid`,
    );
    ids = r.getColumnsJS()[0]!.map(String);
  } else {
    ids = Array.from(read.ids!, (v) => String(v));
  }
  return { x: { data, rows: n, cols: p }, y, ids };
}

async function scalarNumber(db: DuckDBConnection, sql: string): Promise<number> {
  const r = await db.runAndReadAll(sql);
  return Number(r.getRows()[0]![0]);
}
