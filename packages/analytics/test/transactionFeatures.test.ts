import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, quoteLiteral } from '../src/duckdb.ts';
import { InputError } from '../src/errors.ts';
import { type ColumnInfo, mapTransactionColumns } from '../src/features/mapColumns.ts';
import {
  buildTransactionFeatures,
  TRANSACTION_FEATURE_COLUMNS,
} from '../src/features/transactionFeatures.ts';

const dir = mkdtempSync(join(tmpdir(), 'clientele-features-'));

/** "name:TYPE,..." (VARCHAR when no type); the comma inside DECIMAL(p,s) does not split. */
function cols(spec: string): ColumnInfo[] {
  return spec.split(/,(?![^(]*\))/).map((s) => {
    const [name, type] = s.split(':');
    return { name: name!, type: type ?? 'VARCHAR' };
  });
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

async function rejects(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

/** Writes CSV text to a file and loads it as a DuckDB table, as loadTable would. */
async function tableFromCsv(db: DuckDBConnection, name: string, csv: string): Promise<ColumnInfo[]> {
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, csv);
  await db.run(`CREATE OR REPLACE TABLE ${name} AS SELECT * FROM read_csv(${quoteLiteral(path)})`);
  const rows = (await db.runAndReadAll(`DESCRIBE ${name}`)).getRows();
  return rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
}

/** Rows of a features table keyed by customer id, numbers as numbers (BIGINT cast in SQL). */
async function featureRows(
  db: DuckDBConnection,
  table: string,
): Promise<Map<string, Record<string, unknown>>> {
  const reader = await db.runAndReadAll(
    `SELECT * REPLACE (CAST(customer_id AS VARCHAR) AS customer_id, CAST(items AS DOUBLE) AS items,
       CAST(returns AS DOUBLE) AS returns) FROM ${table}`,
  );
  const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
  return new Map(rows.map((r) => [String(r['customer_id']), r]));
}

describe('mapTransactionColumns', () => {
  const expected = (
    customer: string,
    invoice: string,
    date: string,
    quantity: string,
    price: string,
    product: string,
  ) => ({ customer, invoice, date, quantity, price, product });

  it('recognises the Online Retail names', () => {
    const m = mapTransactionColumns(
      cols(
        'InvoiceNo,StockCode,Description,Quantity:BIGINT,InvoiceDate:TIMESTAMP,UnitPrice:DOUBLE,CustomerID:DOUBLE,Country',
      ),
      {},
    );
    expect(m).toEqual({
      ...expected('CustomerID', 'InvoiceNo', 'InvoiceDate', 'Quantity', 'UnitPrice', 'StockCode'),
      country: 'Country',
    });
  });

  it('recognises snake_case and spaced names, and leaves country null when there is none', () => {
    const snake = mapTransactionColumns(
      cols(
        'invoice_no,stock_code,quantity:INTEGER,invoice_date:DATE,unit_price:DECIMAL(10,2),customer_id:BIGINT',
      ),
      {},
    );
    expect(snake).toEqual({
      ...expected('customer_id', 'invoice_no', 'invoice_date', 'quantity', 'unit_price', 'stock_code'),
      country: null,
    });
    const spaced = mapTransactionColumns(
      cols('Customer ID,Invoice,Date:TIMESTAMP,Qty:DOUBLE,Price:DOUBLE,SKU,COUNTRY'),
      {},
    );
    expect(spaced).toEqual({
      ...expected('Customer ID', 'Invoice', 'Date', 'Qty', 'Price', 'SKU'),
      country: 'COUNTRY',
    });
  });

  it('takes the only date-typed column as the date when no name matches, and skips columns of the wrong type', () => {
    // "quantity" is text here, so the numeric "units" is taken; "created" is the only timestamp.
    const m = mapTransactionColumns(
      cols('order_id,product,quantity,units:BIGINT,created:TIMESTAMP WITH TIME ZONE,price:DOUBLE,client'),
      {},
    );
    expect(m).toEqual({
      ...expected('client', 'order_id', 'created', 'units', 'price', 'product'),
      country: null,
    });
  });

  it('applies overrides first, by exact or case-insensitive name, and accepts role aliases', () => {
    const columns = cols(
      'buyer,ticket,when:TIMESTAMP,Quantity:BIGINT,cost:DOUBLE,StockCode,CustomerID:DOUBLE',
    );
    const m = mapTransactionColumns(columns, { customer: 'buyer', invoice: 'TICKET', unit_price: 'cost' });
    expect(m).toEqual({
      ...expected('buyer', 'ticket', 'when', 'Quantity', 'cost', 'StockCode'),
      country: null,
    });
  });

  it('names the missing role and lists the file columns', () => {
    const e = inputError(() =>
      mapTransactionColumns(
        cols('CustomerID:DOUBLE,InvoiceNo,InvoiceDate:TIMESTAMP,UnitPrice:DOUBLE,StockCode'),
        {},
      ),
    );
    expect(e.code).toBe('BAD_MAPPING');
    expect(e.message).toMatch(/no quantity column/);
    expect(e.message).toMatch(/CustomerID \(DOUBLE\), InvoiceNo \(VARCHAR\)/);
    expect(e.message).toMatch(/--map quantity=COLUMN/);
    expect(e.details['role']).toBe('quantity');
  });

  it('names an override column the file lacks, and an unknown role', () => {
    const columns = cols(
      'CustomerID:DOUBLE,InvoiceNo,InvoiceDate:TIMESTAMP,Quantity:BIGINT,UnitPrice:DOUBLE,StockCode',
    );
    const e = inputError(() => mapTransactionColumns(columns, { customer: 'Client' }));
    expect(e.code).toBe('UNKNOWN_COLUMN');
    expect(e.message).toMatch(/no column "Client"/);
    expect(e.message).toMatch(/CustomerID \(DOUBLE\)/);
    const r = inputError(() => mapTransactionColumns(columns, { buyer: 'CustomerID' }));
    expect(r.code).toBe('BAD_MAPPING');
    expect(r.message).toMatch(/"buyer" is not a role/);
  });

  it('refuses a text quantity, a numeric date and one column for two roles', () => {
    const columns = cols(
      'CustomerID:DOUBLE,InvoiceNo,InvoiceDate:TIMESTAMP,Quantity:BIGINT,UnitPrice:DOUBLE,StockCode',
    );
    expect(inputError(() => mapTransactionColumns(columns, { quantity: 'StockCode' })).code).toBe(
      'NOT_NUMERIC',
    );
    expect(inputError(() => mapTransactionColumns(columns, { date: 'Quantity' })).code).toBe('BAD_MAPPING');
    expect(
      inputError(() => mapTransactionColumns(columns, { product: 'InvoiceNo', invoice: 'InvoiceNo' })).code,
    ).toBe('BAD_MAPPING');
  });
});

/**
 * A hand-written log. Customer 101: invoices 1001 (2 lines), 1002, 1004 (2 lines), a cancelled
 * C1003 (1 item back), a C1014 written with a positive quantity (still a return: 1 item), a zero-quantity line and a line with no quantity (both left out).
 * 102: invoice 1005 (the same product on two lines) and 1012 on 2011-01-22 (cut by as-of
 * 2011-01-22). 103: 1006, a negative-quantity line on a plain invoice (1008, a return) and 1007 on
 * 2011-01-25 (the log's last day). 104: only a return (left out). One line has no customer.
 */
const LOG = `InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
1001,P1,2,2011-01-01 10:00:00,5.00,101.0,United Kingdom
1001,P2,1,2011-01-01 10:00:00,3.00,101.0,United Kingdom
1002,P1,4,2011-01-11 09:00:00,5.00,101.0,United Kingdom
C1003,P1,-1,2011-01-15 11:00:00,5.00,101.0,United Kingdom
C1014,P2,1,2011-01-16 11:00:00,3.00,101.0,United Kingdom
1004,P3,1,2011-01-21 15:00:00,10.00,101.0,France
1004,P1,1,2011-01-21 15:00:00,5.00,101.0,France
1011,P5,0,2011-01-13 10:00:00,2.00,101.0,United Kingdom
1005,P2,6,2011-01-20 12:00:00,3.00,102.0,Germany
1005,P2,2,2011-01-20 12:00:00,3.00,102.0,Germany
1012,P3,1,2011-01-22 08:00:00,10.00,102.0,Germany
1006,P4,10,2011-01-05 09:30:00,1.50,103.0,Spain
1008,P4,-2,2011-01-06 09:30:00,1.50,103.0,Spain
1007,P4,10,2011-01-25 17:45:00,1.50,103.0,Spain
C1009,P1,-1,2011-01-10 10:00:00,5.00,104.0,United Kingdom
1010,P1,1,2011-01-12 10:00:00,5.00,,United Kingdom
1013,P1,,2011-01-14 10:00:00,5.00,101.0,United Kingdom
`;

describe('buildTransactionFeatures on a hand-written log', () => {
  let db: DuckDBConnection;
  beforeAll(async () => {
    db = await openDuckDB();
    const columns = await tableFromCsv(db, 'log', LOG);
    expect(mapTransactionColumns(columns, {}).customer).toBe('CustomerID');
  });
  afterAll(() => db.closeSync());

  async function build(asOf?: string) {
    const columns = (await db.runAndReadAll('DESCRIBE log')).getRows().map((r) => ({
      name: String(r[0]),
      type: String(r[1]),
    }));
    const f = await buildTransactionFeatures(db, 'log', mapTransactionColumns(columns, {}), { asOf });
    return { f, rows: await featureRows(db, f.table) };
  }

  it('computes every feature by hand, as of the day after the last date by default', async () => {
    const { f, rows } = await build();
    expect(f.asOf).toBe('2011-01-26');
    expect(f.asOfDefault).toBe(true);
    expect(f.table).toBe('log_features');
    expect(f.nCustomers).toBe(3);
    expect(f.columns).toEqual([...TRANSACTION_FEATURE_COLUMNS, 'country']);
    expect(f.rows).toEqual({
      total: 17,
      used: 14,
      noCustomer: 1,
      incomplete: 1,
      zeroQuantity: 1,
      onOrAfterAsOf: 0,
    });
    expect(f.customersWithoutPurchase).toBe(1);
    expect([...rows.keys()]).toEqual(['101', '102', '103']);

    // 101: 13 + 20 + 15 bought, 5 + 3 returned; 9 items in 3 invoices on Jan 1, 11, 21.
    expect(rows.get('101')).toEqual({
      customer_id: '101',
      revenue: 40,
      recency_days: 5, // Jan 21 -> Jan 26
      purchases: 3,
      items: 9,
      unique_products: 3,
      avg_ticket: 40 / 3,
      avg_days_between_purchases: 10, // (21 - 1) / 2
      frequency: 3 / 25, // Jan 1 -> Jan 26
      returns: 2,
      avg_basket_size: 3,
      avg_unique_basket_size: 5 / 3, // 2, 1 and 2 products
      r_score: 1,
      f_score: 4,
      m_score: 4,
      rfm_segment: '144',
      country: 'United Kingdom', // 5 lines UK, 2 France
    });
    // 102: 24 on Jan 20 (one product on two lines) and 10 on Jan 22.
    expect(rows.get('102')).toEqual({
      customer_id: '102',
      revenue: 34,
      recency_days: 4,
      purchases: 2,
      items: 9,
      unique_products: 2,
      avg_ticket: 17,
      avg_days_between_purchases: 2,
      frequency: 2 / 6,
      returns: 0,
      avg_basket_size: 4.5,
      avg_unique_basket_size: 1,
      r_score: 2,
      f_score: 1, // ties with 103 on 2 purchases: both 1
      m_score: 2,
      rfm_segment: '212',
      country: 'Germany',
    });
    // 103: 15 + 15 bought, 2 items (3.00) returned on a plain invoice with a negative quantity.
    expect(rows.get('103')).toEqual({
      customer_id: '103',
      revenue: 27,
      recency_days: 1,
      purchases: 2,
      items: 20,
      unique_products: 1,
      avg_ticket: 13.5,
      avg_days_between_purchases: 20,
      frequency: 2 / 21,
      returns: 2,
      avg_basket_size: 10,
      avg_unique_basket_size: 1,
      r_score: 4,
      f_score: 1,
      m_score: 1,
      rfm_segment: '411',
      country: 'Spain',
    });
  });

  it('leaves out rows on or after the as-of date; a one-purchase customer has no days between purchases', async () => {
    const { f, rows } = await build('2011-01-22');
    expect(f.asOf).toBe('2011-01-22');
    expect(f.asOfDefault).toBe(false);
    expect(f.rows.onOrAfterAsOf).toBe(2);
    expect(f.rows.used).toBe(12);
    expect(rows.get('101')).toMatchObject({
      recency_days: 1,
      frequency: 3 / 21,
      revenue: 40,
      rfm_segment: '444',
    });
    expect(rows.get('102')).toMatchObject({
      revenue: 24,
      recency_days: 2,
      purchases: 1,
      items: 8,
      unique_products: 1,
      avg_ticket: 24,
      avg_days_between_purchases: null,
      frequency: 1 / 2,
      avg_basket_size: 8,
      avg_unique_basket_size: 1,
      rfm_segment: '212',
    });
    expect(rows.get('103')).toMatchObject({
      revenue: 12,
      recency_days: 17,
      purchases: 1,
      items: 10,
      returns: 2,
      avg_days_between_purchases: null,
      frequency: 1 / 17,
      rfm_segment: '111',
    });
  });

  it('refuses a malformed as-of date and one before every purchase', async () => {
    expect((await rejects(build('2011-02-30'))).code).toBe('BAD_OPTION');
    expect((await rejects(build('22/01/2011'))).code).toBe('BAD_OPTION');
    const e = await rejects(build('2010-12-01'));
    expect(e.code).toBe('NO_DATA_ROWS');
    expect(e.message).toMatch(/2010-12-01/);
  });

  it('reads text dates, and names a text date column with values that are not dates', async () => {
    const good = await tableFromCsv(
      db,
      'textdates',
      'customer_id,invoice,date,qty,price,sku\n7,a,2011-03-01,2,1.5,x\n7,b,2011-03-05,1,1.5,y\n',
    );
    // Force the dates to text, as a file with mixed date formats would leave them.
    await db.run(
      'CREATE OR REPLACE TABLE textdates AS SELECT * REPLACE (CAST(date AS VARCHAR) AS date) FROM textdates',
    );
    const mapping = mapTransactionColumns(
      good.map((c) => (c.name === 'date' ? { ...c, type: 'VARCHAR' } : c)),
      {},
    );
    const f = await buildTransactionFeatures(db, 'textdates', mapping, {});
    expect(f.asOf).toBe('2011-03-06');
    expect((await featureRows(db, f.table)).get('7')).toMatchObject({
      purchases: 2,
      avg_days_between_purchases: 4,
    });
    await tableFromCsv(
      db,
      'baddates',
      'customer_id,invoice,date,qty,price,sku\n7,a,2011-03-01,2,1.5,x\n7,b,soon,1,1.5,y\n',
    );
    const e = await rejects(buildTransactionFeatures(db, 'baddates', mapping, {}));
    expect(e.code).toBe('BAD_MAPPING');
    expect(e.message).toMatch(/"date" has 1 values that are not dates, e.g. "soon"/);
  });
});

interface Reference {
  n_clean_rows: number;
  runs: {
    as_of: string;
    as_of_default: boolean;
    n_customers: number;
    n_with_avg_days: number;
    sums: Record<string, number>;
    score_counts: Record<string, Record<string, number>>;
    segments_555: number;
    customers: Record<string, Record<string, number | string | null>>;
  }[];
}

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const SHARED = join(repoRoot, '..', 'shared', 'data', 'online-retail', 'online_retail.csv.gz');
const LOCAL = join(import.meta.dirname, 'fixtures', 'online_retail.csv.gz');
const SEED_DROPPED_CODES = ['POST', 'C2', 'BANK CHARGES', 'PADS', 'DOT', 'CRUK', 'S', 'AMAZONFEE', 'B'];

describe('buildTransactionFeatures on the Online Retail log (seed cleaning)', () => {
  const ref = JSON.parse(
    readFileSync(join(import.meta.dirname, 'fixtures', 'online_retail_features.json'), 'utf8'),
  ) as Reference;
  let db: DuckDBConnection;
  let columns: ColumnInfo[];

  beforeAll(async () => {
    const path = existsSync(SHARED) ? SHARED : LOCAL;
    if (!existsSync(path)) throw new Error(`Online Retail not found at ${SHARED} nor ${LOCAL}`);
    db = await openDuckDB();
    await db.run(`
      CREATE TABLE retail AS SELECT * FROM read_csv(${quoteLiteral(path)})
      WHERE CustomerID IS NOT NULL
        AND StockCode NOT IN (${SEED_DROPPED_CODES.map(quoteLiteral).join(', ')})
        AND NOT starts_with(InvoiceNo, 'A')`);
    columns = (await db.runAndReadAll('DESCRIBE retail')).getRows().map((r) => ({
      name: String(r[0]),
      type: String(r[1]),
    }));
  });
  afterAll(() => db?.closeSync());

  for (const [i, label] of ['the default as-of', 'as of 2011-07-01'].entries()) {
    it(`matches the independent Python computation, ${label}`, async () => {
      const run = ref.runs[i]!;
      const f = await buildTransactionFeatures(db, 'retail', mapTransactionColumns(columns, {}), {
        asOf: run.as_of_default ? undefined : run.as_of,
      });
      expect(f.rows.total).toBe(ref.n_clean_rows);
      expect(f.asOf).toBe(run.as_of);
      expect(f.asOfDefault).toBe(run.as_of_default);
      expect(f.nCustomers).toBe(run.n_customers);

      const rows = await featureRows(db, f.table);
      if (run.as_of_default) {
        // Known by hand: 12346 bought 74,215 jars on 2011-01-18 and returned them the same day.
        expect(rows.get('12346')).toMatchObject({
          items: 74215,
          returns: 74215,
          revenue: 0,
          purchases: 1,
          recency_days: 326,
        });
      }
      for (const [id, want] of Object.entries(run.customers)) {
        const got = rows.get(id)!;
        expect(got, id).toBeDefined();
        for (const [k, v] of Object.entries(want)) {
          if (typeof v === 'number' && !Number.isInteger(v)) expect(got[k], `${id} ${k}`).toBeCloseTo(v, 6);
          else expect(got[k], `${id} ${k}`).toBe(v);
        }
      }

      const sums = (
        await db.runAndReadAll(`SELECT ${Object.keys(run.sums)
          .map((k) => `CAST(sum(${k}) AS DOUBLE) AS ${k}`)
          .join(', ')}, CAST(count(avg_days_between_purchases) AS DOUBLE) AS n_with_avg_days,
          CAST(count(*) FILTER (WHERE rfm_segment = '555') AS DOUBLE) AS segments_555 FROM ${f.table}`)
      ).getRowObjectsJson()[0] as Record<string, number>;
      for (const [k, v] of Object.entries(run.sums)) {
        expect(Math.abs(sums[k]! - v), k).toBeLessThan(1e-9 * Math.max(1, Math.abs(v)));
      }
      expect(sums['n_with_avg_days']).toBe(run.n_with_avg_days);
      expect(sums['segments_555']).toBe(run.segments_555);
      for (const score of ['r_score', 'f_score', 'm_score']) {
        const counts = (
          await db.runAndReadAll(
            `SELECT CAST(${score} AS VARCHAR) AS s, CAST(count(*) AS DOUBLE) AS n FROM ${f.table} GROUP BY 1`,
          )
        ).getRowObjectsJson() as { s: string; n: number }[];
        const got = Object.fromEntries(counts.map((c) => [c.s, c.n]));
        for (const [s, n] of Object.entries(run.score_counts[score]!))
          expect(got[s] ?? 0, `${score} ${s}`).toBe(n);
      }
    });
  }
});
