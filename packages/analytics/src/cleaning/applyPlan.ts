import { IsolationForest } from '@clientele/ml';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../duckdb.ts';
import { isNumericType } from '../duckdbTypes.ts';
import { InputError } from '../errors.ts';
import { countRows, describeTable, type LoadedTable } from '../ingest/loadTable.ts';
import { ROW_ORDER_COLUMN } from '../ingest/rowOrderColumn.ts';
import { readMatrixStream } from '../readMatrixStream.ts';
import type { CleaningPlan, PlanStep } from './planSchema.ts';

/** What one step did: rows before and after, values it changed, and anything worth saying. */
export interface StepReport {
  step: number;
  op: PlanStep['op'];
  rowsIn: number;
  rowsOut: number;
  /** Cells changed (replaced, set missing, filled, clipped) or rows marked; 0 for steps that only drop. */
  valuesChanged: number;
  detail: string;
}

const ORDER = ROW_ORDER_COLUMN;

/**
 * Applies a cleaning plan to a loaded table, step by step, in DuckDB. The table is the loader's
 * working copy: the user's file is never touched. Row order is the file's throughout, so the same
 * plan on the same data gives the same result, row for row.
 */
export async function applyPlan(t: LoadedTable, plan: CleaningPlan): Promise<StepReport[]> {
  const { db } = t;
  const table = quoteIdent(t.table);
  const cols = await describeTable(db, t.table);
  if (!cols.some((c) => c.name === ORDER)) {
    await db.run(`CREATE OR REPLACE TABLE ${table} AS SELECT rowid AS ${ORDER}, * FROM ${table}`);
  }
  const reports: StepReport[] = [];
  for (let i = 0; i < plan.steps.length; i++) {
    const step = plan.steps[i]!;
    const rowsIn = await countRows(db, t.table);
    const ctx: StepContext = { db, table, name: t.table, index: i + 1, step };
    const { valuesChanged, detail } = await runStep(ctx, await userColumns(db, t.table));
    reports.push({
      step: i + 1,
      op: step.op,
      rowsIn,
      rowsOut: await countRows(db, t.table),
      valuesChanged,
      detail,
    });
  }
  t.columns = (await describeTable(db, t.table)).filter((c) => c.name !== ORDER);
  t.nRows = await countRows(db, t.table);
  return reports;
}

/** SQL that reads the cleaned table in file order without the ordering column. */
export function cleanedSelect(t: LoadedTable): string {
  return `SELECT * EXCLUDE (${ORDER}) FROM ${quoteIdent(t.table)} ORDER BY ${ORDER}`;
}

interface StepContext {
  db: DuckDBConnection;
  table: string;
  name: string;
  index: number;
  step: PlanStep;
}

type Columns = { name: string; type: string }[];

async function userColumns(db: DuckDBConnection, table: string): Promise<Columns> {
  return (await describeTable(db, table)).filter((c) => c.name !== ORDER);
}

function fail(ctx: StepContext, message: string): never {
  throw new InputError('BAD_PLAN', `step ${ctx.index} (${ctx.step.op}): ${message}`, { step: ctx.index });
}

function need(ctx: StepContext, columns: Columns, name: string): { name: string; type: string } {
  const c = columns.find((x) => x.name === name);
  if (!c)
    fail(
      ctx,
      `there is no column "${name}" at this point; columns: ${columns.map((x) => x.name).join(', ')}`,
    );
  return c;
}

async function exec(db: DuckDBConnection, sql: string): Promise<number> {
  const r = await db.run(sql);
  return r.rowsChanged;
}

async function scalar(db: DuckDBConnection, sql: string): Promise<unknown> {
  const r = await db.runAndReadAll(sql);
  const row = r.getRowsJS()[0];
  return row ? row[0] : null;
}

/** A value from the plan as a SQL literal of the column's type. */
function literal(value: string | number | boolean | null, type: string): string {
  if (value === null) return 'NULL';
  return `CAST(${quoteLiteral(String(value))} AS ${type})`;
}

