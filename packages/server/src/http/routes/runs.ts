import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, parsePlan, parseRunConfig } from '@clientele/analytics';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { nextRunAt, type RunJobs } from '../../runs/runJobs.ts';
import { runDir } from '../../runs/runPaths.ts';
import { recordAudit, type Store } from '../../store/index.ts';
import { jsonb } from '../../store/jsonb.ts';
import { newId } from '../../store/repos/ids.ts';
import { listVersions, readPublished } from '../../store/repos/results.ts';
import { getRun, listRuns } from '../../store/repos/runs.ts';
import type { JsonObject, JsonValue, Run } from '../../store/schema.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { liveDataset } from '../liveDataset.ts';

const runSchema = z
  .object({
    id: z.string(),
    datasetId: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
    progress: z.number(),
    step: z.string().nullable(),
    error: z.string().nullable(),
    attempts: z.number(),
    cancelRequested: z.boolean(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    plan: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('the cleaning plan given at start; null: the automatic steps only'),
    config: z
      .record(z.string(), z.unknown())
      .describe("the run's parameters as given (the clientele analyze config; {} = the defaults)"),
    log: z.string().optional(),
  })
  .meta({ id: 'Run' });

const scheduleSchema = z
  .object({
    id: z.string(),
    datasetId: z.string(),
    cron: z.string(),
    nextRunAt: z.string(),
    lastRunId: z.string().nullable(),
  })
  .meta({ id: 'Schedule' });

function runBody(run: Run, withLog = false): z.infer<typeof runSchema> {
  return {
    id: run.id,
    datasetId: run.dataset_id,
    status: run.status,
    progress: run.progress,
    step: run.step,
    error: run.error,
    attempts: run.attempts,
    cancelRequested: run.cancel_requested,
    createdAt: run.created_at.toISOString(),
    startedAt: run.started_at?.toISOString() ?? null,
    finishedAt: run.finished_at?.toISOString() ?? null,
    plan: run.plan,
    config: run.config,
    ...(withLog ? { log: run.log } : {}),
  };
}

/** The published files a team can download, by name. */
const EXPORTS = ['assignments', 'scores', 'insiders', 'value', 'selection'] as const;

const idParam = z.string().min(1).max(100);

/**
 * Runs of the analysis as durable jobs, their published results, CSV exports, Insiders
 * membership history and schedules. Starting, cancelling and scheduling need `run_models`;
 * reading needs `look_up_customers` (every role).
 */
export function runRoutes(store: Store, jobs: RunJobs, dataDir: string): FastifyPluginAsyncZod {
  return async (app) => {
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

    const datasetOf = (orgId: string, datasetId: string) => liveDataset(store.db, orgId, datasetId);
    /**
     * The parameters of the dataset's latest run: analysing again (on demand or on a schedule)
     * keeps what a team set (other segmentations, a fixed k) unless it gives others.
     */
    const latestConfig = async (orgId: string, datasetId: string): Promise<JsonObject | undefined> =>
      (
        await store.db
          .selectFrom('runs')
          .select('config')
          .where('org_id', '=', orgId)
          .where('dataset_id', '=', datasetId)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .executeTakeFirst()
      )?.config;
    const checkConfig = (config: unknown): JsonObject => {
      try {
        parseRunConfig(config ?? {}, 'config');
      } catch (err) {
        if (err instanceof InputError) throw new HttpError('INVALID_INPUT', err.message, 'body.config');
        throw err;
      }
      return (config ?? {}) as JsonObject;
    };
    /** A cleaning plan as analyze will read it (defaults filled in), or 400 naming the step and field. */
    const checkPlan = (plan: unknown): JsonObject | null => {
      if (plan === undefined || plan === null) return null;
      try {
        return parsePlan(plan, 'plan') as unknown as JsonObject;
      } catch (err) {
        if (err instanceof InputError) {
          const path = Array.isArray(err.details['path']) ? (err.details['path'] as unknown[]) : [];
          throw new HttpError('INVALID_INPUT', err.message, ['body.plan', ...path].join('.'));
        }
        throw err;
      }
    };

    app.post(
      '/api/datasets/:datasetId/runs',
      {
        config: { access: 'run_models' },
        schema: {
          summary: 'Analyse a dataset: queue a run (segments, churn, value), published when complete',
          tags: ['runs'],
          params: z.strictObject({ datasetId: idParam }),
          description:
            'plan: a cleaning plan (GET /api/datasets/:id/plan suggests one) applied before the analysis, ' +
            'kept with the run; without it only the automatic steps run (exact duplicates, sentinels, broken encodings). ' +
            "config: the run's parameters; without it, those of the dataset's latest run (its segmentations, fixed k, ...), else the defaults.",
          // No body at all (null) is a run with the default configuration.
          body: z
            .strictObject({
              config: z.record(z.string(), z.unknown()).optional(),
              plan: z.record(z.string(), z.unknown()).optional(),
            })
            .nullish(),
          response: { 202: runSchema, ...errors },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        await datasetOf(who.orgId, request.params.datasetId);
        const config = checkConfig(
          request.body?.config ?? (await latestConfig(who.orgId, request.params.datasetId)),
        );
        const plan = checkPlan(request.body?.plan);
        const run = await jobs.enqueue({
          orgId: who.orgId,
          datasetId: request.params.datasetId,
          config,
          plan,
          createdBy: who.userId,
        });
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'run_started',
          subject: `run:${run.id}`,
          detail: {
            datasetId: request.params.datasetId,
            planSteps: plan ? (plan['steps'] as unknown[]).length : null,
          },
        });
        reply.code(202);
        return runBody(run);
      },
    );

    app.get(
      '/api/runs',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: 'Runs of the organisation (of one dataset), newest first',
          tags: ['runs'],
          querystring: z.strictObject({ datasetId: idParam.optional() }),
          response: { 200: z.object({ runs: z.array(runSchema) }), ...errors },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const runs = await listRuns(store.db, who.orgId, request.query.datasetId);
        return { runs: runs.map((r) => runBody(r)) };
      },
    );

    app.get(
      '/api/runs/:runId',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: 'One run: status, progress, step, error and its log',
          tags: ['runs'],
          params: z.strictObject({ runId: idParam }),
          response: { 200: runSchema, ...errors },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const run = await getRun(store.db, who.orgId, request.params.runId);
        if (!run) throw new HttpError('NOT_FOUND', 'no such run', 'path.runId');
        return runBody(run, true);
      },
    );

    app.post(
      '/api/runs/:runId/cancel',
      {
        config: { access: 'run_models' },
        schema: {
          summary: 'Cancel a run: a queued one at once, a running one at its next step',
          tags: ['runs'],
          params: z.strictObject({ runId: idParam }),
          response: { 200: runSchema, ...errors, 409: errorBodySchema },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const run = await jobs.cancel(who.orgId, request.params.runId);
        if (!run) throw new HttpError('NOT_FOUND', 'no such run', 'path.runId');
        if (run.status !== 'queued' && run.status !== 'running' && run.status !== 'cancelled') {
          throw new HttpError('CONFLICT', `the run has already ${run.status}; there is nothing to cancel`);
        }
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'run_cancelled',
          subject: `run:${run.id}`,
        });
        return runBody(run);
      },
    );

    app.get(
      '/api/datasets/:datasetId/results',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: 'The published results of a dataset: report, segments, churn, value, model metrics',
          tags: ['results'],
          params: z.strictObject({ datasetId: idParam }),
          response: {
            200: z.object({
              runId: z.string(),
              version: z.number(),
              results: z.record(z.string(), z.unknown()),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        await datasetOf(who.orgId, request.params.datasetId);
        const published = await readPublished(store.db, who.orgId, request.params.datasetId);
        if (!published) {
          throw new HttpError(
            'NOT_FOUND',
            'this dataset has no published results yet: start a run',
            'path.datasetId',
          );
        }
        const results: Record<string, JsonValue> = {};
        for (const r of published.results) results[r.key] = r.data;
        return { runId: published.runId, version: published.version, results };
      },
    );

    app.get(
      '/api/datasets/:datasetId/results/versions',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: 'Every published version of a dataset, oldest first',
          tags: ['results'],
          params: z.strictObject({ datasetId: idParam }),
          response: {
            200: z.object({
              versions: z.array(
                z.object({ version: z.number(), runId: z.string(), publishedAt: z.string() }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        await datasetOf(who.orgId, request.params.datasetId);
        const versions = await listVersions(store.db, who.orgId, request.params.datasetId);
        return { versions: versions.map((v) => ({ ...v, publishedAt: v.publishedAt.toISOString() })) };
      },
    );

    app.get(
      '/api/datasets/:datasetId/exports/:name',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: 'Download a table of the published run as CSV',
          tags: ['results'],
          params: z.strictObject({
            datasetId: idParam,
            name: z.enum(EXPORTS.map((e) => `${e}.csv`) as [string, ...string[]]),
          }),
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        await datasetOf(who.orgId, request.params.datasetId);
        const published = await readPublished(store.db, who.orgId, request.params.datasetId);
        if (!published)
          throw new HttpError('NOT_FOUND', 'this dataset has no published results yet', 'path.datasetId');
        const path = join(runDir(dataDir, who.orgId, published.runId), request.params.name);
        if (!existsSync(path)) {
          throw new HttpError('NOT_FOUND', `the published run has no ${request.params.name}`, 'path.name');
        }
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${request.params.name}"`)
          .send(createReadStream(path));
      },
    );

    app.get(
      '/api/datasets/:datasetId/insiders/changes',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: 'Who entered and who left the Insiders at each published run, newest first',
          tags: ['results'],
          params: z.strictObject({ datasetId: idParam }),
          querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(10_000).default(1000) }),
          response: {
            200: z.object({
              changes: z.array(
                z.object({
                  runId: z.string(),
                  customerId: z.string(),
                  change: z.enum(['entered', 'left']),
                  at: z.string(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        await datasetOf(who.orgId, request.params.datasetId);
        const rows = await store.db
          .selectFrom('insider_changes')
          .select(['run_id', 'customer_id', 'change', 'at'])
          .where('org_id', '=', who.orgId)
          .where('dataset_id', '=', request.params.datasetId)
          .orderBy('at', 'desc')
          .orderBy('customer_id')
          .limit(request.query.limit)
          .execute();
        return {
          changes: rows.map((r) => ({
            runId: r.run_id,
            customerId: r.customer_id,
            change: r.change,
            at: r.at.toISOString(),
          })),
        };
      },
    );

    app.post(
      '/api/datasets/:datasetId/schedules',
      {
        config: { access: 'run_models' },
        schema: {
          summary: 'Re-analyse a dataset on a cron schedule (UTC), e.g. "0 3 1 * *" monthly',
          tags: ['runs'],
          description:
            "config: the runs' parameters; without it, those of the dataset's latest run when the schedule is made, else the defaults.",
          params: z.strictObject({ datasetId: idParam }),
          body: z.strictObject({
            cron: z.string().trim().min(9).max(100),
            config: z.record(z.string(), z.unknown()).optional(),
          }),
          response: { 201: scheduleSchema, ...errors },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        await datasetOf(who.orgId, request.params.datasetId);
        const config = checkConfig(
          request.body.config ?? (await latestConfig(who.orgId, request.params.datasetId)),
        );
        let next: Date;
        try {
          next = nextRunAt(request.body.cron, new Date());
        } catch (err) {
          throw new HttpError('INVALID_INPUT', `cron: ${(err as Error).message}`, 'body.cron');
        }
        const row = await store.db
          .insertInto('schedules')
          .values({
            id: newId(),
            org_id: who.orgId,
            dataset_id: request.params.datasetId,
            cron: request.body.cron,
            config: jsonb(config),
            next_run_at: next,
            created_by: who.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'schedule_created',
          subject: `schedule:${row.id}`,
          detail: { datasetId: row.dataset_id, cron: row.cron },
        });
        reply.code(201);
        return scheduleBody(row);
      },
    );

    app.get(
      '/api/datasets/:datasetId/schedules',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: "A dataset's schedules",
          tags: ['runs'],
          params: z.strictObject({ datasetId: idParam }),
          response: { 200: z.object({ schedules: z.array(scheduleSchema) }), ...errors },
        },
      },
      async (request) => {
        const who = principalOf(request);
        await datasetOf(who.orgId, request.params.datasetId);
        const rows = await store.db
          .selectFrom('schedules')
          .selectAll()
          .where('org_id', '=', who.orgId)
          .where('dataset_id', '=', request.params.datasetId)
          .orderBy('created_at')
          .execute();
        return { schedules: rows.map(scheduleBody) };
      },
    );

    app.delete(
      '/api/schedules/:scheduleId',
      {
        config: { access: 'run_models' },
        schema: {
          summary: 'Stop a schedule',
          tags: ['runs'],
          params: z.strictObject({ scheduleId: idParam }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        const gone = await store.db
          .deleteFrom('schedules')
          .where('org_id', '=', who.orgId)
          .where('id', '=', request.params.scheduleId)
          .executeTakeFirst();
        if (Number(gone.numDeletedRows) === 0)
          throw new HttpError('NOT_FOUND', 'no such schedule', 'path.scheduleId');
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'schedule_deleted',
          subject: `schedule:${request.params.scheduleId}`,
        });
        return reply.code(204).send(null);
      },
    );
  };
}

function scheduleBody(row: {
  id: string;
  dataset_id: string;
  cron: string;
  next_run_at: Date;
  last_run_id: string | null;
}): z.infer<typeof scheduleSchema> {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    cron: row.cron,
    nextRunAt: row.next_run_at.toISOString(),
    lastRunId: row.last_run_id,
  };
}
