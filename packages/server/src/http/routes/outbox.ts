import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { segmentNamesOf } from '../../campaigns/audience.ts';
import { CHANNEL_KINDS } from '../../campaigns/types.ts';
import type { Store } from '../../store/index.ts';
import { listCampaigns } from '../../store/repos/campaigns.ts';
import { listOutbox } from '../../store/repos/outbox.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema } from '../errors.ts';
import { PAGE_SIZE } from './campaigns.ts';

const page = z.coerce.number().int().min(1).max(1_000_000).default(1);

/** The segments a campaign's filter names, as the reader's teams call them; null for "every segment". */
async function segmentsText(
  store: Store,
  orgId: string,
  runId: string,
  teamIds: readonly string[],
  filter: Record<string, unknown>,
  cache: Map<string, Map<number, { name: string }>>,
): Promise<string | null> {
  const ids = Array.isArray(filter['segments']) ? (filter['segments'] as number[]) : [];
  if (ids.length === 0) return null;
  const segmentation = typeof filter['segmentation'] === 'string' ? filter['segmentation'] : 'main';
  const key = `${runId}\u0000${segmentation}`;
  let names = cache.get(key);
  if (!names) {
    names = await segmentNamesOf(store.db, orgId, runId, teamIds, segmentation);
    cache.set(key, names);
  }
  return ids.map((id) => names.get(id)?.name ?? `Segment ${id}`).join(', ');
}

/**
 * GET /api/outbox (the messages kept in the store when no provider is configured) and
 * GET /api/contributions (the campaigns, as the Home page lists them).
 */
export function outboxRoutes(store: Store): FastifyPluginAsyncZod {
  return async (app) => {
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

    app.get(
      '/api/outbox',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: 'Messages kept in the store because their channel is not configured, newest first',
          tags: ['campaigns'],
          querystring: z.strictObject({
            channel: z.enum(CHANNEL_KINDS).optional(),
            campaignId: z.string().max(100).optional(),
            page,
          }),
          response: {
            200: z.object({
              messages: z.array(
                z.object({
                  campaignId: z.string(),
                  customerId: z.string(),
                  channel: z.enum(CHANNEL_KINDS),
                  to: z.string(),
                  subject: z.string().nullable(),
                  body: z.string(),
                  at: z.string(),
                  attachment: z.string().nullable().describe('the name of the attachment that went with it'),
                }),
              ),
              total: z.number(),
              pageSize: z.number(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { orgId } = principalOf(request);
        const { channel, campaignId } = request.query;
        const { messages, total } = await listOutbox(store.db, orgId, {
          ...(channel ? { channel } : {}),
          ...(campaignId ? { campaignId } : {}),
          limit: PAGE_SIZE,
          offset: (request.query.page - 1) * PAGE_SIZE,
        });
        return {
          messages: messages.map((m) => ({
            ...m,
            channel: m.channel as (typeof CHANNEL_KINDS)[number],
            at: m.at.toISOString(),
          })),
          total,
          pageSize: PAGE_SIZE,
        };
      },
    );

    app.get(
      '/api/contributions',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: "The organisation's campaigns as contributions (Home), newest first; mine=1: yours only",
          tags: ['campaigns'],
          querystring: z.strictObject({ mine: z.enum(['0', '1', 'true', 'false']).optional(), page }),
          response: {
            200: z.object({
              contributions: z.array(
                z.object({
                  id: z.string(),
                  segment: z.string().nullable().describe('the segments addressed; null for all of them'),
                  date: z.string(),
                  author: z.string(),
                  type: z.enum(CHANNEL_KINDS),
                  text: z.string(),
                  status: z.string(),
                }),
              ),
              total: z.number(),
              pageSize: z.number(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const mine = request.query.mine === '1' || request.query.mine === 'true';
        const { campaigns, total } = await listCampaigns(store.db, who.orgId, {
          ...(mine ? { createdBy: who.userId } : {}),
          limit: PAGE_SIZE,
          offset: (request.query.page - 1) * PAGE_SIZE,
        });
        const cache = new Map<string, Map<number, { name: string }>>();
        const contributions = [];
        for (const c of campaigns) {
          contributions.push({
            id: c.id,
            segment: await segmentsText(store, who.orgId, c.run_id, who.teamIds, c.filter, cache),
            date: (c.sent_at ?? c.queued_at ?? c.created_at).toISOString(),
            author: c.author_name ?? '',
            type: c.channel,
            text: c.name,
            status: c.status,
          });
        }
        return { contributions, total, pageSize: PAGE_SIZE };
      },
    );
  };
}
