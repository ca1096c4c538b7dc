import type { RunReport } from '@clientele/analytics';
import type { Kysely } from 'kysely';
import { hotQuery } from '../store/hotQuery.ts';
import type { Store } from '../store/openStore.ts';
import type { CustomerRecord } from '../store/repos/customers.ts';
import type { Database } from '../store/schema.ts';
import { segmentationsOf } from './segmentations.ts';

/** What the published analysis says of one customer: the Lookout card below the profile. */
export interface CustomerAnalysis {
  runId: string;
  version: number;
  segment: {
    id: number;
    name: string;
    description: string;
    namedBy: 'team' | 'suggested';
    /** The segmentation the segment is in: the one the person's team works with, else 'main'. */
    segmentation: string;
    /** Its name, as the Segments page lists it. */
    segmentationName: string;
  };
  churn: { probability: number; retention: number; tier: string } | null;
  /** The top reasons, in words and as figures (contribution on the probability scale). */
  reasons: { feature: string; value: string; contribution: number; text: string }[];
  insider: boolean;
  recommendation: string;
}

interface SuggestedNames {
  /** By segmentation ('main' and the run's others), then by segment id. */
  names: Map<string, Map<number, { name: string; description: string }>>;
  /** Each segmentation's name, by id. */
  segmentations: Map<string, string>;
}

// A run's suggested segment names never change (a run is immutable once published), so they are
// read from its report once per run, not per lookup: Lookout answers in a few milliseconds.
const suggestedByRun = new Map<string, Promise<SuggestedNames>>();
const MAX_CACHED_RUNS = 64;

async function suggestedNames(db: Kysely<Database>, runId: string): Promise<SuggestedNames> {
  let hit = suggestedByRun.get(runId);
  if (!hit) {
    hit = (async () => {
      const row = await db
        .selectFrom('run_results')
        .select((eb) => eb.ref('data').$castTo<unknown>().as('data'))
        .where('run_id', '=', runId)
        .where('key', '=', 'report')
        .executeTakeFirst();
      const report = row?.data as RunReport | undefined;
      const names: SuggestedNames['names'] = new Map();
      const segmentations: SuggestedNames['segmentations'] = new Map();
      for (const view of report?.segmentation ? segmentationsOf(report) : []) {
        segmentations.set(view.id, view.name);
        names.set(
          view.id,
          new Map(view.segments.map((s) => [s.id, { name: s.name, description: s.description }])),
        );
      }
      return { names, segmentations };
    })();
    if (suggestedByRun.size >= MAX_CACHED_RUNS) suggestedByRun.delete(suggestedByRun.keys().next().value!);
    suggestedByRun.set(runId, hit);
    hit.catch(() => suggestedByRun.delete(runId));
  }
  return hit;
}

/** A reason in words: "ANTIGUEDAD_MESES is 6: raises the churn risk by 14.6 points". */
function reasonText(r: { feature: string; value: string; contribution: number }): string {
  const points = Math.abs(100 * r.contribution).toFixed(1);
  const way = r.contribution >= 0 ? 'raises' : 'lowers';
  return `${r.feature} is ${r.value === '' ? 'missing' : r.value}: ${way} the churn risk by ${points} points`;
}

/** What to do next, from the tier, the Insiders and the strongest reason (MISSION C2 tiers). */
function recommend(tier: string | null, insider: boolean, top: { feature: string } | undefined): string {
  const why = top ? ` Start from what drives it most: ${top.feature}.` : '';
  if (tier === 'Critical') {
    return `${insider ? 'An Insider at critical risk: call them this week with a personal offer.' : 'Critical risk of leaving: contact them this week with a retention offer.'}${why}`;
  }
  if (tier === 'High') return `High risk: include them in the next retention campaign.${why}`;
  if (tier === 'Moderate') return `Moderate risk: keep them engaged with a relevant offer.${why}`;
  if (insider) return 'An Insider: reward their loyalty (early access, exclusive offers).';
  if (tier === 'Low') return 'Low risk: no action needed; a good audience for cross-selling.';
  return 'No churn model for this dataset: see the segment for what sets this customer apart.';
}

/** A customer's record in one dataset, with what that dataset's published run says of them. */
export interface LookoutRecord extends CustomerRecord {
  analysis: CustomerAnalysis | null;
  /** The messages this dataset's campaigns sent the customer, newest first (at most 20). */
  messages: ReceivedMessage[];
}

/** One row of the Lookout query: a customer's record in one dataset, with the published results. */
interface LookoutRow extends CustomerRecord {
  run_id: string | null;
  version: number | null;
  segment: number | null;
  /** 'main', or the team's chosen segmentation when the run has it for this customer. */
  segmentation: string;
  churn_probability: number | null;
  risk_tier: string | null;
  reasons: { feature: string; value: string; contribution: number }[] | null;
  insider: boolean | null;
  /** JSON [name, description] of the segment as one of the person's teams named it. */
  team_name: string | null;
  /** JSON array of the messages the customer received from this dataset's campaigns, newest first. */
  messages: string | null;
}

