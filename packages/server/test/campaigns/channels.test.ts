import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  messageIdFor,
  parseInboundMessage,
  parseStatusCallback,
  smtpChannel,
  twilioChannel,
  twilioSignature,
  verifyTwilioSignature,
} from '../../src/campaigns/channels/index.ts';
import type { Channel, OutgoingMessage } from '../../src/campaigns/types.ts';
import { type FakeTwilio, startFakeTwilio } from './fakeTwilio.ts';
import { type SmtpSink, startSmtpSink } from './smtpSink.ts';

const email = (to: string, key: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  channel: 'email',
  to,
  subject: 'Viagens para as Américas',
  body: 'Olá Ana,\n\nConheça pacotes de viagem.\n\nPara deixar de receber: https://app.test/unsubscribe/tok-1',
  idempotencyKey: key,
  ...extra,
});

describe('the SMTP channel against a real SMTP server', () => {
  let sink: SmtpSink;
  let channel: Channel;
  beforeAll(async () => {
    sink = await startSmtpSink({
      fail: {
        'gone@x.test': { code: 550, message: 'No such user here' },
        'full@x.test': { code: 452, message: 'Mailbox full, try later' },
        'busy@x.test': { code: 451, times: 1 },
      },
    });
    channel = smtpChannel({ host: sink.host, port: sink.port, secure: false, from: 'Acme <news@acme.test>' });
  });
  afterAll(async () => {
    await channel?.close?.();
    await sink?.close();
  });

  it('delivers exactly one message per send, with its headers', async () => {
    const before = sink.messages.length;
    const recipients = ['ana@x.test', 'bruno@x.test', 'carla@x.test'];
    const outcomes = [];
    for (const [i, to] of recipients.entries()) {
      outcomes.push(
        await channel.send(
          email(to, `camp-1:cust-${i}`, { unsubscribeUrl: `https://app.test/unsubscribe/tok-${i}` }),
        ),
      );
    }
    expect(sink.messages.length - before).toBe(3);
    for (const [i, to] of recipients.entries()) {
      const got = sink.messagesTo(to);
      expect(got).toHaveLength(1);
      const m = got[0]!;
      const expectedId = messageIdFor(`camp-1:cust-${i}`, 'acme.test');
      expect(outcomes[i]).toEqual({ status: 'sent', providerId: expectedId });
      expect(m.messageId).toBe(expectedId);
      expect(m.from).toBe('news@acme.test');
      expect(m.to).toEqual([to]);
      expect(m.headers['from']).toBe('Acme <news@acme.test>');
      expect(m.subject).toBe('Viagens para as Américas');
      expect(m.headers['list-unsubscribe']).toBe(`<https://app.test/unsubscribe/tok-${i}>`);
      expect(m.headers['list-unsubscribe-post']).toBeUndefined();
      expect(m.text).toContain('Conheça pacotes de viagem.');
    }
  });

  it('derives a stable Message-ID from the idempotency key, and sends no List-Unsubscribe without a URL', async () => {
    expect(messageIdFor('k', 'a.test')).toBe(messageIdFor('k', 'a.test'));
    expect(messageIdFor('k', 'a.test')).not.toBe(messageIdFor('k2', 'a.test'));
    expect(messageIdFor('k', 'a.test')).toMatch(/^<[0-9a-f]{32}@a\.test>$/);
    await channel.send(email('dora@x.test', 'camp-1:dora'));
    const [m] = sink.messagesTo('dora@x.test');
    expect(m!.headers['list-unsubscribe']).toBeUndefined();
  });

  it('maps a 5xx refusal to a permanent failure and a 4xx to a temporary one', async () => {
    const before = sink.messages.length;
    const gone = await channel.send(email('gone@x.test', 'k-gone'));
    expect(gone).toEqual({
      status: 'permanent_failure',
      error: expect.stringMatching(/^SMTP 550: .*No such user here/),
    });
    const full = await channel.send(email('full@x.test', 'k-full'));
    expect(full).toEqual({
      status: 'temporary_failure',
      error: expect.stringMatching(/^SMTP 452: .*Mailbox full/),
    });
    expect(sink.messages.length - before).toBe(0);
    // A greylisting relay: the first attempt is refused for now, the retry goes through.
    expect((await channel.send(email('busy@x.test', 'k-busy'))).status).toBe('temporary_failure');
    expect((await channel.send(email('busy@x.test', 'k-busy'))).status).toBe('sent');
    expect(sink.messagesTo('busy@x.test')).toHaveLength(1);
  });

  it('reuses pooled connections, and close() ends them', async () => {
    const sink2 = await startSmtpSink();
    const pooled = smtpChannel(
      { host: sink2.host, port: sink2.port, secure: false, from: 'news@acme.test' },
      { maxConnections: 1, oneClickUnsubscribe: true },
    );
    for (let i = 0; i < 5; i++) {
      expect(
        (await pooled.send(email(`p${i}@x.test`, `pool-${i}`, { unsubscribeUrl: 'https://u.test/1' })))
          .status,
      ).toBe('sent');
    }
    expect(sink2.messages).toHaveLength(5);
    expect(sink2.connections()).toBe(1);
    expect(sink2.messages[0]!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(sink2.openConnections()).toBe(1);
    await pooled.close!();
    for (let i = 0; i < 200 && sink2.openConnections() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sink2.openConnections()).toBe(0);
    await sink2.close();
  });

  it('treats a refused connection and a refused login as temporary, saying what to fix', async () => {
    const port = await closedPort();
    const down = smtpChannel(
      { host: '127.0.0.1', port, secure: false, from: 'a@b.test' },
      { timeoutMs: 5000 },
    );
    const outcome = await down.send(email('ana@x.test', 'k-down'));
    expect(outcome).toEqual({
      status: 'temporary_failure',
      error: expect.stringMatching(
        new RegExp(`SMTP relay 127\\.0\\.0\\.1:${port} .*ECONNREFUSED.*host and port`),
      ),
    });
    await down.close!();

    const locked = await startSmtpSink({ user: 'mailer', pass: 'right' });
    const wrong = smtpChannel({
      host: locked.host,
      port: locked.port,
      secure: false,
      user: 'mailer',
      pass: 'wrong',
      from: 'a@b.test',
    });
    expect(await wrong.send(email('ana@x.test', 'k-auth'))).toEqual({
      status: 'temporary_failure',
      error: expect.stringMatching(/refused the login .*535.*user and password/),
    });
    const right = smtpChannel({
      host: locked.host,
      port: locked.port,
      secure: false,
      user: 'mailer',
      pass: 'right',
      from: 'a@b.test',
    });
    expect((await right.send(email('ana@x.test', 'k-auth'))).status).toBe('sent');
    expect(locked.messages).toHaveLength(1);
    await wrong.close!();
    await right.close!();
    await locked.close();
  });
});

describe('the Twilio channel against a Messages API on 127.0.0.1', () => {
  let twilio: FakeTwilio;
  let hooks: Server;
  let hooksUrl: string;
  const received: { url: string; signature: string | undefined; form: Record<string, string> }[] = [];
  const settings = () => ({
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    whatsappFrom: '+14155238886',
    smsFrom: '+15005550006',
    baseUrl: twilio.baseUrl,
  });
  const wa = (
    to: string,
    body = 'Olá {first_name}! Responda STOP para sair.',
    key = `k-${to}`,
  ): OutgoingMessage => ({
    channel: 'whatsapp',
    to,
    body,
    idempotencyKey: key,
    statusCallbackUrl: `${hooksUrl}/api/webhooks/twilio/org-1/status`,
  });

  beforeAll(async () => {
    twilio = await startFakeTwilio();
    // The status webhook: records what Twilio posts, and answers 403 to a bad signature.
    hooks = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        const url = `${hooksUrl}${req.url}`;
        const signature = req.headers['x-twilio-signature'] as string | undefined;
        received.push({ url, signature, form });
        res.statusCode = verifyTwilioSignature(twilio.authToken, url, form, signature) ? 204 : 403;
        res.end();
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    hooksUrl = `http://127.0.0.1:${(hooks.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await twilio?.close();
    await new Promise<void>((resolve) => (hooks ? hooks.close(() => resolve()) : resolve()));
  });

  it('POSTs one form-encoded, basic-auth request per WhatsApp recipient and returns the sid', async () => {
    const channel = twilioChannel('whatsapp', settings());
    const before = twilio.requests.length;
    const recipients = ['+5511987650001', '+5511987650002', '+5511987650003'];
    const outcomes = [];
    for (const to of recipients) outcomes.push(await channel.send(wa(to)));
    const posts = twilio.requests.slice(before);
    expect(posts).toHaveLength(3);
    for (const [i, to] of recipients.entries()) {
      const post = posts[i]!;
      expect(post.method).toBe('POST');
      expect(post.url).toBe(`/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`);
      expect(post.contentType).toBe('application/x-www-form-urlencoded');
      expect(post.authorization).toBe(
        `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`,
      );
      expect(post.form).toEqual({
        To: `whatsapp:${to}`,
        From: 'whatsapp:+14155238886',
        Body: 'Olá {first_name}! Responda STOP para sair.',
        StatusCallback: `${hooksUrl}/api/webhooks/twilio/org-1/status`,
      });
      expect(post.status).toBe(201);
      const created = twilio.createdFor(`whatsapp:${to}`);
      expect(created).toHaveLength(1);
      expect(outcomes[i]).toEqual({ status: 'sent', providerId: created[0]!.sid });
    }
  });

  it('sends SMS to the bare number, or through a Messaging Service', async () => {
    const sms = twilioChannel('sms', settings());
    const message: OutgoingMessage = {
      channel: 'sms',
      to: '+5511 98765-0100',
      body: 'Hi! Reply STOP to opt out.',
      idempotencyKey: 's1',
    };
    expect((await sms.send(message)).status).toBe('sent');
    expect(twilio.requests.at(-1)!.form).toEqual({
      To: '+5511987650100',
      From: '+15005550006',
      Body: 'Hi! Reply STOP to opt out.',
    });
    const viaService = twilioChannel('sms', { ...settings(), smsFrom: 'MG0123456789abcdef0123456789abcdef' });
    expect((await viaService.send(message)).status).toBe('sent');
    expect(twilio.requests.at(-1)!.form['MessagingServiceSid']).toBe('MG0123456789abcdef0123456789abcdef');
    expect(twilio.requests.at(-1)!.form['From']).toBeUndefined();
  });

  it('refuses a number that is not E.164 without calling Twilio', async () => {
    const before = twilio.requests.length;
    const outcome = await twilioChannel('whatsapp', settings()).send(wa('011 98765'));
    expect(outcome).toEqual({ status: 'permanent_failure', error: expect.stringContaining('E.164') });
    expect(twilio.requests.length).toBe(before);
  });

  it("maps Twilio's errors: 4xx permanent with its code, 429 and 5xx temporary with Retry-After", async () => {
    const channel = twilioChannel('whatsapp', settings());
    twilio.fail('+5511900000001', {
      status: 400,
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
    });
    twilio.fail('+5511900000002', { status: 429, retryAfter: 7 });
    twilio.fail('+5511900000003', { status: 503, times: 1 });
    expect(await channel.send(wa('+5511900000001'))).toEqual({
      status: 'permanent_failure',
      error: 'Twilio 21610: Attempt to send to unsubscribed recipient',
    });
    expect(await channel.send(wa('+5511900000002'))).toEqual({
      status: 'temporary_failure',
      error: 'Twilio 20429: Too Many Requests',
      retryAfterMs: 7000,
    });
    expect(await channel.send(wa('+5511900000003'))).toEqual({
      status: 'temporary_failure',
      error: 'Twilio 20500: Internal Server Error',
    });
    expect((await channel.send(wa('+5511900000003'))).status).toBe('sent');
    expect(twilio.createdFor('whatsapp:+5511900000001')).toHaveLength(0);
    expect(twilio.createdFor('whatsapp:+5511900000003')).toHaveLength(1);
  });

  it('treats a refused token and an unreachable API as temporary, saying what to fix', async () => {
    const wrong = twilioChannel('whatsapp', { ...settings(), authToken: 'nope' });
    expect(await wrong.send(wa('+5511900000010'))).toEqual({
      status: 'temporary_failure',
      error: expect.stringMatching(/^Twilio 20003: Authenticate\. .*Campaigns > Channels/),
      retryAfterMs: 60_000,
    });
    const port = await closedPort();
    const down = twilioChannel('whatsapp', { ...settings(), baseUrl: `http://127.0.0.1:${port}` });
    expect(await down.send(wa('+5511900000010'))).toEqual({
      status: 'temporary_failure',
      error: expect.stringMatching(/Could not reach Twilio at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/),
    });
  });

  it('reconcile finds a message Twilio took before the connection dropped, and not one it never got', async () => {
    const channel = twilioChannel('whatsapp', settings());
    const since = new Date(Date.now() - 1000);
    twilio.fail('+5511900000020', { drop: true, times: 1 });
    const lost = wa('+5511900000020', 'Olá! Oferta de viagem. Responda STOP para sair.');
    const outcome = await channel.send(lost);
    expect(outcome.status).toBe('temporary_failure');
    const taken = twilio.createdFor('whatsapp:+5511900000020');
    expect(taken).toHaveLength(1);
    await twilio.settled();
    expect(await channel.reconcile!(lost, since)).toEqual({ found: true, providerId: taken[0]!.sid });
    // The list request filters by To and by DateSent>=, as Twilio's list filters allow.
    const list = new URL(twilio.requests.at(-1)!.url, 'http://x');
    expect(list.searchParams.get('To')).toBe('whatsapp:+5511900000020');
    expect(list.searchParams.get('DateSent>')).toBe(
      new Date(since.getTime() - 5 * 60_000).toISOString().slice(0, 10),
    );
    // Another body to the same number, or the same body to another number: not taken.
    expect(await channel.reconcile!({ ...lost, body: 'Something else' }, since)).toEqual({ found: false });
    expect(await channel.reconcile!({ ...lost, to: '+5511900000021' }, since)).toEqual({ found: false });
  });

  it('reconcile finds a message still queued (no date_sent yet) and one past the first page', async () => {
    const quiet = await startFakeTwilio({ statuses: [] });
    const channel = twilioChannel('sms', { ...settings(), baseUrl: quiet.baseUrl }, { reconcilePages: 3 });
    const since = new Date(Date.now() - 1000);
    const first: OutgoingMessage = {
      channel: 'sms',
      to: '+5511900000030',
      body: 'First. Reply STOP',
      idempotencyKey: 'q',
    };
    await channel.send(first);
    expect(quiet.messages[0]!.date_sent).toBeNull();
    for (let i = 0; i < 120; i++) await channel.send({ ...first, body: `Other ${i}. Reply STOP` });
    expect(await channel.reconcile!(first, since)).toEqual({
      found: true,
      providerId: quiet.messages[0]!.sid,
    });
    const lists = quiet.requests.filter((r) => r.method === 'GET');
    // The DateSent query finds nothing queued; the To-only query finds it on its second page.
    expect(lists.map((r) => new URL(r.url, 'http://x').searchParams.get('Page'))).toEqual([null, null, '1']);
    await quiet.close();
  });

  it("delivers status callbacks signed with Twilio's signature, parsed to sid, status and error code", async () => {
    received.length = 0;
    const channel = twilioChannel('whatsapp', settings());
    const outcome = await channel.send(wa('+5511900000040'));
    await twilio.settled();
    const sid = (outcome as { providerId: string }).providerId;
    await twilio.setStatus(sid, 'failed', 63016);
    const mine = received.filter((r) => r.form['MessageSid'] === sid);
    expect(mine.map((r) => parseStatusCallback(r.form))).toEqual([
      { sid, status: 'sent', errorCode: null },
      { sid, status: 'delivered', errorCode: null },
      { sid, status: 'failed', errorCode: 63016 },
    ]);
    const records = twilio.callbacks.filter((c) => c.form['MessageSid'] === sid);
    expect(records.map((c) => c.responseStatus)).toEqual([204, 204, 204]);
    expect(parseStatusCallback({ Foo: 'bar' })).toBeNull();
  });

  it('signs inbound messages too; a STOP reply reads as an opt-out', async () => {
    received.length = 0;
    const status = await twilio.sendInbound(`${hooksUrl}/api/webhooks/twilio/org-1/inbound`, {
      From: 'whatsapp:+5511900000050',
      To: 'whatsapp:+14155238886',
      Body: 'Stop',
    });
    expect(status).toBe(204);
    const inbound = parseInboundMessage(received[0]!.form);
    expect(inbound).toMatchObject({
      from: '+5511900000050',
      channel: 'whatsapp',
      optOut: true,
      optIn: false,
    });
    for (const body of ['STOP', ' stop. ', 'Baja', 'SAIR', 'parar']) {
      expect(parseInboundMessage({ MessageSid: 'SM1', From: '+1555', Body: body })!.optOut, body).toBe(true);
    }
    for (const body of ['stop by the store', 'hello', '']) {
      expect(parseInboundMessage({ MessageSid: 'SM1', From: '+1555', Body: body })!.optOut, body).toBe(false);
    }
    expect(parseInboundMessage({ MessageSid: 'SM1', From: '+1555', Body: 'START' })!.optIn).toBe(true);
  });
});

describe('X-Twilio-Signature', () => {
  // Twilio's documented example (https://www.twilio.com/docs/usage/security): auth token 12345.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+14158675309',
    Digits: '1234',
    From: '+14158675309',
    To: '+18005551212',
  };
  const documented = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

  it("computes and accepts Twilio's documented example", () => {
    expect(twilioSignature('12345', url, params)).toBe(documented);
    expect(verifyTwilioSignature('12345', url, params, documented)).toBe(true);
    expect(verifyTwilioSignature('12345', url, new URLSearchParams(params), documented)).toBe(true);
    // Twilio has signed URLs with the default port written out; both forms are accepted.
    expect(
      verifyTwilioSignature('12345', 'https://mycompany.com:443/myapp.php?foo=1&bar=2', params, documented),
    ).toBe(true);
  });

  it('rejects a tampered parameter, URL, token or signature, and a missing one', () => {
    expect(verifyTwilioSignature('12345', url, { ...params, Digits: '1235' }, documented)).toBe(false);
    expect(verifyTwilioSignature('12345', url, { ...params, Extra: '' }, documented)).toBe(false);
    expect(verifyTwilioSignature('12345', `${url}&baz=3`, params, documented)).toBe(false);
    expect(verifyTwilioSignature('54321', url, params, documented)).toBe(false);
    expect(verifyTwilioSignature('12345', url, params, `${documented.slice(0, -2)}A=`)).toBe(false);
    expect(verifyTwilioSignature('12345', url, params, undefined)).toBe(false);
    expect(verifyTwilioSignature('12345', url, params, '')).toBe(false);
  });

  it('signs repeated parameters with their values sorted', () => {
    const a = twilioSignature('t', 'https://x.test/h', { MediaUrl: ['b', 'a'], Body: 'x' });
    const b = twilioSignature('t', 'https://x.test/h', new URLSearchParams('Body=x&MediaUrl=a&MediaUrl=b'));
    expect(a).toBe(b);
  });
});

/** A port nothing listens on: opened, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
