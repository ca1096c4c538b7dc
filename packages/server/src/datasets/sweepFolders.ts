import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { purgeUnfinishedDatasets, type Store } from '../store/index.ts';

export interface SweepOptions {
  /** A folder without a dataset row is left alone until it is this old (default one day). */
  olderThanMs?: number;
  now?: number;
}

/**
 * Removes what an interrupted server left: an embedded (PGlite) load stopped half-way (its hidden
 * row and customers, and its folder); in `<dataDir>/datasets`, the folder of an upload that
 * never became a dataset (no row: the server stopped mid-upload) once it is older than a day (an
 * upload may be under way in another process sharing the folder), and the folder of a deleted
 * dataset (the server stopped between the commit and the removal). Returns the folders removed.
 */
export async function sweepDatasetFolders(
  store: Store,
  dataDir: string,
  opts: SweepOptions = {},
): Promise<string[]> {
  const root = join(dataDir, 'datasets');
  const cutoff = (opts.now ?? Date.now()) - (opts.olderThanMs ?? 24 * 3600 * 1000);
  const removed: string[] = [];
  // An embedded load stopped half-way: its hidden row and customers, then its folder.
  for (const d of await purgeUnfinishedDatasets(store.db)) {
    const dir = join(root, d.org_id, d.id);
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  for (const orgId of await names(root)) {
    const ids = await names(join(root, orgId));
    if (ids.length === 0) continue;
    const rows = await store.db
      .selectFrom('datasets')
      .select(['id', 'deleted_at'])
      .where('org_id', '=', orgId)
      .where('id', 'in', ids)
      .execute();
    const row = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids) {
      const dir = join(root, orgId, id);
      const r = row.get(id);
      const stray = r === undefined && (await stat(dir)).mtimeMs < cutoff;
      if (stray || (r !== undefined && r.deleted_at !== null)) {
        await rm(dir, { recursive: true, force: true });
        removed.push(dir);
      }
    }
  }
  return removed;
}

async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}
