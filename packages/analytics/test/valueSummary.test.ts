import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.ts';
import { type LoadedTable, loadTable } from '../src/ingest/loadTable.ts';
import { summariseCustomers } from '../src/value/customerSummary.ts';
import { resolveDateColumn } from '../src/value/dateColumn.ts';
import { buildPurchaseDays } from '../src/value/purchaseDays.ts';
import { mapValueColumns } from '../src/value/valueColumns.ts';

const cdnow = new URL('./fixtures/cdnow/cdnow_transactions.csv', import.meta.url).pathname;
const summaryCsv = new URL('./fixtures/cdnow/cdnow_customers_summary_with_transactions.csv', import.meta.url)
  .pathname;

function types(t: LoadedTable): Map<string, string> {
  return new Map(t.columns.map((c) => [c.name, c.type]));
}

describe('CDNOW purchase days and calibration summary', () => {
  let t: LoadedTable;
  beforeAll(async () => {
    t = await loadTable(cdnow);
  });
  afterAll(() => t.close());

  it('maps the columns with customer named and reads YYYYMMDD integers as dates', async () => {
    const m = mapValueColumns(t.columns, { customer: 'id' });
    expect(m).toEqual({ customer: 'id', date: 'date', amount: 'spent', quantity: null, price: null });
    const days = await buildPurchaseDays(t.db, t.table, types(t), m);
    expect(days.dateForm).toBe('YYYYMMDD');
    // The README of the data: 6,696 distinct (customer, day) pairs among 6,919 rows of 2,357 customers.
    expect(days.nDays).toBe(6696);
    expect(days.nCustomers).toBe(2357);
    expect(days.firstDay).toBe('1997-01-01');
    expect(days.lastDay).toBe('1998-06-30');
  });

  it("equals the published 39-week calibration summary (x, t_x, T to the file's 2 decimals, zbar)", async () => {
    const m = mapValueColumns(t.columns, { customer: 'id' });
    const days = await buildPurchaseDays(t.db, t.table, types(t), m);
    const s = await summariseCustomers(t.db, days.table, '1997-09-30', 'week');
    const lines = readFileSync(summaryCsv, 'utf8').trim().split(/\r?\n/).slice(1);
    const ref = new Map(lines.map((l) => [l.split(',')[0]!, l.split(',').slice(1).map(Number)]));
    expect(s.ids.length).toBe(2357);
    let repeaters = 0;
    let sumX = 0;
    let zbarToCent = 0;
    for (let i = 0; i < s.ids.length; i++) {
      const [x, tx, T, zbar] = ref.get(s.ids[i]!)!;
      expect(s.frequency[i]).toBe(x);
      expect(Math.abs(s.recency[i]! - tx!)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(s.T[i]! - T!)).toBeLessThanOrEqual(0.005 + 1e-9);
      if (x! > 0) {
        repeaters++;
        if (Math.abs(s.monetaryValue[i]! - zbar!) < 0.005) zbarToCent++;
      } else expect(s.monetaryValue[i]).toBe(0);
      sumX += s.frequency[i]!;
    }
    expect(repeaters).toBe(946);
    expect(sumX).toBe(2457);
    // The data README: the mean over repeat purchase days matches zbar to the cent for 91.8%.
    expect(zbarToCent / repeaters).toBeGreaterThan(0.91);
  });
});

describe('date forms', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-dates-'));
  let k = 0;

  async function formOf(values: string[], format?: string): Promise<string> {
    const path = join(dir, `d${k++}.csv`);
    writeFileSync(path, `customer,date,amount\n${values.map((v, i) => `c${i},"${v}",1`).join('\n')}\n`);
    const t = await loadTable(path, { types: { date: 'VARCHAR' } });
    try {
      return (await resolveDateColumn(t.db, t.table, 'date', 'VARCHAR', format)).form;
    } finally {
      t.close();
    }
  }

  it('recognises ISO, day-month, month-day (with times) and YYYYMMDD text', async () => {
    expect(await formOf(['2011-12-09', '2011-01-31 10:00'])).toBe('iso');
    expect(await formOf(['12/1/2010 8:26', '12/31/2010 17:05'])).toBe('%m/%d/%Y');
    expect(await formOf(['31.12.2010', '01.02.2011'])).toBe('%d.%m.%Y');
    expect(await formOf(['19970101', '19971231'])).toBe('YYYYMMDD');
  });

  it('asks which form when day and month cannot be told apart, and takes --date-format', async () => {
    await expect(formOf(['01/02/2011', '03/04/2011'])).rejects.toThrow(/ambiguous.*--date-format/);
    expect(await formOf(['01/02/2011', '03/04/2011'], '%d/%m/%Y')).toBe('%d/%m/%Y');
  });

  it('names a value that is not a date', async () => {
    const err = await formOf(['2011-12-09', 'yesterday']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/"yesterday"/);
  });
});
