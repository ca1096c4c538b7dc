import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Store } from '../store/index.ts';
import { openCampaigns } from '../store/repos/campaigns.ts';
import { getChannelSettings } from '../store/repos/channelSettings.ts';
import type { Campaign, Delivery, RateLimits } from '../store/schema.ts';
import { attachmentPath, storedAttachment } from './attachments.ts';
import { type ChannelFactory, ChannelsFor } from './channelsFor.ts';
import { MEDIA_LINK_DAYS, mediaSecret, mediaUrl, signMedia } from './mediaToken.ts';
import { OutboxChannel } from './outboxChannel.ts';
import { reserveSendSlot } from './sendRate.ts';
import { DEFAULT_RATE_LIMITS } from './settings.ts';
import type { Channel, ChannelKind, MessageAttachment, OutgoingMessage, SendOutcome } from './types.ts';
import { signUnsubscribe, unsubscribeSecret, unsubscribeUrl } from './unsubscribeToken.ts';

export interface SendJobsOptions {
  store: Store;
  /** How often the worker looks for work and beats its heartbeat (default 1 s). */
  pollMs?: number;
  /** Deliveries claimed per statement (default 50). */
  batchSize?: number;
  /** Messages handed to providers at once (default 4). */
  concurrency?: number;
  /** Hand-overs before a temporarily failing delivery is failed for good (default 5). */
  maxAttempts?: number;
  /** The first retry's delay; each further one doubles it (default 2 s, at most maxBackoffMs). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Messages per second per channel when the organisation set none (DEFAULT_RATE_LIMITS). */
  rateLimits?: RateLimits;
  /** A worker whose heartbeat is older than this is taken for stopped (default 15 s). */
  staleMs?: number;
  /**
   * The store is used by this process alone (PGlite, whose folder lock makes it so): every row
   * another worker left `sending` is orphaned, recovered at once without waiting `staleMs`.
   */
  exclusive?: boolean;
  /** Where providers report status (Twilio StatusCallback): `<publicUrl>/api/webhooks/twilio/<orgId>/status`. */
  publicUrl?: string;
  /**
   * The server's files folder (its `dataDir`): campaign attachments are read from
   * `<filesDir>/attachments/`. Without it, a campaign with an attachment cannot go by e-mail.
   */
  filesDir?: string;
  /** Makes SMTP and Twilio channels (tests hand in their own). */
  channels?: ChannelFactory;
  /** Called after each round and each recovered row (tests, progress). */
  onEvent?: (event: SendEvent) => void;
}

export type SendEvent =
  | { type: 'sent'; campaignId: string; customerId: string }
  | {
      type: 'recovered';
      campaignId: string;
      customerId: string;
      how: 'requeued' | 'reconciled' | 'uncertain';
    }
  | { type: 'finished'; campaignId: string; status: 'sent' | 'failed' };

/** The workers started in this process, per store (several apps may share one store in tests). */
const liveWorkers = new WeakMap<object, Set<string>>();

/** Each worker's id; rows it claims carry it, so a stopped worker's rows can be told apart. */
function newWorkerId(): string {
  return `w_${process.pid}_${randomUUID().slice(0, 8)}`;
}

/**
 * The durable send job. Every recipient is a row of `deliveries`, frozen when the campaign was
 * queued; this worker moves rows pending -> sending -> sent | failed:
 *
 * 1. claim: a batch of due `pending` rows, `for update skip locked`, set `sending` with
 *    `claimed_at` and this worker's id (two servers on one PostgreSQL never take the same row);
 * 2. for each, at the channel's rate: commit `handed_at` (and attempts + 1), hand the message to
 *    the provider, commit the outcome: `sent` with the provider's id; a temporary failure back to
 *    `pending` with exponential backoff (failed after maxAttempts); a permanent one `failed`.
 *    The outbox writes the message and the `sent` mark in one transaction instead.
 * 3. recovery: rows left `sending` by a worker that stopped (its heartbeat is stale, or at once
 *    when the store is this process's alone) are adopted. Never handed over (`handed_at` unset):
 *    back to `pending`. Handed over: the channel's `reconcile` asks the provider (Twilio lists the
 *    messages to that number): found -> `sent`, not found -> `pending`. A channel that cannot
 *    tell (SMTP) resends with the same Message-ID and marks the row `uncertain`: with SMTP,
 *    exactly-once is impossible in the strict sense (a crash between the server's 250 and our
 *    commit leaves no way to know), so the window is kept to one message per lane, and counted.
 */
