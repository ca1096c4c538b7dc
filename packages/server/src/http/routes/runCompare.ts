import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Store } from '../../store/index.ts';
import { getRun } from '../../store/repos/runs.ts';
import type { Run } from '../../store/schema.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';

const summarySchema = z.object({
  runId: z.string(),
  finishedAt: z.string().nullable(),
  customers: z.number().describe('customers with a result in this run'),
  k: z.number().nullable(),
  algorithm: z.string().nullable(),
  silhouette: z.number().nullable(),
  churnAuc: z.number().nullable().describe("the churn model's AUC on its test split"),
  segments: z.array(z.object({ id: z.number(), name: z.string(), size: z.number(), share: z.number() })),
  insiders: z.object({ count: z.number(), revenueShare: z.number() }).nullable(),
});

type Summary = z.infer<typeof summarySchema>;

/** The parts of a run's report (run_results key `report`) a comparison reads. */
interface ReportPart {
  segmentation?: {
    k?: number;
    algorithm?: string;
    silhouette?: number | null;
    segments?: { id: number; name?: string; size?: number; share?: number }[];
  };
  churn?: { auc?: number } | null;
  value?: { insiders?: { count?: number; revenueShare?: number } | null } | null;
}

const idParam = z.string().min(1).max(100);

/**
 * GET /api/runs/:a/compare/:b: two succeeded runs of one dataset side by side (segments and their
 * sizes, silhouette and k, churn AUC, Insiders), and how customers moved between the two
 * segmentations: a cross-table of segment in a by segment in b from customer_results.
 */
export function runCompareRoutes(store: Store): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/runs/:a/compare/:b',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: 'Two succeeded runs of one dataset compared, with how customers moved between segments',
          tags: ['runs'],
          params: z.strictObject({ a: idParam, b: idParam }),
          response: {
            200: z.object({
              datasetId: z.string(),
              a: summarySchema,
              b: summarySchema,
              moves: z
                .array(z.object({ from: z.number(), to: z.number(), customers: z.number() }))
                .describe('customers in segment `from` of a and segment `to` of b'),
              onlyInA: z.number(),
              onlyInB: z.number(),
            }),
            400: errorBodySchema,
            401: errorBodySchema,
            403: errorBodySchema,
            404: errorBodySchema,
          },
        },
      },
      async (request) => {
        const { orgId } = principalOf(request);
        const found = async (field: 'a' | 'b'): Promise<Run> => {
          const run = await getRun(store.db, orgId, request.params[field]);
          if (!run) throw new HttpError('NOT_FOUND', 'no such run', `path.${field}`);
          if (run.status !== 'succeeded') {
            throw new HttpError(
              'INVALID_INPUT',
              `run ${run.id} has ${run.status === 'queued' || run.status === 'running' ? 'not finished' : run.status}: only succeeded runs have results to compare`,
              `path.${field}`,
            );
          }
          return run;
        };
        const a = await found('a');
        const b = await found('b');
        if (a.dataset_id !== b.dataset_id) {
          throw new HttpError(
            'INVALID_INPUT',
            'the two runs analysed different datasets: compare two runs of the same dataset',
            'path.b',
          );
        }
        const moves = await sql<{ from: number; to: number; customers: string | number }>`
          select x.segment as "from", y.segment as "to", count(*) as customers
          from customer_results x
          join customer_results y on y.run_id = ${b.id} and y.customer_id = x.customer_id
          where x.run_id = ${a.id} and x.org_id = ${orgId} and y.org_id = ${orgId}
          group by x.segment, y.segment
          order by x.segment, y.segment
        `.execute(store.db);
        const counts = await store.db
          .selectFrom('customer_results')
          .select(['run_id', (eb) => eb.fn.countAll<string | number>().as('n')])
          .where('org_id', '=', orgId)
          .where('run_id', 'in', [a.id, b.id])
          .groupBy('run_id')
          .execute();
        const customersOf = (id: string) => Number(counts.find((c) => c.run_id === id)?.n ?? 0);
        const both = moves.rows.reduce((s, m) => s + Number(m.customers), 0);
        return {
          datasetId: a.dataset_id,
          a: await summary(a, customersOf(a.id)),
          b: await summary(b, customersOf(b.id)),
          moves: moves.rows.map((m) => ({ from: m.from, to: m.to, customers: Number(m.customers) })),
          onlyInA: customersOf(a.id) - both,
          onlyInB: customersOf(b.id) - both,
        };
      },
    );

    async function summary(run: Run, customers: number): Promise<Summary> {
      const row = await store.db
        .selectFrom('run_results')
        .select('data')
        .where('org_id', '=', run.org_id)
        .where('run_id', '=', run.id)
        .where('key', '=', 'report')
        .executeTakeFirst();
      const report = (row?.data ?? {}) as ReportPart;
      const seg = report.segmentation ?? {};
      const insiders = report.value?.insiders ?? null;
      return {
        runId: run.id,
        finishedAt: run.finished_at?.toISOString() ?? null,
        customers,
        k: seg.k ?? null,
        algorithm: seg.algorithm ?? null,
        silhouette: seg.silhouette ?? null,
        churnAuc: report.churn?.auc ?? null,
        segments: (seg.segments ?? []).map((s) => ({
          id: s.id,
          name: s.name ?? String(s.id),
          size: s.size ?? 0,
          share: s.share ?? 0,
        })),
        insiders:
          insiders && typeof insiders.count === 'number'
            ? { count: insiders.count, revenueShare: insiders.revenueShare ?? 0 }
            : null,
      };
    }
  };
}
