import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/http/auth/secrets.ts';
import { type App, buildApp } from '../src/http/index.ts';
import {
  addMembership,
  createApiToken,
  createOrganisation,
  createTeam,
  createUser,
  listAudit,
  type Role,
  type Store,
} from '../src/store/index.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from './stores.ts';

for (const kind of STORE_KINDS) {
  describe(`removing a member from a team on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;
    let dataDir: string;
    let orgId: string;
    let n = 0;

    const call = async (method: 'GET' | 'DELETE', url: string, bearer: string) => {
      const res = await app.inject({ method, url, headers: { authorization: `Bearer ${bearer}` } });
      return { status: res.statusCode, body: res.body, json: () => JSON.parse(res.body) };
    };

    /** A person in `teamId` with `role`, and an API token for them. */
    const person = async (org: string, teamId: string, role: Role) => {
      const k = n++;
      const user = await createUser(store.db, {
        orgId: org,
        email: `removal-${kind}-${k}@example.com`,
        passwordHash: 'x',
        name: `Person ${k}`,
      });
      await addMembership(store.db, { orgId: org, teamId, userId: user.id, role });
      const bearer = `clt_removal_${kind}_${k}`;
      await createApiToken(store.db, { orgId: org, userId: user.id, name: 't', tokenHash: sha256(bearer) });
      return { userId: user.id, bearer };
    };

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      dataDir = mkdtempSync(join(tmpdir(), 'clientele-removal-'));
      orgId = (await createOrganisation(store.db, { name: 'Removal' })).id;
      app = await buildApp({ store, dataDir, runs: { start: false }, campaigns: { start: false } });
      await app.ready();
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await target?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('a manager takes someone out of one team: audited, their other teams kept', async () => {
      const management = (await createTeam(store.db, { orgId, name: 'Management' })).id;
      const care = (await createTeam(store.db, { orgId, name: 'Care' })).id;
      const sales = (await createTeam(store.db, { orgId, name: 'Sales' })).id;
      const boss = await person(orgId, management, 'manager');
      const agent = await person(orgId, care, 'support');
      await addMembership(store.db, { orgId, teamId: sales, userId: agent.userId, role: 'marketing' });

      const res = await call('DELETE', `/api/teams/${care}/members/${agent.userId}`, boss.bearer);
      expect(res.status, res.body).toBe(204);
      const members = (await call('GET', '/api/members', boss.bearer)).json().members;
      const theirs = members.filter((m: { userId: string }) => m.userId === agent.userId);
      expect(theirs.map((m: { teamId: string; role: string }) => [m.teamId, m.role])).toEqual([
        [sales, 'marketing'],
      ]);
      const audit = (await listAudit(store.db, orgId)).find((a) => a.action === 'member_removed');
      expect(audit).toMatchObject({
        user_id: boss.userId,
        subject: `user:${agent.userId}`,
        detail: { teamId: care, role: 'support' },
      });
      // Once only: the membership is gone.
      expect((await call('DELETE', `/api/teams/${care}/members/${agent.userId}`, boss.bearer)).status).toBe(
        404,
      );
      // Others may not.
      const marketer = await person(orgId, sales, 'marketing');
      const refused = await call('DELETE', `/api/teams/${sales}/members/${agent.userId}`, marketer.bearer);
      expect(refused.status).toBe(403);
    });

    it("never removes the organisation's last manager", async () => {
      const org = (await createOrganisation(store.db, { name: 'Solo' })).id;
      const team = (await createTeam(store.db, { orgId: org, name: 'Management' })).id;
      const other = (await createTeam(store.db, { orgId: org, name: 'Shops' })).id;
      const first = await person(org, team, 'manager');
      const last = await call('DELETE', `/api/teams/${team}/members/${first.userId}`, first.bearer);
      expect(last.status).toBe(409);
      expect(last.json().error).toMatchObject({ code: 'CONFLICT', field: 'path.userId' });
      expect(last.json().error.message).toMatch(/last manager: make someone else a manager first/);

      // The same person managing a second team: one of the two memberships may go.
      await addMembership(store.db, { orgId: org, teamId: other, userId: first.userId, role: 'manager' });
      expect((await call('DELETE', `/api/teams/${other}/members/${first.userId}`, first.bearer)).status).toBe(
        204,
      );
      expect((await call('DELETE', `/api/teams/${team}/members/${first.userId}`, first.bearer)).status).toBe(
        409,
      );

      // With a second manager, the first may leave (even by themself); then the second is the last.
      const second = await person(org, team, 'manager');
      expect((await call('DELETE', `/api/teams/${team}/members/${first.userId}`, first.bearer)).status).toBe(
        204,
      );
      expect(
        (await call('DELETE', `/api/teams/${team}/members/${second.userId}`, second.bearer)).status,
      ).toBe(409);
    });

    it('refuses to demote the last manager too, and allows it once there is another', async () => {
      const org = (await createOrganisation(store.db, { name: 'Demote' })).id;
      const team = (await createTeam(store.db, { orgId: org, name: 'Management' })).id;
      const only = await person(org, team, 'manager');
      const patch = (userId: string, role: Role, bearer: string) =>
        app.inject({
          method: 'PATCH',
          url: `/api/members/${userId}`,
          headers: { authorization: `Bearer ${bearer}` },
          payload: { teamId: team, role },
        });
      const refused = await patch(only.userId, 'support', only.bearer);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toMatchObject({ code: 'CONFLICT', field: 'body.role' });
      expect((await patch(only.userId, 'manager', only.bearer)).statusCode).toBe(200);
      const second = await person(org, team, 'support');
      expect((await patch(second.userId, 'manager', only.bearer)).statusCode).toBe(200);
      expect((await patch(only.userId, 'marketing', only.bearer)).statusCode).toBe(200);
      expect((await patch(second.userId, 'support', second.bearer)).statusCode).toBe(409);
    });

    it("reads another organisation's people as missing", async () => {
      const mine = (await createTeam(store.db, { orgId, name: 'Mine' })).id;
      const boss = await person(orgId, mine, 'manager');
      const org = (await createOrganisation(store.db, { name: 'Elsewhere' })).id;
      const theirTeam = (await createTeam(store.db, { orgId: org, name: 'Theirs' })).id;
      const them = await person(org, theirTeam, 'support');
      const res = await call('DELETE', `/api/teams/${theirTeam}/members/${them.userId}`, boss.bearer);
      expect(res.status).toBe(404);
      expect((await call('GET', '/api/members', them.bearer)).status).toBe(403);
      const still = await store.db
        .selectFrom('memberships')
        .select('role')
        .where('user_id', '=', them.userId)
        .executeTakeFirst();
      expect(still?.role).toBe('support');
    });
  });
}
