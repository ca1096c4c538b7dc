import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan, cleanedSelect, type StepReport } from '../src/cleaning/applyPlan.ts';
import { parsePlan } from '../src/cleaning/planSchema.ts';
import { suggestPlan } from '../src/cleaning/suggestPlan.ts';
import { InputError } from '../src/errors.ts';
import { loadTable } from '../src/ingest/loadTable.ts';
import { profileTable } from '../src/profile/profileTable.ts';
import { writeQuery } from '../src/writeTable.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'clientele-clean-'));

function csv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Applies steps to a CSV and returns the reports and the cleaned rows. */
async function clean(
  path: string,
  steps: unknown[],
): Promise<{ reports: StepReport[]; rows: Record<string, unknown>[]; columns: string[] }> {
  const t = await loadTable(path);
  try {
    const reports = await applyPlan(t, parsePlan({ version: 1, steps }));
    const r = await t.db.runAndReadAll(cleanedSelect(t));
    return {
      reports,
      rows: r.getRowObjectsJS() as Record<string, unknown>[],
      columns: t.columns.map((c) => c.name),
    };
  } finally {
    t.close();
  }
}

async function planError(path: string, steps: unknown[]): Promise<string> {
  try {
    await clean(path, steps);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('BAD_PLAN');
    return (err as Error).message;
  }
  throw new Error('the plan should have been refused');
}

const people = csv(
  'people.csv',
  [
    'id,name,age,city,days,spend',
    '1,Ana,34,Lima,10,100',
    '2,Bo,,Quito,9999,120',
    '3,Cy,51,,12,90',
    '1,Ana,34,Lima,10,100',
    '4,Di,29,Lima,9999,5000',
    '5,Ed,,Lima,14,110',
  ].join('\n'),
);

describe('parsePlan', () => {
  it('names the step and field that are wrong', () => {
    expect(() => parsePlan('{"steps": [')).toThrow(/not valid JSON/);
    expect(() => parsePlan({ steps: [{ op: 'drop_duplicates' }, { op: 'explode' }] })).toThrow(
      /step 2 \(explode\).*"op" must be one of drop_duplicates, drop_columns/,
    );
    expect(() => parsePlan({ steps: [{ op: 'iqr_filter', columns: ['a'], action: 'shred' }] })).toThrow(
      /step 1 \(iqr_filter\), field "action"/,
    );
    expect(() => parsePlan({ steps: [{ op: 'impute', column: 'a', method: 'median', value: {} }] })).toThrow(
      /field "value"/,
    );
    expect(parsePlan({ steps: [{ op: 'iqr_filter', columns: ['a'], action: 'clip' }] }).steps[0]).toEqual({
      op: 'iqr_filter',
      columns: ['a'],
      action: 'clip',
      factor: 1.5,
    });
  });
});

