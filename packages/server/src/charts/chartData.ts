import { type Kysely, type RawBuilder, sql } from 'kysely';
import { filterConditions, RISK_TIERS } from '../campaigns/audience.ts';
import { MAIN_SEGMENTATION, segmentOf } from '../runs/segmentations.ts';
import type { Database } from '../store/schema.ts';
import { ChartFieldError, ChartFields } from './chartFields.ts';
import type { ChartSpec } from './chartSpec.ts';

/** Bars and heat-map rows/columns shown at most (the most frequent first; the rest said as cut). */
export const MAX_CATEGORIES = 50;

export interface Bin {
  from: number;
  to: number;
}

/** What a chart draws, computed from the run's customers; one shape per kind. */
export type ChartData =
  | { kind: 'histogram'; bins: Bin[]; series: { segment: number; counts: number[] }[] }
  | {
      kind: 'box';
      boxes: {
        segment: number;
        count: number;
        min: number;
        q1: number;
        median: number;
        q3: number;
        max: number;
      }[];
    }
  | {
      kind: 'bar';
      bars: { label: string | null; value: number | null; count: number }[];
      truncated: boolean;
    }
  | { kind: 'scatter'; total: number; points: { x: number; y: number; segment: number }[] }
  | {
      kind: 'heatmap';
      x: (string | null)[];
      y: (string | null)[];
      cells: { x: number; y: number; count: number }[];
      truncated: boolean;
    }
  | { kind: 'line'; points: { month: string; value: number | null; count: number }[] };

interface Input {
  orgId: string;
  datasetId: string;
  runId: string;
  spec: ChartSpec;
  /** The segmentation `segment` means: 'main' (the default) or another of the run's, the team's choice. */
  segmentation?: string;
}

/** The run's customers the spec keeps (segments, then the audience filter): aliases r and c. */
function selection(input: Input): RawBuilder<unknown> {
  const conditions = [
    sql`r.org_id = ${input.orgId}`,
    sql`r.run_id = ${input.runId}`,
    ...filterConditions(input.spec.filter ?? {}),
  ];
  if (input.spec.segments?.length) conditions.push(sql`r.segment in (${sql.join(input.spec.segments)})`);
  // Another segmentation: the same rows, each customer's segment taken from it.
  const results =
    input.segmentation === undefined || input.segmentation === MAIN_SEGMENTATION
      ? sql`customer_results`
      : sql`(select r0.org_id, r0.run_id, r0.customer_id, ${segmentOf(input.segmentation, 'r0')} as segment,
          r0.churn_probability, r0.risk_tier, r0.reasons, r0.insider
          from customer_results r0 where r0.org_id = ${input.orgId} and r0.run_id = ${input.runId})`;
  return sql`from ${results} r
    join customers c on c.org_id = r.org_id and c.dataset_id = ${input.datasetId} and c.customer_id = r.customer_id
    where ${sql.join(conditions, sql` and `)}`;
}

/** The bin (1..n) of x between lo and hi; the same arithmetic as `binOf` below. */
function binExpr(x: RawBuilder<unknown>, lo: number, hi: number, n: number): RawBuilder<number> {
  if (hi === lo) return sql`(case when ${x} is not null then 1 end)`;
  return sql`least(floor((${x} - ${lo}::float8) / (${hi}::float8 - ${lo}::float8) * ${n}::float8)::int + 1, ${n}::int)`;
}

/** Equal-width bins from lo to hi (one when they are equal). */
export function binsOf(lo: number, hi: number, n: number): Bin[] {
  if (hi === lo) return [{ from: lo, to: hi }];
  return Array.from({ length: n }, (_, i) => ({
    from: lo + ((hi - lo) * i) / n,
    to: lo + ((hi - lo) * (i + 1)) / n,
  }));
}

