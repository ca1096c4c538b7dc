import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** An in-process DuckDB connection; the caller closes it with `closeSync()` when done. */
export async function openDuckDB(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:');
  return instance.connect();
}

/** Quotes an identifier for DuckDB SQL (column names come from user files). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for DuckDB SQL (file paths). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
