import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  acceptInvitation,
  addMembership,
  clearSignInFailures,
  createOrganisation,
  createSession,
  createTeam,
  createUser,
  deleteExpiredSessions,
  deleteSession,
  findOpenInvitation,
  findUserByEmail,
  getOrganisation,
  hasAnyOrganisation,
  listMemberships,
  listSignInFailures,
  listTeams,
  ROLES,
  recordAudit,
  recordSignInFailure,
  type Store,
  type User,
} from '../../store/index.ts';
import type { ResolvedAuthOptions } from '../auth/options.ts';
import { type Principal, principalOf, SESSION_COOKIE } from '../auth/principal.ts';
import { dummyPasswordHash, hashPassword, newSecret, sha256, verifyPassword } from '../auth/secrets.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { ACTIONS, allowedActions } from '../permissions.ts';

export const MAX_EMAIL = 254;
export const MAX_PASSWORD = 256;
export const MIN_PASSWORD = 10;

const email = z.email().max(MAX_EMAIL);
const signUpBody = z.strictObject({
  email,
  password: z.string().min(MIN_PASSWORD).max(MAX_PASSWORD),
  name: z.string().trim().min(1).max(100),
  organisation: z.string().trim().min(1).max(100).optional().describe('first sign-up only: its name'),
  invitation: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('the token of an invitation (every later sign-up)'),
});
const signInBody = z.strictObject({
  email: z.string().min(1).max(MAX_EMAIL),
  password: z.string().min(1).max(MAX_PASSWORD),
});

export const meSchema = z
  .object({
    user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
    organisation: z.object({ id: z.string(), name: z.string() }),
    memberships: z.array(z.object({ teamId: z.string(), team: z.string(), role: z.enum(ROLES) })),
    permissions: z.array(z.enum(ACTIONS)),
    csrfToken: z
      .string()
      .nullable()
      .describe('send as X-Clientele-CSRF on every write made with the session cookie; null with a token'),
  })
  .meta({ id: 'Me' });
type Me = z.infer<typeof meSchema>;

async function describeMe(
  store: Store,
  who: Pick<Principal, 'orgId' | 'userId' | 'email' | 'name'>,
  csrf: string | null,
): Promise<Me> {
  const [org, memberships, teams] = await Promise.all([
    getOrganisation(store.db, who.orgId),
    listMemberships(store.db, who.orgId, who.userId),
    listTeams(store.db, who.orgId),
  ]);
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  return {
    user: { id: who.userId, email: who.email, name: who.name },
    organisation: { id: who.orgId, name: org?.name ?? '' },
    memberships: memberships.map((m) => ({
      teamId: m.team_id,
      team: teamName.get(m.team_id) ?? '',
      role: m.role,
    })),
    permissions: allowedActions(memberships.map((m) => m.role)),
    csrfToken: csrf,
  };
}

/** Opens a session for the user and sets its cookie; returns the CSRF token. */
async function startSession(
  store: Store,
  options: ResolvedAuthOptions,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
): Promise<string> {
  const token = newSecret('');
  const csrfToken = newSecret('');
  const expiresAt = new Date(Date.now() + options.sessionTtlMs);
  await deleteExpiredSessions(store.db);
  await createSession(store.db, {
    orgId: user.org_id,
    userId: user.id,
    tokenHash: sha256(token),
    csrfToken,
    expiresAt,
  });
  const secure = options.secureCookies === 'auto' ? request.protocol === 'https' : options.secureCookies;
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    expires: expiresAt,
    maxAge: Math.floor(options.sessionTtlMs / 1000),
  });
  return csrfToken;
}