async function bounds(
  db: Kysely<Database>,
  input: Input,
  x: RawBuilder<unknown>,
): Promise<{ lo: number; hi: number } | null> {
  const { rows } = await sql<{ lo: number | null; hi: number | null }>`
    select min(${x}) as lo, max(${x}) as hi ${selection(input)}`.execute(db);
  const r = rows[0];
  return r && r.lo !== null && r.hi !== null ? { lo: Number(r.lo), hi: Number(r.hi) } : null;
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Categories in a reader's order: segments by number, risk tiers low to critical, others by size. */
function categoryOrder(field: string): (a: string | null, b: string | null) => number {
  if (field === 'segment') return (a, b) => Number(a) - Number(b);
  if (field === 'risk_tier') {
    const rank = (t: string | null) => {
      const i = RISK_TIERS.indexOf(t as (typeof RISK_TIERS)[number]);
      return i < 0 ? RISK_TIERS.length : i;
    };
    return (a, b) => rank(a) - rank(b);
  }
  return () => 0;
}

/**
 * A chart's data from the dataset's run, in SQL over customer_results and customers (so a saved
 * chart shows the newest published run). Throws ChartFieldError naming a field it cannot use.
 */
export async function chartData(db: Kysely<Database>, input: Input): Promise<ChartData> {
  const fields = new ChartFields(db, input.orgId, input.datasetId);
  const spec = input.spec;
  const from = selection(input);
  switch (spec.kind) {
    case 'histogram': {
      const x = await fields.numeric(spec.field, 'field');
      const b = await bounds(db, input, x);
      if (!b) return { kind: 'histogram', bins: [], series: [] };
      const bins = binsOf(b.lo, b.hi, spec.bins);
      const { rows } = await sql<{ segment: number; bin: number; n: number }>`
        select segment, bin, count(*) as n from (
          select r.segment as segment, ${binExpr(x, b.lo, b.hi, spec.bins)} as bin ${from} and ${x} is not null
        ) v group by segment, bin order by segment, bin`.execute(db);
      const series = new Map<number, number[]>();
      for (const r of rows) {
        const s = num(r.segment);
        let counts = series.get(s);
        if (!counts) {
          counts = new Array<number>(bins.length).fill(0);
          series.set(s, counts);
        }
        counts[num(r.bin) - 1] = num(r.n);
      }
      return {
        kind: 'histogram',
        bins,
        series: [...series].map(([segment, counts]) => ({ segment, counts })),
      };
    }
    case 'box': {
      const x = await fields.numeric(spec.field, 'field');
      const { rows } = await sql<Record<string, unknown>>`
        select s, count(*) as n, min(x) as min, max(x) as max,
          percentile_cont(0.25) within group (order by x) as q1,
          percentile_cont(0.5) within group (order by x) as median,
          percentile_cont(0.75) within group (order by x) as q3
        from (select r.segment as s, ${x} as x ${from}) v where x is not null group by s order by s`.execute(
        db,
      );
      return {
        kind: 'box',
        boxes: rows.map((r) => ({
          segment: num(r['s']),
          count: num(r['n']),
          min: num(r['min']),
          q1: num(r['q1']),
          median: num(r['median']),
          q3: num(r['q3']),
          max: num(r['max']),
        })),
      };
    }
    case 'bar': {
      const label = await fields.category(spec.category, 'category');
      if (spec.measure === 'mean' && spec.field === undefined)
        throw new ChartFieldError('the mean of which field? name a numeric field', 'field');
      const x = spec.measure === 'mean' ? await fields.numeric(spec.field!, 'field') : sql`null::float8`;
      const { rows } = await sql<{
        label: string | null;
        n: number;
        mean: number | null;
        churn: number | null;
      }>`
        select label, count(*) as n, avg(x) as mean, avg(p) as churn from (
          select ${label} as label, ${x} as x, r.churn_probability as p ${from}
        ) v group by label order by count(*) desc, label limit ${MAX_CATEGORIES + 1}`.execute(db);
      const bars = rows.slice(0, MAX_CATEGORIES).map((r) => ({
        label: r.label,
        count: num(r.n),
        value: spec.measure === 'count' ? num(r.n) : numOrNull(spec.measure === 'mean' ? r.mean : r.churn),
      }));
      bars.sort((a, b) => categoryOrder(spec.category)(a.label, b.label));
      return { kind: 'bar', bars, truncated: rows.length > MAX_CATEGORIES };
    }
    case 'scatter': {
      const x = await fields.numeric(spec.x, 'x');
      const y = await fields.numeric(spec.y, 'y');
      // A seeded hash of the id orders the customers: the same sample every time for one seed.
      const { rows } = await sql<{ segment: number; x: number; y: number; total: number }>`
        select segment, x, y, count(*) over () as total from (
          select r.segment as segment, ${x} as x, ${y} as y, r.customer_id as id ${from}
        ) v where x is not null and y is not null
        order by md5(${String(spec.seed)} || ':' || id), id limit ${spec.sample}`.execute(db);
      return {
        kind: 'scatter',
        total: rows.length ? num(rows[0]!.total) : 0,
        points: rows.map((r) => ({ x: num(r.x), y: num(r.y), segment: num(r.segment) })),
      };
    }
    case 'heatmap': {
      const axis = async (a: { field: string; bins?: number | undefined }, path: string) => {
        if (a.bins === undefined)
          return { expr: await fields.category(a.field, `${path}.field`), bins: null };
        const v = await fields.numeric(a.field, `${path}.field`);
        const b = (await bounds(db, input, v)) ?? { lo: 0, hi: 0 };
        return { expr: sql`(${binExpr(v, b.lo, b.hi, a.bins)})::text`, bins: binsOf(b.lo, b.hi, a.bins) };
      };
      const ax = await axis(spec.x, 'x');
      const ay = await axis(spec.y, 'y');
      const { rows } = await sql<{ x: string | null; y: string | null; n: number }>`
        select x, y, count(*) as n from (select ${ax.expr} as x, ${ay.expr} as y ${from}) v
        group by x, y`.execute(db);
      let truncated = false;
      const labels = (key: 'x' | 'y', a: typeof ax, field: string): (string | null)[] => {
        if (a.bins) return a.bins.map((_, i) => String(i + 1));
        const totals = new Map<string | null, number>();
        for (const r of rows) totals.set(r[key], (totals.get(r[key]) ?? 0) + num(r.n));
        const kept = [...totals].sort((p, q) => q[1] - p[1]).map(([l]) => l);
        if (kept.length > MAX_CATEGORIES) truncated = true;
        return kept.slice(0, MAX_CATEGORIES).sort(categoryOrder(field));
      };
      // A binned axis leaves out customers with no value (their bin is null); a category keeps them.
      const xs = labels('x', ax, spec.x.field);
      const ys = labels('y', ay, spec.y.field);
      const xi = new Map(xs.map((l, i) => [l, i]));
      const yi = new Map(ys.map((l, i) => [l, i]));
      const cells: { x: number; y: number; count: number }[] = [];
      for (const r of rows) {
        const i = xi.get(r.x);
        const j = yi.get(r.y);
        if (i !== undefined && j !== undefined) cells.push({ x: i, y: j, count: num(r.n) });
      }
      cells.sort((p, q) => p.x - q.x || p.y - q.y);
      const named = (a: typeof ax, ls: (string | null)[]) =>
        a.bins ? a.bins.map((b) => `${round(b.from)}–${round(b.to)}`) : ls;
      return { kind: 'heatmap', x: named(ax, xs), y: named(ay, ys), cells, truncated };
    }
    case 'line': {
      const month = await fields.date(spec.date, 'date');
      if (spec.measure === 'mean' && spec.field === undefined)
        throw new ChartFieldError('the mean of which field? name a numeric field', 'field');
      const x = spec.measure === 'mean' ? await fields.numeric(spec.field!, 'field') : sql`null::float8`;
      const { rows } = await sql<{ month: string; n: number; mean: number | null }>`
        select month, count(*) as n, avg(x) as mean from (select ${month} as month, ${x} as x ${from}) v
        where month is not null group by month order by month`.execute(db);
      return {
        kind: 'line',
        points: rows.map((r) => ({
          month: r.month,
          count: num(r.n),
          value: spec.measure === 'count' ? num(r.n) : numOrNull(r.mean),
        })),
      };
    }
  }
}

/** A bin edge for a label: a few significant digits. */
function round(v: number): string {
  return String(Number(v.toPrecision(3)));
}
