import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDB } from '../src/duckdb.ts';

/** The segments of the fixture: names a question can use. */
export const FIXTURE_SEGMENTS = ['Cautious rechargers', 'Heavy users', 'Newcomers'] as const;

/**
 * A small run folder shaped like `clientele analyze`'s (assignments and scores as Parquet,
 * selection.csv, segments.json, run.json), with values a test can recompute: customer i = 1..n
 * (id `c<i>`) is in segment i % 3, recharges = i, balance = 10 i, churn probability (i % 10) / 10.
 */
export async function writeRunFolder(dir: string, customers = 30): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const db = await openDuckDB();
  try {
    const names = `['${FIXTURE_SEGMENTS.join("', '")}']`;
    await db.run(
      `CREATE TABLE a AS SELECT 'c' || i AS customer_id, CAST(i % 3 AS INTEGER) AS segment,
         ${names}[i % 3 + 1] AS segment_name, CAST(i AS DOUBLE) AS recharges, CAST(10 * i AS DOUBLE) AS balance
       FROM range(1, ${customers + 1}) t(i)`,
    );
    await db.run(`COPY a TO '${join(dir, 'assignments.parquet')}' (FORMAT parquet)`);
    await db.run(
      `COPY (SELECT customer_id, segment, CAST(CAST(recharges AS INTEGER) % 10 AS DOUBLE) / 10 AS churn_probability,
               1 - CAST(CAST(recharges AS INTEGER) % 10 AS DOUBLE) / 10 AS retention_probability,
               CASE WHEN CAST(recharges AS INTEGER) % 10 >= 7 THEN 'High' ELSE 'Low' END AS risk_tier
             FROM a) TO '${join(dir, 'scores.parquet')}' (FORMAT parquet)`,
    );
  } finally {
    db.closeSync();
  }
  writeFileSync(
    join(dir, 'selection.csv'),
    'algorithm,k,n_rows,silhouette,calinski_harabasz,davies_bouldin,bic\nkmeans,2,30,0.4,10,1.1,\nkmeans,3,30,0.5,12,0.9,\n',
  );
  const segments = FIXTURE_SEGMENTS.map((name, id) => ({
    id,
    name,
    description: `${name}, by construction`,
    size: Math.floor(customers / 3),
    share: 1 / 3,
    revenueShare: null,
    stats: ['recharges', 'balance'].map((feature) => ({
      feature,
      mean: id + 1,
      std: 1,
      min: 0,
      q1: 0,
      median: id,
      q3: 2,
      max: 3,
      z: id - 1,
    })),
    drivers: [{ feature: 'recharges', importance: 0.5, direction: id === 0 ? 'lower' : 'higher' }],
  }));
  writeFileSync(join(dir, 'segments.json'), `${JSON.stringify(segments, null, 2)}\n`);
  writeFileSync(
    join(dir, 'run.json'),
    `${JSON.stringify({ version: 1, kind: 'snapshot', segmentation: { features: ['recharges', 'balance'] } })}\n`,
  );
  return dir;
}
