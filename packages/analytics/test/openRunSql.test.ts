import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSchema } from '../src/ask/describeSchema.ts';
import { lockDuckDB } from '../src/ask/lockDuckDB.ts';
import { openRunSql, type RunSql } from '../src/ask/openRunSql.ts';
import { openDuckDB } from '../src/duckdb.ts';
import { InputError } from '../src/errors.ts';
import { FIXTURE_SEGMENTS, writeRunFolder } from './runFolderFixture.ts';

const root = mkdtempSync(join(tmpdir(), 'clientele-runsql-'));
let sql: RunSql;

beforeAll(async () => {
  sql = await openRunSql(await writeRunFolder(join(root, 'run'), 30));
});
afterAll(() => sql.close());

describe('openRunSql: the run tables, read-only, with limits', () => {
  it('opens every table of the folder, with its columns, types and meanings', () => {
    expect(sql.tables.map((t) => t.name)).toEqual([
      'segments',
      'segment_features',
      'assignments',
      'scores',
      'selection',
    ]);
    const scores = sql.tables.find((t) => t.name === 'scores')!;
    expect(scores.rows).toBe(30);
    expect(scores.columns.find((c) => c.name === 'churn_probability')).toMatchObject({
      type: 'DOUBLE',
      description: expect.stringMatching(/probability that the customer leaves/),
    });
    const assignments = sql.tables.find((t) => t.name === 'assignments')!;
    expect(assignments.columns.find((c) => c.name === 'balance')!.description).toMatch(
      /one the segments were found on/,
    );
    const text = describeSchema(sql.tables);
    expect(text).toMatch(/^segments \(3 rows\): One row per segment/);
    expect(text).toMatch(/\n {2}risk_tier VARCHAR: Low, Moderate, High or Critical/);
  });

  it('answers a query with the right figures, whole numbers as numbers', async () => {
    const r = await sql.query(
      'SELECT g.name, count(*) AS n, avg(s.churn_probability) AS p FROM scores s JOIN segments g USING (segment) GROUP BY 1 ORDER BY 1',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.columns).toEqual([
      { name: 'name', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
      { name: 'p', type: 'DOUBLE' },
    ]);
    // Customer i is in segment i % 3 with probability (i % 10) / 10.
    const expected = [...FIXTURE_SEGMENTS].sort().map((name) => {
      const s = FIXTURE_SEGMENTS.indexOf(name as (typeof FIXTURE_SEGMENTS)[number]);
      const ps = Array.from({ length: 30 }, (_, k) => k + 1)
        .filter((i) => i % 3 === s)
        .map((i) => (i % 10) / 10);
      return [name, ps.length, ps.reduce((a, b) => a + b, 0) / ps.length];
    });
    expect(r.rows.map((row) => row.slice(0, 2))).toEqual(expected.map((e) => e.slice(0, 2)));
    for (const [k, row] of r.rows.entries()) {
      expect(row[2] as number).toBeCloseTo(expected[k]![2] as number, 12);
    }
    expect(r.truncated).toBe(false);
  });

  it('keeps at most `limit` rows and says when there were more', async () => {
    const five = await sql.query('SELECT * FROM scores ORDER BY customer_id', { limit: 5 });
    expect(five).toMatchObject({ ok: true, truncated: true });
    if (five.ok) expect(five.rows).toHaveLength(5);
    const all = await sql.query('SELECT * FROM scores', { limit: 30 });
    expect(all).toMatchObject({ ok: true, truncated: false });
    if (all.ok) expect(all.rows).toHaveLength(30);
    const none = await sql.query('SELECT * FROM scores', { limit: 0 });
    expect(none).toMatchObject({ ok: true, truncated: true, rows: [] });
  });

  it('stops a query at the time limit, and the session still answers afterwards', async () => {
    const slow = await sql.query(
      'SELECT count(*) FROM range(10000000000) a, range(100) b WHERE a.range % 7 = b.range',
      {
        timeoutMs: 200,
      },
    );
    expect(slow).toMatchObject({ ok: false, code: 'TIMEOUT', refused: false });
    if (!slow.ok) expect(slow.message).toMatch(/longer than 0\.2 s and was stopped/);
    expect(await sql.query('SELECT count(*) AS n FROM assignments')).toMatchObject({
      ok: true,
      rows: [[30]],
    });
  });

  it('turns NaN into null, keeps dates as text, and reports DuckDB errors as values', async () => {
    const r = await sql.query("SELECT 'nan'::DOUBLE AS x, DATE '2026-11-27' AS d, 1.50::DECIMAL(4,2) AS m");
    expect(r).toMatchObject({ ok: true, rows: [[null, '2026-11-27', 1.5]] });
    const bad = await sql.query('SELECT no_such_column FROM scores');
    expect(bad).toMatchObject({ ok: false, code: 'FAILED', refused: false });
    if (!bad.ok) expect(bad.message).toMatch(/no_such_column/);
  });

  it('refuses writes, files and several statements, and the tables are unchanged after', async () => {
    for (const [text, code] of [
      ['DROP VIEW scores', 'NOT_A_SELECT'],
      ["COPY scores TO '/tmp/leak.csv'", 'NOT_A_SELECT'],
      ["SELECT * FROM read_csv('/etc/passwd')", 'READS_FILES'],
      ['SELECT 1; DELETE FROM segments', 'SEVERAL_STATEMENTS'],
    ] as const) {
      expect(await sql.query(text), text).toMatchObject({ ok: false, code, refused: true });
    }
    expect(await sql.query('SELECT count(*) FROM segments')).toMatchObject({ ok: true, rows: [[3]] });
  });

  it('says when a folder is not a run folder, or is not there', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'x');
    await expect(openRunSql(empty)).rejects.toThrow(/is not a run folder: .*clientele analyze --out DIR/);
    await expect(openRunSql(join(root, 'missing'))).rejects.toBeInstanceOf(InputError);
  });
});

describe('lockDuckDB: the wall behind the checker', () => {
  it('reads the allowed files only, and refuses to be unlocked', async () => {
    const dir = await writeRunFolder(join(root, 'lock'), 6);
    const db = await openDuckDB();
    try {
      const scores = join(dir, 'scores.parquet');
      await db.run(`CREATE VIEW scores AS SELECT * FROM read_parquet('${scores}')`);
      await lockDuckDB(db, [scores]);
      expect(Number((await db.runAndReadAll('SELECT count(*) FROM scores')).getRows()[0]![0])).toBe(6);
      await expect(db.run("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow(
        /disabled by configuration/,
      );
      await expect(db.run(`SELECT * FROM '${join(dir, 'assignments.parquet')}'`)).rejects.toThrow(
        /disabled by configuration/,
      );
      await expect(db.run(`COPY scores TO '${join(root, 'leak.csv')}'`)).rejects.toThrow(
        /disabled by configuration/,
      );
      await expect(db.run('SET enable_external_access = true')).rejects.toThrow(
        /configuration has been locked/,
      );
      await expect(db.run('LOAD httpfs')).rejects.toThrow();
    } finally {
      db.closeSync();
    }
  });
});
