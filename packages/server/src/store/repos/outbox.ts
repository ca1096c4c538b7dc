import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface OutboxMessage {
  campaignId: string;
  customerId: string;
  channel: string;
  to: string;
  subject: string | null;
  body: string;
  at: Date;
  /** The name of the attachment that went with it. */
  attachment: string | null;
}

/** The organisation's outbox, newest first, and its total. */
export async function listOutbox(
  db: Kysely<Database>,
  orgId: string,
  options: { channel?: string; campaignId?: string; limit: number; offset: number },
): Promise<{ messages: OutboxMessage[]; total: number }> {
  let q = db.selectFrom('outbox_messages').where('org_id', '=', orgId);
  if (options.channel !== undefined) q = q.where('channel', '=', options.channel);
  if (options.campaignId !== undefined) q = q.where('campaign_id', '=', options.campaignId);
  const [rows, total] = await Promise.all([
    q
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('campaign_id')
      .orderBy('customer_id')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    messages: rows.map((r) => ({
      campaignId: r.campaign_id,
      customerId: r.customer_id,
      channel: r.channel,
      to: r.to_address,
      subject: r.subject,
      body: r.body,
      at: r.at,
      attachment: r.attachment_name,
    })),
    total: total.n,
  };
}
