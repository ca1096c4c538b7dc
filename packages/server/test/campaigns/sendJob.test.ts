import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueError, queueCampaign } from '../../src/campaigns/queueCampaign.ts';
import { SendJobs } from '../../src/campaigns/sendJobs.ts';
import type { Channel, OutgoingMessage, SendOutcome } from '../../src/campaigns/types.ts';
import type { Store } from '../../src/store/index.ts';
import { campaignCounts, createCampaign, getCampaign } from '../../src/store/repos/campaigns.ts';
import { putChannelSettings } from '../../src/store/repos/channelSettings.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from '../stores.ts';
import { type SeededOrg, seedOrg } from './fixture.ts';

/** A provider in memory: records every hand-over; `fail` decides per message and attempt. */
class FakeChannel implements Channel {
  readonly received: OutgoingMessage[] = [];
  readonly attempts = new Map<string, number>();
  constructor(
    readonly kind: Channel['kind'],
    readonly provider: 'smtp' | 'twilio',
    private readonly fail: (m: OutgoingMessage, attempt: number) => SendOutcome | undefined = () => undefined,
    withReconcile = false,
  ) {
    if (withReconcile) {
      this.reconcile = async (m) => {
        const hit = this.received.find((r) => r.idempotencyKey === m.idempotencyKey);
        return hit ? { found: true, providerId: `p-${hit.to}` } : { found: false };
      };
    }
  }
  reconcile?: Channel['reconcile'];
  async send(m: OutgoingMessage): Promise<SendOutcome> {
    const attempt = (this.attempts.get(m.idempotencyKey) ?? 0) + 1;
    this.attempts.set(m.idempotencyKey, attempt);
    const failed = this.fail(m, attempt);
    if (failed) return failed;
    this.received.push(m);
    return { status: 'sent', providerId: `p-${m.to}` };
  }
}

