import type { Kysely } from 'kysely';
import type { ApiToken, Database } from '../schema.ts';
import { newId } from './ids.ts';

/** Records a token by its hash; the caller shows the token once and forgets it. */
export async function createApiToken(
  db: Kysely<Database>,
  input: { orgId: string; userId: string; name: string; tokenHash: string; expiresAt?: Date },
): Promise<ApiToken> {
  return db
    .insertInto('api_tokens')
    .values({
      id: newId(),
      org_id: input.orgId,
      user_id: input.userId,
      name: input.name,
      token_hash: input.tokenHash,
      expires_at: input.expiresAt ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A live token (not revoked, not expired) by its hash. */
export async function findApiTokenByHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<ApiToken | undefined> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    .executeTakeFirst();
}

/** Revokes a user's own token; false when there is no such live token of theirs. */
export async function revokeApiToken(
  db: Kysely<Database>,
  input: { orgId: string; userId: string; id: string },
): Promise<boolean> {
  const res = await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('org_id', '=', input.orgId)
    .where('user_id', '=', input.userId)
    .where('id', '=', input.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
