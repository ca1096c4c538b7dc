import {
  DEFAULT_SQL_LIMIT,
  describeSchema,
  InputError,
  openRunSql,
  type SqlResult,
} from '@clientele/analytics';
import type { Command } from 'commander';
import { note, parseIntOption, parsePositive, printJson } from '../options.ts';
import { formatRows } from '../printRows.ts';

interface SqlFlags {
  run: string;
  json?: boolean;
  limit: number;
  timeout: number;
}

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description(
      "read-only SQL over a run folder's tables (segments, assignments, scores, value, insiders, selection); without a statement, the tables and their columns",
    )
    .argument(
      '[statement]',
      'one SELECT query in DuckDB SQL, e.g. "SELECT segment, count(*) FROM assignments GROUP BY 1"',
    )
    .requiredOption('--run <dir>', 'a run folder written by clientele analyze --out DIR')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .option('--limit <n>', 'rows returned at most', parseIntOption('limit', 0), DEFAULT_SQL_LIMIT)
    .option('--timeout <seconds>', 'stop the query after this long', parsePositive('timeout'), 10)
    .action(async (statement: string | undefined, flags: SqlFlags) => runSql(statement, flags));
}

async function runSql(statement: string | undefined, flags: SqlFlags): Promise<void> {
  const sql = await openRunSql(flags.run);
  try {
    if (statement === undefined) {
      if (flags.json) printJson({ run: sql.dir, tables: sql.tables });
      else process.stdout.write(`${describeSchema(sql.tables)}\n`);
      return;
    }
    const r = await sql.query(statement, { limit: flags.limit, timeoutMs: flags.timeout * 1000 });
    if (!r.ok) throw sqlError(r);
    if (flags.json) {
      printJson({ columns: r.columns, rows: r.rows, truncated: r.truncated, ms: r.ms });
      return;
    }
    process.stdout.write(`${formatRows(r.columns, r.rows)}\n`);
    note(
      r.truncated
        ? `the first ${r.rows.length} rows; there are more: aggregate, add a LIMIT, or raise --limit`
        : `${r.rows.length} row${r.rows.length === 1 ? '' : 's'} (${(r.ms / 1000).toFixed(2)} s)`,
    );
  } finally {
    sql.close();
  }
}

/** A statement that did not run, as the error the CLI prints (exit code 3). */
export function sqlError(r: Extract<SqlResult, { ok: false }>): InputError {
  if (r.refused) return new InputError('SQL_REFUSED', `refused: ${r.message}`, { code: r.code });
  return new InputError('SQL_FAILED', `the query did not run: ${r.message}`, { code: r.code });
}
