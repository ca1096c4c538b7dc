import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import { customerFieldsFile, profileFile } from '../../datasets/paths.ts';
import type { Store } from '../../store/index.ts';
import { principalOf } from '../auth/principal.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { liveDataset } from '../liveDataset.ts';

/** Places shown per group: the 50 with the highest churn risk. */
const MAX_PLACES = 50;

// Column names that hold coordinates (English, Spanish, Portuguese, and the usual short forms).
const LATITUDE = /^(lat|latitude|latitud|latitude_deg)$/i;
const LONGITUDE = /^(lon|lng|long|longitude|longitud)$/i;

const rowSchema = z.object({
  value: z.string(),
  customers: z.number(),
  meanProbability: z.number().describe('mean churn probability: the share expected to churn'),
  highOrCritical: z.number().describe('customers in the High or Critical tier'),
  observedRate: z
    .number()
    .nullable()
    .describe('share of customers whose target column says they churned (null without a target)'),
  latitude: z.number().nullable().describe("mean of the customers' latitude (null without coordinates)"),
  longitude: z.number().nullable(),
});

/** What the upload recorded about the file's columns (datasets/importDataset). */
interface CustomerFields {
  store: string | null;
  location: string[];
  attributes: string[];
}

/** A text attribute of the customer, or NULL when it is blank. */
const attribute = (column: string): RawBuilder<string | null> =>
  sql<string | null>`nullif(trim(c.attributes->>${column}), '')`;

/** A numeric attribute, or NULL when it does not read as a number (blank, "n/a"). */
const numeric = (column: string): RawBuilder<number | null> =>
  sql<
    number | null
  >`case when (c.attributes->>${column}) ~ '^\\s*-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*$' then (c.attributes->>${column})::double precision end`;

/**
 * GET /api/datasets/:datasetId/churn/places: churn of the published run by store and by each
 * location column (city, region...), from customer_results joined to the customers' store and
 * location; the observed churn rate where the file has the target; the places' mean coordinates
 * where it has latitude and longitude columns (otherwise no map is drawn).
 */
export function churnByPlaceRoutes(store: Store, dataDir: string): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/datasets/:datasetId/churn/places',
      {
        config: { access: 'look_up_customers' },
        schema: {
          summary:
            'Churn by store and by region (and city) of the published run, with coordinates when the data has them',
          tags: ['results'],
          params: z.strictObject({ datasetId: z.string().min(1).max(100) }),
          response: {
            200: z.object({
              runId: z.string(),
              groups: z.array(
                z.object({
                  kind: z.enum(['store', 'location']),
                  column: z.string(),
                  rows: z
                    .array(rowSchema)
                    .describe(`the ${MAX_PLACES} places of highest mean churn probability`),
                  places: z.number().describe('places in all'),
                }),
              ),
              coordinates: z
                .object({ latitude: z.string(), longitude: z.string() })
                .nullable()
                .describe('the columns read as coordinates; null: the data has none, so there is no map'),
            }),
            401: errorBodySchema,
            403: errorBodySchema,
            404: errorBodySchema,
          },
        },
      },
      async (request) => {
        const { orgId } = principalOf(request);
        const { datasetId } = request.params;
        const _dataset = await liveDataset(store.db, orgId, datasetId);
        const published = await store.db
          .selectFrom('published_results')
          .select('run_id')
          .where('org_id', '=', orgId)
          .where('dataset_id', '=', datasetId)
          .executeTakeFirst();
        if (!published)
          throw new HttpError(
            'NOT_FOUND',
            'this dataset has no published results yet: start a run',
            'path.datasetId',
          );
        const runId = published.run_id;
        const fields = await readJson<CustomerFields>(customerFieldsFile(dataDir, orgId, datasetId));
        const report = await store.db
          .selectFrom('run_results')
          .select('data')
          .where('org_id', '=', orgId)
          .where('run_id', '=', runId)
          .where('key', '=', 'report')
          .executeTakeFirst();
        const churn = (report?.data as { churn?: { target?: string; positive?: string } | null } | undefined)
          ?.churn;
        const columns = new Set([...(fields?.attributes ?? []), ...(fields?.location ?? [])]);
        const target = churn?.target && columns.has(churn.target) ? churn.target : null;
        const coordinates = await coordinateColumns(profileFile(dataDir, orgId, datasetId), columns);

        const observed = target
          ? sql<
              number | null
            >`avg(case when ${attribute(target)} is null then null when ${attribute(target)} = ${churn?.positive ?? '1'} then 1.0 else 0.0 end)`
          : sql<null>`null`;
        const lat = coordinates ? sql<number | null>`avg(${numeric(coordinates.latitude)})` : sql<null>`null`;
        const lon = coordinates
          ? sql<number | null>`avg(${numeric(coordinates.longitude)})`
          : sql<null>`null`;

        const group = async (
          kind: 'store' | 'location',
          column: string,
          place: RawBuilder<string | null>,
        ) => {
          const rows = await sql<{
            value: string;
            customers: string | number;
            mean_p: number;
            high: string | number;
            observed: number | string | null;
            lat: number | null;
            lon: number | null;
            places: string | number;
          }>`
            select coalesce(${place}, '(missing)') as value, count(*) as customers,
              avg(r.churn_probability) as mean_p,
              sum(case when r.risk_tier in ('High', 'Critical') then 1 else 0 end) as high,
              ${observed} as observed, ${lat} as lat, ${lon} as lon,
              count(*) over () as places
            from customer_results r
            join customers c on c.org_id = r.org_id and c.dataset_id = ${datasetId} and c.customer_id = r.customer_id
            where r.org_id = ${orgId} and r.run_id = ${runId} and r.churn_probability is not null
            group by 1
            order by mean_p desc, customers desc, value
            limit ${MAX_PLACES}
          `.execute(store.db);
          return {
            kind,
            column,
            places: Number(rows.rows[0]?.places ?? 0),
            rows: rows.rows.map((r) => ({
              value: r.value,
              customers: Number(r.customers),
              meanProbability: Number(r.mean_p),
              highOrCritical: Number(r.high),
              observedRate: r.observed === null ? null : Number(r.observed),
              latitude: r.lat === null ? null : Number(r.lat),
              longitude: r.lon === null ? null : Number(r.lon),
            })),
          };
        };

        const groups = [];
        if (fields?.store)
          groups.push(await group('store', fields.store, sql<string | null>`nullif(trim(c.store), '')`));
        // In reverse of the upload's order, which lists the narrowest first (city, then region).
        for (const column of [...(fields?.location ?? [])].reverse()) {
          groups.push(await group('location', column, attribute(column)));
        }
        return { runId, groups: groups.filter((g) => g.rows.length > 0), coordinates };
      },
    );
  };
}

/** The latitude and longitude columns, by name, among the customers' attributes; null when either is missing. */
async function coordinateColumns(
  profilePath: string,
  columns: Set<string>,
): Promise<{ latitude: string; longitude: string } | null> {
  const profile = await readJson<{ columns?: { name: string }[] }>(profilePath);
  const names = (profile?.columns ?? []).map((c) => c.name).filter((n) => columns.has(n));
  const latitude = names.find((n) => LATITUDE.test(n.trim()));
  const longitude = names.find((n) => LONGITUDE.test(n.trim()));
  return latitude && longitude ? { latitude, longitude } : null;
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}
