import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB } from '../src/duckdb.ts';
import { InputError } from '../src/errors.ts';
import { buildSnapshotFeatures } from '../src/features/snapshotFeatures.ts';

describe('buildSnapshotFeatures', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDuckDB();
    // 8 customers: a text id, a churn label, numbers, a boolean, a 2-level and a 5-level text
    // column (one missing), a date and a free-text column.
    await db.run(`CREATE TABLE snap AS SELECT * FROM (VALUES
      ('a1', 'Yes', 1,  29.5, true,  'Month-to-month', 'red',   DATE '2020-01-01', 'note 1'),
      ('a2', 'No',  34, 56.9, false, 'One year',       'red',   DATE '2020-01-02', 'note 2'),
      ('a3', 'No',  2,  53.8, true,  'Month-to-month', 'blue',  DATE '2020-01-03', 'note 3'),
      ('a4', 'Yes', 45, NULL, false, 'One year',       'blue',  DATE '2020-01-04', 'note 4'),
      ('a5', 'No',  8,  70.7, true,  'Month-to-month', 'green', DATE '2020-01-05', 'note 5'),
      ('a6', 'No',  22, 89.1, false, 'Month-to-month', 'green', DATE '2020-01-06', 'note 6'),
      ('a7', 'Yes', 10, 29.7, true,  NULL,             'gold',  DATE '2020-01-07', 'note 7'),
      ('a8', 'No',  28, 99.6, false, 'One year',       'pink',  DATE '2020-01-08', 'note 8')
    ) AS t(customer, churn, tenure, charges, paperless, contract, colour, since, comment)`);
  });
  afterAll(() => db.closeSync());

  it('keeps numbers as they are, one-hot encodes text, caps categories, sets id and target aside', async () => {
    const f = await buildSnapshotFeatures(db, 'snap', { id: 'customer', target: 'churn', maxCategories: 3 });
    expect(f.table).toBe('snap_features');
    expect(f.id).toBe('customer');
    expect(f.target).toBe('churn');
    expect(f.columns).toEqual([
      'tenure',
      'charges',
      'paperless',
      'contract=Month-to-month',
      'contract=One year',
      'colour=blue',
      'colour=green',
      'colour=(other)',
    ]);
    expect(f.encoded).toEqual([
      { column: 'contract', categories: ['Month-to-month', 'One year'], columns: f.columns.slice(3, 5) },
      { column: 'colour', categories: ['blue', 'green'], columns: f.columns.slice(5) },
    ]);
    expect(f.skipped.map((s) => s.column)).toEqual(['since', 'comment']);

    const rows = (
      await db.runAndReadAll('SELECT * FROM snap_features ORDER BY customer')
    ).getRowObjectsJson() as Record<string, unknown>[];
    expect(Object.keys(rows[0]!)).toEqual(['customer', 'churn', ...f.columns]);
    expect(rows[0]).toEqual({
      customer: 'a1',
      churn: 'Yes',
      tenure: 1,
      charges: 29.5,
      paperless: 1,
      'contract=Month-to-month': 1,
      'contract=One year': 0,
      'colour=blue': 0,
      'colour=green': 0,
      'colour=(other)': 1, // red, gold and pink share (other); blue and green win the tie on name
    });
    expect(rows[3]!['charges']).toBeNull(); // missing numbers stay missing
    // A missing category is 0 in every column of its variable.
    expect([rows[6]!['contract=Month-to-month'], rows[6]!['contract=One year']]).toEqual([0, 0]);
    expect(rows.map((r) => r['colour=(other)'])).toEqual([1, 1, 0, 0, 0, 0, 1, 1]);
  });

  it('leaves text out when one-hot encoding is off, and names an id that is not there', async () => {
    const f = await buildSnapshotFeatures(db, 'snap', { id: 'customer', target: 'churn', oneHot: false });
    expect(f.columns).toEqual(['tenure', 'charges', 'paperless']);
    const e = await buildSnapshotFeatures(db, 'snap', { id: 'customerID' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe('UNKNOWN_COLUMN');
    expect((e as InputError).message).toMatch(/id column "customerID".*customer, churn, tenure/);
  });
});
