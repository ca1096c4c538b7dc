import type { RunReport } from '@clientele/analytics';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ATTACHMENT_TYPES, storedAttachment } from '../../campaigns/attachments.ts';
import {
  type AudienceFilter,
  audienceCounts,
  audienceMembers,
  FIELD_OPS,
  publishedRunOf,
  RISK_TIERS,
  segmentNamesOf,
} from '../../campaigns/audience.ts';
import { campaignResults } from '../../campaigns/campaignResults.ts';
import { checkCopy, copyWriterFor, listVariables } from '../../campaigns/copy/index.ts';
import { QueueError, queueCampaign } from '../../campaigns/queueCampaign.ts';
import { segmentBrief } from '../../campaigns/segmentBrief.ts';
import type { SendJobs } from '../../campaigns/sendJobs.ts';
import { CHANNEL_KINDS, type CopyDraft, type SegmentBrief } from '../../campaigns/types.ts';
import {
  MAIN_SEGMENTATION,
  resolveSegmentation,
  runReportOf,
  segmentationOf,
} from '../../runs/segmentations.ts';
import { recordAudit, type Store } from '../../store/index.ts';
import { recordOutcomes } from '../../store/repos/campaignOutcomes.ts';
import {
  type CampaignCounts,
  type CampaignRow,
  campaignCounts,
  createCampaign,
  listCampaigns,
} from '../../store/repos/campaigns.ts';
import { getChannelSettings, openChannelSecrets } from '../../store/repos/channelSettings.ts';
import { DELIVERY_STATUSES, type JsonObject } from '../../store/schema.ts';
import { type Principal, principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { liveDataset } from '../liveDataset.ts';
import { unknownSegmentation } from './segmentations.ts';

export const PAGE_SIZE = 20;
const PREVIEW_ROWS = 20;
const DAY_MS = 86_400_000;

const idParam = z.string().min(1).max(100);
const channelSchema = z.enum(CHANNEL_KINDS);

export const filterSchema = z
  .strictObject({
    segmentation: z
      .string()
      .min(1)
      .max(40)
      .optional()
      .describe("the segmentation `segments` refer to; default: your team's choice, else main"),
    segments: z.array(z.number().int().min(0).max(10_000)).max(1000).optional(),
    riskTiers: z.array(z.enum(RISK_TIERS)).max(4).optional(),
    stores: z.array(z.string().max(200)).max(1000).optional(),
    locations: z.array(z.string().max(200)).max(1000).optional(),
    insiders: z.boolean().optional(),
    fields: z
      .array(
        z.strictObject({
          field: z.string().min(1).max(200),
          op: z.enum(FIELD_OPS),
          value: z.union([
            z.string().max(500),
            z.number(),
            z.boolean(),
            z.array(z.union([z.string().max(500), z.number()])).max(1000),
          ]),
        }),
      )
      .max(50)
      .optional(),
  })
  .meta({ id: 'AudienceFilter' });

const countsSchema = z.object({
  audience: z.number(),
  heldOut: z.number(),
  queued: z.number(),
  sent: z.number(),
  delivered: z.number(),
  failed: z.number(),
  uncertain: z
    .number()
    .describe('resent after a crash through SMTP, which cannot tell whether the first went out'),
});

export const campaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    datasetId: z.string(),
    runId: z.string(),
    channel: channelSchema,
    status: z.enum(['draft', 'queued', 'sending', 'sent', 'failed', 'cancelled']),
    filter: z.record(z.string(), z.unknown()),
    subject: z.string().nullable(),
    body: z.string(),
    language: z.string(),
    author: z.object({ id: z.string(), name: z.string() }),
    team: z.object({ id: z.string(), name: z.string() }).nullable(),
    createdAt: z.string(),
    queuedAt: z.string().nullable(),
    sentAt: z.string().nullable(),
    holdoutShare: z.number(),
    seed: z.number(),
    outcomeWindowDays: z.number(),
    outcomeDueAt: z
      .string()
      .nullable()
      .describe('when the outcomes can be measured: the window after the send'),
    provider: z.enum(['smtp', 'twilio', 'outbox']).nullable().describe('chosen at send'),
    notice: z
      .string()
      .nullable()
      .describe('what the send said: e.g. the channel is not configured, so the outbox'),
    optedOut: z.number().describe('customers the filter matched who had opted out (at send)'),
    missingContact: z
      .number()
      .describe('customers left out for want of an address for the channel (at send)'),
    counts: countsSchema,
    attachment: z
      .object({ name: z.string(), type: z.enum(ATTACHMENT_TYPES), bytes: z.number() })
      .nullable()
      .describe(
        'the image or PDF it carries (e-mail attaches it, WhatsApp sends it as media, SMS goes without)',
      ),
  })
  .meta({ id: 'Campaign' });

