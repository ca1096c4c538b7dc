import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../duckdb.ts';
import { InputError } from '../errors.ts';

/** Net revenue per calendar month, in total or per segment, over whole months only. */
export interface MonthlyRevenue {
  /** YYYY-MM, consecutive (a month without sales is there with 0). */
  months: string[];
  /** 'all', then each segment when segments are given. */
  series: { name: string; revenue: Float64Array; customers: number }[];
  /** Months at either end left out because the data covers them only in part. */
  partial: { month: string; firstDay: string; lastDay: string }[];
  /** Rows with a customer the segment file does not list (their revenue counts in 'all' only). */
  rowsWithoutSegment: number;
}

/**
 * Sums the log's spend per calendar month (returns subtract), from `lines` (a SELECT of
 * customer_id, day, spend, see valueLines). Rows without a customer count in the total: revenue
 * is revenue. A first or last month the data covers only in part (the log starts after the 1st or
 * stops before the month's end) is left out and reported, since a half month would read as a
 * collapse in sales. `segments` names a table (customer_id VARCHAR, segment VARCHAR) for one
 * series per segment besides the total.
 *
 * Throws InputError NO_DATA_ROWS when no whole month remains.
 */
export async function monthlyRevenue(
  db: DuckDBConnection,
  lines: string,
  segments?: string,
): Promise<MonthlyRevenue> {
  const span = (
    await db.runAndReadAll(`
      WITH l AS (${lines})
      SELECT CAST(min(day) AS VARCHAR), CAST(max(day) AS VARCHAR) FROM l WHERE day IS NOT NULL AND spend IS NOT NULL`)
  ).getRows()[0]!;
  if (span[0] === null) throw new InputError('NO_DATA_ROWS', 'no row has both a date and a spend');
  const first = String(span[0]);
  const last = String(span[1]);
  const partial: MonthlyRevenue['partial'] = [];
  let from = first.slice(0, 7);
  let to = last.slice(0, 7);
  if (!first.endsWith('-01')) {
    partial.push({ month: from, firstDay: first, lastDay: from === to ? last : monthEnd(from) });
    from = nextMonth(from);
  }
  if (last !== monthEnd(to) && to >= from) {
    partial.push({ month: to, firstDay: first > `${to}-01` ? first : `${to}-01`, lastDay: last });
    to = previousMonth(to);
  }
  if (to < from) {
    throw new InputError(
      'NO_DATA_ROWS',
      `the data runs from ${first} to ${last}: no whole calendar month to forecast from`,
      { first, last },
    );
  }
  const months: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) months.push(m);
  const index = new Map(months.map((m, i) => [m, i]));

  const segmentSql = segments
    ? `LEFT JOIN ${quoteIdent(segments)} s ON s.customer_id = l.customer_id`
    : 'LEFT JOIN (SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS segment) s ON false';
  const reader = await db.runAndReadAll(`
    WITH l AS (${lines})
    SELECT strftime(day, '%Y-%m') AS month, s.segment, sum(spend),
      CAST(count(*) FILTER (WHERE l.customer_id IS NOT NULL AND s.segment IS NULL) AS DOUBLE)
    FROM l ${segmentSql}
    WHERE day IS NOT NULL AND spend IS NOT NULL
      AND day >= DATE '${from}-01' AND day <= DATE '${monthEnd(to)}'
    GROUP BY ALL`);
  const byName = new Map<string, Float64Array>([['all', new Float64Array(months.length)]]);
  let rowsWithoutSegment = 0;
  for (const [month, segment, revenue, noSegment] of reader.getRows()) {
    const i = index.get(String(month))!;
    byName.get('all')![i]! += Number(revenue);
    rowsWithoutSegment += Number(noSegment);
    if (segment === null) continue;
    const name = String(segment);
    if (!byName.has(name)) byName.set(name, new Float64Array(months.length));
    byName.get(name)![i]! += Number(revenue);
  }
  const customers = await customersPerSeries(db, lines, segmentSql, from, to);
  const names = ['all', ...[...byName.keys()].filter((n) => n !== 'all').sort()];
  return {
    months,
    series: names.map((name) => ({ name, revenue: byName.get(name)!, customers: customers.get(name) ?? 0 })),
    partial,
    rowsWithoutSegment: segments ? rowsWithoutSegment : 0,
  };
}

async function customersPerSeries(
  db: DuckDBConnection,
  lines: string,
  segmentSql: string,
  from: string,
  to: string,
): Promise<Map<string, number>> {
  const reader = await db.runAndReadAll(`
    WITH l AS (${lines})
    SELECT coalesce(s.segment, '') AS segment, CAST(count(DISTINCT l.customer_id) AS DOUBLE)
    FROM l ${segmentSql}
    WHERE day >= DATE '${from}-01' AND day <= DATE '${monthEnd(to)}' AND spend IS NOT NULL
    GROUP BY ROLLUP (coalesce(s.segment, ''))`);
  const out = new Map<string, number>();
  for (const [segment, n] of reader.getRows()) {
    if (segment === null) out.set('all', Number(n));
    else if (segment !== '') out.set(String(segment), Number(n));
  }
  return out;
}

function nextMonth(m: string): string {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

function previousMonth(m: string): string {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`;
}

function monthEnd(m: string): string {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, mo, 0));
  return d.toISOString().slice(0, 10);
}
