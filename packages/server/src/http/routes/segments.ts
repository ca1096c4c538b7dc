import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { resolveSegmentation, segmentationOf } from '../../runs/segmentations.ts';
import { listSegmentNames, recordAudit, type Store, setSegmentName } from '../../store/index.ts';
import { actingTeam, teamsOf } from '../actingTeam.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { publishedReportOf, unknownSegmentation } from './segmentations.ts';

const segmentSchema = z
  .object({
    id: z.number(),
    name: z.string().describe("your team's name, else the suggested one"),
    description: z.string(),
    suggested: z.object({ name: z.string(), description: z.string() }),
    names: z
      .array(z.object({ teamId: z.string(), team: z.string(), name: z.string(), description: z.string() }))
      .describe("every team's own name for this segment (F3)"),
    size: z.number(),
    share: z.number(),
    revenueShare: z.number().nullable(),
    churn: z
      .object({ meanProbability: z.number(), tiers: z.record(z.string(), z.number()) })
      .nullable()
      .describe('risk-tier counts, when the dataset has a churn label'),
    drivers: z.array(z.object({ feature: z.string(), importance: z.number(), direction: z.string() })),
  })
  .meta({ id: 'Segment' });

const idParam = z.string().min(1).max(100);

/**
 * GET /api/datasets/:datasetId/segments (the published run's segments with every team's names,
 * risk tiers and drivers) and PUT .../segments/:segmentId/name (a team names a segment its way).
 */
export function segmentRoutes(store: Store): FastifyPluginAsyncZod {
  return async (app) => {
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

    const publishedReport = (orgId: string, datasetId: string) => publishedReportOf(store, orgId, datasetId);
    app.get(
      '/api/datasets/:datasetId/segments',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary:
            "The published segments: names (yours and every team's), size, risk tiers, what sets them apart",
          tags: ['results'],
          params: z.strictObject({ datasetId: idParam }),
          querystring: z.strictObject({
            segmentation: z
              .string()
              .min(1)
              .max(40)
              .optional()
              .describe("which segmentation (see .../segmentations); default: your team's choice, else main"),
          }),
          response: {
            200: z.object({
              runId: z.string(),
              version: z.number(),
              segmentation: z.string(),
              segments: z.array(segmentSchema),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const { datasetId } = request.params;
        const { runId, version, report } = await publishedReport(who.orgId, datasetId);
        const segmentation = await resolveSegmentation(store.db, {
          orgId: who.orgId,
          teamIds: who.teamIds,
          datasetId,
          report,
          requested: request.query.segmentation,
        });
        const shown = segmentationOf(report, segmentation);
        if (!shown) throw unknownSegmentation(report, segmentation, 'query.segmentation');
        const mine = new Set((await teamsOf(store.db, who)).map((t) => t.id));
        const teamNames = new Map(
          (
            await store.db
              .selectFrom('teams')
              .select(['id', 'name'])
              .where('org_id', '=', who.orgId)
              .execute()
          ).map((t) => [t.id, t.name]),
        );
        const named = await listSegmentNames(store.db, who.orgId, runId, undefined, segmentation);
        const segments = shown.segments.map((s) => {
          const names = named
            .filter((n) => n.segment_id === String(s.id))
            .map((n) => ({
              teamId: n.team_id,
              team: teamNames.get(n.team_id) ?? '',
              name: n.name,
              description: n.description,
            }));
          const own = names.find((n) => mine.has(n.teamId));
          const risk = shown.churnBySegment?.find((b) => b.segment === s.id);
          return {
            id: s.id,
            name: own?.name ?? s.name,
            description: own?.description ?? s.description,
            suggested: { name: s.name, description: s.description },
            names,
            size: s.size,
            share: s.share,
            revenueShare: s.revenueShare,
            churn: risk ? { meanProbability: risk.meanProbability, tiers: risk.tiers } : null,
            drivers: s.drivers,
          };
        });
        return { runId, version, segmentation, segments };
      },
    );

    app.put(
      '/api/datasets/:datasetId/segments/:segmentId/name',
      {
        config: { access: 'rename_segments' },
        schema: {
          summary: "Name and describe a segment your team's way (other teams keep theirs)",
          tags: ['results'],
          params: z.strictObject({ datasetId: idParam, segmentId: z.coerce.number().int().min(0).max(1000) }),
          body: z.strictObject({
            name: z.string().trim().min(1).max(80),
            description: z.string().trim().max(500).default(''),
            teamId: z.string().max(100).optional().describe('which of your teams (when you are in several)'),
            segmentation: z
              .string()
              .min(1)
              .max(40)
              .optional()
              .describe("which segmentation the segment is in; default: your team's choice, else main"),
          }),
          response: {
            200: z.object({
              segmentId: z.number(),
              segmentation: z.string(),
              teamId: z.string(),
              name: z.string(),
              description: z.string(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const { datasetId, segmentId } = request.params;
        const { runId, report } = await publishedReport(who.orgId, datasetId);
        const segmentation = await resolveSegmentation(store.db, {
          orgId: who.orgId,
          teamIds: who.teamIds,
          datasetId,
          report,
          requested: request.body.segmentation,
        });
        const shown = segmentationOf(report, segmentation);
        if (!shown) throw unknownSegmentation(report, segmentation, 'body.segmentation');
        if (!shown.segments.some((s) => s.id === segmentId)) {
          throw new HttpError(
            'NOT_FOUND',
            `the published run's segmentation "${segmentation}" has no segment ${segmentId}`,
            'path.segmentId',
          );
        }
        const team = await actingTeam(
          store.db,
          who,
          request.body.teamId,
          'rename_segments',
          'rename segments',
        );
        const row = await setSegmentName(store.db, {
          orgId: who.orgId,
          runId,
          segmentation,
          segmentId: String(segmentId),
          teamId: team.id,
          name: request.body.name,
          description: request.body.description,
          updatedBy: who.userId,
        });
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'segment_renamed',
          subject: `segment:${runId}:${segmentation === 'main' ? '' : `${segmentation}:`}${segmentId}`,
          detail: { team: team.name, name: row.name },
        });
        return { segmentId, segmentation, teamId: team.id, name: row.name, description: row.description };
      },
    );
  };
}
