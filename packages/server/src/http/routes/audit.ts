import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Store } from '../../store/index.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema } from '../errors.ts';

const entrySchema = z
  .object({
    at: z.string(),
    action: z.string().describe('e.g. sign_in, dataset_uploaded, run_started, segment_renamed, role_changed'),
    subject: z.string(),
    user: z.object({ id: z.string(), email: z.string(), name: z.string() }).nullable(),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });

/** GET /api/audit: who did what, when, in the organisation; for managers. */
export function auditRoutes(store: Store): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/audit',
      {
        config: { access: 'manage_members' },
        schema: {
          summary: 'The audit log, newest first: uploads, runs, renames, role changes, sign-ins',
          tags: ['auth'],
          querystring: z.strictObject({
            action: z.string().max(50).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            before: z.iso.datetime().optional().describe('entries strictly older than this time (paging)'),
          }),
          response: {
            200: z.object({ entries: z.array(entrySchema) }),
            400: errorBodySchema,
            401: errorBodySchema,
            403: errorBodySchema,
          },
        },
      },
      async (request) => {
        const { orgId } = principalOf(request);
        let q = store.db
          .selectFrom('audit_log as a')
          .leftJoin('users as u', 'u.id', 'a.user_id')
          .select(['a.at', 'a.action', 'a.subject', 'a.detail', 'a.user_id', 'u.email', 'u.name'])
          .where('a.org_id', '=', orgId);
        if (request.query.action !== undefined) q = q.where('a.action', '=', request.query.action);
        if (request.query.before !== undefined) q = q.where('a.at', '<', new Date(request.query.before));
        const rows = await q.orderBy('a.at', 'desc').orderBy('a.id').limit(request.query.limit).execute();
        return {
          entries: rows.map((r) => ({
            at: r.at.toISOString(),
            action: r.action,
            subject: r.subject,
            user: r.user_id === null ? null : { id: r.user_id, email: r.email ?? '', name: r.name ?? '' },
            detail: r.detail as Record<string, unknown>,
          })),
        };
      },
    );
  };
}
