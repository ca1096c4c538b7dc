import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { safeEqual } from '../http/auth/secrets.ts';
import { serverSecret } from '../store/repos/serverSecrets.ts';
import type { Database } from '../store/schema.ts';

/** The server key unsubscribe links are signed with (made once per store, see serverSecret). */
export const UNSUBSCRIBE_SECRET = 'unsubscribe';

/** Who an unsubscribe link is for. */
export interface UnsubscribeClaim {
  orgId: string;
  customerId: string;
  campaignId: string;
}

function mac(secret: string, payload: string): string {
  // 160 bits of HMAC-SHA256: unguessable, and the link stays short.
  return createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 27);
}

/**
 * A token for one customer's one-click unsubscribe link: the claim, then an HMAC of it under the
 * server's key, so nobody can unsubscribe someone else by editing the link. It does not expire:
 * an unsubscribe link must keep working for as long as the e-mail is in someone's mailbox.
 */
export function signUnsubscribe(secret: string, claim: UnsubscribeClaim): string {
  const payload = Buffer.from(JSON.stringify([claim.orgId, claim.customerId, claim.campaignId])).toString(
    'base64url',
  );
  return `${payload}.${mac(secret, payload)}`;
}

/** The claim of a token this server signed, or undefined for anything else. */
export function verifyUnsubscribe(secret: string, token: string): UnsubscribeClaim | undefined {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  if (!safeEqual(signature, mac(secret, payload))) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((p) => typeof p === 'string')) {
      return undefined;
    }
    const [orgId, customerId, campaignId] = parsed as [string, string, string];
    return { orgId, customerId, campaignId };
  } catch {
    return undefined;
  }
}

/** The store's unsubscribe key. */
export function unsubscribeSecret(db: Kysely<Database>): Promise<string> {
  return serverSecret(db, UNSUBSCRIBE_SECRET);
}

/** The link a recipient follows: `<publicUrl>/unsubscribe/<token>`. */
export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/unsubscribe/${token}`;
}
