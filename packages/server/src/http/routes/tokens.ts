import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiToken, recordAudit, revokeApiToken, type Store } from '../../store/index.ts';
import { principalOf } from '../auth/principal.ts';
import { newSecret, sha256 } from '../auth/secrets.ts';
import { errorBodySchema, HttpError } from '../errors.ts';

const DAY = 24 * 60 * 60 * 1000;

const createdSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    token: z.string().describe('shown this once: send it as Authorization: Bearer <token>'),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'ApiTokenCreated' });

/** GET and POST /api/tokens, DELETE /api/tokens/:id: a person's API tokens for scripts. */
export function tokenRoutes(store: Store): FastifyPluginAsyncZod {
  return async (app) => {
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
    app.post(
      '/api/tokens',
      {
        config: { access: 'signed_in' },
        schema: {
          summary: 'Create an API token acting as you (shown once)',
          tags: ['auth'],
          body: z.strictObject({
            name: z.string().trim().min(1).max(100),
            expiresInDays: z.number().int().min(1).max(3650).optional(),
          }),
          response: { 201: createdSchema, ...errors },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        const token = newSecret('clt_');
        const { name, expiresInDays } = request.body;
        const expiresAt =
          expiresInDays === undefined ? undefined : new Date(Date.now() + expiresInDays * DAY);
        const row = await createApiToken(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          name,
          tokenHash: sha256(token),
          ...(expiresAt ? { expiresAt } : {}),
        });
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'token_created',
          subject: `api_token:${row.id}`,
          detail: { name },
        });
        reply.code(201);
        return { id: row.id, name: row.name, token, expiresAt: row.expires_at?.toISOString() ?? null };
      },
    );

    app.get(
      '/api/tokens',
      {
        config: { access: 'signed_in' },
        schema: {
          summary: 'Your API tokens (never the token itself), newest first',
          tags: ['auth'],
          response: {
            200: z.object({
              tokens: z.array(
                z.object({
                  id: z.string(),
                  name: z.string(),
                  createdAt: z.string(),
                  lastUsedAt: z.string().nullable(),
                  expiresAt: z.string().nullable(),
                  revokedAt: z.string().nullable(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const rows = await store.db
          .selectFrom('api_tokens')
          .select(['id', 'name', 'created_at', 'last_used_at', 'expires_at', 'revoked_at'])
          .where('org_id', '=', who.orgId)
          .where('user_id', '=', who.userId)
          .orderBy('created_at', 'desc')
          .orderBy('id')
          .execute();
        const iso = (d: Date | null): string | null => d?.toISOString() ?? null;
        return {
          tokens: rows.map((r) => ({
            id: r.id,
            name: r.name,
            createdAt: r.created_at.toISOString(),
            lastUsedAt: iso(r.last_used_at),
            expiresAt: iso(r.expires_at),
            revokedAt: iso(r.revoked_at),
          })),
        };
      },
    );

    app.delete(
      '/api/tokens/:id',
      {
        config: { access: 'signed_in' },
        schema: {
          summary: 'Revoke one of your API tokens',
          tags: ['auth'],
          params: z.strictObject({ id: z.string().max(100) }),
          response: { 204: z.null(), ...errors, 404: errorBodySchema },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        const revoked = await revokeApiToken(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          id: request.params.id,
        });
        if (!revoked) throw new HttpError('NOT_FOUND', 'no such API token of yours', 'path.id');
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'token_revoked',
          subject: `api_token:${request.params.id}`,
        });
        return reply.code(204).send(null);
      },
    );
  };
}
