import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  parseInboundMessage,
  parseStatusCallback,
  type TwilioForm,
  verifyTwilioSignature,
} from '../../campaigns/channels/twilioSignature.ts';
import type { SendJobs } from '../../campaigns/sendJobs.ts';
import { unsubscribeSecret, verifyUnsubscribe } from '../../campaigns/unsubscribeToken.ts';
import { recordAudit, type Store } from '../../store/index.ts';
import { getChannelSettings } from '../../store/repos/channelSettings.ts';
import { optOut } from '../../store/repos/optOuts.ts';
import { errorBodySchema, HttpError } from '../errors.ts';

const DELIVERED = ['delivered', 'read'];
const FAILED = ['failed', 'undelivered'];

function page(title: string, text: string, form = ''): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${esc(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font:inherit;padding:.5rem 1rem}</style></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p>${form}</body></html>`;
}

/** The button that confirms: a POST to the same link (so a mail scanner's GET opts no one out). */
const CONFIRM_FORM =
  '<form method="post"><input type="hidden" name="confirm" value="1"><button type="submit">Unsubscribe</button></form>';

/**
 * What the outside world calls, without a session: Twilio's status callbacks and inbound
 * messages (each checked against X-Twilio-Signature with the organisation's auth token), and the
 * unsubscribe link of every e-mail (a token signed with the server's key; GET only checks it
 * and shows a page whose button POSTs, because mail scanners and link previews fetch links
 * before anyone clicks; POST opts out: the page's button, or RFC 8058's one-click POST).
 */
export function campaignWebhookRoutes(
  store: Store,
  jobs: SendJobs,
  options: { publicUrl?: string },
): FastifyPluginAsyncZod {
  return async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => {
        const form: Record<string, string | string[]> = {};
        for (const [k, v] of new URLSearchParams(body as string)) {
          const had = form[k];
          form[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
        }
        done(null, form);
      },
    );

    /** The URL Twilio called, as it signed it: the public URL when set, else what reached us. */
    const calledUrl = (request: { protocol: string; host: string; url: string }) =>
      `${(options.publicUrl ?? jobs.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '')}${request.url}`;

    const verified = async (request: {
      params: { orgId: string };
      body: unknown;
      headers: Record<string, unknown>;
      protocol: string;
      host: string;
      url: string;
    }) => {
      const settings = await getChannelSettings(store.db, request.params.orgId).catch(() => undefined);
      // A token encrypted with another key cannot verify anything: refused like a wrong signature.
      const token =
        settings?.twilio && store.secrets.opens(settings.twilio.authToken)
          ? store.secrets.open(settings.twilio.authToken)
          : undefined;
      const form = (request.body ?? {}) as TwilioForm;
      const signature = request.headers['x-twilio-signature'];
      if (
        !token ||
        !verifyTwilioSignature(
          token,
          calledUrl(request),
          form,
          typeof signature === 'string' ? signature : null,
        )
      ) {
        throw new HttpError(
          'FORBIDDEN',
          'the X-Twilio-Signature does not match this URL and body',
          'header.x-twilio-signature',
        );
      }
      return form;
    };

    const webhook = {
      config: { access: 'public' as const },
      schema: {
        tags: ['campaigns'],
        params: z.strictObject({ orgId: z.string().min(1).max(100) }),
        querystring: z.object({ key: z.string().max(400).optional() }),
        body: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
        response: { 200: z.string(), 204: z.null(), 400: errorBodySchema, 403: errorBodySchema },
      },
    };

    app.post(
      '/api/webhooks/twilio/:orgId/status',
      { ...webhook, schema: { ...webhook.schema, summary: "Twilio's status callback: a delivery's status" } },
      async (request, reply) => {
        const form = await verified(request);
        const status = parseStatusCallback(form);
        if (!status)
          throw new HttpError(
            'BAD_REQUEST',
            'not a message status callback (MessageSid, MessageStatus)',
            'body',
          );
        const error = status.errorCode === null ? null : `Twilio ${status.errorCode}: ${status.status}`;
        const key = request.query.key;
        // A callback may arrive before the send job has recorded the hand-over: provider_status
        // is kept either way, and the job's own "sent" mark reads it (sendJobs.deliver).
        await sql`
          update deliveries set
            provider_status = ${status.status},
            provider_id = coalesce(provider_id, ${status.sid}),
            delivered_at = case when ${status.status} in (${sql.join(DELIVERED)}) then coalesce(delivered_at, now()) else delivered_at end,
            error = case when ${status.status} in (${sql.join(FAILED)}) then ${error} else error end,
            status = case when status in ('sent', 'delivered') then
                case when ${status.status} in (${sql.join(DELIVERED)}) then 'delivered'
                     when ${status.status} in (${sql.join(FAILED)}) then 'failed' else status end
              else status end,
            updated_at = now()
          where org_id = ${request.params.orgId}
            and ${key ? sql`idempotency_key = ${key}` : sql`provider_id = ${status.sid}`}
        `.execute(store.db);
        reply.code(204);
        return null;
      },
    );

    app.post(
      '/api/webhooks/twilio/:orgId/inbound',
      {
        ...webhook,
        schema: {
          ...webhook.schema,
          summary: 'An inbound WhatsApp or SMS message: STOP marks the sender opted out',
        },
      },
      async (request, reply) => {
        const form = await verified(request);
        const inbound = parseInboundMessage(form);
        if (!inbound) throw new HttpError('BAD_REQUEST', 'not an inbound message (MessageSid, From)', 'body');
        const digits = inbound.from.replace(/\D/g, '');
        if ((inbound.optOut || inbound.optIn) && digits.length >= 6) {
          const customers = await sql<{ customer_id: string }>`
            select distinct customer_id from customers
            where org_id = ${request.params.orgId} and regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') = ${digits}
          `.execute(store.db);
          const ids = customers.rows.map((r) => r.customer_id);
          if (inbound.optOut) {
            const added = await optOut(store.db, {
              orgId: request.params.orgId,
              customerIds: ids,
              source: `${inbound.channel}_stop`,
            });
            if (added > 0) {
              await recordAudit(store.db, {
                orgId: request.params.orgId,
                userId: null,
                action: 'customer_opted_out',
                subject: `customer:${ids.join(',')}`,
                detail: { source: `${inbound.channel}_stop`, customers: ids },
              });
            }
          } else if (ids.length > 0) {
            // START: Twilio lets the sender back in, and so do we (only what STOP did).
            await store.db
              .deleteFrom('opt_outs')
              .where('org_id', '=', request.params.orgId)
              .where('customer_id', 'in', ids)
              .where('source', 'like', '%_stop')
              .execute();
          }
        }
        reply.type('text/xml');
        return '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
      },
    );

    const unsubscribe = async (token: string) => {
      const claim = verifyUnsubscribe(await unsubscribeSecret(store.db), token);
      if (!claim) return undefined;
      const added = await optOut(store.db, {
        orgId: claim.orgId,
        customerIds: [claim.customerId],
        source: 'email_unsubscribe',
        campaignId: claim.campaignId,
      });
      if (added > 0) {
        await recordAudit(store.db, {
          orgId: claim.orgId,
          userId: null,
          action: 'customer_opted_out',
          subject: `customer:${claim.customerId}`,
          detail: { source: 'email_unsubscribe', campaignId: claim.campaignId },
        });
      }
      return claim;
    };
    // A wildcard, not `:token`: route parameters are capped at 100 characters, and a token is longer.
    const tokenParams = z.object({ '*': z.string().min(10).max(1000) });

    const notRecognised = () =>
      page('Link not recognised', 'This unsubscribe link is not valid. Copy the whole link from the e-mail.');

    app.get('/unsubscribe/*', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
      const claim = verifyUnsubscribe(await unsubscribeSecret(store.db), request.params['*']);
      reply.type('text/html; charset=utf-8');
      // Caches and scanners must not keep or replay the page.
      reply.header('cache-control', 'no-store');
      if (!claim) {
        reply.code(404);
        return notRecognised();
      }
      const already = await store.db
        .selectFrom('opt_outs')
        .select('customer_id')
        .where('org_id', '=', claim.orgId)
        .where('customer_id', '=', claim.customerId)
        .executeTakeFirst();
      if (already) return page('You are unsubscribed', 'You will not receive these messages any more.');
      return page('Unsubscribe?', 'Press the button to stop receiving these messages.', CONFIRM_FORM);
    });

    app.post('/unsubscribe/*', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
      const claim = await unsubscribe(request.params['*']);
      // The page's button gets a page back; RFC 8058's one-click POST (from the mail client) a status.
      const form = request.body as Record<string, unknown> | null | undefined;
      const fromPage = form?.['confirm'] === '1';
      if (!fromPage) {
        reply.code(claim ? 204 : 404);
        return null;
      }
      reply.type('text/html; charset=utf-8');
      if (!claim) {
        reply.code(404);
        return notRecognised();
      }
      return page('You are unsubscribed', 'You will not receive these messages any more.');
    });
  };
}
