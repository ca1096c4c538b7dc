import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { settingsView } from '../../campaigns/settings.ts';
import { CHANNEL_KINDS } from '../../campaigns/types.ts';
import { recordAudit, type Store } from '../../store/index.ts';
import { getChannelSettings, putChannelSettings } from '../../store/repos/channelSettings.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';

const channelView = z.object({
  configured: z.boolean(),
  provider: z.enum(['smtp', 'twilio', 'outbox']),
  from: z.string().nullable(),
});

const viewSchema = z
  .object({
    email: channelView,
    whatsapp: channelView,
    sms: channelView,
    llm: z.object({ configured: z.boolean(), baseUrl: z.string().nullable(), model: z.string().nullable() }),
    smtp: z
      .object({
        host: z.string(),
        port: z.number(),
        secure: z.boolean(),
        user: z.string().nullable(),
        hasPassword: z.boolean(),
      })
      .nullable(),
    twilio: z
      .object({ accountSid: z.string(), baseUrl: z.string().nullable(), hasAuthToken: z.boolean() })
      .nullable(),
    rateLimits: z.record(z.enum(CHANNEL_KINDS), z.number()).describe('messages per second, per channel'),
    unreadableSecrets: z
      .array(z.enum(['smtp', 'twilio', 'llm']))
      .describe("parts whose secret is set but does not decrypt with this server's key"),
    secretsError: z.string().nullable().describe('what to do about unreadable secrets, or null'),
  })
  .meta({ id: 'ChannelSettings' });

const httpUrl = z
  .string()
  .max(500)
  .refine((u) => /^https?:\/\/[^\s]+$/i.test(u), 'must be an http(s) URL');

/**
 * GET and PUT /api/settings/channels: an organisation's SMTP relay, Twilio account and LLM
 * endpoint, and its send rates (managers). Passwords, tokens and keys are stored encrypted
 * (`store.secrets`) and never answered back; a PUT that leaves one out keeps the stored one.
 */
export function channelSettingsRoutes(store: Store): FastifyPluginAsyncZod {
  return async (app) => {
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

    app.get(
      '/api/settings/channels',
      {
        config: { access: 'manage_members' },
        schema: {
          summary:
            "The organisation's channels (SMTP, Twilio, the outbox), LLM and send rates; never a secret",
          tags: ['campaigns'],
          response: { 200: viewSchema, ...errors },
        },
      },
      async (request) =>
        settingsView(await getChannelSettings(store.db, principalOf(request).orgId), store.secrets),
    );

    app.put(
      '/api/settings/channels',
      {
        config: { access: 'manage_members' },
        schema: {
          summary: 'Set the channels: a part left out stays, null removes it; a secret left out is kept',
          tags: ['campaigns'],
          body: z.strictObject({
            smtp: z
              .strictObject({
                host: z.string().trim().min(1).max(255),
                port: z.number().int().min(1).max(65_535),
                secure: z.boolean(),
                user: z.string().max(255).optional(),
                pass: z.string().max(1000).optional(),
                from: z.string().trim().min(3).max(320),
              })
              .nullable()
              .optional(),
            twilio: z
              .strictObject({
                accountSid: z.string().trim().min(2).max(100),
                authToken: z.string().max(200).optional(),
                whatsappFrom: z.string().trim().max(50).optional(),
                smsFrom: z.string().trim().max(50).optional(),
                baseUrl: httpUrl.optional(),
              })
              .nullable()
              .optional(),
            llm: z
              .strictObject({
                baseUrl: httpUrl,
                model: z.string().trim().min(1).max(200),
                apiKey: z.string().max(1000).optional(),
              })
              .nullable()
              .optional(),
            rateLimits: z
              .strictObject({
                email: z.number().positive().max(10_000).optional(),
                whatsapp: z.number().positive().max(10_000).optional(),
                sms: z.number().positive().max(10_000).optional(),
              })
              .optional(),
          }),
          response: { 200: viewSchema, ...errors },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const body = request.body;
        const current = await getChannelSettings(store.db, who.orgId);
        const smtp =
          body.smtp === undefined || body.smtp === null
            ? body.smtp
            : {
                ...body.smtp,
                ...(body.smtp.pass === undefined && current.smtp?.pass ? { pass: current.smtp.pass } : {}),
              };
        let twilio = undefined as Parameters<typeof putChannelSettings>[2]['twilio'];
        if (body.twilio === null) twilio = null;
        else if (body.twilio) {
          const authToken = body.twilio.authToken ?? current.twilio?.authToken;
          if (!authToken)
            throw new HttpError(
              'INVALID_INPUT',
              'twilio.authToken is required the first time',
              'body.twilio.authToken',
            );
          twilio = { ...body.twilio, authToken };
        }
        const llm =
          body.llm === undefined || body.llm === null
            ? body.llm
            : {
                ...body.llm,
                ...(body.llm.apiKey === undefined && current.llm?.apiKey
                  ? { apiKey: current.llm.apiKey }
                  : {}),
              };
        const saved = await putChannelSettings(
          store.db,
          who.orgId,
          {
            ...(smtp === undefined ? {} : { smtp }),
            ...(twilio === undefined ? {} : { twilio }),
            ...(llm === undefined ? {} : { llm }),
            ...(body.rateLimits ? { rateLimits: body.rateLimits } : {}),
          },
          who.userId,
          store.secrets,
        );
        const parts = Object.fromEntries(
          (['smtp', 'twilio', 'llm', 'rateLimits'] as const)
            .filter((k) => body[k] !== undefined)
            .map((k) => [k, body[k] === null ? 'removed' : 'set']),
        );
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'channel_settings_changed',
          subject: `organisation:${who.orgId}`,
          detail: parts,
        });
        return settingsView(saved, store.secrets);
      },
    );
  };
}
