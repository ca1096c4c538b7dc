import { type Kysely, type RawBuilder, sql } from 'kysely';
import { MAIN_SEGMENTATION, runReportOf, segmentationOf, segmentOf } from '../runs/segmentations.ts';
import type { Database } from '../store/schema.ts';
import type { ChannelKind } from './types.ts';

export const RISK_TIERS = ['Low', 'Moderate', 'High', 'Critical'] as const;
export const FIELD_OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in'] as const;

/** Who a campaign addresses: every part narrows; an empty filter is every customer of the run. */
export interface AudienceFilter {
  /** The segmentation `segments` (and each member's segment) refer to: 'main' or another of the run's; the team's choice when made through the API. */
  segmentation?: string;
  segments?: number[];
  riskTiers?: (typeof RISK_TIERS)[number][];
  stores?: string[];
  locations?: string[];
  insiders?: boolean;
  /** Conditions on the file's other columns (customers.attributes). */
  fields?: {
    field: string;
    op: (typeof FIELD_OPS)[number];
    value: string | number | boolean | (string | number)[];
  }[];
}

/** One customer of an audience, with what personalises the message. */
export interface AudienceMember {
  customerId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  store: string | null;
  location: string | null;
  segment: number;
  riskTier: string | null;
  churnProbability: number | null;
  insider: boolean;
  attributes: Record<string, unknown>;
}

/** The audience's size and who is left out, and why. */
export interface AudienceCounts {
  /** Customers who will receive the message (opted-out and unreachable left out). */
  count: number;
  optedOut: number;
  /** Not opted out, but without an address for the channel (e-mail, or a phone number). */
  missingContact: number;
}

/** The dataset's published run, or undefined when it has none. */
export async function publishedRunOf(
  db: Kysely<Database>,
  orgId: string,
  datasetId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('published_results')
    .select('run_id')
    .where('org_id', '=', orgId)
    .where('dataset_id', '=', datasetId)
    .executeTakeFirst();
  return row?.run_id;
}

/** The SQL condition "this customer can be reached on the channel". */
function contactCondition(channel: ChannelKind): RawBuilder<boolean> {
  return channel === 'email'
    ? sql<boolean>`(c.email is not null and position('@' in c.email) > 1)`
    : sql<boolean>`(c.phone is not null and length(trim(c.phone)) >= 6)`;
}

/** An attribute as a number when it reads as one, else null (a cast never fails on text). */
export function numericAttribute(field: string): RawBuilder<number | null> {
  return sql`(case when jsonb_typeof(c.attributes -> ${field}) = 'number' then (c.attributes ->> ${field})::float8
    when (c.attributes ->> ${field}) ~ '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*$' then (c.attributes ->> ${field})::float8 end)`;
}

