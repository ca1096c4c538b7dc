import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface OutcomeRow {
  customerId: string;
  churned: boolean;
  revenue?: number | null;
}

const CHUNK = 5_000;

/**
 * Records outcomes of a campaign's recipients and held-out customers; a customer given twice
 * keeps the last. Customers outside the campaign are left out. Returns how many were kept.
 */
export async function recordOutcomes(
  db: Kysely<Database>,
  orgId: string,
  campaignId: string,
  outcomes: readonly OutcomeRow[],
): Promise<number> {
  const last = new Map<string, OutcomeRow>();
  for (const o of outcomes) last.set(o.customerId, o);
  const known = new Set<string>();
  const ids = [...last.keys()];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('deliveries')
      .select('customer_id')
      .where('campaign_id', '=', campaignId)
      .where('customer_id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) known.add(r.customer_id);
  }
  const kept = [...last.values()].filter((o) => known.has(o.customerId));
  for (let i = 0; i < kept.length; i += CHUNK) {
    await db
      .insertInto('campaign_outcomes')
      .values(
        kept.slice(i, i + CHUNK).map((o) => ({
          org_id: orgId,
          campaign_id: campaignId,
          customer_id: o.customerId,
          churned: o.churned,
          revenue: o.revenue ?? null,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['campaign_id', 'customer_id']).doUpdateSet((eb) => ({
          churned: eb.ref('excluded.churned'),
          revenue: eb.ref('excluded.revenue'),
          at: new Date(),
        })),
      )
      .execute();
  }
  return kept.length;
}
