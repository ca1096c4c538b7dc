import type { Kysely } from 'kysely';
import type { Database, Session } from '../schema.ts';
import { newId } from './ids.ts';

/** Records a session by its token's hash. */
export async function createSession(
  db: Kysely<Database>,
  input: { orgId: string; userId: string; tokenHash: string; csrfToken: string; expiresAt: Date },
): Promise<Session> {
  return db
    .insertInto('sessions')
    .values({
      id: newId(),
      org_id: input.orgId,
      user_id: input.userId,
      token_hash: input.tokenHash,
      csrf_token: input.csrfToken,
      expires_at: input.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A live (unexpired) session by its token's hash. */
export async function findSessionByHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<Session | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
}

export async function deleteSession(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Removes every expired session (run at each sign-in, so the table does not grow without end). */
export async function deleteExpiredSessions(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', new Date()).execute();
}
