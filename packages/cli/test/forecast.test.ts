import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner, tempDir } from './runCli.ts';

const dir = tempDir('clientele-forecast-cli-');
const run = cliRunner(dir);
const CDNOW = new URL('../../analytics/test/fixtures/cdnow/cdnow_transactions.csv', import.meta.url).pathname;
const RETAIL = new URL('../../analytics/test/fixtures/online_retail.csv.gz', import.meta.url).pathname;

/** CDNOW's spend per month (YYYY-MM) and per customer, summed from the file here. */
function cdnowTotals(): { byMonth: Map<string, number>; rows: string[][] } {
  const rows = readFileSync(CDNOW, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const byMonth = new Map<string, number>();
  for (const r of rows) {
    const month = `${r[2]!.slice(0, 4)}-${r[2]!.slice(4, 6)}`;
    byMonth.set(month, (byMonth.get(month) ?? 0) + Number(r[4]));
  }
  return { byMonth, rows };
}

describe('clientele forecast', () => {
  it('CDNOW: 18 whole months summed from the log, a forecast with intervals, and a backtest', async () => {
    const out = join(dir, 'cdnow_forecast.csv');
    const r = await run(
      'forecast',
      '--input',
      CDNOW,
      '--map',
      'customer=id',
      '--months',
      '6',
      '--out',
      out,
      '--json',
    );
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    const { byMonth } = cdnowTotals();
    expect(j.months).toEqual([...byMonth.keys()].sort());
    const all = j.series[0];
    expect(all.name).toBe('all');
    expect(all.customers).toBe(2357);
    j.months.forEach((m: string, i: number) => {
      expect(all.history[i]).toBeCloseTo(byMonth.get(m)!, 6);
    });
    expect(j.forecast_months).toEqual(['1998-07', '1998-08', '1998-09', '1998-10', '1998-11', '1998-12']);
    // 18 months: no seasonality (24 needed); Holt's trend, straight or damped.
    expect(['holt', 'holt-damped']).toContain(all.model);
    for (const p of all.forecast) {
      expect(p.lower).toBeGreaterThanOrEqual(0);
      expect(p.lower).toBeLessThanOrEqual(p.mean);
      expect(p.upper).toBeGreaterThan(p.mean);
    }
    expect(all.backtest.origins).toBe(18 - 6);
    expect(all.backtest.mape).toBeGreaterThan(0);
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('series,month,kind,revenue,lower,upper');
    expect(csv.length).toBe(1 + 18 + 6);
  });

  it('one series per segment of a segment file, adding up to the total', async () => {
    const { rows } = cdnowTotals();
    const ids = [...new Set(rows.map((r) => r[1]!))];
    const segments = join(dir, 'segments.csv');
    writeFileSync(
      segments,
      `customer_id,segment\n${ids.map((id) => `${id},${Number(id) % 3 === 0 ? 'Insiders' : 'Rest'}`).join('\n')}\n`,
    );
    const r = await run('forecast', '--input', CDNOW, '--map', 'customer=id', '--by', segments, '--json');
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.series.map((s: { name: string }) => s.name)).toEqual(['all', 'Insiders', 'Rest']);
    expect(j.series[1].customers + j.series[2].customers).toBe(2357);
    expect(j.rows_without_segment).toBe(0);
    j.months.forEach((_: string, i: number) => {
      expect(j.series[1].history[i] + j.series[2].history[i]).toBeCloseTo(j.series[0].history[i], 6);
    });
  });

  it('Online Retail: leaves out December 2011, which the data cover only to the 9th, and says so', async () => {
    const r = await run('forecast', '--input', RETAIL, '--json');
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.months[0]).toBe('2010-12');
    expect(j.months.at(-1)).toBe('2011-11');
    expect(j.partial_months).toEqual([{ month: '2011-12', first_day: '2011-12-01', last_day: '2011-12-09' }]);
    expect(j.mapping).toEqual({
      customer: 'CustomerID',
      date: 'InvoiceDate',
      amount: null,
      quantity: 'Quantity',
      price: 'UnitPrice',
    });
    const text = await run('forecast', '--input', RETAIL);
    expect(text.stderr).toMatch(/left out 2011-12: the data cover only 2011-12-01 to 2011-12-09/);
  });

  it('says how many months a forecast needs', async () => {
    const short = join(dir, 'short.csv');
    writeFileSync(short, 'customer_id,date,amount\n1,2011-01-05,10\n2,2011-02-07,12\n3,2011-03-31,9\n');
    const r = await run('forecast', '--input', short);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/needs 3/);
  });
});
