import { rename, rm } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../duckdb.ts';

/**
 * Writes a DuckDB table as CSV with a header (DuckDB `COPY ... TO`), through a temporary file
 * beside the target and a rename, so a failure never leaves a half-written file behind.
 */
export async function writeTableCsv(db: DuckDBConnection, table: string, path: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await db.run(`COPY ${quoteIdent(table)} TO ${quoteLiteral(tmp)} (FORMAT csv, HEADER true)`);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
