import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp, sendJobs } from '../../src/http/index.ts';
import { listAudit, type Store } from '../../src/store/index.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from '../stores.ts';
import { type FakeTwilio, startFakeTwilio } from './fakeTwilio.ts';
import { type SeededOrg, seedOrg } from './fixture.ts';
import { type SmtpSink, startSmtpSink } from './smtpSink.ts';

const EMAIL_BODY =
  'Hi {first_name}, a travel pack for {segment}. To stop receiving these e-mails: {unsubscribe_url}';
const WHATSAPP_BODY = 'Hi {first_name}! Roaming in the Americas for less. Reply STOP to opt out.';

for (const kind of STORE_KINDS) {
  describe(`campaign routes on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;
    let url: string;
    let org: SeededOrg;
    let other: SeededOrg;
    let twilio: FakeTwilio;
    let sink: SmtpSink;

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      org = await seedOrg(store, {
        name: 'Routes',
        customers: 120,
        roles: ['manager', 'marketing', 'support'],
      });
      other = await seedOrg(store, { name: 'Other', customers: 30, roles: ['manager', 'marketing'] });
      twilio = await startFakeTwilio();
      sink = await startSmtpSink();
      app = await buildApp({
        store,
        runs: { start: false },
        campaigns: { pollMs: 50, rateLimits: { email: 1000, whatsapp: 1000, sms: 1000 } },
      });
      url = await app.listen({ host: '127.0.0.1', port: 0 });
      sendJobs(app).publicUrl = url;
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await twilio?.close();
      await sink?.close();
      await target?.dispose();
    });

    const call = async (
      method: 'GET' | 'POST' | 'PUT',
      path: string,
      payload?: unknown,
      as = org.users['marketing']!.token,
      headers: Record<string, string> = {},
    ) => {
      const res = await app.inject({
        method,
        url: path,
        headers: { authorization: `Bearer ${as}`, ...headers },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return { status: res.statusCode, body: res.body, json: () => JSON.parse(res.body) };
    };
    const waitSent = async (id: string) => {
      for (let i = 0; i < 600; i++) {
        const c = (await call('GET', `/api/campaigns/${id}`)).json();
        if (c.status === 'sent' || c.status === 'failed') return c;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`campaign ${id} did not finish`);
    };
    const create = (body: Record<string, unknown>, as?: string) =>
      call('POST', '/api/campaigns', { name: 'Roaming', datasetId: org.datasetId, ...body }, as);

    it('previews an audience: counts, who is left out, the 20 riskiest; another organisation reads 404', async () => {
      const res = await call('POST', '/api/audiences/preview', {
        datasetId: org.datasetId,
        channel: 'whatsapp',
        filter: { segments: [1], riskTiers: ['High', 'Critical'] },
      });
      expect(res.status, res.body).toBe(200);
      const body = res.json();
      let want = 0;
      for (let i = 0; i < 120; i++) if (i % 3 === 1 && i % 4 >= 2 && i % 11 !== 5) want++;
      expect(body.count).toBe(want);
      expect(body.optedOut).toBe(0);
      expect(body.preview.length).toBe(Math.min(20, want));
      expect(body.preview[0]).toMatchObject({
        segment: 1,
        segmentName: 'Suggested 1',
        store: expect.any(String),
      });
      const unknown = await call('POST', '/api/audiences/preview', {
        datasetId: org.datasetId,
        channel: 'whatsapp',
        filter: { segment: [1] },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.json().error.code).toBe('UNKNOWN_FIELD');
      const theirs = await call(
        'POST',
        '/api/audiences/preview',
        { datasetId: org.datasetId, channel: 'email', filter: {} },
        other.users['marketing']!.token,
      );
      expect(theirs.status).toBe(404);
    });

    it('checks copy and drafts it from the segment with the offline writer', async () => {
      const check = await call('POST', '/api/campaigns/check', {
        channel: 'whatsapp',
        body: 'Hi {nickname}!',
      });
      expect(check.status).toBe(200);
      const codes = check.json().problems.map((p: { code: string }) => p.code);
      expect(codes).toContain('UNKNOWN_VARIABLE');
      expect(codes).toContain('STOP_LINE_MISSING');
      expect(check.json().variables).toEqual(['nickname']);
      const drafts = [];
      for (const segmentId of [0, 1]) {
        const res = await call('POST', '/api/campaigns/copy', {
          datasetId: org.datasetId,
          segmentId,
          channel: 'email',
          language: 'en',
          instruction: 'travellers who use roaming a lot: promote travel packages for the Americas',
        });
        expect(res.status, res.body).toBe(200);
        expect(res.json().draft.writer).toBe('template');
        expect(res.json().problems).toEqual([]);
        drafts.push(res.json().draft.body);
      }
      const all = await call('POST', '/api/campaigns/copy', {
        datasetId: org.datasetId,
        channel: 'sms',
        language: 'es',
        instruction: 'a discount',
      });
      expect(all.status, all.body).toBe(200);
      expect(
        (
          await call('POST', '/api/campaigns/copy', {
            datasetId: org.datasetId,
            segmentId: 9,
            channel: 'sms',
            language: 'en',
            instruction: 'x',
          })
        ).status,
      ).toBe(404);
    });

    it('refuses bad copy naming the problems, an empty audience, unknown fields, and a role that may not send', async () => {
      const bad = await create({ channel: 'email', subject: 'Hi', body: 'Hello {first_name}' });
      expect(bad.status).toBe(400);
      expect(bad.json().error.message).toMatch(/UNSUBSCRIBE_MISSING/);
      const empty = await create({ channel: 'whatsapp', body: WHATSAPP_BODY, filter: { segments: [7] } });
      expect(empty.status).toBe(400);
      expect(empty.json().error.message).toMatch(/no customer matches/);
      const unknown = await create({ channel: 'whatsapp', body: WHATSAPP_BODY, priority: 'high' });
      expect(unknown.status).toBe(400);
      expect(unknown.json().error).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'body.priority' });
      const support = await create({ channel: 'whatsapp', body: WHATSAPP_BODY }, org.users['support']!.token);
      expect(support.status).toBe(403);
    });

    it('WhatsApp with nothing configured goes to the outbox and says so; a second send is 409', async () => {
      const created = await create({ channel: 'whatsapp', body: WHATSAPP_BODY, filter: { segments: [0] } });
      expect(created.status, created.body).toBe(201);
      const c = created.json();
      expect(c).toMatchObject({
        status: 'draft',
        holdoutShare: 0.1,
        outcomeWindowDays: 30,
        author: { name: 'marketing person' },
      });
      expect(c.team).toMatchObject({ name: 'Marketing' });
      const sent = await call('POST', `/api/campaigns/${c.id}/send`);
      expect(sent.status, sent.body).toBe(202);
      expect(sent.json()).toMatchObject({ status: 'queued', provider: 'outbox' });
      expect(sent.json().notice).toMatch(/WhatsApp \(Twilio\) is not configured.*outbox/);
      expect((await call('POST', `/api/campaigns/${c.id}/send`)).status).toBe(409);
      const done = await waitSent(c.id);
      expect(done.counts.sent + done.counts.heldOut).toBe(done.counts.audience);
      expect(done.counts.heldOut).toBe(Math.round(done.counts.audience * 0.1));
      const outbox = (await call('GET', `/api/outbox?channel=whatsapp`)).json();
      expect(outbox.total).toBe(done.counts.sent);
      expect(outbox.messages[0]).toMatchObject({
        campaignId: c.id,
        channel: 'whatsapp',
        body: expect.stringMatching(/^Hi Name\d+! Roaming/),
      });
      // Another organisation sees neither the campaign nor the outbox.
      const theirs = other.users['marketing']!.token;
      expect((await call('GET', `/api/campaigns/${c.id}`, undefined, theirs)).status).toBe(404);
      expect((await call('POST', `/api/campaigns/${c.id}/send`, undefined, theirs)).status).toBe(404);
      expect((await call('GET', '/api/outbox', undefined, theirs)).json().total).toBe(0);
      expect((await call('GET', '/api/campaigns', undefined, theirs)).json().total).toBe(0);
    });

    it('sends WhatsApp through Twilio: one request per recipient, status callbacks mark delivery, STOP opts out', async () => {
      const settings = await call(
        'PUT',
        '/api/settings/channels',
        {
          twilio: {
            accountSid: twilio.accountSid,
            authToken: twilio.authToken,
            whatsappFrom: '+14155238886',
            baseUrl: twilio.baseUrl,
          },
        },
        org.users['manager']!.token,
      );
      expect(settings.status, settings.body).toBe(200);
      expect(settings.body).not.toContain(twilio.authToken);
      expect(settings.json().whatsapp).toEqual({
        configured: true,
        provider: 'twilio',
        from: '+14155238886',
      });
      expect((await call('GET', '/api/settings/channels')).status).toBe(403); // marketing
      const c = (
        await create({ channel: 'whatsapp', body: WHATSAPP_BODY, filter: { segments: [2] } })
      ).json();
      const sent = await call('POST', `/api/campaigns/${c.id}/send`);
      expect(sent.json().provider).toBe('twilio');
      expect(sent.json().notice).toBeNull();
      await waitSent(c.id);
      await twilio.settled();
      const deliveries = (await call('GET', `/api/campaigns/${c.id}/deliveries?status=held_out`)).json();
      expect(deliveries.total).toBeGreaterThan(0);
      const all: { customerId: string; to: string; status: string }[] = [];
      for (let page = 1; ; page++) {
        const got = (await call('GET', `/api/campaigns/${c.id}/deliveries?page=${page}`)).json();
        all.push(...got.deliveries);
        if (got.deliveries.length === 0) break;
      }
      const treated = all.filter((d) => d.status !== 'held_out');
      for (const d of treated) expect(twilio.createdFor(`whatsapp:${d.to}`), d.to).toHaveLength(1);
      for (const d of all.filter((x) => x.status === 'held_out'))
        expect(twilio.createdFor(`whatsapp:${d.to}`)).toHaveLength(0);
      expect(twilio.callbacks.every((cb) => cb.responseStatus === 204)).toBe(true);
      const after = (await call('GET', `/api/campaigns/${c.id}`)).json();
      expect(after.counts.delivered).toBe(treated.length);
      // A forged callback is refused.
      const forged = await app.inject({
        method: 'POST',
        url: `/api/webhooks/twilio/${org.orgId}/status`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'bogus' },
        payload: 'MessageSid=SM1&MessageStatus=failed',
      });
      expect(forged.statusCode).toBe(403);
      // STOP from one of them: opted out, and left out of the next audience.
      const who = treated[0]!;
      const status = await twilio.sendInbound(`${url}/api/webhooks/twilio/${org.orgId}/inbound`, {
        From: `whatsapp:${who.to}`,
        To: 'whatsapp:+14155238886',
        Body: 'STOP',
      });
      expect(status).toBe(200);
      const preview = (
        await call('POST', '/api/audiences/preview', {
          datasetId: org.datasetId,
          channel: 'whatsapp',
          filter: { segments: [2] },
        })
      ).json();
      expect(preview.optedOut).toBe(1);
      const audit = (await listAudit(store.db, org.orgId, 200)).map((a) => a.action);
      for (const action of [
        'campaign_created',
        'campaign_sent',
        'channel_settings_changed',
        'customer_opted_out',
      ])
        expect(audit).toContain(action);
    });

    it('sends e-mail over SMTP once per recipient; the unsubscribe link opts out; outcomes give results', async () => {
      await call(
        'PUT',
        '/api/settings/channels',
        { smtp: { host: sink.host, port: sink.port, secure: false, from: 'news@example.com' } },
        org.users['manager']!.token,
      );
      const created = await create({
        channel: 'email',
        subject: 'Travel, {first_name}?',
        body: EMAIL_BODY,
        filter: { stores: ['S1'] },
        holdoutShare: 0.2,
        seed: 7,
      });
      expect(created.status, created.body).toBe(201);
      const c = created.json();
      expect((await call('POST', `/api/campaigns/${c.id}/send`)).json().provider).toBe('smtp');
      const done = await waitSent(c.id);
      const mine = sink.messages.filter((m) => m.text.includes('a travel pack'));
      expect(mine).toHaveLength(done.counts.sent);
      expect(new Set(mine.map((m) => m.to[0])).size).toBe(mine.length);
      expect(done.counts.uncertain).toBe(0);
      const link = /http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/[\w.-]+/.exec(mine[0]!.text)![0];
      expect(mine[0]!.headers['list-unsubscribe']).toBe(`<${link}>`);
      // Opening the link (a person, or a mail scanner) opts no one out: it asks.
      const asked = await fetch(link);
      expect(asked.status).toBe(200);
      expect(await asked.text()).toMatch(/<form method="post">.*Unsubscribe<\/button>/);
      const beforeConfirm = (
        await call('POST', '/api/audiences/preview', {
          datasetId: org.datasetId,
          channel: 'email',
          filter: { stores: ['S1'] },
        })
      ).json();
      const page = await fetch(link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'confirm=1',
      });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/You are unsubscribed/);
      expect(await (await fetch(link)).text()).toMatch(/You are unsubscribed/);
      // RFC 8058 one-click from the mail client: a status, no page.
      const oneClick = await fetch(link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(oneClick.status).toBe(204);
      const tampered = await fetch(`${link.slice(0, -3)}abc`);
      expect(tampered.status).toBe(404);
      const preview = (
        await call('POST', '/api/audiences/preview', {
          datasetId: org.datasetId,
          channel: 'email',
          filter: { stores: ['S1'] },
        })
      ).json();
      expect(preview.optedOut).toBe(beforeConfirm.optedOut + 1);

      // Outcomes: JSON and CSV; the control group churns more.
      const rows: { customerId: string; status: string }[] = [];
      for (let p = 1; ; p++) {
        const got = (await call('GET', `/api/campaigns/${c.id}/deliveries?page=${p}`)).json();
        if (got.deliveries.length === 0) break;
        rows.push(...got.deliveries);
      }
      const outcomes = rows.map((r, i) => ({
        customerId: r.customerId,
        churned: r.status === 'held_out' ? i % 2 === 0 : i % 5 === 0,
        revenue: 10,
      }));
      const half = Math.floor(outcomes.length / 2);
      const json = await call('POST', `/api/campaigns/${c.id}/outcomes`, {
        outcomes: outcomes.slice(0, half),
      });
      expect(json.json()).toEqual({ received: half, ignored: 0 });
      const csv = `customer_id,churned,revenue\n${outcomes
        .slice(half)
        .map((o) => `${o.customerId},${o.churned ? 1 : 0},${o.revenue}`)
        .join('\n')}\nnobody,1,\n`;
      const imported = await call('POST', `/api/campaigns/${c.id}/outcomes`, csv, undefined, {
        'content-type': 'text/csv',
      });
      expect(imported.status, imported.body).toBe(200);
      expect(imported.json()).toEqual({ received: outcomes.length - half, ignored: 1 });
      const results = (await call('GET', `/api/campaigns/${c.id}/results`)).json();
      expect(results.overall.treated.customers + results.overall.control.customers).toBe(rows.length);
      expect(results.overall.control.customers).toBe(done.counts.heldOut);
      expect(results.missingOutcomes).toEqual({ treated: 0, control: 0 });
      expect(Object.keys(results.byTier)).toEqual(['Moderate', 'Critical']); // store S1: odd customers
      expect(results.overall.churn.uplift).toBeGreaterThan(0);
    });

    it('lists the history with counts, contributions for Home, and posts per member', async () => {
      const list = (await call('GET', '/api/campaigns')).json();
      expect(list.total).toBe(3);
      expect(list.campaigns.map((c: { channel: string }) => c.channel)).toEqual([
        'email',
        'whatsapp',
        'whatsapp',
      ]);
      expect(list.campaigns.every((c: { status: string }) => c.status === 'sent')).toBe(true);
      expect(
        (await call('GET', '/api/campaigns?mine=1', undefined, org.users['manager']!.token)).json().total,
      ).toBe(0);
      const contributions = (await call('GET', '/api/contributions')).json();
      expect(contributions.total).toBe(3);
      expect(contributions.contributions[1]).toMatchObject({
        author: 'marketing person',
        type: 'whatsapp',
        segment: 'Suggested 2',
        text: 'Roaming',
      });
      const members = (await call('GET', '/api/members', undefined, org.users['manager']!.token)).json()
        .members;
      const posts = Object.fromEntries(
        members.map((m: { name: string; posts: number }) => [m.name, m.posts]),
      );
      expect(posts).toMatchObject({ 'marketing person': 3, 'manager person': 0 });
    });
  });
}
