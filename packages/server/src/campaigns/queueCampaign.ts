import { stratifiedHoldout } from '@clientele/ml';
import { type Kysely, sql } from 'kysely';
import { getChannelSettings } from '../store/repos/channelSettings.ts';
import type { Campaign, Database } from '../store/schema.ts';
import { storedAttachment } from './attachments.ts';
import {
  type AudienceFilter,
  audienceCounts,
  audienceMembers,
  publishedRunOf,
  segmentNamesOf,
} from './audience.ts';
import { firstNameOf, renderMessage } from './copy/variables.ts';
import { idempotencyKey } from './outboxChannel.ts';
import { outboxNotice, providerFor, smsAttachmentNotice } from './settings.ts';
import { signUnsubscribe, unsubscribeSecret, unsubscribeUrl } from './unsubscribeToken.ts';

/** Why a campaign could not be queued; the route maps each code to a status. */
export class QueueError extends Error {
  override name = 'QueueError';
  constructor(
    readonly code: 'NOT_DRAFT' | 'EMPTY_AUDIENCE' | 'NO_RESULTS',
    message: string,
  ) {
    super(message);
  }
}

const CHUNK = 1_000;

/**
 * Freezes a draft campaign's audience and queues it, in one transaction: the dataset's published
 * run is read now; one delivery row per recipient, its message personalised (variables filled,
 * the unsubscribe link signed); the control group drawn now (seeded, stratified by risk tier)
 * and stored as `held_out`; the provider chosen from the settings (the outbox when the channel is
 * not configured, with a notice saying so). The campaign row is locked first, so a second send
 * waits and then finds it no longer a draft (409).
 */
export async function queueCampaign(
  db: Kysely<Database>,
  input: { orgId: string; campaignId: string; publicUrl: string },
): Promise<Campaign> {
  return db.transaction().execute(async (tx) => {
    const campaign = await tx
      .selectFrom('campaigns')
      .selectAll()
      .where('org_id', '=', input.orgId)
      .where('id', '=', input.campaignId)
      .forUpdate()
      .executeTakeFirst();
    if (!campaign) throw new QueueError('NO_RESULTS', 'no such campaign');
    if (campaign.status !== 'draft') {
      throw new QueueError('NOT_DRAFT', `the campaign is already ${campaign.status}: it is sent once`);
    }
    const runId = await publishedRunOf(tx, campaign.org_id, campaign.dataset_id);
    if (!runId) throw new QueueError('NO_RESULTS', 'the dataset has no published results any more');
    const where = {
      orgId: campaign.org_id,
      datasetId: campaign.dataset_id,
      runId,
      channel: campaign.channel,
      filter: campaign.filter as AudienceFilter,
    };
    const [found, counts] = await Promise.all([audienceMembers(tx, where), audienceCounts(tx, where)]);
    // Sorted by customer id: the draw is by position, so it depends on who is in, not on the order.
    const members = found.sort((a, b) =>
      a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0,
    );
    if (members.length === 0) {
      throw new QueueError('EMPTY_AUDIENCE', 'no customer matches the audience any more: widen the filter');
    }
    const held = stratifiedHoldout(
      members.map((m) => m.riskTier ?? 'none'),
      campaign.holdout_share,
      campaign.seed,
    );
    const names = await segmentNamesOf(
      tx,
      campaign.org_id,
      runId,
      campaign.team_id ? [campaign.team_id] : [],
      (campaign.filter as AudienceFilter).segmentation,
    );
    const secret = campaign.channel === 'email' ? await unsubscribeSecret(tx) : '';
    const settings = await getChannelSettings(tx, campaign.org_id);
    const provider = providerFor(settings, campaign.channel);
    const rows = members.map((m, i) => {
      const values = {
        first_name: firstNameOf(m.name),
        name: m.name,
        segment: names.get(m.segment)?.name ?? `Segment ${m.segment}`,
        store: m.store,
        location: m.location,
        customer_id: m.customerId,
        ...(campaign.channel === 'email'
          ? {
              unsubscribe_url: unsubscribeUrl(
                input.publicUrl,
                signUnsubscribe(secret, {
                  orgId: campaign.org_id,
                  customerId: m.customerId,
                  campaignId: campaign.id,
                }),
              ),
            }
          : {}),
      };
      return {
        org_id: campaign.org_id,
        campaign_id: campaign.id,
        customer_id: m.customerId,
        idempotency_key: idempotencyKey(campaign.id, m.customerId),
        channel: campaign.channel,
        to_address: (campaign.channel === 'email' ? m.email : m.phone)!.trim(),
        subject: campaign.subject === null ? null : renderMessage(campaign.subject, values).text,
        body: renderMessage(campaign.body, values).text,
        segment: m.segment,
        risk_tier: m.riskTier,
        status: held[i] === 1 ? ('held_out' as const) : ('pending' as const),
      };
    });
    for (let i = 0; i < rows.length; i += CHUNK) {
      await tx
        .insertInto('deliveries')
        .values(rows.slice(i, i + CHUNK))
        .execute();
    }
    return tx
      .updateTable('campaigns')
      .set({
        status: 'queued',
        queued_at: sql<Date>`now()`,
        run_id: runId,
        provider,
        notice: noticeOf(
          provider === 'outbox' ? outboxNotice(campaign.channel) : null,
          campaign.channel === 'sms' && storedAttachment(campaign.attachment) ? smsAttachmentNotice() : null,
        ),
        audience: members.length,
        opted_out: counts.optedOut,
        missing_contact: counts.missingContact,
      })
      .where('id', '=', campaign.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** The notices of a send as one text, or null when there is none. */
function noticeOf(...parts: (string | null)[]): string | null {
  const text = parts.filter((p): p is string => p !== null).join(' ');
  return text === '' ? null : text;
}
