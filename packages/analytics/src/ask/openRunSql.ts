import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBResultReader,
  StatementType,
} from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../duckdb.ts';
import { checkSql, type SqlRefusal } from './checkSql.ts';
import { columnMeaning, TABLE_MEANINGS } from './columnMeanings.ts';
import { lockDuckDB } from './lockDuckDB.ts';
import { findRunFolder, type RunFolder } from './runTables.ts';

export interface ColumnSchema {
  name: string;
  /** DuckDB's type, e.g. VARCHAR, DOUBLE, INTEGER. */
  type: string;
  description: string | null;
}

/** One table the SQL of a run can read, as the model and the person see it. */
export interface TableSchema {
  name: string;
  description: string;
  rows: number;
  columns: ColumnSchema[];
}

/** A cell as JSON: numbers (whole numbers within 2^53 too), text, booleans, dates as text, lists. */
export type SqlCell = string | number | boolean | null | SqlCell[] | { [key: string]: SqlCell };

export type SqlResult =
  | {
      ok: true;
      sql: string;
      columns: { name: string; type: string }[];
      rows: SqlCell[][];
      /** More rows than `limit` were there; `rows` holds the first `limit`. */
      truncated: boolean;
      ms: number;
    }
  | {
      ok: false;
      sql: string;
      /** A refusal of the checker, FAILED (DuckDB's error: a wrong column, say) or TIMEOUT. */
      code: SqlRefusal | 'FAILED' | 'TIMEOUT';
      /** The statement tried to do what is never allowed (write, read files, other tables): audited. */
      refused: boolean;
      message: string;
    };

export interface SqlLimits {
  /** Rows returned at most (default 1,000). */
  limit?: number;
  /** The query is interrupted after this long (default 10 s). */
  timeoutMs?: number;
}

export interface RunSql {
  readonly dir: string;
  readonly tables: TableSchema[];
  /** Checks `sql` (one read-only SELECT over `tables`), runs it within the limits. Never throws for the statement's faults. */
  query(sql: string, limits?: SqlLimits): Promise<SqlResult>;
  close(): void;
}

export interface RunSqlOptions {
  /** DuckDB threads (default 2). */
  threads?: number;
  /** DuckDB memory limit (default '1GB'); a query over it fails rather than swap. */
  memoryLimit?: string;
}

export const DEFAULT_SQL_LIMIT = 1000;
export const DEFAULT_SQL_TIMEOUT_MS = 10_000;

/**
 * A read-only SQL session over one run folder's tables. Each table is a view over the run's
 * Parquet (or CSV) file, or a small table made from segments.json; then DuckDB is locked: files
 * other than those are out of reach (`allowed_paths` + `enable_external_access = false`),
 * extensions are neither installed nor loaded, and `lock_configuration` refuses any SET that would
 * undo it. Every statement also goes through `checkSql` first, for a clear refusal.
 *
 * ```ts
 * const sql = await openRunSql('runs/2026-11');
 * const r = await sql.query('SELECT segment, count(*) AS n FROM assignments GROUP BY 1 ORDER BY 1');
 * // r.ok && r.columns = [{ name: 'segment', type: 'INTEGER' }, { name: 'n', type: 'BIGINT' }], r.rows = [[0, 541], ...]
 * sql.close();
 * ```
 */
export async function openRunSql(dir: string, options: RunSqlOptions = {}): Promise<RunSql> {
  const folder = findRunFolder(dir);
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(options.threads ?? 2),
    memory_limit: options.memoryLimit ?? '1GB',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const db = await instance.connect();
  try {
    const tables = await createTables(db, folder);
    await lockDuckDB(
      db,
      folder.files.map((f) => f.path),
    );
    return session(db, instance, folder.dir, tables);
  } catch (err) {
    db.closeSync();
    instance.closeSync();
    throw err;
  }
}

async function createTables(db: DuckDBConnection, folder: RunFolder): Promise<TableSchema[]> {
  const names: string[] = [];
  for (const f of folder.files) {
    const read =
      f.format === 'parquet'
        ? `read_parquet(${quoteLiteral(f.path)})`
        : `read_csv(${quoteLiteral(f.path)}, header = true)`;
    await db.run(`CREATE VIEW ${quoteIdent(f.name)} AS SELECT * FROM ${read}`);
    names.push(f.name);
  }
  if (folder.segments) {
    await segmentTables(db, folder);
    // The segments first: a person reads them before the per-customer tables.
    names.unshift('segments', 'segment_features');
  }
  const features = new Set(folder.segmentFeatures);
  const tables: TableSchema[] = [];
  for (const name of names) {
    const described = (await db.runAndReadAll(`DESCRIBE ${quoteIdent(name)}`)).getRowObjectsJson();
    const rows = Number(
      (await db.runAndReadAll(`SELECT count(*) FROM ${quoteIdent(name)}`)).getRows()[0]![0],
    );
    tables.push({
      name,
      description: TABLE_MEANINGS[name] ?? name,
      rows,
      columns: described.map((c) => {
        const column = String(c['column_name']);
        const own = columnMeaning(name, column);
        const isFeature = name === 'assignments' && own === null;
        return {
          name: column,
          type: String(c['column_type']),
          description:
            own ??
            (isFeature
              ? `a column of the input data${features.has(column) ? ', one the segments were found on' : ''}`
              : null),
        };
      }),
    });
  }
  return tables;
}

