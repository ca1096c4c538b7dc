import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ATTACHMENT_LIMIT,
  ATTACHMENT_TYPES,
  type AttachmentType,
  attachmentDir,
  attachmentPath,
  cleanAttachmentName,
  describeType,
  newAttachmentFile,
  readHead,
  type StoredAttachment,
  sniffType,
  storedAttachment,
} from '../../campaigns/attachments.ts';
import { mediaSecret, verifyMedia } from '../../campaigns/mediaToken.ts';
import {
  formatBytes,
  receiveUpload,
  UploadAbortedError,
  UploadTooLargeError,
} from '../../datasets/receiveUpload.ts';
import { recordAudit, type Store } from '../../store/index.ts';
import { jsonb } from '../../store/jsonb.ts';
import { campaignCounts, listCampaigns } from '../../store/repos/campaigns.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { campaignBody, campaignSchema } from './campaigns.ts';

/** Media types an attachment may be sent as: its own, or octet-stream (then its bytes say which). */
export const ATTACHMENT_MEDIA_TYPES = [...ATTACHMENT_TYPES, 'application/octet-stream'] as const;

const LIMIT_TEXT = formatBytes(ATTACHMENT_LIMIT);

/** The file name from `Content-Disposition: attachment; filename="..."` (or filename*=UTF-8''...). */
function dispositionName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star.trim());
    } catch {
      // fall through to the plain form
    }
  }
  return /filename\s*=\s*"([^"]*)"/.exec(header)?.[1] ?? /filename\s*=\s*([^;]+)/.exec(header)?.[1]?.trim();
}

/** `inline; filename="..."` with an ASCII fallback and the UTF-8 name (RFC 6266). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * A campaign's attachment (MISSION E6): `POST /api/campaigns/:id/attachment` (the file itself as
 * the body, streamed to `<dataDir>/attachments/<orgId>/<campaignId>/` with a 5 MiB limit, its
 * type checked by its first bytes), `DELETE` of the same path (drafts only), and the public
 * `GET /media/:token` Twilio fetches a WhatsApp message's MediaUrl from (an HMAC-signed token,
 * see campaigns/mediaToken.ts).
 */
