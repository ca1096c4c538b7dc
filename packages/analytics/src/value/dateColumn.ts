import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../duckdb.ts';
import { isDateType, isIntegerType } from '../duckdbTypes.ts';
import { InputError } from '../errors.ts';

/** How a date column is read: the SQL giving a DATE per row, and the form it was found in. */
export interface DateColumn {
  /** A DuckDB expression of type DATE (NULL where the cell is empty). */
  sql: string;
  /** 'date' (a DATE/TIMESTAMP column), 'iso', 'YYYYMMDD', or the strptime format used, e.g. '%d/%m/%Y'. */
  form: string;
}

/** Day-month and month-day forms with their separators; a time of day may follow. */
const ORDERS = [
  { name: 'day-month-year', date: (s: string, y: string) => `%d${s}%m${s}${y}` },
  { name: 'month-day-year', date: (s: string, y: string) => `%m${s}%d${s}${y}` },
];
const SEPARATORS = ['/', '-', '.'];
const YEARS = ['%Y', '%y'];
const TIMES = ['', ' %H:%M', ' %H:%M:%S'];

interface Candidate {
  form: string;
  formats: string[];
  order: string | null;
}

function candidates(): Candidate[] {
  const out: Candidate[] = [{ form: 'YYYYMMDD', formats: ['%Y%m%d'], order: null }];
  for (const sep of SEPARATORS) {
    for (const y of YEARS) {
      for (const o of ORDERS) {
        const date = o.date(sep, y);
        out.push({ form: date, formats: TIMES.map((t) => date + t), order: o.name });
      }
    }
  }
  return out;
}

function strptime(col: string, formats: string[]): string {
  const list = formats.map(quoteLiteral).join(', ');
  return `CAST(try_strptime(trim(${col}), [${list}]) AS DATE)`;
}

/**
 * Finds how a transaction log writes its dates and returns SQL reading them as DATEs. Accepted:
 * DATE/TIMESTAMP columns; YYYYMMDD integers (CDNOW); text in ISO form (2011-12-09, with or
 * without a time), YYYYMMDD, or day-month / month-day forms with /, - or . and a 2- or 4-digit
 * year, optionally followed by HH:MM[:SS] (UCI Online Retail's 12/1/2010 8:26). Every non-empty
 * value must read in one form. When both day-month and month-day read every value (no day above
 * 12), the column is ambiguous and the caller must say which with `format`.
 *
 * `format` (a strptime format such as %d/%m/%Y) overrides the detection.
 *
 * Throws InputError BAD_MAPPING naming the column, a value that does not read, and what to do.
 */
export async function resolveDateColumn(
  db: DuckDBConnection,
  src: string,
  column: string,
  type: string,
  format?: string,
): Promise<DateColumn> {
  const col = quoteIdent(column);
  if (format !== undefined) {
    const sql = strptime(`CAST(${col} AS VARCHAR)`, [format]);
    await requireAllRead(db, src, col, sql, column, `the format ${format}`);
    return { sql, form: format };
  }
  if (isDateType(type)) return { sql: `CAST(${col} AS DATE)`, form: 'date' };
  if (isIntegerType(type)) {
    const sql = strptime(`CAST(${col} AS VARCHAR)`, ['%Y%m%d']);
    await requireAllRead(db, src, col, sql, column, 'YYYYMMDD (the only integer form of a date)');
    return { sql, form: 'YYYYMMDD' };
  }
  if (type !== 'VARCHAR') {
    throw new InputError(
      'BAD_MAPPING',
      `column "${column}" (${type}) cannot be the date: it must hold dates, date-times, YYYYMMDD integers or text dates; ` +
        'name the right column with --map date=COLUMN',
      { column, type },
    );
  }
  const iso = `CAST(TRY_CAST(trim(${col}) AS TIMESTAMP) AS DATE)`;
  const all = [{ form: 'iso', sql: iso, order: null as string | null }].concat(
    candidates().map((c) => ({ form: c.form, sql: strptime(col, c.formats), order: c.order })),
  );
  const present = `${col} IS NOT NULL AND trim(${col}) <> ''`;
  const counts = all.map((c, i) => `count(*) FILTER (WHERE ${present} AND ${c.sql} IS NULL) AS f${i}`);
  const reader = await db.runAndReadAll(
    `SELECT count(*) FILTER (WHERE ${present}) AS n, ${counts.join(', ')} FROM ${src}`,
  );
  const row = reader.getRows()[0]!.map(Number);
  const failures = row.slice(1);
  const readable = all.filter((_, i) => failures[i] === 0);
  if (row[0] === 0 || readable.length === 0) {
    const best = failures.indexOf(Math.min(...failures));
    const example = await firstUnread(db, src, col, all[best]!.sql, present);
    throw new InputError(
      'BAD_MAPPING',
      `date column "${column}" has values that are not dates in any one form, e.g. "${example}"; ` +
        'write dates as YYYY-MM-DD, give the form with --date-format (e.g. --date-format %d/%m/%Y), ' +
        'or map another column with --map date=COLUMN',
      { column, example },
    );
  }
  const chosen = readable[0]!;
  if (chosen.order !== null) {
    const twin = readable.find((c) => c.order !== null && c.order !== chosen.order);
    if (twin) {
      throw new InputError(
        'BAD_MAPPING',
        `date column "${column}" reads both as ${chosen.form} (${chosen.order}) and as ${twin.form} (${twin.order}): ` +
          `no day is above 12, so which is the month is ambiguous; say with --date-format ${chosen.form} or --date-format ${twin.form}`,
        { column, forms: [chosen.form, twin.form] },
      );
    }
  }
  return { sql: chosen.sql, form: chosen.form };
}

async function requireAllRead(
  db: DuckDBConnection,
  src: string,
  col: string,
  sql: string,
  column: string,
  what: string,
): Promise<void> {
  const present = `${col} IS NOT NULL AND trim(CAST(${col} AS VARCHAR)) <> ''`;
  const example = await firstUnread(db, src, col, sql, present);
  if (example !== null) {
    throw new InputError(
      'BAD_MAPPING',
      `date column "${column}" has values that do not read as ${what}, e.g. "${example}"; ` +
        'give the form with --date-format (e.g. --date-format %d/%m/%Y) or map another column with --map date=COLUMN',
      { column, example },
    );
  }
}

async function firstUnread(
  db: DuckDBConnection,
  src: string,
  col: string,
  sql: string,
  present: string,
): Promise<string | null> {
  const reader = await db.runAndReadAll(
    `SELECT CAST(${col} AS VARCHAR) FROM ${src} WHERE ${present} AND ${sql} IS NULL LIMIT 1`,
  );
  const rows = reader.getRows();
  return rows.length === 0 ? null : String(rows[0]![0]);
}
