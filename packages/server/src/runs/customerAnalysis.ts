import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** What the published analysis says of one customer: the Lookout card below the profile. */
export interface CustomerAnalysis {
  runId: string;
  version: number;
  segment: { id: number; name: string; description: string; namedBy: 'team' | 'suggested' };
  churn: { probability: number; retention: number; tier: string } | null;
  /** The top reasons, in words and as figures (contribution on the probability scale). */
  reasons: { feature: string; value: string; contribution: number; text: string }[];
  insider: boolean;
  recommendation: string;
}

interface SuggestedNames {
  names: Map<number, { name: string; description: string }>;
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
      const report = row?.data as {
        segmentation?: { segments?: { id: number; name: string; description: string }[] };
      };
      const names = new Map<number, { name: string; description: string }>();
      for (const s of report?.segmentation?.segments ?? [])
        names.set(s.id, { name: s.name, description: s.description });
      return { names };
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

/**
 * The published analysis of one customer of a dataset, or null when the dataset has none (or
 * the customer was not in it). Segment names are the team's own where one of `teamIds` named the
 * segment (F3), else the run's suggested name. One indexed query plus a cached name table.
 */
export async function customerAnalysis(
  db: Kysely<Database>,
  input: { orgId: string; datasetId: string; customerId: string; teamIds: readonly string[] },
): Promise<CustomerAnalysis | null> {
  const row = await db
    .selectFrom('published_results as p')
    .innerJoin('customer_results as c', (j) => j.onRef('c.run_id', '=', 'p.run_id'))
    .select([
      'p.run_id',
      'p.version',
      'c.segment',
      'c.churn_probability',
      'c.risk_tier',
      'c.reasons',
      'c.insider',
    ])
    .where('p.org_id', '=', input.orgId)
    .where('p.dataset_id', '=', input.datasetId)
    .where('c.customer_id', '=', input.customerId)
    .executeTakeFirst();
  if (!row) return null;
  const suggested = (await suggestedNames(db, row.run_id)).names.get(row.segment);
  const teamName =
    input.teamIds.length === 0
      ? undefined
      : await db
          .selectFrom('segment_names')
          .select(['name', 'description'])
          .where('org_id', '=', input.orgId)
          .where('run_id', '=', row.run_id)
          .where('segment_id', '=', String(row.segment))
          .where('team_id', 'in', input.teamIds)
          .orderBy('updated_at', 'desc')
          .executeTakeFirst();
  const reasons = (row.reasons ?? []).map((r) => ({ ...r, text: reasonText(r) }));
  return {
    runId: row.run_id,
    version: row.version,
    segment: {
      id: row.segment,
      name: teamName?.name ?? suggested?.name ?? `Segment ${row.segment}`,
      description: teamName?.description ?? suggested?.description ?? '',
      namedBy: teamName ? 'team' : 'suggested',
    },
    churn:
      row.churn_probability === null
        ? null
        : {
            probability: row.churn_probability,
            retention: 1 - row.churn_probability,
            tier: row.risk_tier ?? '',
          },
    reasons,
    insider: row.insider,
    recommendation: recommend(row.risk_tier, row.insider, reasons[0]),
  };
}