type CampaignBody = z.infer<typeof campaignSchema>;

export function campaignBody(c: CampaignRow, counts: CampaignCounts): CampaignBody {
  const startedAt = c.sent_at ?? c.queued_at;
  return {
    id: c.id,
    name: c.name,
    datasetId: c.dataset_id,
    runId: c.run_id,
    channel: c.channel,
    status: c.status,
    filter: c.filter,
    subject: c.subject,
    body: c.body,
    language: c.language,
    author: { id: c.created_by ?? '', name: c.author_name ?? '' },
    team: c.team_id ? { id: c.team_id, name: c.team_name ?? '' } : null,
    createdAt: c.created_at.toISOString(),
    queuedAt: c.queued_at?.toISOString() ?? null,
    sentAt: c.sent_at?.toISOString() ?? null,
    holdoutShare: c.holdout_share,
    seed: c.seed,
    outcomeWindowDays: c.outcome_window_days,
    outcomeDueAt: startedAt
      ? new Date(startedAt.getTime() + c.outcome_window_days * DAY_MS).toISOString()
      : null,
    provider: c.provider,
    notice: c.notice,
    optedOut: c.opted_out,
    missingContact: c.missing_contact,
    counts,
    attachment: attachmentBody(c.attachment),
  };
}

function attachmentBody(value: unknown): CampaignBody['attachment'] {
  const a = storedAttachment(value);
  return a ? { name: a.name, type: a.type, bytes: a.bytes } : null;
}

const problemSchema = z.object({ code: z.string(), message: z.string() });

/** One CSV line of outcomes: customer_id,churned,revenue (a header row, churned as 1/0, true/false, yes/no). */
function parseOutcomesCsv(text: string): { customerId: string; churned: boolean; revenue: number | null }[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim().toLowerCase().replace(/^"|"$/g, ''));
  const at = (name: string) => header.indexOf(name);
  const [id, churned, revenue] = [at('customer_id'), at('churned'), at('revenue')];
  if (id < 0 || churned < 0) {
    throw new HttpError(
      'INVALID_INPUT',
      'the CSV needs a header row with customer_id and churned (and optionally revenue)',
      'body',
    );
  }
  return lines.map((line, i) => {
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const flag = (cells[churned] ?? '').toLowerCase();
    if (!['1', '0', 'true', 'false', 'yes', 'no'].includes(flag)) {
      throw new HttpError(
        'INVALID_INPUT',
        `line ${i + 2}: churned is "${cells[churned]}"; write 1 or 0`,
        'body',
      );
    }
    const money = revenue >= 0 && (cells[revenue] ?? '') !== '' ? Number(cells[revenue]) : null;
    if (money !== null && !Number.isFinite(money)) {
      throw new HttpError(
        'INVALID_INPUT',
        `line ${i + 2}: revenue is "${cells[revenue]}", not a number`,
        'body',
      );
    }
    return { customerId: cells[id] ?? '', churned: ['1', 'true', 'yes'].includes(flag), revenue: money };
  });
}

/**
 * Campaigns: audiences (preview), copy (draft and check), create, send (a durable job), history,
 * deliveries, outcomes and results. Writes need `send_campaigns`; reads `look_up_customers`.
 */
