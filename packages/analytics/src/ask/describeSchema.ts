import type { TableSchema } from './openRunSql.ts';

/**
 * The tables as text, one block per table: its name, rows and meaning, then a line per column with
 * its DuckDB type and meaning. The model reads it in its instructions; `clientele sql --run DIR`
 * prints it; the web page shows it beside the console.
 *
 * ```text
 * segments (4 rows): One row per segment: its suggested name and description, size and share of customers.
 *   segment INTEGER: segment number, 0-based (assignments.segment, scores.segment)
 *   ...
 * ```
 */
export function describeSchema(tables: readonly TableSchema[]): string {
  return tables
    .map((t) =>
      [
        `${t.name} (${t.rows.toLocaleString('en-US')} rows): ${t.description}`,
        ...t.columns.map((c) => `  ${c.name} ${c.type}${c.description ? `: ${c.description}` : ''}`),
      ].join('\n'),
    )
    .join('\n\n');
}
