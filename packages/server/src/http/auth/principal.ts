import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  findPrincipalBySessionHash,
  findPrincipalByTokenHash,
  type PrincipalRecord,
  type Role,
  type Store,
} from '../../store/index.ts';
import { HttpError } from '../errors.ts';
import { type Access, allows } from '../permissions.ts';
import { safeEqual, sha256 } from './secrets.ts';

export const SESSION_COOKIE = 'clientele_session';
export const CSRF_HEADER = 'x-clientele-csrf';

/** The signed-in person behind a request, and how they proved it. */
export interface Principal {
  userId: string;
  orgId: string;
  email: string;
  name: string;
  /** One per team membership (a person may hold different roles in different teams). */
  roles: Role[];
  /** The teams the person belongs to (for what a team names its way, F3). */
  teamIds: string[];
  via: 'session' | 'token';
  sessionId?: string;
  csrfToken?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; every /api route must say (buildApp refuses one that does not). */
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session cookie or `Authorization: Bearer <token>`; a bearer header that fails does not fall back. */
async function identify(store: Store, request: FastifyRequest): Promise<Principal | undefined> {
  const header = request.headers.authorization;
  let found: PrincipalRecord | undefined;
  let via: Principal['via'];
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new HttpError('UNAUTHORIZED', 'the Authorization header must be "Bearer <token>"');
    found = await findPrincipalByTokenHash(store, sha256(match[1]!));
    if (!found) throw new HttpError('UNAUTHORIZED', 'the API token is unknown, revoked or expired');
    via = 'token';
  } else {
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) return undefined;
    found = await findPrincipalBySessionHash(store, sha256(cookie));
    if (!found) return undefined;
    via = 'session';
  }
  const { memberships, ...who } = found;
  return {
    ...who,
    roles: [...new Set(memberships.map((m) => m.role))],
    teamIds: memberships.map((m) => m.teamId),
    via,
  };
}

/**
 * The preHandler every /api route gets from its `access`: 401 without a live session or token,
 * 403 for a cookie-authenticated write without the CSRF header, 403 for a role the permission
 * matrix does not allow.
 */
export function guard(store: Store, access: Access) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (access === 'public') return;
    const principal = await identify(store, request);
    if (!principal) throw new HttpError('UNAUTHORIZED', 'sign in first (or send an API token as Bearer)');
    if (principal.via === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, principal.csrfToken ?? '')) {
        throw new HttpError(
          'FORBIDDEN',
          `a write with the session cookie needs the ${CSRF_HEADER} header (its value is csrfToken in GET /api/me)`,
          `header.${CSRF_HEADER}`,
        );
      }
    }
    if (access !== 'signed_in' && !allows(principal.roles, access)) {
      throw new HttpError('FORBIDDEN', `your role may not ${access.replaceAll('_', ' ')}`);
    }
    request.principal = principal;
  };
}

/** The principal a guarded route's handler runs for. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route without a guard reads the principal');
  return request.principal;
}
