import type { Kysely } from 'kysely';
import type { Database, Organisation } from '../schema.ts';
import { newId } from './ids.ts';

export async function createOrganisation(
  db: Kysely<Database>,
  input: { name: string },
): Promise<Organisation> {
  return db
    .insertInto('organisations')
    .values({ id: newId(), name: input.name })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getOrganisation(db: Kysely<Database>, id: string): Promise<Organisation | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}
