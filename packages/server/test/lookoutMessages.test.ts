import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/http/index.ts';
import type { Store } from '../src/store/index.ts';
import { type SeededOrg, seedOrg } from './campaigns/fixture.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from './stores.ts';

const BODY = 'Hi {first_name}! Roaming in the Americas for less. Reply STOP to opt out.';

for (const kind of STORE_KINDS) {
  describe(`Lookout lists the messages a customer received, on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;
    let org: SeededOrg;

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      org = await seedOrg(store, {
        name: 'Lookout messages',
        customers: 60,
        roles: ['marketing', 'support'],
      });
      app = await buildApp({ store, runs: { start: false }, campaigns: { pollMs: 50 } });
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await target?.dispose();
    });

    const call = async (method: 'GET' | 'POST', url: string, payload?: object, role = 'marketing') => {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${org.users[role]!.token}` },
        ...(payload === undefined ? {} : { payload }),
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return JSON.parse(res.body);
    };

    it('shows each sent message newest first, and nothing for a held-out customer', async () => {
      const names = ['Roaming spring', 'Roaming summer'];
      for (const name of names) {
        const c = await call('POST', '/api/campaigns', {
          name,
          datasetId: org.datasetId,
          channel: 'whatsapp',
          body: BODY,
          filter: { segments: [0] },
        });
        await call('POST', `/api/campaigns/${c.id}/send`);
        for (let i = 0; ; i++) {
          if ((await call('GET', `/api/campaigns/${c.id}`)).status === 'sent') break;
          if (i > 600) throw new Error('the campaign did not finish');
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      const rows = await store.db
        .selectFrom('deliveries as d')
        .innerJoin('campaigns as k', 'k.id', 'd.campaign_id')
        .select(['d.customer_id', 'd.status', 'k.name'])
        .where('d.org_id', '=', org.orgId)
        .execute();
      const byCustomer = new Map<string, Map<string, string>>();
      for (const r of rows) {
        if (!byCustomer.has(r.customer_id)) byCustomer.set(r.customer_id, new Map());
        byCustomer.get(r.customer_id)!.set(r.name, r.status);
      }
      const both = [...byCustomer].find(([, m]) => names.every((n) => m.get(n) === 'sent'))![0];
      const heldOut = [...byCustomer].find(([, m]) => names.every((n) => m.get(n) === 'held_out'))?.[0];
      const outside = 'c00001'; // segment 1: in neither audience

      const seen = await call('GET', `/api/customers/${both}`, undefined, 'support');
      expect(seen.messages.map((m: { campaign: string }) => m.campaign)).toEqual([...names].reverse());
      expect(seen.messages[0]).toMatchObject({
        channel: 'whatsapp',
        status: 'sent',
        subject: null,
        body: expect.stringMatching(/^Hi Name\d+! Roaming/),
      });
      expect(Date.parse(seen.messages[0].at)).toBeGreaterThanOrEqual(Date.parse(seen.messages[1].at));
      expect((await call('GET', `/api/customers/${outside}`, undefined, 'support')).messages).toEqual([]);
      if (heldOut !== undefined) {
        expect((await call('GET', `/api/customers/${heldOut}`, undefined, 'support')).messages).toEqual([]);
      }
      // A held-out customer in one campaign and sent in the other sees only that one.
      const mixed = [...byCustomer].find(
        ([, m]) => m.get(names[0]!) === 'held_out' && m.get(names[1]!) === 'sent',
      );
      if (mixed) {
        const m = (await call('GET', `/api/customers/${mixed[0]}`, undefined, 'support')).messages;
        expect(m.map((x: { campaign: string }) => x.campaign)).toEqual([names[1]]);
      }
    });
  });
}
