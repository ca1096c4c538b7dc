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
    await sql`
      insert into customers (org_id, dataset_id, customer_id, name, phone, email, location, store, attributes)
      select ${orgId}, ${datasetId}, u.customer_id, u.name, u.phone, u.email, u.location, u.store, u.attributes::jsonb
      from unnest(
        ${col((r) => r.customerId)}::text[], ${col((r) => r.name)}::text[], ${col((r) => r.phone)}::text[],
        ${col((r) => r.email)}::text[], ${col((r) => r.location)}::text[], ${col((r) => r.store)}::text[],
        ${chunk.map((r) => JSON.stringify(r.attributes ?? {}))}::text[]
      ) as u(customer_id, name, phone, email, location, store, attributes)
    `.execute(db);
  }
  return rows.length;
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
