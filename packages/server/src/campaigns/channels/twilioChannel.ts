import type { Channel, OutgoingMessage, SendOutcome } from '../types.ts';

/** An organisation's Twilio account (the shape of the stored settings). */
export interface TwilioChannelSettings {
  accountSid: string;
  authToken: string;
  /** The WhatsApp sender, "+14155238886" or "whatsapp:+14155238886". */
  whatsappFrom?: string;
  /** The SMS sender: a number, or a Messaging Service SID (MG...). */
  smsFrom?: string;
  /** Default https://api.twilio.com; tests point it at 127.0.0.1. */
  baseUrl?: string;
}

export interface TwilioChannelOptions {
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  /** Pages of 100 that `reconcile` reads at most per query. Default 10. */
  reconcilePages?: number;
}

export const TWILIO_API = 'https://api.twilio.com';

/** The part of a Twilio Message resource this channel reads. */
interface TwilioMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  status: string;
  direction?: string;
  date_created: string | null;
  date_sent: string | null;
}

/** One page of the Messages list. */
interface MessagePage {
  messages?: TwilioMessage[];
  next_page_uri?: string | null;
}

/** Twilio's error body: `{ code, message, more_info, status }`. */
interface TwilioError {
  code?: number;
  message?: string;
  more_info?: string;
}

const E164 = /^\+[1-9]\d{6,14}$/;
/** How far before `since` a message may have been created and still be ours (clock skew). */
const SKEW_MS = 5 * 60_000;

/**
 * WhatsApp or SMS over the Twilio Messages API, with fetch: POST
 * `{baseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded To, From, Body and
 * StatusCallback, HTTP basic auth with the account SID and auth token; the JSON reply's `sid` is
 * the provider id. WhatsApp addresses are `whatsapp:+E164`. A WhatsApp message's attachment goes
 * as MediaUrl (its signed public URL, which Twilio fetches); an SMS is sent without it.
 *
 * Outcomes: 429 and 5xx are temporary (Retry-After honoured); other 4xx are permanent, with
 * Twilio's error code and message ("Twilio 21211: Invalid 'To' Phone Number"), except a refused
 * account SID / token (401, Twilio 20003), which is temporary: the settings are wrong, not the
 * recipient. A network error or timeout is temporary; Twilio may have taken the message before
 * the connection broke, which is what `reconcile` finds out.
 */
