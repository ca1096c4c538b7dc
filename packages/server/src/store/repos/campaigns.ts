import { type Kysely, sql } from 'kysely';
import { jsonb } from '../jsonb.ts';
import type { Campaign, CampaignStatus, Database, JsonObject } from '../schema.ts';
import { newId } from './ids.ts';

export interface NewCampaign {
  orgId: string;
  datasetId: string;
  runId: string;
  name: string;
  channel: Campaign['channel'];
  filter: JsonObject;
  subject: string | null;
  body: string;
  language: string;
  holdoutShare: number;
  seed: number;
  outcomeWindowDays: number;
  createdBy: string | null;
  teamId: string | null;
}

export async function createCampaign(db: Kysely<Database>, input: NewCampaign): Promise<Campaign> {
  return db
    .insertInto('campaigns')
    .values({
      id: newId(),
      org_id: input.orgId,
      dataset_id: input.datasetId,
      run_id: input.runId,
      name: input.name,
      channel: input.channel,
      filter: jsonb(input.filter),
      subject: input.subject,
      body: input.body,
      language: input.language,
      holdout_share: input.holdoutShare,
      seed: input.seed,
      outcome_window_days: input.outcomeWindowDays,
      provider: null,
      notice: null,
      created_by: input.createdBy,
      team_id: input.teamId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getCampaign(
  db: Kysely<Database>,
  orgId: string,
  id: string,
): Promise<Campaign | undefined> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A campaign with who made it, for the history. */
export interface CampaignRow extends Campaign {
  author_name: string | null;
  team_name: string | null;
}

/** The organisation's campaigns, newest first (only `createdBy`'s when given), and the total. */
export async function listCampaigns(
  db: Kysely<Database>,
  orgId: string,
  options: { createdBy?: string; limit: number; offset: number; ids?: string[] },
): Promise<{ campaigns: CampaignRow[]; total: number }> {
  let q = db.selectFrom('campaigns as c').where('c.org_id', '=', orgId);
  if (options.createdBy !== undefined) q = q.where('c.created_by', '=', options.createdBy);
  if (options.ids !== undefined) q = q.where('c.id', 'in', options.ids.length ? options.ids : ['']);
  const [rows, total] = await Promise.all([
    q
      .leftJoin('users as u', 'u.id', 'c.created_by')
      .leftJoin('teams as t', 't.id', 'c.team_id')
      .selectAll('c')
      .select(['u.name as author_name', 't.name as team_name'])
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { campaigns: rows, total: total.n };
}

/** A campaign's deliveries counted by state. */
export interface CampaignCounts {
  /** Recipients frozen at send, held-out ones included. */
  audience: number;
  heldOut: number;
  /** Waiting or being sent. */
  queued: number;
  /** Handed to the provider (delivered ones included). */
  sent: number;
  delivered: number;
  failed: number;
  /** Resent after a crash through a channel that cannot tell whether the first went out (SMTP). */
  uncertain: number;
}

const ZERO: CampaignCounts = {
  audience: 0,
  heldOut: 0,
  queued: 0,
  sent: 0,
  delivered: 0,
  failed: 0,
  uncertain: 0,
};

/** The counts of several campaigns in one grouped query. */
export async function campaignCounts(
  db: Kysely<Database>,
  campaignIds: readonly string[],
): Promise<Map<string, CampaignCounts>> {
  const out = new Map<string, CampaignCounts>();
  for (const id of campaignIds) out.set(id, { ...ZERO });
  if (campaignIds.length === 0) return out;
  const rows = await db
    .selectFrom('deliveries')
    .select([
      'campaign_id',
      'status',
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<number>`count(*) filter (where uncertain)`.as('uncertain'),
    ])
    .where('campaign_id', 'in', campaignIds)
    .groupBy(['campaign_id', 'status'])
    .execute();
  for (const r of rows) {
    const c = out.get(r.campaign_id)!;
    const n = Number(r.n);
    c.audience += n;
    c.uncertain += Number(r.uncertain);
    if (r.status === 'held_out') c.heldOut += n;
    else if (r.status === 'pending' || r.status === 'sending') c.queued += n;
    else if (r.status === 'failed') c.failed += n;
    else {
      c.sent += n;
      if (r.status === 'delivered') c.delivered += n;
    }
  }
  return out;
}

/**
 * Moves a campaign from one status to another (compare-and-set); returns the row, or undefined
 * when it was not in `from`.
 */
export async function setCampaignStatus(
  db: Kysely<Database>,
  id: string,
  from: readonly CampaignStatus[],
  patch: { status: CampaignStatus; sent_at?: Date; queued_at?: Date },
): Promise<Campaign | undefined> {
  return db
    .updateTable('campaigns')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', from)
    .returningAll()
    .executeTakeFirst();
}

/** Campaigns a send worker should look at: queued or under way. */
export async function openCampaigns(db: Kysely<Database>): Promise<Campaign[]> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .where('status', 'in', ['queued', 'sending'])
    .orderBy('queued_at')
    .orderBy('id')
    .execute();
}
