import type { Kysely } from 'kysely';
import type { Database, Membership, Role, Team } from '../schema.ts';
import { newId } from './ids.ts';

export async function createTeam(
  db: Kysely<Database>,
  input: { orgId: string; name: string },
): Promise<Team> {
  return db
    .insertInto('teams')
    .values({ id: newId(), org_id: input.orgId, name: input.name })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listTeams(db: Kysely<Database>, orgId: string): Promise<Team[]> {
  return db.selectFrom('teams').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}

/** Puts a user in a team with a role (both of the same organisation: the database checks it). */
export async function addMembership(
  db: Kysely<Database>,
  input: { orgId: string; teamId: string; userId: string; role: Role },
): Promise<Membership> {
  return db
    .insertInto('memberships')
    .values({ org_id: input.orgId, team_id: input.teamId, user_id: input.userId, role: input.role })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The memberships of an organisation, or of one of its users. */
export async function listMemberships(
  db: Kysely<Database>,
  orgId: string,
  userId?: string,
): Promise<Membership[]> {
  let q = db.selectFrom('memberships').selectAll().where('org_id', '=', orgId);
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  return q.orderBy('team_id').orderBy('user_id').execute();
}

/**
 * Changes a user's role in one team; the previous role, undefined when there is no such
 * membership, or 'last_manager' when it would leave the organisation without a manager (the
 * managers' rows are locked first, as removeMembership does).
 */
export async function setMembershipRole(
  db: Kysely<Database>,
  input: { orgId: string; teamId: string; userId: string; role: Role },
): Promise<Role | 'last_manager' | undefined> {
  return db.transaction().execute(async (tx) => {
    const managers = await lockManagers(tx, input.orgId);
    const before = await tx
      .selectFrom('memberships')
      .select('role')
      .where('org_id', '=', input.orgId)
      .where('team_id', '=', input.teamId)
      .where('user_id', '=', input.userId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) return undefined;
    if (before.role === 'manager' && input.role !== 'manager' && !otherManager(managers, input)) {
      return 'last_manager';
    }
    await tx
      .updateTable('memberships')
      .set({ role: input.role })
      .where('org_id', '=', input.orgId)
      .where('team_id', '=', input.teamId)
      .where('user_id', '=', input.userId)
      .execute();
    return before.role;
  });
}

/** The organisation's manager memberships, locked until the transaction ends. */
function lockManagers(tx: Kysely<Database>, orgId: string) {
  return tx
    .selectFrom('memberships')
    .select(['team_id', 'user_id'])
    .where('org_id', '=', orgId)
    .where('role', '=', 'manager')
    .orderBy('team_id')
    .orderBy('user_id')
    .forUpdate()
    .execute();
}

/** Whether another manager membership remains without this one (the same person managing another team counts). */
function otherManager(
  managers: { team_id: string; user_id: string }[],
  input: { teamId: string; userId: string },
): boolean {
  return managers.some((m) => !(m.team_id === input.teamId && m.user_id === input.userId));
}

export type RemoveMembershipResult =
  | { removed: Role }
  | { refused: 'not_found' }
  | { refused: 'last_manager' };

/**
 * Takes a user out of one team. The organisation's last manager cannot be removed (nobody could
 * manage its people afterwards): the managers' rows are locked first, so two managers removing
 * each other at once cannot both succeed.
 */
export async function removeMembership(
  db: Kysely<Database>,
  input: { orgId: string; teamId: string; userId: string },
): Promise<RemoveMembershipResult> {
  return db.transaction().execute(async (tx) => {
    const managers = await lockManagers(tx, input.orgId);
    const row = await tx
      .selectFrom('memberships')
      .select('role')
      .where('org_id', '=', input.orgId)
      .where('team_id', '=', input.teamId)
      .where('user_id', '=', input.userId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { refused: 'not_found' };
    if (row.role === 'manager' && !otherManager(managers, input)) return { refused: 'last_manager' };
    await tx
      .deleteFrom('memberships')
      .where('org_id', '=', input.orgId)
      .where('team_id', '=', input.teamId)
      .where('user_id', '=', input.userId)
      .execute();
    return { removed: row.role };
  });
}
