import type { Kysely } from 'kysely';
import type { Database, Dataset, DatasetKind } from '../schema.ts';
import { newId } from './ids.ts';

export interface NewDataset {
  orgId: string;
  name: string;
  kind: DatasetKind;
  rows: number;
  bytes: number;
  sha256: string;
  createdBy: string | null;
}

export async function createDataset(db: Kysely<Database>, input: NewDataset): Promise<Dataset> {
  return db
    .insertInto('datasets')
    .values({
      id: newId(),
      org_id: input.orgId,
      name: input.name,
      kind: input.kind,
      rows: input.rows,
      bytes: input.bytes,
      sha256: input.sha256,
      created_by: input.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A dataset of this organisation (deleted ones too: `deleted_at` says so). */
export async function getDataset(
  db: Kysely<Database>,
  orgId: string,
  id: string,
): Promise<Dataset | undefined> {
  return db
    .selectFrom('datasets')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The organisation's datasets that are not deleted, newest first. */
export async function listDatasets(db: Kysely<Database>, orgId: string): Promise<Dataset[]> {
  return db
    .selectFrom('datasets')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}
