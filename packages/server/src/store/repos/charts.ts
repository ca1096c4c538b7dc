import type { Kysely, Selectable } from 'kysely';
import { jsonb } from '../jsonb.ts';
import type { ChartsTable, Database, JsonObject } from '../schema.ts';
import { newId } from './ids.ts';

export type ChartRow = Selectable<ChartsTable>;

/** Saves a team's chart. */
export async function createChart(
  db: Kysely<Database>,
  input: {
    orgId: string;
    teamId: string;
    datasetId: string;
    title: string;
    spec: JsonObject;
    createdBy: string | null;
  },
): Promise<ChartRow> {
  return db
    .insertInto('charts')
    .values({
      id: newId(),
      org_id: input.orgId,
      team_id: input.teamId,
      dataset_id: input.datasetId,
      title: input.title,
      spec: jsonb(input.spec),
      created_by: input.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The charts of these teams (a dataset's only, when given), oldest first: a page's order. */
export async function listCharts(
  db: Kysely<Database>,
  orgId: string,
  teamIds: readonly string[],
  datasetId?: string,
): Promise<ChartRow[]> {
  if (teamIds.length === 0) return [];
  let q = db.selectFrom('charts').selectAll().where('org_id', '=', orgId).where('team_id', 'in', teamIds);
  if (datasetId !== undefined) q = q.where('dataset_id', '=', datasetId);
  return q.orderBy('created_at').orderBy('id').execute();
}

export async function getChart(
  db: Kysely<Database>,
  orgId: string,
  id: string,
): Promise<ChartRow | undefined> {
  return db
    .selectFrom('charts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Renames a chart or changes its spec. */
export async function updateChart(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  patch: { title?: string; spec?: JsonObject },
): Promise<ChartRow | undefined> {
  return db
    .updateTable('charts')
    .set({
      ...(patch.title === undefined ? {} : { title: patch.title }),
      ...(patch.spec === undefined ? {} : { spec: jsonb(patch.spec) }),
      updated_at: new Date(),
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteChart(db: Kysely<Database>, orgId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('charts').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