export function campaignAttachmentRoutes(store: Store, options: { dataDir: string }): FastifyPluginAsyncZod {
  return async (app) => {
    // In this plugin only: the body stays a stream, read by the route with its own limit.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    const errors = {
      400: errorBodySchema,
      401: errorBodySchema,
      403: errorBodySchema,
      404: errorBodySchema,
      409: errorBodySchema,
    };
    const params = z.strictObject({ id: z.string().min(1).max(100) });

    const answer = async (orgId: string, id: string) => {
      const { campaigns } = await listCampaigns(store.db, orgId, { ids: [id], limit: 1, offset: 0 });
      const c = campaigns[0]!;
      return campaignBody(c, (await campaignCounts(store.db, [c.id])).get(c.id)!);
    };
    const draftOf = async (orgId: string, id: string) => {
      const c = await store.db
        .selectFrom('campaigns')
        .select(['id', 'status', 'attachment'])
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!c) throw new HttpError('NOT_FOUND', 'no such campaign', 'path.id');
      if (c.status !== 'draft') throw notDraft(c.status);
      return c;
    };
    const notDraft = (status: string) =>
      new HttpError(
        'CONFLICT',
        `the campaign is already ${status}: its attachment can only change while it is a draft`,
        'path.id',
      );
    /**
     * Sets (or removes, with null) the attachment of a draft, the row locked so a send or another
     * upload at the same moment waits; answers the attachment it had before.
     */
    const swap = async (orgId: string, id: string, next: StoredAttachment | null) =>
      store.db.transaction().execute(async (tx) => {
        const c = await tx
          .selectFrom('campaigns')
          .select(['status', 'attachment'])
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (!c) throw new HttpError('NOT_FOUND', 'no such campaign', 'path.id');
        if (c.status !== 'draft') throw notDraft(c.status);
        await tx
          .updateTable('campaigns')
          .set({ attachment: next === null ? null : jsonb(next) })
          .where('id', '=', id)
          .execute();
        return storedAttachment(c.attachment);
      });
    const removeFile = (orgId: string, id: string, old: StoredAttachment | null) =>
      old
        ? rm(attachmentPath(options.dataDir, orgId, id, old), { force: true }).catch(() => undefined)
        : undefined;

    app.post(
      '/api/campaigns/:id/attachment',
      {
        config: { access: 'send_campaigns' },
        schema: {
          summary: 'Attach an image (PNG, JPEG, GIF) or a PDF to a draft campaign, replacing the one it had',
          description:
            `The body is the file itself (Content-Type image/png, image/jpeg, image/gif, application/pdf or application/octet-stream), at most ${LIMIT_TEXT}. ` +
            'Its type is read from its first bytes: a file that is not what its Content-Type says is 400 naming what it is. ' +
            'E-mail attaches it; WhatsApp sends it as media; SMS goes without it.',
          tags: ['campaigns'],
          consumes: [...ATTACHMENT_MEDIA_TYPES],
          params,
          // Documents the body; the route reads the stream itself (this validates nothing).
          body: z.any().meta({ type: 'string', format: 'binary', description: 'the file itself' }),
          querystring: z.strictObject({
            name: z
              .string()
              .trim()
              .min(1)
              .max(255)
              .optional()
              .describe('the file name recipients see (else the Content-Disposition filename)'),
          }),
          response: { 200: campaignSchema, ...errors, 413: errorBodySchema, 415: errorBodySchema },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        const id = request.params.id;
        await draftOf(who.orgId, id);
        const declared = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!(ATTACHMENT_MEDIA_TYPES as readonly string[]).includes(declared)) {
          throw new HttpError(
            'UNSUPPORTED_MEDIA_TYPE',
            `send an image (PNG, JPEG, GIF) or a PDF as the body, with its Content-Type (${ATTACHMENT_MEDIA_TYPES.join(', ')})` +
              (declared ? `; got ${declared}` : '; none was given'),
            'header.content-type',
          );
        }
        const length = Number(request.headers['content-length']);
        if (Number.isFinite(length) && length > ATTACHMENT_LIMIT) {
          reply.header('connection', 'close');
          throw new HttpError(
            'PAYLOAD_TOO_LARGE',
            `the file is ${formatBytes(length)}, larger than the limit of ${LIMIT_TEXT}`,
            'body',
          );
        }
        const dir = attachmentDir(options.dataDir, who.orgId, id);
        const file = newAttachmentFile();
        const part = join(dir, `${file}.part`);
        await mkdir(dir, { recursive: true });
        let stored: StoredAttachment;
        try {
          const body = request.body instanceof Readable ? request.body : Readable.from([]);
          const received = await receiveUpload(body, part, ATTACHMENT_LIMIT);
          const sniffed = sniffType(await readHead(part));
          if (!('type' in sniffed)) {
            throw new HttpError(
              'INVALID_INPUT',
              `the file is ${sniffed.found}, not an image (PNG, JPEG, GIF) or a PDF`,
              'body',
            );
          }
          if (declared !== 'application/octet-stream' && declared !== sniffed.type) {
            throw new HttpError(
              'INVALID_INPUT',
              `the file is ${describeType(sniffed.type)}, not ${describeType(declared as AttachmentType)} as its Content-Type says`,
              'body',
            );
          }
          const name = cleanAttachmentName(
            request.query.name ?? dispositionName(request.headers['content-disposition']),
            sniffed.type,
          );
          stored = { name, type: sniffed.type, bytes: received.bytes, sha256: received.sha256, file };
          await rename(part, attachmentPath(options.dataDir, who.orgId, id, stored));
        } catch (err) {
          await rm(part, { force: true });
          if (err instanceof UploadTooLargeError) {
            reply.header('connection', 'close');
            throw new HttpError('PAYLOAD_TOO_LARGE', `${err.message}; nothing was stored`, 'body');
          }
          if (err instanceof UploadAbortedError) throw new HttpError('BAD_REQUEST', err.message, 'body');
          throw err;
        }
        let old: StoredAttachment | null;
        try {
          old = await swap(who.orgId, id, stored);
        } catch (err) {
          await removeFile(who.orgId, id, stored);
          throw err;
        }
        await removeFile(who.orgId, id, old);
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'campaign_attachment_set',
          subject: `campaign:${id}`,
          detail: { name: stored.name, type: stored.type, bytes: stored.bytes, sha256: stored.sha256 },
        });
        return answer(who.orgId, id);
      },
    );

    app.delete(
      '/api/campaigns/:id/attachment',
      {
        config: { access: 'send_campaigns' },
        schema: {
          summary: "Remove a draft campaign's attachment (nothing to remove is not an error)",
          tags: ['campaigns'],
          params,
          response: { 200: campaignSchema, ...errors },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const id = request.params.id;
        const old = await swap(who.orgId, id, null);
        await removeFile(who.orgId, id, old);
        if (old) {
          await recordAudit(store.db, {
            orgId: who.orgId,
            userId: who.userId,
            action: 'campaign_attachment_removed',
            subject: `campaign:${id}`,
            detail: { name: old.name },
          });
        }
        return answer(who.orgId, id);
      },
    );

    // Public: Twilio fetches a WhatsApp message's MediaUrl here. The token names the file and is
    // signed with the server's key; anything else (edited, expired, another file) is a 404.
    // A wildcard, not /media/:token: the router matches a parameter of at most 100 characters.
    app.get(
      '/media/*',
      { schema: { hide: true, params: z.object({ '*': z.string().max(1000) }) } },
      async (request, reply) => {
        const missing = () => new HttpError('NOT_FOUND', 'no such media (the link is wrong or has expired)');
        const claim = verifyMedia(await mediaSecret(store.db), request.params['*']);
        if (!claim) throw missing();
        const row = await store.db
          .selectFrom('campaigns')
          .select('attachment')
          .where('org_id', '=', claim.orgId)
          .where('id', '=', claim.campaignId)
          .executeTakeFirst();
        const attachment = storedAttachment(row?.attachment);
        if (!attachment || attachment.file !== claim.file) throw missing();
        const path = attachmentPath(options.dataDir, claim.orgId, claim.campaignId, attachment);
        const size = await stat(path).then(
          (s) => s.size,
          () => undefined,
        );
        if (size === undefined) throw missing();
        return reply
          .type(attachment.type)
          .header('content-length', size)
          .header('content-disposition', contentDisposition(attachment.name))
          .header('cache-control', 'private, max-age=3600')
          .header('x-content-type-options', 'nosniff')
          .send(createReadStream(path));
      },
    );
  };
}
