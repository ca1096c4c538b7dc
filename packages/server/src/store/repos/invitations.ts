import type { Kysely } from 'kysely';
import type { Database, Invitation, Role } from '../schema.ts';
import { newId } from './ids.ts';

export async function createInvitation(
  db: Kysely<Database>,
  input: {
    orgId: string;
    teamId: string;
    email: string;
    role: Role;
    tokenHash: string;
    createdBy: string;
    expiresAt: Date;
  },
): Promise<Invitation> {
  return db
    .insertInto('invitations')
    .values({
      id: newId(),
      org_id: input.orgId,
      team_id: input.teamId,
      email: input.email.trim().toLowerCase(),
      role: input.role,
      token_hash: input.tokenHash,
      created_by: input.createdBy,
      expires_at: input.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An open invitation (not accepted, not expired) by its token's hash. */
export async function findOpenInvitation(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<Invitation | undefined> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
}

/** Marks an invitation used; false when it was already (a second sign-up racing the first). */
export async function acceptInvitation(db: Kysely<Database>, id: string): Promise<boolean> {
  const res = await db
    .updateTable('invitations')
    .set({ accepted_at: new Date() })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
