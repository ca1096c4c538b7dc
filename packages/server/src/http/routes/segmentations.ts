import { crossTableAri, type RunReport } from '@clientele/analytics';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  resolveSegmentation,
  segmentationOf,
  segmentationsOf,
  segmentOf,
  teamSegmentationChoice,
} from '../../runs/segmentations.ts';
import { listSegmentNames, recordAudit, type Store } from '../../store/index.ts';
import { readPublished } from '../../store/repos/results.ts';
import { actingTeam } from '../actingTeam.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { liveDataset } from '../liveDataset.ts';

const idParam = z.string().min(1).max(100);
const segmentationId = z.string().min(1).max(40);

/** The dataset's published run and its report; 404s in words when there is none. */
export async function publishedReportOf(
  store: Store,
  orgId: string,
  datasetId: string,
): Promise<{ runId: string; version: number; report: RunReport }> {
  await liveDataset(store.db, orgId, datasetId);
  const published = await readPublished(store.db, orgId, datasetId);
  const report = published?.results.find((r) => r.key === 'report')?.data as RunReport | undefined;
  if (!published || !report) {
    throw new HttpError(
      'NOT_FOUND',
      'this dataset has no published results yet: start a run',
      'path.datasetId',
    );
  }
  return { runId: published.runId, version: published.version, report };
}

/** A 404 naming the segmentations the run has, for an id it has not. */
export function unknownSegmentation(report: RunReport, id: string, field: string): HttpError {
  const ids = segmentationsOf(report).map((s) => s.id);
  return new HttpError(
    field.startsWith('body') ? 'BAD_REQUEST' : 'NOT_FOUND',
    `the published run has no segmentation "${id}"; it has ${ids.map((i) => `"${i}"`).join(', ')}`,
    field,
  );
}

/** The names a person sees for a segmentation's segments: their team's, else the suggestion. */
async function segmentNames(
  store: Store,
  orgId: string,
  runId: string,
  teamIds: readonly string[],
  report: RunReport,
  segmentation: string,
): Promise<{ id: number; name: string }[]> {
  const own = new Map<string, string>();
  for (const teamId of teamIds) {
    for (const n of await listSegmentNames(store.db, orgId, runId, teamId, segmentation)) {
      if (!own.has(n.segment_id)) own.set(n.segment_id, n.name);
    }
  }
  return (segmentationOf(report, segmentation)?.segments ?? []).map((s) => ({
    id: s.id,
    name: own.get(String(s.id)) ?? s.name,
  }));
}

/**
 * Several segmentations per dataset (B6): GET .../segmentations (each with sizes and
 * silhouettes, and the team's choice), PUT .../segmentation (a team chooses the one it works
 * with; pages and campaigns follow), GET .../segmentations/:a/cross/:b (how customers move
 * between two: a cross-table and the adjusted Rand index).
 */
