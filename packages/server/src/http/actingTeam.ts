import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Principal } from './auth/principal.ts';
import { HttpError } from './errors.ts';
import { type Action, allows } from './permissions.ts';

/** A person's teams with their role in each, by team name. */
export async function teamsOf(
  db: Kysely<Database>,
  who: Pick<Principal, 'orgId' | 'userId'>,
): Promise<{ id: string; name: string; role: Database['memberships']['role'] }[]> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('teams as t', 't.id', 'm.team_id')
    .select(['t.id', 't.name', 'm.role'])
    .where('m.org_id', '=', who.orgId)
    .where('m.user_id', '=', who.userId)
    .orderBy('t.name')
    .orderBy('t.id')
    .execute();
}

/**
 * The team a person acts for when a team's name, chart or choice is saved: the one named in
 * `body.teamId`, else their first by name, among the teams where their role allows `action`.
 * None: 403 (or 404 for a team named but not theirs), saying what they may not `what`.
 */
export async function actingTeam(
  db: Kysely<Database>,
  who: Pick<Principal, 'orgId' | 'userId'>,
  teamId: string | undefined,
  action: Action,
  what: string,
): Promise<{ id: string; name: string }> {
  const teams = (await teamsOf(db, who)).filter((t) => allows([t.role], action));
  const team = teamId === undefined ? teams[0] : teams.find((t) => t.id === teamId);
  if (!team) {
    throw new HttpError(
      teamId === undefined ? 'FORBIDDEN' : 'NOT_FOUND',
      teamId === undefined
        ? `none of your teams may ${what}`
        : `you are not in that team with a role that may ${what}`,
      'body.teamId',
    );
  }
  return { id: team.id, name: team.name };
}
