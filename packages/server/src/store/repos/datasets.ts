import type { Kysely } from 'kysely';
import { jsonb } from '../jsonb.ts';
import type { Database, Dataset, DatasetColumn, DatasetKind } from '../schema.ts';
import { newId } from './ids.ts';

export interface NewDataset {
  /** Default: a new id (an upload picks it first, to name the dataset's folder). */
  id?: string;
  orgId: string;
  name: string;
  kind: DatasetKind;
  rows: number;
  bytes: number;
  sha256: string;
  createdBy: string | null;
  columns?: DatasetColumn[];
  customers?: number;
  /**
   * Created hidden (marked deleted) while its customers load outside a transaction;
   * `revealDataset` shows it. See importDataset.
   */
  hidden?: boolean;
}

export async function createDataset(db: Kysely<Database>, input: NewDataset): Promise<Dataset> {
  return db
    .insertInto('datasets')
    .values({
      id: input.id ?? newId(),
      org_id: input.orgId,
      name: input.name,
      kind: input.kind,
      rows: input.rows,
      bytes: input.bytes,
      sha256: input.sha256,
      created_by: input.createdBy,
      columns: jsonb(input.columns ?? []),
      customers: input.customers ?? 0,
      ...(input.hidden ? { deleted_at: new Date() } : {}),
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

/** A live (not deleted) dataset of the organisation with this content hash, the oldest first. */
export async function findDatasetBySha256(
  db: Kysely<Database>,
  orgId: string,
  sha256: string,
): Promise<Dataset | undefined> {
  return db
    .selectFrom('datasets')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('sha256', '=', sha256)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .executeTakeFirst();
}

export async function setDatasetCustomers(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  customers: number,
): Promise<void> {
  await db
    .updateTable('datasets')
    .set({ customers })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

/** What deleting a dataset removed, row counts per table. */
export interface DeletedDataset {
  customers: number;
  runs: number;
  publishedResults: number;
  schedules: number;
  /** The runs deleted, so their folders can go too. */
  runIds: string[];
}

/**
 * Deletes a live dataset's contents in one transaction (the caller's, if `db` is one): its
 * customers, its published-results pointer, its runs (and with them, by cascade, their results,
 * published versions and segment names), and marks the row deleted (`deleted_at`). The row stays
 * as a tombstone (name, size, hash, who and when) for the audit log; nothing of the customers
 * does. Undefined when there is no such live dataset in the organisation.
 */
export async function softDeleteDataset(
  db: Kysely<Database>,
  orgId: string,
  id: string,
): Promise<DeletedDataset | undefined> {
  if (!db.isTransaction) return db.transaction().execute((tx) => softDeleteDataset(tx, orgId, id));
  const marked = await db
    .updateTable('datasets')
    .set({ deleted_at: new Date(), customers: 0 })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!marked) return undefined;
  const count = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  // The pointer first: it references a run without a cascade.
  const publishedResults = count(
    await db
      .deleteFrom('published_results')
      .where('org_id', '=', orgId)
      .where('dataset_id', '=', id)
      .executeTakeFirstOrThrow(),
  );
  const schedules = count(
    await db
      .deleteFrom('schedules')
      .where('org_id', '=', orgId)
      .where('dataset_id', '=', id)
      .executeTakeFirstOrThrow(),
  );
  const runIds = (
    await db
      .selectFrom('runs')
      .select('id')
      .where('org_id', '=', orgId)
      .where('dataset_id', '=', id)
      .execute()
  ).map((r) => r.id);
  const runs = count(
    await db
      .deleteFrom('runs')
      .where('org_id', '=', orgId)
      .where('dataset_id', '=', id)
      .executeTakeFirstOrThrow(),
  );
  const customers = count(
    await db
      .deleteFrom('customers')
      .where('org_id', '=', orgId)
      .where('dataset_id', '=', id)
      .executeTakeFirstOrThrow(),
  );
  return { customers, runs, publishedResults, schedules, runIds };
}

/** Shows a dataset created hidden, with its customer count; false when there is no such hidden row. */
export async function revealDataset(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  customers: number,
): Promise<boolean> {
  const r = await db
    .updateTable('datasets')
    .set({ deleted_at: null, customers })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('deleted_at', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Removes a dataset row outright, and by cascade everything that points at it (a failed load). */
export async function purgeDataset(db: Kysely<Database>, orgId: string, id: string): Promise<void> {
  await db.deleteFrom('datasets').where('org_id', '=', orgId).where('id', '=', id).execute();
}

/**
 * Rows a server stopped mid-load left: hidden datasets (marked deleted) that hold customers. A
 * dataset deleted through `softDeleteDataset` holds none, so these can only be loads that never
 * finished. Removes them (their customers by cascade) and returns their (org, id).
 */
export async function purgeUnfinishedDatasets(
  db: Kysely<Database>,
): Promise<{ org_id: string; id: string }[]> {
  return db
    .deleteFrom('datasets')
    .where('deleted_at', 'is not', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('customers')
          .select('customers.customer_id')
          .whereRef('customers.org_id', '=', 'datasets.org_id')
          .whereRef('customers.dataset_id', '=', 'datasets.id'),
      ),
    )
    .returning(['org_id', 'id'])
    .execute();
}
