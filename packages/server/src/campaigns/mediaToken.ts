import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { safeEqual } from '../http/auth/secrets.ts';
import { serverSecret } from '../store/repos/serverSecrets.ts';
import type { Database } from '../store/schema.ts';

/** The server key media links are signed with (made once per store, see serverSecret). */
export const MEDIA_SECRET = 'media';

/** How long a media link works: Twilio fetches it when it takes the message, days are plenty. */
export const MEDIA_LINK_DAYS = 7;

/** Which stored file a media link opens. */
export interface MediaClaim {
  orgId: string;
  campaignId: string;
  /** The stored file's random name: replacing the attachment ends the old links. */
  file: string;
  /** Seconds since the epoch after which the link is refused. */
  expires: number;
}

function mac(secret: string, payload: string): string {
  // 160 bits of HMAC-SHA256, as the unsubscribe links.
  return createHmac('sha256', secret).update(`media:${payload}`).digest('base64url').slice(0, 27);
}

/**
 * A token for a campaign attachment's public URL (`/media/<token>`), which Twilio fetches to
 * send it over WhatsApp: the claim, then an HMAC of it under the server's key, so the link opens
 * that one file and nobody can reach another by editing it.
 */
export function signMedia(secret: string, claim: MediaClaim): string {
  const payload = Buffer.from(
    JSON.stringify([claim.orgId, claim.campaignId, claim.file, claim.expires]),
  ).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** The claim of a token this server signed and that has not expired, or undefined. */
export function verifyMedia(secret: string, token: string, now = Date.now()): MediaClaim | undefined {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  if (!safeEqual(signature, mac(secret, payload))) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(parsed) || parsed.length !== 4) return undefined;
    const [orgId, campaignId, file, expires] = parsed as unknown[];
    if (typeof orgId !== 'string' || typeof campaignId !== 'string' || typeof file !== 'string') {
      return undefined;
    }
    if (typeof expires !== 'number' || expires * 1000 < now) return undefined;
    return { orgId, campaignId, file, expires };
  } catch {
    return undefined;
  }
}

/** The store's media key. */
export function mediaSecret(db: Kysely<Database>): Promise<string> {
  return serverSecret(db, MEDIA_SECRET);
}

/** The URL Twilio fetches: `<publicUrl>/media/<token>`. */
export function mediaUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/media/${token}`;
}
