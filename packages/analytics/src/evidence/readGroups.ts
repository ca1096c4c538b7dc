import { quoteIdent } from '../duckdb.ts';
import { isNumericType } from '../duckdbTypes.ts';
import { InputError } from '../errors.ts';
import type { LoadedTable } from '../ingest/loadTable.ts';

/** Where the groups are read from: a loaded file, or any table in its connection. */
export type GroupSource = Pick<LoadedTable, 'db' | 'table' | 'columns'>;

/** Which groups of the group column are compared, and in which order (A first, B second). */
export interface GroupChoice {
  /** Exactly two group values, A then B; default: the two values the column has, sorted. */
  groups?: string[];
}

/** Rows left out of a comparison, by reason. */
export interface LeftOut {
  noGroup: number;
  noMetric: number;
  otherGroups: number;
}

/** The type of column `name`, or an UNKNOWN_COLUMN error naming the flag and listing the columns. */
export function columnType(t: GroupSource, name: string, flag: string): string {
  const col = t.columns.find((c) => c.name === name);
  if (!col) {
    throw new InputError(
      'UNKNOWN_COLUMN',
      `${flag} ${name}: the file has no column "${name}"; its columns are ${t.columns.map((c) => c.name).join(', ')}`,
      { column: name },
    );
  }
  return col.type;
}

async function groupValues(t: GroupSource, group: string): Promise<string[]> {
  const reader = await t.db.runAndReadAll(
    `SELECT DISTINCT CAST(${quoteIdent(group)} AS VARCHAR) AS g FROM ${quoteIdent(t.table)}
     WHERE ${quoteIdent(group)} IS NOT NULL ORDER BY g LIMIT 1001`,
  );
  return reader.getRows().map((r) => String(r[0]));
}

async function chooseTwo(t: GroupSource, group: string, choice: GroupChoice): Promise<[string, string]> {
  const present = await groupValues(t, group);
  if (choice.groups !== undefined) {
    if (choice.groups.length !== 2) {
      throw new InputError(
        'BAD_OPTION',
        `--groups takes two values, A and B (e.g. --groups control,treatment)`,
      );
    }
    for (const g of choice.groups) {
      if (!present.includes(g)) {
        throw new InputError(
          'BAD_OPTION',
          `--groups: column "${group}" has no value "${g}"; it has ${present.slice(0, 20).join(', ')}`,
          { group: g },
        );
      }
    }
    return [choice.groups[0]!, choice.groups[1]!];
  }
  if (present.length !== 2) {
    throw new InputError(
      'BAD_OPTION',
      `column "${group}" has ${present.length} group${present.length === 1 ? '' : 's'} (${present.slice(0, 10).join(', ')}${present.length > 10 ? ', ...' : ''}); ` +
        'this test compares two: name them with --groups A,B',
      { groups: present.slice(0, 20) },
    );
  }
  return [present[0]!, present[1]!];
}

/**
 * The numeric metric of the two compared groups (Welch, Mann-Whitney, bootstrap). Rows without a
 * group or a metric value are left out and counted.
 */
export async function readNumericGroups(
  t: GroupSource,
  group: string,
  metric: string,
  choice: GroupChoice = {},
): Promise<{ names: [string, string]; values: [Float64Array, Float64Array]; leftOut: LeftOut }> {
  columnType(t, group, '--group');
  const type = columnType(t, metric, '--metric');
  if (!isNumericType(type)) {
    throw new InputError(
      'NOT_NUMERIC',
      `--metric ${metric} is ${type}, not a number; this test compares numbers (for a yes/no outcome use --kind ztest or bayes-ab, for categories chisq)`,
      { column: metric, type },
    );
  }
  const names = await chooseTwo(t, group, choice);
  const g = `CAST(${quoteIdent(group)} AS VARCHAR)`;
  const m = `CAST(${quoteIdent(metric)} AS DOUBLE)`;
  const values = [] as unknown as [Float64Array, Float64Array];
  for (const name of names) {
    const reader = await t.db.runAndReadAll(
      `SELECT ${m} FROM ${quoteIdent(t.table)} WHERE ${g} = $1 AND ${m} IS NOT NULL AND isfinite(${m})`,
      [name],
    );
    values.push(Float64Array.from(reader.getRows(), (r) => Number(r[0])));
  }
  return { names, values, leftOut: await leftOut(t, g, m, names) };
}

async function leftOut(t: GroupSource, g: string, m: string, names: string[]): Promise<LeftOut> {
  const reader = await t.db.runAndReadAll(
    `SELECT CAST(count(*) FILTER (WHERE ${g} IS NULL) AS DOUBLE),
       CAST(count(*) FILTER (WHERE ${g} IN ($1, $2) AND (${m} IS NULL OR NOT isfinite(${m}))) AS DOUBLE),
       CAST(count(*) FILTER (WHERE ${g} NOT IN ($1, $2)) AS DOUBLE)
     FROM ${quoteIdent(t.table)}`,
    names,
  );
  const [noGroup, noMetric, otherGroups] = reader.getRows()[0]!.map(Number) as [number, number, number];
  return { noGroup, noMetric, otherGroups };
}

