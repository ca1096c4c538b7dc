import type { Kysely } from 'kysely';
import type { Database, User } from '../schema.ts';
import { newId } from './ids.ts';

export interface NewUser {
  orgId: string;
  email: string;
  /** Already hashed by the auth layer; this module never sees a password. */
  passwordHash: string;
  name: string;
}

/** Adds a user; the e-mail is stored lower-cased and must be new to the whole system. */
export async function createUser(db: Kysely<Database>, input: NewUser): Promise<User> {
  return db
    .insertInto('users')
    .values({
      id: newId(),
      org_id: input.orgId,
      email: input.email.trim().toLowerCase(),
      password_hash: input.passwordHash,
      name: input.name,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Sign-in looks a user up by e-mail across every organisation (an e-mail is unique system-wide). */
export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function getUser(db: Kysely<Database>, orgId: string, id: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listUsers(db: Kysely<Database>, orgId: string): Promise<User[]> {
  return db.selectFrom('users').selectAll().where('org_id', '=', orgId).orderBy('email').execute();
}

/** Whether any organisation exists yet (the first sign-up creates one). */
export async function hasAnyOrganisation(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('organisations').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}
