import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 (the smtp-server package) that keeps every message it accepts.
 * Recipients can be made to fail with a given reply code (4xx: try later, 5xx: refused), for
 * good or for the first few attempts. No TLS (STARTTLS is not offered); AUTH is optional unless
 * `user` is set.
 *
 * ```ts
 * const sink = await startSmtpSink({ fail: { 'full@x.test': { code: 452 } } });
 * smtpChannel({ host: sink.host, port: sink.port, secure: false, from: 'a@b.test' });
 * sink.messages[0].messageId; sink.messagesTo('ana@x.test');
 * await sink.close();
 * ```
 */

export interface SinkMessage {
  /** The envelope: MAIL FROM and RCPT TO, as the client sent them. */
  from: string;
  to: string[];
  /** The message as received (headers and body, CRLF line ends). */
  raw: string;
  /** Header names lower-case, folded lines joined. */
  headers: Record<string, string>;
  messageId: string | undefined;
  subject: string | undefined;
  /** The body, decoded from quoted-printable or base64 (single-part messages; the text part of a multipart one). */
  text: string;
  /** The parts of a multipart message sent as attachments (Content-Disposition with a filename), decoded. */
  attachments: SinkAttachment[];
  /** 1-based number of the SMTP connection it came on. */
  session: number;
}

export interface SinkAttachment {
  filename: string;
  /** The part's Content-Type, parameters left out. */
  contentType: string;
  /** Its Content-Transfer-Encoding as sent (nodemailer sends base64). */
  encoding: string;
  /** The encoded text of the part, as it came. */
  encoded: string;
  content: Buffer;
}

export interface SinkFailure {
  /** The reply code: 4xx temporary, 5xx permanent. */
  code: number;
  message?: string;
  /** Fail only this many times, then accept. Default: always. */
  times?: number;
}

export interface SmtpSinkOptions {
  /** Recipients (lower-case addresses) that get the failure at RCPT TO. */
  fail?: Record<string, SinkFailure>;
  /** When set, the client must log in with these. */
  user?: string;
  pass?: string;
}

export interface SmtpSink {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly messages: SinkMessage[];
  /** RCPT TO attempts refused, in order. */
  readonly refused: { to: string; code: number }[];
  /** Connections opened so far. */
  connections(): number;
  /** Connections open now. */
  openConnections(): number;
  messagesTo(address: string): SinkMessage[];
  /** Adds or replaces a recipient's failure. */
  fail(address: string, failure: SinkFailure): void;
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const refused: { to: string; code: number }[] = [];
  const failures = new Map<string, SinkFailure & { seen: number }>();
  for (const [address, f] of Object.entries(options.fail ?? {}))
    failures.set(address.toLowerCase(), { ...f, seen: 0 });
  let sessions = 0;
  let open = 0;
  const sessionNumbers = new Map<string, number>();

  const server = new SMTPServer({
    logger: false,
    disabledCommands: options.user === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    authOptional: options.user === undefined,
    allowInsecureAuth: true,
    onConnect(session, callback) {
      sessions++;
      open++;
      sessionNumbers.set(session.id, sessions);
      callback();
    },
    onClose() {
      open--;
    },
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.pass) {
        callback(null, { user: auth.username });
        return;
      }
      callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const to = address.address.toLowerCase();
      const failure = failures.get(to);
      if (failure && (failure.times === undefined || failure.seen < failure.times)) {
        failure.seen++;
        refused.push({ to, code: failure.code });
        const text =
          failure.message ?? (failure.code >= 500 ? 'No such user here' : 'Mailbox busy, try again later');
        callback(Object.assign(new Error(text), { responseCode: failure.code }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const { headers, body } = splitMessage(raw);
        const parts = multipartParts(headers['content-type'], body);
        const textPart = parts.find((p) =>
          (p.headers['content-type'] ?? 'text/plain').startsWith('text/plain'),
        );
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          headers,
          messageId: headers['message-id'],
          subject: headers['subject'],
          text: textPart
            ? decodeBody(textPart.body, textPart.headers['content-transfer-encoding'])
            : decodeBody(body, headers['content-transfer-encoding']),
          attachments: parts.flatMap((p) => {
            const filename = /filename="?([^";]+)"?/.exec(p.headers['content-disposition'] ?? '')?.[1];
            if (filename === undefined) return [];
            const encoding = (p.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
            return [
              {
                filename,
                contentType: (p.headers['content-type'] ?? '').split(';')[0]!.trim(),
                encoding,
                encoded: p.body,
                content:
                  encoding === 'base64'
                    ? Buffer.from(p.body.replace(/\s+/g, ''), 'base64')
                    : Buffer.from(p.body, 'latin1'),
              },
            ];
          }),
          session: sessionNumbers.get(session.id) ?? 0,
        });
        callback();
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    messages,
    refused,
    connections: () => sessions,
    openConnections: () => open,
    messagesTo: (address) =>
      messages.filter((m) => m.to.some((t) => t.toLowerCase() === address.toLowerCase())),
    fail: (address, failure) => {
      failures.set(address.toLowerCase(), { ...failure, seen: 0 });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function splitMessage(raw: string): { headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = end >= 0 ? raw.slice(0, end) : raw;
  const body = end >= 0 ? raw.slice(end + 4) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** The parts of a multipart body (nested multiparts flattened); none for a single-part message. */
function multipartParts(
  contentType: string | undefined,
  body: string,
): { headers: Record<string, string>; body: string }[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  if (!contentType?.toLowerCase().startsWith('multipart/') || !boundary) return [];
  const chunks = body.split(`--${boundary}`).slice(1);
  const parts: { headers: Record<string, string>; body: string }[] = [];
  for (const chunk of chunks) {
    if (chunk.startsWith('--')) break; // the closing delimiter
    const part = splitMessage(chunk.replace(/^\r\n/, ''));
    const inner = part.body.replace(/\r\n$/, '');
    const nested = multipartParts(part.headers['content-type'], inner);
    if (nested.length > 0) parts.push(...nested);
    else parts.push({ headers: part.headers, body: inner });
  }
  return parts;
}

function decodeBody(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') return quotedPrintable(body.replace(/=\r\n/g, '')).replace(/\r\n/g, '\n');
  return body.replace(/\r\n/g, '\n');
}

function quotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words in a header ("=?UTF-8?Q?Ol=C3=A1?=") -> text. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_m, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : quotedPrintable(data.replace(/_/g, ' ')),
    );
}
