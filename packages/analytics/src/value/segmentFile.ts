import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../duckdb.ts';
import { InputError } from '../errors.ts';
import { normaliseColumnName, ROLE_NAMES } from '../features/mapColumns.ts';

const SEGMENT_NAMES = ['segment', 'cluster', 'label', 'group', 'segmentname'];

/**
 * Reads a segment file (CSV: a customer id column and a segment column, e.g. what `clientele
 * analyze` writes) into table `segments` (customer_id VARCHAR, segment VARCHAR) of `db`. The id
 * column is customer_id or another customer name (see ROLE_NAMES), else the first column; the
 * segment column is segment, cluster, label or group, else the last column. A customer listed
 * twice with two segments is an error.
 */
export async function loadSegmentFile(
  db: DuckDBConnection,
  path: string,
): Promise<{
  table: string;
  idColumn: string;
  segmentColumn: string;
  nCustomers: number;
  segments: string[];
}> {
  if (!existsSync(path)) throw new InputError('FILE_NOT_FOUND', `segment file ${path} does not exist`);
  await db.run(
    `CREATE OR REPLACE TABLE segment_file AS SELECT * FROM read_csv(${quoteLiteral(path)}, all_varchar = true, header = true)`,
  );
  const cols = (await db.runAndReadAll('DESCRIBE segment_file')).getRows().map((r) => String(r[0]));
  if (cols.length < 2) {
    throw new InputError(
      'BAD_MAPPING',
      `segment file ${path} needs two columns, a customer id and a segment; it has ${cols.join(', ')}`,
    );
  }
  const find = (names: string[]): string | undefined =>
    names.map((n) => cols.find((c) => normaliseColumnName(c) === n)).find((c) => c !== undefined);
  const idColumn = find(['customerid', ...ROLE_NAMES.customer, 'id']) ?? cols[0]!;
  const segmentColumn =
    find(SEGMENT_NAMES.filter((n) => n !== normaliseColumnName(idColumn))) ?? cols.at(-1)!;
  const id = quoteIdent(idColumn);
  const seg = quoteIdent(segmentColumn);
  const clash = (
    await db.runAndReadAll(
      `SELECT ${id} FROM segment_file WHERE ${id} IS NOT NULL GROUP BY ${id} HAVING count(DISTINCT ${seg}) > 1 LIMIT 1`,
    )
  ).getRows();
  if (clash.length > 0) {
    throw new InputError(
      'BAD_MAPPING',
      `segment file ${path}: customer ${clash[0]![0]} is listed in more than one segment; give each customer one`,
    );
  }
  await db.run(`CREATE OR REPLACE TABLE segments AS
    SELECT DISTINCT trim(${id}) AS customer_id, trim(${seg}) AS segment FROM segment_file
    WHERE ${id} IS NOT NULL AND ${seg} IS NOT NULL AND trim(${seg}) <> ''`);
  await db.run('DROP TABLE segment_file');
  const rows = (
    await db.runAndReadAll(
      'SELECT segment, CAST(count(*) AS DOUBLE) FROM segments GROUP BY segment ORDER BY segment',
    )
  ).getRows();
  return {
    table: 'segments',
    idColumn,
    segmentColumn,
    nCustomers: rows.reduce((a, r) => a + Number(r[1]), 0),
    segments: rows.map((r) => String(r[0])),
  };
}
