import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createInvitation,
  createTeam,
  listMemberships,
  listTeams,
  listUsers,
  ROLES,
  recordAudit,
  removeMembership,
  type Store,
  setMembershipRole,
} from '../../store/index.ts';
import type { ResolvedAuthOptions } from '../auth/options.ts';
import { principalOf } from '../auth/principal.ts';
import { newSecret, sha256 } from '../auth/secrets.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { MAX_EMAIL } from './auth.ts';

const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  teamId: z.string(),
  team: z.string(),
  role: z.enum(ROLES),
  posts: z.number().describe('campaigns this person created (all teams)'),
});

const invitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    teamId: z.string(),
    team: z.string(),
    role: z.enum(ROLES),
    token: z.string().describe('shown this once: the invitee signs up with it'),
    expiresAt: z.string(),
  })
  .meta({ id: 'InvitationCreated' });

/**
 * GET /api/members, PATCH /api/members/:userId, DELETE /api/teams/:teamId/members/:userId,
 * POST /api/invitations: managing people (managers).
 */
export function memberRoutes(store: Store, options: ResolvedAuthOptions): FastifyPluginAsyncZod {
  return async (app) => {
    const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

    app.get(
      '/api/members',
      {
        config: { access: 'manage_members' },
        schema: {
          summary: "The organisation's people, one row per team membership",
          tags: ['members'],
          response: { 200: z.object({ members: z.array(memberSchema) }), ...errors },
        },
      },
      async (request) => {
        const { orgId } = principalOf(request);
        const [users, memberships, teams, posts] = await Promise.all([
          listUsers(store.db, orgId),
          listMemberships(store.db, orgId),
          listTeams(store.db, orgId),
          store.db
            .selectFrom('campaigns')
            .select(['created_by', (eb) => eb.fn.countAll<number>().as('n')])
            .where('org_id', '=', orgId)
            .groupBy('created_by')
            .execute(),
        ]);
        const postsBy = new Map(posts.map((p) => [p.created_by, Number(p.n)]));
        const userById = new Map(users.map((u) => [u.id, u]));
        const teamName = new Map(teams.map((t) => [t.id, t.name]));
        const members = memberships.map((m) => {
          const user = userById.get(m.user_id)!;
          return {
            userId: m.user_id,
            email: user.email,
            name: user.name,
            teamId: m.team_id,
            team: teamName.get(m.team_id) ?? '',
            role: m.role,
            posts: postsBy.get(m.user_id) ?? 0,
          };
        });
        members.sort((a, b) => a.email.localeCompare(b.email) || a.team.localeCompare(b.team));
        return { members };
      },
    );

    app.patch(
      '/api/members/:userId',
      {
        config: { access: 'manage_members' },
        schema: {
          summary: "Change a person's role in one of their teams",
          tags: ['members'],
          params: z.strictObject({ userId: z.string().max(100) }),
          body: z.strictObject({ teamId: z.string().max(100), role: z.enum(ROLES) }),
          response: {
            200: z.object({ userId: z.string(), teamId: z.string(), role: z.enum(ROLES) }),
            ...errors,
            404: errorBodySchema,
            409: errorBodySchema,
          },
        },
      },
      async (request) => {
        const who = principalOf(request);
        const { userId } = request.params;
        const { teamId, role } = request.body;
        const before = await setMembershipRole(store.db, { orgId: who.orgId, teamId, userId, role });
        // Another organisation's user or team reads as missing: 404, never 403.
        if (before === undefined)
          throw new HttpError('NOT_FOUND', 'no such member in that team', 'path.userId');
        if (before === 'last_manager') {
          throw new HttpError(
            'CONFLICT',
            "this is the organisation's last manager: make someone else a manager first",
            'body.role',
          );
        }
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'role_changed',
          subject: `user:${userId}`,
          detail: { teamId, from: before, to: role },
        });
        return { userId, teamId, role };
      },
    );

    app.delete(
      '/api/teams/:teamId/members/:userId',
      {
        config: { access: 'manage_members' },
        schema: {
          summary: 'Take a person out of a team (not the organisation’s last manager)',
          description:
            'The person keeps their account and their other teams; with no team left they can sign in but do nothing. Audited.',
          tags: ['members'],
          params: z.strictObject({ teamId: z.string().max(100), userId: z.string().max(100) }),
          response: { 204: z.null(), ...errors, 404: errorBodySchema, 409: errorBodySchema },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        const { teamId, userId } = request.params;
        const result = await removeMembership(store.db, { orgId: who.orgId, teamId, userId });
        if ('refused' in result) {
          // Another organisation's user or team reads as missing: 404, never 403.
          if (result.refused === 'not_found')
            throw new HttpError('NOT_FOUND', 'no such member in that team', 'path.userId');
          throw new HttpError(
            'CONFLICT',
            "this is the organisation's last manager: make someone else a manager first",
            'path.userId',
          );
        }
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'member_removed',
          subject: `user:${userId}`,
          detail: { teamId, role: result.removed },
        });
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/invitations',
      {
        config: { access: 'manage_members' },
        schema: {
          summary: 'Invite someone to a team with a role (the team is created if new)',
          tags: ['members'],
          body: z.strictObject({
            email: z.email().max(MAX_EMAIL),
            team: z.string().trim().min(1).max(100).describe('team name'),
            role: z.enum(ROLES),
          }),
          response: { 201: invitationSchema, ...errors },
        },
      },
      async (request, reply) => {
        const who = principalOf(request);
        const { email, role } = request.body;
        const teams = await listTeams(store.db, who.orgId);
        const team =
          teams.find((t) => t.name === request.body.team) ??
          (await createTeam(store.db, { orgId: who.orgId, name: request.body.team }));
        const token = newSecret('inv_');
        const invitation = await createInvitation(store.db, {
          orgId: who.orgId,
          teamId: team.id,
          email,
          role,
          tokenHash: sha256(token),
          createdBy: who.userId,
          expiresAt: new Date(Date.now() + options.invitationTtlMs),
        });
        await recordAudit(store.db, {
          orgId: who.orgId,
          userId: who.userId,
          action: 'invitation_created',
          subject: `invitation:${invitation.id}`,
          detail: { email: invitation.email, teamId: team.id, role },
        });
        reply.code(201);
        return {
          id: invitation.id,
          email: invitation.email,
          teamId: team.id,
          team: team.name,
          role,
          token,
          expiresAt: invitation.expires_at.toISOString(),
        };
      },
    );
  };
}
