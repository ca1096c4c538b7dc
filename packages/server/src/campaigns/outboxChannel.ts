import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Channel, ChannelKind, OutgoingMessage, SendOutcome } from './types.ts';

/** The (campaign, customer) an idempotency key names: `<campaignId>:<customerId>` (ids are UUIDs). */
export function splitIdempotencyKey(key: string): { campaignId: string; customerId: string } {
  const at = key.indexOf(':');
  if (at < 1) throw new Error(`idempotency key "${key}" is not <campaignId>:<customerId>`);
  return { campaignId: key.slice(0, at), customerId: key.slice(at + 1) };
}

export function idempotencyKey(campaignId: string, customerId: string): string {
  return `${campaignId}:${customerId}`;
}

/**
 * The channel when nothing is configured: messages are kept in the store (`outbox_messages`,
 * listed by GET /api/outbox). `sendWith` writes the message and runs the caller's update (the
 * send job marks the delivery sent) in ONE transaction, so a crash leaves both or neither:
 * exactly once, with nothing to reconcile. A second write of the same key changes nothing.
 */
export class OutboxChannel implements Channel {
  readonly provider = 'outbox' as const;
  constructor(
    private readonly db: Kysely<Database>,
    private readonly orgId: string,
    readonly kind: ChannelKind,
  ) {}

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    await this.write(this.db, message);
    return { status: 'sent', providerId: `outbox:${message.idempotencyKey}` };
  }

  /** Writes the message and runs `andThen` in the same transaction. */
  async sendWith(
    message: OutgoingMessage,
    andThen: (tx: Kysely<Database>, outcome: SendOutcome) => Promise<void>,
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await this.write(tx, message);
      await andThen(tx, { status: 'sent', providerId: `outbox:${message.idempotencyKey}` });
    });
  }

  private async write(db: Kysely<Database>, message: OutgoingMessage): Promise<void> {
    const { campaignId, customerId } = splitIdempotencyKey(message.idempotencyKey);
    await db
      .insertInto('outbox_messages')
      .values({
        org_id: this.orgId,
        campaign_id: campaignId,
        customer_id: customerId,
        channel: message.channel,
        to_address: message.to,
        subject: message.subject ?? null,
        body: message.body,
        attachment_name: message.attachment?.name ?? null,
      })
      .onConflict((oc) => oc.columns(['campaign_id', 'customer_id']).doNothing())
      .execute();
  }
}