const NUMERIC_OPS = { lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

/** The filter's conditions over `r` (customer_results) and `c` (customers). */
export function filterConditions(filter: AudienceFilter): RawBuilder<unknown>[] {
  const parts: RawBuilder<unknown>[] = [];
  if (filter.segments?.length) {
    parts.push(sql`${segmentOf(filter.segmentation)} in (${sql.join(filter.segments)})`);
  }
  if (filter.riskTiers?.length) parts.push(sql`r.risk_tier in (${sql.join(filter.riskTiers)})`);
  if (filter.stores?.length) parts.push(sql`c.store in (${sql.join(filter.stores)})`);
  if (filter.locations?.length) parts.push(sql`c.location in (${sql.join(filter.locations)})`);
  if (filter.insiders !== undefined) parts.push(sql`r.insider = ${filter.insiders}`);
  for (const f of filter.fields ?? []) {
    const text = sql`(c.attributes ->> ${f.field})`;
    if (f.op === 'in') {
      const values = (Array.isArray(f.value) ? f.value : [f.value]).map(String);
      parts.push(values.length ? sql`${text} in (${sql.join(values)})` : sql`false`);
    } else if (f.op === 'eq' || f.op === 'ne') {
      const v = String(Array.isArray(f.value) ? f.value[0] : f.value);
      // A number compares as a number (5 matches 5.0); anything else as its text.
      const same =
        typeof f.value === 'number' ? sql`${numericAttribute(f.field)} = ${f.value}` : sql`${text} = ${v}`;
      parts.push(f.op === 'eq' ? sql`coalesce(${same}, false)` : sql`not coalesce(${same}, false)`);
    } else {
      const v = Number(Array.isArray(f.value) ? f.value[0] : f.value);
      parts.push(sql`${numericAttribute(f.field)} ${sql.raw(NUMERIC_OPS[f.op])} ${v}`);
    }
  }
  return parts;
}

/** The customers of a run that a filter selects, as a from/where clause (aliases r, c, o). */
function audienceFrom(orgId: string, datasetId: string, runId: string, filter: AudienceFilter) {
  const conditions = [sql`r.org_id = ${orgId}`, sql`r.run_id = ${runId}`, ...filterConditions(filter)];
  return sql`from customer_results r
    join customers c on c.org_id = r.org_id and c.dataset_id = ${datasetId} and c.customer_id = r.customer_id
    left join opt_outs o on o.org_id = r.org_id and o.customer_id = r.customer_id
    where ${sql.join(conditions, sql` and `)}`;
}

/** How many customers the filter reaches on the channel, and how many it leaves out and why. */
export async function audienceCounts(
  db: Kysely<Database>,
  input: { orgId: string; datasetId: string; runId: string; channel: ChannelKind; filter: AudienceFilter },
): Promise<AudienceCounts> {
  const contact = contactCondition(input.channel);
  const { rows } = await sql<{ count: number; opted_out: number; missing: number }>`
    select count(*) filter (where o.customer_id is null and ${contact}) as count,
      count(*) filter (where o.customer_id is not null) as opted_out,
      count(*) filter (where o.customer_id is null and not ${contact}) as missing
    ${audienceFrom(input.orgId, input.datasetId, input.runId, input.filter)}
  `.execute(db);
  const row = rows[0]!;
  return { count: Number(row.count), optedOut: Number(row.opted_out), missingContact: Number(row.missing) };
}

/**
 * The customers the filter reaches on the channel (opted-out and unreachable ones left out),
 * the riskiest first; `limit` for a preview, none for the whole audience (frozen at send).
 */
export async function audienceMembers(
  db: Kysely<Database>,
  input: {
    orgId: string;
    datasetId: string;
    runId: string;
    channel: ChannelKind;
    filter: AudienceFilter;
    limit?: number;
  },
): Promise<AudienceMember[]> {
  const { rows } = await sql<{
    customer_id: string;
    name: string | null;
    email: string | null;
    phone: string | null;
    store: string | null;
    location: string | null;
    segment: number;
    risk_tier: string | null;
    churn_probability: number | null;
    insider: boolean;
    attributes: Record<string, unknown>;
  }>`
    select r.customer_id, c.name, c.email, c.phone, c.store, c.location,
      ${segmentOf(input.filter.segmentation)} as segment, r.risk_tier,
      r.churn_probability, r.insider, c.attributes
    ${audienceFrom(input.orgId, input.datasetId, input.runId, input.filter)}
      and o.customer_id is null and ${contactCondition(input.channel)}
    order by r.churn_probability desc nulls last, r.customer_id
    ${input.limit === undefined ? sql`` : sql`limit ${input.limit}`}
  `.execute(db);
  return rows.map((r) => ({
    customerId: r.customer_id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    store: r.store,
    location: r.location,
    segment: r.segment,
    riskTier: r.risk_tier,
    churnProbability: r.churn_probability,
    insider: r.insider,
    attributes: r.attributes ?? {},
  }));
}

/**
 * The names of the segments of a run's segmentation ('main' unless given) as these teams see
 * them: a team's own name where one of them gave one (F3), else the run's suggestion, else
 * "Segment n".
 */
export async function segmentNamesOf(
  db: Kysely<Database>,
  orgId: string,
  runId: string,
  teamIds: readonly string[],
  segmentation: string = MAIN_SEGMENTATION,
): Promise<Map<number, { name: string; description: string }>> {
  const report = await runReportOf(db, orgId, runId);
  const names = new Map<number, { name: string; description: string }>();
  const segments = report ? segmentationOf(report, segmentation)?.segments : undefined;
  for (const s of segments ?? []) names.set(s.id, { name: s.name, description: s.description });
  if (teamIds.length > 0) {
    const own = await db
      .selectFrom('segment_names')
      .select(['segment_id', 'name', 'description'])
      .where('org_id', '=', orgId)
      .where('run_id', '=', runId)
      .where('segmentation', '=', segmentation)
      .where('team_id', 'in', teamIds)
      .orderBy('updated_at')
      .execute();
    for (const n of own) names.set(Number(n.segment_id), { name: n.name, description: n.description });
  }
  return names;
}

/** A segment's name from a table made by segmentNamesOf. */
export function segmentName(names: Map<number, { name: string }>, segment: number): string {
  return names.get(segment)?.name ?? `Segment ${segment}`;
}
