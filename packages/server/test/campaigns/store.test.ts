import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceCounts, audienceMembers, segmentNamesOf } from '../../src/campaigns/audience.ts';
import { type Store, setSegmentName } from '../../src/store/index.ts';
import { recordOutcomes } from '../../src/store/repos/campaignOutcomes.ts';
import {
  campaignCounts,
  createCampaign,
  getCampaign,
  listCampaigns,
} from '../../src/store/repos/campaigns.ts';
import { getChannelSettings, putChannelSettings } from '../../src/store/repos/channelSettings.ts';
import { optOut } from '../../src/store/repos/optOuts.ts';
import { serverSecret } from '../../src/store/repos/serverSecrets.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from '../stores.ts';
import { type SeededOrg, seedOrg } from './fixture.ts';

for (const kind of STORE_KINDS) {
  describe(`campaign store and audiences on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let org: SeededOrg;
    let other: SeededOrg;

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      org = await seedOrg(store, { name: 'A', customers: 200 });
      other = await seedOrg(store, { name: 'B', customers: 50 });
    }, 60_000);
    afterAll(async () => {
      await target?.dispose();
    });

    const base = () => ({ orgId: org.orgId, datasetId: org.datasetId, runId: org.runId });

    it('migration 0005 is applied right after 0004', async () => {
      const names = await store.migrations();
      expect(names.indexOf('0005_campaigns')).toBe(names.indexOf('0004_runs') + 1);
    });

    it('counts an audience by every filter, and the customers without the channel contact', async () => {
      const all = await audienceCounts(store.db, { ...base(), channel: 'email', filter: {} });
      // Every 7th customer (i % 7 == 3) has no e-mail: 29 of 200.
      expect(all).toEqual({ count: 171, optedOut: 0, missingContact: 29 });
      const phones = await audienceCounts(store.db, { ...base(), channel: 'whatsapp', filter: {} });
      expect(phones.missingContact).toBe(18); // i % 11 == 5
      const expectCount = async (filter: object, predicate: (i: number) => boolean) => {
        const got = await audienceCounts(store.db, { ...base(), channel: 'whatsapp', filter });
        let want = 0;
        for (let i = 0; i < 200; i++) if (predicate(i) && i % 11 !== 5) want++;
        expect(got.count, JSON.stringify(filter)).toBe(want);
      };
      await expectCount({ segments: [1] }, (i) => i % 3 === 1);
      await expectCount({ riskTiers: ['High', 'Critical'] }, (i) => i % 4 >= 2);
      await expectCount({ stores: ['S1'] }, (i) => i % 2 === 1);
      await expectCount({ locations: ['L0', 'L3'] }, (i) => i % 5 === 0 || i % 5 === 3);
      await expectCount({ insiders: true }, (i) => i % 10 === 0);
      await expectCount({ insiders: false }, (i) => i % 10 !== 0);
      await expectCount({ fields: [{ field: 'plan', op: 'eq', value: 'gold' }] }, (i) => i % 2 === 0);
      await expectCount({ fields: [{ field: 'plan', op: 'ne', value: 'gold' }] }, (i) => i % 2 === 1);
      await expectCount({ fields: [{ field: 'age', op: 'ge', value: 60 }] }, (i) => 20 + (i % 50) >= 60);
      await expectCount({ fields: [{ field: 'age', op: 'lt', value: 25 }] }, (i) => 20 + (i % 50) < 25);
      await expectCount({ fields: [{ field: 'age', op: 'eq', value: 30 }] }, (i) => 20 + (i % 50) === 30);
      await expectCount({ fields: [{ field: 'age', op: 'in', value: [21, 22] }] }, (i) =>
        [1, 2].includes(i % 50),
      );
      await expectCount({ fields: [{ field: 'plan', op: 'gt', value: 3 }] }, () => false);
      await expectCount(
        { segments: [0], riskTiers: ['Low'], fields: [{ field: 'plan', op: 'eq', value: 'gold' }] },
        (i) => i % 3 === 0 && i % 4 === 0 && i % 2 === 0,
      );
    });

    it('leaves opted-out customers out and counts them; opt-outs are per organisation', async () => {
      expect(
        await optOut(store.db, {
          orgId: org.orgId,
          customerIds: ['c00000', 'c00001', 'c00003'],
          source: 'test',
        }),
      ).toBe(3);
      expect(await optOut(store.db, { orgId: org.orgId, customerIds: ['c00000'], source: 'test' })).toBe(0);
      const counts = await audienceCounts(store.db, { ...base(), channel: 'email', filter: {} });
      // c00003 had no e-mail: it counts as opted out, not as missing a contact.
      expect(counts).toEqual({ count: 169, optedOut: 3, missingContact: 28 });
      const members = await audienceMembers(store.db, { ...base(), channel: 'email', filter: {} });
      expect(members).toHaveLength(169);
      expect(members.some((m) => m.customerId === 'c00000')).toBe(false);
      // The other organisation's customer of the same id is not opted out.
      const theirs = await audienceCounts(store.db, {
        orgId: other.orgId,
        datasetId: other.datasetId,
        runId: other.runId,
        channel: 'email',
        filter: {},
      });
      expect(theirs.optedOut).toBe(0);
      // Another organisation's run reads as empty.
      const crossed = await audienceCounts(store.db, {
        ...base(),
        runId: other.runId,
        channel: 'email',
        filter: {},
      });
      expect(crossed.count).toBe(0);
    });

    it('previews the riskiest first, with segment names as the team sees them', async () => {
      const preview = await audienceMembers(store.db, { ...base(), channel: 'sms', filter: {}, limit: 20 });
      expect(preview).toHaveLength(20);
      for (let i = 1; i < preview.length; i++)
        expect(preview[i - 1]!.churnProbability!).toBeGreaterThanOrEqual(preview[i]!.churnProbability!);
      await setSegmentName(store.db, {
        orgId: org.orgId,
        runId: org.runId,
        segmentId: '1',
        teamId: org.teamId,
        name: 'Travellers',
        description: 'roam a lot',
        updatedBy: null,
      });
      const names = await segmentNamesOf(store.db, org.orgId, org.runId, [org.teamId]);
      expect(names.get(1)?.name).toBe('Travellers');
      expect(names.get(0)?.name).toBe('Suggested 0');
      expect((await segmentNamesOf(store.db, org.orgId, org.runId, []))?.get(1)?.name).toBe('Suggested 1');
    });

    it('stores campaigns, lists them newest first per organisation, and counts deliveries by state', async () => {
      const make = (name: string) =>
        createCampaign(store.db, {
          ...base(),
          name,
          channel: 'email',
          filter: {},
          subject: 'Hi',
          body: 'Hello {first_name}',
          language: 'en',
          holdoutShare: 0.1,
          seed: 42,
          outcomeWindowDays: 30,
          createdBy: org.users['marketing']!.userId,
          teamId: org.teamId,
        });
      const first = await make('first');
      const second = await make('second');
      const listed = await listCampaigns(store.db, org.orgId, { limit: 10, offset: 0 });
      expect(listed.total).toBe(2);
      expect(listed.campaigns.map((c) => c.name)).toEqual(['second', 'first']);
      expect(listed.campaigns[0]!.author_name).toBe('marketing person');
      expect(listed.campaigns[0]!.team_name).toBe('Marketing');
      expect(await getCampaign(store.db, other.orgId, first.id)).toBeUndefined();
      expect((await listCampaigns(store.db, other.orgId, { limit: 10, offset: 0 })).total).toBe(0);
      const statuses = ['pending', 'sending', 'sent', 'delivered', 'failed', 'held_out', 'sent'] as const;
      await store.db
        .insertInto('deliveries')
        .values(
          statuses.map((status, i) => ({
            org_id: org.orgId,
            campaign_id: first.id,
            customer_id: `c0000${i}`,
            idempotency_key: `${first.id}:c0000${i}`,
            channel: 'email',
            to_address: 'x@example.com',
            body: 'b',
            status,
            uncertain: i === 6,
          })),
        )
        .execute();
      // The idempotency key is unique.
      await expect(
        store.db
          .insertInto('deliveries')
          .values({
            org_id: org.orgId,
            campaign_id: second.id,
            customer_id: 'c00000',
            idempotency_key: `${first.id}:c00000`,
            channel: 'email',
            to_address: 'x',
            body: 'b',
            status: 'pending',
          })
          .execute(),
      ).rejects.toThrow();
      const counts = await campaignCounts(store.db, [first.id, second.id]);
      expect(counts.get(first.id)).toEqual({
        audience: 7,
        heldOut: 1,
        queued: 2,
        sent: 3,
        delivered: 1,
        failed: 1,
        uncertain: 1,
      });
      expect(counts.get(second.id)!.audience).toBe(0);
      expect(
        await recordOutcomes(store.db, org.orgId, first.id, [
          { customerId: 'c00000', churned: true },
          { customerId: 'c00001', churned: false, revenue: 12 },
          { customerId: 'c00001', churned: true, revenue: 3 },
          { customerId: 'zzz', churned: true },
        ]),
      ).toBe(2);
      const outcomes = await store.db
        .selectFrom('campaign_outcomes')
        .selectAll()
        .where('campaign_id', '=', first.id)
        .orderBy('customer_id')
        .execute();
      expect(outcomes.map((o) => [o.customer_id, o.churned, o.revenue])).toEqual([
        ['c00000', true, null],
        ['c00001', true, 3],
      ]);
    });

    it('keeps channel settings per organisation; a part left out stays, null removes it', async () => {
      expect((await getChannelSettings(store.db, org.orgId)).smtp).toBeNull();
      await putChannelSettings(
        store.db,
        org.orgId,
        {
          smtp: { host: '127.0.0.1', port: 25, secure: false, from: 'a@example.com' },
          rateLimits: { email: 5 },
        },
        null,
        store.secrets,
      );
      const after = await putChannelSettings(
        store.db,
        org.orgId,
        { twilio: { accountSid: 'AC1', authToken: 't' } },
        null,
        store.secrets,
      );
      expect(after.smtp?.host).toBe('127.0.0.1');
      expect(after.twilio?.accountSid).toBe('AC1');
      expect(after.rate_limits).toEqual({ email: 5 });
      const removed = await putChannelSettings(store.db, org.orgId, { smtp: null }, null, store.secrets);
      expect(removed.smtp).toBeNull();
      expect((await getChannelSettings(store.db, other.orgId)).twilio).toBeNull();
    });

    it('makes a server secret once and hands the same one to every caller', async () => {
      const [a, b] = await Promise.all([serverSecret(store.db, 'test'), serverSecret(store.db, 'test')]);
      expect(a).toBe(b);
      expect(a.length).toBeGreaterThanOrEqual(40);
      expect(await serverSecret(store.db, 'other')).not.toBe(a);
    });
  });
}
