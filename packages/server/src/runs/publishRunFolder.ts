import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDB, quoteIdent } from '@clientele/analytics';
import { type Kysely, sql } from 'kysely';
import { publishRun, writeRunResult } from '../store/repos/results.ts';
import type { Database, JsonValue } from '../store/schema.ts';

const CHUNK = 10_000;

/** The JSON files of a run folder kept as results, by key. */
const JSON_RESULTS: Record<string, string> = {
  report: 'run.json',
  manifest: 'manifest.json',
  segmentation: 'segmentation.json',
  segments: 'segments.json',
  churn: 'churn.json',
};

interface CustomerResultColumns {
  customerId: string[];
  segment: number[];
  probability: (number | null)[];
  tier: (string | null)[];
  reasons: (string | null)[];
  insider: boolean[];
  /** Each customer's segment in the run's other segmentations (segmentations.csv), one entry per pair. */
  others: { segmentation: string[]; customerId: string[]; segment: number[] };
}

/** Reads assignments, scores and Insiders of a run folder as one row per customer (DuckDB joins the CSVs). */
async function readCustomerResults(folder: string): Promise<CustomerResultColumns> {
  const db = await openDuckDB();
  try {
    const csv = (name: string): string =>
      `read_csv(${`'${join(folder, name).replaceAll("'", "''")}'`}, header = true, all_varchar = true)`;
    // One row per customer and run: a repeated id (duplicate rows left in by a cleaning plan, or
    // a file whose ids repeat) is said in words rather than as the store's key violation.
    const repeated = (
      await db.runAndReadAll(
        `SELECT customer_id, count(*) FROM ${csv('assignments.csv')} GROUP BY customer_id HAVING count(*) > 1 ORDER BY 2 DESC, 1 LIMIT 1`,
      )
    ).getRows()[0];
    if (repeated) {
      throw new Error(
        `customer id "${String(repeated[0])}" appears ${Number(repeated[1])} times in the results: the file has repeated rows or ids; keep drop_duplicates in the cleaning plan, or give each customer one row`,
      );
    }
    const hasScores = existsSync(join(folder, 'scores.csv'));
    const hasInsiders = existsSync(join(folder, 'insiders.csv'));
    let reasonCount = 0;
    if (hasScores) {
      const cols = (await db.runAndReadAll(`DESCRIBE SELECT * FROM ${csv('scores.csv')}`))
        .getRows()
        .map((r) => String(r[0]));
      while (cols.includes(`reason_${reasonCount + 1}_feature`)) reasonCount++;
    }
    const reasons =
      reasonCount === 0
        ? 'NULL'
        : `to_json(list_filter([${Array.from({ length: reasonCount }, (_, q) => {
            const c = (what: string): string => `s.${quoteIdent(`reason_${q + 1}_${what}`)}`;
            return `CASE WHEN ${c('feature')} IS NULL THEN NULL ELSE {'feature': ${c('feature')}, 'value': coalesce(${c('value')}, ''), 'contribution': CAST(${c('contribution')} AS DOUBLE)} END`;
          }).join(', ')}], x -> x IS NOT NULL))::VARCHAR`;
    const rows = (
      await db.runAndReadAll(`
        SELECT a.customer_id, CAST(a.segment AS INTEGER),
          ${hasScores ? 'TRY_CAST(s.churn_probability AS DOUBLE), s.risk_tier' : 'NULL, NULL'},
          ${hasScores ? reasons : 'NULL'},
          ${hasInsiders ? 'i.customer_id IS NOT NULL' : 'false'}
        FROM ${csv('assignments.csv')} a
        ${hasScores ? `LEFT JOIN ${csv('scores.csv')} s ON s.customer_id = a.customer_id` : ''}
        ${hasInsiders ? `LEFT JOIN (SELECT DISTINCT customer_id FROM ${csv('insiders.csv')}) i ON i.customer_id = a.customer_id` : ''}
      `)
    ).getRows();
    const out: CustomerResultColumns = {
      customerId: [],
      segment: [],
      probability: [],
      tier: [],
      reasons: [],
      insider: [],
      others: { segmentation: [], customerId: [], segment: [] },
    };
    for (const r of rows) {
      out.customerId.push(String(r[0]));
      out.segment.push(Number(r[1]));
      out.probability.push(r[2] === null ? null : Number(r[2]));
      out.tier.push(r[3] === null ? null : String(r[3]));
      out.reasons.push(r[4] === null || r[4] === '[]' ? null : String(r[4]));
      out.insider.push(Boolean(r[5]));
    }
    if (existsSync(join(folder, 'segmentations.csv'))) {
      const pairs = (
        await db.runAndReadAll(`
          SELECT segmentation, customer_id, CAST(segment AS INTEGER)
          FROM (UNPIVOT ${csv('segmentations.csv')} ON COLUMNS(* EXCLUDE customer_id) INTO NAME segmentation VALUE segment)
        `)
      ).getRows();
      for (const r of pairs) {
        out.others.segmentation.push(String(r[0]));
        out.others.customerId.push(String(r[1]));
        out.others.segment.push(Number(r[2]));
      }
    }
    return out;
  } finally {
    db.closeSync();
  }
}

