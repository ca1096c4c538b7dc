import type { Kysely } from 'kysely';
import { jsonb } from '../jsonb.ts';
import type { Database, JsonValue } from '../schema.ts';

/** Stores one named piece of a run's results; invisible to readers until the run is published. */
export async function writeRunResult(
  db: Kysely<Database>,
  input: { orgId: string; runId: string; key: string; data: JsonValue },
): Promise<void> {
  await db
    .insertInto('run_results')
    .values({ org_id: input.orgId, run_id: input.runId, key: input.key, data: jsonb(input.data) })
    .execute();
}

/** A run of this dataset could not be found to publish. */
export class PublishError extends Error {
  override name = 'PublishError';
}

/**
 * Makes `runId` the dataset's published results, as the next version, in one transaction (the
 * caller's, if `db` is one): readers see the previous version or this one, never a mixture.
 * Concurrent publishers queue on the dataset's pointer row; each gets its own version number.
 */
export async function publishRun(
  db: Kysely<Database>,
  input: { orgId: string; datasetId: string; runId: string; publishedBy: string | null },
): Promise<number> {
  if (!db.isTransaction) return db.transaction().execute((tx) => publishRun(tx, input));
  const run = await db
    .selectFrom('runs')
    .select('id')
    .where('org_id', '=', input.orgId)
    .where('dataset_id', '=', input.datasetId)
    .where('id', '=', input.runId)
    .executeTakeFirst();
  if (!run) throw new PublishError(`run ${input.runId} is not a run of dataset ${input.datasetId}`);
  const { version } = await db
    .insertInto('published_results')
    .values({
      org_id: input.orgId,
      dataset_id: input.datasetId,
      run_id: input.runId,
      version: 1,
      published_by: input.publishedBy,
    })
    .onConflict((oc) =>
      oc.column('dataset_id').doUpdateSet((eb) => ({
        run_id: eb.ref('excluded.run_id'),
        version: eb('published_results.version', '+', 1),
        published_at: new Date(),
        published_by: eb.ref('excluded.published_by'),
      })),
    )
    .returning('version')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('result_versions')
    .values({
      org_id: input.orgId,
      dataset_id: input.datasetId,
      version,
      run_id: input.runId,
      published_by: input.publishedBy,
    })
    .execute();
  return version;
}

export interface PublishedResults {
  runId: string;
  version: number;
  results: { key: string; data: JsonValue }[];
}

/** The dataset's published results, read in one statement (so from one version), or undefined. */
export async function readPublished(
  db: Kysely<Database>,
  orgId: string,
  datasetId: string,
): Promise<PublishedResults | undefined> {
  const rows = await db
    .selectFrom('published_results as p')
    .leftJoin('run_results as r', 'r.run_id', 'p.run_id')
    .select(['p.run_id', 'p.version', 'r.key', 'r.data'])
    .where('p.org_id', '=', orgId)
    .where('p.dataset_id', '=', datasetId)
    .orderBy('r.key')
    .execute();
  const first = rows[0];
  if (!first) return undefined;
  return {
    runId: first.run_id,
    version: first.version,
    results: rows.flatMap((r) => (r.key === null ? [] : [{ key: r.key, data: r.data as JsonValue }])),
  };
}

/** Every published version of a dataset, oldest first. */
export async function listVersions(
  db: Kysely<Database>,
  orgId: string,
  datasetId: string,
): Promise<{ version: number; runId: string; publishedAt: Date }[]> {
  const rows = await db
    .selectFrom('result_versions')
    .select(['version', 'run_id', 'published_at'])
    .where('org_id', '=', orgId)
    .where('dataset_id', '=', datasetId)
    .orderBy('version')
    .execute();
  return rows.map((r) => ({ version: r.version, runId: r.run_id, publishedAt: r.published_at }));
}
