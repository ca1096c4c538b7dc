import type { Kysely } from 'kysely';
import type { Database, Role } from '../schema.ts';

/** Who holds a live session or API token: the user, and one row of theirs per team membership. */
export interface PrincipalRecord {
  orgId: string;
  userId: string;
  email: string;
  name: string;
  memberships: { teamId: string; role: Role }[];
  /** For a session: its id and CSRF token. */
  sessionId?: string;
  csrfToken?: string;
}

type Row = {
  org_id: string;
  user_id: string;
  email: string;
  name: string;
  team_id: string | null;
  role: Role | null;
};

function gather(rows: Row[]): Omit<PrincipalRecord, 'sessionId' | 'csrfToken'> | undefined {
  const first = rows[0];
  if (!first) return undefined;
  return {
    orgId: first.org_id,
    userId: first.user_id,
    email: first.email,
    name: first.name,
    memberships: rows.flatMap((r) =>
      r.team_id === null || r.role === null ? [] : [{ teamId: r.team_id, role: r.role }],
    ),
  };
}

// Every authenticated request starts here, so the token (or session), its user and the user's
// memberships come in one query, not three: on the embedded store each query is a turn of the
// one-threaded database, and Lookout is meant to answer in milliseconds at hundreds per second.

/** The live (not revoked, not expired) API token with this SHA-256, as the person it acts for. */
export async function findPrincipalByTokenHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<PrincipalRecord | undefined> {
  const rows = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 't.org_id').onRef('u.id', '=', 't.user_id'))
    .leftJoin('memberships as m', (j) =>
      j.onRef('m.org_id', '=', 't.org_id').onRef('m.user_id', '=', 't.user_id'),
    )
    .select(['t.org_id', 't.user_id', 'u.email', 'u.name', 'm.team_id', 'm.role'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', new Date())]))
    .orderBy('m.team_id')
    .execute();
  return gather(rows);
}

/** The unexpired session with this SHA-256, as the person signed in. */
export async function findPrincipalBySessionHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<PrincipalRecord | undefined> {
  const rows = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', (j) => j.onRef('u.org_id', '=', 's.org_id').onRef('u.id', '=', 's.user_id'))
    .leftJoin('memberships as m', (j) =>
      j.onRef('m.org_id', '=', 's.org_id').onRef('m.user_id', '=', 's.user_id'),
    )
    .select([
      's.org_id',
      's.user_id',
      's.id as session_id',
      's.csrf_token',
      'u.email',
      'u.name',
      'm.team_id',
      'm.role',
    ])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', new Date())
    .orderBy('m.team_id')
    .execute();
  const found = gather(rows);
  return found && { ...found, sessionId: rows[0]!.session_id, csrfToken: rows[0]!.csrf_token };
}
