import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.ts';

/**
 * Reserves the next send slot of an organisation's channel at `perSecond` and returns how long
 * to wait for it, in milliseconds. The slot lives in the store (one row per organisation and
 * channel, updated under its row lock), so every worker process on the store keeps to the rate
 * together; the database's clock times every slot, so the processes' clocks need not agree. An
 * idle channel does not bank slots: the next one is never before now.
 */
export async function reserveSendSlot(
  db: Kysely<Database>,
  orgId: string,
  channel: string,
  perSecond: number,
): Promise<number> {
  const seconds = 1 / Math.max(perSecond, 0.001);
  const { rows } = await sql<{ wait_ms: number | string }>`
    insert into send_rate_slots as s (org_id, channel, next_at)
    values (${orgId}, ${channel}, clock_timestamp() + make_interval(secs => ${seconds}))
    on conflict (org_id, channel) do update
      set next_at = greatest(s.next_at, clock_timestamp()) + make_interval(secs => ${seconds})
    returning extract(epoch from (s.next_at - clock_timestamp())) * 1000 - ${seconds * 1000} as wait_ms
  `.execute(db);
  return Math.max(0, Number(rows[0]!.wait_ms));
}