for (const kind of STORE_KINDS) {
  describe(`the durable send job on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let org: SeededOrg;
    const jobs: SendJobs[] = [];

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      org = await seedOrg(store, { name: 'Send', customers: 300 });
    }, 60_000);
    afterAll(async () => {
      for (const j of jobs) await j.stop();
      await target?.dispose();
    });

    const campaign = async (
      channel: 'email' | 'whatsapp' | 'sms',
      extra: { holdoutShare?: number; filter?: object } = {},
    ) => {
      const c = await createCampaign(store.db, {
        orgId: org.orgId,
        datasetId: org.datasetId,
        runId: org.runId,
        name: `${channel} campaign`,
        channel,
        filter: (extra.filter ?? {}) as never,
        subject: channel === 'email' ? 'Hello {first_name}' : null,
        body:
          channel === 'email'
            ? 'Hi {first_name} of {segment}. Unsubscribe: {unsubscribe_url}'
            : 'Hi {first_name}! Reply STOP to opt out.',
        language: 'en',
        holdoutShare: extra.holdoutShare ?? 0.1,
        seed: 42,
        outcomeWindowDays: 30,
        createdBy: null,
        teamId: org.teamId,
      });
      return queueCampaign(store.db, { orgId: org.orgId, campaignId: c.id, publicUrl: 'http://127.0.0.1:9' });
    };
    const worker = (
      channel: FakeChannel | undefined,
      options: Partial<ConstructorParameters<typeof SendJobs>[0]> = {},
    ) => {
      const j = new SendJobs({
        store,
        pollMs: 20,
        backoffMs: 10,
        rateLimits: { email: 10_000, whatsapp: 10_000, sms: 10_000 },
        ...(channel ? { channels: () => channel } : {}),
        ...options,
      });
      jobs.push(j);
      return j;
    };
    const deliveries = (campaignId: string) =>
      store.db.selectFrom('deliveries').selectAll().where('campaign_id', '=', campaignId).execute();

    it('freezes the audience: one row per recipient, personalised, the control group stratified by tier', async () => {
      const c = await campaign('email');
      expect(c.status).toBe('queued');
      expect(c.provider).toBe('outbox'); // nothing configured yet
      expect(c.notice).toMatch(/not configured.*outbox/);
      const rows = await deliveries(c.id);
      expect(rows).toHaveLength(257); // 300 less the 43 without an e-mail
      expect(c.audience).toBe(257);
      expect(c.missing_contact).toBe(43);
      const held = rows.filter((r) => r.status === 'held_out');
      expect(held.length).toBe(26); // round(0.1 * 257)
      // Each tier holds out about a tenth of itself.
      for (const tier of ['Low', 'Moderate', 'High', 'Critical']) {
        const inTier = rows.filter((r) => r.risk_tier === tier).length;
        const heldInTier = held.filter((r) => r.risk_tier === tier).length;
        expect(Math.abs(heldInTier - inTier * 0.1)).toBeLessThanOrEqual(1);
      }
      const first = rows.find((r) => r.customer_id === 'c00001')!;
      expect(first.idempotency_key).toBe(`${c.id}:c00001`);
      expect(first.subject).toBe('Hello Name1');
      expect(first.body).toMatch(
        /^Hi Name1 of Suggested 1\. Unsubscribe: http:\/\/127\.0\.0\.1:9\/unsubscribe\/[\w-]+\.[\w-]+$/,
      );
      // The same seed draws the same control group.
      const again = await campaign('email');
      const heldAgain = (await deliveries(again.id))
        .filter((r) => r.status === 'held_out')
        .map((r) => r.customer_id);
      expect(heldAgain.sort()).toEqual(held.map((r) => r.customer_id).sort());
      // Sent once: a second queue is refused.
      await expect(
        queueCampaign(store.db, { orgId: org.orgId, campaignId: c.id, publicUrl: 'x' }),
      ).rejects.toThrow(QueueError);
      // An audience nobody matches any more.
      await expect(campaign('email', { filter: { segments: [99] } })).rejects.toThrow(/no customer matches/);
      // Drain these outbox campaigns.
      const j = worker(undefined);
      await j.start();
      await j.idle();
      await j.stop();
      const outbox = await store.db
        .selectFrom('outbox_messages')
        .selectAll()
        .where('campaign_id', '=', c.id)
        .execute();
      expect(outbox).toHaveLength(257 - 26);
      expect((await getCampaign(store.db, org.orgId, c.id))!.status).toBe('sent');
      expect((await campaignCounts(store.db, [c.id])).get(c.id)).toEqual({
        audience: 257,
        heldOut: 26,
        queued: 0,
        sent: 231,
        delivered: 0,
        failed: 0,
        uncertain: 0,
      });
    });

    it('sends each recipient once; retries temporary failures with backoff; records permanent ones', async () => {
      await putChannelSettings(
        store.db,
        org.orgId,
        { twilio: { accountSid: 'AC1', authToken: 't', smsFrom: '+15550000000' } },
        null,
        store.secrets,
      );
      const channel = new FakeChannel('sms', 'twilio', (m, attempt) => {
        if (m.to.endsWith('0000010')) return { status: 'permanent_failure', error: 'invalid number' };
        if (m.to.endsWith('0000020')) return { status: 'temporary_failure', error: 'busy' }; // always
        if (m.to.endsWith('3') && attempt < 3) return { status: 'temporary_failure', error: 'rate limited' };
        return undefined;
      });
      const c = await campaign('sms', { holdoutShare: 0 });
      expect(c.provider).toBe('twilio');
      const j = worker(channel, { maxAttempts: 4, publicUrl: 'http://127.0.0.1:9/' });
      await j.start();
      await j.idle();
      await j.stop();
      const rows = await deliveries(c.id);
      const keys = channel.received.map((m) => m.idempotencyKey);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.length).toBe(rows.length - 2);
      const byId = new Map(rows.map((r) => [r.customer_id, r]));
      expect(byId.get('c00010')).toMatchObject({ status: 'failed', error: 'invalid number', attempts: 1 });
      expect(byId.get('c00020')).toMatchObject({ status: 'failed', attempts: 4 });
      expect(byId.get('c00020')!.error).toMatch(/busy \(gave up after 4 attempts\)/);
      expect(byId.get('c00013')).toMatchObject({
        status: 'sent',
        attempts: 3,
        provider_id: 'p-+15550000013',
      });
      const first = channel.received[0]!;
      expect(first.statusCallbackUrl).toBe(
        `http://127.0.0.1:9/api/webhooks/twilio/${org.orgId}/status?key=${encodeURIComponent(first.idempotencyKey)}`,
      );
      const counts = (await campaignCounts(store.db, [c.id])).get(c.id)!;
      expect(counts).toMatchObject({ failed: 2, sent: rows.length - 2, queued: 0, heldOut: 0 });
      expect((await getCampaign(store.db, org.orgId, c.id))!.status).toBe('sent');
    });

    it('keeps to the rate limit per channel', async () => {
      await putChannelSettings(store.db, org.orgId, { rateLimits: { sms: 100 } }, null, store.secrets);
      const channel = new FakeChannel('sms', 'twilio');
      const at: number[] = [];
      const send = channel.send.bind(channel);
      channel.send = async (m) => {
        at.push(Date.now());
        return send(m);
      };
      await campaign('sms', { holdoutShare: 0, filter: { segments: [0], riskTiers: ['Low'] } });
      const j = worker(channel);
      await j.start();
      await j.idle();
      await j.stop();
      await putChannelSettings(store.db, org.orgId, { rateLimits: { sms: 10_000 } }, null, store.secrets);
      expect(at.length).toBeGreaterThan(15);
      // 100 per second: n messages span at least (n - 1) * 10 ms (timers never fire early by more than 1 ms).
      expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual((at.length - 1) * 10 - at.length);
    });

    it('keeps to the rate limit across workers: two workers together send no faster than one', async () => {
      await putChannelSettings(store.db, org.orgId, { rateLimits: { sms: 50 } }, null, store.secrets);
      const at: number[] = [];
      const timed = (ch: FakeChannel) => {
        const send = ch.send.bind(ch);
        ch.send = async (m) => {
          at.push(Date.now());
          return send(m);
        };
        return ch;
      };
      const a = timed(new FakeChannel('sms', 'twilio'));
      const b = timed(new FakeChannel('sms', 'twilio'));
      await campaign('sms', { holdoutShare: 0, filter: { segments: [0], riskTiers: ['Moderate'] } });
      const ja = worker(a, { batchSize: 4, concurrency: 2 });
      const jb = worker(b, { batchSize: 4, concurrency: 2 });
      await ja.start();
      await jb.start();
      await ja.idle();
      await jb.idle();
      await ja.stop();
      await jb.stop();
      await putChannelSettings(store.db, org.orgId, { rateLimits: { sms: 10_000 } }, null, store.secrets);
      expect(a.received.length).toBeGreaterThan(0);
      expect(b.received.length).toBeGreaterThan(0);
      expect(at.length).toBeGreaterThan(15);
      // 50 per second between them: n messages span at least (n - 1) * 20 ms, less a millisecond
      // each for timers; each worker on its own clock would have taken about half that.
      at.sort((x, y) => x - y);
      expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual((at.length - 1) * 20 - at.length);
    });

    it('recovers rows a stopped worker left sending: reconciled, requeued, or resent as uncertain', async () => {
      const c = await campaign('sms', { holdoutShare: 0, filter: { segments: [1] } });
      const rows = (await deliveries(c.id)).sort((a, b) => (a.customer_id < b.customer_id ? -1 : 1));
      const [tookIt, neverTook, notHanded] = rows;
      const channel = new FakeChannel('sms', 'twilio', undefined, true);
      // The provider took tookIt's message before the crash.
      channel.received.push({
        channel: 'sms',
        to: tookIt!.to_address,
        body: tookIt!.body,
        idempotencyKey: tookIt!.idempotency_key,
      });
      const crash = (customerId: string, handed: boolean) =>
        store.db
          .updateTable('deliveries')
          .set({
            status: 'sending',
            claimed_by: 'w_dead',
            claimed_at: new Date(),
            handed_at: handed ? new Date() : null,
          })
          .where('campaign_id', '=', c.id)
          .where('customer_id', '=', customerId)
          .execute();
      await crash(tookIt!.customer_id, true);
      await crash(neverTook!.customer_id, true);
      await crash(notHanded!.customer_id, false);
      const events: string[] = [];
      // PostgreSQL may be shared: the dead worker has no heartbeat, so it is stale already.
      const j = worker(channel, {
        onEvent: (e) => e.type === 'recovered' && events.push(`${e.customerId}:${e.how}`),
      });
      await j.start();
      await j.idle();
      await j.stop();
      expect(events.sort()).toEqual(
        [
          `${tookIt!.customer_id}:reconciled`,
          `${neverTook!.customer_id}:requeued`,
          `${notHanded!.customer_id}:requeued`,
        ].sort(),
      );
      const keys = channel.received.map((m) => m.idempotencyKey);
      expect(keys.filter((k) => k === tookIt!.idempotency_key)).toHaveLength(1);
      expect(new Set(keys).size).toBe(rows.length);
      expect(keys).toHaveLength(rows.length);
      const after = await deliveries(c.id);
      expect(after.every((r) => r.status === 'sent' && !r.uncertain)).toBe(true);

      // Without reconcile (SMTP): resent with the same key, and counted as uncertain.
      await putChannelSettings(
        store.db,
        org.orgId,
        { smtp: { host: '127.0.0.1', port: 9, secure: false, from: 'a@example.com' } },
        null,
        store.secrets,
      );
      const mail = new FakeChannel('email', 'smtp');
      const e = await campaign('email', { holdoutShare: 0, filter: { segments: [2] } });
      const first = (await deliveries(e.id)).sort((a, b) => (a.customer_id < b.customer_id ? -1 : 1))[0]!;
      mail.received.push({
        channel: 'email',
        to: first.to_address,
        body: first.body,
        idempotencyKey: first.idempotency_key,
      });
      await store.db
        .updateTable('deliveries')
        .set({ status: 'sending', claimed_by: 'w_dead', claimed_at: new Date(), handed_at: new Date() })
        .where('campaign_id', '=', e.id)
        .where('customer_id', '=', first.customer_id)
        .execute();
      const k = worker(mail);
      await k.start();
      await k.idle();
      await k.stop();
      const dup = mail.received.filter((m) => m.idempotencyKey === first.idempotency_key);
      expect(dup).toHaveLength(2);
      const counts = (await campaignCounts(store.db, [e.id])).get(e.id)!;
      expect(counts.uncertain).toBe(1);
      expect(counts.queued).toBe(0);
    });

    it('a row a live worker holds is not taken from it (PostgreSQL: several servers)', async () => {
      if (kind !== 'postgres') return;
      const c = await campaign('sms', { holdoutShare: 0, filter: { segments: [0], riskTiers: ['High'] } });
      const live = new SendJobs({ store, staleMs: 60_000, exclusive: false });
      await store.db.insertInto('send_workers').values({ id: 'w_live', pid: 1 }).execute();
      await store.db
        .updateTable('deliveries')
        .set({ status: 'sending', claimed_by: 'w_live', claimed_at: new Date(), handed_at: new Date() })
        .where('campaign_id', '=', c.id)
        .execute();
      const channel = new FakeChannel('sms', 'twilio', undefined, true);
      const j = worker(channel, { exclusive: false, staleMs: 60_000 });
      await j.start();
      await new Promise((r) => setTimeout(r, 200));
      expect(channel.received).toHaveLength(0);
      expect((await deliveries(c.id)).every((r) => r.claimed_by === 'w_live')).toBe(true);
      // Its heartbeat goes stale: now they are adopted, and resent (the provider never saw them).
      await store.db
        .updateTable('send_workers')
        .set({ heartbeat_at: new Date(Date.now() - 120_000) })
        .where('id', '=', 'w_live')
        .execute();
      await j.idle();
      await j.stop();
      expect(channel.received.length).toBe((await deliveries(c.id)).length);
      await live.stop();
    });

    it("two workers in one process share a campaign without taking each other's rows", async () => {
      const c = await campaign('sms', {
        holdoutShare: 0,
        filter: { segments: [1], riskTiers: ['Low', 'Moderate'] },
      });
      const slow = (ch: FakeChannel) => {
        const send = ch.send.bind(ch);
        ch.send = async (m) => {
          await new Promise((r) => setTimeout(r, 20));
          return send(m);
        };
        return ch;
      };
      const a = slow(new FakeChannel('sms', 'twilio'));
      const b = slow(new FakeChannel('sms', 'twilio'));
      const ja = worker(a, { batchSize: 5, concurrency: 2 });
      const jb = worker(b, { batchSize: 5, concurrency: 2 });
      await ja.start();
      await jb.start();
      await ja.idle();
      await ja.stop();
      await jb.stop();
      const keys = [...a.received, ...b.received].map((m) => m.idempotencyKey);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toHaveLength((await deliveries(c.id)).length);
      expect(a.received.length).toBeGreaterThan(0);
      expect(b.received.length).toBeGreaterThan(0);
    });

    it('a stop hands back the rows claimed but not yet handed over', async () => {
      const channel = new FakeChannel('sms', 'twilio');
      const c = await campaign('sms', {
        holdoutShare: 0,
        filter: { segments: [2], riskTiers: ['Low', 'High'] },
      });
      await putChannelSettings(store.db, org.orgId, { rateLimits: { sms: 20 } }, null, store.secrets);
      const j = worker(channel, { batchSize: 40, concurrency: 1 });
      await j.start();
      while (channel.received.length < 3) await new Promise((r) => setTimeout(r, 10));
      await j.stop();
      await putChannelSettings(store.db, org.orgId, { rateLimits: { sms: 10_000 } }, null, store.secrets);
      const rows = await deliveries(c.id);
      expect(rows.filter((r) => r.status === 'sending')).toHaveLength(0);
      expect(rows.filter((r) => r.status === 'sent')).toHaveLength(channel.received.length);
      const k = worker(channel);
      await k.start();
      await k.idle();
      await k.stop();
      expect(channel.received).toHaveLength(rows.length);
      expect(new Set(channel.received.map((m) => m.idempotencyKey)).size).toBe(rows.length);
    });
  });
}
