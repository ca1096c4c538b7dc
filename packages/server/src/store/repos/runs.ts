import type { Kysely, Updateable } from 'kysely';
import { jsonb } from '../jsonb.ts';
import type { Database, JsonObject, Run, RunsTable } from '../schema.ts';
import { newId } from './ids.ts';

export async function createRun(
  db: Kysely<Database>,
  input: {
    orgId: string;
    datasetId: string;
    config: JsonObject;
    createdBy: string | null;
    /** A cleaning plan (checked by the caller); none: the automatic steps. */
    plan?: JsonObject | null;
  },
): Promise<Run> {
  return db
    .insertInto('runs')
    .values({
      id: newId(),
      org_id: input.orgId,
      dataset_id: input.datasetId,
      config: jsonb(input.config),
      plan: input.plan ? jsonb(input.plan) : null,
      created_by: input.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getRun(db: Kysely<Database>, orgId: string, id: string): Promise<Run | undefined> {
  return db
    .selectFrom('runs')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The organisation's runs (of one dataset if given), newest first. */
export async function listRuns(db: Kysely<Database>, orgId: string, datasetId?: string): Promise<Run[]> {
  let q = db.selectFrom('runs').selectAll().where('org_id', '=', orgId);
  if (datasetId !== undefined) q = q.where('dataset_id', '=', datasetId);
  return q.orderBy('created_at', 'desc').orderBy('id').execute();
}

export type RunPatch = Omit<Updateable<RunsTable>, 'id' | 'org_id' | 'dataset_id' | 'version' | 'updated_at'>;

/**
 * Compare-and-set: applies `patch` only if the run is still at `expectedVersion`, and bumps the
 * version. Returns the updated run, or undefined when someone else changed it first.
 */
export async function updateRun(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  expectedVersion: number,
  patch: RunPatch,
): Promise<Run | undefined> {
  return db
    .updateTable('runs')
    .set((eb) => ({ ...patch, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}
