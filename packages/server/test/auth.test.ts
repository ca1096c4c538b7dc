import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueCampaign } from '../src/campaigns/queueCampaign.ts';
import { profileFile } from '../src/datasets/paths.ts';
import { sha256 } from '../src/http/auth/secrets.ts';
import {
  type Access,
  type App,
  allows,
  buildApp,
  hashPassword,
  type RouteAccess,
  routeAccess,
} from '../src/http/index.ts';
import { runDir } from '../src/runs/runPaths.ts';
import {
  addMembership,
  createApiToken,
  createDataset,
  createOrganisation,
  createTeam,
  createUser,
  insertCustomers,
  listAudit,
  ROLES,
  type Role,
  type Store,
} from '../src/store/index.ts';
import { jsonb } from '../src/store/jsonb.ts';
import { createCampaign } from '../src/store/repos/campaigns.ts';
import { publishRun, writeRunResult } from '../src/store/repos/results.ts';
import { createRun } from '../src/store/repos/runs.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from './stores.ts';

const PASSWORD = 'correct horse battery';
const CSRF = 'x-clientele-csrf';

interface Session {
  cookie: string;
  csrf: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function sessionCookie(res: LightMyRequestResponse): string {
  const cookie = res.cookies.find((c) => c.name === 'clientele_session');
  if (!cookie) throw new Error(`no session cookie in ${res.statusCode} ${res.body}`);
  return `clientele_session=${cookie.value}`;
}

for (const kind of STORE_KINDS) {
  describe(`auth and roles on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;
    let manager: Session;
    let managerId: string;
    let dataDir: string;

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      dataDir = mkdtempSync(join(tmpdir(), 'clientele-auth-'));
      // Queued runs stay queued: this suite checks who may start them, not the analysis.
      app = await buildApp({ store, dataDir, runs: { start: false }, campaigns: { start: false } });
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await target?.dispose();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const call = (
      method: Method,
      url: string,
      opts: {
        session?: Session;
        csrf?: boolean;
        bearer?: string;
        payload?: unknown;
        ip?: string;
        headers?: Record<string, string>;
      } = {},
    ) => {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.session) {
        headers['cookie'] = opts.session.cookie;
        if (opts.csrf !== false) headers[CSRF] = opts.session.csrf;
      }
      if (opts.bearer) headers['authorization'] = `Bearer ${opts.bearer}`;
      return app.inject({
        method,
        url,
        headers,
        ...(opts.payload === undefined ? {} : { payload: opts.payload as object }),
        ...(opts.ip ? { remoteAddress: opts.ip } : {}),
      });
    };

    async function signIn(email: string, password = PASSWORD): Promise<Session> {
      const res = await call('POST', '/api/auth/sign-in', { payload: { email, password } });
      expect(res.statusCode, res.body).toBe(200);
      return { cookie: sessionCookie(res), csrf: res.json().csrfToken };
    }

    async function newToken(session: Session): Promise<{ id: string; token: string }> {
      const res = await call('POST', '/api/tokens', { session, payload: { name: 'script' } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    }

    async function invite(email: string, team: string, role: Role): Promise<string> {
      const res = await call('POST', '/api/invitations', {
        session: manager,
        payload: { email, team, role },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().token;
    }

    /** A user of manager's organisation with one role, by invitation, and an API token of theirs. */
    async function member(email: string, team: string, role: Role) {
      const invitation = await invite(email, team, role);
      const res = await call('POST', '/api/auth/sign-up', {
        payload: { email, password: PASSWORD, name: email, invitation },
      });
      expect(res.statusCode, res.body).toBe(201);
      const session = { cookie: sessionCookie(res), csrf: res.json().csrfToken };
      return { userId: res.json().user.id as string, session, bearer: (await newToken(session)).token };
    }

    it('the first sign-up creates the organisation and its manager, in a secure session cookie', async () => {
      const res = await call('POST', '/api/auth/sign-up', {
        payload: { email: 'Boss@Example.com', password: PASSWORD, name: 'Boss', organisation: 'Acme' },
      });
      expect(res.statusCode, res.body).toBe(201);
      const me = res.json();
      expect(me.user.email).toBe('boss@example.com');
      expect(me.organisation.name).toBe('Acme');
      expect(me.memberships).toEqual([{ teamId: expect.any(String), team: 'Management', role: 'manager' }]);
      expect(me.permissions).toHaveLength(6);
      expect(me.csrfToken).toMatch(/^[\w-]{40,}$/);
      const cookie = res.cookies.find((c) => c.name === 'clientele_session')!;
      expect(cookie.httpOnly).toBe(true);
      expect(cookie.sameSite).toBe('Lax');
      expect(cookie.secure).toBeUndefined(); // plain http, secureCookies: 'auto'
      expect(cookie.path).toBe('/');
      expect(cookie.maxAge).toBe(7 * 24 * 3600);
      expect(cookie.value.length).toBeGreaterThanOrEqual(40);
      // Stored hashed: the cookie's value is nowhere in the sessions table.
      const rows = await store.db.selectFrom('sessions').selectAll().execute();
      expect(rows.map((r) => r.token_hash)).toEqual([sha256(cookie.value)]);
      manager = { cookie: sessionCookie(res), csrf: me.csrfToken };
      managerId = me.user.id;
      const audit = await listAudit(store.db, me.organisation.id);
      expect(audit.map((a) => a.action)).toContain('sign_up');
    });

    it('a later sign-up without an invitation is refused', async () => {
      const res = await call('POST', '/api/auth/sign-up', {
        payload: { email: 'someone@example.com', password: PASSWORD, name: 'S' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.field).toBe('body.invitation');
    });

    it('the cookie is Secure behind https (always, or auto behind a trusted proxy)', async () => {
      for (const opts of [{ auth: { secureCookies: true } }, { trustProxy: true }]) {
        const other = await buildApp({ store, ...opts });
        const res = await other.inject({
          method: 'POST',
          url: '/api/auth/sign-in',
          headers: { 'x-forwarded-proto': 'https' },
          payload: { email: 'boss@example.com', password: PASSWORD },
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.cookies.find((c) => c.name === 'clientele_session')!.secure).toBe(true);
        await other.close();
      }
    });

    it('a session expires', async () => {
      const short = await buildApp({ store, auth: { sessionTtlMs: 50 } });
      const res = await short.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { email: 'boss@example.com', password: PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(200);
      const cookie = sessionCookie(res);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await short.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(
        401,
      );
      await short.close();
    });

    it('signs in; a wrong password or unknown e-mail is the same 401', async () => {
      const s = await signIn('BOSS@example.com');
      expect((await call('GET', '/api/me', { session: s })).statusCode).toBe(200);
      const wrong = await call('POST', '/api/auth/sign-in', {
        payload: { email: 'boss@example.com', password: 'not it at all' },
        ip: '10.0.0.9',
      });
      const unknown = await call('POST', '/api/auth/sign-in', {
        payload: { email: 'nobody@example.com', password: PASSWORD },
        ip: '10.0.0.9',
      });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json()).toEqual(unknown.json());
      expect(wrong.cookies).toHaveLength(0);
      expect((await call('GET', '/api/me')).statusCode).toBe(401);
    });

    it('rate-limits failed sign-ins per e-mail + IP: 5 per 15 minutes, then 429 with Retry-After', async () => {
      const ip = '10.1.2.3';
      for (let i = 0; i < 5; i++) {
        const res = await call('POST', '/api/auth/sign-in', {
          payload: { email: 'boss@example.com', password: `wrong ${i}` },
          ip,
        });
        expect(res.statusCode).toBe(401);
      }
      // Even the right password waits now, from that IP.
      const limited = await call('POST', '/api/auth/sign-in', {
        payload: { email: 'boss@example.com', password: PASSWORD },
        ip,
      });
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe('TOO_MANY_REQUESTS');
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(800);
      expect(retryAfter).toBeLessThanOrEqual(900);
      // Another IP is not blocked.
      const elsewhere = await call('POST', '/api/auth/sign-in', {
        payload: { email: 'boss@example.com', password: PASSWORD },
        ip: '10.9.9.9',
      });
      expect(elsewhere.statusCode).toBe(200);
    });

    it('sign-out ends the session: the old cookie no longer works', async () => {
      const s = await signIn('boss@example.com');
      const out = await call('POST', '/api/auth/sign-out', { session: s });
      expect(out.statusCode).toBe(204);
      const cleared = out.cookies.find((c) => c.name === 'clientele_session')!;
      expect(cleared.value).toBe('');
      expect((await call('GET', '/api/me', { session: s })).statusCode).toBe(401);
      expect((await call('GET', '/api/me', { session: manager })).statusCode).toBe(200);
    });

    it('a cookie-authenticated write without the CSRF header is 403; reads need none', async () => {
      const without = await call('POST', '/api/tokens', {
        session: manager,
        csrf: false,
        payload: { name: 'x' },
      });
      expect(without.statusCode).toBe(403);
      expect(without.json().error.field).toBe('header.x-clientele-csrf');
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { cookie: manager.cookie, [CSRF]: 'guess' },
        payload: { name: 'x' },
      });
      expect(wrong.statusCode).toBe(403);
      const out = await call('POST', '/api/auth/sign-out', { session: manager, csrf: false });
      expect(out.statusCode).toBe(403);
      expect((await call('GET', '/api/me', { session: manager, csrf: false })).statusCode).toBe(200);
      expect(
        (await call('POST', '/api/tokens', { session: manager, payload: { name: 'x' } })).statusCode,
      ).toBe(201);
    });

    it('an API token works as Bearer without CSRF; a revoked or unknown one does not', async () => {
      const { id, token } = await newToken(manager);
      expect(token).toMatch(/^clt_/);
      const me = await call('GET', '/api/me', { bearer: token });
      expect(me.statusCode).toBe(200);
      expect(me.json().user.id).toBe(managerId);
      expect(me.json().csrfToken).toBeNull();
      expect((await call('POST', '/api/tokens', { bearer: token, payload: { name: 'y' } })).statusCode).toBe(
        201,
      );
      const stored = await store.db
        .selectFrom('api_tokens')
        .select('token_hash')
        .where('id', '=', id)
        .execute();
      expect(stored).toEqual([{ token_hash: sha256(token) }]);
      // The list names the tokens, never shows them; the one just used has a last-use time.
      const listed = await call('GET', '/api/tokens', { session: manager });
      expect(listed.body).not.toContain(token);
      const mine = listed.json().tokens.find((t: { id: string }) => t.id === id);
      expect(mine).toMatchObject({ id, revokedAt: null });
      expect((await call('DELETE', `/api/tokens/${id}`, { bearer: token })).statusCode).toBe(204);
      const after = (await call('GET', '/api/tokens', { session: manager })).json().tokens;
      expect(after.find((t: { id: string }) => t.id === id).revokedAt).not.toBeNull();
      expect((await call('GET', '/api/me', { bearer: token })).statusCode).toBe(401);
      expect((await call('DELETE', `/api/tokens/${id}`, { session: manager })).statusCode).toBe(404);
      expect((await call('GET', '/api/me', { bearer: 'clt_nope' })).statusCode).toBe(401);
      // A bad bearer does not fall back to the cookie.
      const both = await app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { cookie: manager.cookie, authorization: 'Bearer clt_nope' },
      });
      expect(both.statusCode).toBe(401);
    });

    it('an invitation joins its team with its role, once, for its e-mail only', async () => {
      const token = await invite('Mia@Example.com', 'Marketing', 'marketing');
      const other = await call('POST', '/api/auth/sign-up', {
        payload: { email: 'eve@example.com', password: PASSWORD, name: 'Eve', invitation: token },
      });
      expect(other.statusCode).toBe(403);
      const res = await call('POST', '/api/auth/sign-up', {
        payload: { email: 'mia@example.com', password: PASSWORD, name: 'Mia', invitation: token },
      });
      expect(res.statusCode, res.body).toBe(201);
      const me = res.json();
      expect(me.memberships).toEqual([{ teamId: expect.any(String), team: 'Marketing', role: 'marketing' }]);
      expect(me.permissions).toEqual(['rename_segments', 'send_campaigns', 'look_up_customers']);
      const again = await call('POST', '/api/auth/sign-up', {
        payload: { email: 'mia2@example.com', password: PASSWORD, name: 'Mia', invitation: token },
      });
      expect(again.statusCode).toBe(403);
      const members = await call('GET', '/api/members', { session: manager });
      expect(members.json().members.map((m: { email: string }) => m.email)).toEqual([
        'boss@example.com',
        'mia@example.com',
      ]);
      const mia = { cookie: sessionCookie(res), csrf: me.csrfToken };
      expect((await call('GET', '/api/members', { session: mia })).statusCode).toBe(403);
      expect(
        (
          await call('POST', '/api/invitations', {
            session: mia,
            payload: { email: 'x@example.com', team: 'T', role: 'manager' },
          })
        ).statusCode,
      ).toBe(403);
      // A manager changes her role: audited, and her permissions follow.
      const change = await call('PATCH', `/api/members/${me.user.id}`, {
        session: manager,
        payload: { teamId: me.memberships[0].teamId, role: 'support' },
      });
      expect(change.statusCode, change.body).toBe(200);
      expect((await call('GET', '/api/me', { session: mia })).json().permissions).toEqual([
        'look_up_customers',
      ]);
      const actions = (await listAudit(store.db, me.organisation.id)).map((a) => a.action);
      for (const action of ['sign_up', 'sign_in', 'invitation_created', 'token_created', 'role_changed']) {
        expect(actions).toContain(action);
      }
    });

    it('every protected route answers each role as the permission matrix says', async () => {
      const users = {} as Record<Role, Awaited<ReturnType<typeof member>>>;
      for (const role of ROLES) users[role] = await member(`perm-${role}@example.com`, 'Perm', role);
      const target = await member('perm-target@example.com', 'Perm', 'support');
      const teamId = (await call('GET', '/api/me', { bearer: target.bearer })).json().memberships[0].teamId;
      let n = 0;
      const orgId = (await call('GET', '/api/me', { bearer: target.bearer })).json().organisation.id;
      const dataset = async () => {
        const k = n++;
        const d = await createDataset(store.db, {
          orgId,
          name: `perm ${k}`,
          kind: 'snapshot',
          rows: 1,
          bytes: 10,
          sha256: `perm-${k}`,
          createdBy: null,
        });
        await insertCustomers(store.db, orgId, d.id, [{ customerId: `perm-c-${k}`, name: 'P' }]);
        return { id: d.id, customerId: `perm-c-${k}` };
      };
      const first = await dataset();
      // A published run of the first dataset: its report, one customer's results, an export.
      const published = await createRun(store.db, {
        orgId,
        datasetId: first.id,
        config: {},
        createdBy: null,
      });
      await writeRunResult(store.db, {
        orgId,
        runId: published.id,
        key: 'report',
        data: {
          segmentation: {
            segments: [
              { id: 0, name: 'All', description: '', size: 1, share: 1, revenueShare: null, drivers: [] },
            ],
          },
          churn: null,
        },
      });
      await publishRun(store.db, { orgId, datasetId: first.id, runId: published.id, publishedBy: null });
      mkdirSync(runDir(dataDir, orgId, published.id), { recursive: true });
      writeFileSync(
        join(runDir(dataDir, orgId, published.id), 'scores.csv'),
        'customer_id,segment\nperm-c-0,0\n',
      );
      // The published run's one customer, reachable by WhatsApp: an audience for the campaign routes.
      await store.db
        .updateTable('customers')
        .set({ phone: '+15550000001' })
        .where('org_id', '=', orgId)
        .where('customer_id', '=', first.customerId)
        .execute();
      await store.db
        .insertInto('customer_results')
        .values({
          org_id: orgId,
          run_id: published.id,
          customer_id: first.customerId,
          segment: 0,
          risk_tier: 'High',
        })
        .execute();
      const campaignBody = {
        name: 'perm',
        datasetId: first.id,
        channel: 'whatsapp',
        filter: {},
        body: 'Hi {first_name}. Reply STOP to opt out.',
        holdoutShare: 0,
      };
      const draft = async () =>
        (
          await createCampaign(store.db, {
            orgId,
            datasetId: first.id,
            runId: published.id,
            name: `perm ${n++}`,
            channel: 'whatsapp',
            filter: {},
            subject: null,
            body: campaignBody.body,
            language: 'en',
            holdoutShare: 0,
            seed: 1,
            outcomeWindowDays: 30,
            createdBy: null,
            teamId: null,
          })
        ).id;
      const queued = await queueCampaign(store.db, {
        orgId,
        campaignId: await draft(),
        publicUrl: 'http://127.0.0.1:9',
      });
      const queuedRun = async () =>
        (await createRun(store.db, { orgId, datasetId: first.id, config: {}, createdBy: null })).id;
      const schedule = async () =>
        (
          await store.db
            .insertInto('schedules')
            .values({
              id: `perm-schedule-${n++}`,
              org_id: orgId,
              dataset_id: first.id,
              cron: '0 3 1 * *',
              config: jsonb({}),
              next_run_at: new Date(Date.now() + 86_400_000),
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      // A chart of the caller's team (none for a role that may not save one: its call is refused first).
      const savedChart = async (bearer: string) => {
        const res = await call('POST', '/api/charts', {
          bearer,
          payload: { datasetId: first.id, title: 'perm', spec: { kind: 'bar', category: 'segment' } },
        });
        return res.statusCode === 201 ? (res.json().id as string) : 'none';
      };
      // One working request per route; a route missing here fails the test.
      type Sample = { url?: string; payload?: unknown; headers?: Record<string, string> };
      const samples: Record<string, (bearer: string) => Promise<Sample>> = {
        'GET /api/me': async () => ({}),
        'POST /api/auth/sign-out': async () => ({}),
        'POST /api/tokens': async () => ({ payload: { name: 'perm' } }),
        'GET /api/tokens': async () => ({}),
        'DELETE /api/tokens/:id': async (bearer) => {
          const res = await call('POST', '/api/tokens', { bearer, payload: { name: 'to revoke' } });
          return { url: `/api/tokens/${res.json().id}` };
        },
        'GET /api/members': async () => ({}),
        'PATCH /api/members/:userId': async () => ({
          url: `/api/members/${target.userId}`,
          payload: { teamId, role: 'support' },
        }),
        'DELETE /api/teams/:teamId/members/:userId': async () => {
          // A fresh person each time: the membership is gone after one removal.
          const k = n++;
          const user = await createUser(store.db, {
            orgId,
            email: `perm-leaver-${k}@example.com`,
            passwordHash: 'x',
            name: 'Leaver',
          });
          await addMembership(store.db, { orgId, teamId, userId: user.id, role: 'support' });
          return { url: `/api/teams/${teamId}/members/${user.id}` };
        },
        'POST /api/invitations': async () => ({
          payload: { email: `perm-invitee-${n++}@example.com`, team: 'Perm', role: 'support' },
        }),
        'POST /api/datasets': async () => {
          const k = n++;
          return {
            url: `/api/datasets?name=perm-${k}`,
            payload: `customer_id,age\n${Array.from({ length: 25 }, (_, i) => `c${k}-${i},${i}`).join('\n')}\n`,
            headers: { 'content-type': 'text/csv' },
          };
        },
        'GET /api/datasets': async () => ({}),
        'GET /api/datasets/:id': async () => ({ url: `/api/datasets/${first.id}` }),
        'DELETE /api/datasets/:id': async () => ({ url: `/api/datasets/${(await dataset()).id}` }),
        'GET /api/customers': async () => ({ url: '/api/customers?q=perm' }),
        'GET /api/customers/:customerId': async () => ({ url: `/api/customers/${first.customerId}` }),
        'POST /api/datasets/:datasetId/runs': async () => ({
          url: `/api/datasets/${first.id}/runs`,
          payload: {},
        }),
        'GET /api/runs': async () => ({}),
        'GET /api/runs/:runId': async () => ({ url: `/api/runs/${published.id}` }),
        'GET /api/runs/:a/compare/:b': async () => {
          await store.db
            .updateTable('runs')
            .set({ status: 'succeeded' })
            .where('id', '=', published.id)
            .execute();
          return { url: `/api/runs/${published.id}/compare/${published.id}` };
        },
        'GET /api/datasets/:datasetId/churn/places': async () => ({
          url: `/api/datasets/${first.id}/churn/places`,
        }),
        'GET /api/datasets/:datasetId/plan': async () => {
          const path = profileFile(dataDir, orgId, first.id);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, JSON.stringify({ source: { path: 'perm.csv' }, warnings: [] }));
          return { url: `/api/datasets/${first.id}/plan` };
        },
        'POST /api/runs/:runId/cancel': async () => ({ url: `/api/runs/${await queuedRun()}/cancel` }),
        'GET /api/runs/:runId/schema': async () => ({ url: `/api/runs/${published.id}/schema` }),
        'POST /api/runs/:runId/sql': async () => ({
          url: `/api/runs/${published.id}/sql`,
          payload: { sql: 'SELECT count(*) FROM scores' },
        }),
        'POST /api/runs/:runId/ask': async () => ({
          url: `/api/runs/${published.id}/ask`,
          payload: { question: 'how many customers?' },
        }),
        'GET /api/datasets/:datasetId/results': async () => ({ url: `/api/datasets/${first.id}/results` }),
        'GET /api/datasets/:datasetId/results/versions': async () => ({
          url: `/api/datasets/${first.id}/results/versions`,
        }),
        'GET /api/datasets/:datasetId/exports/:name': async () => ({
          url: `/api/datasets/${first.id}/exports/scores.csv`,
        }),
        'GET /api/datasets/:datasetId/insiders/changes': async () => ({
          url: `/api/datasets/${first.id}/insiders/changes`,
        }),
        'POST /api/datasets/:datasetId/schedules': async () => ({
          url: `/api/datasets/${first.id}/schedules`,
          payload: { cron: '0 3 1 * *' },
        }),
        'GET /api/datasets/:datasetId/schedules': async () => ({
          url: `/api/datasets/${first.id}/schedules`,
        }),
        'DELETE /api/schedules/:scheduleId': async () => ({ url: `/api/schedules/${await schedule()}` }),
        'GET /api/datasets/:datasetId/segments': async () => ({ url: `/api/datasets/${first.id}/segments` }),
        'PUT /api/datasets/:datasetId/segments/:segmentId/name': async () => ({
          url: `/api/datasets/${first.id}/segments/0/name`,
          payload: { name: 'Everyone', description: 'the whole base' },
        }),
        'GET /api/datasets/:datasetId/segmentations': async () => ({
          url: `/api/datasets/${first.id}/segmentations`,
        }),
        'PUT /api/datasets/:datasetId/segmentation': async () => ({
          url: `/api/datasets/${first.id}/segmentation`,
          payload: { segmentation: 'main' },
        }),
        'GET /api/datasets/:datasetId/segmentations/:a/cross/:b': async () => ({
          url: `/api/datasets/${first.id}/segmentations/main/cross/main`,
        }),
        'GET /api/audit': async () => ({ url: '/api/audit?limit=5' }),
        'POST /api/datasets/:datasetId/chart-data': async () => ({
          url: `/api/datasets/${first.id}/chart-data`,
          payload: { spec: { kind: 'bar', category: 'risk_tier' } },
        }),
        'GET /api/datasets/:datasetId/chart-fields': async () => ({
          url: `/api/datasets/${first.id}/chart-fields`,
        }),
        'GET /api/charts': async () => ({ url: `/api/charts?datasetId=${first.id}` }),
        'POST /api/charts': async () => ({
          payload: { datasetId: first.id, title: 'perm', spec: { kind: 'bar', category: 'segment' } },
        }),
        'PUT /api/charts/:id': async (bearer) => ({
          url: `/api/charts/${await savedChart(bearer)}`,
          payload: { title: 'renamed' },
        }),
        'DELETE /api/charts/:id': async (bearer) => ({ url: `/api/charts/${await savedChart(bearer)}` }),
        'POST /api/audiences/preview': async () => ({
          payload: { datasetId: first.id, channel: 'whatsapp', filter: { riskTiers: ['High'] } },
        }),
        'POST /api/campaigns/copy': async () => ({
          payload: {
            datasetId: first.id,
            segmentId: 0,
            channel: 'sms',
            language: 'en',
            instruction: 'a discount',
          },
        }),
        'POST /api/campaigns/check': async () => ({
          payload: { channel: 'sms', body: 'Hi. Reply STOP to opt out.' },
        }),
        'POST /api/campaigns': async () => ({ payload: campaignBody }),
        'POST /api/campaigns/:id/send': async () => ({ url: `/api/campaigns/${await draft()}/send` }),
        'POST /api/campaigns/:id/attachment': async () => ({
          url: `/api/campaigns/${await draft()}/attachment?name=perm.gif`,
          payload: Buffer.from('GIF89a-perm'),
          headers: { 'content-type': 'image/gif' },
        }),
        'DELETE /api/campaigns/:id/attachment': async () => ({
          url: `/api/campaigns/${await draft()}/attachment`,
        }),
        'GET /api/campaigns': async () => ({ url: '/api/campaigns?page=1&mine=1' }),
        'GET /api/campaigns/:id': async () => ({ url: `/api/campaigns/${queued.id}` }),
        'GET /api/campaigns/:id/deliveries': async () => ({ url: `/api/campaigns/${queued.id}/deliveries` }),
        'POST /api/campaigns/:id/outcomes': async () => ({
          url: `/api/campaigns/${queued.id}/outcomes`,
          payload: { outcomes: [{ customerId: first.customerId, churned: false, revenue: 5 }] },
        }),
        'GET /api/campaigns/:id/results': async () => ({ url: `/api/campaigns/${queued.id}/results` }),
        'GET /api/outbox': async () => ({ url: '/api/outbox?channel=whatsapp' }),
        'GET /api/contributions': async () => ({ url: '/api/contributions?mine=1' }),
        'GET /api/settings/channels': async () => ({}),
        'PUT /api/settings/channels': async () => ({ payload: { rateLimits: { sms: 5 } } }),
      };
      const routes = routeAccess(app).filter(
        (r): r is RouteAccess & { access: Exclude<Access, 'public'> } => r.access !== 'public',
      );
      expect(routes.length).toBeGreaterThanOrEqual(Object.keys(samples).length);
      for (const route of routes) {
        const key = `${route.method} ${route.url}`;
        expect(samples, `no sample request for ${key}`).toHaveProperty([key]);
        const sample = samples[key]!;
        const anonymous = await sample(users.manager.bearer);
        const res = await call(route.method as Method, anonymous.url ?? route.url, {
          payload: anonymous.payload,
          headers: anonymous.headers ?? {},
        });
        expect(res.statusCode, `${key} without sign-in`).toBe(401);
        for (const role of ROLES) {
          const { bearer } = users[role];
          const { url, payload, headers } = await sample(bearer);
          const res = await call(route.method as Method, url ?? route.url, {
            bearer,
            payload,
            headers: headers ?? {},
          });
          const allowed = route.access === 'signed_in' || allows([role], route.access);
          if (allowed) expect(res.statusCode, `${key} as ${role}: ${res.body}`).toBeLessThan(300);
          else expect(res.statusCode, `${key} as ${role}`).toBe(403);
        }
      }
    });

    it("a user of one organisation gets 404 for another's people and tokens, and sees none of them", async () => {
      const orgB = await createOrganisation(store.db, { name: 'Beta' });
      const teamB = await createTeam(store.db, { orgId: orgB.id, name: 'Management' });
      const userB = await createUser(store.db, {
        orgId: orgB.id,
        email: 'b-boss@example.com',
        passwordHash: await hashPassword(PASSWORD),
        name: 'B',
      });
      await addMembership(store.db, { orgId: orgB.id, teamId: teamB.id, userId: userB.id, role: 'manager' });
      const tokenB = await createApiToken(store.db, {
        orgId: orgB.id,
        userId: userB.id,
        name: 'b',
        tokenHash: sha256('clt_b_token'),
      });
      const patch = await call('PATCH', `/api/members/${userB.id}`, {
        session: manager,
        payload: { teamId: teamB.id, role: 'support' },
      });
      expect(patch.statusCode).toBe(404);
      expect((await call('DELETE', `/api/tokens/${tokenB.id}`, { session: manager })).statusCode).toBe(404);
      const mine = (await call('GET', '/api/members', { session: manager })).json().members;
      expect(mine.some((m: { email: string }) => m.email === 'b-boss@example.com')).toBe(false);
      const theirs = (await call('GET', '/api/members', { bearer: 'clt_b_token' })).json().members;
      expect(theirs.map((m: { email: string }) => m.email)).toEqual(['b-boss@example.com']);
      // B's token still works: A's DELETE did nothing.
      expect((await call('GET', '/api/me', { bearer: 'clt_b_token' })).statusCode).toBe(200);
    });

    it('bad input is a 400 naming the field', async () => {
      const cases: [string, unknown, string, string][] = [
        [
          '/api/auth/sign-up',
          { email: 'a@example.com', password: PASSWORD, name: 'A', admin: true },
          'UNKNOWN_FIELD',
          'body.admin',
        ],
        [
          '/api/auth/sign-up',
          { email: `${'a'.repeat(250)}@example.com`, password: PASSWORD, name: 'A' },
          '',
          'body.email',
        ],
        [
          '/api/auth/sign-up',
          { email: 'a@example.com', password: 'p'.repeat(257), name: 'A' },
          'TOO_LONG',
          'body.password',
        ],
        [
          '/api/auth/sign-up',
          { email: 'a@example.com', password: 'short', name: 'A' },
          'INVALID_INPUT',
          'body.password',
        ],
        [
          '/api/auth/sign-in',
          { email: 'a@example.com', password: PASSWORD, remember: 1 },
          'UNKNOWN_FIELD',
          'body.remember',
        ],
        ['/api/auth/sign-in', { email: 'e'.repeat(300), password: PASSWORD }, 'TOO_LONG', 'body.email'],
        [
          '/api/auth/sign-in',
          { email: 'a@example.com', password: 'p'.repeat(300) },
          'TOO_LONG',
          'body.password',
        ],
        [
          '/api/auth/sign-in',
          { email: "' or 1=1 --", password: "'; drop table users; --" },
          'UNAUTHORIZED',
          '',
        ],
      ];
      for (const [url, payload, code, field] of cases) {
        const res = await call('POST', url, { payload });
        expect(res.statusCode, `${url} ${JSON.stringify(payload).slice(0, 80)}`).toBe(
          code === 'UNAUTHORIZED' ? 401 : 400,
        );
        if (code) expect(res.json().error.code).toBe(code);
        if (field) expect(res.json().error.field).toBe(field);
      }
      const malformed = await app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        headers: { 'content-type': 'application/json' },
        payload: '{"email": "a@example.com", "password": ',
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().error.code).toBe('INVALID_JSON');
      const badRole = await call('POST', '/api/invitations', {
        session: manager,
        payload: { email: 'r@example.com', team: 'T', role: 'admin' },
      });
      expect(badRole.statusCode).toBe(400);
      expect(badRole.json().error.field).toBe('body.role');
      expect((await call('GET', '/api/health')).statusCode).toBe(200);
    });
  });
}
