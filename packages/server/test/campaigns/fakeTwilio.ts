import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../../src/campaigns/channels/twilioSignature.ts';

/**
 * An HTTP server on 127.0.0.1 speaking the Twilio Messages API, as much as the campaign channels
 * use: POST and GET `/2010-04-01/Accounts/{AccountSid}/Messages.json` (form-encoded, basic
 * auth, JSON replies with Twilio's error shape), the list's To / From / DateSent filters and
 * paging, and status callbacks signed with X-Twilio-Signature, POSTed to each message's
 * StatusCallback (queued -> sent -> delivered unless told otherwise). Failures can be injected
 * per recipient, including "take the message, then drop the connection" (a crash between hand-
 * over and reply, which `reconcile` must find).
 *
 * ```ts
 * const twilio = await startFakeTwilio();
 * twilioChannel('whatsapp', { accountSid: twilio.accountSid, authToken: twilio.authToken,
 *   whatsappFrom: '+14155238886', baseUrl: twilio.baseUrl });
 * twilio.messages; twilio.requests; await twilio.settled(); twilio.callbacks;
 * await twilio.close();
 * ```
 */

export interface FakeTwilioMessage {
  sid: string;
  account_sid: string;
  to: string;
  from: string;
  messaging_service_sid: string | null;
  body: string;
  status: string;
  direction: 'outbound-api' | 'inbound';
  date_created: string;
  date_updated: string;
  date_sent: string | null;
  error_code: number | null;
  error_message: string | null;
  num_segments: string;
  price: null;
  api_version: '2010-04-01';
  uri: string;
  /** Not in Twilio's reply: where callbacks go. */
  statusCallback?: string;
}

export interface RecordedTwilioRequest {
  method: string;
  /** Path and query, as requested. */
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
  /** The HTTP status answered (0 when the connection was dropped). */
  status: number;
}

export interface TwilioFailure {
  /** HTTP status: 400 with a Twilio code for a bad request, 429, 500, 503... */
  status?: number;
  code?: number;
  message?: string;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Take the message (stored, callbacks sent), then destroy the connection without a reply. */
  drop?: boolean;
  /** Fail only this many times, then accept. Default: always. */
  times?: number;
}

export interface StatusCallbackRecord {
  url: string;
  form: Record<string, string>;
  signature: string;
  /** The webhook's HTTP status, or the error when it could not be reached. */
  responseStatus?: number;
  error?: string;
}

export interface FakeTwilioOptions {
  accountSid?: string;
  authToken?: string;
  /** Statuses each accepted message goes through after `queued`, with callbacks. Default sent, delivered. */
  statuses?: string[];
}