/** A message a customer received (a campaign's delivery that went out), for Lookout. */
export interface ReceivedMessage {
  campaignId: string;
  campaign: string;
  channel: string;
  subject: string | null;
  body: string;
  status: 'sent' | 'delivered' | 'failed';
  at: string;
}

/** How many of a customer's messages Lookout shows. */
export const LOOKOUT_MESSAGES = 20;

/** The Lookout query ($1 organisation, $2 customer id, $3 the person's team ids); see lookoutRecords. */
export const LOOKOUT_SQL = `
  select c.org_id, c.dataset_id, c.customer_id, c.name, c.phone, c.email, c.location, c.store, c.attributes,
         d.name as dataset_name, d.created_at as dataset_created_at,
         p.run_id, p.version, coalesce(alt.segment, r.segment) as segment,
         case when alt.segment is null then 'main' else ch.segmentation end as segmentation,
         r.churn_probability, r.risk_tier, r.reasons, r.insider,
         (select json_build_array(n.name, n.description)::text
            from segment_names n
           where n.run_id = p.run_id and n.org_id = c.org_id
             and n.segmentation = case when alt.segment is null then 'main' else ch.segmentation end
             and n.segment_id = coalesce(alt.segment, r.segment)::text
             and n.team_id = any($3::text[])
           order by n.updated_at desc
           limit 1) as team_name,
         (select json_agg(json_build_object('campaignId', m.campaign_id, 'campaign', m.name, 'channel', m.channel,
                                            'subject', m.subject, 'body', m.body, 'status', m.status, 'at', m.at)
                          order by m.at desc)::text
            from (select d.campaign_id, k.name, d.channel, d.subject, d.body, d.status,
                         coalesce(d.delivered_at, d.sent_at, d.updated_at) as at
                    from deliveries d
                    join campaigns k on k.org_id = d.org_id and k.id = d.campaign_id
                   where d.org_id = c.org_id and d.customer_id = c.customer_id and k.dataset_id = c.dataset_id
                     and d.status in ('sent', 'delivered', 'failed')
                   order by at desc
                   limit ${LOOKOUT_MESSAGES}) m) as messages
    from customers c
    join datasets d on d.org_id = c.org_id and d.id = c.dataset_id
    left join published_results p on p.org_id = c.org_id and p.dataset_id = c.dataset_id
    left join customer_results r on r.run_id = p.run_id and r.customer_id = c.customer_id
    -- The segmentation the person's first team (by name) chose for the dataset, if any.
    left join lateral (select s.segmentation from segmentation_choices s join teams t on t.id = s.team_id
                        where s.org_id = c.org_id and s.dataset_id = c.dataset_id and s.team_id = any($3::text[])
                        order by t.name, t.id limit 1) ch on true
    left join customer_segments alt
      on alt.run_id = p.run_id and alt.segmentation = ch.segmentation and alt.customer_id = c.customer_id
   where c.org_id = $1 and c.customer_id = $2 and d.deleted_at is null
   order by d.created_at desc, d.id`;

const lookoutQuery = hotQuery<LookoutRow>('lookout', LOOKOUT_SQL);

/**
 * Lookout in one query: every live dataset's record of this customer id (the newest dataset
 * first), each with its published run's results for the customer (segment, churn, reasons,
 * Insider) and the segment's name from one of `teamIds` where a team named it (F3; else the run's
 * suggested name, read once per run). On the embedded store every query is a turn of the one
 * database thread, so the record, the results and the team's name come together.
 */
export async function lookoutRecords(
  store: Pick<Store, 'db' | 'kind'>,
  input: { orgId: string; customerId: string; teamIds: readonly string[] },
): Promise<LookoutRecord[]> {
  const db = store.db;
  const rows = await lookoutQuery(store, [input.orgId, input.customerId, input.teamIds]);
  const out: LookoutRecord[] = [];
  for (const row of rows) {
    const {
      run_id,
      version,
      segment,
      segmentation,
      churn_probability,
      risk_tier,
      reasons,
      insider,
      team_name,
      messages,
      ...record
    } = row;
    let analysis: CustomerAnalysis | null = null;
    if (run_id !== null && version !== null && segment !== null) {
      const run = await suggestedNames(db, run_id);
      const suggested = run.names.get(segmentation)?.get(segment);
      const team = team_name === null ? undefined : (JSON.parse(team_name) as [string, string]);
      const said = (reasons ?? []).map((r) => ({ ...r, text: reasonText(r) }));
      analysis = {
        runId: run_id,
        version,
        segment: {
          id: segment,
          name: team?.[0] ?? suggested?.name ?? `Segment ${segment}`,
          description: team?.[1] ?? suggested?.description ?? '',
          namedBy: team ? 'team' : 'suggested',
          segmentation,
          segmentationName: run.segmentations.get(segmentation) ?? segmentation,
        },
        churn:
          churn_probability === null
            ? null
            : { probability: churn_probability, retention: 1 - churn_probability, tier: risk_tier ?? '' },
        reasons: said,
        insider: insider ?? false,
        recommendation: recommend(risk_tier, insider ?? false, said[0]),
      };
    }
    out.push({
      ...record,
      analysis,
      messages: messages === null ? [] : (JSON.parse(messages) as ReceivedMessage[]),
    });
  }
  return out;
}