export function campaignRoutes(
  store: Store,
  jobs: SendJobs,
  options: { publicUrl?: string },
): FastifyPluginAsyncZod {
  return async (app) => {
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

    // Outcomes may come as a CSV file (this plugin only).
    app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );

    const publishedRun = async (orgId: string, datasetId: string, field = 'body.datasetId') => {
      await liveDataset(store.db, orgId, datasetId, field);
      const runId = await publishedRunOf(store.db, orgId, datasetId);
      if (!runId) {
        throw new HttpError(
          'BAD_REQUEST',
          'this dataset has no published results yet: run an analysis first',
          field,
        );
      }
      return runId;
    };
    /** The segmentation an audience or a brief is in: the one asked for, checked; else the team's choice. */
    const segmentationFor = async (
      who: Principal,
      datasetId: string,
      runId: string,
      requested: string | undefined,
      field: string,
    ): Promise<string> => {
      const report = await runReportOf(store.db, who.orgId, runId);
      if (!report) return MAIN_SEGMENTATION;
      if (requested !== undefined && !segmentationOf(report, requested)) {
        throw unknownSegmentation(report, requested, field);
      }
      return resolveSegmentation(store.db, {
        orgId: who.orgId,
        teamIds: who.teamIds,
        datasetId,
        report,
        requested,
      });
    };
    const campaignOf = async (orgId: string, id: string) => {
      const { campaigns } = await listCampaigns(store.db, orgId, { ids: [id], limit: 1, offset: 0 });
      const c = campaigns[0];
      if (!c) throw new HttpError('NOT_FOUND', 'no such campaign', 'path.id');
      return c;
    };
    const bodyOf = async (c: CampaignRow) =>
      campaignBody(c, (await campaignCounts(store.db, [c.id])).get(c.id)!);
    /** The team a campaign is filed under: the author's first team whose role may send campaigns. */
    const sendingTeam = async (who: Principal) => {
      const row = await store.db
        .selectFrom('memberships')
        .select('team_id')
        .where('org_id', '=', who.orgId)
        .where('user_id', '=', who.userId)
        .where('role', 'in', ['manager', 'marketing'])
        .orderBy('created_at')
        .executeTakeFirst();
      return row?.team_id ?? null;
    };
    const publicUrlOf = (request: { protocol: string; host: string }) =>
      options.publicUrl ?? jobs.publicUrl ?? `${request.protocol}://${request.host}`;

    app.post(
      '/api/audiences/preview',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary:
            'How many customers a filter reaches on a channel, who is left out and why, and the first 20',
          tags: ['campaigns'],
          body: z.strictObject({
            datasetId: idParam,
            channel: channelSchema,
            filter: filterSchema.default({}),
          }),
          response: {
            200: z.object({
              count: z.number().describe('customers who would receive the message'),
              optedOut: z.number(),
              missingContact: z.number().describe('not opted out, but without an address for the channel'),
              segmentation: z.string().describe('the segmentation the segments are in'),
              preview: z.array(
                z.object({
                  customerId: z.string(),
                  name: z.string().nullable(),
                  segment: z.number(),
                  segmentName: z.string(),
                  riskTier: z.string().nullable(),
                  churnProbability: z.number().nullable(),
                  insider: z.boolean(),
                  store: z.string().nullable(),
                  location: z.string().nullable(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const { datasetId, channel } = request.body;
        const runId = await publishedRun(who.orgId, datasetId);
        const segmentation = await segmentationFor(
          who,
          datasetId,
          runId,
          request.body.filter.segmentation,
          'body.filter.segmentation',
        );
        const filter: AudienceFilter = { ...(request.body.filter as AudienceFilter), segmentation };
        const where = { orgId: who.orgId, datasetId, runId, channel, filter };
        const [counts, preview, names] = await Promise.all([
          audienceCounts(store.db, where),
          audienceMembers(store.db, { ...where, limit: PREVIEW_ROWS }),
          segmentNamesOf(store.db, who.orgId, runId, who.teamIds, segmentation),
        ]);
        return {
          ...counts,
          segmentation,
          preview: preview.map((m) => ({
            customerId: m.customerId,
            name: m.name,
            segment: m.segment,
            segmentName: names.get(m.segment)?.name ?? `Segment ${m.segment}`,
            riskTier: m.riskTier,
            churnProbability: m.churnProbability,
            insider: m.insider,
            store: m.store,
            location: m.location,
          })),
        };
      },
    );

    app.post(
      '/api/campaigns/copy',
      {
        config: { access: 'send_campaigns' },
        schema: {
          summary:
            "A draft written from the segment's profile and churn reasons: by the organisation's LLM, or the offline template writer",
          tags: ['campaigns'],
          body: z.strictObject({
            datasetId: idParam,
            segmentId: z.number().int().min(0).max(10_000).optional(),
            segmentation: z
              .string()
              .min(1)
              .max(40)
              .optional()
              .describe("the segmentation segmentId is in; default: your team's choice, else main"),
            channel: channelSchema,
            language: z.enum(['en', 'es', 'pt']).default('en'),
            instruction: z.string().trim().min(1).max(2000),
          }),
          response: {
            200: z.object({
              draft: z.object({
                subject: z.string().optional(),
                body: z.string(),
                writer: z.enum(['llm', 'template']),
                model: z.string().optional(),
              }),
              problems: z.array(problemSchema),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const { datasetId, segmentId, channel, language, instruction } = request.body;
        const runId = await publishedRun(who.orgId, datasetId);
        let segment: SegmentBrief | undefined;
        if (segmentId !== undefined) {
          segment = await segmentBrief(store.db, {
            orgId: who.orgId,
            runId,
            segmentId,
            teamIds: who.teamIds,
            segmentation: await segmentationFor(
              who,
              datasetId,
              runId,
              request.body.segmentation,
              'body.segmentation',
            ),
          });
          if (!segment)
            throw new HttpError(
              'NOT_FOUND',
              `the published run has no segment ${segmentId}`,
              'body.segmentId',
            );
        } else {
          segment = await everyoneBrief(store, who.orgId, runId);
        }
        const settings = await getChannelSettings(store.db, who.orgId);
        const request_ = { instruction, channel, language, segment };
        const unavailable: { code: string; message: string }[] = [];
        let draft: CopyDraft;
        try {
          // An API key encrypted with another key fails here too: the offline draft says so.
          draft = await copyWriterFor(openChannelSecrets(settings, store.secrets, ['llm']).llm).write(
            request_,
          );
        } catch (err) {
          // The product works without the model: the offline writer drafts, and says why.
          const why = (err as Error).message;
          unavailable.push({
            code: 'LLM_UNAVAILABLE',
            message: `${why}${/[.!?]$/.test(why) ? '' : '.'} This draft is from the offline template writer.`,
          });
          draft = await copyWriterFor(null).write(request_);
        }
        return {
          draft: {
            body: draft.body,
            writer: draft.writer,
            ...(draft.subject === undefined ? {} : { subject: draft.subject }),
            ...(draft.model === undefined ? {} : { model: draft.model }),
          },
          problems: [
            ...unavailable,
            ...checkCopy({ channel, subject: draft.subject ?? null, body: draft.body, language }),
          ],
        };
      },
    );

    app.post(
      '/api/campaigns/check',
      {
        config: { access: 'send_campaigns' },
        schema: {
          summary:
            'The guardrails a copy must pass before it is sent (length, variables, unsubscribe / STOP line)',
          tags: ['campaigns'],
          body: z.strictObject({
            channel: channelSchema,
            subject: z.string().max(1000).optional(),
            body: z.string().max(20_000),
            language: z.enum(['en', 'es', 'pt']).optional(),
          }),
          response: {
            200: z.object({ problems: z.array(problemSchema), variables: z.array(z.string()) }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { channel, subject, body, language } = request.body;
        return {
          problems: checkCopy({ channel, subject: subject ?? null, body, ...(language ? { language } : {}) }),
          variables: listVariables(`${subject ?? ''}\n${body}`),
        };
      },
    );

    app.post(
      '/api/campaigns',
      {
        config: { access: 'send_campaigns' },
        schema: {
          summary: 'Create a campaign (a draft): its audience, copy and control group; send it with /send',
          tags: ['campaigns'],
          body: z.strictObject({
            name: z.string().trim().min(1).max(200),
            datasetId: idParam,
            channel: channelSchema,
            filter: filterSchema.default({}),
            subject: z.string().max(1000).optional(),
            body: z.string().max(20_000),
            language: z.enum(['en', 'es', 'pt']).default('en'),
            holdoutShare: z.number().min(0).max(0.5).default(0.1),
            seed: z.number().int().min(0).max(2_147_483_647).default(42),
            outcomeWindowDays: z.number().int().min(1).max(365).default(30),
          }),
          response: { 201: campaignSchema, ...errors },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        const input = request.body;
        const problems = checkCopy({
          channel: input.channel,
          subject: input.subject ?? null,
          body: input.body,
          language: input.language,
        });
        if (problems.length > 0) {
          throw new HttpError(
            'INVALID_INPUT',
            `the copy cannot be sent as it is: ${problems.map((p) => `${p.code}: ${p.message}`).join(' ')}`,
            problems.some((p) => p.code.startsWith('SUBJECT')) ? 'body.subject' : 'body.body',
          );
        }
        const runId = await publishedRun(who.orgId, input.datasetId);
        // The audience is kept with its segmentation, so results per segment read the same later.
        const filter: AudienceFilter = {
          ...(input.filter as AudienceFilter),
          segmentation: await segmentationFor(
            who,
            input.datasetId,
            runId,
            input.filter.segmentation,
            'body.filter.segmentation',
          ),
        };
        const counts = await audienceCounts(store.db, {
          orgId: who.orgId,
          datasetId: input.datasetId,
          runId,
          channel: input.channel,
          filter,
        });
        if (counts.count === 0) {
          throw new HttpError(
            'BAD_REQUEST',
            `no customer matches this audience on ${input.channel} (${counts.optedOut} opted out, ${counts.missingContact} without an address): widen the filter`,
            'body.filter',
          );
        }
        const campaign = await createCampaign(store.db, {
          orgId: who.orgId,
          datasetId: input.datasetId,
          runId,
          name: input.name,
          channel: input.channel,
          filter: filter as JsonObject,
          subject: input.channel === 'email' ? (input.subject ?? null) : null,
          body: input.body,
          language: input.language,
          holdoutShare: input.holdoutShare,
          seed: input.seed,
          outcomeWindowDays: input.outcomeWindowDays,
          createdBy: who.userId,
          teamId: await sendingTeam(who),
        });
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'campaign_created',
          subject: `campaign:${campaign.id}`,
          detail: { name: campaign.name, channel: campaign.channel, audience: counts.count },
        });
        reply.code(201);
        return bodyOf(await campaignOf(who.orgId, campaign.id));
      },
    );

    app.post(
      '/api/campaigns/:id/send',
      {
        config: { access: 'send_campaigns' },
        schema: {
          summary:
            'Send a draft: the audience is frozen now (one delivery per recipient, the control group drawn) and sent by the durable job',
          tags: ['campaigns'],
          params: z.strictObject({ id: idParam }),
          response: { 202: campaignSchema, ...errors, 409: errorBodySchema },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        await campaignOf(who.orgId, request.params.id);
        try {
          await queueCampaign(store.db, {
            orgId: who.orgId,
            campaignId: request.params.id,
            publicUrl: publicUrlOf(request),
          });
        } catch (err) {
          if (!(err instanceof QueueError)) throw err;
          if (err.code === 'NOT_DRAFT') throw new HttpError('CONFLICT', err.message, 'path.id');
          throw new HttpError('BAD_REQUEST', err.message, 'path.id');
        }
        jobs.kick();
        const body = await bodyOf(await campaignOf(who.orgId, request.params.id));
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'campaign_sent',
          subject: `campaign:${body.id}`,
          detail: { provider: body.provider, audience: body.counts.audience, heldOut: body.counts.heldOut },
        });
        reply.code(202);
        return body;
      },
    );

    app.get(
      '/api/campaigns',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: "The organisation's campaigns, newest first, with their counts (mine=1: yours only)",
          tags: ['campaigns'],
          querystring: z.strictObject({
            page: z.coerce.number().int().min(1).max(100_000).default(1),
            mine: z.enum(['0', '1', 'true', 'false']).optional(),
          }),
          response: {
            200: z.object({ campaigns: z.array(campaignSchema), total: z.number(), pageSize: z.number() }),
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
        const counts = await campaignCounts(
          store.db,
          campaigns.map((c) => c.id),
        );
        return {
          campaigns: campaigns.map((c) => campaignBody(c, counts.get(c.id)!)),
          total,
          pageSize: PAGE_SIZE,
        };
      },
    );

    app.get(
      '/api/campaigns/:id',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: 'One campaign with its counts',
          tags: ['campaigns'],
          params: z.strictObject({ id: idParam }),
          response: { 200: campaignSchema, ...errors },
        },
      },
      async (request) => bodyOf(await campaignOf(principalOf(request).orgId, request.params.id)),
    );

    app.get(
      '/api/campaigns/:id/deliveries',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary: "A campaign's deliveries, one per recipient (held_out: the control group)",
          tags: ['campaigns'],
          params: z.strictObject({ id: idParam }),
          querystring: z.strictObject({
            status: z.enum(DELIVERY_STATUSES).optional(),
            page: z.coerce.number().int().min(1).max(1_000_000).default(1),
          }),
          response: {
            200: z.object({
              deliveries: z.array(
                z.object({
                  customerId: z.string(),
                  to: z.string(),
                  status: z.enum(DELIVERY_STATUSES),
                  attempts: z.number(),
                  error: z.string().nullable(),
                  providerId: z.string().nullable(),
                  providerStatus: z.string().nullable(),
                  uncertain: z.boolean(),
                  sentAt: z.string().nullable(),
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
        const c = await campaignOf(who.orgId, request.params.id);
        let q = store.db.selectFrom('deliveries').where('campaign_id', '=', c.id);
        if (request.query.status) q = q.where('status', '=', request.query.status);
        const [rows, total] = await Promise.all([
          q
            .selectAll()
            .orderBy('customer_id')
            .limit(PAGE_SIZE)
            .offset((request.query.page - 1) * PAGE_SIZE)
            .execute(),
          q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        ]);
        return {
          deliveries: rows.map((d) => ({
            customerId: d.customer_id,
            to: d.to_address,
            status: d.status,
            attempts: d.attempts,
            error: d.error,
            providerId: d.provider_id,
            providerStatus: d.provider_status,
            uncertain: d.uncertain,
            sentAt: d.sent_at?.toISOString() ?? null,
          })),
          total: total.n,
          pageSize: PAGE_SIZE,
        };
      },
    );

    app.post(
      '/api/campaigns/:id/outcomes',
      {
        config: { access: 'send_campaigns' },
        bodyLimit: 32 * 1024 * 1024,
        schema: {
          summary:
            'What became of the recipients and the control group after the window: JSON, or a CSV body customer_id,churned,revenue',
          tags: ['campaigns'],
          params: z.strictObject({ id: idParam }),
          body: z.union([
            z.strictObject({
              outcomes: z
                .array(
                  z.strictObject({
                    customerId: z.string().min(1).max(200),
                    churned: z.boolean(),
                    revenue: z.number().nullable().optional(),
                  }),
                )
                .max(1_000_000),
            }),
            z.string().max(32 * 1024 * 1024),
          ]),
          response: {
            200: z.object({
              received: z.number().describe('outcomes kept: those of customers in the campaign'),
              ignored: z.number().describe('outcomes of customers outside the campaign'),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const c = await campaignOf(who.orgId, request.params.id);
        if (c.status === 'draft') {
          throw new HttpError(
            'BAD_REQUEST',
            'the campaign has not been sent: outcomes come after the send',
            'path.id',
          );
        }
        const outcomes =
          typeof request.body === 'string' ? parseOutcomesCsv(request.body) : request.body.outcomes;
        const received = await recordOutcomes(store.db, who.orgId, c.id, outcomes);
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'campaign_outcomes_imported',
          subject: `campaign:${c.id}`,
          detail: { received },
        });
        return { received, ignored: outcomes.length - received };
      },
    );

    app.get(
      '/api/campaigns/:id/results',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary:
            'The campaign against its control group: churn prevented and revenue gained, overall, per risk tier and per segment',
          tags: ['campaigns'],
          params: z.strictObject({ id: idParam }),
          response: { 200: z.record(z.string(), z.unknown()), ...errors },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const c = await campaignOf(who.orgId, request.params.id);
        const [deliveries, outcomes] = await Promise.all([
          store.db
            .selectFrom('deliveries')
            .select(['customer_id', 'status', 'risk_tier', 'segment'])
            .where('campaign_id', '=', c.id)
            .execute(),
          store.db
            .selectFrom('campaign_outcomes')
            .select(['customer_id', 'churned', 'revenue'])
            .where('campaign_id', '=', c.id)
            .execute(),
        ]);
        return campaignResults(
          deliveries.map((d) => ({
            customerId: d.customer_id,
            group: d.status === 'held_out' ? 'control' : 'treated',
            riskTier: d.risk_tier,
            segment: d.segment,
          })),
          outcomes.map((o) => ({ customerId: o.customer_id, churned: o.churned, revenue: o.revenue })),
        ) as unknown as Record<string, unknown>;
      },
    );
  };
}

/** A brief for a campaign to every segment: the run's tiers and global churn drivers. */
async function everyoneBrief(store: Store, orgId: string, runId: string): Promise<SegmentBrief> {
  const row = await store.db
    .selectFrom('run_results')
    .select((eb) => eb.ref('data').$castTo<unknown>().as('data'))
    .where('org_id', '=', orgId)
    .where('run_id', '=', runId)
    .where('key', '=', 'report')
    .executeTakeFirst();
  const report = row?.data as Partial<RunReport> | undefined;
  const size = (report?.segmentation?.segments ?? []).reduce((n, s) => n + s.size, 0);
  return {
    segmentId: 'all',
    name: 'All customers',
    description: 'every customer of the published analysis',
    size,
    riskTiers: report?.churn?.tiers ?? {},
    profile: [],
    churnReasons: (report?.churn?.importance ?? [])
      .slice(0, 5)
      .map((f) => ({ feature: f.feature, contribution: f.importance })),
  };
}