export interface FakeTwilio {
  readonly baseUrl: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly messages: FakeTwilioMessage[];
  readonly requests: RecordedTwilioRequest[];
  readonly callbacks: StatusCallbackRecord[];
  /** POST requests that created a message, per To (e.g. "whatsapp:+5511..."). */
  createdFor(to: string): FakeTwilioMessage[];
  /** Makes requests to this recipient (To, with or without "whatsapp:") fail. */
  fail(to: string, failure: TwilioFailure): void;
  /** Moves a message to a status and sends its callback (signed), e.g. failed with 63016. */
  setStatus(sid: string, status: string, errorCode?: number): Promise<void>;
  /** Sends an inbound message (e.g. Body=STOP) to a webhook, signed as Twilio signs it. */
  sendInbound(url: string, form: { From: string; To: string; Body: string }): Promise<number>;
  /** Waits for every status callback started so far. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? 'AC00000000000000000000000000000001';
  const authToken = options.authToken ?? 'fake-auth-token';
  const statuses = options.statuses ?? ['sent', 'delivered'];
  const messages: FakeTwilioMessage[] = [];
  const requests: RecordedTwilioRequest[] = [];
  const callbacks: StatusCallbackRecord[] = [];
  const failures = new Map<string, TwilioFailure & { seen: number }>();
  const inFlight = new Set<Promise<void>>();
  // Callbacks of one message go out one after another, in status order.
  const chains = new Map<string, Promise<void>>();
  const messagesPath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  let counter = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => twilioError(res, 500, 20500, `fakeTwilio: ${String(err)}`));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readBody(req);
    const form = Object.fromEntries(new URLSearchParams(text));
    const record: RecordedTwilioRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      form,
      status: 0,
    };
    requests.push(record);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      sendJson(res, status, body, headers);
    };

    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      record.status = 401;
      return twilioError(res, 401, 20003, 'Authenticate');
    }
    if (url.pathname !== messagesPath) {
      record.status = 404;
      return twilioError(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
    }
    if (req.method === 'GET') return reply(200, listPage(url));
    if (req.method !== 'POST') return twilioError(res, 405, 20004, 'Method not allowed');
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      record.status = 400;
      return twilioError(res, 400, 20001, 'Expected a form-encoded body');
    }

    const to = form['To'] ?? '';
    const failure = failures.get(to.replace(/^whatsapp:/, ''));
    if (failure && (failure.times === undefined || failure.seen < failure.times)) {
      failure.seen++;
      if (failure.drop) {
        accept(form);
        req.socket.destroy();
        return;
      }
      const status = failure.status ?? 400;
      record.status = status;
      return twilioError(
        res,
        status,
        failure.code ?? (status === 429 ? 20429 : status >= 500 ? 20500 : 21211),
        failure.message ??
          (status === 429 ? 'Too Many Requests' : status >= 500 ? 'Internal Server Error' : 'Invalid To'),
        failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) },
      );
    }
    if (!/^(whatsapp:)?\+[1-9]\d{6,14}$/.test(to)) {
      record.status = 400;
      return twilioError(res, 400, 21211, `Invalid 'To' Phone Number: ${to}`);
    }
    if (!form['From'] && !form['MessagingServiceSid']) {
      record.status = 400;
      return twilioError(res, 400, 21603, "A 'From' phone number is required.");
    }
    if (!form['Body']) {
      record.status = 400;
      return twilioError(res, 400, 21602, 'Message body is required.');
    }
    const message = accept(form);
    const { statusCallback: _hidden, ...visible } = message;
    reply(201, visible);
  }

  /** Stores a message as Twilio does (queued), and starts its status progression. */
  function accept(form: Record<string, string>): FakeTwilioMessage {
    counter++;
    const sid = `SM${counter.toString(16).padStart(32, '0')}`;
    const now = new Date().toUTCString().replace('GMT', '+0000');
    const message: FakeTwilioMessage = {
      sid,
      account_sid: accountSid,
      to: form['To'] ?? '',
      from: form['From'] ?? '',
      messaging_service_sid: form['MessagingServiceSid'] ?? null,
      body: form['Body'] ?? '',
      status: 'queued',
      direction: 'outbound-api',
      date_created: now,
      date_updated: now,
      date_sent: null,
      error_code: null,
      error_message: null,
      num_segments: '1',
      price: null,
      api_version: '2010-04-01',
      uri: `${messagesPath.replace('.json', '')}/${sid}.json`,
      ...(form['StatusCallback'] ? { statusCallback: form['StatusCallback'] } : {}),
    };
    messages.push(message);
    for (const status of statuses) void progress(message, status);
    return message;
  }

  function progress(message: FakeTwilioMessage, status: string, errorCode?: number): Promise<void> {
    const previous = chains.get(message.sid) ?? Promise.resolve();
    const next = previous.then(async () => {
      await new Promise((r) => setImmediate(r));
      message.status = status;
      message.date_updated = new Date().toUTCString().replace('GMT', '+0000');
      if (status === 'sent' && message.date_sent === null) message.date_sent = message.date_updated;
      if (errorCode !== undefined) message.error_code = errorCode;
      if (message.statusCallback) await callback(message);
    });
    chains.set(message.sid, next);
    inFlight.add(next);
    void next.finally(() => inFlight.delete(next));
    return next;
  }

