import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Channel, OutgoingMessage, SendOutcome } from '../types.ts';

/** An organisation's SMTP relay (the shape of the stored settings). */
export interface SmtpChannelSettings {
  host: string;
  port: number;
  /** true: TLS from the first byte (port 465); false: plain, upgraded by STARTTLS when offered. */
  secure: boolean;
  user?: string;
  pass?: string;
  /** "Acme <news@acme.example>" or an address. */
  from: string;
}

export interface SmtpChannelOptions {
  /** Connections kept open to the relay. Default 2. */
  maxConnections?: number;
  /** Connect, greeting and socket timeouts. Default 30 s. */
  timeoutMs?: number;
  /**
   * Also send `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), which tells mail
   * apps they may POST to the unsubscribe URL. Only when that URL accepts a POST. Default false.
   */
  oneClickUnsubscribe?: boolean;
  /** Accept a relay's self-signed certificate (an internal relay). Default false. */
  allowSelfSigned?: boolean;
}

/**
 * E-mail over an SMTP relay, with nodemailer's pooled transport (connections are reused across
 * a campaign; `close()` ends them).
 *
 * - The Message-ID is derived from the idempotency key, so a message sent again after a crash
 *   carries the same id (receiving systems may fold the two; nothing in SMTP promises it).
 * - `unsubscribeUrl` becomes the List-Unsubscribe header.
 * - `attachment` is attached (its file read from `path`, sent base64 with its name and type); a
 *   resend after a crash carries the same file.
 * - Outcomes: a 4xx reply is temporary (mailbox busy, greylisting), a 5xx permanent (no such
 *   mailbox); an unreachable relay or a dropped connection is temporary. A refused login (535) is
 *   temporary too: it is the settings that are wrong, not the recipient, and failing every
 *   recipient for good would burn the campaign; the message says to fix the settings.
 *
 * SMTP cannot say afterwards whether a message was taken, so there is no `reconcile`.
 */
export function smtpChannel(settings: SmtpChannelSettings, options: SmtpChannelOptions = {}): Channel {
  const timeout = options.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({
    pool: true,
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.pass ?? '' } } : {}),
    maxConnections: options.maxConnections ?? 2,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(options.allowSelfSigned ? { tls: { rejectUnauthorized: false } } : {}),
  });
  const domain = domainOf(settings.from);

  return {
    kind: 'email',
    provider: 'smtp',
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      if (message.channel !== 'email') {
        return {
          status: 'permanent_failure',
          error: `The SMTP channel sends e-mail, not ${message.channel}.`,
        };
      }
      const headers: Record<string, string> = {};
      if (message.unsubscribeUrl) {
        headers['List-Unsubscribe'] = `<${message.unsubscribeUrl}>`;
        if (options.oneClickUnsubscribe) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: message.to,
          subject: message.subject ?? '',
          text: message.body,
          messageId: messageIdFor(message.idempotencyKey, domain),
          headers,
          ...(message.attachment
            ? {
                attachments: [
                  {
                    filename: message.attachment.name,
                    path: message.attachment.path,
                    contentType: message.attachment.type,
                  },
                ],
              }
            : {}),
        });
        if (info.rejected.length > 0) {
          return { status: 'permanent_failure', error: `The relay refused ${message.to}: ${info.response}` };
        }
        return { status: 'sent', providerId: info.messageId };
      } catch (err) {
        return smtpOutcome(err, settings);
      }
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}

/** `<hash@domain>`: the same key always gives the same Message-ID. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${hash}@${domain}>`;
}

function domainOf(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = address.split('@')[1]?.trim();
  return domain && /^[A-Za-z0-9.-]+$/.test(domain) ? domain : 'clientele.invalid';
}

/** A nodemailer error -> temporary or permanent, in words that say what happened. */
export function smtpOutcome(err: unknown, settings: Pick<SmtpChannelSettings, 'host' | 'port'>): SendOutcome {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  const relay = `${settings.host}:${settings.port}`;
  const reply = (e.response ?? e.message ?? String(err)).trim();
  if (e.code === 'EAUTH') {
    return {
      status: 'temporary_failure',
      error: `The SMTP relay ${relay} refused the login (${reply}). Fix the user and password in Campaigns > Channels.`,
    };
  }
  const code = e.responseCode;
  if (typeof code === 'number' && code >= 500)
    return { status: 'permanent_failure', error: `SMTP ${code}: ${reply}` };
  if (typeof code === 'number' && code >= 400)
    return { status: 'temporary_failure', error: `SMTP ${code}: ${reply}` };
  const unreachable = [
    'ECONNECTION',
    'ETIMEDOUT',
    'ESOCKET',
    'EDNS',
    'ECONNREFUSED',
    'ECONNRESET',
    'EPROTOCOL',
  ];
  if (e.code && unreachable.includes(e.code)) {
    return {
      status: 'temporary_failure',
      error: `Could not talk to the SMTP relay ${relay} (${e.code}: ${e.message ?? reply}). Check the host and port in Campaigns > Channels.`,
    };
  }
  return { status: 'temporary_failure', error: `SMTP send failed: ${reply}` };
}