/** segments.json -> `segments` (one row per segment) and `segment_features` (segment x feature). */
async function segmentTables(db: DuckDBConnection, folder: RunFolder): Promise<void> {
  await db.run(
    'CREATE TABLE segments (segment INTEGER, name VARCHAR, description VARCHAR, size INTEGER, share DOUBLE, revenue_share DOUBLE)',
  );
  await db.run(
    `CREATE TABLE segment_features (segment INTEGER, feature VARCHAR, mean DOUBLE, std DOUBLE, min DOUBLE, q1 DOUBLE,
       median DOUBLE, q3 DOUBLE, max DOUBLE, z DOUBLE, driver_importance DOUBLE, driver_direction VARCHAR)`,
  );
  const seg = await db.createAppender('segments');
  const feat = await db.createAppender('segment_features');
  const double = (a: typeof seg, v: number | null | undefined): void => {
    if (v === null || v === undefined || !Number.isFinite(v)) a.appendNull();
    else a.appendDouble(v);
  };
  for (const s of folder.segments ?? []) {
    seg.appendInteger(s.id);
    seg.appendVarchar(s.name ?? '');
    seg.appendVarchar(s.description ?? '');
    seg.appendInteger(s.size);
    double(seg, s.share);
    double(seg, s.revenueShare);
    seg.endRow();
    const drivers = new Map((s.drivers ?? []).map((d) => [d.feature, d]));
    for (const st of s.stats ?? []) {
      feat.appendInteger(s.id);
      feat.appendVarchar(st.feature);
      for (const v of [st.mean, st.std, st.min, st.q1, st.median, st.q3, st.max, st.z]) double(feat, v);
      const d = drivers.get(st.feature);
      double(feat, d?.importance);
      if (d) feat.appendVarchar(d.direction);
      else feat.appendNull();
      feat.endRow();
    }
  }
  seg.closeSync();
  feat.closeSync();
}

function session(db: DuckDBConnection, instance: DuckDBInstance, dir: string, tables: TableSchema[]): RunSql {
  const names = tables.map((t) => t.name);
  // One statement at a time: the time limit interrupts the connection, so it must be the right query.
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const run = async (sql: string, limits: SqlLimits): Promise<SqlResult> => {
    if (closed) throw new Error('this SQL session is closed');
    const check = await checkSql(db, sql, names);
    if (!check.ok)
      return { ok: false, sql, code: check.code, refused: check.code !== 'SYNTAX', message: check.message };
    const limit = Math.max(0, Math.floor(limits.limit ?? DEFAULT_SQL_LIMIT));
    const timeoutMs = limits.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
    const started = performance.now();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      db.interrupt();
    }, timeoutMs);
    try {
      const prepared = await (await db.extractStatements(sql.trim())).prepare(0);
      try {
        // The parser said SELECT; the binder must agree (a second look costs nothing).
        if (prepared.statementType !== StatementType.SELECT) {
          return {
            ok: false,
            sql,
            code: 'NOT_A_SELECT',
            refused: true,
            message: 'only a read-only SELECT query can run here',
          };
        }
        const reader = await prepared.streamAndReadUntil(limit + 1);
        return { ok: true, sql, ...readRows(reader, limit), ms: Math.round(performance.now() - started) };
      } finally {
        prepared.destroySync();
      }
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
      if (timedOut || /^INTERRUPT/.test(message)) {
        return {
          ok: false,
          sql,
          code: 'TIMEOUT',
          refused: false,
          message: `the query ran longer than ${timeoutMs / 1000} s and was stopped: filter or aggregate first (WHERE, GROUP BY), or add a LIMIT`,
        };
      }
      return { ok: false, sql, code: 'FAILED', refused: false, message };
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    dir,
    tables,
    query(sql, limits = {}) {
      const next = queue.then(() => run(sql, limits));
      queue = next.catch(() => undefined);
      return next;
    },
    close() {
      if (closed) return;
      closed = true;
      db.closeSync();
      instance.closeSync();
    },
  };
}

const WHOLE = /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT)$/;

/** The first `limit` rows as JSON cells: whole numbers and decimals as numbers, NaN and infinities as null. */
function readRows(
  reader: DuckDBResultReader,
  limit: number,
): { columns: { name: string; type: string }[]; rows: SqlCell[][]; truncated: boolean } {
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  const all = reader.getRowsJson() as SqlCell[][];
  const rows = all.slice(0, limit).map((row) =>
    row.map((cell, j) => {
      const type = types[j]!;
      if (typeof cell !== 'string') return cell;
      if (WHOLE.test(type)) {
        const n = Number(cell);
        return Number.isSafeInteger(n) ? n : cell;
      }
      if (type.startsWith('DECIMAL')) return Number(cell);
      if ((type === 'DOUBLE' || type === 'FLOAT') && /^-?(NaN|Infinity)$/.test(cell)) return null;
      return cell;
    }),
  );
  return {
    columns: names.map((name, j) => ({ name, type: types[j]! })),
    rows,
    truncated: all.length > limit,
  };
}