export function twilioChannel(
  kind: 'whatsapp' | 'sms',
  settings: TwilioChannelSettings,
  options: TwilioChannelOptions = {},
): Channel {
  const base = (settings.baseUrl?.trim() || TWILIO_API).replace(/\/+$/, '');
  const messagesUrl = `${base}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  const auth = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  const timeout = options.timeoutMs ?? 30_000;
  const sender = kind === 'whatsapp' ? settings.whatsappFrom : settings.smsFrom;

  async function call(
    url: string,
    init: { method: 'GET' | 'POST'; body?: URLSearchParams },
  ): Promise<Response> {
    return fetch(url, {
      method: init.method,
      headers: {
        authorization: auth,
        accept: 'application/json',
        ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.body,
      signal: AbortSignal.timeout(timeout),
    });
  }

  return {
    kind,
    provider: 'twilio',

    async send(message: OutgoingMessage): Promise<SendOutcome> {
      if (message.channel !== kind) {
        return {
          status: 'permanent_failure',
          error: `This Twilio channel sends ${kind}, not ${message.channel}.`,
        };
      }
      if (!sender) {
        return {
          status: 'temporary_failure',
          error: `No ${kind === 'whatsapp' ? 'WhatsApp' : 'SMS'} sender is set for Twilio: add one in Campaigns > Channels.`,
        };
      }
      const to = bare(message.to);
      if (!E164.test(to)) {
        return {
          status: 'permanent_failure',
          error: `"${message.to}" is not a phone number in international form (E.164, like +5511987654321).`,
        };
      }
      const form = new URLSearchParams({ To: address(kind, to), Body: message.body });
      // An SMS may go through a Messaging Service (MG...) instead of one number.
      if (kind === 'sms' && sender.startsWith('MG')) form.set('MessagingServiceSid', sender);
      else form.set('From', address(kind, bare(sender)));
      if (message.statusCallbackUrl) form.set('StatusCallback', message.statusCallbackUrl);
      // WhatsApp carries the image or PDF: Twilio fetches it from the URL. SMS goes without
      // (MMS takes MediaUrl only in some countries; see campaigns/README.md).
      if (kind === 'whatsapp' && message.attachment) {
        if (!message.attachment.url) {
          return {
            status: 'temporary_failure',
            error:
              'The attachment needs a public URL Twilio can fetch it from: start the server (or `clientele campaigns work`) with --public-url.',
          };
        }
        form.set('MediaUrl', message.attachment.url);
      }

      let res: Response;
      try {
        res = await call(messagesUrl, { method: 'POST', body: form });
      } catch (err) {
        return {
          status: 'temporary_failure',
          error: `Could not reach Twilio at ${base} (${errorText(err)}); the message may or may not have been taken.`,
        };
      }
      const text = await res.text().catch(() => '');
      if (res.ok) {
        const sid = parseJson<{ sid?: string }>(text)?.sid;
        if (sid) return { status: 'sent', providerId: sid };
        return { status: 'temporary_failure', error: `Twilio answered ${res.status} without a message sid.` };
      }
      return twilioFailure(res, parseJson<TwilioError>(text), text);
    },

    async reconcile(message: OutgoingMessage, since: Date) {
      const to = address(kind, bare(message.to));
      const body = normalise(message.body);
      const earliest = since.getTime() - SKEW_MS;
      const matches = (m: TwilioMessage) =>
        m.to === to &&
        normalise(m.body) === body &&
        !(m.direction ?? 'outbound-api').startsWith('inbound') &&
        (m.date_created === null || Date.parse(m.date_created) >= earliest);
      // First the messages sent since that day (Twilio's DateSent> filter, day precision), then
      // the newest to that number whatever their date: one still queued has no date_sent yet.
      const sinceDay = new Date(earliest).toISOString().slice(0, 10);
      const queries: Record<string, string>[] = [{ To: to, 'DateSent>': sinceDay }, { To: to }];
      for (const query of queries) {
        let url: string | null = `${messagesUrl}?${new URLSearchParams({ ...query, PageSize: '100' })}`;
        for (let page = 0; url && page < (options.reconcilePages ?? 10); page++) {
          const res: Response = await call(url, { method: 'GET' }).catch((err: unknown) => {
            throw new Error(`Could not reach Twilio at ${base} to check a message (${errorText(err)}).`);
          });
          const text: string = await res.text();
          if (!res.ok) {
            const e = parseJson<TwilioError>(text);
            throw new Error(
              `Twilio answered ${res.status} listing messages: ${e?.message ?? text.slice(0, 200)}`,
            );
          }
          const list: MessagePage | undefined = parseJson<MessagePage>(text);
          const found = list?.messages?.find(matches);
          if (found) return { found: true as const, providerId: found.sid };
          url = list?.next_page_uri ? new URL(list.next_page_uri, `${base}/`).href : null;
        }
      }
      return { found: false as const };
    },
  };
}

/** A failed reply -> an outcome, with Twilio's code and message. */
function twilioFailure(res: Response, error: TwilioError | undefined, text: string): SendOutcome {
  const what = error?.code
    ? `Twilio ${error.code}: ${error.message ?? 'error'}`
    : `Twilio answered ${res.status}: ${error?.message ?? (text.slice(0, 200) || res.statusText)}`;
  if (res.status === 429 || res.status >= 500) {
    const retryAfterMs = retryAfter(res.headers.get('retry-after'));
    return retryAfterMs === undefined
      ? { status: 'temporary_failure', error: what }
      : { status: 'temporary_failure', error: what, retryAfterMs };
  }
  if (res.status === 401 || error?.code === 20003) {
    return {
      status: 'temporary_failure',
      error: `${what}. Twilio refused the account SID or auth token: fix them in Campaigns > Channels.`,
      retryAfterMs: 60_000,
    };
  }
  return { status: 'permanent_failure', error: what };
}

/** Retry-After in seconds or as an HTTP date -> milliseconds. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** "+5511..." -> "whatsapp:+5511..." for WhatsApp; as is for SMS. */
function address(kind: 'whatsapp' | 'sms', e164: string): string {
  return kind === 'whatsapp' ? `whatsapp:${e164}` : e164;
}

/** "whatsapp:+55 11 9876-5432" -> "+551198765432". */
function bare(phone: string): string {
  return phone.replace(/^whatsapp:/i, '').replace(/[\s().-]/g, '');
}

function normalise(body: string | null | undefined): string {
  return (body ?? '').replace(/\r\n/g, '\n').trim();
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'timed out';
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : err.message;
}
