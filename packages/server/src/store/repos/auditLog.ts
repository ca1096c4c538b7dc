import type { Kysely } from 'kysely';
import { jsonb } from '../jsonb.ts';
import type { AuditEntry, Database, JsonObject } from '../schema.ts';
import { newId } from './ids.ts';

/** Who did what to which subject, and the details. */
export async function recordAudit(
  db: Kysely<Database>,
  input: { orgId: string; userId: string | null; action: string; subject: string; detail?: JsonObject },
): Promise<AuditEntry> {
  return db
    .insertInto('audit_log')
    .values({
      id: newId(),
      org_id: input.orgId,
      user_id: input.userId,
      action: input.action,
      subject: input.subject,
      detail: jsonb(input.detail ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The organisation's audit log, newest first. */
export async function listAudit(db: Kysely<Database>, orgId: string, limit = 100): Promise<AuditEntry[]> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}