const TRUE_WORDS = ['1', 'true', 'yes', 'y', 't'];
const FALSE_WORDS = ['0', 'false', 'no', 'n', 'f'];

/**
 * Successes and trials of a yes/no metric in the two compared groups (z test, Bayesian A/B).
 * The metric may be 0/1, true/false or yes/no (any case); another value is an error.
 */
export async function readBinaryGroups(
  t: GroupSource,
  group: string,
  metric: string,
  choice: GroupChoice = {},
): Promise<{
  names: [string, string];
  successes: [number, number];
  trials: [number, number];
  leftOut: LeftOut;
}> {
  columnType(t, group, '--group');
  columnType(t, metric, '--metric');
  const names = await chooseTwo(t, group, choice);
  const g = `CAST(${quoteIdent(group)} AS VARCHAR)`;
  const raw = `lower(trim(CAST(${quoteIdent(metric)} AS VARCHAR)))`;
  const list = (words: string[]): string => words.map((w) => `'${w}'`).join(', ');
  const bad = (
    await t.db.runAndReadAll(
      `SELECT CAST(${quoteIdent(metric)} AS VARCHAR) FROM ${quoteIdent(t.table)}
       WHERE ${g} IN ($1, $2) AND ${raw} <> '' AND ${raw} NOT IN (${list([...TRUE_WORDS, ...FALSE_WORDS])}) LIMIT 1`,
      names,
    )
  ).getRows();
  if (bad.length > 0) {
    throw new InputError(
      'BAD_OPTION',
      `--metric ${metric} must be a yes/no outcome (1/0, true/false, yes/no) for this test; it has "${bad[0]![0]}". ` +
        'For a number use --kind welch, mannwhitney or bootstrap; for categories chisq',
      { column: metric, example: String(bad[0]![0]) },
    );
  }
  const successes = [0, 0] as [number, number];
  const trials = [0, 0] as [number, number];
  for (let k = 0; k < 2; k++) {
    const reader = await t.db.runAndReadAll(
      `SELECT CAST(count(*) FILTER (WHERE ${raw} IN (${list(TRUE_WORDS)})) AS DOUBLE),
         CAST(count(*) FILTER (WHERE ${raw} IN (${list([...TRUE_WORDS, ...FALSE_WORDS])})) AS DOUBLE)
       FROM ${quoteIdent(t.table)} WHERE ${g} = $1`,
      [names[k]!],
    );
    const [s, n] = reader.getRows()[0]!.map(Number) as [number, number];
    successes[k] = s;
    trials[k] = n;
  }
  const m = `CASE WHEN ${raw} IN (${list([...TRUE_WORDS, ...FALSE_WORDS])}) THEN 1.0 END`;
  return { names, successes, trials, leftOut: await leftOut(t, g, m, names) };
}

/**
 * A contingency table of group values (rows) by metric values (columns), both sorted, for the
 * chi-square test of independence. Every group takes part unless `groups` names some.
 */
export async function readContingency(
  t: GroupSource,
  group: string,
  metric: string,
  choice: { groups?: string[] } = {},
): Promise<{ rows: string[]; cols: string[]; counts: number[][]; leftOut: number }> {
  columnType(t, group, '--group');
  columnType(t, metric, '--metric');
  const g = `CAST(${quoteIdent(group)} AS VARCHAR)`;
  const m = `CAST(${quoteIdent(metric)} AS VARCHAR)`;
  const reader = await t.db.runAndReadAll(
    `SELECT ${g}, ${m}, CAST(count(*) AS DOUBLE) FROM ${quoteIdent(t.table)}
     WHERE ${g} IS NOT NULL AND ${m} IS NOT NULL GROUP BY ALL`,
  );
  const cells = reader.getRows().map((r) => [String(r[0]), String(r[1]), Number(r[2])] as const);
  const wanted = choice.groups ? new Set(choice.groups) : null;
  const kept = cells.filter(([a]) => wanted === null || wanted.has(a));
  const rows = [...new Set(kept.map((c) => c[0]))].sort();
  const cols = [...new Set(kept.map((c) => c[1]))].sort();
  if (rows.length < 2 || cols.length < 2) {
    throw new InputError(
      'BAD_OPTION',
      `a chi-square test needs at least two groups and two outcomes; "${group}" has ${rows.length} and "${metric}" has ${cols.length}`,
    );
  }
  if (rows.length * cols.length > 10_000) {
    throw new InputError(
      'BAD_OPTION',
      `"${group}" x "${metric}" makes a ${rows.length} x ${cols.length} table: is one of them a number or an id? ` +
        'a chi-square test compares a few categories',
    );
  }
  const counts = rows.map(() => cols.map(() => 0));
  for (const [a, b, n] of kept) counts[rows.indexOf(a)]![cols.indexOf(b)] += n;
  const total = cells.reduce((s, c) => s + c[2], 0);
  const all = Number(
    (
      await t.db.runAndReadAll(`SELECT CAST(count(*) AS DOUBLE) FROM ${quoteIdent(t.table)}`)
    ).getRows()[0]![0],
  );
  return {
    rows,
    cols,
    counts,
    leftOut: all - total + cells.filter(([a]) => !rows.includes(a)).reduce((s, c) => s + c[2], 0),
  };
}