async function runStep(
  ctx: StepContext,
  columns: Columns,
): Promise<{ valuesChanged: number; detail: string }> {
  const { db, table, step } = ctx;
  switch (step.op) {
    case 'drop_duplicates': {
      const keys = (step.columns ?? columns.map((c) => c.name)).map((c) =>
        quoteIdent(need(ctx, columns, c).name),
      );
      // The first of each group of copies stays, where it was in the file.
      await db.run(
        `DELETE FROM ${table} WHERE ${ORDER} IN (SELECT ${ORDER} FROM (SELECT ${ORDER}, row_number() OVER (PARTITION BY ${keys.join(', ')} ORDER BY ${ORDER}) AS k FROM ${table}) WHERE k > 1)`,
      );
      return { valuesChanged: 0, detail: step.columns ? `same ${step.columns.join(', ')}` : 'exact copies' };
    }
    case 'drop_columns': {
      for (const c of step.columns)
        await db.run(`ALTER TABLE ${table} DROP COLUMN ${quoteIdent(need(ctx, columns, c).name)}`);
      return { valuesChanged: 0, detail: `dropped ${step.columns.join(', ')}` };
    }
    case 'cast': {
      const c = need(ctx, columns, step.column);
      const to = checkType(ctx, step.to);
      const q = quoteIdent(c.name);
      const source = c.type === 'VARCHAR' ? `nullif(trim(${q}), '')` : q;
      const bad = `${q} IS NOT NULL AND TRY_CAST(${source} AS ${to}) IS NULL`;
      const invalid = Number(await scalar(db, `SELECT count(*) FROM ${table} WHERE ${bad}`));
      if (invalid > 0 && !step.invalid_to_null) {
        const first = (
          await db.runAndReadAll(
            `SELECT CAST(${q} AS VARCHAR) AS v FROM ${table} WHERE ${bad} ORDER BY ${ORDER} LIMIT 1`,
          )
        ).getRowObjectsJS()[0]!;
        fail(
          ctx,
          `${invalid} values of "${c.name}" are not ${to}, e.g. "${String(first['v'])}"; set "invalid_to_null": true to make them missing`,
        );
      }
      await db.run(`ALTER TABLE ${table} ALTER ${q} SET DATA TYPE ${to} USING TRY_CAST(${source} AS ${to})`);
      return {
        valuesChanged: invalid,
        detail: `${c.type} -> ${to}${invalid > 0 ? `; ${invalid} values made missing` : ''}`,
      };
    }
    case 'replace': {
      const c = need(ctx, columns, step.column);
      const q = quoteIdent(c.name);
      let changed = 0;
      for (const [from, to] of Object.entries(step.values)) {
        changed += await exec(
          db,
          `UPDATE ${table} SET ${q} = ${literal(to, c.type)} WHERE ${q} = ${literal(from, c.type)}`,
        );
      }
      return { valuesChanged: changed, detail: `${Object.keys(step.values).length} value(s) mapped` };
    }
    case 'sentinel_to_missing': {
      const c = need(ctx, columns, step.column);
      const list = step.values.map((v) => literal(v, c.type)).join(', ');
      const changed = await exec(
        db,
        `UPDATE ${table} SET ${quoteIdent(c.name)} = NULL WHERE ${quoteIdent(c.name)} IN (${list})`,
      );
      return { valuesChanged: changed, detail: `${step.values.join(', ')} -> missing` };
    }
    case 'impute':
      return impute(ctx, step, columns);
    case 'drop_missing': {
      const cond = step.columns.map((c) => `${quoteIdent(need(ctx, columns, c).name)} IS NULL`).join(' OR ');
      await db.run(`DELETE FROM ${table} WHERE ${cond}`);
      return { valuesChanged: 0, detail: `rows missing ${step.columns.join(' or ')}` };
    }
    case 'iqr_filter':
      return iqrFilter(ctx, step, columns);
    case 'isolation_forest':
      return isolationForest(ctx, step, columns);
    case 'filter': {
      await checkExpression(ctx, step.where);
      await db.run(`DELETE FROM ${table} WHERE NOT coalesce((${step.where}), false)`);
      return { valuesChanged: 0, detail: `kept rows where ${step.where}` };
    }
    case 'mark_returns': {
      const inv = quoteIdent(need(ctx, columns, step.invoice).name);
      const qty = step.quantity ? quoteIdent(need(ctx, columns, step.quantity).name) : null;
      if (columns.some((c) => c.name === step.as))
        fail(ctx, `column "${step.as}" exists already; choose another "as"`);
      const cond = `CAST(${inv} AS VARCHAR) LIKE 'C%'${qty ? ` OR ${qty} < 0` : ''}`;
      await db.run(`ALTER TABLE ${table} ADD COLUMN ${quoteIdent(step.as)} BOOLEAN`);
      await db.run(`UPDATE ${table} SET ${quoteIdent(step.as)} = coalesce(${cond}, false)`);
      const marked = Number(await scalar(db, `SELECT count(*) FROM ${table} WHERE ${quoteIdent(step.as)}`));
      return { valuesChanged: marked, detail: `${marked} rows marked as returns in "${step.as}" (kept)` };
    }
    case 'drop_adjustments': {
      const inv = quoteIdent(need(ctx, columns, step.invoice).name);
      await db.run(`DELETE FROM ${table} WHERE CAST(${inv} AS VARCHAR) LIKE 'A%'`);
      return { valuesChanged: 0, detail: 'invoices starting with "A" (adjustments)' };
    }
    case 'drop_stock_codes': {
      const c = quoteIdent(need(ctx, columns, step.column).name);
      await db.run(
        `DELETE FROM ${table} WHERE CAST(${c} AS VARCHAR) IN (${step.codes.map(quoteLiteral).join(', ')})`,
      );
      return { valuesChanged: 0, detail: step.codes.join(', ') };
    }
  }
}