describe('applyPlan: each step, with the rows it changed', () => {
  it('drop_duplicates keeps the first copy in file order; drop_columns; drop_missing', async () => {
    const { reports, rows, columns } = await clean(people, [
      { op: 'drop_duplicates' },
      { op: 'drop_columns', columns: ['spend'] },
      { op: 'drop_missing', columns: ['age'] },
    ]);
    expect(reports.map((r) => [r.op, r.rowsIn, r.rowsOut])).toEqual([
      ['drop_duplicates', 6, 5],
      ['drop_columns', 5, 5],
      ['drop_missing', 5, 3],
    ]);
    expect(columns).toEqual(['id', 'name', 'age', 'city', 'days']);
    expect(rows.map((r) => r['name'])).toEqual(['Ana', 'Cy', 'Di']);
  });

  it('sentinel_to_missing, then impute by median, mode, constant and lookup', async () => {
    const { reports, rows } = await clean(people, [
      { op: 'sentinel_to_missing', column: 'days', values: [9999] },
      { op: 'impute', column: 'days', method: 'median' },
      { op: 'impute', column: 'city', method: 'lookup', key: 'name', values: { Cy: 'Cusco' } },
      { op: 'impute', column: 'age', method: 'constant', value: 40 },
      { op: 'replace', column: 'city', values: { Quito: 'Guayaquil' } },
    ]);
    expect(reports.map((r) => r.valuesChanged)).toEqual([2, 2, 1, 2, 1]);
    expect(rows.map((r) => r['days'])).toEqual([10n, 11n, 12n, 10n, 11n, 14n]);
    expect(rows.map((r) => r['city'])).toEqual(['Lima', 'Guayaquil', 'Cusco', 'Lima', 'Lima', 'Lima']);
    expect(rows.map((r) => r['age'])).toEqual([34n, 40n, 51n, 34n, 29n, 40n]);
    const mode = await clean(people, [{ op: 'impute', column: 'city', method: 'mode' }]);
    expect(mode.rows[2]!['city']).toBe('Lima');
  });

  it('iqr_filter drops or clips outside the fences of the data before the step', async () => {
    // spend: 100 120 90 100 5000 110 -> q1 100, q3 117.5, fences [73.75, 143.75]
    const dropped = await clean(people, [{ op: 'iqr_filter', columns: ['spend'], action: 'drop' }]);
    expect(dropped.reports[0]!.rowsOut).toBe(5);
    expect(dropped.reports[0]!.detail).toContain('spend [73.75, 143.75]');
    const clipped = await clean(people, [{ op: 'iqr_filter', columns: ['spend'], action: 'clip' }]);
    expect(clipped.reports[0]).toMatchObject({ rowsIn: 6, rowsOut: 6, valuesChanged: 1 });
    expect(clipped.rows[4]!['spend']).toBe(144n); // 143.75 into a whole-number column
  });

  it('cast: blank strings stop the plan unless invalid_to_null, and then become missing', async () => {
    const p = csv('charges.csv', 'id,total\n1,10.5\n2, \n3,7\n');
    const message = await planError(p, [{ op: 'cast', column: 'total', to: 'DOUBLE' }]);
    // DuckDB reads " " as text, so the whole column is text until cast.
    expect(message).toMatch(/step 1 \(cast\): 1 values of "total" are not DOUBLE/);
    const { reports, rows } = await clean(p, [
      { op: 'cast', column: 'total', to: 'DOUBLE', invalid_to_null: true },
    ]);
    expect(reports[0]!.valuesChanged).toBe(1);
    expect(rows.map((r) => r['total'])).toEqual([10.5, null, 7]);
  });

  it('filter keeps rows where a SQL expression holds, and refuses anything but one expression', async () => {
    const { reports } = await clean(people, [{ op: 'filter', where: "city = 'Lima' AND spend < 1000" }]);
    expect(reports[0]).toMatchObject({ rowsIn: 6, rowsOut: 3 });
    expect(await planError(people, [{ op: 'filter', where: '1=1); DROP TABLE data; --' }])).toMatch(
      /step 1 \(filter\)/,
    );
    expect(await planError(people, [{ op: 'filter', where: 'nope > 1' }])).toMatch(/does not run/);
  });

  it('a step naming a column that is not there stops the plan and names the step', async () => {
    const message = await planError(people, [
      { op: 'drop_columns', columns: ['spend'] },
      { op: 'iqr_filter', columns: ['spend'], action: 'drop' },
    ]);
    expect(message).toMatch(/step 2 \(iqr_filter\): there is no column "spend"/);
  });

  it('isolation_forest drops about the contamination share, the same rows for the same seed', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 400; i++) lines.push(`${(i * 37) % 100},${(i * 53) % 100}`);
    for (let i = 0; i < 4; i++) lines.push(`${1000 + i * 50},${-900 - i * 50}`);
    const p = csv('iso.csv', `${lines.join('\n')}\n`);
    const step = { op: 'isolation_forest', contamination: 0.01, seed: 3 };
    const one = await clean(p, [step]);
    const two = await clean(p, [step]);
    expect(one.reports[0]!.rowsIn - one.reports[0]!.rowsOut).toBeGreaterThanOrEqual(4);
    expect(one.reports[0]!.rowsIn - one.reports[0]!.rowsOut).toBeLessThanOrEqual(6);
    expect(one.rows.some((r) => Number(r['a']) >= 1000)).toBe(false);
    expect(two.rows).toEqual(one.rows);
  });
});