export function segmentationRoutes(store: Store): FastifyPluginAsyncZod {
  return async (app) => {
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

    app.get(
      '/api/datasets/:datasetId/segmentations',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary:
            "The published run's segmentations side by side: sizes, silhouettes, and which one your team works with",
          description:
            "`silhouette` is in each segmentation's own space (scaled features, PCA or UMAP); `silhouetteOnFeatures` is on the main segmentation's scaled features and sample, so it compares across them. `chosen` is your team's choice when the run has it, else \"main\".",
          tags: ['results'],
          params: z.strictObject({ datasetId: idParam }),
          response: {
            200: z.object({
              runId: z.string(),
              version: z.number(),
              chosen: z.string(),
              choice: z
                .object({ teamId: z.string(), team: z.string(), segmentation: z.string() })
                .nullable()
                .describe('what your team chose; may name a segmentation this run lacks'),
              segmentations: z.array(
                z.object({
                  id: z.string(),
                  name: z.string(),
                  space: z.enum(['features', 'pca', 'umap']),
                  components: z.number().nullable(),
                  features: z.array(z.string()),
                  algorithm: z.string(),
                  k: z.number(),
                  chosenBy: z.string(),
                  silhouette: z.number().nullable(),
                  silhouetteOnFeatures: z.number().nullable(),
                  segments: z.array(
                    z.object({ id: z.number(), name: z.string(), size: z.number(), share: z.number() }),
                  ),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const { datasetId } = request.params;
        const { runId, version, report } = await publishedReportOf(store, who.orgId, datasetId);
        const choice = await teamSegmentationChoice(store.db, who.orgId, who.teamIds, datasetId);
        const chosen = await resolveSegmentation(store.db, {
          orgId: who.orgId,
          teamIds: who.teamIds,
          datasetId,
          report,
        });
        const segmentations = [];
        for (const s of segmentationsOf(report)) {
          const names = await segmentNames(store, who.orgId, runId, who.teamIds, report, s.id);
          segmentations.push({
            id: s.id,
            name: s.name,
            space: s.space,
            components: s.components,
            features: s.features,
            algorithm: s.algorithm,
            k: s.k,
            chosenBy: s.chosenBy,
            silhouette: s.silhouette,
            silhouetteOnFeatures: s.silhouetteOnFeatures,
            segments: s.segments.map((seg) => ({
              id: seg.id,
              name: names.find((n) => n.id === seg.id)?.name ?? seg.name,
              size: seg.size,
              share: seg.share,
            })),
          });
        }
        return { runId, version, chosen, choice, segmentations };
      },
    );

    app.put(
      '/api/datasets/:datasetId/segmentation',
      {
        config: { access: 'rename_segments' },
        schema: {
          summary:
            'Choose the segmentation your team works with: the Segments page, charts, Lookout and campaigns follow it',
          tags: ['results'],
          params: z.strictObject({ datasetId: idParam }),
          body: z.strictObject({
            segmentation: segmentationId,
            teamId: z.string().max(100).optional().describe('which of your teams (when you are in several)'),
          }),
          response: {
            200: z.object({ teamId: z.string(), team: z.string(), segmentation: z.string() }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const { datasetId } = request.params;
        const { report } = await publishedReportOf(store, who.orgId, datasetId);
        const { segmentation } = request.body;
        if (!segmentationOf(report, segmentation)) {
          throw unknownSegmentation(report, segmentation, 'body.segmentation');
        }
        const team = await actingTeam(
          store.db,
          who,
          request.body.teamId,
          'rename_segments',
          'choose a segmentation',
        );
        await store.db
          .insertInto('segmentation_choices')
          .values({
            org_id: who.orgId,
            team_id: team.id,
            dataset_id: datasetId,
            segmentation,
            chosen_by: who.userId,
          })
          .onConflict((oc) =>
            oc.columns(['team_id', 'dataset_id']).doUpdateSet({
              segmentation,
              chosen_by: who.userId,
              chosen_at: new Date(),
            }),
          )
          .execute();
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'segmentation_chosen',
          subject: `dataset:${datasetId}`,
          detail: { team: team.name, segmentation },
        });
        return { teamId: team.id, team: team.name, segmentation };
      },
    );

    app.get(
      '/api/datasets/:datasetId/segmentations/:a/cross/:b',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary:
            'How customers move between two segmentations of the published run: a cross-table and the adjusted Rand index',
          description:
            'cells: customers in segment `from` of a and segment `to` of b (only non-empty cells). ari: 1 = the same grouping, about 0 = no more alike than chance.',
          tags: ['results'],
          params: z.strictObject({ datasetId: idParam, a: segmentationId, b: segmentationId }),
          response: {
            200: z.object({
              runId: z.string(),
              a: z.object({
                id: z.string(),
                name: z.string(),
                segments: z.array(z.object({ id: z.number(), name: z.string() })),
              }),
              b: z.object({
                id: z.string(),
                name: z.string(),
                segments: z.array(z.object({ id: z.number(), name: z.string() })),
              }),
              cells: z.array(z.object({ from: z.number(), to: z.number(), customers: z.number() })),
              ari: z.number().nullable(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const { datasetId, a, b } = request.params;
        const { runId, report } = await publishedReportOf(store, who.orgId, datasetId);
        const sa = segmentationOf(report, a);
        if (!sa) throw unknownSegmentation(report, a, 'path.a');
        const sb = segmentationOf(report, b);
        if (!sb) throw unknownSegmentation(report, b, 'path.b');
        const { rows } = await sql<{ from: number; to: number; customers: string | number }>`
          select x.s as "from", x.t as "to", count(*) as customers
          from (select ${segmentOf(a)} as s, ${segmentOf(b)} as t
                from customer_results r where r.org_id = ${who.orgId} and r.run_id = ${runId}) x
          where x.s is not null and x.t is not null
          group by x.s, x.t
          order by x.s, x.t
        `.execute(store.db);
        const cells = rows.map((r) => ({
          from: Number(r.from),
          to: Number(r.to),
          customers: Number(r.customers),
        }));
        const ari = crossTableAri(cells);
        const side = async (s: NonNullable<typeof sa>) => ({
          id: s.id,
          name: s.name,
          segments: await segmentNames(store, who.orgId, runId, who.teamIds, report, s.id),
        });
        return { runId, a: await side(sa), b: await side(sb), cells, ari };
      },
    );
  };
}
