import type { ChurnReport, RunReport, SegmentReport } from '@clientele/analytics';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../store/schema.ts';

/** The main segmentation's id: the one every run has, in customer_results.segment. */
export const MAIN_SEGMENTATION = 'main';

/** One segmentation of a run, main or other, in the shape pages and campaigns read. */
export interface SegmentationView {
  id: string;
  name: string;
  space: 'features' | 'pca' | 'umap';
  components: number | null;
  features: string[];
  algorithm: string;
  k: number;
  chosenBy: 'elbow' | 'silhouette' | 'config';
  silhouette: number | null;
  /** On the main segmentation's scaled features and sample: comparable across segmentations. */
  silhouetteOnFeatures: number | null;
  segments: SegmentReport[];
  churnBySegment: ChurnReport['bySegment'] | null;
}

/** Every segmentation of a run: the main one first, then the config's others (none in runs made before them). */
export function segmentationsOf(report: RunReport): SegmentationView[] {
  // Reports are stored as their run wrote them: an older or partial one may lack a field.
  const m = report.segmentation;
  const main: SegmentationView = {
    id: MAIN_SEGMENTATION,
    name: 'Main segmentation',
    space: 'features',
    components: null,
    features: m.features ?? [],
    algorithm: m.algorithm ?? 'unknown',
    k: m.k ?? m.segments.length,
    chosenBy: m.chosenBy ?? 'config',
    silhouette: m.silhouette ?? null,
    silhouetteOnFeatures: m.silhouette ?? null,
    segments: m.segments,
    churnBySegment: report.churn?.bySegment ?? null,
  };
  const others = (report.alternatives ?? []).map(
    (a): SegmentationView => ({
      id: a.id,
      name: a.name,
      space: a.space,
      components: a.components,
      features: a.features,
      algorithm: a.algorithm,
      k: a.k,
      chosenBy: a.chosenBy,
      silhouette: a.silhouette,
      silhouetteOnFeatures: a.silhouetteOnFeatures,
      segments: a.segments,
      churnBySegment: a.churnBySegment,
    }),
  );
  return [main, ...others];
}

/** One segmentation of a run by id, or undefined when the run has none by that id. */
export function segmentationOf(report: RunReport, id: string): SegmentationView | undefined {
  return segmentationsOf(report).find((s) => s.id === id);
}

/**
 * The segmentation a person's teams work with on a dataset: the choice of the first of their
 * teams (by name) that made one; null when none did. Several teams may choose differently; a
 * person in two such teams sees the first's choice, as with segment names.
 */
export async function teamSegmentationChoice(
  db: Kysely<Database>,
  orgId: string,
  teamIds: readonly string[],
  datasetId: string,
): Promise<{ teamId: string; team: string; segmentation: string } | null> {
  if (teamIds.length === 0) return null;
  const row = await db
    .selectFrom('segmentation_choices as s')
    .innerJoin('teams as t', 't.id', 's.team_id')
    .select(['s.team_id', 't.name', 's.segmentation'])
    .where('s.org_id', '=', orgId)
    .where('s.dataset_id', '=', datasetId)
    .where('s.team_id', 'in', teamIds)
    .orderBy('t.name')
    .orderBy('t.id')
    .executeTakeFirst();
  return row ? { teamId: row.team_id, team: row.name, segmentation: row.segmentation } : null;
}

/**
 * Which segmentation to show: the one asked for; else the team's choice when the run has it;
 * else the main one (a run made with other settings may lack the chosen one).
 */
export async function resolveSegmentation(
  db: Kysely<Database>,
  input: {
    orgId: string;
    teamIds: readonly string[];
    datasetId: string;
    report: RunReport;
    requested?: string;
  },
): Promise<string> {
  if (input.requested !== undefined) return input.requested;
  const choice = await teamSegmentationChoice(db, input.orgId, input.teamIds, input.datasetId);
  return choice && segmentationOf(input.report, choice.segmentation)
    ? choice.segmentation
    : MAIN_SEGMENTATION;
}

/**
 * The segment of customer `r` (a customer_results row) in a segmentation, as SQL: the column
 * itself for the main one, the customer_segments row (by its primary key) for another.
 */
export function segmentOf(segmentation: string | undefined, alias = 'r'): RawBuilder<number> {
  const r = sql.ref(alias);
  if (segmentation === undefined || segmentation === MAIN_SEGMENTATION) return sql<number>`${r}.segment`;
  return sql<number>`(select cs.segment from customer_segments cs
    where cs.run_id = ${r}.run_id and cs.segmentation = ${segmentation} and cs.customer_id = ${r}.customer_id)`;
}

/** A run's report (run.json) as stored, or undefined when the run has none. */
export async function runReportOf(
  db: Kysely<Database>,
  orgId: string,
  runId: string,
): Promise<RunReport | undefined> {
  const row = await db
    .selectFrom('run_results')
    .select((eb) => eb.ref('data').$castTo<unknown>().as('data'))
    .where('org_id', '=', orgId)
    .where('run_id', '=', runId)
    .where('key', '=', 'report')
    .executeTakeFirst();
  const report = row?.data as RunReport | undefined;
  return report?.segmentation ? report : undefined;
}
