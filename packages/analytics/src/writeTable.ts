import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from './duckdb.ts';
import { InputError } from './errors.ts';

/** Output formats by file extension. */
export function outputFormat(path: string): 'csv' | 'parquet' {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.csv$/i.test(path)) return 'csv';
  throw new InputError('BAD_OPTION', `--out ${path}: write .csv or .parquet`);
}

/**
 * Writes a query's rows to CSV (with a header) or Parquet through a temporary file beside the
 * target and a rename, so a failure never leaves a half-written file where the user looks.
 * The format follows the file's extension unless it is given.
 */
export async function writeQuery(
  db: DuckDBConnection,
  select: string,
  path: string,
  format: 'csv' | 'parquet' = outputFormat(path),
): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const options = format === 'csv' ? '(FORMAT csv, HEADER)' : '(FORMAT parquet)';
  try {
    await db.run(`COPY (${select}) TO ${quoteLiteral(tmp)} ${options}`);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new InputError('BAD_OPTION', `could not write ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Writes a text file through a temporary file and a rename: readers see the old file or the whole new one. */
export function writeTextFile(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new InputError('BAD_OPTION', `could not write ${path}: ${(err as Error).message}`);
  }
}
