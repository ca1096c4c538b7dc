import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffType } from '../../src/campaigns/attachments.ts';
import { signMedia, verifyMedia } from '../../src/campaigns/mediaToken.ts';
import { type App, buildApp, sendJobs } from '../../src/http/index.ts';
import { listAudit, type Store } from '../../src/store/index.ts';
import { STORE_KINDS, type StoreTarget, storeTarget } from '../stores.ts';
import { type FakeTwilio, startFakeTwilio } from './fakeTwilio.ts';
import { type SeededOrg, seedOrg } from './fixture.ts';
import { type SmtpSink, startSmtpSink } from './smtpSink.ts';

const EMAIL_BODY = 'Hi {first_name}, our travel guide is attached. To stop these e-mails: {unsubscribe_url}';
const WHATSAPP_BODY = 'Hi {first_name}! Our roaming prices are in the picture. Reply STOP to opt out.';
const SMS_BODY = 'Hi {first_name}! Roaming for less this month. Reply STOP to opt out.';
const MiB = 1024 * 1024;

/** A file that starts with a type's magic number, then `size` random bytes. */
const fileOf = (magic: number[] | string, size = 3000) =>
  Buffer.concat([
    typeof magic === 'string' ? Buffer.from(magic, 'latin1') : Buffer.from(magic),
    randomBytes(size),
  ]);
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff, 0xe0];

describe('attachment types by their first bytes', () => {
  it('knows PNG, JPEG, GIF and PDF, and names what anything else is', () => {
    expect(sniffType(fileOf(PNG, 4))).toEqual({ type: 'image/png' });
    expect(sniffType(fileOf(JPEG, 4))).toEqual({ type: 'image/jpeg' });
    expect(sniffType(fileOf('GIF89a', 4))).toEqual({ type: 'image/gif' });
    expect(sniffType(fileOf('GIF87a', 4))).toEqual({ type: 'image/gif' });
    expect(sniffType(fileOf('%PDF-1.7\n', 4))).toEqual({ type: 'application/pdf' });
    expect(sniffType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toEqual({ found: 'a WebP image' });
    expect(sniffType(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]))).toMatchObject({
      found: expect.stringMatching(/ZIP/),
    });
    expect(sniffType(Buffer.from('name,age\nAna,3\n'))).toEqual({ found: 'text' });
    expect(sniffType(Buffer.from('<svg xmlns="'))).toEqual({ found: 'an SVG / XML file' });
    expect(sniffType(Buffer.alloc(0))).toEqual({ found: 'an empty file' });
    // A PNG signature cut short is not a PNG.
    expect(sniffType(Buffer.from(PNG.slice(0, 6)))).not.toHaveProperty('type');
  });

  it('media tokens: the claim round-trips; an edited, foreign or expired one is refused', () => {
    const claim = { orgId: 'o1', campaignId: 'c1', file: 'f1', expires: Math.floor(Date.now() / 1000) + 60 };
    const token = signMedia('secret', claim);
    expect(verifyMedia('secret', token)).toEqual(claim);
    expect(verifyMedia('another secret', token)).toBeUndefined();
    const [payload, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify(['o1', 'c2', 'f1', claim.expires])).toString('base64url');
    expect(verifyMedia('secret', `${forged}.${mac}`)).toBeUndefined();
    expect(
      verifyMedia('secret', `${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`),
    ).toBeUndefined();
    expect(verifyMedia('secret', token, (claim.expires + 1) * 1000)).toBeUndefined();
  });
});