/**
 * Publishes a finished run folder in one transaction: its JSON results, one row per customer
 * (segment, churn probability, tier, reasons, Insider), who entered and left the Insiders since
 * the dataset's previously published run, the dataset's published pointer and the run's status.
 * Readers see the previous version or this one, never a part. Returns the published version.
 */
export async function publishRunFolder(
  db: Kysely<Database>,
  input: { orgId: string; datasetId: string; runId: string; folder: string; publishedBy: string | null },
): Promise<number> {
  const { orgId, datasetId, runId, folder } = input;
  const customers = await readCustomerResults(folder);
  return db.transaction().execute(async (tx) => {
    for (const [key, file] of Object.entries(JSON_RESULTS)) {
      const path = join(folder, file);
      if (!existsSync(path)) continue;
      await writeRunResult(tx, {
        orgId,
        runId,
        key,
        data: JSON.parse(readFileSync(path, 'utf8')) as JsonValue,
      });
    }
    const n = customers.customerId.length;
    for (let start = 0; start < n; start += CHUNK) {
      const part = <T>(values: T[]): T[] => values.slice(start, start + CHUNK);
      await sql`
        insert into customer_results (org_id, run_id, customer_id, segment, churn_probability, risk_tier, reasons, insider)
        select ${orgId}, ${runId}, u.customer_id, u.segment, u.p, u.tier, u.reasons::jsonb, u.insider
        from unnest(
          ${part(customers.customerId)}::text[], ${part(customers.segment)}::integer[],
          ${part(customers.probability)}::double precision[], ${part(customers.tier)}::text[],
          ${part(customers.reasons)}::text[], ${part(customers.insider)}::boolean[]
        ) as u(customer_id, segment, p, tier, reasons, insider)
      `.execute(tx);
    }
    const o = customers.others;
    for (let start = 0; start < o.customerId.length; start += CHUNK) {
      const part = <T>(values: T[]): T[] => values.slice(start, start + CHUNK);
      await sql`
        insert into customer_segments (org_id, run_id, segmentation, customer_id, segment)
        select ${orgId}, ${runId}, u.segmentation, u.customer_id, u.segment
        from unnest(
          ${part(o.segmentation)}::text[], ${part(o.customerId)}::text[], ${part(o.segment)}::integer[]
        ) as u(segmentation, customer_id, segment)
      `.execute(tx);
    }
    // The Insiders' membership history: against the run published until now, if any.
    const previous = await tx
      .selectFrom('published_results')
      .select('run_id')
      .where('org_id', '=', orgId)
      .where('dataset_id', '=', datasetId)
      .executeTakeFirst();
    if (previous && customers.insider.some((v) => v)) {
      await sql`
        insert into insider_changes (org_id, dataset_id, run_id, customer_id, change)
        select ${orgId}, ${datasetId}, ${runId}, coalesce(n.customer_id, o.customer_id),
               case when o.customer_id is null then 'entered' else 'left' end
        from (select customer_id from customer_results where run_id = ${runId} and insider) n
        full join (select customer_id from customer_results where run_id = ${previous.run_id} and insider) o
          on o.customer_id = n.customer_id
        where n.customer_id is null or o.customer_id is null
      `.execute(tx);
    }
    // Segments keep their ids across runs (analyze matches them to the previous run's, in every
    // segmentation), so the teams' own names carry over to the new version for the segments it still has.
    if (previous) {
      await sql`
        insert into segment_names (id, org_id, run_id, segmentation, segment_id, team_id, name, description, updated_by, updated_at)
        select gen_random_uuid()::text, org_id, ${runId}, segmentation, segment_id, team_id, name, description, updated_by, updated_at
        from segment_names n
        where run_id = ${previous.run_id}
          and ((n.segmentation = 'main'
                and segment_id in (select distinct segment::text from customer_results where run_id = ${runId}))
            or (n.segmentation <> 'main' and exists (
                select 1 from customer_segments cs
                where cs.run_id = ${runId} and cs.segmentation = n.segmentation and cs.segment::text = n.segment_id)))
      `.execute(tx);
    }
    const version = await publishRun(tx, { orgId, datasetId, runId, publishedBy: input.publishedBy });
    await tx
      .updateTable('runs')
      .set((eb) => ({
        status: 'succeeded',
        progress: 1,
        step: 'published',
        finished_at: new Date(),
        updated_at: new Date(),
        version: eb('version', '+', 1),
        // In the same transaction: whoever sees the run succeeded sees this line too.
        log: sql<string>`log || ${`${new Date().toISOString()} published as version ${version}\n`}`,
      }))
      .where('org_id', '=', orgId)
      .where('id', '=', runId)
      .execute();
    return version;
  });
}
