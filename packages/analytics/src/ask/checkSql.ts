import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../duckdb.ts';

/** Why a statement was not run. `SYNTAX` is a mistake; every other code is a refusal (audited). */
export type SqlRefusal =
  | 'EMPTY'
  | 'TOO_LONG'
  | 'SYNTAX'
  | 'SEVERAL_STATEMENTS'
  | 'NOT_A_SELECT'
  | 'READS_FILES'
  | 'UNKNOWN_TABLE'
  | 'FORBIDDEN_FUNCTION';

export type SqlCheck = { ok: true } | { ok: false; code: SqlRefusal; message: string };

/** Longest statement accepted: a question's query is a few lines; this bounds the parser's work. */
export const MAX_SQL_LENGTH = 20_000;

/**
 * Table functions a read-only question may use: they make rows from their arguments and touch
 * nothing else. Every other table function is refused: read_csv / read_parquet / read_text read
 * files, `query` runs a SQL string, duckdb_* and pragma_* show the engine's settings.
 */
const ALLOWED_TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);

/** Scalar functions that show the engine's settings or the host (the run folder's path among them). */
const FORBIDDEN_FUNCTIONS = new Set(['current_setting', 'getenv', 'getvariable', 'query', 'query_table']);

/**
 * Is `sql` one read-only SELECT over the run's tables? Decided by DuckDB's own parser, never by
 * matching text: `extractStatements` counts the statements, `json_serialize_sql` (which serialises
 * SELECT statements only) gives the syntax tree, and every table the tree reads must be one of
 * `tables` (or a CTE of the statement itself); a table function or a quoted file name ('x.csv',
 * '/data/runs/other/assignments.parquet') is refused. Nothing is bound or run here.
 *
 * The session is locked down as well (`openRunSql`: no file access beyond the run's own files, no
 * extensions, configuration locked): this check gives a clear message, the lock is the wall.
 */
export async function checkSql(
  db: DuckDBConnection,
  sql: string,
  tables: readonly string[],
): Promise<SqlCheck> {
  const text = sql.trim();
  if (text === '' || /^[;\s]*$/.test(text)) {
    return refuse('EMPTY', 'the statement is empty: write one SELECT query');
  }
  if (text.length > MAX_SQL_LENGTH) {
    return refuse(
      'TOO_LONG',
      `the statement is ${text.length} characters long; at most ${MAX_SQL_LENGTH} are accepted`,
    );
  }
  let count: number;
  try {
    count = (await db.extractStatements(text)).count;
  } catch (err) {
    return refuse('SYNTAX', `DuckDB could not parse the statement: ${firstLine(err)}`);
  }
  if (count === 0) return refuse('EMPTY', 'the statement is empty: write one SELECT query');
  if (count > 1) {
    return refuse(
      'SEVERAL_STATEMENTS',
      // DuckDB reads a PIVOT whose values are not listed as two statements (it makes a type first).
      `${count} statements were sent; run one SELECT query at a time (no ";" between statements; a PIVOT lists its values: PIVOT t ON c IN ('a', 'b') USING count(*))`,
    );
  }
  const tree = await serialize(db, text);
  if (tree === null) {
    return refuse(
      'NOT_A_SELECT',
      `only a read-only SELECT query can run here, and this is ${statementKind(text)}: nothing is ever written, changed, attached, loaded or set`,
    );
  }
  return checkTree(tree, tables);
}

/** The statement's syntax tree, or null when DuckDB says it is not a SELECT. */
async function serialize(db: DuckDBConnection, sql: string): Promise<unknown[] | null> {
  const reader = await db.runAndReadAll(`SELECT json_serialize_sql(${quoteLiteral(sql)})`);
  const parsed = JSON.parse(String(reader.getRows()[0]![0])) as {
    error: boolean;
    statements?: unknown[];
  };
  return parsed.error ? null : (parsed.statements ?? []);
}

/**
 * What kind of statement it is, for the message only (the parser has already decided): its first
 * keyword. Nothing is prepared, since preparing binds, and binding a table function opens files.
 */
function statementKind(sql: string): string {
  const stripped = sql.replace(/^(\s*--[^\n]*\n|\s*\/\*[\s\S]*?\*\/)*/, '');
  const word = /^[\s(]*([A-Za-z]+)/.exec(stripped)?.[1]?.toUpperCase();
  if (!word || word === 'WITH' || word === 'SELECT' || word === 'FROM')
    return 'a statement that is not a SELECT';
  return `a${/^[AEIOU]/.test(word) ? 'n' : ''} ${word} statement`;
}

interface TableRef {
  type: 'BASE_TABLE' | 'TABLE_FUNCTION';
  catalog_name?: string;
  schema_name?: string;
  table_name?: string;
  function?: { function_name?: string };
}

interface FunctionNode {
  class: 'FUNCTION';
  function_name: string;
}

/** Walks the whole tree: every table reference, CTE name and function call, wherever it sits. */
function checkTree(statements: unknown[], tables: readonly string[]): SqlCheck {
  const refs: TableRef[] = [];
  const ctes = new Set<string>();
  const functions: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o['type'] === 'BASE_TABLE' || o['type'] === 'TABLE_FUNCTION') refs.push(o as unknown as TableRef);
    if (o['class'] === 'FUNCTION' && typeof o['function_name'] === 'string') {
      functions.push((o as unknown as FunctionNode).function_name.toLowerCase());
    }
    const cteMap = o['cte_map'] as { map?: { key?: unknown }[] } | undefined;
    for (const entry of cteMap?.map ?? [])
      if (typeof entry.key === 'string') ctes.add(entry.key.toLowerCase());
    for (const value of Object.values(o)) if (value !== null && typeof value === 'object') visit(value);
  };
  visit(statements);

  const known = new Set(tables.map((t) => t.toLowerCase()));
  const list = tables.join(', ');
  for (const ref of refs) {
    if (ref.type === 'TABLE_FUNCTION') {
      const name = (ref.function?.function_name ?? '').toLowerCase();
      if (ALLOWED_TABLE_FUNCTIONS.has(name)) continue;
      return refuse(
        'READS_FILES',
        `${name}(...) is not allowed: queries read this run's tables only (${list}), never files, URLs or the engine's settings`,
      );
    }
    const name = ref.table_name ?? '';
    const schema = (ref.schema_name ?? '').toLowerCase();
    const catalog = (ref.catalog_name ?? '').toLowerCase();
    const qualified = [catalog, schema].filter((s) => s !== '').join('.');
    const plain =
      (qualified === '' || qualified === 'main') &&
      (known.has(name.toLowerCase()) || ctes.has(name.toLowerCase()));
    if (plain) continue;
    if (/[/\\.:]/.test(name)) {
      return refuse(
        'READS_FILES',
        `"${name}" looks like a file or a URL: queries read this run's tables only (${list}), never files or other runs' folders`,
      );
    }
    return refuse(
      'UNKNOWN_TABLE',
      `there is no table ${qualified ? `${qualified}.` : ''}${name} here: this run's tables are ${list}`,
    );
  }
  const forbidden = functions.find((f) => FORBIDDEN_FUNCTIONS.has(f));
  if (forbidden) {
    return refuse(
      'FORBIDDEN_FUNCTION',
      `${forbidden}(...) is not allowed: it shows the engine's settings or the host, not the run's data`,
    );
  }
  return { ok: true };
}

function refuse(code: SqlRefusal, message: string): SqlCheck {
  return { ok: false, code, message };
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err))
    .split('\n')[0]!
    .replace(/^Failed to extract statements: /, '');
}