export class SendJobs {
  readonly workerId = newWorkerId();
  private readonly store: Store;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly rateLimits: Required<RateLimits>;
  private readonly staleMs: number;
  private readonly exclusive: boolean;
  /** Set once the server listens, when no public URL was given. */
  publicUrl: string | undefined;
  private readonly onEvent: (event: SendEvent) => void;
  private readonly channels: ChannelsFor;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private stopped = true;
  private again = false;
  private unsubscribeSecret: string | undefined;
  private mediaSecret: string | undefined;
  private readonly filesDir: string | undefined;

  constructor(options: SendJobsOptions) {
    this.store = options.store;
    this.pollMs = options.pollMs ?? 1000;
    this.batchSize = options.batchSize ?? 50;
    this.concurrency = options.concurrency ?? 4;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoffMs = options.backoffMs ?? 2000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
    this.rateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
    this.staleMs = options.staleMs ?? 15_000;
    this.exclusive = options.exclusive ?? options.store.kind === 'pglite';
    this.publicUrl = options.publicUrl;
    this.filesDir = options.filesDir;
    this.onEvent = options.onEvent ?? (() => {});
    this.channels = new ChannelsFor(options.store.db, options.store.secrets, options.channels);
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    const live = liveWorkers.get(this.store.db) ?? new Set<string>();
    live.add(this.workerId);
    liveWorkers.set(this.store.db, live);
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /**
   * Stops: the messages being handed over finish and are recorded; rows claimed but not yet
   * handed over go back to `pending` at once (another worker, or the next start, takes them).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.busy;
    liveWorkers.get(this.store.db)?.delete(this.workerId);
    await this.store.db
      .updateTable('deliveries')
      .set({ status: 'pending', claimed_by: null, claimed_at: null, updated_at: new Date() })
      .where('claimed_by', '=', this.workerId)
      .where('status', '=', 'sending')
      .where('handed_at', 'is', null)
      .execute()
      .catch(() => undefined);
    await this.store.db
      .deleteFrom('send_workers')
      .where('id', '=', this.workerId)
      .execute()
      .catch(() => undefined);
    await this.channels.closeAll();
  }

  /** Looks for work now (after a campaign is queued) instead of at the next poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = this.work()
      .catch(() => {
        // A store or provider error outside a delivery: the next poll tries again.
      })
      .finally(() => {
        this.busy = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Whether no campaign is queued or sending. */
  async isIdle(): Promise<boolean> {
    return (await openCampaigns(this.store.db)).length === 0;
  }

  /** Resolves when no campaign is queued or sending (tests). */
  async idle(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if ((await openCampaigns(this.store.db)).length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('campaigns still sending');
  }

  private async work(): Promise<void> {
    await this.heartbeat();
    if (this.publicUrl) {
      this.unsubscribeSecret ??= await unsubscribeSecret(this.store.db);
      this.mediaSecret ??= await mediaSecret(this.store.db);
    }
    await this.recover();
    for (;;) {
      if (this.stopped) return;
      const campaigns = await openCampaigns(this.store.db);
      let claimed = 0;
      for (const campaign of campaigns) {
        if (this.stopped) return;
        claimed += await this.sendBatch(campaign);
        await this.finishIfDone(campaign);
      }
      if (claimed === 0) return;
      await this.heartbeat();
    }
  }

  private async heartbeat(): Promise<void> {
    await this.store.db
      .insertInto('send_workers')
      .values({ id: this.workerId, pid: process.pid })
      .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: sql<Date>`now()` }))
      .execute();
  }

  /** Adopts the rows stopped workers left `sending`, and settles each (see the class comment). */
  private async recover(): Promise<void> {
    // Exclusive: every worker of the store lives in this process, so any other is dead.
    const live = [...(liveWorkers.get(this.store.db) ?? [])];
    const dead = this.exclusive
      ? sql<boolean>`(d.claimed_by is null or d.claimed_by not in (${sql.join(live)}))`
      : sql<boolean>`not exists (select 1 from send_workers w where w.id = d.claimed_by
          and w.heartbeat_at > now() - ${`${this.staleMs} milliseconds`}::interval)`;
    for (;;) {
      const { rows } = await sql<Delivery>`
        update deliveries set claimed_by = ${this.workerId}, claimed_at = now(), updated_at = now()
        where (campaign_id, customer_id) in (
          select d.campaign_id, d.customer_id from deliveries d
          where d.status = 'sending' and d.claimed_by is distinct from ${this.workerId} and ${dead}
          limit 100 for update skip locked
        )
        returning *
      `.execute(this.store.db);
      if (rows.length === 0) return;
      const campaigns = new Map<string, Campaign | undefined>();
      for (const row of rows) {
        if (!campaigns.has(row.campaign_id)) {
          campaigns.set(
            row.campaign_id,
            await this.store.db
              .selectFrom('campaigns')
              .selectAll()
              .where('id', '=', row.campaign_id)
              .executeTakeFirst(),
          );
        }
        await this.settleOrphan(campaigns.get(row.campaign_id)!, row);
      }
    }
  }

  private async settleOrphan(campaign: Campaign, row: Delivery): Promise<void> {
    const key = { campaignId: row.campaign_id, customerId: row.customer_id };
    // Never handed over, or the outbox (whose write and mark are one transaction): simply again.
    if (row.handed_at === null || campaign.provider === 'outbox') {
      await this.release(row, { status: 'pending', handed_at: null });
      this.onEvent({ type: 'recovered', ...key, how: 'requeued' });
      return;
    }
    let channel: Channel;
    try {
      channel = await this.channels.get(campaign.org_id, campaign.channel, campaign.provider ?? 'outbox');
    } catch (err) {
      await this.release(row, { status: 'failed', error: (err as Error).message });
      return;
    }
    if (channel.reconcile) {
      // Slack for clocks: the provider's timestamps against ours.
      const since = new Date(row.handed_at.getTime() - 60_000);
      let found: Awaited<ReturnType<NonNullable<Channel['reconcile']>>>;
      try {
        found = await channel.reconcile(this.message(campaign, row), since);
      } catch (err) {
        // The provider cannot be asked now: the row stays `sending`, unclaimed, for a later round.
        await this.store.db
          .updateTable('deliveries')
          .set({ claimed_by: null, updated_at: new Date() })
          .where('campaign_id', '=', row.campaign_id)
          .where('customer_id', '=', row.customer_id)
          .where('claimed_by', '=', this.workerId)
          .execute();
        throw err;
      }
      if (found.found) {
        await this.release(row, {
          status: 'sent',
          sent_at: new Date(),
          provider_id: found.providerId,
          error: null,
        });
        this.onEvent({ type: 'recovered', ...key, how: 'reconciled' });
      } else {
        await this.release(row, { status: 'pending', handed_at: null });
        this.onEvent({ type: 'recovered', ...key, how: 'requeued' });
      }
      return;
    }
    // SMTP: no way to ask. Sent again with the same Message-ID, and counted as uncertain.
    await this.release(row, { status: 'pending', handed_at: null, uncertain: true });
    this.onEvent({ type: 'recovered', ...key, how: 'uncertain' });
  }

  /** Updates a row this worker holds and lets go of it. */
  private async release(
    row: Delivery,
    patch: {
      status: Delivery['status'];
      handed_at?: null;
      sent_at?: Date;
      provider_id?: string;
      error?: string | null;
      uncertain?: boolean;
      next_attempt_at?: Date;
    },
  ): Promise<void> {
    await this.store.db
      .updateTable('deliveries')
      .set({ ...patch, claimed_by: null, updated_at: new Date() })
      .where('campaign_id', '=', row.campaign_id)
      .where('customer_id', '=', row.customer_id)
      .where('claimed_by', '=', this.workerId)
      .where('status', '=', 'sending')
      .execute();
  }

  /** Claims and sends one batch of a campaign; returns how many rows were claimed. */
  private async sendBatch(campaign: Campaign): Promise<number> {
    const { rows } = await sql<Delivery>`
      update deliveries set status = 'sending', claimed_at = now(), claimed_by = ${this.workerId},
        updated_at = now()
      where (campaign_id, customer_id) in (
        select campaign_id, customer_id from deliveries
        where campaign_id = ${campaign.id} and status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at, customer_id
        limit ${this.batchSize}
        for update skip locked
      )
      returning *
    `.execute(this.store.db);
    if (rows.length === 0) return 0;
    if (campaign.status === 'queued') {
      await this.store.db
        .updateTable('campaigns')
        .set({ status: 'sending' })
        .where('id', '=', campaign.id)
        .where('status', '=', 'queued')
        .execute();
    }
    let channel: Channel;
    try {
      channel = await this.channels.get(campaign.org_id, campaign.channel, campaign.provider ?? 'outbox');
    } catch (err) {
      for (const row of rows) await this.release(row, { status: 'failed', error: (err as Error).message });
      return rows.length;
    }
    const rate = await this.rateOf(campaign.org_id, campaign.channel);
    const problem = await this.attachmentProblem(campaign, channel);
    rows.sort((a, b) => (a.customer_id < b.customer_id ? -1 : 1));
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < rows.length) {
        const row = rows[next++]!;
        if (this.stopped) return;
        // One slot per message, shared with every other worker on the store.
        const wait = await reserveSendSlot(this.store.db, campaign.org_id, campaign.channel, rate);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (this.stopped) return;
        await this.deliver(campaign, channel, row, problem);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, rows.length) }, lane));
    return rows.length;
  }

  private async rateOf(orgId: string, channel: ChannelKind): Promise<number> {
    const settings = await getChannelSettings(this.store.db, orgId);
    return settings.rate_limits[channel] ?? this.rateLimits[channel];
  }

  /**
   * The campaign's attachment as its channel sends it: e-mail and WhatsApp carry it, SMS does not
   * (MMS is not everywhere). The same for every attempt, so a message sent again after a crash
   * carries the same file (the campaign's attachment cannot change once it left the draft).
   */
  private attachmentOf(campaign: Campaign): MessageAttachment | undefined {
    const stored = storedAttachment(campaign.attachment);
    if (!stored || campaign.channel === 'sms') return undefined;
    return {
      name: stored.name,
      type: stored.type,
      bytes: stored.bytes,
      path: this.filesDir ? attachmentPath(this.filesDir, campaign.org_id, campaign.id, stored) : '',
      ...(this.publicUrl && this.mediaSecret
        ? {
            url: mediaUrl(
              this.publicUrl,
              signMedia(this.mediaSecret, {
                orgId: campaign.org_id,
                campaignId: campaign.id,
                file: stored.file,
                expires: Math.floor(Date.now() / 1000) + MEDIA_LINK_DAYS * 86_400,
              }),
            ),
          }
        : {}),
    };
  }

  /** Why this worker cannot send the campaign's attachment by e-mail (a temporary failure), if it cannot. */
  private async attachmentProblem(campaign: Campaign, channel: Channel): Promise<string | undefined> {
    if (channel.kind !== 'email' || channel instanceof OutboxChannel) return undefined;
    const attachment = this.attachmentOf(campaign);
    if (!attachment) return undefined;
    if (!attachment.path) {
      return "This send worker has no files folder to read the attachment from: start it with --files-dir (the server's).";
    }
    try {
      await access(attachment.path);
      return undefined;
    } catch {
      return `The attachment "${attachment.name}" is not in this worker's files folder (${attachment.path}): give it the server's folder with --files-dir.`;
    }
  }

  private message(campaign: Campaign, row: Delivery): OutgoingMessage {
    const attachment = this.attachmentOf(campaign);
    return {
      ...(attachment ? { attachment } : {}),
      channel: campaign.channel,
      to: row.to_address,
      ...(row.subject === null ? {} : { subject: row.subject }),
      body: row.body,
      idempotencyKey: row.idempotency_key,
      ...(this.unsubscribeSecret && campaign.channel === 'email'
        ? {
            unsubscribeUrl: unsubscribeUrl(
              this.publicUrl ?? '',
              signUnsubscribe(this.unsubscribeSecret, {
                orgId: campaign.org_id,
                customerId: row.customer_id,
                campaignId: campaign.id,
              }),
            ),
          }
        : {}),
      ...(this.publicUrl && campaign.provider === 'twilio'
        ? {
            // The key in the URL finds the row even before the job has recorded the provider's id.
            statusCallbackUrl: `${this.publicUrl.replace(/\/+$/, '')}/api/webhooks/twilio/${campaign.org_id}/status?key=${encodeURIComponent(row.idempotency_key)}`,
          }
        : {}),
    };
  }

  /** Hands one claimed row to its channel and records the outcome. */
  private async deliver(
    campaign: Campaign,
    channel: Channel,
    row: Delivery,
    problem?: string,
  ): Promise<void> {
    const message = this.message(campaign, row);
    const key = { campaignId: row.campaign_id, customerId: row.customer_id };
    if (channel instanceof OutboxChannel) {
      await channel.sendWith(message, async (tx) => {
        await tx
          .updateTable('deliveries')
          .set({
            status: 'sent',
            attempts: sql<number>`attempts + 1`,
            sent_at: new Date(),
            provider_id: `outbox:${row.idempotency_key}`,
            claimed_by: null,
            error: null,
            updated_at: new Date(),
          })
          .where('campaign_id', '=', row.campaign_id)
          .where('customer_id', '=', row.customer_id)
          .where('claimed_by', '=', this.workerId)
          .execute();
      });
      this.onEvent({ type: 'sent', ...key });
      return;
    }
    // Committed before the hand-over: a crash after this line is the one uncertain window.
    const handed = await this.store.db
      .updateTable('deliveries')
      .set({ handed_at: new Date(), attempts: sql<number>`attempts + 1`, updated_at: new Date() })
      .where('campaign_id', '=', row.campaign_id)
      .where('customer_id', '=', row.customer_id)
      .where('claimed_by', '=', this.workerId)
      .where('status', '=', 'sending')
      .returning('attempts')
      .executeTakeFirst();
    if (!handed) return; // taken from us (we were taken for stopped): not ours to send any more
    let outcome: SendOutcome;
    try {
      outcome = problem ? { status: 'temporary_failure', error: problem } : await channel.send(message);
    } catch (err) {
      outcome = { status: 'temporary_failure', error: (err as Error).message };
    }
    // A dropped connection may hide a message the provider took: ask before sending it again.
    if (outcome.status === 'temporary_failure' && channel.reconcile && !problem) {
      const found = await channel.reconcile(message, new Date(Date.now() - 60_000)).catch(() => undefined);
      if (found?.found) outcome = { status: 'sent', providerId: found.providerId };
    }
    if (outcome.status === 'sent') {
      // A status callback may have come first (the webhook keeps provider_status): honour it.
      await this.store.db
        .updateTable('deliveries')
        .set({
          status: sql<Delivery['status']>`case when provider_status in ('delivered', 'read') then 'delivered'
            when provider_status in ('failed', 'undelivered') then 'failed' else 'sent' end`,
          sent_at: new Date(),
          provider_id: outcome.providerId,
          error: sql<string | null>`case when provider_status in ('failed', 'undelivered') then error end`,
          claimed_by: null,
          updated_at: new Date(),
        })
        .where('campaign_id', '=', row.campaign_id)
        .where('customer_id', '=', row.customer_id)
        .where('claimed_by', '=', this.workerId)
        .where('status', '=', 'sending')
        .execute();
      this.onEvent({ type: 'sent', ...key });
    } else if (outcome.status === 'permanent_failure' || handed.attempts >= this.maxAttempts) {
      const error =
        outcome.status === 'permanent_failure'
          ? outcome.error
          : `${outcome.error} (gave up after ${handed.attempts} attempts)`;
      await this.release(row, { status: 'failed', handed_at: null, error });
    } else {
      const delay = Math.max(
        outcome.retryAfterMs ?? 0,
        Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (handed.attempts - 1)),
      );
      await this.release(row, {
        status: 'pending',
        handed_at: null,
        error: outcome.error,
        next_attempt_at: new Date(Date.now() + delay),
      });
    }
  }

  /** Marks a campaign sent (failed when every message failed) once no row is pending or sending. */
  private async finishIfDone(campaign: Campaign): Promise<void> {
    const open = await this.store.db
      .selectFrom('deliveries')
      .select('customer_id')
      .where('campaign_id', '=', campaign.id)
      .where('status', 'in', ['pending', 'sending'])
      .limit(1)
      .executeTakeFirst();
    if (open) return;
    const some = async (statuses: Delivery['status'][]) =>
      (await this.store.db
        .selectFrom('deliveries')
        .select('customer_id')
        .where('campaign_id', '=', campaign.id)
        .where('status', 'in', statuses)
        .limit(1)
        .executeTakeFirst()) !== undefined;
    // Failed only when something was to go out and none of it did.
    const status = !(await some(['sent', 'delivered'])) && (await some(['failed'])) ? 'failed' : 'sent';
    const done = await this.store.db
      .updateTable('campaigns')
      .set({ status, sent_at: new Date() })
      .where('id', '=', campaign.id)
      .where('status', 'in', ['queued', 'sending'])
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) > 0) this.onEvent({ type: 'finished', campaignId: campaign.id, status });
  }
}
