import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../duckdb.ts';

export type TimeUnit = 'day' | 'week';

/** Days in one time unit. */
export const DAYS_PER_UNIT: Record<TimeUnit, number> = { day: 1, week: 7 };

/**
 * What the BG/NBD and Gamma-Gamma models read per customer, in one time unit, measured at the end
 * of day `end`: frequency x (purchase days after the first), recency t_x (first to last purchase
 * day), age T (first purchase day to `end`) and the mean spend of the repeat purchase days (the
 * first day is left out, as Fader & Hardie's Gamma-Gamma note does; 0 when x = 0).
 */
export interface CustomerSummary {
  ids: string[];
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  monetaryValue: Float64Array;
  /** Spend over every purchase day up to `end`, first included. */
  totalSpend: Float64Array;
  /** The last day observed (inclusive), YYYY-MM-DD. */
  end: string;
  timeUnit: TimeUnit;
}

/**
 * Summarises the purchase days (see buildPurchaseDays) of the customers whose first purchase is on
 * or before `end`, ordered by customer id. Days after `end` are not looked at.
 */
export async function summariseCustomers(
  db: DuckDBConnection,
  daysTable: string,
  end: string,
  timeUnit: TimeUnit,
): Promise<CustomerSummary> {
  const unit = DAYS_PER_UNIT[timeUnit];
  const endLit = `DATE ${quoteLiteral(end)}`;
  const reader = await db.runAndReadAll(`
    WITH d AS (SELECT * FROM ${quoteIdent(daysTable)} WHERE day <= ${endLit}),
    c AS (
      SELECT customer_id, count(*) - 1 AS x, min(day) AS first_day, max(day) AS last_day,
        sum(spend) AS total, arg_min(spend, day) AS first_spend
      FROM d GROUP BY customer_id
    )
    SELECT customer_id,
      CAST(x AS DOUBLE),
      date_diff('day', first_day, last_day) / ${unit}.0,
      date_diff('day', first_day, ${endLit}) / ${unit}.0,
      CASE WHEN x > 0 THEN (total - first_spend) / x ELSE 0 END,
      total
    FROM c ORDER BY customer_id`);
  const rows = reader.getRows();
  const n = rows.length;
  const s: CustomerSummary = {
    ids: new Array<string>(n),
    frequency: new Float64Array(n),
    recency: new Float64Array(n),
    T: new Float64Array(n),
    monetaryValue: new Float64Array(n),
    totalSpend: new Float64Array(n),
    end,
    timeUnit,
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    s.ids[i] = String(r[0]);
    s.frequency[i] = Number(r[1]);
    s.recency[i] = Number(r[2]);
    s.T[i] = Number(r[3]);
    s.monetaryValue[i] = Number(r[4]);
    s.totalSpend[i] = Number(r[5]);
  }
  return s;
}

/** Purchase days and spend per customer (in `ids` order) in the period after `after` through `through`. */
export async function periodPurchases(
  db: DuckDBConnection,
  daysTable: string,
  ids: string[],
  after: string,
  through: string,
): Promise<{ purchases: Float64Array; spend: Float64Array }> {
  const reader = await db.runAndReadAll(`
    SELECT customer_id, CAST(count(*) AS DOUBLE), sum(spend)
    FROM ${quoteIdent(daysTable)}
    WHERE day > DATE ${quoteLiteral(after)} AND day <= DATE ${quoteLiteral(through)}
    GROUP BY customer_id`);
  const index = new Map(ids.map((id, i) => [id, i]));
  const purchases = new Float64Array(ids.length);
  const spend = new Float64Array(ids.length);
  for (const r of reader.getRows()) {
    const i = index.get(String(r[0]));
    if (i === undefined) continue;
    purchases[i] = Number(r[1]);
    spend[i] = Number(r[2]);
  }
  return { purchases, spend };
}
