import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../duckdb.ts';

/**
 * Locks a DuckDB database down for statements someone else wrote: from now on it reads no file
 * but `allowedPaths` (the views' own files), installs and loads no extension, spills nothing to
 * disk, and refuses any SET that would undo this (`lock_configuration`). Call it after the views
 * exist; it is for the whole database, every connection included, and cannot be undone.
 */
export async function lockDuckDB(db: DuckDBConnection, allowedPaths: readonly string[]): Promise<void> {
  // An in-memory database would spill beside the working folder.
  await db.run(`SET temp_directory = ''`);
  await db.run(`SET allowed_paths = [${allowedPaths.map(quoteLiteral).join(', ')}]`);
  await db.run('SET autoinstall_known_extensions = false');
  await db.run('SET autoload_known_extensions = false');
  await db.run('SET enable_external_access = false');
  await db.run('SET lock_configuration = true');
}
