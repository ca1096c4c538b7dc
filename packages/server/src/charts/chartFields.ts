import { type Kysely, type RawBuilder, sql } from 'kysely';
import { numericAttribute } from '../campaigns/audience.ts';
import type { Database } from '../store/schema.ts';

/** A field a chart cannot use: `path` names it inside the spec (field, x.field, ...). */
export class ChartFieldError extends Error {
  override name = 'ChartFieldError';
  readonly path: string;
  constructor(message: string, path: string) {
    super(message);
    this.path = path;
  }
}

/** Fields every run has, besides the file's own columns (customers.attributes). */
const CATEGORY_FIELDS: Record<string, RawBuilder<string | null>> = {
  segment: sql`r.segment::text`,
  risk_tier: sql`r.risk_tier`,
  store: sql`c.store`,
  location: sql`c.location`,
  insider: sql`(case when r.insider then 'yes' else 'no' end)`,
};
export const BUILT_IN_FIELDS = ['churn_probability', ...Object.keys(CATEGORY_FIELDS)] as const;

/** What a dataset's customers hold under one attribute name. */
interface AttributeProbe {
  present: number;
  numbers: number;
  values: number;
  dates: number;
}

/** A date written the ISO way (what the upload's JSON makes of a DATE or TIMESTAMP column). */
export const ISO_DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}';

/** Resolves a spec's field names to SQL over `r` (customer_results) and `c` (customers), once each. */
export class ChartFields {
  private readonly probes = new Map<string, Promise<AttributeProbe>>();
  constructor(
    private readonly db: Kysely<Database>,
    private readonly orgId: string,
    private readonly datasetId: string,
  ) {}

  private probe(field: string): Promise<AttributeProbe> {
    let p = this.probes.get(field);
    if (!p) {
      p = sql<AttributeProbe>`
        select count(*) filter (where (c.attributes -> ${field}) is not null) as present,
          count(*) filter (where ${numericAttribute(field)} is not null) as numbers,
          count(*) filter (where (c.attributes ->> ${field}) is not null) as values,
          count(*) filter (where (c.attributes ->> ${field}) ~ ${ISO_DATE}) as dates
        from customers c where c.org_id = ${this.orgId} and c.dataset_id = ${this.datasetId}`
        .execute(this.db)
        .then(({ rows }) => {
          const r = rows[0]!;
          return {
            present: Number(r.present),
            numbers: Number(r.numbers),
            values: Number(r.values),
            dates: Number(r.dates),
          };
        });
      this.probes.set(field, p);
    }
    return p;
  }

  private async known(field: string, path: string): Promise<AttributeProbe> {
    const probe = await this.probe(field);
    if (probe.present === 0) {
      const { rows } = await sql<{ key: string }>`
        select distinct jsonb_object_keys(c.attributes) as key from customers c
        where c.org_id = ${this.orgId} and c.dataset_id = ${this.datasetId} order by 1 limit 60`.execute(
        this.db,
      );
      const names = [...BUILT_IN_FIELDS, ...rows.map((r) => r.key)];
      throw new ChartFieldError(`unknown attribute '${field}': choose one of ${names.join(', ')}`, path);
    }
    return probe;
  }

  /** A field as a number: churn_probability or a column of the file that holds numbers. */
  async numeric(field: string, path: string): Promise<RawBuilder<number | null>> {
    if (field === 'churn_probability') return sql`r.churn_probability`;
    if (field in CATEGORY_FIELDS) {
      throw new ChartFieldError(
        `'${field}' is not numeric: a number is needed here (churn_probability or a numeric column of the file)`,
        path,
      );
    }
    const probe = await this.known(field, path);
    // Most values must read as numbers: a column of words with one stray digit is not numeric.
    if (probe.numbers === 0 || probe.numbers < probe.values / 2) {
      throw new ChartFieldError(
        `'${field}' is not numeric (${probe.numbers} of ${probe.values} values are numbers): a number is needed here`,
        path,
      );
    }
    return numericAttribute(field);
  }

  /** A field as a category (text): a built-in one or any column of the file. */
  async category(field: string, path: string): Promise<RawBuilder<string | null>> {
    const builtIn = CATEGORY_FIELDS[field];
    if (builtIn) return builtIn;
    if (field === 'churn_probability') {
      throw new ChartFieldError(
        "'churn_probability' is a number, not a category: cut it into bins or choose risk_tier",
        path,
      );
    }
    await this.known(field, path);
    return sql`(c.attributes ->> ${field})`;
  }

  /** A field as dates: a column of the file written YYYY-MM-DD (the month is its first 7 characters). */
  async date(field: string, path: string): Promise<RawBuilder<string | null>> {
    if (field in CATEGORY_FIELDS || field === 'churn_probability') {
      throw new ChartFieldError(`'${field}' is not a date: choose a date column of the file`, path);
    }
    const probe = await this.known(field, path);
    if (probe.dates === 0) {
      throw new ChartFieldError(`'${field}' holds no dates (written YYYY-MM-DD): choose a date column`, path);
    }
    return sql`(case when (c.attributes ->> ${field}) ~ ${ISO_DATE} then substring(c.attributes ->> ${field} from 1 for 7) end)`;
  }
}

/** One column of the file as a chart can use it (read from a sample of the customers). */
export interface AttributeField {
  name: string;
  numeric: boolean;
  date: boolean;
  /** Distinct values in the sample: a category with few reads well as bars. */
  distinct: number;
}

/** Customers read to tell numbers, dates and categories apart. */
const FIELD_SAMPLE = 5000;

/** The file's columns kept as attributes, each with what a chart can do with it. */
export async function listAttributeFields(
  db: Kysely<Database>,
  orgId: string,
  datasetId: string,
): Promise<AttributeField[]> {
  const { rows } = await sql<{
    key: string;
    numbers: number;
    values: number;
    dates: number;
    distinct: number;
  }>`
    select e.key as key,
      count(*) filter (where jsonb_typeof(e.value) = 'number'
        or (e.value #>> '{}') ~ '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*$') as numbers,
      count(*) filter (where jsonb_typeof(e.value) <> 'null') as values,
      count(*) filter (where (e.value #>> '{}') ~ ${ISO_DATE}) as dates,
      count(distinct e.value #>> '{}') as distinct
    from (select c.attributes from customers c where c.org_id = ${orgId} and c.dataset_id = ${datasetId}
      order by c.customer_id limit ${FIELD_SAMPLE}) s, jsonb_each(s.attributes) e
    group by e.key order by e.key`.execute(db);
  return rows.map((r) => {
    const values = Number(r.values);
    return {
      name: r.key,
      // The same rule as `numeric` above: most values read as numbers.
      numeric: Number(r.numbers) > 0 && Number(r.numbers) >= values / 2,
      date: Number(r.dates) > 0 && Number(r.dates) >= values / 2,
      distinct: Number(r.distinct),
    };
  });
}
