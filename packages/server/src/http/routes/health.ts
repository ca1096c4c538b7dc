import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Store } from '../../store/index.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { SERVER_VERSION } from '../version.ts';

export const healthSchema = z
  .object({
    ok: z.literal(true),
    version: z.string().describe('the server package version'),
    store: z.enum(['pglite', 'postgres']),
    migrations: z.array(z.string()).describe('applied migrations, oldest first'),
  })
  .meta({ id: 'Health' });

/** GET /api/health: answers only once the store answers (it reads the applied migrations). */
export function healthRoutes(store: Store): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/health',
      {
        config: { access: 'public' },
        schema: {
          summary: 'Is the server up and its store reachable',
          tags: ['system'],
          response: { 200: healthSchema, 503: errorBodySchema },
        },
      },
      async () => {
        let migrations: string[];
        try {
          migrations = await store.migrations();
        } catch (err) {
          throw new HttpError('STORE_UNAVAILABLE', `the store does not answer: ${(err as Error).message}`);
        }
        return { ok: true as const, version: SERVER_VERSION, store: store.kind, migrations };
      },
    );
  };
}
