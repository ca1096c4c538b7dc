import { hotQuery } from '../hotQuery.ts';
import type { Store } from '../openStore.ts';
import type { Role } from '../schema.ts';

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
// memberships come in one prepared query, not three: on the embedded store each query is a turn
// of the one-threaded database, and Lookout is meant to answer in milliseconds at hundreds per second.
const byToken = hotQuery<Row>(
  'principal_by_token',
  `select t.org_id, t.user_id, u.email, u.name, m.team_id, m.role
     from api_tokens t
     join users u on u.org_id = t.org_id and u.id = t.user_id
     left join memberships m on m.org_id = t.org_id and m.user_id = t.user_id
    where t.token_hash = $1 and t.revoked_at is null and (t.expires_at is null or t.expires_at > now())
    order by m.team_id`,
);

const bySession = hotQuery<Row & { session_id: string; csrf_token: string }>(
  'principal_by_session',
  `select s.org_id, s.user_id, s.id as session_id, s.csrf_token, u.email, u.name, m.team_id, m.role
     from sessions s
     join users u on u.org_id = s.org_id and u.id = s.user_id
     left join memberships m on m.org_id = s.org_id and m.user_id = s.user_id
    where s.token_hash = $1 and s.expires_at > now()
    order by m.team_id`,
);

/** The live (not revoked, not expired) API token with this SHA-256, as the person it acts for. */
export async function findPrincipalByTokenHash(
  store: Pick<Store, 'db' | 'kind'>,
  tokenHash: string,
): Promise<PrincipalRecord | undefined> {
  return gather(await byToken(store, [tokenHash]));
}

/** The unexpired session with this SHA-256, as the person signed in. */
export async function findPrincipalBySessionHash(
  store: Pick<Store, 'db' | 'kind'>,
  tokenHash: string,
): Promise<PrincipalRecord | undefined> {
  const rows = await bySession(store, [tokenHash]);
  const found = gather(rows);
  return found && { ...found, sessionId: rows[0]!.session_id, csrfToken: rows[0]!.csrf_token };
}
