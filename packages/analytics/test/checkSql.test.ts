import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSql, MAX_SQL_LENGTH } from '../src/ask/checkSql.ts';
import { openDuckDB } from '../src/duckdb.ts';
import { writeRunFolder } from './runFolderFixture.ts';

const TABLES = ['segments', 'segment_features', 'assignments', 'scores', 'selection'];
const root = mkdtempSync(join(tmpdir(), 'clientele-checksql-'));
let db: DuckDBConnection;
let other: string;

beforeAll(async () => {
  db = await openDuckDB();
  // Another run's folder with real files: a path to it must be refused, not read.
  other = await writeRunFolder(join(root, 'runs', 'org-b', 'run-b'), 6);
});
afterAll(() => db.closeSync());

describe('checkSql: one read-only SELECT over the run tables, by DuckDB’s parser', () => {
  it.each([
    'SELECT * FROM assignments',
    'select segment, count(*) AS n from scores group by segment order by n desc limit 5',
    'WITH s AS (SELECT segment, avg(churn_probability) AS p FROM scores GROUP BY 1) SELECT g.name, s.p FROM s JOIN segments g USING (segment)',
    'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r',
    'SELECT customer_id, row_number() OVER (PARTITION BY segment ORDER BY churn_probability DESC) AS rank FROM scores QUALIFY rank <= 3',
    'SELECT quantile_cont(balance, [0.25, 0.5, 0.75]) FROM assignments',
    "FROM scores WHERE risk_tier = 'High'",
    'SELECT * FROM main.scores',
    'SELECT segment FROM assignments UNION SELECT segment FROM scores',
    'SELECT (SELECT max(z) FROM segment_features) AS top, * FROM selection',
    'SELECT * FROM range(3)',
    "SELECT 'read_csv(''/etc/passwd'')' AS just_text",
    '  SELECT 1;  ',
    'DESCRIBE scores',
    "PIVOT scores ON risk_tier IN ('High', 'Low') USING count(*) GROUP BY segment",
  ])('accepts %s', async (sql) => {
    expect(await checkSql(db, sql, TABLES)).toEqual({ ok: true });
  });

  it.each([
    ['INSERT INTO scores VALUES (1)', 'NOT_A_SELECT', /INSERT statement/],
    ["UPDATE scores SET risk_tier = 'Low'", 'NOT_A_SELECT', /UPDATE statement/],
    ['DELETE FROM scores', 'NOT_A_SELECT', /DELETE statement/],
    ['CREATE TABLE x AS SELECT * FROM scores', 'NOT_A_SELECT', /CREATE statement/],
    ['DROP VIEW scores', 'NOT_A_SELECT', /DROP statement/],
    ["ATTACH '/tmp/other.duckdb' AS o", 'NOT_A_SELECT', /ATTACH statement/],
    ["COPY scores TO '/tmp/out.csv'", 'NOT_A_SELECT', /COPY statement/],
    ['PRAGMA database_list', 'NOT_A_SELECT', /PRAGMA statement/],
    ['INSTALL httpfs', 'NOT_A_SELECT', /INSTALL statement/],
    ['LOAD httpfs', 'NOT_A_SELECT', /LOAD statement/],
    ['SET enable_external_access = true', 'NOT_A_SELECT', /SET statement/],
    ['WITH x AS (SELECT 1) INSERT INTO scores SELECT * FROM x', 'NOT_A_SELECT', /not a SELECT/],
    ['SELECT 1; DROP VIEW scores', 'SEVERAL_STATEMENTS', /2 statements/],
    ['SELECT 1; SELECT 2', 'SEVERAL_STATEMENTS', /one SELECT query at a time/],
    ['PIVOT scores ON risk_tier USING count(*)', 'SEVERAL_STATEMENTS', /a PIVOT lists its values/],
    ["SUMMARIZE 'file.csv'", 'READS_FILES', /"file\.csv" looks like a file/],
    ["FROM glob('/data/runs/*')", 'READS_FILES', /glob\(\.\.\.\) is not allowed/],
    ['SELECT * FROM system.main.duckdb_tables', 'UNKNOWN_TABLE', /system\.main\.duckdb_tables/],
    ["SELECT * FROM read_csv('/etc/passwd')", 'READS_FILES', /read_csv\(\.\.\.\) is not allowed/],
    [
      "SELECT * FROM scores WHERE customer_id IN (SELECT * FROM read_text('/etc/hostname'))",
      'READS_FILES',
      /read_text/,
    ],
    ["SELECT * FROM 'file.csv'", 'READS_FILES', /"file\.csv" looks like a file/],
    ["SELECT * FROM query('SELECT 1')", 'READS_FILES', /query\(\.\.\.\)/],
    ['SELECT * FROM duckdb_settings()', 'READS_FILES', /duckdb_settings/],
    ['SELECT * FROM information_schema.tables', 'UNKNOWN_TABLE', /information_schema\.tables/],
    ['SELECT * FROM customers', 'UNKNOWN_TABLE', /this run's tables are segments, segment_features/],
    ["SELECT current_setting('allowed_paths')", 'FORBIDDEN_FUNCTION', /current_setting/],
    ['', 'EMPTY', /empty/],
    [' ; ', 'EMPTY', /empty/],
    ['SELEC * FROM scores', 'SYNTAX', /could not parse/],
    [`SELECT ${'1 + '.repeat(MAX_SQL_LENGTH / 4)}1`, 'TOO_LONG', /at most 20000/],
  ])('refuses %s', async (sql, code, message) => {
    const r = await checkSql(db, sql, TABLES);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });

  it("refuses another run's folder, by path or by read_parquet, though the file is there", async () => {
    for (const sql of [
      `SELECT * FROM '${join(other, 'assignments.parquet')}'`,
      `SELECT * FROM "${join(other, 'scores.parquet')}"`,
      `SELECT * FROM read_parquet('${join(other, 'assignments.parquet')}')`,
      `SELECT a.* FROM scores s JOIN '${join(other, '..', 'run-b', 'scores.parquet')}' a USING (customer_id)`,
    ]) {
      const r = await checkSql(db, sql, TABLES);
      expect(r, sql).toMatchObject({ ok: false, code: 'READS_FILES' });
    }
  });

  it('a CTE may take any name, but only inside its own statement', async () => {
    expect(
      await checkSql(db, 'WITH customers AS (SELECT * FROM scores) SELECT * FROM customers', TABLES),
    ).toEqual({
      ok: true,
    });
    expect(await checkSql(db, 'SELECT * FROM customers', TABLES)).toMatchObject({
      ok: false,
      code: 'UNKNOWN_TABLE',
    });
  });
});
