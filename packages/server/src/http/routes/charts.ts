import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publishedRunOf, segmentNamesOf } from '../../campaigns/audience.ts';
import { type ChartData, chartData } from '../../charts/chartData.ts';
import { BUILT_IN_FIELDS, ChartFieldError, listAttributeFields } from '../../charts/chartFields.ts';
import { type ChartSpec, chartSpecSchema } from '../../charts/chartSpec.ts';
import { MAIN_SEGMENTATION, resolveSegmentation, runReportOf } from '../../runs/segmentations.ts';
import type { Store } from '../../store/index.ts';
import {
  type ChartRow,
  createChart,
  deleteChart,
  getChart,
  listCharts,
  updateChart,
} from '../../store/repos/charts.ts';
import type { JsonObject } from '../../store/schema.ts';
import { actingTeam, teamsOf } from '../actingTeam.ts';
import { type Principal, principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { liveDataset } from '../liveDataset.ts';
import { allows } from '../permissions.ts';

const idParam = z.string().min(1).max(100);
const titleSchema = z.string().trim().min(1).max(200);

const binSchema = z.object({ from: z.number(), to: z.number() });
const dataSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('histogram'),
      bins: z.array(binSchema),
      series: z.array(z.object({ segment: z.number(), counts: z.array(z.number()) })),
    }),
    z.object({
      kind: z.literal('box'),
      boxes: z.array(
        z.object({
          segment: z.number(),
          count: z.number(),
          min: z.number(),
          q1: z.number(),
          median: z.number(),
          q3: z.number(),
          max: z.number(),
        }),
      ),
    }),
    z.object({
      kind: z.literal('bar'),
      bars: z.array(
        z.object({ label: z.string().nullable(), value: z.number().nullable(), count: z.number() }),
      ),
      truncated: z.boolean().describe('more categories than shown (the most frequent 50 are)'),
    }),
    z.object({
      kind: z.literal('scatter'),
      total: z.number().describe('customers with both values; points is a seeded sample of them'),
      points: z.array(z.object({ x: z.number(), y: z.number(), segment: z.number() })),
    }),
    z.object({
      kind: z.literal('heatmap'),
      x: z.array(z.string().nullable()),
      y: z.array(z.string().nullable()),
      cells: z.array(z.object({ x: z.number(), y: z.number(), count: z.number() })),
      truncated: z.boolean(),
    }),
    z.object({
      kind: z.literal('line'),
      points: z.array(z.object({ month: z.string(), value: z.number().nullable(), count: z.number() })),
    }),
  ])
  .meta({ id: 'ChartData' });

const chartDataResponse = z.object({
  datasetId: z.string(),
  runId: z.string().describe('the published run the figures come from'),
  segments: z
    .array(z.object({ id: z.number(), name: z.string() }))
    .describe("segment names, your team's first"),
  data: dataSchema,
});