describe("the seed's transaction rules on Online Retail (counts from pandas, fixtures/gen_online_retail_plan.py)", () => {
  it('drops adjustments, non-product codes and rows without a customer; keeps returns, marked', async () => {
    const ref = JSON.parse(readFileSync(join(fixtures, 'online_retail_plan_counts.json'), 'utf8'));
    const t = await loadTable(join(fixtures, 'online_retail.csv.gz'));
    try {
      const plan = parsePlan({
        steps: [
          { op: 'drop_adjustments', invoice: 'InvoiceNo' },
          {
            op: 'drop_stock_codes',
            column: 'StockCode',
            codes: ['POST', 'C2', 'BANK CHARGES', 'PADS', 'DOT', 'CRUK', 'S', 'AMAZONFEE', 'B'],
          },
          { op: 'drop_missing', columns: ['CustomerID'] },
          { op: 'mark_returns', invoice: 'InvoiceNo', quantity: 'Quantity' },
        ],
      });
      const reports = await applyPlan(t, plan);
      expect(reports[0]!.rowsIn).toBe(ref.rows);
      expect(reports[0]!.rowsIn - reports[0]!.rowsOut).toBe(ref.drop_adjustments);
      expect(reports[1]!.rowsIn - reports[1]!.rowsOut).toBe(ref.drop_stock_codes);
      expect(reports[2]!.rowsIn - reports[2]!.rowsOut).toBe(ref.drop_missing);
      expect(reports[3]!.rowsIn - reports[3]!.rowsOut).toBe(0);
      expect(reports[3]!.valuesChanged).toBe(ref.mark_returns);
      expect(t.nRows).toBe(ref.rows_out);
      const r = await t.db.runAndReadAll(
        'SELECT count(DISTINCT CustomerID) AS c, sum(Quantity * UnitPrice) AS revenue FROM data',
      );
      const row = r.getRowObjectsJS()[0]!;
      expect(Number(row['c'])).toBe(ref.customers_out);
      expect(Number(row['revenue'])).toBeCloseTo(ref.revenue_out, 4);
    } finally {
      t.close();
    }
  }, 60_000);
});

describe('suggested plans', () => {
  it('IBM Telco: the suggested plan casts TotalCharges, fills its blanks and drops the key; the same plan gives the same bytes', async () => {
    const path = join(fixtures, 'ibm_telco_churn.csv');
    const t = await loadTable(path);
    const plan = suggestPlan(await profileTable(t));
    t.close();
    expect(plan.steps.map((s) => s.op)).toEqual(['drop_columns', 'cast', 'impute']);
    const outputs: string[] = [];
    for (const name of ['a.csv', 'b.csv']) {
      const u = await loadTable(path);
      const reports = await applyPlan(u, plan);
      expect(reports[2]!.valuesChanged).toBe(11);
      const out = join(dir, name);
      await writeQuery(u.db, cleanedSelect(u), out);
      expect(u.columns.find((c) => c.name === 'TotalCharges')!.type).toBe('DOUBLE');
      expect(u.columns.some((c) => c.name === 'customerID')).toBe(false);
      u.close();
      outputs.push(readFileSync(out, 'utf8'));
    }
    expect(outputs[0]).toBe(outputs[1]);
    expect(outputs[0]!.split('\n')[0]!.startsWith('gender,SeniorCitizen')).toBe(true);
  });
});
