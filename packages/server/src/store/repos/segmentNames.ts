import type { Kysely } from 'kysely';
import type { Database, SegmentName } from '../schema.ts';
import { newId } from './ids.ts';

/** Sets a team's name and description of one segment of a run (replacing the team's earlier one). */
export async function setSegmentName(
  db: Kysely<Database>,
  input: {
    orgId: string;
    runId: string;
    /** 'main' (the default) or one of the run's other segmentations. */
    segmentation?: string;
    segmentId: string;
    teamId: string;
    name: string;
    description: string;
    updatedBy: string | null;
  },
): Promise<SegmentName> {
  return db
    .insertInto('segment_names')
    .values({
      id: newId(),
      org_id: input.orgId,
      run_id: input.runId,
      segmentation: input.segmentation ?? 'main',
      segment_id: input.segmentId,
      team_id: input.teamId,
      name: input.name,
      description: input.description,
      updated_by: input.updatedBy,
    })
    .onConflict((oc) =>
      oc.columns(['run_id', 'segmentation', 'segment_id', 'team_id']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        description: eb.ref('excluded.description'),
        updated_by: eb.ref('excluded.updated_by'),
        updated_at: new Date(),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The names given to the segments of a run's segmentation ('main' by default; by one team if given). */
export async function listSegmentNames(
  db: Kysely<Database>,
  orgId: string,
  runId: string,
  teamId?: string,
  segmentation = 'main',
): Promise<SegmentName[]> {
  let q = db
    .selectFrom('segment_names')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('run_id', '=', runId)
    .where('segmentation', '=', segmentation);
  if (teamId !== undefined) q = q.where('team_id', '=', teamId);
  return q.orderBy('segment_id').orderBy('team_id').execute();
}
