import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cliRunner, tempDir } from './runCli.ts';

const dir = tempDir('clientele-features-cli-');
const run = cliRunner(dir);

/**
 * Customer 1: two purchases (Mar 1 and Mar 11) and one item returned (C-invoice). Customer 2: one
 * purchase on Mar 20 (the last day). One row without a customer.
 */
const LOG = `Invoice,Customer ID,Date,Qty,Price,SKU,Country
A1,1,2011-03-01 10:00:00,3,2.50,X,Spain
A1,1,2011-03-01 10:00:00,1,4.00,Y,Spain
A2,1,2011-03-11 09:00:00,2,2.50,X,Spain
CA3,1,2011-03-12 09:00:00,-1,2.50,X,Spain
A4,2,2011-03-20 16:00:00,5,1.00,Z,Chile
A5,,2011-03-20 16:00:00,5,1.00,Z,Chile
`;

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

describe('clientele features', () => {
  const input = file('log.csv', LOG);

  it('writes one row per customer and prints the promised JSON fields', async () => {
    const out = join(dir, 'features.csv');
    const r = await run('features', '--input', input, '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.n_customers).toBe(2);
    expect(j.as_of).toBe('2011-03-21');
    expect(j.as_of_default).toBe(true);
    expect(j.out).toBe(out);
    expect(j.seconds).toBeGreaterThan(0);
    expect(j.n_rows).toBe(6);
    expect(j.n_rows_no_customer).toBe(1);
    expect(j.mapping).toEqual({
      customer: 'Customer ID',
      invoice: 'Invoice',
      date: 'Date',
      quantity: 'Qty',
      price: 'Price',
      product: 'SKU',
      country: 'Country',
    });
    expect(j.columns.slice(0, 4)).toEqual(['customer_id', 'revenue', 'recency_days', 'purchases']);
    expect(j.columns).toContain('rfm_segment');

    const rows = readCsv(out);
    expect(Object.keys(rows[0]!)).toEqual(j.columns);
    expect(rows.map((row) => row['customer_id'])).toEqual(['1', '2']);
    // 7.50 + 4.00 + 5.00 bought, 2.50 returned; last purchase Mar 11, first Mar 1, as of Mar 21.
    expect(rows[0]).toMatchObject({
      revenue: '14.0',
      recency_days: '10',
      purchases: '2',
      items: '6',
      returns: '1',
    });
    expect(Number(rows[0]!['frequency'])).toBeCloseTo(2 / 20, 12);
    expect(rows[1]).toMatchObject({
      revenue: '5.0',
      recency_days: '1',
      purchases: '1',
      avg_days_between_purchases: '',
    });
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('says which as-of date it used, and reads a gzip file with other column names through --map', async () => {
    const gz = file(
      'renamed.csv.gz',
      gzipSync(LOG.replace('Customer ID', 'buyer').replace('SKU', 'article_no')),
    );
    const out = join(dir, 'asof.csv');
    const [r, d] = await Promise.all([
      run(
        'features',
        '--input',
        gz,
        '--map',
        'customer=buyer,product=article_no',
        '--as-of',
        '2011-03-12',
        '--out',
        out,
      ),
      run('features', '--input', input, '--out', join(dir, 'd.csv')),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2011-03-12 \(given\)/);
    expect(r.stdout).toMatch(/customer=buyer/);
    expect(r.stderr).toMatch(/2 rows dated on or after 2011-03-12/);
    const rows = readCsv(out);
    expect(rows.map((row) => row['customer_id'])).toEqual(['1']);
    expect(rows[0]).toMatchObject({ revenue: '16.5', recency_days: '1' });
    expect(d.stdout).toMatch(/2011-03-21 \(default: the day after the last date in the data\)/);
  });

  it('exits 3 naming the column when --map names one the file lacks, and writes nothing', async () => {
    const out = join(dir, 'never.csv');
    const r = await run('features', '--input', input, '--map', 'customer=CustomerID', '--out', out);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--map customer=CustomerID: the file has no column "CustomerID"/);
    expect(r.stderr).toMatch(/Customer ID \(BIGINT\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 3 naming the role it cannot find, and 2 on a malformed flag', async () => {
    const noQty = file('noqty.csv', LOG.replace('Qty', 'Amount'));
    const [r, badDate, badMap] = await Promise.all([
      run('features', '--input', noQty, '--out', join(dir, 'x.csv')),
      run('features', '--input', input, '--as-of', '2011-13-01', '--out', 'y.csv'),
      run('features', '--input', input, '--map', 'customer', '--out', 'y.csv'),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no quantity column found.*Amount \(BIGINT\).*--map quantity=COLUMN/s);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/--as-of must be a date written YYYY-MM-DD/);
    expect(badMap.code).toBe(2);
    expect(badMap.stderr).toMatch(/--map takes role=column pairs/);
  });
});
