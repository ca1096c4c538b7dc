import { type Kysely, sql } from 'kysely';
import type { Customer, Database, JsonObject } from '../schema.ts';

/** One customer as a dataset import hands it over. */
export interface CustomerRow {
  customerId: string;
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  location?: string | null;
  store?: string | null;
  attributes?: JsonObject;
}

/** Rows per insert statement: one array parameter per column, so the size is bounded by memory alone. */
const CHUNK = 10_000;

/**
 * Customers column by column, as an import reads them: `attributes` holds each customer's
 * attributes already as JSON text (an object, trusted to be valid JSON: it is spliced into one
 * JSON array per statement), so a million rows are never parsed and re-serialised in JavaScript.
 */
export interface CustomerColumns {
  customerId: string[];
  name: (string | null)[];
  phone: (string | null)[];
  email: (string | null)[];
  location: (string | null)[];
  store: (string | null)[];
  attributes: string[];
}

/**
 * Adds customers to a dataset in chunks of 10,000, each one `insert ... select from unnest(...)`
 * with one array parameter per column (a few parameters, however many rows). Returns the count.
 * Not a transaction by itself: pass a transaction for all-or-nothing.
 */
export async function insertCustomers(
  db: Kysely<Database>,
  orgId: string,
  datasetId: string,
  rows: readonly CustomerRow[],
): Promise<number> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const col = (pick: (r: CustomerRow) => string | null | undefined) => chunk.map((r) => pick(r) ?? null);
    await insertCustomerColumns(db, orgId, datasetId, {
      customerId: chunk.map((r) => r.customerId),
      name: col((r) => r.name),
      phone: col((r) => r.phone),
      email: col((r) => r.email),
      location: col((r) => r.location),
      store: col((r) => r.store),
      attributes: chunk.map((r) => JSON.stringify(r.attributes ?? {})),
    });
  }
  return rows.length;
}

/**
 * Adds customers given column by column (all arrays of one length), in chunks of 10,000 rows per
 * `insert ... select from unnest(...)`. Returns the count. Not a transaction by itself.
 */
export async function insertCustomerColumns(
  db: Kysely<Database>,
  orgId: string,
  datasetId: string,
  cols: CustomerColumns,
): Promise<number> {
  const n = cols.customerId.length;
  for (const [key, values] of Object.entries(cols)) {
    if (values.length !== n)
      throw new Error(`insertCustomerColumns: ${key} has ${values.length} values, not ${n}`);
  }
  for (let start = 0; start < n; start += CHUNK) {
    const part = <T>(values: T[]): T[] =>
      start === 0 && n <= CHUNK ? values : values.slice(start, start + CHUNK);
    // The attributes go as one JSON array, not a text[]: PostgreSQL reads a 10 MB json array
    // in a tenth of the time it takes to parse the same objects as an escaped array literal.
    await sql`
      insert into customers (org_id, dataset_id, customer_id, name, phone, email, location, store, attributes)
      select ${orgId}, ${datasetId}, u.customer_id, u.name, u.phone, u.email, u.location, u.store, u.attributes::jsonb
      from rows from (
        unnest(${part(cols.customerId)}::text[]), unnest(${part(cols.name)}::text[]),
        unnest(${part(cols.phone)}::text[]), unnest(${part(cols.email)}::text[]),
        unnest(${part(cols.location)}::text[]), unnest(${part(cols.store)}::text[]),
        json_array_elements(${`[${part(cols.attributes).join(',')}]`}::json)
      ) as u(customer_id, name, phone, email, location, store, attributes)
    `.execute(db);
  }
  return n;
}

/**
 * Lookout: a customer of this organisation by its id (through the (org_id, customer_id) index),
 * one row per dataset that holds it; `datasetId` narrows to one.
 */
export async function findCustomer(
  db: Kysely<Database>,
  orgId: string,
  customerId: string,
  datasetId?: string,
): Promise<Customer[]> {
  let q = customerLookup(db, orgId, customerId);
  if (datasetId !== undefined) q = q.where('dataset_id', '=', datasetId);
  return q.orderBy('dataset_id').execute();
}

/** The lookup query itself, for `findCustomer` and for EXPLAIN in the tests. */
export function customerLookup(db: Kysely<Database>, orgId: string, customerId: string) {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('customer_id', '=', customerId);
}

export async function countCustomers(
  db: Kysely<Database>,
  orgId: string,
  datasetId: string,
): Promise<number> {
  const row = await db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('dataset_id', '=', datasetId)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** One hit of a customer search: enough to pick the customer and open them. */
export interface CustomerHit {
  customerId: string;
  datasetId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  location: string | null;
  store: string | null;
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
function likePrefix(q: string): string {
  return `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Customers of the organisation whose id starts with `q` (as typed), or whose name or e-mail
 * starts with it (case-insensitive), ids first, then names, then e-mails; each part walks its own
 * prefix index (migration `0003_datasets`), so the search stays fast with millions of customers.
 */
export async function searchCustomers(
  db: Kysely<Database>,
  orgId: string,
  q: string,
  limit: number,
): Promise<CustomerHit[]> {
  const pattern = likePrefix(q);
  const lower = likePrefix(q.toLowerCase());
  const cols = sql`customer_id as "customerId", dataset_id as "datasetId", name, email, phone, location, store`;
  const { rows } = await sql<CustomerHit & { rank: number }>`
    select * from (
      (select ${cols}, 0 as rank from customers
        where org_id = ${orgId} and customer_id like ${pattern} order by customer_id using ~<~ limit ${limit})
      union all
      (select ${cols}, 1 as rank from customers
        where org_id = ${orgId} and lower(name) like ${lower} order by lower(name) using ~<~ limit ${limit})
      union all
      (select ${cols}, 2 as rank from customers
        where org_id = ${orgId} and lower(email) like ${lower} order by lower(email) using ~<~ limit ${limit})
    ) hits
    order by rank, "customerId", "datasetId"
  `.execute(db);
  const seen = new Set<string>();
  const hits: CustomerHit[] = [];
  for (const { rank: _rank, ...hit } of rows) {
    const key = `${hit.datasetId}\u0000${hit.customerId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    hits.push(hit);
    if (hits.length === limit) break;
  }
  return hits;
}

/** A customer record with the dataset it came from. */
export interface CustomerRecord extends Customer {
  dataset_name: string;
  dataset_created_at: Date;
}

/**
 * Lookout: the records of a customer id in the organisation's live datasets, the newest dataset
 * first (through the (org_id, customer_id) index).
 */
export async function customerRecords(
  db: Kysely<Database>,
  orgId: string,
  customerId: string,
): Promise<CustomerRecord[]> {
  return db
    .selectFrom('customers as c')
    .innerJoin('datasets as d', (j) =>
      j.onRef('d.org_id', '=', 'c.org_id').onRef('d.id', '=', 'c.dataset_id'),
    )
    .selectAll('c')
    .select(['d.name as dataset_name', 'd.created_at as dataset_created_at'])
    .where('c.org_id', '=', orgId)
    .where('c.customer_id', '=', customerId)
    .where('d.deleted_at', 'is', null)
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id')
    .execute();
}

/** Refreshes the planner's statistics of `customers` (after a bulk load: ~1 s at a million rows). */
export async function analyzeCustomers(db: Kysely<Database>): Promise<void> {
  await sql`analyze customers`.execute(db);
}
