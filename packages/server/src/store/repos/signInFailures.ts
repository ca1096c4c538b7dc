import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** The failures of a key since a time, oldest first (their times). */
export async function listSignInFailures(db: Kysely<Database>, key: string, since: Date): Promise<Date[]> {
  const rows = await db
    .selectFrom('sign_in_failures')
    .select('at')
    .where('key', '=', key)
    .where('at', '>', since)
    .orderBy('at')
    .execute();
  return rows.map((r) => r.at);
}

export async function recordSignInFailure(db: Kysely<Database>, key: string, at: Date): Promise<void> {
  await db.insertInto('sign_in_failures').values({ key, at }).execute();
}

/** Forgets a key's failures (after a successful sign-in) and every failure older than `before`. */
export async function clearSignInFailures(db: Kysely<Database>, key: string, before: Date): Promise<void> {
  await db
    .deleteFrom('sign_in_failures')
    .where((eb) => eb.or([eb('key', '=', key), eb('at', '<', before)]))
    .execute();
}