const chartSchema = z
  .object({
    id: z.string(),
    datasetId: z.string(),
    title: z.string(),
    spec: z.record(z.string(), z.unknown()),
    team: z.object({ id: z.string(), name: z.string() }),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SavedChart' });

/**
 * The chart builder (E11): POST /api/datasets/:datasetId/chart-data computes a chart from the
 * dataset's published run; GET/POST /api/charts and PUT/DELETE /api/charts/:id keep a team's
 * charts (their specs: the figures are computed again from the newest run when shown).
 */
export function chartRoutes(store: Store): FastifyPluginAsyncZod {
  return async (app) => {
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

    const compute = async (
      who: Principal,
      datasetId: string,
      spec: ChartSpec,
      specPath: string,
    ): Promise<z.infer<typeof chartDataResponse>> => {
      await liveDataset(store.db, who.orgId, datasetId, 'datasetId');
      const runId = await publishedRunOf(store.db, who.orgId, datasetId);
      if (!runId)
        throw new HttpError(
          'NOT_FOUND',
          'this dataset has no published results yet: start a run',
          'datasetId',
        );
      const report = await runReportOf(store.db, who.orgId, runId);
      // Charts by segment follow the segmentation the team works with.
      const segmentation = report?.segmentation
        ? await resolveSegmentation(store.db, { orgId: who.orgId, teamIds: who.teamIds, datasetId, report })
        : MAIN_SEGMENTATION;
      let data: ChartData;
      try {
        data = await chartData(store.db, { orgId: who.orgId, datasetId, runId, spec, segmentation });
      } catch (err) {
        if (err instanceof ChartFieldError)
          throw new HttpError('INVALID_INPUT', err.message, `${specPath}.${err.path}`);
        throw err;
      }
      const names = await segmentNamesOf(store.db, who.orgId, runId, who.teamIds, segmentation);
      return { datasetId, runId, segments: [...names].map(([id, n]) => ({ id, name: n.name })), data };
    };

    const editableTeams = async (who: Principal) =>
      (await teamsOf(store.db, who)).filter((t) => allows([t.role], 'rename_segments'));

    const chartJson = (c: ChartRow, teamName: string): z.infer<typeof chartSchema> => ({
      id: c.id,
      datasetId: c.dataset_id,
      title: c.title,
      spec: c.spec,
      team: { id: c.team_id, name: teamName },
      createdBy: c.created_by,
      createdAt: c.created_at.toISOString(),
      updatedAt: c.updated_at.toISOString(),
    });

    /** A chart of one of the person's teams where they may change it; 404 for any other. */
    const editable = async (who: Principal, id: string): Promise<{ chart: ChartRow; team: string }> => {
      const chart = await getChart(store.db, who.orgId, id);
      const team = chart && (await editableTeams(who)).find((t) => t.id === chart.team_id);
      if (!chart || !team) throw new HttpError('NOT_FOUND', 'no such chart among your teams', 'path.id');
      return { chart, team: team.name };
    };

    app.post(
      '/api/datasets/:datasetId/chart-data',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: "A chart's figures from the dataset's published run",
          description:
            'Kinds: histogram (a numeric field, bins, per segment), box (a numeric field per segment: min, quartiles, max), bar (a category with count, mean of a numeric field, or churn rate = mean churn probability), scatter (two numeric fields, a seeded sample of at most 2,000 points), heatmap (two categories or binned numeric fields: counts), line (a date column by month: count or mean). A field the chart cannot use is a 400 naming it (body.spec.field).',
          tags: ['charts'],
          params: z.strictObject({ datasetId: idParam }),
          body: z.strictObject({ spec: chartSpecSchema }),
          response: { 200: chartDataResponse, ...errors },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const { datasetId } = request.params;
        return compute(who, datasetId, request.body.spec, 'body.spec').catch((err: unknown) => {
          if (err instanceof HttpError && err.field === 'datasetId')
            throw new HttpError(err.code, err.message, 'path.datasetId');
          throw err;
        });
      },
    );

    app.get(
      '/api/datasets/:datasetId/chart-fields',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: 'The fields a chart of this dataset can use: built-in ones and the columns of the file',
          tags: ['charts'],
          params: z.strictObject({ datasetId: idParam }),
          response: {
            200: z.object({
              builtIn: z.object({ numeric: z.array(z.string()), categories: z.array(z.string()) }),
              attributes: z.array(
                z.object({
                  name: z.string(),
                  numeric: z.boolean(),
                  date: z.boolean().describe('written YYYY-MM-DD: a line over time by month'),
                  distinct: z.number().describe('distinct values among a sample of 5,000 customers'),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const d = await liveDataset(store.db, who.orgId, request.params.datasetId);
        return {
          builtIn: {
            numeric: ['churn_probability'],
            categories: BUILT_IN_FIELDS.filter((f) => f !== 'churn_probability'),
          },
          attributes: await listAttributeFields(store.db, who.orgId, d.id),
        };
      },
    );

    app.get(
      '/api/charts',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary:
            "Your teams' saved charts (their specs; POST .../chart-data draws each from the newest run)",
          tags: ['charts'],
          querystring: z.strictObject({ datasetId: idParam.optional() }),
          response: { 200: z.object({ charts: z.array(chartSchema) }), ...errors },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const teams = await teamsOf(store.db, who);
        const names = new Map(teams.map((t) => [t.id, t.name]));
        const rows = await listCharts(
          store.db,
          who.orgId,
          teams.map((t) => t.id),
          request.query.datasetId,
        );
        return { charts: rows.map((c) => chartJson(c, names.get(c.team_id) ?? '')) };
      },
    );

    app.post(
      '/api/charts',
      {
        config: { access: 'rename_segments' },
        schema: {
          summary: "Save a chart to a team's page of charts",
          description: 'The spec is checked by computing it once (400 naming the field it cannot use).',
          tags: ['charts'],
          body: z.strictObject({
            datasetId: idParam,
            title: titleSchema,
            spec: chartSpecSchema,
            teamId: idParam.optional().describe('which of your teams (when you are in several)'),
          }),
          response: { 201: chartSchema, ...errors },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        const team = await actingTeam(store.db, who, request.body.teamId, 'rename_segments', 'save charts');
        await compute(who, request.body.datasetId, request.body.spec, 'body.spec').catch((err: unknown) => {
          if (err instanceof HttpError && err.field === 'datasetId')
            throw new HttpError(err.code, err.message, 'body.datasetId');
          throw err;
        });
        const chart = await createChart(store.db, {
          orgId: who.orgId,
          teamId: team.id,
          datasetId: request.body.datasetId,
          title: request.body.title,
          spec: request.body.spec as JsonObject,
          createdBy: who.userId,
        });
        reply.code(201);
        return chartJson(chart, team.name);
      },
    );

    app.put(
      '/api/charts/:id',
      {
        config: { access: 'rename_segments' },
        schema: {
          summary: 'Rename a saved chart or change its spec',
          tags: ['charts'],
          params: z.strictObject({ id: idParam }),
          body: z.strictObject({ title: titleSchema.optional(), spec: chartSpecSchema.optional() }),
          response: { 200: chartSchema, ...errors },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const { chart, team } = await editable(who, request.params.id);
        if (request.body.spec) await compute(who, chart.dataset_id, request.body.spec, 'body.spec');
        const updated = await updateChart(store.db, who.orgId, chart.id, {
          ...(request.body.title === undefined ? {} : { title: request.body.title }),
          ...(request.body.spec === undefined ? {} : { spec: request.body.spec as JsonObject }),
        });
        if (!updated) throw new HttpError('NOT_FOUND', 'no such chart among your teams', 'path.id');
        return chartJson(updated, team);
      },
    );

    app.delete(
      '/api/charts/:id',
      {
        config: { access: 'rename_segments' },
        schema: {
          summary: "Remove a saved chart from its team's page",
          tags: ['charts'],
          params: z.strictObject({ id: idParam }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        const { chart } = await editable(who, request.params.id);
        await deleteChart(store.db, who.orgId, chart.id);
        return reply.code(204).send(null);
      },
    );
  };
}
