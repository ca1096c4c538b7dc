import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Marks customers of an organisation opted out (the unsubscribe link, STOP). Returns how many
 * were not opted out before (a second STOP changes nothing).
 */
export async function optOut(
  db: Kysely<Database>,
  input: { orgId: string; customerIds: readonly string[]; source: string; campaignId?: string | null },
): Promise<number> {
  if (input.customerIds.length === 0) return 0;
  const rows = await db
    .insertInto('opt_outs')
    .values(
      [...new Set(input.customerIds)].map((customerId) => ({
        org_id: input.orgId,
        customer_id: customerId,
        source: input.source,
        campaign_id: input.campaignId ?? null,
      })),
    )
    .onConflict((oc) => oc.columns(['org_id', 'customer_id']).doNothing())
    .returning('customer_id')
    .execute();
  return rows.length;
}

export async function isOptedOut(db: Kysely<Database>, orgId: string, customerId: string): Promise<boolean> {
  const row = await db
    .selectFrom('opt_outs')
    .select('customer_id')
    .where('org_id', '=', orgId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return row !== undefined;
}
