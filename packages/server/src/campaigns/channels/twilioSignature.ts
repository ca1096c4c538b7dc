import { createHmac, timingSafeEqual } from 'node:crypto';

/** A Twilio form body: parsed (fastify's formbody gives arrays for repeated keys) or as URLSearchParams. */
export type TwilioForm = URLSearchParams | Record<string, string | string[] | undefined>;

function entries(form: TwilioForm): [string, string[]][] {
  const out = new Map<string, string[]>();
  const add = (k: string, v: string) => out.set(k, [...(out.get(k) ?? []), v]);
  if (form instanceof URLSearchParams) {
    for (const [k, v] of form) add(k, v);
  } else {
    for (const [k, v] of Object.entries(form)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) add(k, one);
    }
  }
  return [...out];
}

/**
 * X-Twilio-Signature as Twilio computes it for a form-encoded POST: the full URL Twilio called
 * (scheme, host, path, query), then each parameter's name and value appended with no separator,
 * names in sorted order (a repeated name: its values sorted); HMAC-SHA1 with the auth token,
 * base64. https://www.twilio.com/docs/usage/security#validating-requests
 */
export function twilioSignature(authToken: string, url: string, form: TwilioForm): string {
  let data = url;
  const sorted = entries(form).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, values] of sorted) for (const v of [...values].sort()) data += name + v;
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Whether a request carries Twilio's signature for this URL and form. The URL must be the public
 * one Twilio was given (behind a proxy, not the one the server sees). Like Twilio's own helpers,
 * it also accepts the URL with the default port written out or left off (Twilio has signed both).
 */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  form: TwilioForm,
  signature: string | undefined | null,
): boolean {
  if (!signature || !authToken) return false;
  const given = Buffer.from(signature);
  return urlVariants(url).some((candidate) => {
    const expected = Buffer.from(twilioSignature(authToken, candidate, form));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
  const variants = [url];
  const hostPart = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (hostPart && defaultPort) {
    const [, scheme, host, rest] = hostPart;
    const withoutPort = host!.replace(new RegExp(`:${defaultPort}$`), '');
    variants.push(`${scheme}${withoutPort}${rest}`);
    if (!/:\d+$/.test(host!)) variants.push(`${scheme}${host}:${defaultPort}${rest}`);
  }
  return [...new Set(variants)];
}

function first(form: TwilioForm, name: string): string | undefined {
  if (form instanceof URLSearchParams) return form.get(name) ?? undefined;
  const v = form[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Twilio's message statuses, as status callbacks report them. */
export type TwilioMessageStatus =
  | 'accepted'
  | 'scheduled'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'read'
  | 'undelivered'
  | 'failed'
  | 'canceled'
  | 'receiving'
  | 'received';

/**
 * A status callback's form -> the message sid, its status and Twilio's error code (for
 * undelivered / failed; null otherwise). Null when the form is not a message status callback.
 */
export function parseStatusCallback(
  form: TwilioForm,
): { sid: string; status: TwilioMessageStatus; errorCode: number | null } | null {
  const sid = first(form, 'MessageSid') ?? first(form, 'SmsSid');
  const status = (first(form, 'MessageStatus') ?? first(form, 'SmsStatus'))?.toLowerCase();
  if (!sid || !status) return null;
  const code = Number(first(form, 'ErrorCode'));
  return {
    sid,
    status: status as TwilioMessageStatus,
    errorCode: first(form, 'ErrorCode') && Number.isFinite(code) && code !== 0 ? code : null,
  };
}

/**
 * Opt-out replies: Twilio's standard keywords and their Spanish and Portuguese counterparts.
 * The whole message must be the keyword ("stop", "STOP.", " Baja "), not merely contain it.
 */
export const OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'REVOKE',
  'BAJA',
  'PARAR',
  'SAIR',
  'CANCELAR',
];
/** Twilio's standard opt-in keywords. */
export const OPT_IN_KEYWORDS = ['START', 'UNSTOP', 'YES'];

/**
 * An inbound message's form -> who sent it (E.164, without "whatsapp:"), on which channel, and
 * whether it asks to opt out (or back in). Null when the form is not an inbound message.
 */
export function parseInboundMessage(form: TwilioForm): {
  sid: string;
  from: string;
  to: string;
  channel: 'whatsapp' | 'sms';
  body: string;
  optOut: boolean;
  optIn: boolean;
} | null {
  const sid = first(form, 'MessageSid') ?? first(form, 'SmsSid');
  const from = first(form, 'From');
  if (!sid || !from) return null;
  const body = first(form, 'Body') ?? '';
  const keyword = body
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase();
  const optOutType = first(form, 'OptOutType')?.toUpperCase();
  return {
    sid,
    from: from.replace(/^whatsapp:/i, ''),
    to: (first(form, 'To') ?? '').replace(/^whatsapp:/i, ''),
    channel: /^whatsapp:/i.test(from) ? 'whatsapp' : 'sms',
    body,
    optOut: optOutType === 'STOP' || OPT_OUT_KEYWORDS.includes(keyword),
    optIn: optOutType === 'START' || OPT_IN_KEYWORDS.includes(keyword),
  };
}