/** Creates the account in one transaction: the first organisation, or the invitation's. */
async function createAccount(
  store: Store,
  body: z.infer<typeof signUpBody>,
  passwordHash: string,
): Promise<User> {
  return store.db.transaction().execute(async (tx) => {
    // One sign-up at a time decides "the first": two racing first sign-ups never make two organisations.
    await sql`select pg_advisory_xact_lock(7007)`.execute(tx);
    if (await findUserByEmail(tx, body.email)) {
      throw new HttpError(
        'CONFLICT',
        'an account with this e-mail already exists; sign in instead',
        'body.email',
      );
    }
    if (body.invitation === undefined) {
      if (await hasAnyOrganisation(tx)) {
        throw new HttpError('FORBIDDEN', 'sign-up needs an invitation from a manager', 'body.invitation');
      }
      const org = await createOrganisation(tx, { name: body.organisation ?? `${body.name}'s organisation` });
      const team = await createTeam(tx, { orgId: org.id, name: 'Management' });
      const user = await createUser(tx, { orgId: org.id, email: body.email, passwordHash, name: body.name });
      await addMembership(tx, { orgId: org.id, teamId: team.id, userId: user.id, role: 'manager' });
      await recordAudit(tx, {
        orgId: org.id,
        userId: user.id,
        action: 'sign_up',
        subject: `user:${user.id}`,
        detail: { role: 'manager', firstOrganisation: true },
      });
      return user;
    }
    if (body.organisation !== undefined) {
      throw new HttpError(
        'INVALID_INPUT',
        'an invitation joins its organisation; leave organisation out',
        'body.organisation',
      );
    }
    const invitation = await findOpenInvitation(tx, sha256(body.invitation));
    if (!invitation || invitation.email !== body.email.trim().toLowerCase()) {
      throw new HttpError(
        'FORBIDDEN',
        'the invitation is unknown, used, expired or for another e-mail',
        'body.invitation',
      );
    }
    if (!(await acceptInvitation(tx, invitation.id))) {
      throw new HttpError('FORBIDDEN', 'the invitation has been used', 'body.invitation');
    }
    const user = await createUser(tx, {
      orgId: invitation.org_id,
      email: body.email,
      passwordHash,
      name: body.name,
    });
    await addMembership(tx, {
      orgId: invitation.org_id,
      teamId: invitation.team_id,
      userId: user.id,
      role: invitation.role,
    });
    await recordAudit(tx, {
      orgId: invitation.org_id,
      userId: user.id,
      action: 'sign_up',
      subject: `user:${user.id}`,
      detail: { invitation: invitation.id, teamId: invitation.team_id, role: invitation.role },
    });
    return user;
  });
}

/** POST /api/auth/sign-up, sign-in, sign-out; GET /api/me. */
export function authRoutes(store: Store, options: ResolvedAuthOptions): FastifyPluginAsyncZod {
  return async (app) => {
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

    app.post(
      '/api/auth/sign-up',
      {
        config: { access: 'public' },
        schema: {
          summary:
            'Create an account: the first one creates the organisation and its manager; later ones need an invitation',
          tags: ['auth'],
          body: signUpBody,
          response: { 201: meSchema, ...errors, 409: errorBodySchema },
        },
      },
      async (request, reply) => {
        const passwordHash = await hashPassword(request.body.password);
        const user = await createAccount(store, request.body, passwordHash);
        const csrf = await startSession(store, options, request, reply, user);
        reply.code(201);
        return describeMe(
          store,
          { orgId: user.org_id, userId: user.id, email: user.email, name: user.name },
          csrf,
        );
      },
    );

    app.post(
      '/api/auth/sign-in',
      {
        config: { access: 'public' },
        schema: {
          summary: 'Sign in with e-mail and password; sets the session cookie',
          description: 'After 5 failures for one e-mail from one IP within 15 minutes: 429 with Retry-After.',
          tags: ['auth'],
          body: signInBody,
          response: { 200: meSchema, ...errors, 429: errorBodySchema },
        },
      },
      async (request, reply) => {
        const key = `${request.body.email.trim().toLowerCase()}|${request.ip}`;
        const now = Date.now();
        const windowStart = new Date(now - options.signInWindowMs);
        const failures = await listSignInFailures(store.db, key, windowStart);
        if (failures.length >= options.signInFailures) {
          const oldest = failures[failures.length - options.signInFailures]!.getTime();
          const retryAfter = Math.max(1, Math.ceil((oldest + options.signInWindowMs - now) / 1000));
          reply.header('retry-after', String(retryAfter));
          throw new HttpError('TOO_MANY_REQUESTS', `too many failed sign-ins; try again in ${retryAfter} s`);
        }
        const user = await findUserByEmail(store.db, request.body.email);
        const ok = await verifyPassword(
          request.body.password,
          user?.password_hash ?? (await dummyPasswordHash()),
        );
        if (!user || !ok) {
          await recordSignInFailure(store.db, key, new Date(now));
          throw new HttpError('UNAUTHORIZED', 'wrong e-mail or password');
        }
        await clearSignInFailures(store.db, key, windowStart);
        const csrf = await startSession(store, options, request, reply, user);
        await recordAudit(store.db, {
          orgId: user.org_id,
          userId: user.id,
          action: 'sign_in',
          subject: `user:${user.id}`,
          detail: { ip: request.ip },
        });
        return describeMe(
          store,
          { orgId: user.org_id, userId: user.id, email: user.email, name: user.name },
          csrf,
        );
      },
    );

    app.post(
      '/api/auth/sign-out',
      {
        config: { access: 'signed_in' },
        schema: {
          summary: 'End this session and clear its cookie',
          tags: ['auth'],
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        if (who.sessionId) await deleteSession(store.db, who.sessionId);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/me',
      {
        config: { access: 'signed_in' },
        schema: {
          summary: 'Who is signed in: organisation, teams, roles, permissions, CSRF token',
          tags: ['auth'],
          response: { 200: meSchema, 401: errorBodySchema },
        },
      },
      async (request) => {
        const who = principalOf(request);
        return describeMe(store, who, who.csrfToken ?? null);
      },
    );
  };
}
