import { unreadableSecrets } from '../store/repos/channelSettings.ts';
import type { ChannelSettings, RateLimits } from '../store/schema.ts';
import { type SecretBox, WRONG_KEY_MESSAGE } from '../store/secretBox.ts';
import type { ChannelKind } from './types.ts';

/** Messages per second when an organisation sets none: SMTP relays and Twilio senders' usual pace. */
export const DEFAULT_RATE_LIMITS: Required<RateLimits> = { email: 20, whatsapp: 10, sms: 10 };

export type Provider = 'smtp' | 'twilio' | 'outbox';

/** Which provider a channel goes through with these settings: the outbox when none is set up. */
export function providerFor(settings: ChannelSettings, channel: ChannelKind): Provider {
  if (channel === 'email') return settings.smtp ? 'smtp' : 'outbox';
  const from = channel === 'whatsapp' ? settings.twilio?.whatsappFrom : settings.twilio?.smsFrom;
  return settings.twilio && from ? 'twilio' : 'outbox';
}

/** The sender a channel shows (an e-mail address, or the Twilio number), when configured. */
function senderOf(settings: ChannelSettings, channel: ChannelKind): string | null {
  if (channel === 'email') return settings.smtp?.from ?? null;
  return (channel === 'whatsapp' ? settings.twilio?.whatsappFrom : settings.twilio?.smsFrom) ?? null;
}

/** The settings as GET /api/settings/channels answers them: never a password, token or key. */
export interface ChannelSettingsView {
  email: ChannelView;
  whatsapp: ChannelView;
  sms: ChannelView;
  llm: { configured: boolean; baseUrl: string | null; model: string | null };
  smtp: { host: string; port: number; secure: boolean; user: string | null; hasPassword: boolean } | null;
  twilio: { accountSid: string; baseUrl: string | null; hasAuthToken: boolean } | null;
  rateLimits: Required<RateLimits>;
  /** The parts whose secret is set but does not open with this server's key. */
  unreadableSecrets: ('smtp' | 'twilio' | 'llm')[];
  /** What to do about them (WRONG_KEY_MESSAGE), or null when every secret opens. */
  secretsError: string | null;
}

export interface ChannelView {
  configured: boolean;
  provider: Provider;
  from: string | null;
}

export function settingsView(settings: ChannelSettings, secrets: SecretBox): ChannelSettingsView {
  const unreadable = unreadableSecrets(settings, secrets);
  const channel = (kind: ChannelKind): ChannelView => {
    const provider = providerFor(settings, kind);
    return { configured: provider !== 'outbox', provider, from: senderOf(settings, kind) };
  };
  return {
    email: channel('email'),
    whatsapp: channel('whatsapp'),
    sms: channel('sms'),
    llm: {
      configured: settings.llm !== null,
      baseUrl: settings.llm?.baseUrl ?? null,
      model: settings.llm?.model ?? null,
    },
    smtp: settings.smtp
      ? {
          host: settings.smtp.host,
          port: settings.smtp.port,
          secure: settings.smtp.secure,
          user: settings.smtp.user ?? null,
          hasPassword: Boolean(settings.smtp.pass),
        }
      : null,
    twilio: settings.twilio
      ? {
          accountSid: settings.twilio.accountSid,
          baseUrl: settings.twilio.baseUrl ?? null,
          hasAuthToken: Boolean(settings.twilio.authToken),
        }
      : null,
    rateLimits: rateLimitsOf(settings),
    unreadableSecrets: unreadable,
    secretsError: unreadable.length > 0 ? WRONG_KEY_MESSAGE : null,
  };
}

/** The organisation's send rates, each channel defaulting to DEFAULT_RATE_LIMITS. */
export function rateLimitsOf(settings: ChannelSettings): Required<RateLimits> {
  return { ...DEFAULT_RATE_LIMITS, ...settings.rate_limits };
}

/** What a send says when a channel falls back to the outbox. */
export function outboxNotice(channel: ChannelKind): string {
  const what =
    channel === 'email' ? 'E-mail (SMTP)' : channel === 'sms' ? 'SMS (Twilio)' : 'WhatsApp (Twilio)';
  return `${what} is not configured for your organisation: the messages are kept in the outbox instead of being sent. A manager can set it up under Campaigns > Channels.`;
}

/** What the send says of an SMS campaign with an attachment: it goes without it. */
export function smsAttachmentNotice(): string {
  return 'SMS messages are sent without the attachment: picture messages (MMS) reach phones in only a few countries (such as the US and Canada), so the attachment goes by e-mail and WhatsApp only.';
}
