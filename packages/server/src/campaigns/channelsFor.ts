import type { Kysely } from 'kysely';
import { getChannelSettings, openChannelSecrets } from '../store/repos/channelSettings.ts';
import type { ChannelSettings, Database } from '../store/schema.ts';
import type { SecretBox } from '../store/secretBox.ts';
import { OutboxChannel } from './outboxChannel.ts';
import type { Provider } from './settings.ts';
import type { Channel, ChannelKind } from './types.ts';

/** Makes a provider's channel from an organisation's settings, its secrets opened (tests hand in their own). */
export type ChannelFactory = (input: {
  provider: Exclude<Provider, 'outbox'>;
  kind: ChannelKind;
  settings: ChannelSettings;
}) => Channel | Promise<Channel>;

/** SMTP (nodemailer) and the Twilio Messages API, loaded when first needed. */
export const defaultChannelFactory: ChannelFactory = async ({ provider, kind, settings }) => {
  if (provider === 'smtp' && settings.smtp) {
    const { smtpChannel } = await import('./channels/smtpChannel.ts');
    // GET and POST /unsubscribe/:token both unsubscribe, so mail apps may offer one click (RFC 8058).
    return smtpChannel(settings.smtp, { oneClickUnsubscribe: true });
  }
  if (provider === 'twilio' && settings.twilio && kind !== 'email') {
    const { twilioChannel } = await import('./channels/twilioChannel.ts');
    return twilioChannel(kind, settings.twilio);
  }
  throw new ChannelUnavailable(`no ${provider} channel for ${kind} (settings of ${settings.org_id})`);
};

/** A channel that can no longer be made (its settings were removed during a send). */
export class ChannelUnavailable extends Error {
  override name = 'ChannelUnavailable';
}

/**
 * The channels a send worker uses, one per (organisation, provider, channel), made from the
 * settings and kept while those settings stay the same (an SMTP connection pool is reused).
 * A change of settings makes a new channel; the old one is closed.
 */
export class ChannelsFor {
  private readonly cache = new Map<string, { stamp: number; channel: Promise<Channel> }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretBox,
    private readonly factory: ChannelFactory = defaultChannelFactory,
  ) {}

  async get(orgId: string, kind: ChannelKind, provider: Provider): Promise<Channel> {
    if (provider === 'outbox') return new OutboxChannel(this.db, orgId, kind);
    const settings = await getChannelSettings(this.db, orgId);
    const configured = provider === 'smtp' ? settings.smtp : settings.twilio;
    if (!configured) {
      throw new ChannelUnavailable(
        `${provider === 'smtp' ? 'SMTP' : 'Twilio'} settings were removed while the campaign was sending`,
      );
    }
    const key = `${orgId}\u0000${provider}\u0000${kind}`;
    const stamp = settings.updated_at.getTime();
    const hit = this.cache.get(key);
    if (hit && hit.stamp === stamp) return hit.channel;
    // Encrypted with another key: throws SecretKeyError, and the send fails saying what to do.
    const opened = openChannelSecrets(settings, this.secrets, [provider]);
    if (hit) void hit.channel.then((c) => c.close?.()).catch(() => undefined);
    const channel = Promise.resolve(this.factory({ provider, kind, settings: opened }));
    this.cache.set(key, { stamp, channel });
    channel.catch(() => this.cache.delete(key));
    return channel;
  }

  async closeAll(): Promise<void> {
    const all = [...this.cache.values()];
    this.cache.clear();
    await Promise.all(all.map((c) => c.channel.then((ch) => ch.close?.()).catch(() => undefined)));
  }
}
