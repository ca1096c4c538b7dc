import { readFile } from 'node:fs/promises';
import { type DatasetProfile, suggestPlan } from '@clientele/analytics';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { profileFile } from '../../datasets/paths.ts';
import type { Store } from '../../store/index.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { liveDataset } from '../liveDataset.ts';

const warningSchema = z.object({
  code: z.string(),
  column: z.string().nullable(),
  message: z.string(),
  suggestion: z.record(z.string(), z.unknown()).nullable(),
});

/**
 * GET /api/datasets/:datasetId/plan: the cleaning plan the dataset's profile suggests, for a person
 * to switch steps on and off and edit before starting a run with it (POST .../runs, `plan`).
 */
export function planRoutes(store: Store, dataDir: string): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/datasets/:datasetId/plan',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: "The cleaning plan suggested by a dataset's profile: one step per warning that has a fix",
          description:
            'Each step carries the warning that asked for it as its note. Outlier fences stay among the warnings ' +
            '(far values are often the best customers); warnings lists all of them. automatic: the ops a run ' +
            'applies on its own when no plan is given.',
          tags: ['runs'],
          params: z.strictObject({ datasetId: z.string().min(1).max(100) }),
          response: {
            200: z.object({
              plan: z.object({
                version: z.literal(1),
                description: z.string().optional(),
                steps: z.array(z.record(z.string(), z.unknown())),
              }),
              warnings: z.array(warningSchema),
              automatic: z.array(z.string()),
            }),
            401: errorBodySchema,
            403: errorBodySchema,
            404: errorBodySchema,
          },
        },
      },
      async (request) => {
        const { orgId } = principalOf(request);
        const { datasetId } = request.params;
        const _dataset = await liveDataset(store.db, orgId, datasetId);
        let profile: DatasetProfile;
        try {
          profile = JSON.parse(
            await readFile(profileFile(dataDir, orgId, datasetId), 'utf8'),
          ) as DatasetProfile;
        } catch {
          throw new HttpError(
            'NOT_FOUND',
            'this dataset has no profile to suggest a plan from: upload the file again',
            'path.datasetId',
          );
        }
        const plan = suggestPlan(profile);
        return {
          plan: { ...plan, steps: plan.steps as Record<string, unknown>[] },
          warnings: profile.warnings.map((w) => ({
            code: w.code,
            column: w.column,
            message: w.message,
            suggestion: w.suggestion,
          })),
          automatic: AUTOMATIC_OPS,
        };
      },
    );
  };
}

/** What analyze applies without a plan (analyzeRun.ts AUTOMATIC_STEPS): said to the person editing one. */
const AUTOMATIC_OPS = ['drop_duplicates', 'sentinel_to_missing', 'replace'];