const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_ ]*(\(\d+(, *\d+)?\))?$/;

function checkType(ctx: StepContext, t: string): string {
  if (!TYPE_NAME.test(t))
    fail(ctx, `"${t}" is not a column type; use VARCHAR, BIGINT, DOUBLE, DATE, TIMESTAMP or BOOLEAN`);
  return t.toUpperCase();
}

async function impute(
  ctx: StepContext,
  step: Extract<PlanStep, { op: 'impute' }>,
  columns: Columns,
): Promise<{ valuesChanged: number; detail: string }> {
  const { db, table } = ctx;
  const c = need(ctx, columns, step.column);
  const q = quoteIdent(c.name);
  if (step.method === 'lookup') {
    if (!step.key || !step.values || Object.keys(step.values).length === 0) {
      fail(
        ctx,
        'method "lookup" needs "key" (the column that picks the value) and "values" ({ key value: fill })',
      );
    }
    const k = need(ctx, columns, step.key);
    let changed = 0;
    for (const [key, value] of Object.entries(step.values)) {
      changed += await exec(
        db,
        `UPDATE ${table} SET ${q} = ${literal(value, c.type)} WHERE ${q} IS NULL AND CAST(${quoteIdent(k.name)} AS VARCHAR) = ${quoteLiteral(key)}`,
      );
    }
    return { valuesChanged: changed, detail: `filled from a table keyed by "${k.name}"` };
  }
  let fill: string;
  let shown: string;
  if (step.method === 'constant') {
    if (step.value === undefined) fail(ctx, 'method "constant" needs "value"');
    fill = literal(step.value, c.type);
    shown = String(step.value);
  } else if (step.method === 'median') {
    if (!isNumericType(c.type))
      fail(ctx, `"${c.name}" is ${c.type}, not a number: use method "mode" or "constant"`);
    const m = await scalar(db, `SELECT quantile_cont(CAST(${q} AS DOUBLE), 0.5) FROM ${table}`);
    if (m === null) fail(ctx, `"${c.name}" has no values to take a median of`);
    fill = `CAST(${Number(m)} AS ${c.type})`;
    shown = `median ${Number(m)}`;
  } else {
    // Most frequent value; ties go to the smallest, so the result does not depend on scan order.
    const r = await db.runAndReadAll(
      `SELECT CAST(${q} AS VARCHAR) AS v FROM ${table} WHERE ${q} IS NOT NULL GROUP BY ${q} ORDER BY count(*) DESC, ${q} LIMIT 1`,
    );
    const v = r.getRowObjectsJS()[0];
    if (!v) fail(ctx, `"${c.name}" has no values to take a mode of`);
    fill = literal(String(v['v']), c.type);
    shown = `mode "${String(v['v'])}"`;
  }
  const changed = await exec(db, `UPDATE ${table} SET ${q} = ${fill} WHERE ${q} IS NULL`);
  return { valuesChanged: changed, detail: `filled with ${shown}` };
}