for (const kind of STORE_KINDS) {
  describe(`campaign attachments on ${kind}`, () => {
    let target: StoreTarget;
    let store: Store;
    let app: App;
    let url: string;
    let dataDir: string;
    let org: SeededOrg;
    let other: SeededOrg;
    let twilio: FakeTwilio;
    let sink: SmtpSink;

    beforeAll(async () => {
      target = storeTarget(kind);
      store = await target.open();
      org = await seedOrg(store, {
        name: 'Attachments',
        customers: 40,
        roles: ['manager', 'marketing', 'support'],
      });
      other = await seedOrg(store, { name: 'Other', customers: 20, roles: ['manager', 'marketing'] });
      twilio = await startFakeTwilio();
      sink = await startSmtpSink();
      dataDir = mkdtempSync(join(tmpdir(), 'clientele-attachments-'));
      app = await buildApp({
        store,
        dataDir,
        runs: { start: false },
        campaigns: {
          pollMs: 50,
          backoffMs: 50,
          rateLimits: { email: 1000, whatsapp: 1000, sms: 1000 },
        },
      });
      url = await app.listen({ host: '127.0.0.1', port: 0 });
      sendJobs(app).publicUrl = url;
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await twilio?.close();
      await sink?.close();
      await target?.dispose();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const call = async (
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
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
    const attach = (id: string, file: Buffer, type: string, query = '', as?: string) =>
      call('POST', `/api/campaigns/${id}/attachment${query}`, file, as, { 'content-type': type });
    const create = async (o: SeededOrg, body: Record<string, unknown>) => {
      const res = await call(
        'POST',
        '/api/campaigns',
        { name: 'With a file', datasetId: o.datasetId, holdoutShare: 0, ...body },
        o.users['marketing']!.token,
      );
      expect(res.status, res.body).toBe(201);
      return res.json() as { id: string; attachment: unknown };
    };
    const waitSent = async (id: string, as = org.users['marketing']!.token) => {
      for (let i = 0; i < 600; i++) {
        const c = (await call('GET', `/api/campaigns/${id}`, undefined, as)).json();
        if (c.status === 'sent' || c.status === 'failed') return c;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`campaign ${id} did not finish`);
    };
    const folderOf = (o: SeededOrg, id: string) => join(dataDir, 'attachments', o.orgId, id);
    const storedRow = async (id: string) =>
      (
        await store.db
          .selectFrom('campaigns')
          .select('attachment')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).attachment as { name: string; type: string; bytes: number; sha256: string; file: string } | null;
    const recipients = async (id: string) => {
      const all: { customerId: string; to: string; status: string }[] = [];
      for (let page = 1; ; page++) {
        const got = (await call('GET', `/api/campaigns/${id}/deliveries?page=${page}`)).json();
        if (got.deliveries.length === 0) return all;
        all.push(...got.deliveries);
      }
    };

    it('uploads, replaces and removes a draft’s attachment, the file kept under the data folder', async () => {
      const c = await create(org, { channel: 'whatsapp', body: WHATSAPP_BODY });
      expect(c.attachment).toBeNull();
      const png = fileOf(PNG, 20_000);
      const up = await attach(c.id, png, 'image/png', '?name=Prices%20%C3%A1.png');
      expect(up.status, up.body).toBe(200);
      expect(up.json().attachment).toEqual({ name: 'Prices á.png', type: 'image/png', bytes: png.length });
      expect((await call('GET', `/api/campaigns/${c.id}`)).json().attachment).toEqual(up.json().attachment);
      const first = (await storedRow(c.id))!;
      expect(first.sha256).toBe((await import('node:crypto')).createHash('sha256').update(png).digest('hex'));
      expect(readdirSync(folderOf(org, c.id))).toEqual([first.file]);
      expect(readFileSync(join(folderOf(org, c.id), first.file)).equals(png)).toBe(true);

      // Replaced by a PDF sent as octet-stream, its name from Content-Disposition: the PNG is gone.
      const pdf = fileOf('%PDF-1.4\n', 5000);
      const again = await call('POST', `/api/campaigns/${c.id}/attachment`, pdf, undefined, {
        'content-type': 'application/octet-stream',
        'content-disposition': 'attachment; filename="../../guide"',
      });
      expect(again.status, again.body).toBe(200);
      expect(again.json().attachment).toEqual({
        name: 'guide.pdf',
        type: 'application/pdf',
        bytes: pdf.length,
      });
      const second = (await storedRow(c.id))!;
      expect(second.file).not.toBe(first.file);
      expect(readdirSync(folderOf(org, c.id))).toEqual([second.file]);

      const removed = await call('DELETE', `/api/campaigns/${c.id}/attachment`);
      expect(removed.status, removed.body).toBe(200);
      expect(removed.json().attachment).toBeNull();
      expect(await storedRow(c.id)).toBeNull();
      expect(readdirSync(folderOf(org, c.id))).toEqual([]);
      // Nothing to remove is not an error.
      expect((await call('DELETE', `/api/campaigns/${c.id}/attachment`)).status).toBe(200);
      const audit = (await listAudit(store.db, org.orgId, 50)).map((a) => a.action);
      expect(audit).toContain('campaign_attachment_set');
      expect(audit).toContain('campaign_attachment_removed');
    });

    it('refuses a file that is not what it says, too large, of another type, on a sent campaign, and another organisation’s', async () => {
      const c = await create(org, { channel: 'whatsapp', body: WHATSAPP_BODY });
      const pdf = fileOf('%PDF-1.7\n');
      const lying = await attach(c.id, pdf, 'image/png');
      expect(lying.status).toBe(400);
      expect(lying.json().error).toMatchObject({ code: 'INVALID_INPUT', field: 'body' });
      expect(lying.json().error.message).toMatch(/the file is a PDF document, not a PNG image/);
      const text = await attach(c.id, Buffer.from('customer_id,age\nc1,30\n'), 'application/octet-stream');
      expect(text.status).toBe(400);
      expect(text.json().error.message).toMatch(/the file is text, not an image \(PNG, JPEG, GIF\) or a PDF/);
      const zip = await attach(c.id, fileOf([0x50, 0x4b, 0x03, 0x04]), 'image/jpeg');
      expect(zip.status).toBe(400);
      expect(zip.json().error.message).toMatch(/ZIP archive/);
      const svg = await attach(
        c.id,
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
        'image/svg+xml',
      );
      expect(svg.status).toBe(415);
      expect(svg.json().error.message).toMatch(/image\/svg\+xml/);

      const big = fileOf(PNG, 5 * MiB); // 8 bytes over 5 MiB
      const tooLarge = await attach(c.id, big, 'image/png');
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.json().error.message).toMatch(/5 MiB/);
      // Exactly at the limit is accepted.
      const atLimit = await attach(c.id, fileOf(PNG, 5 * MiB - PNG.length), 'image/png');
      expect(atLimit.status, atLimit.body).toBe(200);
      expect(atLimit.json().attachment.bytes).toBe(5 * MiB);
      // The refusals left nothing behind: only the accepted file.
      expect(readdirSync(folderOf(org, c.id))).toEqual([(await storedRow(c.id))!.file]);

      // Support may not attach; another organisation reads 404.
      expect((await attach(c.id, fileOf(PNG), 'image/png', '', org.users['support']!.token)).status).toBe(
        403,
      );
      expect((await attach(c.id, fileOf(PNG), 'image/png', '', other.users['marketing']!.token)).status).toBe(
        404,
      );
      expect(
        (
          await call(
            'DELETE',
            `/api/campaigns/${c.id}/attachment`,
            undefined,
            other.users['marketing']!.token,
          )
        ).status,
      ).toBe(404);

      // Once sent (the outbox: nothing configured for WhatsApp yet), it cannot change.
      const sent = await call('POST', `/api/campaigns/${c.id}/send`);
      expect(sent.status, sent.body).toBe(202);
      const late = await attach(c.id, fileOf(PNG), 'image/png');
      expect(late.status).toBe(409);
      expect(late.json().error.message).toMatch(/only change while it is a draft/);
      expect((await call('DELETE', `/api/campaigns/${c.id}/attachment`)).status).toBe(409);
      expect((await call('GET', `/api/campaigns/${c.id}`)).json().attachment.bytes).toBe(5 * MiB);
      await waitSent(c.id);
      // The outbox keeps the attachment's name with each message.
      const outbox = (await call('GET', `/api/outbox?campaignId=${c.id}`)).json();
      expect(outbox.total).toBeGreaterThan(0);
      for (const m of outbox.messages) expect(m.attachment).toBe('attachment.png');
    });

    it('e-mail over SMTP carries the attachment, also when a message is sent again after a refusal', async () => {
      const settings = await call(
        'PUT',
        '/api/settings/channels',
        { smtp: { host: sink.host, port: sink.port, secure: false, from: 'news@example.com' } },
        org.users['manager']!.token,
      );
      expect(settings.status, settings.body).toBe(200);
      const c = await create(org, {
        channel: 'email',
        subject: 'Your travel guide, {first_name}',
        body: EMAIL_BODY,
        filter: { segments: [0] },
      });
      const jpeg = fileOf(JPEG, 40_000);
      expect((await attach(c.id, jpeg, 'image/jpeg', '?name=guia-de-viagem.jpeg')).status).toBe(200);
      // The first recipient's mailbox is busy once: the retry must carry the same file.
      const [firstTo] = (
        await call('POST', '/api/audiences/preview', {
          datasetId: org.datasetId,
          channel: 'email',
          filter: { segments: [0] },
        })
      ).json().preview as { customerId: string }[];
      const busy = `${firstTo!.customerId}@example.com`;
      sink.fail(busy, { code: 451, times: 1 });
      const sent = await call('POST', `/api/campaigns/${c.id}/send`);
      expect(sent.json().provider).toBe('smtp');
      expect(sent.json().notice).toBeNull();
      const done = await waitSent(c.id);
      expect(done.status).toBe('sent');
      const mine = sink.messages.filter((m) => m.text.includes('our travel guide is attached'));
      expect(mine).toHaveLength(done.counts.sent);
      expect(mine.length).toBeGreaterThan(3);
      expect(sink.refused).toContainEqual({ to: busy, code: 451 });
      expect(sink.messagesTo(busy)).toHaveLength(1);
      for (const m of mine) {
        expect(m.headers['content-type']).toMatch(/^multipart\/mixed/);
        expect(m.attachments).toHaveLength(1);
        const [a] = m.attachments;
        expect(a!.filename).toBe('guia-de-viagem.jpeg');
        expect(a!.contentType).toBe('image/jpeg');
        expect(a!.encoding).toBe('base64');
        expect(a!.encoded.replace(/\s+/g, '')).toBe(jpeg.toString('base64'));
        expect(a!.content.equals(jpeg)).toBe(true);
        // The text is still there, with its unsubscribe link.
        expect(m.text).toMatch(/\/unsubscribe\//);
      }
    });

    it('WhatsApp over Twilio sends MediaUrl; the URL gives the exact bytes; a tampered token is 404; SMS goes without', async () => {
      const settings = await call(
        'PUT',
        '/api/settings/channels',
        {
          twilio: {
            accountSid: twilio.accountSid,
            authToken: twilio.authToken,
            whatsappFrom: '+14155238886',
            smsFrom: '+14155550100',
            baseUrl: twilio.baseUrl,
          },
        },
        org.users['manager']!.token,
      );
      expect(settings.status, settings.body).toBe(200);
      const c = await create(org, { channel: 'whatsapp', body: WHATSAPP_BODY, filter: { segments: [1] } });
      const pdf = fileOf('%PDF-1.5\n', 120_000);
      expect((await attach(c.id, pdf, 'application/pdf', '?name=Tarifas%202026.pdf')).status).toBe(200);
      const sent = await call('POST', `/api/campaigns/${c.id}/send`);
      expect(sent.json().provider).toBe('twilio');
      const done = await waitSent(c.id);
      expect(done.status).toBe('sent');
      const treated = (await recipients(c.id)).filter((d) => d.status !== 'held_out');
      expect(treated.length).toBeGreaterThan(3);
      const posts = twilio.requests.filter(
        (r) => r.method === 'POST' && treated.some((d) => r.form['To'] === `whatsapp:${d.to}`),
      );
      expect(posts).toHaveLength(treated.length);
      for (const p of posts)
        expect(p.form['MediaUrl']).toMatch(new RegExp(`^${url}/media/[\\w-]+\\.[\\w-]+$`));
      const mediaUrl = posts[0]!.form['MediaUrl']!;
      const got = await fetch(mediaUrl);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('application/pdf');
      expect(got.headers.get('content-disposition')).toContain('Tarifas 2026.pdf');
      expect(Buffer.from(await got.arrayBuffer()).equals(pdf)).toBe(true);
      // A changed signature, or a payload naming another campaign under the same signature: 404.
      const [payload, mac] = mediaUrl.slice(`${url}/media/`.length).split('.') as [string, string];
      const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
      expect((await fetch(`${url}/media/${payload}.${flipped}`)).status).toBe(404);
      const claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
      claim[1] = (await create(org, { channel: 'whatsapp', body: WHATSAPP_BODY })).id;
      const edited = Buffer.from(JSON.stringify(claim)).toString('base64url');
      expect((await fetch(`${url}/media/${edited}.${mac}`)).status).toBe(404);
      expect((await fetch(`${url}/media/nonsense`)).status).toBe(404);

      // SMS: the same attachment is not sent (MMS is not everywhere), and the notice says so.
      const s = await create(org, { channel: 'sms', body: SMS_BODY, filter: { segments: [2] } });
      expect((await attach(s.id, fileOf(PNG), 'image/png')).status).toBe(200);
      const smsSent = (await call('POST', `/api/campaigns/${s.id}/send`)).json();
      expect(smsSent.provider).toBe('twilio');
      expect(smsSent.notice).toMatch(/SMS messages are sent without the attachment/);
      await waitSent(s.id);
      const smsTo = new Set((await recipients(s.id)).map((d) => d.to));
      const smsPosts = twilio.requests.filter((r) => r.method === 'POST' && smsTo.has(r.form['To'] ?? ''));
      expect(smsPosts.length).toBeGreaterThan(3);
      for (const p of smsPosts) expect(p.form).not.toHaveProperty('MediaUrl');
    });

    it('after a crash between hand-over and record, the message sent again carries the same attachment', async () => {
      // SMTP is configured by the e-mail test above. The app's worker is stopped while the scene is set.
      const jobs = sendJobs(app);
      await jobs.stop();
      try {
        const c = await create(org, {
          channel: 'email',
          subject: 'Again, {first_name}',
          body: EMAIL_BODY,
          filter: { segments: [2] },
        });
        const gif = fileOf('GIF89a', 9000);
        expect((await attach(c.id, gif, 'image/gif', '?name=map.gif')).status).toBe(200);
        expect((await call('POST', `/api/campaigns/${c.id}/send`)).status).toBe(202);
        // A worker that stopped right after handing one message over, before recording the outcome.
        const row = await store.db
          .selectFrom('deliveries')
          .select(['customer_id', 'to_address'])
          .where('campaign_id', '=', c.id)
          .where('status', '=', 'pending')
          .orderBy('customer_id')
          .executeTakeFirstOrThrow();
        await store.db
          .updateTable('deliveries')
          .set({
            status: 'sending',
            claimed_by: 'w_0_stopped',
            claimed_at: new Date(),
            handed_at: new Date(),
            attempts: 1,
          })
          .where('campaign_id', '=', c.id)
          .where('customer_id', '=', row.customer_id)
          .execute();
        await jobs.start();
        const done = await waitSent(c.id);
        expect(done.status).toBe('sent');
        expect(done.counts.uncertain).toBe(1);
        const mine = sink.messages.filter((m) => m.subject?.startsWith('Again,'));
        expect(mine).toHaveLength(done.counts.sent);
        expect(sink.messagesTo(row.to_address)).toHaveLength(1);
        for (const m of mine) {
          expect(m.attachments.map((a) => a.filename)).toEqual(['map.gif']);
          expect(m.attachments[0]!.content.equals(gif)).toBe(true);
        }
      } finally {
        await jobs.start();
      }
    });

    it('a campaign without an attachment sends as before: no MediaUrl, no attachment part', async () => {
      const c = await create(other, { channel: 'email', subject: 'Hello', body: EMAIL_BODY });
      expect(c.attachment).toBeNull();
      const sent = await call(
        'POST',
        `/api/campaigns/${c.id}/send`,
        undefined,
        other.users['marketing']!.token,
      );
      expect(sent.json().provider).toBe('outbox');
      await waitSent(c.id, other.users['marketing']!.token);
      const outbox = (
        await call('GET', `/api/outbox?campaignId=${c.id}`, undefined, other.users['marketing']!.token)
      ).json();
      expect(outbox.total).toBeGreaterThan(0);
      for (const m of outbox.messages) expect(m.attachment).toBeNull();
      expect(existsSync(folderOf(other, c.id))).toBe(false);
    });
  });
}
