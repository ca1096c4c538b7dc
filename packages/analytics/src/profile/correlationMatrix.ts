import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../duckdb.ts';
import type { CorrelationMatrix } from './profileTypes.ts';

/**
 * Pearson and Spearman correlation of every pair of columns, in DuckDB. Spearman is Pearson on
 * average ranks (ties share the mean of their ranks, as scipy and pandas do); each column is
 * ranked over its non-missing values, and pairs use the rows where both are present.
 */
export async function correlationMatrix(
  db: DuckDBConnection,
  table: string,
  columns: string[],
): Promise<CorrelationMatrix> {
  const p = columns.length;
  if (p < 2) return { columns, pearson: square(p), spearman: square(p) };
  const x = columns.map((c) => `CAST(${quoteIdent(c)} AS DOUBLE)`);
  const pearson = await pairwise(db, table, x);

  // Average ranks from each column's distinct values (a small sorted table), joined back to
  // the rows: one sort of the distinct values per column instead of two windows over all rows
  // (20 s -> 2.5 s on 371,589 x 30).
  const rankTables = columns.map((_, i) => `__rank${i}`);
  try {
    for (let i = 0; i < p; i++) {
      await db.run(
        `CREATE OR REPLACE TEMP TABLE ${rankTables[i]} AS
         SELECT v, sum(n) OVER (ORDER BY v) - (n - 1) / 2.0 AS r
         FROM (SELECT ${x[i]} AS v, count(*) AS n FROM ${table} WHERE ${x[i]} IS NOT NULL GROUP BY 1)`,
      );
    }
    // Qualified: a user's column may itself be called v or r.
    const qualified = columns.map((c) => `CAST(${table}.${quoteIdent(c)} AS DOUBLE)`);
    const joins = qualified
      .map((v, i) => `LEFT JOIN ${rankTables[i]} ON ${v} = ${rankTables[i]}.v`)
      .join(' ');
    await db.run(
      `CREATE OR REPLACE TEMP TABLE __ranks AS SELECT ${rankTables.map((t, i) => `${t}.r AS r${i}`).join(', ')} FROM ${table} ${joins}`,
    );
    const spearman = await pairwise(
      db,
      '__ranks',
      columns.map((_, i) => `r${i}`),
    );
    return { columns, pearson, spearman };
  } finally {
    for (const t of [...rankTables, '__ranks']) await db.run(`DROP TABLE IF EXISTS ${t}`);
  }
}

async function pairwise(db: DuckDBConnection, table: string, x: string[]): Promise<(number | null)[][]> {
  const p = x.length;
  const parts: string[] = [];
  for (let i = 0; i < p; i++)
    for (let j = i + 1; j < p; j++) parts.push(`corr(${x[i]}, ${x[j]}) AS p${i}_${j}`);
  const row = (await db.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${table}`)).getRowObjectsJS()[0]!;
  const m = square(p);
  for (let i = 0; i < p; i++) {
    m[i]![i] = 1;
    for (let j = i + 1; j < p; j++) {
      const v = row[`p${i}_${j}`];
      const r = typeof v === 'number' && Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : null;
      m[i]![j] = r;
      m[j]![i] = r;
    }
  }
  return m;
}

function square(p: number): (number | null)[][] {
  return Array.from({ length: p }, () => new Array<number | null>(p).fill(null));
}