  async function callback(message: FakeTwilioMessage): Promise<void> {
    const url = message.statusCallback!;
    const form: Record<string, string> = {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      From: message.from,
      To: message.to,
      MessageSid: message.sid,
      SmsSid: message.sid,
      MessageStatus: message.status,
      SmsStatus: message.status,
      ...(message.error_code === null ? {} : { ErrorCode: String(message.error_code) }),
    };
    const record: StatusCallbackRecord = { url, form, signature: twilioSignature(authToken, url, form) };
    callbacks.push(record);
    const outcome = await post(url, form, record.signature);
    Object.assign(record, outcome);
  }

  function listPage(url: URL): unknown {
    const q = url.searchParams;
    const day = (d: string | null) => (d ? new Date(d).toISOString().slice(0, 10) : null);
    const sentOn = q.get('DateSent');
    const after = q.get('DateSent>');
    const before = q.get('DateSent<');
    const filtered = messages
      .filter((m) => !q.get('To') || m.to === q.get('To'))
      .filter((m) => !q.get('From') || m.from === q.get('From'))
      // As on Twilio: a date filter leaves out messages not sent yet (no date_sent).
      .filter((m) => !sentOn || day(m.date_sent) === sentOn.slice(0, 10))
      .filter((m) => !after || (m.date_sent !== null && day(m.date_sent)! >= after.slice(0, 10)))
      .filter((m) => !before || (m.date_sent !== null && day(m.date_sent)! <= before.slice(0, 10)))
      .reverse();
    const size = Math.min(1000, Math.max(1, Number(q.get('PageSize') ?? 50)));
    const page = Math.max(0, Number(q.get('Page') ?? 0));
    const slice = filtered.slice(page * size, (page + 1) * size);
    const nextQuery = new URLSearchParams(q);
    nextQuery.set('Page', String(page + 1));
    nextQuery.set('PageSize', String(size));
    return {
      messages: slice.map(({ statusCallback: _hidden, ...m }) => m),
      page,
      page_size: size,
      start: page * size,
      end: page * size + slice.length - 1,
      uri: `${url.pathname}${url.search}`,
      first_page_uri: `${url.pathname}?${new URLSearchParams({ ...Object.fromEntries(q), Page: '0' })}`,
      previous_page_uri: null,
      next_page_uri: (page + 1) * size < filtered.length ? `${url.pathname}?${nextQuery}` : null,
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    accountSid,
    authToken,
    messages,
    requests,
    callbacks,
    createdFor: (to) => messages.filter((m) => m.to === to),
    fail: (to, failure) => {
      failures.set(to.replace(/^whatsapp:/, ''), { ...failure, seen: 0 });
    },
    setStatus: async (sid, status, errorCode) => {
      const message = messages.find((m) => m.sid === sid);
      if (!message) throw new Error(`fakeTwilio: no message ${sid}`);
      await progress(message, status, errorCode);
    },
    sendInbound: async (url, form) => {
      counter++;
      const full = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        MessageSid: `SM${counter.toString(16).padStart(32, '0')}`,
        SmsSid: `SM${counter.toString(16).padStart(32, '0')}`,
        NumMedia: '0',
        ...form,
      };
      const outcome = await post(url, full, twilioSignature(authToken, url, full));
      if (outcome.error) throw new Error(`fakeTwilio: could not reach ${url}: ${outcome.error}`);
      return outcome.responseStatus!;
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** POSTs a signed form to a webhook on this machine (never elsewhere: tests stay on 127.0.0.1). */
async function post(
  url: string,
  form: Record<string, string>,
  signature: string,
): Promise<{ responseStatus?: number; error?: string }> {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    return { error: `not calling ${host}: fakeTwilio only calls 127.0.0.1` };
  }
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
        'user-agent': 'TwilioProxy/1.1',
      },
      body: new URLSearchParams(form),
    });
    await res.arrayBuffer();
    return { responseStatus: res.status };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function twilioError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    status,
    { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    headers,
  );
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
