import { statSync } from 'node:fs';
import type { Matrix } from '@clientele/ml';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDB, quoteIdent, quoteLiteral } from './duckdb.ts';
import { isNumericType } from './duckdbTypes.ts';
import { InputError } from './errors.ts';
import { readMatrixStream } from './readMatrixStream.ts';

/** What to do with a row whose chosen columns hold an empty cell or NaN. */
export type MissingPolicy = 'drop' | 'error';

export interface ReadNumericOptions {
  /** Columns to read, in this order; default: every numeric column of the file. */
  columns?: string[];
  /** 'drop' (default) leaves such rows out and counts them; 'error' stops at the first one. */
  missing?: MissingPolicy;
}

export interface NumericTable {
  /** The kept rows, in file order, as a rows x columns matrix. */
  x: Matrix;
  columns: string[];
  /** For each kept row, its 0-based position among the file's data rows. */
  inputRow: Int32Array;
  /** Data rows in the file (header excluded). */
  nInputRows: number;
  /** Rows left out for missing values, and the first one's line in the file (1 = header). */
  nDropped: number;
  firstDroppedLine: number | null;
}

/**
 * Reads the numeric columns of a CSV file with a header into a matrix, through DuckDB (delimiter,
 * quoting and types sniffed). Line numbers in errors count the header as line 1, so the first
 * data row is line 2 (files with line breaks inside quoted fields shift them).
 */
export async function readNumericCsv(path: string, opts: ReadNumericOptions = {}): Promise<NumericTable> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new InputError('FILE_NOT_FOUND', `${path}: no such file; check the path given to --input`, {
      path,
    });
  }
  if (size === 0)
    throw new InputError('EMPTY_FILE', `${path} is empty: it needs a header line and data rows`);

  const db = await openDuckDB();
  try {
    const source = `read_csv(${quoteLiteral(path)}, header = true)`;
    const schema = await describe(db, source, path);
    // Checked first: a header-only file types every column as text, which would mislead below.
    const probe = await db.runAndReadAll(`SELECT 1 FROM ${source} LIMIT 1`);
    if (probe.currentRowCount === 0)
      throw new InputError('NO_DATA_ROWS', `${path} has a header but no data rows`);
    const columns = chooseColumns(schema, opts.columns, path);
    for (const c of columns) {
      if (!isNumericType(schema.get(c)!)) await throwNotNumeric(db, source, c, schema.get(c)!, path);
    }
    return await readMatrix(db, source, columns, opts.missing ?? 'drop', path);
  } finally {
    db.closeSync();
  }
}

async function describe(db: DuckDBConnection, source: string, path: string): Promise<Map<string, string>> {
  try {
    const r = await db.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    const schema = new Map<string, string>();
    for (const row of r.getRowObjectsJS()) schema.set(String(row['column_name']), String(row['column_type']));
    return schema;
  } catch (err) {
    throw new InputError('BAD_CSV', `${path} could not be read as CSV: ${(err as Error).message}`, { path });
  }
}

function chooseColumns(schema: Map<string, string>, asked: string[] | undefined, path: string): string[] {
  const all = [...schema.keys()];
  if (asked && asked.length > 0) {
    for (const c of asked) {
      if (!schema.has(c)) {
        throw new InputError(
          'UNKNOWN_COLUMN',
          `column "${c}" is not in ${path}; its columns are: ${all.join(', ')}`,
          {
            column: c,
          },
        );
      }
    }
    return asked;
  }
  const numeric = all.filter((c) => isNumericType(schema.get(c)!));
  if (numeric.length === 0) {
    throw new InputError(
      'NO_NUMERIC_COLUMNS',
      `${path} has no numeric column (columns: ${all.join(', ')}); choose columns with --columns`,
    );
  }
  return numeric;
}

async function throwNotNumeric(
  db: DuckDBConnection,
  source: string,
  column: string,
  type: string,
  path: string,
): Promise<never> {
  const q = quoteIdent(column);
  const r = await db.runAndReadAll(
    `SELECT n, CAST(v AS VARCHAR) AS v FROM (SELECT row_number() OVER () AS n, ${q} AS v FROM ${source})
     WHERE v IS NOT NULL AND TRY_CAST(v AS DOUBLE) IS NULL LIMIT 1`,
  );
  const first = r.getRowObjectsJS()[0];
  const where = first ? `; line ${Number(first['n']) + 1} holds "${String(first['v'])}"` : '';
  throw new InputError(
    'NOT_NUMERIC',
    `column "${column}" in ${path} is not numeric (read as ${type}${where}); fix the value or leave the column out of --columns`,
    { column, line: first ? Number(first['n']) + 1 : undefined },
  );
}

async function readMatrix(
  db: DuckDBConnection,
  source: string,
  columns: string[],
  missing: MissingPolicy,
  path: string,
): Promise<NumericTable> {
  const select = columns.map((c) => `CAST(${quoteIdent(c)} AS DOUBLE)`).join(', ');
  let nDropped = 0;
  let firstDroppedLine: number | null = null;
  const m = await readMatrixStream(db, `SELECT ${select} FROM ${source}`, columns.length, {
    keep: (row, position) => {
      let bad = 0;
      while (bad < row.length && !Number.isNaN(row[bad]!)) bad++;
      if (bad === row.length) return true;
      const line = position + 2;
      if (missing === 'error') {
        throw new InputError(
          'MISSING_VALUES',
          `line ${line} of ${path} has no value in column "${columns[bad]}"; fill it, or drop such rows with --missing drop`,
          { line, column: columns[bad] },
        );
      }
      nDropped++;
      firstDroppedLine ??= line;
      return false;
    },
  });
  if (m.seen === 0) throw new InputError('NO_DATA_ROWS', `${path} has a header but no data rows`);
  if (m.x.rows === 0) {
    throw new InputError(
      'MISSING_VALUES',
      `every row of ${path} misses a value in the chosen columns (first at line ${firstDroppedLine}); choose other columns`,
    );
  }
  return {
    x: m.x,
    columns,
    inputRow: m.position,
    nInputRows: m.seen,
    nDropped,
    firstDroppedLine,
  };
}