async function iqrFilter(
  ctx: StepContext,
  step: Extract<PlanStep, { op: 'iqr_filter' }>,
  columns: Columns,
): Promise<{ valuesChanged: number; detail: string }> {
  const { db, table } = ctx;
  const fences: string[] = [];
  let changed = 0;
  // Fences come from the data as it is before this step, all columns at once, so the order of
  // the columns in the step does not change the result.
  const bounds: { q: string; lo: number; hi: number; name: string }[] = [];
  for (const name of step.columns) {
    const c = need(ctx, columns, name);
    if (!isNumericType(c.type))
      fail(ctx, `"${c.name}" is ${c.type}; IQR needs a numeric column (cast it first)`);
    const q = quoteIdent(c.name);
    const r = await db.runAndReadAll(
      `SELECT quantile_cont(CAST(${q} AS DOUBLE), [0.25, 0.75]) AS q FROM ${table}`,
    );
    const qs = r.getRowObjectsJS()[0]!['q'] as number[] | null;
    if (!qs) fail(ctx, `"${c.name}" has no values`);
    const [q1, q3] = qs as [number, number];
    bounds.push({ q, lo: q1 - step.factor * (q3 - q1), hi: q3 + step.factor * (q3 - q1), name });
  }
  if (step.action === 'drop') {
    const cond = bounds.map((b) => `${b.q} < ${b.lo} OR ${b.q} > ${b.hi}`).join(' OR ');
    await db.run(`DELETE FROM ${table} WHERE ${cond}`);
  } else {
    for (const b of bounds) {
      changed += await exec(
        db,
        `UPDATE ${table} SET ${b.q} = greatest(least(${b.q}, ${b.hi}), ${b.lo}) WHERE ${b.q} < ${b.lo} OR ${b.q} > ${b.hi}`,
      );
    }
  }
  for (const b of bounds) fences.push(`${b.name} [${round(b.lo)}, ${round(b.hi)}]`);
  return { valuesChanged: changed, detail: `${step.action} outside ${fences.join('; ')}` };
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}

async function isolationForest(
  ctx: StepContext,
  step: Extract<PlanStep, { op: 'isolation_forest' }>,
  columns: Columns,
): Promise<{ valuesChanged: number; detail: string }> {
  const { db, table } = ctx;
  const chosen = step.columns ?? columns.filter((c) => isNumericType(c.type)).map((c) => c.name);
  if (chosen.length === 0) fail(ctx, 'no numeric columns to score; name them in "columns"');
  for (const name of chosen) {
    const c = need(ctx, columns, name);
    if (!isNumericType(c.type)) fail(ctx, `"${c.name}" is ${c.type}; Isolation Forest needs numeric columns`);
  }
  // Rows with a missing value in the chosen columns cannot be scored; they are kept.
  const complete = chosen.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  const { x, ids } = await readMatrixStream(
    db,
    `SELECT ${ORDER}, ${chosen.map((c) => `CAST(${quoteIdent(c)} AS DOUBLE)`).join(', ')} FROM ${table} WHERE ${complete} ORDER BY ${ORDER}`,
    chosen.length,
    { idColumn: true },
  );
  const n = x.rows;
  if (n < 2) fail(ctx, `only ${n} complete rows to score`);
  const forest = new IsolationForest({
    nEstimators: step.trees,
    contamination: step.contamination,
    seed: step.seed,
  }).fit(x);
  const flags = forest.predict(x);
  const drop: number[] = [];
  for (let i = 0; i < n; i++) if (flags[i] === -1) drop.push(ids![i]!);
  if (drop.length > 0) {
    await db.run('CREATE OR REPLACE TEMP TABLE __drop (r BIGINT)');
    for (let s = 0; s < drop.length; s += 10_000) {
      await db.run(
        `INSERT INTO __drop VALUES ${drop
          .slice(s, s + 10_000)
          .map((r) => `(${r})`)
          .join(', ')}`,
      );
    }
    await db.run(`DELETE FROM ${table} WHERE ${ORDER} IN (SELECT r FROM __drop)`);
    await db.run('DROP TABLE __drop');
  }
  return {
    valuesChanged: 0,
    detail: `${drop.length} of ${n} scored rows flagged (contamination ${step.contamination}, ${step.trees} trees, seed ${step.seed}) on ${chosen.join(', ')}`,
  };
}

/**
 * A filter is one SQL expression over the row's columns. DuckDB's own parser checks it is exactly
 * that: a single SELECT with this WHERE, no other statement smuggled in.
 */
async function checkExpression(ctx: StepContext, where: string): Promise<void> {
  const sql = `SELECT * FROM ${ctx.table} WHERE (${where})`;
  const parsed = JSON.parse(
    String(await scalar(ctx.db, `SELECT json_serialize_sql(${quoteLiteral(sql)})`)),
  ) as {
    error?: boolean;
    error_message?: string;
    statements?: unknown[];
  };
  if (parsed.error) fail(ctx, `"where" is not a valid expression: ${parsed.error_message}`);
  if ((parsed.statements?.length ?? 0) !== 1)
    fail(ctx, '"where" must be one expression, not several statements');
  try {
    await ctx.db.run(`SELECT count(*) FROM (${sql} LIMIT 0)`);
  } catch (err) {
    fail(ctx, `"where" does not run: ${(err as Error).message.split('\n')[0]}`);
  }
}
